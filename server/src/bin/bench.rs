//! `bench`: measures the platform under a voting burst, against limits measured on the same
//! machine in the same run, and checks the count. It starts the real server (the
//! `wsis-server` binary next to this one) on a fresh database with the demo edition (voting
//! open), makes confirmed voters in the database, signs them in through `/api/sign_in`, and
//! drives `/api/cast_vote` with concurrent clients, each voter voting in every category.
//! Beside it, in the same run: the database limit (the same vote rows stored with batched
//! `insert_many`, no reads), the service path (the vote service without HTTP), a trivial
//! endpoint, the category and nominee pages against a bare page, the bytes of a first
//! visit, and the tally read at a season's volume.
//!
//! `bench [--voters N] [--concurrency C] [--tally-votes V] [--pages P] [--nodes K]`, or
//! `bench --season [--voters N] [--votes V] [--concurrency C]` for a whole season through
//! HTTP. `DATABASE_URL` (a PostgreSQL server URL) runs it on PostgreSQL in fresh databases,
//! else SQLite. It prints every figure beside its target with ✓ or ✗, and exits non-zero
//! when a check of the count fails, a request fails with a server error or a timeout, or the
//! server logs a panic.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement, TransactionTrait};
use uuid::Uuid;
use wsis::db::entity::{account, nomination, vote};
use wsis::db::{Config, Services};

const SECRET: &str = "bench-secret-bench-secret-bench-secret";
const PASSWORD: &str = "bench-password-123";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ---------------------------------------------------------------- the report

/// The figures of a run beside their targets, and the failures that make it exit non-zero.
#[derive(Default)]
struct Report {
    rows: Vec<(String, String, String, Option<bool>)>,
    failures: Vec<String>,
}

impl Report {
    /// A figure with its target; `met` is `None` for a figure that is only recorded.
    fn figure(&mut self, name: &str, measured: String, target: &str, met: Option<bool>) {
        println!("  {} {name}: {measured}{}", mark(met), if target.is_empty() { String::new() } else { format!(" (target {target})") });
        self.rows.push((name.into(), measured, target.into(), met));
    }

    /// An integrity check: printed, and a failure of the run when it does not hold.
    fn check(&mut self, what: &str, holds: bool, detail: String) {
        println!("  {} check: {what} — {detail}", if holds { "✓" } else { "✗" });
        if !holds {
            self.failures.push(format!("{what}: {detail}"));
        }
    }

    /// Prints the table and ends the process: 1 when any check failed.
    fn finish(self, title: &str) -> ! {
        println!("\n{title}\n| figure | measured | target | |\n|---|---|---|---|");
        for (name, measured, target, met) in &self.rows {
            println!("| {name} | {measured} | {} | {} |", if target.is_empty() { "recorded" } else { target }, mark(*met));
        }
        let missed = self.rows.iter().filter(|r| r.3 == Some(false)).count();
        println!("\n{} of {} targets met", self.rows.iter().filter(|r| r.3 == Some(true)).count(), self.rows.iter().filter(|r| r.3.is_some()).count());
        if missed > 0 {
            println!("targets missed: {missed} (recorded, not a failure of the run)");
        }
        if self.failures.is_empty() {
            println!("every check of the run held");
            std::process::exit(0);
        }
        println!("\nTHE RUN FAILED:");
        for f in &self.failures {
            println!("  - {f}");
        }
        std::process::exit(1);
    }
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "·",
    }
}

// ---------------------------------------------------------------- databases and servers

struct Db {
    url: String,
    backend: &'static str,
}

/// A fresh database: a new PostgreSQL database on the server of `DATABASE_URL`, or a new
/// SQLite file.
async fn fresh_db(dir: &Path, name: &str) -> Db {
    match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(admin) => {
            let db = format!("wsis_bench_{name}_{}", Uuid::new_v4().simple());
            let conn = sea_orm::Database::connect(&admin).await.expect("DATABASE_URL reachable");
            conn.execute_unprepared(&format!("CREATE DATABASE {db}")).await.expect("create database");
            let (base, _) = admin.rsplit_once('/').expect("URL ends with /dbname");
            Db { url: format!("{base}/{db}"), backend: "PostgreSQL" }
        }
        None => Db { url: format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display()), backend: "SQLite" },
    }
}

/// Drops the fresh PostgreSQL databases made by [`fresh_db`] (SQLite files go with
/// their folder).
async fn drop_fresh_dbs(dbs: &[&Db]) {
    let Some(admin) = std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) else { return };
    let Ok(a) = sea_orm::Database::connect(&admin).await else { return };
    for d in dbs {
        if let Some((_, name)) = d.url.rsplit_once('/') {
            let _ = a.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// A running server: its process, address and log (stderr, scanned for panics).
struct Node {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Node {
    fn peak_rss_mb(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }

    /// The panics the server logged so far.
    fn panics(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("panicked at"))
            .map(|(i, l)| format!("{l} {}", lines.get(i + 1).unwrap_or(&"")))
            .collect()
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on `db` at a free port and waits until it is ready.
async fn launch(bin: &Path, db: &Db, data: &Path, name: &str) -> Node {
    std::fs::create_dir_all(data).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = data.join(format!("{name}.log"));
    let child = Command::new(bin)
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", data)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("APP_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", std::env::var("RUST_BACKTRACE").unwrap_or_else(|_| "0".into()))
        // the demo edition (voting open) is what the benchmark votes in
        .env("DEMO_DATA", "1")
        // every simulated voter comes from an address of its own, as the public does
        .env("TRUST_FORWARDED_FOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start wsis-server");
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    for _ in 0..1200 {
        if probe.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            return Node { child, base, log };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready; its log: {}", std::fs::read_to_string(&log).unwrap_or_default());
}

fn client(conc: usize, timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().pool_max_idle_per_host(conc).timeout(timeout).build().unwrap()
}

// ---------------------------------------------------------------- load

/// What happened to the requests of one phase. Every request's latency counts, a failed or
/// timed-out one at its elapsed time.
struct Outcome {
    latencies: Vec<Duration>,
    /// Completion times since the start, in completion order.
    completed_at: Vec<Duration>,
    ok: usize,
    refused: usize,
    server_errors: usize,
    timeouts: usize,
    transport_errors: usize,
    wall: Duration,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.wall.as_secs_f64()
    }
    fn p(&self, q: f64) -> f64 {
        percentile(&self.latencies, q)
    }
    fn summary(&self) -> String {
        format!(
            "{} ok, {} refused, {} server errors, {} timeouts, {} transport errors; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            self.ok,
            self.refused,
            self.server_errors,
            self.timeouts,
            self.transport_errors,
            self.p(0.5),
            self.p(0.95),
            self.p(0.99)
        )
    }
    /// Server errors and timeouts are failures of the run.
    fn check(&self, what: &str, report: &mut Report) {
        report.check(
            &format!("{what}: no server error, no timeout, no broken connection"),
            self.server_errors + self.timeouts + self.transport_errors == 0,
            format!("{} server errors, {} timeouts, {} transport errors", self.server_errors, self.timeouts, self.transport_errors),
        );
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Runs `n` requests made by `make(i)` with `c` in flight.
async fn drive<F, Fut>(n: usize, c: usize, make: F) -> Outcome
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<reqwest::StatusCode, reqwest::Error>>,
{
    let start = Instant::now();
    let results: Vec<(Duration, Duration, Result<reqwest::StatusCode, bool>)> = futures::stream::iter(0..n)
        .map(|i| {
            let f = make(i);
            async move {
                let t = Instant::now();
                let r = f.await.map_err(|e| e.is_timeout());
                (t.elapsed(), start.elapsed(), r)
            }
        })
        .buffer_unordered(c)
        .collect()
        .await;
    let wall = start.elapsed();
    let mut o = Outcome { latencies: Vec::with_capacity(n), completed_at: Vec::with_capacity(n), ok: 0, refused: 0, server_errors: 0, timeouts: 0, transport_errors: 0, wall };
    for (lat, at, r) in results {
        o.latencies.push(lat);
        o.completed_at.push(at);
        match r {
            Ok(s) if s.is_success() => o.ok += 1,
            Ok(s) if s.is_server_error() => o.server_errors += 1,
            Ok(_) => o.refused += 1,
            Err(true) => o.timeouts += 1,
            Err(false) => o.transport_errors += 1,
        }
    }
    o.latencies.sort();
    o
}

/// Runs `n` calls of a service (no HTTP) with `c` in flight; returns (successes, wall time).
async fn drive_calls<F, Fut>(n: usize, c: usize, make: F) -> (usize, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let ok = futures::stream::iter(0..n).map(make).buffer_unordered(c).filter(|ok| std::future::ready(*ok)).count().await;
    (ok, start.elapsed())
}

/// The address simulated client `i` comes from (one proxy hop is trusted): a network
/// (/24) of its own, so that no per-address or per-network friction applies to voters
/// who each vote once per category.
fn address(i: usize) -> String {
    format!("{}.{}.{}.1", 10 + (i >> 16), (i >> 8) & 255, i & 255)
}

async fn cast(http: &reqwest::Client, base: &str, cookie: &str, from: String, nominee: Uuid) -> Result<reqwest::StatusCode, reqwest::Error> {
    http.post(format!("{base}/api/cast_vote"))
        .header("cookie", cookie)
        .header("x-forwarded-for", from)
        .header("accept", "application/json")
        .form(&[("nominee", nominee.to_string().as_str())])
        .send()
        .await
        .map(|r| r.status())
}

// ---------------------------------------------------------------- data

/// Confirmed voters inserted directly (one password hash for all).
async fn create_voters(db: &DatabaseConnection, n: usize, prefix: &str) -> Vec<account::Model> {
    let hash = wsis::db::auth::hash_password(PASSWORD.into()).await.expect("hash");
    let now = chrono::Utc::now();
    let rows: Vec<account::ActiveModel> = (0..n)
        .map(|i| account::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            email: Set(format!("{prefix}{i}@bench.example")),
            password_hash: Set(hash.clone()),
            display_name: Set(format!("Bench voter {i}")),
            organisation: Set(String::new()),
            country: Set(String::new()),
            confirmed_at: Set(Some(now)),
            created_at: Set(now - chrono::Duration::days(30)),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        account::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.expect("insert voters");
    }
    use sea_orm::{ColumnTrait, QueryFilter};
    account::Entity::find().filter(account::Column::Email.starts_with(prefix)).all(db).await.expect("voters")
}

/// Many accounts at once (no password: they never sign in); returns their ids.
async fn create_voters_fast(db: &DatabaseConnection, n: usize) -> Vec<i32> {
    let now = chrono::Utc::now();
    let prefix = format!("t{}-", Uuid::new_v4().simple());
    let rows: Vec<account::ActiveModel> = (0..n)
        .map(|i| account::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            email: Set(format!("{prefix}{i}@bench.example")),
            password_hash: Set(String::new()),
            display_name: Set(String::new()),
            organisation: Set(String::new()),
            country: Set(String::new()),
            confirmed_at: Set(Some(now)),
            created_at: Set(now - chrono::Duration::days(30)),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(2000) {
        account::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.unwrap();
    }
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    account::Entity::find().select_only().column(account::Column::Id).filter(account::Column::Email.starts_with(&prefix)).into_tuple().all(db).await.unwrap()
}

/// Sessions made in the database for `ids`; returns their cookies.
async fn create_sessions(conn: &DatabaseConnection, ids: &[i32]) -> Vec<String> {
    let now = chrono::Utc::now();
    let mut cookies = Vec::with_capacity(ids.len());
    let mut rows = Vec::with_capacity(2000);
    for id in ids {
        let token = wsis::db::auth::random_token();
        rows.push(wsis::db::entity::session::ActiveModel {
            token_hash: Set(wsis::db::auth::token_hash(&token)),
            account_id: Set(*id),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::days(1)),
            ..Default::default()
        });
        cookies.push(format!("{}={token}", wsis::db::SESSION_COOKIE));
        if rows.len() == 2000 {
            wsis::db::entity::session::Entity::insert_many(std::mem::take(&mut rows)).exec_without_returning(conn).await.unwrap();
        }
    }
    if !rows.is_empty() {
        wsis::db::entity::session::Entity::insert_many(rows).exec_without_returning(conn).await.unwrap();
    }
    cookies
}

/// One nominee per category of the current edition (the first by id).
async fn ballot(db: &DatabaseConnection) -> Vec<nomination::Model> {
    let mut noms = nomination::Entity::find().all(db).await.expect("nominees");
    noms.sort_by_key(|n| n.id);
    let e = wsis::db::entity::edition::Model::current(db).await.unwrap().unwrap();
    (1..=18).filter_map(|c| noms.iter().find(|n| n.category_id == c && n.edition_id == e.id && n.status.on_ballot()).cloned()).collect()
}

/// The database's size on disk: the SQLite file with its write-ahead log, or PostgreSQL's
/// `pg_database_size`.
async fn database_bytes(conn: &DatabaseConnection, db: &Db) -> u64 {
    if db.backend == "SQLite" {
        let path = db.url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default().to_string();
        let _ = conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await;
        ["", "-wal"].iter().filter_map(|x| std::fs::metadata(format!("{path}{x}")).ok()).map(|m| m.len()).sum()
    } else {
        count_on(conn, "SELECT CAST(pg_database_size(current_database()) AS BIGINT)").await as u64
    }
}

async fn count_on(conn: &DatabaseConnection, sql: &str) -> i64 {
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql.to_string())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The checks of the count after votes went in: stored = accepted, every nominee's counter
/// = its valid votes, no account with two votes in a category, every receipt unique.
async fn check_count(conn: &DatabaseConnection, before: i64, accepted: usize, report: &mut Report) {
    let stored = count_on(conn, "SELECT COUNT(*) FROM vote").await - before;
    report.check("stored = accepted", stored as usize == accepted, format!("{stored} votes stored for {accepted} accepted answers"));
    let wrong = count_on(
        conn,
        "SELECT COUNT(*) FROM nomination n \
         LEFT JOIN tally t ON t.nomination_id = n.id \
         LEFT JOIN (SELECT nomination_id, COUNT(*) AS c FROM vote WHERE valid = TRUE GROUP BY nomination_id) v ON v.nomination_id = n.id \
         WHERE COALESCE(t.valid_votes, 0) <> COALESCE(v.c, 0)",
    )
    .await;
    let nominees = count_on(conn, "SELECT COUNT(*) FROM nomination").await;
    let sum = count_on(conn, "SELECT CAST(COALESCE(SUM(valid_votes), 0) AS BIGINT) FROM tally").await;
    report.check("counters = valid votes, nominee by nominee", wrong == 0, format!("{wrong} of {nominees} nominees differ; counters sum to {sum}"));
    let dups = count_on(conn, "SELECT COUNT(*) FROM (SELECT account_id FROM vote GROUP BY edition_id, category_id, account_id HAVING COUNT(*) > 1) d").await;
    report.check("one vote per account per category", dups == 0, format!("{dups} accounts with two votes in a category"));
    let receipts = count_on(conn, "SELECT COUNT(*) FROM (SELECT receipt FROM vote GROUP BY receipt HAVING COUNT(*) > 1) d").await;
    report.check("receipts unique", receipts == 0, format!("{receipts} receipts held by more than one vote"));
}

fn check_panics(nodes: &[&Node], report: &mut Report) {
    let panics: Vec<String> = nodes.iter().flat_map(|n| n.panics()).collect();
    report.check("the server logged no panic", panics.is_empty(), if panics.is_empty() { "none".into() } else { panics.join(" | ") });
}

// ---------------------------------------------------------------- pages

/// A page's rate at `conc` concurrent clients, with a cookie or anonymous.
async fn page_rate(http: &reqwest::Client, base: &str, path: &str, cookies: Option<&Arc<Vec<String>>>, n: usize, conc: usize, report: &mut Report) -> f64 {
    let o = drive(n, conc, |i| {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        let cookie = cookies.map(|c| c[i % c.len()].clone());
        async move {
            let mut r = http.get(url).header("accept", "text/html").header("x-forwarded-for", address(i));
            if let Some(c) = cookie {
                r = r.header("cookie", c);
            }
            r.send().await.map(|r| r.status())
        }
    })
    .await;
    o.check(&format!("page {path}{}", if cookies.is_some() { " signed in" } else { "" }), report);
    o.rate()
}

/// A counter of the server's `/metrics` (summed over its label sets matching `labels`).
async fn metric(http: &reqwest::Client, base: &str, name: &str, labels: &[&str]) -> f64 {
    let text = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']) && labels.iter().all(|x| l.contains(x)))
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .sum()
}

/// The bytes a first visit to `path` transfers (HTML, then every stylesheet, script and
/// WebAssembly file it names), as a browser asking for brotli or gzip receives them;
/// returns (compressed, uncompressed, the files).
/// The secretariat's longest pages and the nominee page in Chromium with the release
/// bundle, on an edition of about 1,000 submissions (the demo's nominees and submitted
/// projects added to reach it) and the run's voters: the time from the start of navigation
/// until the browser build has taken over (`end2end/bench/hydration.mjs`).
async fn hydration(http: &reqwest::Client, base: &str, conn: &DatabaseConnection, nominee_path: &str, report: &mut Report) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/bench/hydration.mjs");
    let playwright = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules/@playwright/test");
    if !script.exists() || !playwright.exists() || !Path::new(&std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())).exists() {
        report.figure("hydration of the longest pages", "not measured: Chromium or Playwright missing (scripts/bench.sh installs them)".into(), "< 2 s", None);
        return;
    }
    // about 1,000 submissions in the edition: the nominees plus submitted projects
    let e = wsis::db::entity::edition::Model::current(conn).await.unwrap().unwrap();
    let existing: Vec<nomination::Model> = nomination::Entity::find().all(conn).await.unwrap().into_iter().filter(|n| n.edition_id == e.id).collect();
    let template = existing[0].clone();
    let extra: Vec<nomination::ActiveModel> = (existing.len()..1000)
        .map(|i| {
            let mut n: nomination::ActiveModel = template.clone().into();
            n.id = sea_orm::ActiveValue::NotSet;
            n.uuid = Set(Uuid::new_v4());
            n.title = Set(format!("Submitted project {i}"));
            n.category_id = Set((i % 18) as i32 + 1);
            n.status = Set(wsis::nomination::NominationStatus::Submitted);
            n
        })
        .collect();
    let added = extra.len();
    for chunk in extra.chunks(200) {
        nomination::Entity::insert_many(chunk.to_vec()).exec(conn).await.unwrap();
    }
    let signed = http
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .header("x-forwarded-for", "10.250.0.1")
        .form(&[("email", "admin@wsis.example"), ("password", wsis::db::seed::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(wsis::db::SESSION_COOKIE))
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_string();
    let paths = ["/admin/screening", "/admin/accounts", "/admin/tally", "/admin/audit", nominee_path];
    println!("
hydration in Chromium ({} submissions in the edition, {added} of them added)", existing.len() + added);
    let out = Command::new("node").arg(&script).arg(base).arg(&cookie).args(paths).output();
    let text = out.as_ref().map(|o| String::from_utf8_lossy(&o.stdout).to_string()).unwrap_or_default();
    let mut measured = 0;
    for line in text.lines().filter_map(|l| l.strip_prefix("hydration ")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let [path, first, median, max] = f[..] {
            let max_ms: f64 = max.parse().unwrap_or(f64::MAX);
            report.figure(&format!("hydration of {path} (Chromium, release bundle)"), format!("{median} ms median of 5 (first load {first} ms, slowest {max} ms)"), "< 2 s", Some(max_ms < 2000.0));
            measured += 1;
        }
    }
    if measured != paths.len() {
        let err = out.map(|o| String::from_utf8_lossy(&o.stderr).to_string()).unwrap_or_else(|e| e.to_string());
        report.check("every page hydrated in Chromium", false, format!("{measured} of {}: {text}{err}", paths.len()));
    }
}

/// A new voter's way from a shared nominee link to a counted vote, signing in with an
/// e-mailed code: the nominee page (and its files), the e-mail page, the code request, the
/// code page, the code (refused once: a new address is asked for its name and country), the
/// code with the profile, the nominee page again and the vote, each proof of work solved
/// here as the browser solves it. A page's first challenge comes inside the page in a
/// browser; here each is asked for by a call of its own, so the count is an upper bound.
/// Returns (requests, the time spent waiting on the platform, of which the mail's delivery),
/// the voter's reading and typing not counted.
async fn shared_link_to_vote(base: &str, data: &Path, conn: &DatabaseConnection, nominee: Uuid) -> Result<(usize, usize, Duration, Duration), String> {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("x-forwarded-for", "10.251.0.7".parse().unwrap());
    let http = reqwest::Client::builder().cookie_store(true).default_headers(h).timeout(Duration::from_secs(30)).build().unwrap();
    let email = format!("new-voter-{}@example.org", Uuid::new_v4().simple());
    let nominee_path = format!("/nominees/{nominee}");
    let (mut requests, mut files) = (0usize, 0usize);
    let page = |path: String| {
        let http = http.clone();
        async move {
            let r = http.get(format!("{base}{path}")).header("accept", "text/html").send().await.map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(format!("{path}: {}", r.status()));
            }
            r.text().await.map_err(|e| e.to_string())
        }
    };
    let call = |name: &'static str, form: Vec<(String, String)>| {
        let http = http.clone();
        async move {
            let r = http.post(format!("{base}/api/{name}")).header("accept", "application/json").form(&form).send().await.map_err(|e| e.to_string())?;
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            Ok::<_, String>((status, body))
        }
    };
    let pow = |purpose: &'static str| {
        let call = call.clone();
        async move {
            let (_, ch) = call("pow_challenge", vec![("purpose".into(), purpose.into())]).await?;
            let challenge = ch["challenge"].as_str().ok_or("no challenge")?.to_string();
            let nonce = wsis::pow::solve(&challenge, ch["bits"].as_u64().unwrap_or(0) as u8).to_string();
            Ok::<_, String>(vec![("pow[challenge]".to_string(), challenge), ("pow[nonce]".to_string(), nonce)])
        }
    };
    let t = Instant::now();
    let html = page(format!("{nominee_path}?via=shared")).await?;
    requests += 1;
    let mut assets: Vec<String> = html.split('"').filter(|p| p.starts_with('/') && p.contains("/pkg/")).map(str::to_string).collect();
    assets.sort();
    assets.dedup();
    for a in &assets {
        http.get(format!("{base}{a}")).send().await.map_err(|e| e.to_string())?.bytes().await.map_err(|e| e.to_string())?;
        files += 1;
    }
    page(format!("/signin/email?next={nominee_path}")).await?;
    let mut form = pow("mail").await?;
    requests += 2;
    form.extend([("email".to_string(), email.clone()), ("next".to_string(), nominee_path.clone())]);
    let (status, body) = call("request_sign_in_code", form).await?;
    requests += 1;
    if status != 200 {
        return Err(format!("request_sign_in_code: {status} {body}"));
    }
    // the mail, as the voter's mailbox receives it
    let sent = Instant::now();
    let code = loop {
        let mails = wsis::db::mail::read_outbox(&data.join("outbox"), &email);
        if let Some(code) = mails.iter().rev().find_map(|m| m.lines().find(|l| l.starts_with("Subject:")).map(|s| s[s.len() - 6..].to_string())) {
            break code;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            return Err("no code mail within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let mail = sent.elapsed();
    page(format!("/signin/code?next={nominee_path}")).await?;
    let mut form = pow("sign_up").await?;
    requests += 2;
    form.push(("input[code]".into(), code.clone()));
    let (status, body) = call("sign_in_with_code", form).await?;
    requests += 1;
    if status != 400 {
        return Err(format!("a new address's code without a profile: {status} {body}"));
    }
    let mut form = pow("sign_up").await?;
    form.extend([
        ("input[code]".to_string(), code),
        ("input[display_name]".to_string(), "Amina A.".to_string()),
        ("input[country]".to_string(), "Senegal".to_string()),
        ("input[organisation]".to_string(), String::new()),
    ]);
    let (status, body) = call("sign_in_with_code", form).await?;
    requests += 2;
    if status != 200 {
        return Err(format!("sign_in_with_code: {status} {body}"));
    }
    let next = body["next"].as_str().unwrap_or_default().to_string();
    page(next).await?;
    let mut form = pow("vote").await?;
    form.push(("nominee".into(), nominee.to_string()));
    let (status, body) = call("cast_vote", form).await?;
    requests += 3;
    let took = t.elapsed();
    if status != 200 {
        return Err(format!("cast_vote: {status} {body}"));
    }
    let stored = count_on(conn, &format!("SELECT COUNT(*) FROM vote v JOIN account a ON a.id = v.account_id WHERE a.email = '{email}'")).await;
    if stored != 1 {
        return Err(format!("{stored} votes stored for the new voter"));
    }
    Ok((requests, files, took, mail))
}

async fn first_visit(base: &str, path: &str) -> (usize, usize, Vec<String>) {
    // no decompression in this client: the bodies are counted as they travel
    let http = reqwest::Client::new();
    let get = |url: String, encoding: &'static str| {
        let http = http.clone();
        async move {
            let r = http.get(url).header("accept-encoding", encoding).header("accept", "*/*").send().await.unwrap();
            r.bytes().await.unwrap().len()
        }
    };
    let html = http.get(format!("{base}{path}")).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
    let mut files = vec![path.to_string()];
    for piece in html.split('"') {
        if piece.starts_with('/') && piece.contains("/pkg/") && !files.iter().any(|f| f == piece) {
            files.push(piece.to_string());
        }
    }
    let (mut compressed, mut raw) = (0, 0);
    for f in &files {
        compressed += get(format!("{base}{f}"), "br, gzip").await;
        raw += get(format!("{base}{f}"), "identity").await;
    }
    (compressed, raw, files)
}

// ---------------------------------------------------------------- the database limit

/// The database's own rate for the vote rows: the same rows the vote service writes (same
/// schema, every index), stored with batched `insert_many` in transactions of the vote
/// writer's batch size, one writer, no reads.
async fn database_limit(conn: &DatabaseConnection, voters: &[i32], noms: &[nomination::Model]) -> (usize, Duration) {
    let edition = noms[0].edition_id;
    let rows: Vec<vote::ActiveModel> = voters
        .iter()
        .flat_map(|a| noms.iter().map(move |n| (*a, n)))
        .map(|(a, n)| {
            let id = Uuid::new_v4();
            vote::ActiveModel {
                uuid: Set(id),
                edition_id: Set(edition),
                category_id: Set(n.category_id),
                account_id: Set(a),
                nomination_id: Set(n.id),
                cast_at: Set(chrono::Utc::now()),
                origin_hash: Set(wsis::db::voting::origin_hash(SECRET.as_bytes(), &format!("10.0.{}.1", a & 255), "bench")),
                receipt: Set(wsis::db::voting::receipt_for(SECRET.as_bytes(), id)),
                valid: Set(true),
                invalidated_reason: Set(None),
                invalidated_category: Set(None),
                frozen_by: Set(None),
                ..Default::default()
            }
        })
        .collect();
    let t = Instant::now();
    for chunk in rows.chunks(wsis::db::voting::VoteWriter::BATCH) {
        let txn = conn.begin().await.unwrap();
        vote::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await.unwrap();
        txn.commit().await.unwrap();
    }
    (rows.len(), t.elapsed())
}

// ---------------------------------------------------------------- the season

/// `--season`: a whole season through HTTP — 2,000,000 votes (`--votes`) of 120,000
/// voters (`--voters`), each voting in one category after the other — with sessions made
/// in the database (the sign-in endpoint is measured by the main run).
async fn season(voters_n: usize, votes: usize, conc: usize) {
    let mut report = Report::default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("wsis-season-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin: PathBuf = std::env::current_exe().unwrap().with_file_name("wsis-server");
    let db = fresh_db(&dir, "season").await;
    let title = format!("WSIS Prizes season replay — {} — {} cores — {}", db.backend, cores, chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!("{title}");
    let node = launch(&bin, &db, &dir.join("data"), "server").await;
    let http = client(conc, Duration::from_secs(60));
    let conn = wsis::db::connect(&db.url).await.unwrap();
    let t = Instant::now();
    let ids = create_voters_fast(&conn, voters_n).await;
    let tokens = Arc::new(create_sessions(&conn, &ids).await);
    println!("{} voters with sessions made in the database in {:.0} s", tokens.len(), t.elapsed().as_secs_f64());
    let noms: Arc<Vec<Uuid>> = Arc::new(ballot(&conn).await.iter().map(|n| n.uuid).collect());
    let before = count_on(&conn, "SELECT COUNT(*) FROM vote").await;
    // vote i is voter i mod N in category i div N: every voter votes in the first categories
    let n = votes.min(tokens.len() * noms.len());
    println!("replaying {n} votes of {} voters through /api/cast_vote with {conc} concurrent clients", tokens.len());
    let o = drive(n, conc, |i| {
        let (http, base, tokens, noms) = (http.clone(), node.base.clone(), tokens.clone(), noms.clone());
        async move { cast(&http, &base, &tokens[i % tokens.len()], address(i % tokens.len()), noms[i / tokens.len()]).await }
    })
    .await;
    println!("season: {}", o.summary());
    o.check("season votes", &mut report);
    let minutes = o.wall.as_secs_f64() / 60.0;
    let target = if db.backend == "SQLite" { 5.0 } else { 8.0 };
    report.figure(&format!("season: {n} votes of {} voters through HTTP", tokens.len()), format!("{minutes:.1} min ({:.0} votes/s)", o.rate()), &format!("< {target:.0} min"), Some(minutes < target && o.ok == n));
    let tenth = o.completed_at.len() / 10;
    if tenth > 0 {
        let first = tenth as f64 / o.completed_at[tenth - 1].as_secs_f64();
        let k = o.completed_at.len() - tenth;
        let last = tenth as f64 / (o.completed_at[o.completed_at.len() - 1] - o.completed_at[k - 1]).as_secs_f64();
        report.figure("season: rate of the last tenth / first tenth", format!("{:.0}% ({last:.0} / {first:.0} votes/s)", last / first * 100.0), "≥ 80%", Some(last >= 0.8 * first));
    }
    report.figure("season: latency p99 (every request)", format!("{:.1} ms (p50 {:.1}, p95 {:.1})", o.p(0.99), o.p(0.5), o.p(0.95)), "", None);
    let mem = node.peak_rss_mb();
    report.figure("season: server peak memory (VmHWM)", format!("{mem:.0} MB"), "< 150 MB", Some(mem < 150.0));
    check_count(&conn, before, o.ok, &mut report).await;
    check_panics(&[&node], &mut report);
    let bytes = database_bytes(&conn, &db).await;
    let stored = count_on(&conn, "SELECT COUNT(*) FROM vote").await.max(1);
    report.figure("season: database size at the end", format!("{:.0} MB for {stored} votes = {:.0} bytes per vote, all tables and indexes", bytes as f64 / 1e6, bytes as f64 / stored as f64), "", None);
    let failed = !report.failures.is_empty();
    node.stop();
    drop(conn);
    if !failed {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("the server's log is kept in {}", dir.display());
    }
    drop_fresh_dbs(&[&db]).await;
    report.finish(&title);
}

// ---------------------------------------------------------------- the main run

#[tokio::main]
async fn main() {
    let conc = arg("--concurrency", 200);
    if std::env::args().any(|a| a == "--season") {
        season(arg("--voters", 120_000), arg("--votes", 2_000_000), conc).await;
    }
    let mut report = Report::default();
    let voters_n = arg("--voters", 2000);
    let tally_votes = arg("--tally-votes", 2_000_000);
    let pages = arg("--pages", 2000);
    let nodes_n = arg("--nodes", 1).max(1);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("wsis-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin: PathBuf = std::env::current_exe().unwrap().with_file_name("wsis-server");

    // ---- the server(s) on a fresh database with the demo edition (voting open)
    let db = fresh_db(&dir, "http").await;
    let title = format!("WSIS Prizes benchmark — {} — {} cores — {} node(s) — {}", db.backend, cores, nodes_n, chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!("{title}");
    println!("voters {voters_n} × 18 categories = {} votes, {conc} concurrent clients", voters_n * 18);
    let mut nodes = vec![launch(&bin, &db, &dir.join("http-data"), "server").await];
    for k in 1..nodes_n {
        nodes.push(launch(&bin, &db, &dir.join("http-data"), &format!("server-{k}")).await);
    }
    let bases: Arc<Vec<String>> = Arc::new(nodes.iter().map(|n| n.base.clone()).collect());
    let base = bases[0].clone();
    let http = client(conc, Duration::from_secs(60));
    let conn = wsis::db::connect(&db.url).await.unwrap();
    let voters = create_voters(&conn, voters_n, "v").await;
    let ballot_rows = ballot(&conn).await;
    let noms: Arc<Vec<Uuid>> = Arc::new(ballot_rows.iter().map(|n| n.uuid).collect());

    // ---- sign in through the real endpoint
    println!("\nsign-in through /api/sign_in");
    let t = Instant::now();
    let tokens: Vec<Option<String>> = futures::stream::iter(voters.iter().map(|v| v.email.clone()).enumerate())
        .map(|(i, email)| {
            let (http, base) = (http.clone(), bases[i % bases.len()].clone());
            async move {
                let r = http.post(format!("{base}/api/sign_in")).header("accept", "application/json").header("x-forwarded-for", address(i)).form(&[("email", email.as_str()), ("password", PASSWORD)]).send().await.ok()?;
                let cookie = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with(wsis::db::SESSION_COOKIE))?.to_string();
                Some(cookie.split(';').next()?.to_string())
            }
        })
        .buffer_unordered(conc.min(32))
        .collect()
        .await;
    let tokens: Arc<Vec<String>> = Arc::new(tokens.into_iter().flatten().collect());
    report.check("every voter signed in", tokens.len() == voters_n, format!("{} of {voters_n}", tokens.len()));
    report.figure("sign-in (argon2id verification)", format!("{:.0}/s", tokens.len() as f64 / t.elapsed().as_secs_f64()), "", None);

    // ---- the burst: every voter votes in every category
    println!("\nthe burst: /api/cast_vote");
    let metric_before = metric(&http, &base, "votes_total", &["outcome=\"accepted\""]).await;
    let before = count_on(&conn, "SELECT COUNT(*) FROM vote").await;
    let n = tokens.len() * noms.len();
    let per_node: Arc<Vec<std::sync::atomic::AtomicUsize>> = Arc::new(bases.iter().map(|_| Default::default()).collect());
    let burst = drive(n, conc, |i| {
        let (http, bases, tokens, noms, per_node) = (http.clone(), bases.clone(), tokens.clone(), noms.clone(), per_node.clone());
        async move {
            let k = i % bases.len();
            let r = cast(&http, &bases[k], &tokens[i % tokens.len()], address(i % tokens.len()), noms[i / tokens.len()]).await;
            if r.as_ref().is_ok_and(|s| s.is_success()) {
                per_node[k].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            r
        }
    })
    .await;
    println!("  {}", burst.summary());
    burst.check("the burst", &mut report);
    let vote_rate = burst.rate();
    if nodes_n > 1 {
        for (k, c) in per_node.iter().enumerate() {
            let c = c.load(std::sync::atomic::Ordering::Relaxed);
            report.figure(&format!("node {} of {nodes_n}", k + 1), format!("{c} votes = {:.0} votes/s", c as f64 / burst.wall.as_secs_f64()), "", None);
        }
    } else {
        let metric_after = metric(&http, &base, "votes_total", &["outcome=\"accepted\""]).await;
        report.check("the server's own counter (/metrics) = accepted answers", (metric_after - metric_before) as usize == burst.ok, format!("{metric_before} before, {metric_after} after, {} accepted", burst.ok));
    }
    check_count(&conn, before, burst.ok, &mut report).await;
    report.check("every vote of the burst accepted", burst.ok == n, format!("{} of {n}", burst.ok));

    // ---- a trivial endpoint of the same server, same concurrency
    println!("\nthe trivial endpoint /healthz");
    let trivial = drive(n.min(50_000), conc, |i| {
        let (http, base) = (http.clone(), base.clone());
        async move { http.get(format!("{base}/healthz")).header("x-forwarded-for", address(i)).send().await.map(|r| r.status()) }
    })
    .await;
    trivial.check("/healthz", &mut report);
    let trivial_rate = trivial.rate();

    // ---- pages: the category and nominee pages against a bare page, anonymous and signed in
    println!("\npages (server-side rendering), {} concurrent clients", conc.min(50));
    let pc = conc.min(50);
    let nominee_path = format!("/nominees/{}", noms[0]);
    let hits = |h: &reqwest::Client, b: &str, cache: &str| {
        let (h, b, cache) = (h.clone(), b.to_string(), format!("cache=\"{cache}\""));
        async move {
            (metric(&h, &b, "cache_total", &[&cache, "outcome=\"hit\""]).await, metric(&h, &b, "cache_total", &[&cache, "outcome=\"miss\""]).await)
        }
    };
    let mut page_rows = Vec::new();
    for (who, cookies) in [("anonymous", None), ("signed in", Some(&tokens))] {
        let bare = page_rate(&http, &base, "/signin", cookies, pages, pc, &mut report).await;
        for (name, path, cache) in [("category page", "/categories/c1".to_string(), "listing"), ("nominee page", nominee_path.clone(), "nominee")] {
            let (h0, m0) = hits(&http, &base, cache).await;
            let rate = page_rate(&http, &base, &path, cookies, pages, pc, &mut report).await;
            let (h1, m1) = hits(&http, &base, cache).await;
            page_rows.push((format!("{name}, {who}"), rate, bare, cache, h1 - h0, m1 - m0));
        }
    }
    for (name, rate, bare, cache, h, m) in page_rows {
        report.figure(
            &format!("{name}: SSR rate / bare page (/signin)"),
            format!("{:.0}% ({rate:.0} / {bare:.0} pages/s; {cache} cache: {h:.0} hits, {m:.0} misses)", rate / bare * 100.0),
            "≥ 30%",
            Some(rate >= 0.3 * bare),
        );
    }
    let (compressed, raw, files) = first_visit(&base, &nominee_path).await;
    report.figure(
        "first visit to a nominee page: bytes transferred",
        format!("{:.0} KB compressed ({:.0} KB uncompressed; {} files)", compressed as f64 / 1024.0, raw as f64 / 1024.0, files.len()),
        "< 400 KB",
        Some(compressed < 400 * 1024),
    );
    match shared_link_to_vote(&base, &dir.join("http-data"), &conn, noms[1]).await {
        Ok((requests, files, took, mail)) => report.figure(
            "a new voter from a shared nominee link to a counted vote (e-mailed code)",
            format!("{requests} requests and {files} files, {:.0} ms waiting on the platform (the mail's delivery {:.0} ms)", took.as_secs_f64() * 1000.0, mail.as_secs_f64() * 1000.0),
            "",
            None,
        ),
        Err(e) => report.check("a new voter votes from a shared link with an e-mailed code", false, e),
    }
    hydration(&http, &base, &conn, &nominee_path, &mut report).await;
    let mem = nodes.iter().map(|n| n.peak_rss_mb()).fold(0.0, f64::max);
    check_panics(&nodes.iter().collect::<Vec<_>>(), &mut report);
    let failed_so_far = !report.failures.is_empty();
    for node in nodes {
        node.stop();
    }

    // ---- the limits: the database's insert rate and the service path, on fresh databases
    println!("\nthe limits of this machine");
    let limit_db = fresh_db(&dir, "limit").await;
    let limit_conn = wsis::db::open_migrated(&limit_db.url).await.unwrap();
    wsis::db::seed::load_demo(&limit_conn, chrono::Utc::now()).await.unwrap();
    let limit_voters = create_voters_fast(&limit_conn, voters_n).await;
    let limit_noms = ballot(&limit_conn).await;
    let (stored, took) = database_limit(&limit_conn, &limit_voters, &limit_noms).await;
    let db_rate = stored as f64 / took.as_secs_f64();

    let raw_db = fresh_db(&dir, "raw").await;
    let config = Config::for_tests(dir.join("raw-data"), raw_db.url.clone(), "http://127.0.0.1".into());
    std::fs::create_dir_all(dir.join("raw-data")).unwrap();
    let raw_conn = wsis::db::open_migrated(&raw_db.url).await.unwrap();
    wsis::db::seed::load_demo(&raw_conn, chrono::Utc::now()).await.unwrap();
    let services = Services::new(raw_conn.clone(), config);
    let raw_voters = Arc::new(create_voters(&raw_conn, voters_n, "r").await);
    let raw_noms: Arc<Vec<Uuid>> = Arc::new(ballot(&raw_conn).await.iter().map(|n| n.uuid).collect());
    let rn = raw_voters.len() * raw_noms.len();
    let (raw_ok, raw_wall) = drive_calls(rn, conc, |i| {
        let (s, v, noms) = (services.clone(), raw_voters.clone(), raw_noms.clone());
        async move {
            // each voter at an address and a network of its own, as in a real season
            let k = i % v.len();
            let addr = address(k);
            let pow = wsis::pow::Solution::default();
            let from = wsis::db::voting::Ballot { origin: "bench", addr: &addr, pow: &pow, via: None };
            wsis::db::voting::cast_vote(&s, &v[k], noms[i / v.len()], from).await.is_ok()
        }
    })
    .await;
    let service_rate = raw_ok as f64 / raw_wall.as_secs_f64();
    report.check("service path: every vote accepted", raw_ok == rn, format!("{raw_ok} of {rn}"));

    report.figure("database limit: the vote rows by insert_many, batches of the writer's size, no reads", format!("{db_rate:.0} votes/s ({stored} rows in {:.1} s)", took.as_secs_f64()), "", None);
    report.figure("service path: the vote service without HTTP", format!("{service_rate:.0} votes/s = {:.0}% of the database limit", service_rate / db_rate * 100.0), "", None);
    report.figure("trivial endpoint (/healthz)", format!("{trivial_rate:.0} req/s, p99 {:.1} ms", trivial.p(0.99)), "", None);
    report.figure(
        &format!("HTTP cast_vote, {conc} concurrent voters{}", if nodes_n > 1 { format!(", {nodes_n} nodes") } else { String::new() }),
        format!("{vote_rate:.0} votes/s = {:.0}% of the database limit ({:.0}% of the service path, {:.1}% of /healthz)", vote_rate / db_rate * 100.0, vote_rate / service_rate * 100.0, vote_rate / trivial_rate * 100.0),
        "≥ 50% of the database limit",
        Some(vote_rate >= 0.5 * db_rate),
    );
    report.figure(&format!("cast_vote latency p99 at {conc} concurrent voters (every request)"), format!("{:.1} ms (p50 {:.1}, p95 {:.1})", burst.p(0.99), burst.p(0.5), burst.p(0.95)), "< 50 ms", Some(burst.p(0.99) < 50.0));
    report.figure("server peak memory (VmHWM), whole run", format!("{mem:.0} MB"), "< 150 MB", Some(mem < 150.0));

    // ---- the tally read at a season's volume
    if tally_votes > 0 {
        let e = wsis::db::entity::edition::Model::current(&raw_conn).await.unwrap().unwrap();
        let noms: Vec<nomination::Model> = nomination::Entity::find().all(&raw_conn).await.unwrap().into_iter().filter(|n| n.edition_id == e.id && n.status.on_ballot()).collect();
        let have = count_on(&raw_conn, "SELECT COUNT(*) FROM vote").await as usize;
        let need = tally_votes.saturating_sub(have);
        let t = Instant::now();
        let extra = create_voters_fast(&raw_conn, need.div_ceil(18)).await;
        let mut rows = Vec::with_capacity(2000);
        let mut made = 0usize;
        'outer: for (k, a) in extra.iter().enumerate() {
            for c in 1..=18i32 {
                if made >= need {
                    break 'outer;
                }
                let list: Vec<&nomination::Model> = noms.iter().filter(|n| n.category_id == c).collect();
                let n = list[(k * 7 + c as usize) % list.len()];
                let id = Uuid::new_v4();
                rows.push(vote::ActiveModel {
                    uuid: Set(id),
                    edition_id: Set(e.id),
                    category_id: Set(c),
                    account_id: Set(*a),
                    nomination_id: Set(n.id),
                    cast_at: Set(chrono::Utc::now()),
                    origin_hash: Set("bench".into()),
                    receipt: Set(id.simple().to_string()[..20].to_string()),
                    valid: Set(true),
                    invalidated_reason: Set(None),
                    invalidated_category: Set(None),
                    ..Default::default()
                });
                made += 1;
                if rows.len() == 2000 {
                    vote::Entity::insert_many(std::mem::take(&mut rows)).exec_without_returning(&raw_conn).await.unwrap();
                }
            }
        }
        if !rows.is_empty() {
            vote::Entity::insert_many(rows).exec_without_returning(&raw_conn).await.unwrap();
        }
        wsis::db::voting::rebuild_counters(&services, None, e.id).await.unwrap();
        let total = count_on(&raw_conn, "SELECT COUNT(*) FROM vote").await;
        println!("loaded {total} stored votes ({} nominees) in {:.0} s", noms.len(), t.elapsed().as_secs_f64());
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            let tally = wsis::db::voting::tally(&raw_conn, e.id).await.unwrap();
            times.push(t.elapsed());
            std::hint::black_box(tally);
        }
        times.sort();
        let median = percentile(&times, 0.5);
        report.figure(&format!("tally read at {total} votes"), format!("median {median:.2} ms, max {:.2} ms (50 reads)", percentile(&times, 1.0)), "< 2 ms", Some(median < 2.0));
    }
    drop(conn);
    drop(raw_conn);
    drop(limit_conn);
    if failed_so_far {
        println!("the servers' logs are kept in {}", dir.join("http-data").display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    drop_fresh_dbs(&[&db, &raw_db, &limit_db]).await;
    report.finish(&title);
}
