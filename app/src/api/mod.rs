//! Server functions: the platform's HTTP API. Each checks the session, the role, the
//! edition's phase and deadline on the server, calls one service, and maps the error.

pub mod accounts;
pub mod audit;
pub mod catalog;
pub mod editions;
pub mod nominations;
pub mod results;
pub mod review;
pub mod voting;

#[cfg(feature = "ssr")]
pub mod guard {
    use http::header::{ACCEPT, REFERER};
    use leptos::prelude::*;
    use wsis::account::Role;
    use wsis::db::entity::account;
    use wsis::db::{RequestContext, Services};
    use wsis::AppError;

    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or(AppError::Internal)
    }

    pub fn request() -> RequestContext {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<RequestContext>().cloned())
            .unwrap_or_default()
    }

    /// True for a plain HTML form post (no JavaScript): answers become redirects.
    pub fn is_form_post() -> bool {
        use_context::<http::request::Parts>().is_some_and(|p| {
            p.method == http::Method::POST
                && p.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
        })
    }

    fn referer_path() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(REFERER).and_then(|v| v.to_str().ok()).map(str::to_string))
            .and_then(|r| {
                // keep only the path: never redirect to another site
                let after_scheme = r.split_once("://").map(|x| x.1).unwrap_or(&r);
                after_scheme.find('/').map(|i| after_scheme[i..].to_string())
            })
            .unwrap_or_else(|| "/".into())
    }

    fn with_param(path: &str, key: &str, value: &str) -> String {
        let base: String = {
            let (p, q) = path.split_once('?').unwrap_or((path, ""));
            let kept: Vec<&str> = q.split('&').filter(|kv| !kv.is_empty() && !kv.starts_with("error=") && !kv.starts_with("notice=")).collect();
            if kept.is_empty() { p.to_string() } else { format!("{p}?{}", kept.join("&")) }
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}{key}={}", urlencode(value))
    }

    pub fn urlencode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    /// Turns a refusal into the response: its status for API calls, or for a plain form
    /// post a redirect back to the form with the message in `?error=`.
    pub fn fail(e: AppError) -> AppError {
        let lang = request().lang;
        let e = e.translated(lang);
        if is_form_post() {
            leptos_axum::redirect(&with_param(&referer_path(), "error", &wsis::messages::translate(&e.describe(), lang)));
        } else if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
            r.set_status(e.status());
        }
        e
    }

    /// After success of a plain form post, go to `path` (with an optional notice).
    pub fn done(path: Option<&str>, notice: Option<&str>) {
        if is_form_post() {
            let target = path.map(str::to_string).unwrap_or_else(referer_path);
            let target = match notice {
                Some(n) => with_param(&target, "notice", &tr(n)),
                None => target,
            };
            leptos_axum::redirect(&target);
        }
    }

    /// A message of the server in the request's language.
    pub fn tr(message: &str) -> String {
        wsis::messages::translate(message, request().lang)
    }

    pub fn require_user() -> Result<account::Model, AppError> {
        request().account.ok_or(AppError::Unauthenticated)
    }

    pub fn require_confirmed() -> Result<account::Model, AppError> {
        let a = require_user()?;
        if a.confirmed_at.is_none() {
            return Err(AppError::forbidden("Please confirm your e-mail address first: open the link we sent you."));
        }
        Ok(a)
    }

    /// One line per server function: `let me = require_role(Role::Admin)?;`
    pub fn require_role(role: Role) -> Result<account::Model, AppError> {
        let a = require_confirmed()?;
        if !wsis::account::roles_from_string(&a.roles).contains(&role) {
            return Err(AppError::forbidden(format!("This needs the {} role.", role.key())));
        }
        Ok(a)
    }

    /// Runs a server function body and maps its refusal into the response.
    pub async fn run<T>(f: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        f.await.map_err(fail)
    }
}
