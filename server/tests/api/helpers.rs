//! Starts the real router on 127.0.0.1:0 with a fresh, migrated database holding the demo
//! data: SQLite always, and PostgreSQL too when `TEST_DATABASE_URL` is set.

use std::future::Future;
use std::path::PathBuf;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, ColumnTrait, Set};
use serde_json::Value;
use wsis::db::entity::{account, edition, nomination};
use wsis::db::{Config, Services};

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub services: Services,
    pub outbox: PathBuf,
    pub backend: &'static str,
}

/// The PostgreSQL server of the tests: `TEST_DATABASE_URL`. Under CI (`CI` set) its
/// absence fails the test instead of skipping PostgreSQL.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(pg) if !pg.is_empty() => Some(pg),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI runs every test on PostgreSQL too: TEST_DATABASE_URL is not set");
            None
        }
    }
}

/// Runs `f` once per configured database backend.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    f(spawn_app(None).await).await;
    if let Some(pg) = postgres_url() {
        f(spawn_app(Some(pg)).await).await;
    }
}

/// Like [`each_backend`], with each server's configuration changed by `tune` first.
pub async fn each_backend_with<T, F, Fut>(tune: T, f: F)
where
    T: Fn(&mut Config),
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    f(spawn_app_with(None, &tune).await).await;
    if let Some(pg) = postgres_url() {
        f(spawn_app_with(Some(pg), &tune).await).await;
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
    spawn_app_with(pg, |_| {}).await
}

/// Like [`spawn_app`], with the configuration changed by `tune` first.
pub async fn spawn_app_with(pg: Option<String>, tune: impl FnOnce(&mut Config)) -> TestApp {
    // the servers' errors (an answer of "Internal" says no more) print with the test output
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter(tracing_subscriber::EnvFilter::new("error")).try_init();
    let dir = std::env::temp_dir().join(format!("wsis-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, backend) = match pg {
        Some(admin) => (fresh_postgres(&admin).await, "postgres"),
        None => (format!("sqlite://{}?mode=rwc", dir.join("test.db").display()), "sqlite"),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let mut config = Config::for_tests(dir.clone(), url, base.clone());
    tune(&mut config);
    let db = wsis_server::prepare(&config, true).await.expect("database ready");
    let services = Services::new(db.clone(), config.clone());
    let mut options = wsis_server::leptos_options(&config);
    options.site_addr = addr;
    let app = wsis_server::router(services.clone(), options);
    tokio::spawn(async move {
        let _ = wsis_server::serve(listener, app).await;
    });
    TestApp { base, db, services, outbox: config.outbox_dir(), backend }
}

/// A random address of its own for a test client: one person at one address.
pub fn random_address() -> String {
    let b = uuid::Uuid::new_v4().into_bytes();
    format!("10.{}.{}.{}", b[0], b[1], b[2].max(1))
}

/// Runs the platform's command line on a test app's database and data folder.
pub fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wsis-server"))
        .args(args)
        .env("DATABASE_URL", app.services.config.database_url.as_str())
        .env("DATA_DIR", app.outbox.parent().unwrap())
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

impl TestApp {
    /// A browser-like client with its own cookie jar that asks for JSON answers, from an
    /// address of its own (the test server trusts one proxy hop).
    pub fn client(&self) -> reqwest::Client {
        self.client_at(&random_address())
    }

    /// A client at a given address (several clients behind one NAT share one).
    pub fn client_at(&self, addr: &str) -> reqwest::Client {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_static("application/json"));
        h.insert("x-forwarded-for", HeaderValue::from_str(addr).unwrap());
        reqwest::Client::builder().cookie_store(true).default_headers(h).timeout(std::time::Duration::from_secs(60)).build().unwrap()
    }

    /// A solved proof-of-work challenge for `purpose`, as a browser would send it.
    pub async fn pow(&self, c: &reqwest::Client, purpose: &str) -> (String, String) {
        let (status, ch) = self.call(c, "pow_challenge", &[("purpose", purpose)]).await;
        assert_eq!(status, 200, "{ch}");
        let challenge = ch["challenge"].as_str().unwrap().to_string();
        let nonce = wsis::pow::solve(&challenge, ch["bits"].as_u64().unwrap() as u8).to_string();
        (challenge, nonce)
    }

    /// Signs up as a person does: the form with its proof of work.
    pub async fn sign_up(&self, c: &reqwest::Client, email: &str, password: &str) -> (u16, Value) {
        let (challenge, nonce) = self.pow(c, "sign_up").await;
        self.call(
            c,
            "sign_up",
            &[
                ("input[email]", email),
                ("input[password]", password),
                ("input[display_name]", "Nadia N."),
                ("input[organisation]", "Open Data Kenya"),
                ("input[country]", "Kenya"),
                ("pow[challenge]", &challenge),
                ("pow[nonce]", &nonce),
            ],
        )
        .await
    }

    /// Sets the server's clock (shared by its nodes) so that it reads `at` now; it runs on
    /// from there. Tests bring an edition to a phase this way, never by rewriting its dates.
    pub fn set_now(&self, at: chrono::DateTime<chrono::Utc>) {
        self.services.clock.set(at);
    }

    /// Now, by the server's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.services.now()
    }

    /// Moves the clock an hour into `phase` of edition `e`, as its schedule sets it.
    pub fn move_to(&self, e: &edition::Model, phase: wsis::phase::PhaseKind) {
        self.set_now(e.view().schedule.window(phase).opens + chrono::Duration::hours(1));
    }

    /// Moves the clock to `by` after `milestone` of edition `e`.
    pub fn move_past(&self, e: &edition::Model, milestone: wsis::phase::Milestone, by: chrono::Duration) {
        self.set_now(e.view().schedule.instant(milestone) + by);
    }

    /// The confirmation link last mailed to `email`.
    pub async fn confirmation_link(&self, email: &str) -> String {
        let mails = self.outbox_for(email).await;
        let last = mails.iter().rev().find_map(|m| wsis::db::mail::find_link(m, "/confirm?token="));
        last.unwrap_or_else(|| panic!("[{}] no confirmation link for {email}: {mails:?}", self.backend))
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

    /// Lets work started by earlier requests finish and the mail queue empty.
    pub async fn flush_mail(&self) {
        self.services.background.idle().await;
        wsis::db::mail::deliver_due(&self.services).await.unwrap();
    }

    /// The messages delivered to `email` so far, oldest first.
    pub async fn outbox_for(&self, email: &str) -> Vec<String> {
        self.flush_mail().await;
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
            confirmed_at: Set(Some(self.now())),
            created_at: Set(self.now()),
            email_canonical: Set(Some(wsis::account::canonical_email(email))),
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
    let config = Config::for_tests(dir, app.services.config.database_url.to_string(), base.clone());
    let db = wsis_server::prepare(&config, false).await.expect("database ready");
    let mut services = Services::new(db.clone(), config.clone());
    services.clock = app.services.clock.clone();
    let mut options = wsis_server::leptos_options(&config);
    options.site_addr = addr;
    let router = wsis_server::router(services.clone(), options);
    tokio::spawn(async move {
        let _ = wsis_server::serve(listener, router).await;
    });
    TestApp { base, db, services, outbox: config.outbox_dir(), backend: app.backend }
}

/// Casts a vote through the service (no HTTP), from an address and network of the voter's
/// own, with `origin` as its stored origin.
pub async fn cast(s: &Services, voter: &account::Model, nominee: uuid::Uuid, origin: &str) -> Result<wsis::vote::MyVote, wsis::AppError> {
    let addr = format!("10.{}.{}.1", (voter.id >> 8) & 255, voter.id & 255);
    let pow = wsis::pow::Solution::default();
    wsis::db::voting::cast_vote(s, voter, nominee, wsis::db::voting::Ballot { origin, addr: &addr, pow: &pow, via: None }).await
}

/// The message a no-JavaScript form post left for its next page (the signed flash cookie).
pub fn flash_of(app: &TestApp, r: &reqwest::Response) -> Option<wsis::flash::Flash> {
    r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        let v = c.split(';').next()?.strip_prefix(&format!("{}=", wsis::flash::COOKIE))?;
        wsis::flash::open(&app.services.config.secret, v)
    })
}
