use sea_orm::{EntityTrait, PaginatorTrait};
use wsis::db::entity::vote;

use crate::helpers::each_backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_request_ids() {
    each_backend(|app| async move {
        let c = app.client();
        let r = c.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = c.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let id = r.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(id.len(), 36, "a generated request id: {id}");
        assert_eq!(r.text().await.unwrap(), "ready");
        // a caller's id is kept
        let r = c.get(app.url("/categories")).header("x-request-id", "trace-me-123").send().await.unwrap();
        assert_eq!(r.headers().get("x-request-id").unwrap(), "trace-me-123");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_running_restores_every_vote() {
    each_backend(|app| async move {
        let noms = app.nominees_in(2).await;
        for i in 0..25 {
            let v = app.voter(&format!("bk{i}@example.org")).await;
            crate::helpers::cast(&app.services, &v, noms[i % noms.len()].uuid, "o").await.unwrap();
        }
        let stored = vote::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(stored, 25);
        let out = std::env::temp_dir().join(format!("wsis-backup-{}.db", uuid::Uuid::new_v4()));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_wsis-server"))
            .args(["backup", "--out", out.to_str().unwrap()])
            .env("DATABASE_URL", app.services.config.database_url.as_str())
            .env("DATA_DIR", app.outbox.parent().unwrap())
            .output()
            .unwrap();
        if app.backend == "postgres" {
            assert!(!o.status.success());
            assert!(String::from_utf8_lossy(&o.stderr).contains("pg_dump"));
            return;
        }
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // restore: open the copy as the platform's database
        let restored = wsis::db::connect(&format!("sqlite://{}?mode=rwc", out.display())).await.unwrap();
        assert_eq!(wsis::db::pending_migrations(&restored).await.unwrap(), 0);
        assert_eq!(vote::Entity::find().count(&restored).await.unwrap(), stored);
        // a second backup to the same file is refused rather than overwriting it
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_wsis-server"))
            .args(["backup", "--out", out.to_str().unwrap()])
            .env("DATABASE_URL", app.services.config.database_url.as_str())
            .env("DATA_DIR", app.outbox.parent().unwrap())
            .output()
            .unwrap();
        assert!(!o.status.success());
        drop(restored);
        let _ = std::fs::remove_file(&out);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_votes_and_pool_use() {
    each_backend(|app| async move {
        let noms = app.nominees_in(4).await;
        let voter = app.voter(&format!("metrics-{}@example.org", app.backend)).await;
        let c = app.sign_in(&voter.email, crate::helpers::VOTER_PASSWORD).await;
        let id = noms[0].uuid.to_string();
        assert_eq!(app.call(&c, "cast_vote", &[("nominee", &id)]).await.0, 200);
        assert_eq!(app.call(&c, "cast_vote", &[("nominee", &id)]).await.0, 409);
        // from this machine directly (no proxy in between)
        let r = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap().get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        assert!(text.contains("votes_total{outcome=\"accepted\"}"), "{text}");
        assert!(text.contains("votes_total{outcome=\"refused\",reason=\"conflict\"}"), "{text}");
        assert!(text.contains("http_requests_total{method=\"POST\",route=\"/api/cast_vote\",status=\"200\"}"), "{text}");
        assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
        assert!(text.contains("db_pool_connections{state=\"open\"}"), "{text}");
    })
    .await;
}
