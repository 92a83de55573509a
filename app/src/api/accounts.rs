//! Accounts: sign-up, confirmation, sign-in and -out, password reset, roles.

use leptos::prelude::*;
use uuid::Uuid;
use wsis::account::{AccountRow, SessionUser, SignUpForm};
use wsis::pow::Solution;
use wsis::AppError;

#[cfg(feature = "ssr")]
fn set_session_cookie(token: Option<&str>) {
    let Ok(s) = crate::api::guard::services() else { return };
    match token {
        Some(t) => crate::api::guard::set_cookie(wsis::db::SESSION_COOKIE, t, s.config.session_ttl_secs.max(0) as u64),
        None => crate::api::guard::set_cookie(wsis::db::SESSION_COOKIE, "", 0),
    }
}

/// Who is signed in (`null` when nobody is).
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::api::guard::*;
    let req = request();
    Ok(req.account.as_ref().map(|a| wsis::db::auth::session_user(a, &req.roles)))
}

/// What every page's header shows: the visitor and the current edition's phase.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChromeData {
    pub user: Option<SessionUser>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub edition: Option<wsis::edition::EditionView>,
    /// The message a form post left for this page.
    pub flash: Option<wsis::flash::Flash>,
    /// The platform's own address (`PUBLIC_URL`), for absolute links: share links, cards.
    pub public_url: String,
    /// The name of the OpenID Connect provider to sign in with, when one is configured.
    pub oidc_name: Option<String>,
}

impl ChromeData {
    /// The page's chrome when it is still there: a part of a page rendered after its
    /// request was abandoned finds no context, and must not panic for it.
    pub fn current() -> ChromeData {
        use_context::<ChromeData>().unwrap_or_else(|| ChromeData {
            user: None,
            now: chrono::DateTime::<chrono::Utc>::default(),
            edition: None,
            flash: None,
            public_url: String::new(),
            oidc_name: None,
        })
    }

    /// What the request's middleware learned (the session's account, the current edition);
    /// the header renders it without waiting, and the browser receives it with the page.
    #[cfg(feature = "ssr")]
    pub fn of_request() -> ChromeData {
        use crate::api::guard::*;
        let edition = use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<wsis::db::CurrentEdition>().cloned())
            .and_then(|c| c.0);
        let req = request();
        let (public_url, oidc_name) = services()
            .map(|s| (s.config.public_url.clone(), s.config.oidc.as_ref().map(|o| o.name.clone())))
            .unwrap_or_default();
        ChromeData { user: req.account.as_ref().map(|a| wsis::db::auth::session_user(a, &req.roles)), now: now(), edition, flash: req.flash, public_url, oidc_name }
    }

    /// In the browser the value always comes with the page (this is never called there).
    #[cfg(not(feature = "ssr"))]
    pub fn of_request() -> ChromeData {
        ChromeData { user: None, now: chrono::DateTime::<chrono::Utc>::default(), edition: None, flash: None, public_url: String::new(), oidc_name: None }
    }
}

/// A proof-of-work challenge for a form (sign-up always; sign-in, votes and e-mail
/// requests past their friction thresholds). See `wsis::pow`.
#[server(endpoint = "pow_challenge")]
pub async fn pow_challenge(purpose: String) -> Result<wsis::pow::Challenge, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let purpose = wsis::pow::Purpose::parse(&purpose).ok_or_else(|| AppError::invalid(format!("There is no security check “{}”.", purpose.trim())))?;
        Ok(wsis::db::friction::issue(&s.config, purpose, now()))
    })
    .await
}

#[cfg(feature = "ssr")]
fn caller(req: &wsis::db::RequestContext) -> wsis::db::auth::Caller<'_> {
    wsis::db::auth::Caller { addr: &req.client_addr, lang: req.lang }
}

/// Creates an account; the answer is the same whether the address is known or not.
#[server(endpoint = "sign_up")]
pub async fn sign_up(input: SignUpForm, #[server(default)] pow: Solution) -> Result<String, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let req = request();
        let answer = wsis::db::auth::sign_up(&s, &input, caller(&req), &pow).await?;
        done(Some("/signin"), Some(answer));
        Ok(tr(answer))
    })
    .await
}

/// Opens a confirmation link with the password chosen at sign-up; signs the browser in.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String, #[server(default)] password: String) -> Result<SessionUser, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let req = request();
        let (acct, session) = wsis::db::auth::confirm_email(&s, &token, &password, req.session_token.as_deref()).await?;
        let roles = wsis::db::auth::roles_of(&s.db, acct.id).await?;
        set_session_cookie(Some(&session));
        done(Some("/categories"), Some("Your e-mail address is confirmed and you are signed in. You can now vote and submit projects."));
        Ok(wsis::db::auth::session_user(&acct, &roles))
    })
    .await
}

#[server(endpoint = "resend_confirmation")]
pub async fn resend_confirmation(email: String, #[server(default)] pow: Solution) -> Result<String, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let req = request();
        let answer = wsis::db::auth::resend_confirmation(&s, &email, caller(&req), &pow).await?;
        done(None, Some(answer));
        Ok(tr(answer))
    })
    .await
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] pow: Solution,
    /// The page to return to (a path of this site; anything else means the home page).
    #[server(default)]
    next: Option<String>,
) -> Result<SessionUser, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let req = request();
        let (acct, token) = wsis::db::auth::sign_in(&s, &email, &password, caller(&req), &pow, req.session_token.as_deref()).await?;
        let roles = wsis::db::auth::roles_of(&s.db, acct.id).await?;
        set_session_cookie(Some(&token));
        done(Some(&wsis::flash::local_path(next.as_deref().unwrap_or("/"))), None);
        Ok(wsis::db::auth::session_user(&acct, &roles))
    })
    .await
}

/// Mails a sign-in code and link for an address (a new address gets its account when the
/// code is used); the answer is the same whatever the address. The browser gets the
/// request cookie that the code works with.
#[server(endpoint = "request_sign_in_code")]
pub async fn request_sign_in_code(
    email: String,
    #[server(default)] pow: Solution,
    /// The page to return to once signed in (a path of this site).
    #[server(default)]
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::api::guard::*;
    use wsis::db::sign_in_code as code;
    run(async move {
        let s = services()?;
        let req = request();
        let held = cookie(code::REQUEST_COOKIE);
        let known = cookie(code::KNOWN_COOKIE);
        let next = next.unwrap_or_else(|| "/".into());
        let (value, answer) = code::request_code(&s, &email, held.as_deref(), known.as_deref(), &next, caller(&req), &pow).await?;
        set_cookie(code::REQUEST_COOKIE, &value, (wsis::account::SIGN_IN_CODE_TTL_MINUTES * 60) as u64);
        let page = match wsis::flash::local_path(&next).as_str() {
            "/" => "/signin/code".to_string(),
            n => format!("/signin/code?next={}", wsis::share::encode(n)),
        };
        done(Some(&page), Some(answer));
        Ok(tr(answer))
    })
    .await
}

/// Signs in with the code (or the link) mailed to this browser; a new address also gives
/// its display name and country here.
#[server(endpoint = "sign_in_with_code")]
pub async fn sign_in_with_code(input: wsis::account::CodeSignIn, #[server(default)] pow: Solution) -> Result<wsis::account::CodeSignedIn, AppError> {
    use crate::api::guard::*;
    use wsis::db::sign_in_code as code;
    run(async move {
        let s = services()?;
        let req = request();
        let held = cookie(code::REQUEST_COOKIE);
        let signed = code::sign_in_with_code(&s, &input, held.as_deref(), caller(&req), &pow, req.session_token.as_deref()).await?;
        let roles = wsis::db::auth::roles_of(&s.db, signed.account.id).await?;
        set_session_cookie(Some(&signed.session));
        set_cookie(code::REQUEST_COOKIE, "", 0);
        set_cookie(code::KNOWN_COOKIE, &signed.known, code::KNOWN_COOKIE_SECS);
        done(Some(&signed.next), None);
        Ok(wsis::account::CodeSignedIn { user: wsis::db::auth::session_user(&signed.account, &roles), next: signed.next })
    })
    .await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        if let Some(t) = request().session_token {
            wsis::db::auth::delete_session(&s.db, &t).await?;
        }
        set_session_cookie(None);
        done(Some("/"), None);
        Ok(())
    })
    .await
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String, #[server(default)] pow: Solution) -> Result<String, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let req = request();
        let answer = wsis::db::auth::request_password_reset(&s, &email, caller(&req), &pow).await?;
        done(None, Some(answer));
        Ok(tr(answer))
    })
    .await
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<String, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        wsis::db::auth::reset_password(&s, &token, &password).await?;
        let msg = "Your password is changed. Please sign in with it.";
        done(Some("/signin"), Some(msg));
        Ok(tr(msg))
    })
    .await
}

/// The domains refused at sign-up beside the built-in list of disposable ones (admins).
#[server(endpoint = "admin_blocked_domains")]
pub async fn blocked_domains() -> Result<Vec<(String, String)>, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::disposable::admin_list(&s.db).await
    })
    .await
}

/// Adds (`blocked = true`) or removes a refused domain (admins; audit-logged).
#[server(endpoint = "admin_set_blocked_domain")]
pub async fn set_blocked_domain(domain: String, #[server(default)] note: String, blocked: bool) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::disposable::set_blocked(&s.db, me.id, &domain, &note, blocked, now()).await?;
        done(None, Some(if blocked { "Domain refused at sign-up." } else { "Domain allowed again." }));
        Ok(())
    })
    .await
}

/// One page (`page`, from 1; 200 rows) of the accounts, optionally filtered by role and
/// text (admins only).
#[server(endpoint = "admin_list_accounts")]
pub async fn list_accounts(
    #[server(default)] role: String,
    #[server(default)] q: String,
    #[server(default)] page: String,
) -> Result<wsis::paging::Paged<AccountRow>, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        require_role(Role::Admin)?;
        let s = services()?;
        let role = match role.trim() {
            "" => None,
            r => Some(Role::parse(r).ok_or_else(|| AppError::invalid(format!("There is no role “{r}”.")))?),
        };
        if q.len() > 200 {
            return Err(AppError::invalid("The search text is too long."));
        }
        let page = wsis::paging::parse_page(&page).map_err(AppError::Invalid)?;
        wsis::db::auth::list_accounts(&s.db, role, &q, page).await
    })
    .await
}

/// Grants (`granted = true`) or revokes a role (admins only; audit-logged).
#[server(endpoint = "admin_set_role")]
pub async fn set_role(account: Uuid, role: String, granted: bool) -> Result<AccountRow, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        let me = require_role(Role::Admin)?;
        let s = services()?;
        let role = Role::parse(&role).ok_or_else(|| AppError::invalid(format!("There is no role “{role}”.")))?;
        let row = wsis::db::auth::set_role(&s, &me, account, role, granted).await?;
        done(None, Some(if granted { "Role granted." } else { "Role revoked." }));
        Ok(row)
    })
    .await
}

/// The outgoing-mail queue: counts, and the messages a mail server refused with their last
/// error (admins).
#[server(endpoint = "admin_mail")]
pub async fn mail_queue() -> Result<wsis::mail::MailQueue, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::mail::queue(&s).await
    })
    .await
}

/// Tries a refused message again now (`id`), or every refused message (none given).
#[server(endpoint = "admin_retry_mail")]
pub async fn retry_mail(#[server(default)] id: Option<i32>) -> Result<u64, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let n = wsis::db::mail::retry_now(&s, id).await?;
        done(None, Some(&format!("{n} messages will be tried again now.")));
        Ok(n)
    })
    .await
}
