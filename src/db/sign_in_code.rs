//! Signing in with a code sent by e-mail: no password to invent, and the first use of an
//! address creates its account, confirmed at once (the code proves the mailbox).
//!
//! A request gives the browser a request cookie; the code and the link it mails work only
//! with that cookie, once, for [`SIGN_IN_CODE_TTL_MINUTES`]. The answer to a request is the
//! same whether the address has an account, has none, or signs in with a password only
//! (that account gets a note instead of a code). Each guess takes one of a code's
//! [`SIGN_IN_CODE_ATTEMPTS`] attempts before it is compared, and a mailbox's codes together
//! tolerate [`WRONG_CODES_PER_MAILBOX_PER_DAY`] wrong guesses a day (then only the link
//! works). The mails one mailbox receives are limited per requesting network and in all,
//! so that nobody floods an inbox; a browser that signed in to the mailbox before (the
//! [`KNOWN_COOKIE`]) is held only to its own network's limit, so that nobody can use up
//! the codes of a voter who has signed in once. Making an account costs the proof of work
//! a sign-up costs.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};

use super::auth::{self, find_by_email, keyed_hash, known_lang, random_token, token_hash, Caller};
use super::entity::{account, sign_in_code};
use super::{audit, friction, mail, Services};
use crate::account::{
    check_text, parse_sign_in_code, sign_in_code_of, signs_in_with_password_only, CodeSignIn, Email, SIGN_IN_CODE_ATTEMPTS, SIGN_IN_CODE_TTL_MINUTES,
};
use crate::audit::AuditAction;
use crate::pow::{Purpose, Solution};
use crate::AppError;

/// The cookie that binds a browser to the codes it asked for.
pub const REQUEST_COOKIE: &str = "wsis_code";
/// The cookie of a browser that signed in to a mailbox with a code (a keyed hash of the
/// mailbox, a year).
pub const KNOWN_COOKIE: &str = "wsis_known";
pub const KNOWN_COOKIE_SECS: u64 = 365 * 24 * 3600;

/// The one answer to a request for a code.
pub const CODE_SENT_ANSWER: &str =
    "If that address can receive e-mail, a sign-in code is on its way. Enter it here within 15 minutes, in this browser.";

/// Code mails one mailbox may receive per hour for one requesting network, and in all.
pub const CODE_MAILS_PER_NETWORK_PER_HOUR: u64 = 3;
pub const CODE_MAILS_PER_MAILBOX_PER_HOUR: u64 = 12;
pub const CODE_MAILS_PER_MAILBOX_PER_DAY: u64 = 30;

/// Wrong codes per client address within the throttle window before each further try
/// needs a proof of work.
pub const WRONG_CODES_PER_CLIENT: u64 = 20;
/// Wrong codes a mailbox's codes tolerate in a day, whoever guesses; past it only the
/// mailed link signs in.
pub const WRONG_CODES_PER_MAILBOX_PER_DAY: u64 = 10;
/// The newest live codes of a browser that a guess is compared with.
pub const LIVE_CODES_COMPARED: u64 = 3;

pub const CODE_REFUSED: &str = "This code is not right, or it has expired. Check the latest message we sent, or ask for a new code.";
pub const CODE_OTHER_BROWSER: &str =
    "This sign-in link works in the browser where the code was asked for. Open it there, or type the 6-digit code from the same message there.";
pub const PROFILE_NEEDED: &str = "Welcome! To create your account, tell us your name and country.";

/// A browser's request cookie value: 64 hex digits.
pub fn valid_request_cookie(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

fn code_hash(secret: &[u8], request_hash: &str, code: &str) -> String {
    keyed_hash(secret, format!("sign_in_code:{request_hash}:{code}").as_bytes())
}

fn mailbox_key(secret: &[u8], canonical: &str) -> String {
    keyed_hash(secret, canonical.as_bytes())[..32].to_string()
}

/// The [`KNOWN_COOKIE`] value of a mailbox.
pub fn known_value(secret: &[u8], canonical: &str) -> String {
    keyed_hash(secret, format!("known_mailbox:{canonical}").as_bytes())[..32].to_string()
}

/// Whether one more code mail may go to `canonical` for a request from `network`; records
/// it if so (a refused request is not recorded). A `known` browser is held to its
/// network's limit only.
async fn allow_code_mail(db: &impl ConnectionTrait, secret: &[u8], canonical: &str, network: &str, known: bool, now: DateTime<Utc>) -> Result<bool, AppError> {
    let mailbox = mailbox_key(secret, canonical);
    let all_key = format!("code_mail:{mailbox}");
    let pair_key = format!("code_mail:{mailbox}:{}", &keyed_hash(secret, network.as_bytes())[..16]);
    if !known
        && (friction::count(db, &all_key, Duration::days(1), now).await? >= CODE_MAILS_PER_MAILBOX_PER_DAY
            || friction::count(db, &all_key, Duration::hours(1), now).await? >= CODE_MAILS_PER_MAILBOX_PER_HOUR)
    {
        return Ok(false);
    }
    let (pair, pair_row) = friction::reserve(db, &pair_key, Duration::hours(1), now).await?;
    if pair > CODE_MAILS_PER_NETWORK_PER_HOUR {
        friction::forget(db, pair_row).await?;
        return Ok(false);
    }
    let (all, all_row) = friction::reserve(db, &all_key, Duration::hours(1), now).await?;
    if !known && all > CODE_MAILS_PER_MAILBOX_PER_HOUR {
        friction::forget(db, pair_row).await?;
        friction::forget(db, all_row).await?;
        return Ok(false);
    }
    Ok(true)
}

/// Asks for a code for `email`. `request` is the browser's request cookie (a new one is
/// made when it has none or a malformed one), `known` its [`KNOWN_COOKIE`]; the answer
/// carries the request cookie to set and the same message whatever the address.
pub async fn request_code(
    s: &Services,
    email: &str,
    request: Option<&str>,
    known: Option<&str>,
    next: &str,
    from: Caller<'_>,
    pow: &Solution,
) -> Result<(String, &'static str), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::Fields(vec![("email".into(), m)]))?;
    if super::disposable::is_blocked(&s.db, email.domain()).await? {
        return Err(AppError::Fields(vec![("email".into(), auth::DISPOSABLE_REFUSED.into())]));
    }
    let now = s.now();
    auth::mail_request_friction(s, from, pow, now).await?;
    let cookie = request.filter(|v| valid_request_cookie(v)).map_or_else(random_token, str::to_string);
    let request_hash = token_hash(&cookie);
    let network = friction::network_of(from.addr);
    let lang = known_lang(from.lang).to_string();
    let next = if next.len() > 1000 { "/".to_string() } else { crate::flash::local_path(next) };
    let known = known.is_some_and(|k| k == known_value(&s.config.secret, &email.canonical()));
    let svc = s.clone();
    // what depends on the address runs after the answer, which is the same either way
    s.background.spawn("sign_in_code", async move { send_code(&svc, email, request_hash, network, known, next, lang).await });
    Ok((cookie, CODE_SENT_ANSWER))
}

async fn send_code(s: &Services, email: Email, request_hash: String, network: String, known: bool, next: String, lang: String) -> Result<(), AppError> {
    let now = s.now();
    let canonical = email.canonical();
    if !allow_code_mail(&s.db, &s.config.secret, &canonical, &network, known, now).await? {
        tracing::info!("sign-in code mail to one address past its limit: not sent");
        return Ok(());
    }
    let existing = find_by_email(&s.db, email.as_str()).await?;
    if let Some(a) = &existing {
        let roles = auth::roles_of(&s.db, a.id).await?;
        if signs_in_with_password_only(&roles) {
            let body = format!(
                "Someone asked for a sign-in code for this address. Your account has a role that signs in with its password only: \
                 sign in at {0}/signin, or choose a new password at {0}/forgot.\n\nIf you did not ask, ignore this message.\n",
                s.config.public_url
            );
            mail::enqueue(&s.db, now, &a.lang, &a.email, "Your WSIS Prizes sign-in", &body).await?;
            s.wake_mail();
            return Ok(());
        }
    }
    let code = sign_in_code_of(rand::rng().next_u32());
    let link = random_token();
    let to = existing.as_ref().map_or_else(|| email.as_str().to_string(), |a| a.email.clone());
    let txn = s.db.begin().await?;
    let hash = code_hash(&s.config.secret, &request_hash, &code);
    code_row(&email, canonical, hash, request_hash, &link, next, lang.clone(), now).insert(&txn).await?;
    mail::enqueue(&txn, now, &lang, &to, &format!("Your WSIS Prizes sign-in code: {code}"), &code_body(&s.config.public_url, &code, &link)).await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(())
}

/// A live code of a browser (`request_hash`) for `email`, with its link, for
/// [`SIGN_IN_CODE_TTL_MINUTES`].
#[allow(clippy::too_many_arguments)]
fn code_row(email: &Email, canonical: String, code_hash: String, request_hash: String, link: &str, next: String, lang: String, now: DateTime<Utc>) -> sign_in_code::ActiveModel {
    sign_in_code::ActiveModel {
        email: Set(email.as_str().to_string()),
        email_canonical: Set(canonical),
        code_hash: Set(code_hash),
        request_hash: Set(request_hash),
        link_hash: Set(token_hash(link)),
        next: Set(next),
        lang: Set(lang),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(SIGN_IN_CODE_TTL_MINUTES)),
        attempts: Set(0),
        used_at: Set(None),
        ..Default::default()
    }
}

/// Ends the browser's `previous` session, opens one for `acct` (its language now `lang`)
/// and records the sign-in as `action`, inside `txn`.
async fn open_session(
    s: &Services,
    txn: &sea_orm::DatabaseTransaction,
    acct: &account::Model,
    lang: String,
    previous: Option<&str>,
    action: AuditAction,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    if let Some(prev) = previous {
        auth::delete_session(txn, prev).await?;
    }
    let session = auth::create_session(txn, acct.id, s.config.session_ttl_secs, now).await?;
    if acct.lang != lang {
        account::Entity::update_many().col_expr(account::Column::Lang, Expr::value(lang)).filter(account::Column::Id.eq(acct.id)).exec(txn).await?;
    }
    audit::record(txn, now, Some(acct.id), action, &acct.uuid.to_string(), None, None).await?;
    Ok(session)
}

pub fn code_body(public_url: &str, code: &str, link: &str) -> String {
    format!(
        "Your sign-in code for the WSIS Prizes is {code}.\n\nEnter it on the page where you asked for it, or open this link in the same browser:\n\n\
         {public_url}/signin/code?token={link}\n\nThe code and the link work once and expire in {SIGN_IN_CODE_TTL_MINUTES} minutes. \
         If you did not ask for it, ignore this message: nobody can sign in without it.\n"
    )
}

/// What a sign-in with a code gives: the account, its new session token, the page to
/// return to and the browser's [`KNOWN_COOKIE`] value.
pub struct CodeSession {
    pub account: account::Model,
    pub session: String,
    pub next: String,
    pub known: String,
}

/// Signs in with a code or a link from the browser holding `request`. An address without
/// a confirmed account needs a display name, a country and a sign-up's proof of work:
/// without the profile the code is kept (not spent, its attempt given back) and the answer
/// asks for it.
pub async fn sign_in_with_code(
    s: &Services,
    input: &CodeSignIn,
    request: Option<&str>,
    from: Caller<'_>,
    pow: &Solution,
    previous: Option<&str>,
) -> Result<CodeSession, AppError> {
    let now = s.now();
    let token = input.token.trim();
    let Some(request) = request.filter(|v| valid_request_cookie(v)) else {
        return Err(AppError::invalid(if token.is_empty() { CODE_REFUSED } else { CODE_OTHER_BROWSER }));
    };
    let request_hash = token_hash(request);
    let live = sign_in_code::Entity::find()
        .filter(sign_in_code::Column::RequestHash.eq(request_hash.clone()))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .filter(sign_in_code::Column::ExpiresAt.gt(now))
        .filter(sign_in_code::Column::Attempts.lt(SIGN_IN_CODE_ATTEMPTS))
        .order_by_desc(sign_in_code::Column::Id)
        .limit(LIVE_CODES_COMPARED)
        .all(&s.db)
        .await?;
    let mut pow_spent = false;
    let by_code = token.is_empty();
    let row = if !by_code {
        if !valid_request_cookie(token) {
            return Err(AppError::invalid(CODE_REFUSED));
        }
        let hash = token_hash(token);
        match live.iter().find(|r| r.link_hash == hash) {
            Some(r) => r.clone(),
            // a real link opened in another browser, or one already used or expired
            None => {
                let any = sign_in_code::Entity::find().filter(sign_in_code::Column::LinkHash.eq(hash)).one(&s.db).await?;
                return Err(AppError::invalid(match any {
                    Some(r) if r.request_hash != request_hash && r.used_at.is_none() && r.expires_at > now => CODE_OTHER_BROWSER,
                    _ => CODE_REFUSED,
                }));
            }
        }
    } else {
        // the try is recorded before anything is compared, so parallel tries all count
        let client_key = format!("sign_in_code:address:{}", friction::address_key(&s.config.secret, from.addr));
        let (tries, client_row) = friction::reserve(&s.db, &client_key, auth::window(), now).await?;
        if tries > WRONG_CODES_PER_CLIENT {
            friction::verify(&s.db, &s.config, Purpose::SignUp, pow, now).await?;
            pow_spent = true;
        }
        let code = parse_sign_in_code(&input.code);
        let mut hit = None;
        let mut mailboxes = Vec::new();
        for r in &live {
            let wrong_key = format!("code_wrong:{}", mailbox_key(&s.config.secret, &r.email_canonical));
            if friction::count(&s.db, &wrong_key, Duration::days(1), now).await? >= WRONG_CODES_PER_MAILBOX_PER_DAY {
                continue;
            }
            // each guess takes one of a code's attempts before it is compared, in one
            // conditional update: a thousand guesses in parallel still get five comparisons
            let took = sign_in_code::Entity::update_many()
                .col_expr(sign_in_code::Column::Attempts, Expr::col(sign_in_code::Column::Attempts).add(1))
                .filter(sign_in_code::Column::Id.eq(r.id))
                .filter(sign_in_code::Column::UsedAt.is_null())
                .filter(sign_in_code::Column::Attempts.lt(SIGN_IN_CODE_ATTEMPTS))
                .exec(&s.db)
                .await?;
            if took.rows_affected != 1 {
                continue;
            }
            if hit.is_none() && code.as_ref().is_some_and(|c| r.code_hash == code_hash(&s.config.secret, &request_hash, c)) {
                hit = Some(r.clone());
            } else if !mailboxes.contains(&wrong_key) {
                mailboxes.push(wrong_key);
            }
        }
        let Some(r) = hit else {
            for key in mailboxes {
                friction::reserve(&s.db, &key, Duration::days(1), now).await?;
            }
            return Err(AppError::Fields(vec![("code".into(), CODE_REFUSED.into())]));
        };
        friction::forget(&s.db, client_row).await?;
        r
    };
    let existing = find_by_email(&s.db, &row.email).await?;
    let confirmed = existing.as_ref().filter(|a| a.confirmed_at.is_some()).cloned();
    let profile = if confirmed.is_none() {
        match new_profile(input) {
            Ok(p) => Some(p),
            Err(e) => {
                if by_code {
                    // the right code, only the profile missing: its attempt is given back
                    sign_in_code::Entity::update_many()
                        .col_expr(sign_in_code::Column::Attempts, Expr::col(sign_in_code::Column::Attempts).sub(1))
                        .filter(sign_in_code::Column::Id.eq(row.id))
                        .filter(sign_in_code::Column::Attempts.gt(0))
                        .exec(&s.db)
                        .await?;
                }
                return Err(e);
            }
        }
    } else {
        None
    };
    // a new account costs what a sign-up costs
    if profile.is_some() && !pow_spent {
        friction::verify(&s.db, &s.config, Purpose::SignUp, pow, now).await?;
    }
    // the transaction writes first, so that SQLite queues it behind another writer rather
    // than failing it for having read a snapshot that is now stale
    let txn = s.db.begin().await?;
    // of two uses of one code, one wins
    let spent = sign_in_code::Entity::update_many()
        .col_expr(sign_in_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(sign_in_code::Column::Id.eq(row.id))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::invalid(CODE_REFUSED));
    }
    if let Some(a) = &existing {
        if signs_in_with_password_only(&auth::roles_of(&txn, a.id).await?) {
            let _ = txn.rollback().await;
            return Err(AppError::invalid(CODE_REFUSED));
        }
    }
    let lang = known_lang(from.lang).to_string();
    let raced = || AppError::Conflict("This address got its account a moment ago. Please try again.".into());
    let acct = match (confirmed, existing, profile) {
        (Some(a), _, _) => a,
        // an account signed up but never confirmed: whoever signed it up did not prove the
        // mailbox, so the one who does now sets its profile (conditionally: of two claims
        // at once, one wins)
        (None, Some(a), Some((name, org, country))) => {
            let claimed = account::Entity::update_many()
                .col_expr(account::Column::ConfirmedAt, Expr::value(Some(now)))
                .col_expr(account::Column::PasswordHash, Expr::value(String::new()))
                .col_expr(account::Column::DisplayName, Expr::value(name))
                .col_expr(account::Column::Organisation, Expr::value(org))
                .col_expr(account::Column::Country, Expr::value(country))
                .col_expr(account::Column::Lang, Expr::value(lang.clone()))
                .filter(account::Column::Id.eq(a.id))
                .filter(account::Column::ConfirmedAt.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                let _ = txn.rollback().await;
                return Err(raced());
            }
            auth::end_sessions(&txn, a.id).await?;
            auth::retire_links(&txn, a.id, now).await?;
            audit::record(&txn, now, Some(a.id), AuditAction::AccountConfirm, &a.uuid.to_string(), None, None).await?;
            a
        }
        (None, None, Some((name, org, country))) => {
            match auth::insert_account(&txn, &row.email, &row.email_canonical, &name, &org, &country, &lang, Some(now), now).await? {
                Some(a) => a,
                // the same mailbox got its account meanwhile (another code of it): the
                // transaction rolls back, this code stays good for another try
                None => {
                    let _ = txn.rollback().await;
                    return Err(raced());
                }
            }
        }
        (None, _, None) => return Err(AppError::Internal),
    };
    // the browser's other codes end with this sign-in
    sign_in_code::Entity::update_many()
        .col_expr(sign_in_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(sign_in_code::Column::RequestHash.eq(request_hash))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let session = open_session(s, &txn, &acct, lang, previous, AuditAction::AccountSignInCode, now).await?;
    txn.commit().await?;
    let account = account::Entity::find_by_id(acct.id).one(&s.db).await?.ok_or(AppError::Internal)?;
    Ok(CodeSession { account, session, next: row.next, known: known_value(&s.config.secret, &row.email_canonical) })
}

/// What an address that an identity provider vouched for gives (see [`sign_in_verified`]).
pub enum Verified {
    /// A confirmed account: signed in.
    Session(CodeSession),
    /// No confirmed account yet: the browser holding `request` opens
    /// `/signin/code?token={link}`, where the new account's name and country are asked
    /// as after a first code.
    Profile { request: String, link: String },
}

pub const PASSWORD_ONLY: &str = "This account has a role that signs in with its password only. Please sign in with your password.";

/// Signs in with an address an identity provider has verified (OpenID Connect): a
/// confirmed account at once; an address without one goes on as a mailed link would, in
/// this browser only (no mail: the provider proved the mailbox), to give its profile.
/// Accounts with a privileged role keep their passwords.
pub async fn sign_in_verified(s: &Services, email: &str, next: &str, request: Option<&str>, from: Caller<'_>, previous: Option<&str>) -> Result<Verified, AppError> {
    let email = Email::parse(email).map_err(AppError::Invalid)?;
    let now = s.now();
    let next = if next.len() > 1000 { "/".to_string() } else { crate::flash::local_path(next) };
    let existing = find_by_email(&s.db, email.as_str()).await?;
    if let Some(a) = &existing {
        if signs_in_with_password_only(&auth::roles_of(&s.db, a.id).await?) {
            return Err(AppError::invalid(PASSWORD_ONLY));
        }
    }
    let lang = known_lang(from.lang).to_string();
    let canonical = email.canonical();
    if let Some(acct) = existing.filter(|a| a.confirmed_at.is_some()) {
        let txn = s.db.begin().await?;
        let session = open_session(s, &txn, &acct, lang, previous, AuditAction::AccountSignInOidc, now).await?;
        txn.commit().await?;
        return Ok(Verified::Session(CodeSession { account: acct, session, next, known: known_value(&s.config.secret, &canonical) }));
    }
    let cookie = request.filter(|v| valid_request_cookie(v)).map_or_else(random_token, str::to_string);
    let link = random_token();
    // no code: only the link, in this browser
    code_row(&email, canonical, token_hash(&random_token()), token_hash(&cookie), &link, next, lang, now).insert(&s.db).await?;
    Ok(Verified::Profile { request: cookie, link })
}

/// The profile of an account made by its first code: name and country required.
fn new_profile(input: &CodeSignIn) -> Result<(String, String, String), AppError> {
    let name = check_text("Display name", &input.display_name, true, 100);
    let org = check_text("Organisation", &input.organisation, false, 200);
    let country = check_text("Country", &input.country, true, 100);
    match (name, org, country) {
        (Ok(n), Ok(o), Ok(c)) => Ok((n, o, c)),
        (n, o, c) => {
            let empty = input.display_name.trim().is_empty() && input.country.trim().is_empty();
            let mut fields = Vec::new();
            if empty {
                fields.push(("profile".to_string(), PROFILE_NEEDED.to_string()));
            }
            for (field, r) in [("display_name", n), ("organisation", o), ("country", c)] {
                if let Err(m) = r {
                    fields.push((field.to_string(), m));
                }
            }
            Err(AppError::Fields(fields))
        }
    }
}

/// Removes codes a day past their expiry.
pub async fn housekeeping(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), AppError> {
    sign_in_code::Entity::delete_many().filter(sign_in_code::Column::ExpiresAt.lt(now - Duration::days(1))).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_mail_reads_in_every_language() {
        let body = super::code_body("https://prizes.example", "042917", "TOKEN");
        for lang in ["ar", "es", "fr", "ru", "zh"] {
            let b = crate::messages::translate(&body, lang);
            assert!(b != body && b.contains("042917") && b.contains("https://prizes.example/signin/code?token=TOKEN"), "{lang}: {b}");
            let subject = crate::messages::translate("Your WSIS Prizes sign-in code: {}", lang);
            assert_ne!(subject, "Your WSIS Prizes sign-in code: {}", "{lang}");
        }
        assert!(super::valid_request_cookie(&"a".repeat(64)) && !super::valid_request_cookie("x"));
    }
}
