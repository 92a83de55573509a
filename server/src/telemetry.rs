//! Prometheus metrics: requests by route and status with latency histograms, votes
//! accepted and refused by reason (counted where votes are cast), database pool usage.

use std::sync::OnceLock;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use wsis::db::Services;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

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

fn looks_like_id(s: &str) -> bool {
    s.len() >= 8 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') || s.chars().all(|c| c.is_ascii_digit())
}

/// A bounded label for a path: ids become `:id`, assets one label.
pub fn route_label(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        [] => "/".into(),
        ["pkg", ..] => "/pkg/*".into(),
        _ => {
            let mut out = String::new();
            for s in segs.iter().take(4) {
                out.push('/');
                out.push_str(if looks_like_id(s) { ":id" } else { s });
            }
            out
        }
    }
}

/// Counts every request and its latency by method, route and status.
pub async fn track(req: Request<Body>, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = route_label(req.uri().path());
    let res = next.run(req).await;
    // unknown paths share one label, so probing cannot blow up the label set
    let route = if res.status() == 404 && !route.starts_with("/api/") { "unmatched".to_string() } else { route };
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => res.status().as_u16().to_string())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(start.elapsed().as_secs_f64());
    res
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(s): State<Services>) -> Response {
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
    use super::route_label;

    #[test]
    fn labels_are_bounded() {
        assert_eq!(route_label("/"), "/");
        assert_eq!(route_label("/pkg/wsis.abc123.wasm"), "/pkg/*");
        assert_eq!(route_label("/nominees/0d4e1c9a-1b2c-4d5e-8f90-123456789abc"), "/nominees/:id");
        assert_eq!(route_label("/results/2026/export.csv"), "/results/:id/export.csv");
        assert_eq!(route_label("/api/cast_vote"), "/api/cast_vote");
    }
}
