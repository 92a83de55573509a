//! Server functions: the platform's HTTP API. Each checks the session, the role, the
//! edition's phase and deadline on the server, calls one service, and maps the error.

pub mod accounts;
pub mod audit;
pub mod broadcasts;
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

    /// Now, by the platform's one clock.
    pub fn now() -> chrono::DateTime<chrono::Utc> {
        services().map_or_else(|_| chrono::Utc::now(), |s| s.now())
    }

    /// Who asks, as the embargo sees them.
    pub fn viewer() -> wsis::results::Viewer {
        request().viewer()
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

    /// The page the form was posted from (its path on this site, never another site).
    fn referer_path() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(REFERER).and_then(|v| v.to_str().ok()).map(str::to_string))
            .map(|r| {
                let after_scheme = r.split_once("://").map(|x| x.1).unwrap_or(&r);
                after_scheme.find('/').map_or_else(|| "/".to_string(), |i| after_scheme[i..].to_string())
            })
            .map(|p| wsis::flash::local_path(&p))
            .unwrap_or_else(|| "/".into())
    }

    /// Leaves `text` for the page at `target` (a signed cookie, shown once).
    fn flash(kind: wsis::flash::FlashKind, text: String, target: &str) {
        use http::header::{HeaderValue, SET_COOKIE};
        let Ok(s) = services() else { return };
        let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
        let sealed = wsis::flash::seal(&s.config.secret, &wsis::flash::Flash { kind, text, path });
        let cookie = s.config.cookie(wsis::flash::COOKIE, &sealed, 120);
        if let (Some(r), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&cookie)) {
            r.append_header(SET_COOKIE, v);
        }
    }

    /// Turns a refusal into the response: its status for API calls, or for a plain form
    /// post a redirect back to the form, which then shows the message.
    pub fn fail(e: AppError) -> AppError {
        let lang = request().lang;
        let e = e.translated(lang);
        if is_form_post() {
            let target = referer_path();
            flash(wsis::flash::FlashKind::Error, wsis::messages::translate(&e.describe(), lang), &target);
            leptos_axum::redirect(&target);
        } else if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
            r.set_status(e.status());
        }
        e
    }

    /// After success of a plain form post, go to `path` (with an optional notice).
    pub fn done(path: Option<&str>, notice: Option<&str>) {
        if is_form_post() {
            let target = path.map(wsis::flash::local_path).unwrap_or_else(referer_path);
            if let Some(n) = notice {
                flash(wsis::flash::FlashKind::Notice, tr(n), &target);
            }
            leptos_axum::redirect(&target);
        }
    }

    /// The value of one of the request's cookies.
    pub fn cookie(name: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        parts.headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            c.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name && !v.is_empty()).then(|| v.to_string())
            })
        })
    }

    /// Sets one of the platform's cookies on the response (`max_age` 0 removes it).
    pub fn set_cookie(name: &str, value: &str, max_age: u64) {
        use http::header::{HeaderValue, SET_COOKIE};
        let Ok(s) = services() else { return };
        if let (Some(r), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&s.config.cookie(name, value, max_age))) {
            r.append_header(SET_COOKIE, v);
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
        if !request().has(role) {
            return Err(AppError::forbidden(format!("This needs the {} role.", role.key())));
        }
        Ok(a)
    }

    /// Runs a server function body and maps its refusal into the response.
    pub async fn run<T>(f: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        f.await.map_err(fail)
    }
}
