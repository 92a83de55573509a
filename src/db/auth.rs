//! Accounts, passwords, sessions, e-mailed links and sign-in throttling.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entity::{account, account_role, email_token, session};
use super::{audit, friction, mail, Services};
use crate::paging::Paged;
use crate::pow::{Purpose, Solution};
use crate::account::{check_password, check_text, AccountRow, Email, LinkPurpose, Role, SessionUser, SignUpForm};
use crate::audit::AuditAction;
use crate::AppError;

/// How long e-mailed links stay valid.
pub const LINK_TTL_HOURS: i64 = 24;
/// Failed sign-ins tolerated per account within the window; past it a sign-in needs a
/// proof of work (never a hard block, so that nobody can lock a real user out). The limit
/// per client address is the current edition's `friction_sign_ins_per_address`.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
pub const DEFAULT_FAILURES_PER_CLIENT: u64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Requests for e-mails (sign-ups, new links, resets) per client address within the
/// window before each needs a proof of work.
pub const MAIL_REQUESTS_PER_CLIENT: u64 = 10;
/// Attempts at the password of one confirmation link.
pub const CONFIRM_ATTEMPTS_PER_LINK: u64 = 10;


pub(super) fn window() -> Duration {
    Duration::minutes(THROTTLE_WINDOW_MINUTES)
}

/// A random 256-bit token, hex-encoded, for cookies and e-mailed links.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// What the database keeps of a token: its SHA-256, so a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA256 of `data` under the server secret, hex-encoded.
/// Whether two secrets (MACs, tokens) are equal, in time that does not depend on where
/// they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn keyed_hash(secret: &[u8], data: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Password hashing is deliberately costly (argon2id, 19 MiB and two passes each): at most
/// this many run at once, so a burst of sign-ins queues instead of exhausting memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|_| AppError::Internal)
}

pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A real hash of a random password, checked against when the address is unknown so
/// that both answers take the same time.
async fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return h.clone();
    }
    let h = hash_password(random_token()).await.unwrap_or_default();
    DUMMY.get_or_init(|| h).clone()
}

pub fn session_user(a: &account::Model, roles: &[Role]) -> SessionUser {
    SessionUser {
        id: a.uuid,
        email: a.email.clone(),
        display_name: a.display_name.clone(),
        organisation: a.organisation.clone(),
        country: a.country.clone(),
        confirmed: a.confirmed_at.is_some(),
        roles: roles.to_vec(),
    }
}

/// The roles of an account, sorted.
pub async fn roles_of(db: &impl ConnectionTrait, account_id: i32) -> Result<Vec<Role>, AppError> {
    let mut roles: Vec<Role> = account_role::Entity::find()
        .filter(account_role::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect();
    roles.sort();
    Ok(roles)
}

/// The roles of several accounts.
pub async fn roles_of_many(db: &impl ConnectionTrait, ids: &[i32]) -> Result<std::collections::HashMap<i32, Vec<Role>>, AppError> {
    let mut out: std::collections::HashMap<i32, Vec<Role>> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for r in account_role::Entity::find().filter(account_role::Column::AccountId.is_in(chunk.to_vec())).all(db).await? {
            out.entry(r.account_id).or_default().push(r.role);
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}

/// The confirmed accounts holding a role ("who are the experts"): one indexed query.
pub async fn accounts_with_role(db: &impl ConnectionTrait, role: Role) -> Result<Vec<account::Model>, AppError> {
    let ids: Vec<i32> = account_role::Entity::find()
        .filter(account_role::Column::Role.eq(role))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.account_id)
        .collect();
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .filter(account::Column::ConfirmedAt.is_not_null())
        .order_by_asc(account::Column::Email)
        .all(db)
        .await?)
}

/// Gives roles to an account (those it has already are kept once).
async fn grant_roles(db: &impl ConnectionTrait, account_id: i32, roles: &[Role]) -> Result<(), AppError> {
    let have = roles_of(db, account_id).await?;
    for r in roles.iter().filter(|r| !have.contains(r)) {
        account_role::ActiveModel { account_id: Set(account_id), role: Set(*r) }.insert(db).await?;
    }
    Ok(())
}

/// The account of an address: the same mailbox ([`Email::canonical`]) or, for accounts
/// older than canonical addresses, the same address.
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<account::Model>, AppError> {
    let lower = email.trim().to_lowercase();
    let canonical = crate::account::canonical_email(&lower);
    Ok(account::Entity::find()
        .filter(sea_orm::Condition::any().add(account::Column::EmailCanonical.eq(canonical)).add(account::Column::Email.eq(lower)))
        .order_by_asc(account::Column::Id)
        .one(db)
        .await?)
}

/// The account behind a session cookie, with its roles, if the session exists, has not
/// expired and belongs to a confirmed account (an unconfirmed account holds no session).
/// One query per request; expired sessions are removed by the housekeeping.
pub async fn account_for_session(
    db: &impl ConnectionTrait,
    token: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<(account::Model, Vec<Role>)>, AppError> {
    use sea_orm::sea_query::Query;
    let live = Query::select()
        .column(session::Column::AccountId)
        .from(session::Entity)
        .and_where(session::Column::TokenHash.eq(token_hash(token)))
        .and_where(session::Column::ExpiresAt.gt(now))
        .to_owned();
    let found = account::Entity::find()
        .filter(account::Column::Id.in_subquery(live))
        .filter(account::Column::ConfirmedAt.is_not_null())
        .find_with_related(account_role::Entity)
        .all(db)
        .await?;
    Ok(found.into_iter().next().map(|(a, held)| {
        let mut roles: Vec<Role> = held.into_iter().map(|r| r.role).collect();
        roles.sort();
        (a, roles)
    }))
}

/// Removes the sessions past their expiry.
pub async fn delete_expired_sessions(db: &impl ConnectionTrait, now: chrono::DateTime<Utc>) -> Result<u64, AppError> {
    Ok(session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(db).await?.rows_affected)
}

pub async fn create_session(db: &impl ConnectionTrait, account_id: i32, ttl_secs: i64, now: chrono::DateTime<Utc>) -> Result<String, AppError> {
    let token = random_token();
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(ttl_secs)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub async fn delete_session(db: &impl ConnectionTrait, token: &str) -> Result<(), AppError> {
    session::Entity::delete_many().filter(session::Column::TokenHash.eq(token_hash(token))).exec(db).await?;
    Ok(())
}

/// Ends every session of an account.
pub(super) async fn end_sessions(db: &impl ConnectionTrait, account_id: i32) -> Result<(), AppError> {
    session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id)).exec(db).await?;
    Ok(())
}

/// Marks every unused link of an account used (after one of them changed who holds it).
pub(super) async fn retire_links(db: &impl ConnectionTrait, account_id: i32, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
    email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(email_token::Column::AccountId.eq(account_id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn issue_link(
    db: &impl ConnectionTrait,
    account_id: i32,
    purpose: LinkPurpose,
    payload: Option<String>,
    now: chrono::DateTime<Utc>,
) -> Result<String, AppError> {
    let token = random_token();
    email_token::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        purpose: Set(purpose),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(LINK_TTL_HOURS)),
        used_at: Set(None),
        payload: Set(payload),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn invalid_link() -> AppError {
    AppError::invalid("This link is not valid. Please request a new one.")
}

fn used_link() -> AppError {
    AppError::invalid("This link was already used. Please request a new one if you still need it.")
}

/// The unused, unexpired link `token` of `purpose`.
async fn live_link(db: &impl ConnectionTrait, token: &str, purpose: LinkPurpose, now: chrono::DateTime<Utc>) -> Result<email_token::Model, AppError> {
    let token = token.trim();
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid_link());
    }
    let t = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash(token)))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or_else(invalid_link)?;
    if t.used_at.is_some() {
        return Err(used_link());
    }
    if t.expires_at <= now {
        return Err(AppError::invalid("This link has expired. Please request a new one."));
    }
    Ok(t)
}

/// Marks a link used; the update is conditional on `used_at IS NULL`, so of two clicks
/// only one succeeds.
async fn spend_link(db: &impl ConnectionTrait, t: &email_token::Model, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
    let res = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(email_token::Column::Id.eq(t.id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(used_link());
    }
    Ok(())
}

/// What a sign-up chose, kept with its confirmation link until the link is opened.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PendingSignUp {
    password_hash: String,
    display_name: String,
    organisation: String,
    country: String,
    lang: String,
}

/// One of the six languages, else English.
pub fn known_lang(lang: &str) -> &'static str {
    crate::language(lang).unwrap_or("en")
}

/// The one answer to a sign-up, whether or not the address was already registered.
pub const SIGN_UP_ANSWER: &str =
    "Thank you. We sent a confirmation link to that address; open it within 24 hours to activate your account.";

pub const DISPOSABLE_REFUSED: &str = "Addresses of disposable e-mail services are not accepted; please use an address you keep.";

/// Where a request comes from, as the throttles see it.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The client's network address (never stored raw).
    pub addr: &'a str,
    pub lang: &'a str,
}

/// Past [`MAIL_REQUESTS_PER_CLIENT`] requests for e-mail from one address, each needs a
/// proof of work.
pub(super) async fn mail_request_friction(s: &Services, from: Caller<'_>, pow: &Solution, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
    let key = format!("mail_request:{}", friction::address_key(&s.config.secret, from.addr));
    let (n, _) = friction::reserve(&s.db, &key, window(), now).await?;
    if n > MAIL_REQUESTS_PER_CLIENT {
        friction::verify(&s.db, &s.config, Purpose::Mail, pow, now).await?;
    }
    Ok(())
}

/// A new account without a password (confirmed at `confirmed_at`, if given) and its sign-up
/// in the audit log, in `txn`; `None` when the mailbox got its account meanwhile (the unique
/// index on the canonical address): the caller then rolls back.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_account(
    txn: &sea_orm::DatabaseTransaction,
    email: &str,
    canonical: &str,
    display_name: &str,
    organisation: &str,
    country: &str,
    lang: &str,
    confirmed_at: Option<chrono::DateTime<Utc>>,
    now: chrono::DateTime<Utc>,
) -> Result<Option<account::Model>, AppError> {
    let inserted = account::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        email: Set(email.to_string()),
        email_canonical: Set(Some(canonical.to_string())),
        password_hash: Set(String::new()),
        display_name: Set(display_name.to_string()),
        organisation: Set(organisation.to_string()),
        country: Set(country.to_string()),
        confirmed_at: Set(confirmed_at),
        created_at: Set(now),
        lang: Set(lang.to_string()),
        frozen_by: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await;
    match inserted {
        Ok(a) => {
            audit::record(txn, now, Some(a.id), AuditAction::AccountSignUp, &a.uuid.to_string(), None, None).await?;
            Ok(Some(a))
        }
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Creates an account. The checks that cost nothing come first, then the proof of work
/// (a sign-up always needs one), then the password hash; what depends on whether the
/// address already has an account runs after the answer, which is the same either way.
/// The password only becomes the account's when its confirmation link is opened with it.
pub async fn sign_up(s: &Services, input: &SignUpForm, from: Caller<'_>, pow: &Solution) -> Result<&'static str, AppError> {
    let lang = from.lang;
    let mut fields = Vec::new();
    let email = Email::parse(&input.email).map_err(|m| fields.push(("email".to_string(), m))).ok();
    if let Err(m) = check_password(&input.password) {
        fields.push(("password".into(), m));
    }
    let name = check_text("Display name", &input.display_name, true, 100).map_err(|m| fields.push(("display_name".into(), m))).ok();
    let org = check_text("Organisation", &input.organisation, false, 200).map_err(|m| fields.push(("organisation".into(), m))).ok();
    let country = check_text("Country", &input.country, true, 100).map_err(|m| fields.push(("country".into(), m))).ok();
    if let Some(e) = &email {
        if super::disposable::is_blocked(&s.db, e.domain()).await? {
            fields.push(("email".into(), DISPOSABLE_REFUSED.into()));
        }
    }
    let (Some(email), Some(name), Some(org), Some(country)) = (email, name, org, country) else {
        return Err(AppError::Fields(fields));
    };
    if !fields.is_empty() {
        return Err(AppError::Fields(fields));
    }
    let now = s.now();
    friction::verify(&s.db, &s.config, Purpose::SignUp, pow, now).await?;
    let pending = PendingSignUp {
        password_hash: hash_password(input.password.clone()).await?,
        display_name: name,
        organisation: org,
        country,
        lang: known_lang(lang).to_string(),
    };
    let svc = s.clone();
    s.background.spawn("sign_up", async move { register(&svc, email, pending).await });
    Ok(SIGN_UP_ANSWER)
}

/// The part of a sign-up that depends on the address: a new (unconfirmed) account, or a
/// new link for an unconfirmed one, or a note to the holder of a confirmed one.
async fn register(s: &Services, email: Email, pending: PendingSignUp) -> Result<(), AppError> {
    let now = s.now();
    let canonical = email.canonical();
    if !friction::allow_mail_to(&s.db, &s.config.secret, &canonical, now).await? {
        tracing::info!("sign-up mail to one address past its limit: not sent");
        return Ok(());
    }
    let lang = pending.lang.clone();
    let txn = s.db.begin().await?;
    let existing = find_by_email(&txn, email.as_str()).await?;
    let acct = match existing {
        Some(a) if a.confirmed_at.is_some() => {
            let body = format!(
                "Someone tried to create a WSIS Prizes account with this address, which already has one.\n\
                 If it was you, sign in at {}/signin or reset your password at {}/forgot.\n",
                s.config.public_url, s.config.public_url
            );
            mail::enqueue(&txn, now, &a.lang, &a.email, "Your WSIS Prizes account", &body).await?;
            txn.commit().await?;
            s.wake_mail();
            return Ok(());
        }
        Some(a) => a,
        // no password until the confirmation link is opened with the chosen one
        None => match insert_account(&txn, email.as_str(), &canonical, &pending.display_name, &pending.organisation, &pending.country, &lang, None, now).await? {
            Some(a) => a,
            // a concurrent sign-up of the same mailbox won the race
            None => {
                let _ = txn.rollback().await;
                return Ok(());
            }
        },
    };
    let payload = serde_json::to_string(&pending).map_err(|_| AppError::Internal)?;
    let token = issue_link(&txn, acct.id, LinkPurpose::Confirm, Some(payload), now).await?;
    mail::enqueue(&txn, now, &lang, &acct.email, "Confirm your WSIS Prizes account", &confirm_body(&s.config.public_url, &token)).await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(())
}

fn confirm_body(public_url: &str, token: &str) -> String {
    format!(
        "Welcome to the WSIS Prizes.\n\nConfirm your e-mail address to vote and submit projects:\n\n{public_url}/confirm?token={token}\n\n\
         The link works once and expires in {LINK_TTL_HOURS} hours.\n"
    )
}

pub const CONFIRM_PASSWORD_REFUSED: &str =
    "This is not the password chosen when this link was asked for. Enter the password you gave when you signed up.";

/// Opens a confirmation link with the password of the sign-up that asked for it: the
/// account then takes that sign-up's password and profile, every other session and link
/// of the account ends, and this browser is signed in. Someone who signed up with another
/// person's address cannot win: the address holder confirms with their own password, and
/// a link they did not ask for does not open without the password it was asked with.
pub async fn confirm_email(s: &Services, token: &str, password: &str, previous: Option<&str>) -> Result<(account::Model, String), AppError> {
    let now = s.now();
    let t = live_link(&s.db, token, LinkPurpose::Confirm, now).await?;
    if password.is_empty() || password.len() > 1000 {
        return Err(AppError::Fields(vec![("password".into(), CONFIRM_PASSWORD_REFUSED.into())]));
    }
    let (n, _) = friction::reserve(&s.db, &format!("confirm:{}", &t.token_hash[..32]), Duration::hours(LINK_TTL_HOURS), now).await?;
    if n > CONFIRM_ATTEMPTS_PER_LINK {
        return Err(AppError::TooManyRequests);
    }
    let acct = account::Entity::find_by_id(t.account_id).one(&s.db).await?.ok_or_else(invalid_link)?;
    let pending: Option<PendingSignUp> = t.payload.as_deref().and_then(|p| serde_json::from_str(p).ok());
    // links from before sign-ups were bound to their link carry no payload: the account's
    // own password decides
    let expected = pending.as_ref().map_or(acct.password_hash.clone(), |p| p.password_hash.clone());
    if !verify_password(password.to_string(), expected.clone()).await {
        return Err(AppError::Fields(vec![("password".into(), CONFIRM_PASSWORD_REFUSED.into())]));
    }
    let txn = s.db.begin().await?;
    spend_link(&txn, &t, now).await?;
    // the confirmation is conditional too: an address confirmed meanwhile keeps its password
    let mut update = account::Entity::update_many()
        .col_expr(account::Column::ConfirmedAt, Expr::value(Some(now)))
        .col_expr(account::Column::PasswordHash, Expr::value(expected))
        .filter(account::Column::Id.eq(acct.id))
        .filter(account::Column::ConfirmedAt.is_null());
    if let Some(p) = &pending {
        update = update
            .col_expr(account::Column::DisplayName, Expr::value(p.display_name.clone()))
            .col_expr(account::Column::Organisation, Expr::value(p.organisation.clone()))
            .col_expr(account::Column::Country, Expr::value(p.country.clone()))
            .col_expr(account::Column::Lang, Expr::value(p.lang.clone()));
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("This address is already confirmed. Please sign in.".into()));
    }
    end_sessions(&txn, acct.id).await?;
    retire_links(&txn, acct.id, now).await?;
    if let Some(prev) = previous {
        delete_session(&txn, prev).await?;
    }
    let session = create_session(&txn, acct.id, s.config.session_ttl_secs, now).await?;
    audit::record(&txn, now, Some(acct.id), AuditAction::AccountConfirm, &acct.uuid.to_string(), None, None).await?;
    txn.commit().await?;
    let acct = account::Entity::find_by_id(acct.id).one(&s.db).await?.ok_or(AppError::Internal)?;
    Ok((acct, session))
}

pub const RESEND_ANSWER: &str = "If an unconfirmed account uses that address, a new confirmation link is on its way.";

/// A new confirmation link, bound to the latest sign-up of the address.
pub async fn resend_confirmation(s: &Services, email: &str, from: Caller<'_>, pow: &Solution) -> Result<&'static str, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    mail_request_friction(s, from, pow, s.now()).await?;
    let svc = s.clone();
    s.background.spawn("resend_confirmation", async move {
        let now = svc.now();
        let Some(a) = find_by_email(&svc.db, email.as_str()).await? else { return Ok(()) };
        if a.confirmed_at.is_some() || !friction::allow_mail_to(&svc.db, &svc.config.secret, &email.canonical(), now).await? {
            return Ok(());
        }
        let latest = email_token::Entity::find()
            .filter(email_token::Column::AccountId.eq(a.id))
            .filter(email_token::Column::Purpose.eq(LinkPurpose::Confirm))
            .order_by_desc(email_token::Column::Id)
            .one(&svc.db)
            .await?;
        let txn = svc.db.begin().await?;
        let token = issue_link(&txn, a.id, LinkPurpose::Confirm, latest.and_then(|t| t.payload), now).await?;
        mail::enqueue(&txn, now, &a.lang, &a.email, "Confirm your WSIS Prizes account", &confirm_body(&svc.config.public_url, &token)).await?;
        txn.commit().await?;
        svc.wake_mail();
        Ok(())
    });
    Ok(RESEND_ANSWER)
}

pub const RESET_ANSWER: &str = "If an account uses that address, we sent it a link to choose a new password.";

pub async fn request_password_reset(s: &Services, email: &str, from: Caller<'_>, pow: &Solution) -> Result<&'static str, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    mail_request_friction(s, from, pow, s.now()).await?;
    let svc = s.clone();
    let lang = known_lang(from.lang).to_string();
    s.background.spawn("password_reset", async move {
        let now = svc.now();
        let Some(a) = find_by_email(&svc.db, email.as_str()).await? else { return Ok(()) };
        if !friction::allow_mail_to(&svc.db, &svc.config.secret, &email.canonical(), now).await? {
            return Ok(());
        }
        let txn = svc.db.begin().await?;
        let token = issue_link(&txn, a.id, LinkPurpose::Reset, None, now).await?;
        let body = format!(
            "Someone asked to reset the password of your WSIS Prizes account.\n\nChoose a new password here:\n\n{}/reset?token={token}\n\n\
             The link works once and expires in {LINK_TTL_HOURS} hours. If you did not ask, ignore this message.\n",
            svc.config.public_url
        );
        mail::enqueue(&txn, now, &lang, &a.email, "Reset your WSIS Prizes password", &body).await?;
        txn.commit().await?;
        svc.wake_mail();
        Ok(())
    });
    Ok(RESET_ANSWER)
}

/// Sets a new password from a reset link. Opening the link proves the address: an
/// unconfirmed account is confirmed, every session ends and every other link of the
/// account stops working.
pub async fn reset_password(s: &Services, token: &str, password: &str) -> Result<(), AppError> {
    check_password(password).map_err(|m| AppError::Fields(vec![("password".into(), m)]))?;
    let now = s.now();
    let t = live_link(&s.db, token, LinkPurpose::Reset, now).await?;
    let hash = hash_password(password.to_string()).await?;
    let txn = s.db.begin().await?;
    spend_link(&txn, &t, now).await?;
    let acct = account::Entity::find_by_id(t.account_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let mut am: account::ActiveModel = acct.clone().into();
    am.password_hash = Set(hash);
    if acct.confirmed_at.is_none() {
        am.confirmed_at = Set(Some(now));
    }
    am.update(&txn).await?;
    end_sessions(&txn, acct.id).await?;
    retire_links(&txn, acct.id, now).await?;
    audit::record(&txn, now, Some(acct.id), AuditAction::AccountPasswordReset, &acct.uuid.to_string(), None, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The one refusal of a sign-in, whatever was wrong (unknown address, wrong password, an
/// address not confirmed yet).
pub const SIGN_IN_REFUSED: &str =
    "The e-mail address or the password is not right. If you have just signed up, open the confirmation link we sent you first.";

/// Checks the credentials and opens a new session; `previous` (the caller's old session
/// token, if any) is removed so that a session id is never reused across sign-ins.
///
/// The attempt is recorded before the password is checked, under the account and under
/// the client address; past [`MAX_FAILURES_PER_ACCOUNT`] for the account or the edition's
/// threshold for the address, a sign-in needs a proof of work, which the sign-in form
/// completes by itself. Nothing blocks a real user: with the right password and the proof
/// of work they get in, from any address.
pub async fn sign_in(
    s: &Services,
    email: &str,
    password: &str,
    from: Caller<'_>,
    pow: &Solution,
    previous: Option<&str>,
) -> Result<(account::Model, String), AppError> {
    let email = Email::parse(email).map_err(|_| AppError::Invalid(SIGN_IN_REFUSED.into()))?;
    if password.is_empty() || password.len() > 1000 {
        return Err(AppError::Invalid(SIGN_IN_REFUSED.into()));
    }
    let now = s.now();
    let acct_key = format!("sign_in:account:{}", &keyed_hash(&s.config.secret, email.canonical().as_bytes())[..32]);
    let client_key = format!("sign_in:address:{}", friction::address_key(&s.config.secret, from.addr));
    let (acct_n, _) = friction::reserve(&s.db, &acct_key, window(), now).await?;
    let (client_n, client_row) = friction::reserve(&s.db, &client_key, window(), now).await?;
    let client_limit = s
        .current_edition
        .get_with_id(&s.db)
        .await?
        .map_or(DEFAULT_FAILURES_PER_CLIENT, |(_, e)| u64::from(e.rules.friction_sign_ins_per_address));
    if acct_n > MAX_FAILURES_PER_ACCOUNT || client_n > client_limit {
        friction::verify(&s.db, &s.config, Purpose::SignIn, pow, now).await?;
    }
    let found = find_by_email(&s.db, email.as_str()).await?.filter(|a| a.confirmed_at.is_some() && !a.password_hash.is_empty());
    let hash = match &found {
        Some(a) => a.password_hash.clone(),
        None => dummy_hash().await,
    };
    let ok = verify_password(password.to_string(), hash).await;
    let Some(acct) = found.filter(|_| ok) else {
        audit::record(&s.db, now, None, AuditAction::AccountSignInFailed, &acct_key, None, None).await?;
        return Err(AppError::Invalid(SIGN_IN_REFUSED.into()));
    };
    friction::clear(&s.db, &acct_key).await?;
    friction::forget(&s.db, client_row).await?;
    if let Some(prev) = previous {
        delete_session(&s.db, prev).await?;
    }
    let token = create_session(&s.db, acct.id, s.config.session_ttl_secs, now).await?;
    // the account's e-mails follow the language it last used
    let lang = known_lang(from.lang);
    if acct.lang != lang {
        account::Entity::update_many()
            .col_expr(account::Column::Lang, Expr::value(lang))
            .filter(account::Column::Id.eq(acct.id))
            .exec(&s.db)
            .await?;
    }
    audit::record(&s.db, now, Some(acct.id), AuditAction::AccountSignIn, &acct.uuid.to_string(), None, None).await?;
    Ok((acct, token))
}

/// Grants or revokes a role; refuses to let an admin drop their own admin role.
pub async fn set_role(s: &Services, actor: &account::Model, target: Uuid, role: Role, granted: bool) -> Result<AccountRow, AppError> {
    let acct = account::Entity::find().filter(account::Column::Uuid.eq(target)).one(&s.db).await?.ok_or_else(AppError::no_account)?;
    if acct.confirmed_at.is_none() && granted {
        return Err(AppError::invalid("Roles can only be granted to confirmed accounts."));
    }
    if !granted && role == Role::Admin && acct.id == actor.id {
        return Err(AppError::invalid("You cannot revoke your own admin role; ask another admin."));
    }
    let txn = s.db.begin().await?;
    let before = roles_of(&txn, acct.id).await?;
    if before.contains(&role) == granted {
        let _ = txn.rollback().await;
        return Ok(session_user(&acct, &before));
    }
    if granted {
        account_role::ActiveModel { account_id: Set(acct.id), role: Set(role) }.insert(&txn).await?;
    } else {
        account_role::Entity::delete_many()
            .filter(account_role::Column::AccountId.eq(acct.id))
            .filter(account_role::Column::Role.eq(role))
            .exec(&txn)
            .await?;
    }
    let after = roles_of(&txn, acct.id).await?;
    let keys = |r: &[Role]| r.iter().map(|r| r.key()).collect::<Vec<_>>();
    audit::record(
        &txn,
        s.now(),
        Some(actor.id),
        if granted { AuditAction::RoleGranted } else { AuditAction::RoleRevoked },
        &acct.uuid.to_string(),
        Some(serde_json::json!({ "roles": keys(&before) })),
        Some(serde_json::json!({ "roles": keys(&after) })),
    )
    .await?;
    txn.commit().await?;
    Ok(session_user(&acct, &after))
}

/// The rows a page of the accounts list holds.
pub const ACCOUNTS_PER_PAGE: u64 = 200;

/// One page (from 1) of the accounts, by e-mail address, optionally filtered by role and text.
pub async fn list_accounts(db: &impl ConnectionTrait, role: Option<Role>, query: &str, page: u64) -> Result<Paged<AccountRow>, AppError> {
    use sea_orm::QuerySelect;
    let mut q = account::Entity::find().order_by_asc(account::Column::Email);
    if let Some(r) = role {
        let with_role = account_role::Entity::find().select_only().column(account_role::Column::AccountId).filter(account_role::Column::Role.eq(r));
        q = q.filter(account::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(with_role)));
    }
    let query = query.trim().to_lowercase();
    if !query.is_empty() {
        q = q.filter(
            sea_orm::Condition::any()
                .add(account::Column::Email.contains(&query))
                .add(account::Column::DisplayName.contains(&query))
                .add(account::Column::Organisation.contains(&query)),
        );
    }
    let pages = q.paginate(db, ACCOUNTS_PER_PAGE);
    let total = pages.num_items().await?;
    let rows = pages.fetch_page(page.saturating_sub(1)).await?;
    let roles = roles_of_many(db, &rows.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
    let rows = rows.iter().map(|a| session_user(a, roles.get(&a.id).map_or(&[], Vec::as_slice))).collect();
    Ok(Paged { rows, page, per_page: ACCOUNTS_PER_PAGE, total })
}

/// Creates a confirmed account with the given roles, or adds the roles to an existing one
/// (the `create-admin` command and the demo data use it). An existing account that was
/// never confirmed takes the given password (whoever signed it up loses it) and its
/// sessions end; a confirmed one keeps its password.
#[allow(clippy::too_many_arguments)]
pub async fn ensure_account(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    display_name: &str,
    organisation: &str,
    country: &str,
    roles: &[Role],
    now: chrono::DateTime<Utc>,
) -> Result<account::Model, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    check_password(password).map_err(AppError::Invalid)?;
    let hash = hash_password(password.to_string()).await?;
    if let Some(existing) = find_by_email(db, email.as_str()).await? {
        grant_roles(db, existing.id, roles).await?;
        if existing.confirmed_at.is_some() {
            return Ok(existing);
        }
        let mut am: account::ActiveModel = existing.clone().into();
        am.confirmed_at = Set(Some(now));
        am.password_hash = Set(hash);
        end_sessions(db, existing.id).await?;
        retire_links(db, existing.id, now).await?;
        return Ok(am.update(db).await?);
    }
    let a = account::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_string()),
        email_canonical: Set(Some(email.canonical())),
        password_hash: Set(hash),
        display_name: Set(display_name.to_string()),
        organisation: Set(organisation.to_string()),
        country: Set(country.to_string()),
        confirmed_at: Set(Some(now)),
        created_at: Set(now),
        frozen_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    grant_roles(db, a.id, roles).await?;
    Ok(a)
}

#[cfg(test)]
mod mail_tests {
    #[test]
    fn the_confirmation_mail_reads_in_every_language() {
        let body = super::confirm_body("https://prizes.example", "TOKEN123");
        for lang in ["ar", "es", "fr", "ru", "zh"] {
            let b = crate::messages::translate(&body, lang);
            assert!(b != body && b.contains("https://prizes.example/confirm?token=TOKEN123"), "{lang}: {b}");
            assert!(b.contains(&super::LINK_TTL_HOURS.to_string()), "{lang}: {b}");
            assert_ne!(crate::messages::translate("Confirm your WSIS Prizes account", lang), "Confirm your WSIS Prizes account");
        }
        assert_eq!(super::known_lang("fr"), "fr");
        assert_eq!(super::known_lang("xx"), "en");
    }
}
