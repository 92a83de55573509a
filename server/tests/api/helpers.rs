//! Starts the real router on 127.0.0.1:0 with a fresh, migrated database holding the demo
//! data: SQLite always, and PostgreSQL too when `TEST_DATABASE_URL` is set.

use std::future::Future;
use std::path::PathBuf;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, ColumnTrait, Set};
use serde_json::Value;
use wsis::db::entity::{account, nomination};
use wsis::db::{Config, Services};

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub services: Services,
    pub outbox: PathBuf,
    pub backend: &'static str,
}

/// Runs `f` once per configured database backend.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    f(spawn_app(None).await).await;
    if let Ok(pg) = std::env::var("TEST_DATABASE_URL") {
        if !pg.is_empty() {
            f(spawn_app(Some(pg)).await).await;
        }
    }
}

async fn fresh_postgres(admin_url: &str) -> String {
    let name = format!("wsis_test_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(admin_url).await.expect("TEST_DATABASE_URL must be reachable");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("database URL ends with /dbname");
    format!("{base}/{name}")
}

pub async fn spawn_app(pg: Option<String>) -> TestApp {
    let dir = std::env::temp_dir().join(format!("wsis-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, backend) = match pg {
        Some(admin) => (fresh_postgres(&admin).await, "postgres"),
        None => (format!("sqlite://{}?mode=rwc", dir.join("test.db").display()), "sqlite"),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let config = Config::for_tests(dir.clone(), url, base.clone());
    let db = wsis_server::prepare(&config, true).await.expect("database ready");
    let services = Services::new(db.clone(), config.clone());
    let mut options = wsis_server::leptos_options();
    options.site_addr = addr;
    let app = wsis_server::router(services.clone(), options);
    tokio::spawn(async move {
        let _ = wsis_server::serve(listener, app).await;
    });
    TestApp { base, db, services, outbox: config.outbox_dir(), backend }
}

impl TestApp {
    /// A browser-like client with its own cookie jar that asks for JSON answers.
    pub fn client(&self) -> reqwest::Client {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_static("application/json"));
        reqwest::Client::builder().cookie_store(true).default_headers(h).timeout(std::time::Duration::from_secs(60)).build().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function with form-encoded arguments; returns status and JSON body.
    pub async fn call(&self, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = c.post(self.url(&format!("/api/{endpoint}"))).form(form).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, c: &reqwest::Client, path: &str) -> (u16, String) {
        let r = c.get(self.url(path)).header(ACCEPT, "text/html").send().await.unwrap();
        let status = r.status().as_u16();
        // drop hydration markers and undo entity escaping so tests read text as a person does
        let html = r.text().await.unwrap().replace("<!>", "").replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&");
        (status, html)
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let (status, body) = self.call(&c, "sign_in", &[("email", email), ("password", password)]).await;
        assert_eq!(status, 200, "[{}] sign in as {email}: {body}", self.backend);
        c
    }

    pub fn outbox_for(&self, email: &str) -> Vec<String> {
        wsis::db::mail::read_outbox(&self.outbox, email)
    }

    /// Nominees of a category in the current edition, by category position.
    pub async fn nominees_in(&self, category: i32) -> Vec<nomination::Model> {
        nomination::Entity::find()
            .filter(nomination::Column::CategoryId.eq(category))
            .filter(nomination::Column::Status.eq("nominee"))
            .all(&self.db)
            .await
            .unwrap()
    }

    /// A confirmed account created directly in the database, with a shared password.
    pub async fn voter(&self, email: &str) -> account::Model {
        static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let hash = HASH
            .get_or_init(|| async { wsis::db::auth::hash_password(VOTER_PASSWORD.to_string()).await.unwrap() })
            .await
            .clone();
        account::ActiveModel {
            uuid: Set(uuid::Uuid::new_v4()),
            email: Set(email.to_string()),
            password_hash: Set(hash),
            display_name: Set("Test Voter".into()),
            organisation: Set(String::new()),
            country: Set("Kenya".into()),
            roles: Set(String::new()),
            confirmed_at: Set(Some(chrono::Utc::now())),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
    }
}

pub const VOTER_PASSWORD: &str = "voter-password-123";
pub const DEMO_PASSWORD: &str = wsis::db::seed::DEMO_PASSWORD;

/// A second app node (own listener and connection pool) on the same database as `app`.
pub async fn second_node(app: &TestApp) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let dir = app.outbox.parent().unwrap().to_path_buf();
    let config = Config::for_tests(dir, app.services.config.database_url.clone(), base.clone());
    let db = wsis_server::prepare(&config, false).await.expect("database ready");
    let services = Services::new(db.clone(), config.clone());
    let mut options = wsis_server::leptos_options();
    options.site_addr = addr;
    let router = wsis_server::router(services.clone(), options);
    tokio::spawn(async move {
        let _ = wsis_server::serve(listener, router).await;
    });
    TestApp { base, db, services, outbox: config.outbox_dir(), backend: app.backend }
}
