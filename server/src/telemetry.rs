//! Prometheus metrics: requests by route and status with latency histograms, votes
//! accepted and refused by reason (counted where votes are cast), database pool usage.
//!
//! Labels are bounded: a route label is one of the router's own routes (pages, server
//! functions, files, the public API), `static` or `unmatched`, and a method label one of
//! the standard methods or `OTHER`, so that probing random paths and methods cannot grow
//! the label set. `/metrics` shows vote activity during the embargo, so only this machine
//! (not through a proxy) or a holder of `METRICS_TOKEN` may read it.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use wsis::db::Services;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static ROUTES: OnceLock<Vec<Vec<String>>> = OnceLock::new();

/// The process-wide recorder (installed on first use).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

/// Records the router's routes (patterns such as `/nominees/{id}`), once.
pub fn set_routes<'a>(patterns: impl IntoIterator<Item = &'a str>) {
    let mut v: Vec<Vec<String>> = patterns.into_iter().map(|p| p.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect()).collect();
    v.sort();
    v.dedup();
    let _ = ROUTES.set(v);
}

fn is_param(seg: &str) -> bool {
    seg.starts_with(':') || (seg.starts_with('{') && seg.ends_with('}')) || seg.starts_with('*')
}

/// The route pattern a path belongs to, as its label: one of the router's routes (the most
/// literal match wins), `static` for the bundle, else `unmatched`.
pub fn route_label(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(segs.first(), Some(&("pkg" | "v"))) || path == "/favicon.svg" {
        return "static".into();
    }
    let routes = ROUTES.get().map(Vec::as_slice).unwrap_or(&[]);
    let mut best: Option<(&Vec<String>, usize)> = None;
    for r in routes {
        let wildcard = r.last().is_some_and(|l| l.starts_with('*'));
        let fits = if wildcard { segs.len() >= r.len() - 1 } else { segs.len() == r.len() };
        if !fits {
            continue;
        }
        let literal = r.iter().zip(&segs).filter(|(p, _)| !is_param(p)).count();
        if r.iter().zip(&segs).all(|(p, s)| is_param(p) || p == s) && best.is_none_or(|(_, n)| literal > n) {
            best = Some((r, literal));
        }
    }
    match best {
        Some((r, _)) => format!("/{}", r.join("/")),
        None => "unmatched".into(),
    }
}

/// A bounded method label.
pub fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Counts every request and its latency by method, route and status.
pub async fn track(req: Request<Body>, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = route_label(req.uri().path());
    let res = next.run(req).await;
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => res.status().as_u16().to_string())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(start.elapsed().as_secs_f64());
    res
}

/// Whether a request may read `/metrics`: with the configured bearer token, or from this
/// machine directly (a request relayed by a proxy carries `X-Forwarded-For`).
pub fn may_read(s: &Services, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    if let Some(token) = &s.config.metrics_token {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|g| wsis::db::auth::same_secret(g, token)) {
            return true;
        }
    }
    let relayed = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    peer.is_some_and(|p| p.ip().is_loopback()) && !relayed
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(s): State<Services>, req: Request<Body>) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if !may_read(&s, peer, req.headers()) {
        return (StatusCode::FORBIDDEN, "The metrics are readable from this machine or with METRICS_TOKEN.").into_response();
    }
    let (size, idle) = match s.db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let p = s.db.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
        sea_orm::DatabaseBackend::Postgres => {
            let p = s.db.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => (0, 0),
    };
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(f64::from(size).max(idle as f64) - idle as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle().render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::{method_label, route_label, set_routes};

    #[test]
    fn labels_are_the_routers_own() {
        set_routes(["/", "/nominees/{id}", "/results/{year}/export.csv", "/api/cast_vote", "/categories/:slug", "/api/v1/{*rest}"]);
        assert_eq!(route_label("/"), "/");
        assert_eq!(route_label("/pkg/wsis.abc123.wasm"), "static");
        assert_eq!(route_label("/nominees/0d4e1c9a-1b2c-4d5e-8f90-123456789abc"), "/nominees/{id}");
        assert_eq!(route_label("/results/2026/export.csv"), "/results/{year}/export.csv");
        assert_eq!(route_label("/api/cast_vote"), "/api/cast_vote");
        assert_eq!(route_label("/categories/c5"), "/categories/:slug");
        for probe in ["/wp-admin.php", "/api/no_such_function", "/nominees/x/y/z", "/.env"] {
            assert_eq!(route_label(probe), "unmatched", "{probe}");
        }
        assert_eq!(method_label(&"BREW".parse().unwrap()), "OTHER");
    }
}
