//! Accounts, passwords, sessions, e-mailed links and sign-in throttling.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entity::{account, email_token, session, sign_in_failure};
use super::{audit, Services};
use crate::account::{check_password, check_text, roles_from_string, roles_to_string, AccountRow, Email, Role, SessionUser};
use crate::AppError;

/// How long e-mailed links stay valid.
pub const LINK_TTL_HOURS: i64 = 24;
/// Failed sign-ins tolerated per account, then per client address, within the window.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
pub const MAX_FAILURES_PER_CLIENT: u64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

pub const PURPOSE_CONFIRM: &str = "confirm";
pub const PURPOSE_RESET: &str = "reset";

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

pub fn session_user(a: &account::Model) -> SessionUser {
    SessionUser {
        id: a.uuid,
        email: a.email.clone(),
        display_name: a.display_name.clone(),
        organisation: a.organisation.clone(),
        country: a.country.clone(),
        confirmed: a.confirmed_at.is_some(),
        roles: roles_from_string(&a.roles),
    }
}

pub fn account_row(a: &account::Model) -> AccountRow {
    AccountRow {
        id: a.uuid,
        email: a.email.clone(),
        display_name: a.display_name.clone(),
        organisation: a.organisation.clone(),
        country: a.country.clone(),
        confirmed: a.confirmed_at.is_some(),
        roles: roles_from_string(&a.roles),
    }
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<account::Model>, AppError> {
    Ok(account::Entity::find().filter(account::Column::Email.eq(email)).one(db).await?)
}

/// The account behind a session cookie, if the session exists and has not expired.
pub async fn account_for_session(db: &impl ConnectionTrait, token: &str) -> Result<Option<account::Model>, AppError> {
    let Some(s) = session::Entity::find().filter(session::Column::TokenHash.eq(token_hash(token))).one(db).await? else {
        return Ok(None);
    };
    if s.expires_at <= Utc::now() {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    Ok(account::Entity::find_by_id(s.account_id).one(db).await?)
}

pub async fn create_session(db: &impl ConnectionTrait, account_id: i32, ttl_secs: i64) -> Result<String, AppError> {
    let token = random_token();
    let now = Utc::now();
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

async fn issue_link(db: &impl ConnectionTrait, account_id: i32, purpose: &str) -> Result<String, AppError> {
    let token = random_token();
    let now = Utc::now();
    email_token::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        purpose: Set(purpose.to_string()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(LINK_TTL_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Marks a link used and returns its account. Refuses unknown, expired and used links.
/// The update is conditional on `used_at IS NULL`, so two clicks cannot both succeed.
async fn consume_link(db: &impl ConnectionTrait, token: &str, purpose: &str) -> Result<i32, AppError> {
    let invalid = || AppError::invalid("This link is not valid. Please request a new one.");
    let token = token.trim();
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let Some(t) = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash(token)))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
    else {
        return Err(invalid());
    };
    if t.used_at.is_some() {
        return Err(AppError::invalid("This link was already used. Please request a new one if you still need it."));
    }
    if t.expires_at <= Utc::now() {
        return Err(AppError::invalid("This link has expired. Please request a new one."));
    }
    let res = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(email_token::Column::Id.eq(t.id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::invalid("This link was already used. Please request a new one if you still need it."));
    }
    Ok(t.account_id)
}

pub struct SignUp {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub organisation: String,
    pub country: String,
    /// The language of the request: the account's e-mails are written in it.
    pub lang: String,
}

/// One of the six languages, else English.
pub fn known_lang(lang: &str) -> &'static str {
    crate::language(lang).unwrap_or("en")
}

/// The one answer to a sign-up, whether or not the address was already registered.
pub const SIGN_UP_ANSWER: &str =
    "Thank you. We sent a confirmation link to that address; open it within 24 hours to activate your account.";

pub async fn sign_up(s: &Services, input: SignUp) -> Result<&'static str, AppError> {
    let mut fields = Vec::new();
    let email = Email::parse(&input.email).map_err(|m| fields.push(("email".to_string(), m))).ok();
    if let Err(m) = check_password(&input.password) {
        fields.push(("password".into(), m));
    }
    let name = check_text("Display name", &input.display_name, true, 100).map_err(|m| fields.push(("display_name".into(), m))).ok();
    let org = check_text("Organisation", &input.organisation, false, 200).map_err(|m| fields.push(("organisation".into(), m))).ok();
    let country = check_text("Country", &input.country, true, 100).map_err(|m| fields.push(("country".into(), m))).ok();
    if !fields.is_empty() {
        return Err(AppError::Fields(fields));
    }
    let (email, name, org, country) = (email.unwrap(), name.unwrap(), org.unwrap(), country.unwrap());
    let hash = hash_password(input.password).await?;
    if let Some(existing) = find_by_email(&s.db, email.as_str()).await? {
        let body = if existing.confirmed_at.is_some() {
            format!(
                "Someone tried to create a WSIS Prizes account with this address, which already has one.\n\
                 If it was you, sign in at {}/signin or reset your password at {}/forgot.\n",
                s.config.public_url, s.config.public_url
            )
        } else {
            let token = issue_link(&s.db, existing.id, PURPOSE_CONFIRM).await?;
            confirm_body(&s.config.public_url, &token)
        };
        s.mailer.send_in(&input.lang, email.as_str(), "Your WSIS Prizes account", &body).await;
        return Ok(SIGN_UP_ANSWER);
    }
    let inserted = account::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_string()),
        password_hash: Set(hash),
        display_name: Set(name),
        organisation: Set(org),
        country: Set(country),
        roles: Set(String::new()),
        confirmed_at: Set(None),
        created_at: Set(Utc::now()),
        lang: Set(known_lang(&input.lang).to_string()),
        ..Default::default()
    }
    .insert(&s.db)
    .await;
    let acct = match inserted {
        Ok(a) => a,
        // A concurrent sign-up with the same address won the race: same answer.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => return Ok(SIGN_UP_ANSWER),
        Err(e) => return Err(e.into()),
    };
    let token = issue_link(&s.db, acct.id, PURPOSE_CONFIRM).await?;
    s.mailer.send_in(&input.lang, email.as_str(), "Confirm your WSIS Prizes account", &confirm_body(&s.config.public_url, &token)).await;
    audit::record(&s.db, Some(acct.id), "account.sign_up", &acct.uuid.to_string(), None, None).await?;
    Ok(SIGN_UP_ANSWER)
}

fn confirm_body(public_url: &str, token: &str) -> String {
    format!(
        "Welcome to the WSIS Prizes.\n\nConfirm your e-mail address to vote and submit projects:\n\n{public_url}/confirm?token={token}\n\n\
         The link works once and expires in {LINK_TTL_HOURS} hours.\n"
    )
}

pub async fn confirm_email(s: &Services, token: &str) -> Result<(), AppError> {
    let account_id = consume_link(&s.db, token, PURPOSE_CONFIRM).await?;
    let acct = account::Entity::find_by_id(account_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    if acct.confirmed_at.is_none() {
        let mut am: account::ActiveModel = acct.clone().into();
        am.confirmed_at = Set(Some(Utc::now()));
        am.update(&s.db).await?;
        audit::record(&s.db, Some(acct.id), "account.confirm", &acct.uuid.to_string(), None, None).await?;
    }
    Ok(())
}

pub const RESEND_ANSWER: &str = "If an unconfirmed account uses that address, a new confirmation link is on its way.";

pub async fn resend_confirmation(s: &Services, email: &str, lang: &str) -> Result<&'static str, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    if let Some(a) = find_by_email(&s.db, email.as_str()).await? {
        if a.confirmed_at.is_none() {
            let token = issue_link(&s.db, a.id, PURPOSE_CONFIRM).await?;
            s.mailer.send_in(lang, email.as_str(), "Confirm your WSIS Prizes account", &confirm_body(&s.config.public_url, &token)).await;
        }
    }
    Ok(RESEND_ANSWER)
}

pub const RESET_ANSWER: &str = "If an account uses that address, we sent it a link to choose a new password.";

pub async fn request_password_reset(s: &Services, email: &str, lang: &str) -> Result<&'static str, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    if let Some(a) = find_by_email(&s.db, email.as_str()).await? {
        let token = issue_link(&s.db, a.id, PURPOSE_RESET).await?;
        let body = format!(
            "Someone asked to reset the password of your WSIS Prizes account.\n\nChoose a new password here:\n\n{}/reset?token={token}\n\n\
             The link works once and expires in {LINK_TTL_HOURS} hours. If you did not ask, ignore this message.\n",
            s.config.public_url
        );
        s.mailer.send_in(lang, email.as_str(), "Reset your WSIS Prizes password", &body).await;
    }
    Ok(RESET_ANSWER)
}

pub async fn reset_password(s: &Services, token: &str, password: &str) -> Result<(), AppError> {
    check_password(password).map_err(|m| AppError::Fields(vec![("password".into(), m)]))?;
    let hash = hash_password(password.to_string()).await?;
    let account_id = consume_link(&s.db, token, PURPOSE_RESET).await?;
    let acct = account::Entity::find_by_id(account_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    let mut am: account::ActiveModel = acct.clone().into();
    am.password_hash = Set(hash);
    // Opening the link proves the address too.
    if acct.confirmed_at.is_none() {
        am.confirmed_at = Set(Some(Utc::now()));
    }
    am.update(&s.db).await?;
    // Every session of the account ends with the old password.
    session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id)).exec(&s.db).await?;
    audit::record(&s.db, Some(account_id), "account.password_reset", &acct.uuid.to_string(), None, None).await?;
    Ok(())
}

async fn recent_failures(db: &impl ConnectionTrait, key: &str) -> Result<u64, AppError> {
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    Ok(sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::Key.eq(key))
        .filter(sign_in_failure::Column::At.gt(since))
        .count(db)
        .await?)
}

async fn record_failure(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    sign_in_failure::ActiveModel { key: Set(key.to_string()), at: Set(Utc::now()), ..Default::default() }
        .insert(db)
        .await?;
    Ok(())
}

pub const SIGN_IN_REFUSED: &str = "The e-mail address or the password is not right.";

/// Checks the credentials and opens a new session; `previous` (the caller's old session
/// token, if any) is removed so that a session id is never reused across sign-ins.
pub async fn sign_in(
    s: &Services,
    email: &str,
    password: &str,
    client_key: &str,
    previous: Option<&str>,
    lang: &str,
) -> Result<(account::Model, String), AppError> {
    let email = Email::parse(email).map_err(|_| AppError::Invalid(SIGN_IN_REFUSED.into()))?;
    if password.is_empty() || password.len() > 1000 {
        return Err(AppError::Invalid(SIGN_IN_REFUSED.into()));
    }
    let acct_key = format!("account:{}", keyed_hash(&s.config.secret, email.as_str().as_bytes()));
    let client_key = format!("client:{client_key}");
    if recent_failures(&s.db, &acct_key).await? >= MAX_FAILURES_PER_ACCOUNT
        || recent_failures(&s.db, &client_key).await? >= MAX_FAILURES_PER_CLIENT
    {
        return Err(AppError::TooManyRequests);
    }
    let found = find_by_email(&s.db, email.as_str()).await?;
    let hash = match &found {
        Some(a) => a.password_hash.clone(),
        None => dummy_hash().await,
    };
    let ok = verify_password(password.to_string(), hash).await;
    let Some(acct) = found.filter(|_| ok) else {
        record_failure(&s.db, &acct_key).await?;
        record_failure(&s.db, &client_key).await?;
        audit::record(&s.db, None, "account.sign_in_failed", &acct_key, None, None).await?;
        return Err(AppError::Invalid(SIGN_IN_REFUSED.into()));
    };
    sign_in_failure::Entity::delete_many().filter(sign_in_failure::Column::Key.eq(&acct_key)).exec(&s.db).await?;
    if let Some(prev) = previous {
        delete_session(&s.db, prev).await?;
    }
    let token = create_session(&s.db, acct.id, s.config.session_ttl_secs).await?;
    // the account's e-mails follow the language it last used
    let lang = known_lang(lang);
    if acct.lang != lang {
        account::Entity::update_many()
            .col_expr(account::Column::Lang, sea_orm::sea_query::Expr::value(lang))
            .filter(account::Column::Id.eq(acct.id))
            .exec(&s.db)
            .await?;
    }
    audit::record(&s.db, Some(acct.id), "account.sign_in", &acct.uuid.to_string(), None, None).await?;
    Ok((acct, token))
}

/// Grants or revokes a role; refuses to let the last admin drop their own admin role.
pub async fn set_role(s: &Services, actor: &account::Model, target: Uuid, role: Role, granted: bool) -> Result<AccountRow, AppError> {
    let acct = account::Entity::find()
        .filter(account::Column::Uuid.eq(target))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such account.".into()))?;
    if acct.confirmed_at.is_none() && granted {
        return Err(AppError::invalid("Roles can only be granted to confirmed accounts."));
    }
    let mut roles = roles_from_string(&acct.roles);
    let before = roles_to_string(&roles);
    if granted {
        roles.push(role);
    } else {
        roles.retain(|r| *r != role);
        if role == Role::Admin && acct.id == actor.id {
            return Err(AppError::invalid("You cannot revoke your own admin role; ask another admin."));
        }
    }
    let after = roles_to_string(&roles);
    if after == before {
        return Ok(account_row(&acct));
    }
    let mut am: account::ActiveModel = acct.clone().into();
    am.roles = Set(after.clone());
    let updated = am.update(&s.db).await?;
    audit::record(
        &s.db,
        Some(actor.id),
        if granted { "account.role_granted" } else { "account.role_revoked" },
        &acct.uuid.to_string(),
        Some(before),
        Some(after),
    )
    .await?;
    Ok(account_row(&updated))
}

pub async fn list_accounts(db: &impl ConnectionTrait, role: Option<Role>, query: &str) -> Result<Vec<AccountRow>, AppError> {
    let mut q = account::Entity::find().order_by_asc(account::Column::Email);
    if let Some(r) = role {
        q = q.filter(account::Column::Roles.contains(r.key()));
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
    Ok(q.paginate(db, 200).fetch_page(0).await?.iter().map(account_row).collect())
}

/// Creates a confirmed account with the given roles, or adds the roles to an existing one
/// (the `create-admin` command and the demo data use it).
pub async fn ensure_account(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    display_name: &str,
    organisation: &str,
    country: &str,
    roles: &[Role],
) -> Result<account::Model, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    check_password(password).map_err(AppError::Invalid)?;
    if let Some(existing) = find_by_email(db, email.as_str()).await? {
        let mut all = roles_from_string(&existing.roles);
        all.extend_from_slice(roles);
        let mut am: account::ActiveModel = existing.clone().into();
        am.roles = Set(roles_to_string(&all));
        if existing.confirmed_at.is_none() {
            am.confirmed_at = Set(Some(Utc::now()));
        }
        return Ok(am.update(db).await?);
    }
    let hash = hash_password(password.to_string()).await?;
    Ok(account::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_string()),
        password_hash: Set(hash),
        display_name: Set(display_name.to_string()),
        organisation: Set(organisation.to_string()),
        country: Set(country.to_string()),
        roles: Set(roles_to_string(roles)),
        confirmed_at: Set(Some(Utc::now())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
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
