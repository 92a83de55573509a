//! Persistence and the server-side services built on it (server build only).

pub mod audit;
pub mod auth;
pub mod catalog;
pub mod champions;
pub mod config;
pub mod editions;
pub mod entity;
pub mod mail;
pub mod migration;
pub mod nominations;
pub mod results;
pub mod review;
pub mod seed;
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
}

impl Services {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        let mailer = mail::Mailer::from_config(&config);
        Services { db, config: Arc::new(config), mailer }
    }
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite") {
        // One writer at a time in SQLite: WAL lets readers go on while a vote is written,
        // and the busy timeout queues writers instead of failing them.
        opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        opts.max_connections(32).min_connections(2);
    }
    Database::connect(opts).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
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
    pub session_token: Option<String>,
    /// The client's network address (never stored raw).
    pub client_addr: String,
    pub user_agent: String,
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "wsis_session";
