#![recursion_limit = "256"]
//! The HTTP server: router, middleware, static files and startup.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use wsis::db::{Config, RequestContext, Services, SESSION_COOKIE};
use wsis_app::{shell, App};

pub mod api_v1;
pub mod export;
pub mod oidc;
pub mod share;
pub mod telemetry;

/// Leptos' options from the configuration: the site folder and address, and the bundle's
/// name (`wsis`, as `scripts/build.sh` writes it).
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder().output_name("wsis").site_root(config.site_root.as_str()).site_pkg_dir("pkg").site_addr(config.site_addr).build()
}

#[derive(Clone)]
struct AppState {
    leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The app's routes, listed once per process. Listing them renders the app with resource
/// loading switched off for the whole process (a global flag of `leptos_server`), and a
/// resource of a page being served that first polls in that moment never loads: a second
/// router made in a process that serves (a test's server, a second node) would leave such
/// a page without an answer. Listed once, there is no such moment after the first router.
fn route_list() -> &'static Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// The whole application as an axum router (the tests start exactly this).
pub fn router(services: Services, options: LeptosOptions) -> Router {
    telemetry::handle();
    let routes = route_list().clone();
    let server_fns: Vec<&'static str> = server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    telemetry::set_routes(
        routes
            .iter()
            .map(|r| r.path())
            .chain(server_fns)
            .chain(api_v1::PATHS)
            .chain(export::PATHS.iter().map(|(p, _)| *p))
            .chain(["/healthz", "/readyz", "/metrics"]),
    );
    let state = AppState { leptos_options: options.clone() };
    let ctx = {
        let s = services.clone();
        move || provide_context(s.clone())
    };
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    // Pages name the bundle by its content hash, so those URLs never change meaning and
    // are cached for a year; the plain /pkg paths stay for anything that names them.
    let root = match wsis_app::asset_root() {
        r if !r.is_empty() => r,
        _ => {
            let r = format!("/v/{}", bundle_hash(std::path::Path::new(&pkg_dir)));
            wsis_app::set_asset_root(r.clone());
            r
        }
    };
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(&pkg_dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300, must-revalidate"),
        ))
        .merge(
            Router::new().nest_service(&format!("{root}/pkg"), ServeDir::new(&pkg_dir).precompressed_br().precompressed_gzip()).layer(
                SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ),
        );
    let api_ctx = ctx.clone();
    Router::new()
        .route(
            "/api/{*fn_name}",
            get(move |req: Request<Body>| server_fn(api_ctx.clone(), req)).post({
                let c = ctx.clone();
                move |req: Request<Body>| server_fn(c.clone(), req)
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz).with_state(services.clone()))
        .route("/metrics", get(telemetry::render).with_state(services.clone()))
        .merge(export::routes(services.clone()))
        .merge(share::routes(services.clone()))
        .merge(oidc::routes(services.clone()))
        .merge(api_v1::routes(services.clone()))
        .leptos_routes_with_context(&state, routes, ctx.clone(), {
            let o = options.clone();
            move || shell(o.clone())
        })
        .merge(static_files)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(ctx, shell))
        .layer(middleware::from_fn(api_status))
        // an answer not begun within this time is given up with a 503: a request whose
        // work stalls holds no connection and no task for ever
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_DEADLINE))
        .layer(middleware::from_fn_with_state(services.clone(), rate_limit))
        .layer(middleware::from_fn(lang_param))
        .layer(middleware::from_fn_with_state(services.clone(), request_context))
        .layer(middleware::from_fn_with_state(Arc::new(services.config.public_url.clone()), same_origin))
        .layer(middleware::from_fn(telemetry::track))
        // pages and answers compressed for browsers that ask (the bundle's files are
        // compressed once, at build time, and served as they are)
        .layer(CompressionLayer::new().br(true).gzip(true).compress_when(SizeAbove::new(1024).and(NotForContentType::GRPC).and(NotForContentType::IMAGES).and(NotForContentType::SSE)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// How long a request may take before its answer begins (see the router's layers).
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(45);

/// A short hash of the bundle's files (the browser code, its WebAssembly and the styles),
/// which names this build's static URLs.
pub fn bundle_hash(pkg_dir: &std::path::Path) -> String {
    use sha2::{Digest, Sha256};
    let mut files: Vec<_> = std::fs::read_dir(pkg_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.file_name().map(|n| n.as_encoded_bytes().to_vec()).unwrap_or_default());
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    hex::encode(&h.finalize()[..8])
}

async fn server_fn(ctx: impl Fn() + Clone + Send + 'static, req: Request<Body>) -> Response {
    handle_server_fns_with_context(ctx, req).await.into_response()
}

/// Refusals raised before a server function's body runs (a missing or malformed argument)
/// come back from Leptos as 500; their encoded `AppError` knows the right status, so the
/// answer is corrected here.
async fn api_status(req: Request<Body>, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Ok(e) = serde_json::from_slice::<wsis::AppError>(&bytes) {
        parts.status = e.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Ready when the database answers and its schema is current (for load balancers).
async fn readyz(State(s): State<Services>) -> Response {
    use sea_orm::ConnectionTrait;
    if let Err(e) = s.db.execute_unprepared("SELECT 1").await {
        tracing::warn!("readyz: database unreachable: {e}");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    match wsis::db::pending_migrations(&s.db).await {
        Ok(0) => (StatusCode::OK, "ready").into_response(),
        Ok(n) => (StatusCode::SERVICE_UNAVAILABLE, format!("{n} migrations pending")).into_response(),
        Err(e) => {
            tracing::warn!("readyz: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "cannot read the migrations").into_response()
        }
    }
}

/// The interface languages (`app/locales`), as the `?lang=` parameter and the cookie name them.
pub use wsis::LANGUAGES;

/// The language named by `?lang=` in the request's URL, if it is one of the six.
fn lang_in_query(req: &Request<Body>) -> Option<&'static str> {
    req.uri().query()?.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(wsis::language)
}
/// The cookie in which the i18n layer keeps the chosen language.
pub const LANG_COOKIE: &str = "i18n_pref_locale";

/// `?lang=xx` chooses the language: the page is rendered in it at once (the request's
/// cookie is replaced before rendering) and the choice is remembered in the cookie.
/// Without it, the cookie and then `Accept-Language` decide.
async fn lang_param(mut req: Request<Body>, next: Next) -> Response {
    let Some(lang) = lang_in_query(&req) else { return next.run(req).await };
    let others: Vec<String> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';').map(|kv| kv.trim().to_string()).collect::<Vec<_>>())
        .filter(|kv| !kv.is_empty() && !kv.starts_with(&format!("{LANG_COOKIE}=")))
        .collect();
    let cookie = others.into_iter().chain([format!("{LANG_COOKIE}={lang}")]).collect::<Vec<_>>().join("; ");
    req.headers_mut().remove(header::COOKIE);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!("{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The language of a request's answer: `?lang=`, then the language cookie, then the
/// best `Accept-Language` entry among the six, else English.
pub fn request_lang(req: &Request<Body>) -> &'static str {
    if let Some(l) = lang_in_query(req).or_else(|| cookie_value(req.headers(), LANG_COOKIE).and_then(|c| wsis::language(&c))) {
        return l;
    }
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut best: Option<(&'static str, f32)> = None;
    for item in accept.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
        if let Some(l) = wsis::language(tag.split('-').next().unwrap_or("")) {
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((l, q));
            }
        }
    }
    best.map_or("en", |(l, _)| l)
}

/// Refuses state-changing requests whose `Origin` (or, without it, `Referer`) is another
/// site. Requests without either come from non-browser clients and cannot be forged by a
/// page elsewhere.
async fn same_origin(State(public_url): State<Arc<String>>, req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let claimed = h
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.to_string())
        .or_else(|| h.get(header::REFERER).and_then(|v| v.to_str().ok()).map(origin_of));
    match claimed {
        Some(o) if o != "null" && o.trim_end_matches('/') != public_url.as_str() => {
            tracing::warn!(origin = %o, "cross-origin request refused");
            (StatusCode::FORBIDDEN, "Cross-origin requests are refused.").into_response()
        }
        Some(o) if o == "null" => (StatusCode::FORBIDDEN, "Cross-origin requests are refused.").into_response(),
        _ => next.run(req).await,
    }
}

fn origin_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or("")),
        None => url.to_string(),
    }
}

pub(crate) fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
    })
}

/// Whether a path is a page (rendered with the header), not a file, an API or a probe.
fn is_page(path: &str) -> bool {
    let file_or_api = ["/api/", "/pkg/", "/v/", "/healthz", "/readyz", "/metrics"].iter().any(|p| path.starts_with(p));
    // `/results/{year}/export.csv` and the other result files are not pages
    !file_or_api && !(path.starts_with("/results/") && path.contains('.'))
}

/// The client's address: the peer, or behind `hops` trusted proxies the address the
/// outermost of them saw, which is the `hops`-th entry of `X-Forwarded-For` from the
/// right. Entries further left were written by the client and are ignored.
pub fn client_address(peer: &str, forwarded_for: &[&str], hops: usize) -> String {
    if hops == 0 {
        return peer.to_string();
    }
    let list: Vec<&str> = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).filter(|s| !s.is_empty()).collect();
    let pick = if list.len() >= hops { list.get(list.len() - hops) } else { list.first() };
    pick.and_then(|a| a.parse::<std::net::IpAddr>().ok()).map_or_else(|| peer.to_string(), |ip| ip.to_string())
}

/// Resolves the session cookie, the client and the flash message once per request.
async fn request_context(State(s): State<Services>, mut req: Request<Body>, next: Next) -> Response {
    let token = cookie_value(req.headers(), SESSION_COOKIE).filter(|t| t.len() <= 128);
    let found = match &token {
        Some(t) => wsis::db::auth::account_for_session(&s.db, t, s.now()).await.ok().flatten(),
        None => None,
    };
    let (account, roles) = found.map_or((None, Vec::new()), |(a, roles)| (Some(a), roles));
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    let forwarded: Vec<&str> = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let client_addr = client_address(&peer, &forwarded, s.config.trusted_proxy_hops);
    let user_agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(300).collect();
    let session_token = if account.is_some() { token } else { None };
    let lang = request_lang(&req);
    let page = req.method() == Method::GET && is_page(req.uri().path());
    // pages show the current edition's phase in their header (cached per node)
    if page {
        let edition = s.current_edition.get(&s.db).await.ok().flatten();
        req.extensions_mut().insert(wsis::db::CurrentEdition(edition));
    }
    let flash = if page { cookie_value(req.headers(), wsis::flash::COOKIE).and_then(|v| wsis::flash::open(&s.config.secret, &v)) } else { None };
    let had_flash = flash.is_some();
    // a visitor's random id seeds their own ballot order until they sign in; a page is
    // where a browser gets one (nothing is made for the other requests, votes among them)
    let known_visitor = cookie_value(req.headers(), wsis::db::VISITOR_COOKIE).filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let new_visitor = (known_visitor.is_none() && page).then(|| uuid::Uuid::new_v4().simple().to_string());
    let cookie = new_visitor.as_ref().map(|v| s.config.cookie(wsis::db::VISITOR_COOKIE, v, 31_536_000));
    let visitor = known_visitor.or(new_visitor).unwrap_or_default();
    let via = if page { campaign_cookie(req.uri()).map(|v| s.config.cookie(wsis::campaign::VIA_COOKIE, &v, wsis::campaign::VIA_COOKIE_SECS)) } else { None };
    req.extensions_mut().insert(RequestContext { account, roles, session_token, client_addr, user_agent, lang, flash, visitor });
    let mut res = next.run(req).await;
    if let Some(v) = via.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if had_flash {
        // shown once: the page that displays it clears it
        if let Ok(v) = HeaderValue::from_str(&s.config.cookie(wsis::flash::COOKIE, "", 0)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A nominee page opened by a campaign link (`/nominees/{id}?via=code`, the code well
/// formed) remembers the link for the vote: the value of the campaign cookie. Whether the
/// campaign exists is the vote's question; a link of another nominee counts for nothing.
fn campaign_cookie(uri: &axum::http::Uri) -> Option<String> {
    let id = uri.path().strip_prefix("/nominees/")?;
    let nominee = uuid::Uuid::try_parse(id).ok()?;
    let code = uri.query()?.split('&').find_map(|kv| kv.strip_prefix("via="))?;
    let code = wsis::campaign::parse_code(code).ok()?;
    Some(wsis::campaign::via_value(nominee, &code))
}

/// Floods stop here: calls per minute per client address (every request but the static
/// bundle) and per signed-in account (server functions). A refused call is answered 429
/// with `Retry-After` and changes nothing.
async fn rate_limit(State(s): State<Services>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/pkg/") || path.starts_with("/v/") || path == "/healthz" || path == "/readyz" {
        return next.run(req).await;
    }
    let minute = std::time::Duration::from_secs(60);
    let ctx = req.extensions().get::<RequestContext>();
    let addr = ctx.map(|c| c.client_addr.clone()).unwrap_or_default();
    let per_addr = s.config.rate_per_address;
    let mut within = s.limiter.hit(&format!("http:address:{addr}"), per_addr, minute, per_addr);
    if within && path.starts_with("/api/") {
        if let Some(a) = ctx.and_then(|c| c.account.as_ref()) {
            let per_acct = s.config.rate_per_account;
            within = s.limiter.hit(&format!("http:account:{}", a.id), per_acct, minute, per_acct);
        }
    }
    if within {
        return next.run(req).await;
    }
    metrics::counter!("http_rate_limited_total").increment(1);
    let e = wsis::AppError::TooManyRequests;
    let mut res = (StatusCode::TOO_MANY_REQUESTS, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&e).unwrap_or_default())
        .into_response();
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    res
}

/// The node's background tasks: the mail worker, the commitment at the close of voting
/// (stored once across nodes), the release of results at their
/// announcement instant (claimed once across nodes), the vote reminders and the deadline
/// reminders of drafts and reviews (each claimed once), and the clean-up of expired throttle records.
pub fn start_workers(services: &Services) {
    tokio::spawn(wsis::db::mail::run_worker(services.clone()));
    let s = services.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            match wsis::db::commitments::commit_due(&s).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(editions = n, "votes committed at the close of voting"),
                Err(e) => tracing::warn!("committing votes: {e}"),
            }
            match wsis::db::results::release_due(&s).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(editions = n, "results released at their announcement instant"),
                Err(e) => tracing::warn!("releasing results: {e}"),
            }
            match wsis::db::broadcasts::send_due_reminders(&s).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "deadline reminders queued"),
                Err(e) => tracing::warn!("deadline reminders: {e}"),
            }
            match wsis::db::reminders::send_due(&s).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "vote reminders queued"),
                Err(e) => tracing::warn!("vote reminders: {e}"),
            }
            if let Err(e) = wsis::db::friction::housekeeping(&s.db, s.now()).await {
                tracing::warn!("housekeeping: {e}");
            }
        }
    });
}

/// Connects, migrates and (when asked) loads the demo data.
pub async fn prepare(config: &wsis::db::Config, demo: bool) -> Result<sea_orm::DatabaseConnection, String> {
    let db = wsis::db::open_migrated(&config.database_url).await.map_err(|e| format!("cannot open the database or migrate it: {e}"))?;
    if demo {
        let created = wsis::db::seed::load_demo(&db, chrono::Utc::now()).await.map_err(|e| format!("demo data: {e}"))?;
        if created {
            tracing::info!("demo data loaded");
        }
    }
    Ok(db)
}

/// Serves until SIGTERM or Ctrl-C, letting in-flight requests finish.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_is_what_the_trusted_proxies_saw() {
        use super::client_address;
        // one proxy: the rightmost entry is what it saw; the client wrote the rest
        assert_eq!(client_address("10.0.0.1", &["6.6.6.6, 203.0.113.9"], 1), "203.0.113.9");
        assert_eq!(client_address("10.0.0.1", &["6.6.6.6", "203.0.113.9"], 1), "203.0.113.9", "several headers are one list");
        // two proxies (a CDN, then a load balancer)
        assert_eq!(client_address("10.0.0.1", &["6.6.6.6, 203.0.113.9, 198.51.100.2"], 2), "203.0.113.9");
        // no trusted proxy: the header is ignored
        assert_eq!(client_address("10.0.0.1", &["203.0.113.9"], 0), "10.0.0.1");
        // garbage or nothing: the peer
        assert_eq!(client_address("10.0.0.1", &["not-an-address"], 1), "10.0.0.1");
        assert_eq!(client_address("10.0.0.1", &[], 1), "10.0.0.1");
    }

    #[test]
    fn the_bundle_hash_follows_the_content() {
        let dir = std::env::temp_dir().join(format!("wsis-bundle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("wsis.css"), "body{}").unwrap();
        std::fs::write(dir.join("wsis.js"), "export{}").unwrap();
        let a = super::bundle_hash(&dir);
        assert_eq!(a.len(), 16);
        assert_eq!(super::bundle_hash(&dir), a, "stable");
        std::fs::write(dir.join("wsis.css"), "body{color:red}").unwrap();
        assert_ne!(super::bundle_hash(&dir), a, "a changed file changes the hash");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
