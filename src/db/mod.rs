//! Persistence and the server-side services built on it (server build only).

pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod broadcasts;
pub mod bulletin;
pub mod catalog;
pub mod champions;
pub mod commitments;
pub mod column;
pub mod config;
pub mod disposable;
pub mod editions;
pub mod entity;
pub mod friction;
pub mod mail;
pub mod migration;
pub mod nominations;
pub mod participation;
pub mod reminders;
pub mod results;
pub mod review;
pub mod screening;
pub mod teams;
pub mod seed;
pub mod sign_in_code;
pub mod vote_audit;
pub mod voting;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

pub use config::Config;

/// Everything a request handler or server function needs, shared by all requests.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub mailer: mail::Mailer,
    /// The current edition as every page's phase line shows it, kept per node.
    pub current_edition: Arc<CurrentEditionCache>,
    /// Category listings for the category pages, kept per node.
    pub listings: Arc<ListingCache>,
    /// Nominees with their edition for the nominee pages, kept per node.
    pub nominee_pages: Arc<NomineeCache>,
    /// The node's vote writer (group commit).
    pub vote_writer: Arc<voting::VoteWriter>,
    /// Per-node rates of clients, addresses and networks.
    pub limiter: Arc<friction::RateLimiter>,
    /// Wakes the node's mail worker when a message was queued.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Work finished after a request was answered (see [`Background`]).
    pub background: Arc<Background>,
    /// The platform's one clock (see [`Clock`]).
    pub clock: Arc<Clock>,
    /// Participation figures of released editions, computed once per node.
    pub participation: Arc<tokio::sync::Mutex<ParticipationKept>>,
    /// The committed trees of the categories whose receipts were checked last.
    pub commitment_trees: Arc<commitments::TreeCache>,
    /// Released bulletins, built once per node.
    pub bulletins: Arc<tokio::sync::Mutex<bulletin::BulletinsKept>>,
}

/// Released participation figures by edition id and release time.
pub type ParticipationKept = std::collections::HashMap<(i32, Option<chrono::DateTime<chrono::Utc>>), Arc<crate::participation::Participation>>;

impl Services {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        let mailer = mail::Mailer::from_config(&config);
        Services {
            db,
            config: Arc::new(config),
            mailer,
            current_edition: Arc::default(),
            listings: Arc::new(TtlCache::new("listing", DISPLAY_TTL)),
            nominee_pages: Arc::new(TtlCache::new("nominee", DISPLAY_TTL)),
            vote_writer: Arc::default(),
            limiter: Arc::default(),
            mail_wake: Arc::default(),
            background: Arc::default(),
            clock: Arc::default(),
            participation: Arc::default(),
            commitment_trees: Arc::default(),
            bulletins: Arc::default(),
        }
    }

    /// Now, by the platform's clock: every decision about phases, deadlines, throttles and
    /// expiry reads the time here.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Forgets the display data kept on this node (the current edition, the category
    /// listings, the nominee pages) after a change made on it, so that its pages show the
    /// change at once (other nodes within `DISPLAY_TTL`).
    pub fn forget_display(&self) {
        self.current_edition.clear();
        self.listings.clear();
        self.nominee_pages.clear();
    }

    /// A nominee on the ballot with its edition, for display (the nominee page, its share
    /// kit), from the node's cache; ids that are not nominees are never kept.
    pub async fn nominee_page(&self, id: uuid::Uuid) -> Result<Arc<(crate::nomination::NomineeDetail, i32, crate::edition::EditionView)>, crate::AppError> {
        self.nominee_pages
            .get_or_load(id, || async {
                let (nominee, e) = catalog::nominee_page(&self.db, id).await?;
                Ok(Arc::new((nominee, e.id, e.view())))
            })
            .await
    }

    /// Tells the mail worker that messages were queued (call after the commit).
    pub fn wake_mail(&self) {
        self.mail_wake.notify_one();
    }
}

/// The platform's one clock: the real time, moved by an offset that only tests and the
/// demo set (`set`), so that a test brings an edition to a phase by moving the clock, never
/// by rewriting its schedule.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Moves the clock so that it reads `at` now (and runs on from there).
    pub fn set(&self, at: chrono::DateTime<chrono::Utc>) {
        let offset = (at - chrono::Utc::now()).num_milliseconds();
        self.offset_ms.store(offset, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Work a request starts and does not wait for: what depends on whether an e-mail address
/// has an account runs here, so that the answer (and its timing) is the same either way.
/// Shutdown and tests wait for it to finish ([`Background::idle`]).
#[derive(Debug, Default)]
pub struct Background {
    running: std::sync::atomic::AtomicUsize,
    done: tokio::sync::Notify,
}

impl Background {
    pub fn spawn<F>(self: &Arc<Self>, name: &'static str, work: F)
    where
        F: std::future::Future<Output = Result<(), crate::AppError>> + Send + 'static,
    {
        use std::sync::atomic::Ordering;
        self.running.fetch_add(1, Ordering::SeqCst);
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = work.await {
                tracing::warn!(task = name, "background work failed: {e}");
            }
            me.running.fetch_sub(1, Ordering::SeqCst);
            me.done.notify_waiters();
        });
    }

    /// Waits until no background work is running.
    pub async fn idle(&self) {
        use std::sync::atomic::Ordering;
        loop {
            let notified = self.done.notified();
            if self.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
        }
    }
}

/// Begins a transaction whose first statement holds the edition's row. SQLite then takes
/// its write lock at once (a transaction that read first would fail, not wait, when a vote
/// is written meanwhile) and PostgreSQL locks the row, so that changes of one edition
/// (invalidations, champions, corrections, submissions, release) run one after another and
/// each checks its guards against the state it changes.
pub async fn begin_on_edition(db: &DatabaseConnection, edition_id: i32) -> Result<sea_orm::DatabaseTransaction, crate::AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
    let txn = db.begin().await?;
    entity::edition::Entity::update_many()
        .col_expr(entity::edition::Column::Title, Expr::col(entity::edition::Column::Title))
        .filter(entity::edition::Column::Id.eq(edition_id))
        .exec(&txn)
        .await?;
    Ok(txn)
}

/// How long a node keeps display data (the current edition, the category listings).
pub const DISPLAY_TTL: Duration = Duration::from_secs(2);

/// A small per-node cache of display data, each entry read from the database at most
/// once per `ttl`. Only pages read through it: every decision (may this vote be cast, may
/// this field change) reads the database in its own transaction, so a node showing data a
/// second or two old cannot let anything through. Changes made on this node clear it.
/// Its hits and misses are counted in `/metrics` (`cache_total{cache, outcome}`).
#[derive(Debug)]
pub struct TtlCache<K, V> {
    name: &'static str,
    ttl: Duration,
    slots: std::sync::Mutex<std::collections::HashMap<K, (std::time::Instant, V)>>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(name: &'static str, ttl: Duration) -> Self {
        TtlCache { name, ttl, slots: Default::default() }
    }

    /// The cached value of `key`, or `load`'s (then kept).
    pub async fn get_or_load<F, Fut>(&self, key: K, load: F) -> Result<V, crate::AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, crate::AppError>>,
    {
        if let Some((at, v)) = self.slots.lock().expect("cache").get(&key) {
            if at.elapsed() < self.ttl {
                metrics::counter!("cache_total", "cache" => self.name, "outcome" => "hit").increment(1);
                return Ok(v.clone());
            }
        }
        metrics::counter!("cache_total", "cache" => self.name, "outcome" => "miss").increment(1);
        let v = load().await?;
        self.slots.lock().expect("cache").insert(key, (std::time::Instant::now(), v.clone()));
        Ok(v)
    }

    pub fn clear(&self) {
        self.slots.lock().expect("cache").clear();
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.slots.lock().expect("cache").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The current edition for the phase line of every page.
#[derive(Debug)]
pub struct CurrentEditionCache(TtlCache<(), Option<(i32, crate::edition::EditionView)>>);

impl Default for CurrentEditionCache {
    fn default() -> Self {
        CurrentEditionCache(TtlCache::new("current_edition", DISPLAY_TTL))
    }
}

impl CurrentEditionCache {
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Option<crate::edition::EditionView>, crate::AppError> {
        Ok(self.get_with_id(db).await?.map(|(_, e)| e))
    }

    /// The edition with its database id.
    pub async fn get_with_id(&self, db: &DatabaseConnection) -> Result<Option<(i32, crate::edition::EditionView)>, crate::AppError> {
        self.0
            .get_or_load((), || async { Ok(entity::edition::Model::current(db).await?.as_ref().map(|e| (e.id, e.view()))) })
            .await
    }

    /// Forgets the cached edition (after an admin changed one).
    pub fn clear(&self) {
        self.0.clear();
    }
}

/// The current edition as the middleware read it for this request (display only).
#[derive(Debug, Clone, Default)]
pub struct CurrentEdition(pub Option<crate::edition::EditionView>);

/// Each category's unfiltered listing of nominees, by (edition, category slug).
pub type ListingCache = TtlCache<(i32, String), Arc<catalog::Listing>>;

/// A nominee's public page data with its edition (id and view), by the nominee's id. Only
/// nominees on a ballot are kept (an unknown id is an error, never cached), so it holds at
/// most one entry per nominee.
pub type NomineeCache = TtlCache<uuid::Uuid, Arc<(crate::nomination::NomineeDetail, i32, crate::edition::EditionView)>>;

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_pool(url, None).await
}

/// A pool of one connection for the node's vote writer, so that its transactions never
/// wait behind the requests' reads for a connection of the shared pool. `None` for an
/// in-memory SQLite database, which a second pool would not see.
pub async fn connect_writer(url: &str) -> Option<DatabaseConnection> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    connect_pool(url, Some(1)).await.ok()
}

async fn connect_pool(url: &str, size: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite") {
        // One writer at a time in SQLite: WAL lets readers go on while a vote is written,
        // and the busy timeout queues writers instead of failing them. Each connection
        // keeps up to 8 MiB of pages (SQLite's default is 2 MiB), so that the vote
        // table's indexes stay in memory further into a season.
        opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true)
                .pragma("cache_size", "-8192")
        });
    } else {
        opts.max_connections(32).min_connections(2);
    }
    // `DATABASE_MAX_CONNECTIONS` bounds the shared pool (PostgreSQL's own limit is shared by
    // every node and tool: 100 by default)
    if let Some(n) = std::env::var("DATABASE_MAX_CONNECTIONS").ok().and_then(|v| v.parse::<u32>().ok()).filter(|n| *n > 0) {
        opts.max_connections(n).min_connections(n.min(2));
    }
    if let Some(n) = size {
        opts.max_connections(n).min_connections(n);
    }
    Database::connect(opts).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// Opens the database, applies every pending migration, and opens it again: connections
/// opened before a migration can keep the old shape of a table in their statement caches
/// (SQLite), so the pool the platform uses starts after the last migration.
pub async fn open_migrated(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    let pending = migration::Migrator::get_pending_migrations(&db).await?.len();
    if pending == 0 {
        return Ok(db);
    }
    migrate(&db).await?;
    db.close().await?;
    connect(url).await
}

/// How many migrations the database still lacks (0 when it is current).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(migration::Migrator::get_pending_migrations(db).await?.len())
}

/// Writes a consistent copy of an SQLite database to `out` while it is in use
/// (`VACUUM INTO`); PostgreSQL is backed up with `pg_dump`.
pub async fn backup(db: &DatabaseConnection, out: &std::path::Path) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Err("this database is PostgreSQL: back it up with pg_dump (see README.md)".into());
    }
    if out.exists() {
        return Err(format!("{} already exists; choose a new file", out.display()));
    }
    let path = out.to_str().ok_or("the backup path must be valid UTF-8")?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''"))).await.map_err(|e| format!("backup failed: {e}"))?;
    Ok(())
}

/// What the server's middleware learns about each request, read by server functions.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// The signed-in account, if the session cookie names a live session.
    pub account: Option<entity::account::Model>,
    /// Its roles.
    pub roles: Vec<crate::account::Role>,
    pub session_token: Option<String>,
    /// The client's network address (never stored raw).
    pub client_addr: String,
    pub user_agent: String,
    /// The language of the answer (`ar`, `en`, …): `?lang=`, then the language cookie,
    /// then `Accept-Language`.
    pub lang: &'static str,
    /// The message a form post left for this page, if any (see [`crate::flash`]).
    pub flash: Option<crate::flash::Flash>,
    /// The visitor's random id (the [`VISITOR_COOKIE`]), which seeds a visitor's own
    /// ballot order before they sign in; never stored, never linked to an account. A page
    /// request without one gets a new one; other requests without one have none (empty).
    pub visitor: String,
}

impl RequestContext {
    /// Who asks, as the embargo sees them.
    pub fn viewer(&self) -> crate::results::Viewer {
        match &self.account {
            Some(a) => crate::results::Viewer::of(&self.roles, a.confirmed_at.is_some()),
            None => crate::results::Viewer::Public,
        }
    }

    pub fn has(&self, role: crate::account::Role) -> bool {
        self.account.is_some() && self.roles.contains(&role)
    }

    /// The voter whose ballot order this request sees: the signed-in account, else the
    /// visitor.
    pub fn ballot_voter(&self) -> String {
        match &self.account {
            Some(a) => a.uuid.to_string(),
            None => self.visitor.clone(),
        }
    }
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "wsis_session";

/// Name of the cookie with a visitor's random id (32 hexadecimal digits; see
/// [`RequestContext::visitor`]).
pub const VISITOR_COOKIE: &str = "wsis_visitor";
