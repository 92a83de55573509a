//! `bench`: measures the platform under a voting burst, against the limits of the same
//! machine in the same run. It starts the real server (the `wsis-server` binary next to
//! this one) on a fresh database, creates confirmed voters in the database, signs them in
//! through `/api/sign_in`, and drives `/api/cast_vote` with concurrent clients, each voter
//! voting in every category. Then it measures the raw insert rate of the same votes through
//! the same database layer without HTTP, a trivial endpoint, the category page against a
//! bare page, and the tally read at a season's volume of stored votes.
//!
//! `bench [--voters N] [--concurrency C] [--tally-votes V] [--pages P]`, or
//! `bench --season [--voters N] [--votes V] [--concurrency C]` for a whole season through HTTP;
//! `DATABASE_URL` (a PostgreSQL server URL) runs it on PostgreSQL in fresh databases, else
//! SQLite.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement};
use uuid::Uuid;
use wsis::db::entity::{account, nomination, vote};
use wsis::db::{Config, Services};

const SECRET: &str = "bench-secret-bench-secret-bench-secret";
const PASSWORD: &str = "bench-password-123";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

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

/// One nominee per category (the first by id), as (category, nominee uuid).
async fn ballot(db: &DatabaseConnection) -> Vec<Uuid> {
    let mut noms = nomination::Entity::find().all(db).await.expect("nominees");
    noms.sort_by_key(|n| n.id);
    let e = wsis::db::entity::edition::Model::current(db).await.unwrap().unwrap();
    (1..=18).filter_map(|c| noms.iter().find(|n| n.category_id == c && n.edition_id == e.id).map(|n| n.uuid)).collect()
}

/// Runs `n` requests made by `make(i)` with `c` in flight; returns (latencies of the
/// successes, successes, wall time).
async fn drive<F, Fut>(n: usize, c: usize, make: F) -> (Vec<Duration>, usize, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let results: Vec<(Duration, bool)> = futures::stream::iter(0..n)
        .map(|i| {
            let f = make(i);
            async move {
                let t = Instant::now();
                let ok = f.await;
                (t.elapsed(), ok)
            }
        })
        .buffer_unordered(c)
        .collect()
        .await;
    let wall = start.elapsed();
    let mut lat: Vec<Duration> = results.iter().filter(|r| r.1).map(|r| r.0).collect();
    lat.sort();
    let ok = lat.len();
    (lat, ok, wall)
}

/// The address simulated client `i` comes from (one proxy hop is trusted): a network
/// (/24) of its own, so that no per-address or per-network friction applies to voters
/// who each vote once per category.
fn address(i: usize) -> String {
    format!("{}.{}.{}.1", 10 + (i >> 16), (i >> 8) & 255, i & 255)
}

fn start_server(bin: &Path, db: &Db, dir: &Path, port: u16) -> Child {
    Command::new(bin)
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("APP_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        // the demo edition (voting open) is what the benchmark votes in
        .env("DEMO_DATA", "1")
        // every simulated voter comes from an address of its own, as the public does
        .env("TRUST_FORWARDED_FOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start wsis-server")
}

/// Starts the server on `db` at a free port and waits until it is ready; returns it, its
/// address and a client for `conc` concurrent requests.
async fn launch(bin: &Path, db: &Db, data: &Path, conc: usize, timeout: Duration) -> (Child, String, reqwest::Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = start_server(bin, db, data, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().pool_max_idle_per_host(conc).timeout(timeout).build().unwrap();
    for _ in 0..600 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base, http)
}

/// `--season`: a whole season through HTTP — 2,000,000 votes (`--votes`) of 120,000
/// voters (`--voters`), each voting in one category after the other — with sessions made
/// in the database (the sign-in endpoint is measured by the main run), reporting the wall
/// time, the rate, the latencies and the server's memory.
async fn season(voters_n: usize, votes: usize, conc: usize) {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("wsis-season-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin: PathBuf = std::env::current_exe().unwrap().with_file_name("wsis-server");
    let db = fresh_db(&dir, "season").await;
    println!("WSIS Prizes season replay — {} — {} cores — {}", db.backend, cores, chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    let (mut server, base, http) = launch(&bin, &db, &dir.join("data"), conc, Duration::from_secs(120)).await;
    let conn = wsis::db::connect(&db.url).await.unwrap();
    let t = Instant::now();
    let ids = create_voters_fast(&conn, voters_n).await;
    let now = chrono::Utc::now();
    let mut tokens = Vec::with_capacity(ids.len());
    let mut rows = Vec::with_capacity(2000);
    for id in &ids {
        let token = wsis::db::auth::random_token();
        rows.push(wsis::db::entity::session::ActiveModel {
            token_hash: Set(wsis::db::auth::token_hash(&token)),
            account_id: Set(*id),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::days(1)),
            ..Default::default()
        });
        tokens.push(format!("{}={token}", wsis::db::SESSION_COOKIE));
        if rows.len() == 2000 {
            wsis::db::entity::session::Entity::insert_many(std::mem::take(&mut rows)).exec_without_returning(&conn).await.unwrap();
        }
    }
    if !rows.is_empty() {
        wsis::db::entity::session::Entity::insert_many(rows).exec_without_returning(&conn).await.unwrap();
    }
    println!("{} voters with sessions made in the database in {:.0} s", tokens.len(), t.elapsed().as_secs_f64());
    let tokens = Arc::new(tokens);
    let noms = Arc::new(ballot(&conn).await);
    // vote i is voter i mod N in category i div N: every voter votes in the first categories
    let n = votes.min(tokens.len() * noms.len());
    println!("replaying {n} votes of {} voters through /api/cast_vote with {conc} concurrent clients", tokens.len());
    let (lat, accepted, wall) = drive(n, conc, |i| {
        let (http, base, tokens, noms) = (http.clone(), base.clone(), tokens.clone(), noms.clone());
        async move {
            http.post(format!("{base}/api/cast_vote"))
                .header("cookie", &tokens[i % tokens.len()])
                .header("x-forwarded-for", address(i % tokens.len()))
                .header("accept", "application/json")
                .form(&[("nominee", noms[i / tokens.len()].to_string().as_str())])
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        }
    })
    .await;
    println!(
        "season: {accepted} of {n} votes accepted in {:.1} min = {:.0} votes/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; server peak memory (VmHWM) {:.0} MB",
        wall.as_secs_f64() / 60.0,
        accepted as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        peak_rss_mb(server.id())
    );
    let stored = count_on(&conn, "SELECT COUNT(*) FROM vote").await;
    let dups = count_on(&conn, "SELECT COUNT(*) FROM (SELECT account_id FROM vote GROUP BY edition_id, category_id, account_id HAVING COUNT(*) > 1) d").await;
    let counters = count_on(&conn, "SELECT CAST(COALESCE(SUM(valid_votes), 0) AS BIGINT) FROM tally").await;
    println!(
        "check: {stored} votes stored for {accepted} accepted responses ({}); counters sum to {counters}; accounts with two votes in a category: {dups}",
        if stored as usize == accepted { "equal" } else { "MISMATCH" }
    );
    let _ = server.kill();
    let _ = server.wait();
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
    drop_fresh_dbs(&[&db]).await;
}

#[tokio::main]
async fn main() {
    let conc = arg("--concurrency", 200);
    if std::env::args().any(|a| a == "--season") {
        season(arg("--voters", 120_000), arg("--votes", 2_000_000), conc).await;
        return;
    }
    let voters_n = arg("--voters", 2000);
    let tally_votes = arg("--tally-votes", 2_000_000);
    let pages = arg("--pages", 2000);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("wsis-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin: PathBuf = std::env::current_exe().unwrap().with_file_name("wsis-server");

    // ---- the server on a fresh database with the demo edition (voting open)
    let db = fresh_db(&dir, "http").await;
    println!("WSIS Prizes benchmark — {} — {} cores — {}", db.backend, cores, chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!("voters {voters_n} × 18 categories = {} votes, {conc} concurrent clients", voters_n * 18);
    let (mut server, base, http) = launch(&bin, &db, &dir.join("http-data"), conc, Duration::from_secs(60)).await;
    let conn = wsis::db::connect(&db.url).await.unwrap();
    let voters = create_voters(&conn, voters_n, "v").await;
    let noms = Arc::new(ballot(&conn).await);

    // ---- sign in through the real endpoint
    let t = Instant::now();
    let tokens: Vec<Option<String>> = futures::stream::iter(voters.iter().map(|v| v.email.clone()).enumerate())
        .map(|(i, email)| {
            let (http, base) = (http.clone(), base.clone());
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
    println!("sign-in: {} of {voters_n} through /api/sign_in in {:.1} s ({:.0}/s; argon2id verification)", tokens.len(), t.elapsed().as_secs_f64(), tokens.len() as f64 / t.elapsed().as_secs_f64());
    let rss_sign_in = peak_rss_mb(server.id());

    // ---- the burst: every voter votes in every category (the server's own counter too)
    let accepted_metric = |text: String| -> f64 {
        text.lines()
            .find(|l| l.starts_with("votes_total{outcome=\"accepted\"}"))
            .and_then(|l| l.split_whitespace().last()?.parse().ok())
            .unwrap_or(0.0)
    };
    let metric_before = accepted_metric(http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap_or_default());
    let n = tokens.len() * noms.len();
    let (lat, accepted, wall) = drive(n, conc, |i| {
        let (http, base, tokens, noms) = (http.clone(), base.clone(), tokens.clone(), noms.clone());
        async move {
            let cookie = &tokens[i % tokens.len()];
            let nominee = noms[i / tokens.len()].to_string();
            http.post(format!("{base}/api/cast_vote"))
                .header("cookie", cookie)
                .header("x-forwarded-for", address(i % tokens.len()))
                .header("accept", "application/json")
                .form(&[("nominee", nominee.as_str())])
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        }
    })
    .await;
    let vote_rate = accepted as f64 / wall.as_secs_f64();
    let rss_votes = peak_rss_mb(server.id());
    println!(
        "cast_vote over HTTP: {accepted} accepted of {n} in {:.1} s = {vote_rate:.0} votes/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        wall.as_secs_f64(),
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99)
    );

    let metric_after = accepted_metric(http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap_or_default());
    println!("/metrics votes_total{{outcome=\"accepted\"}}: {metric_before} before the burst, {metric_after} after");

    // ---- integrity
    let count = |sql: &str| {
        let conn = conn.clone();
        let sql = sql.to_string();
        async move {
            let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    let stored = count("SELECT COUNT(*) FROM vote").await;
    let dups = count("SELECT COUNT(*) FROM (SELECT account_id, category_id FROM vote GROUP BY edition_id, category_id, account_id HAVING COUNT(*) > 1) d").await;
    println!("check: {stored} votes stored for {accepted} accepted responses ({}); accounts with two votes in a category: {dups}", if stored as usize == accepted { "equal" } else { "MISMATCH" });

    // ---- a trivial endpoint of the same server, same concurrency
    let (tlat, tok, twall) = drive(n.min(50_000), conc, |i| {
        let (http, base) = (http.clone(), base.clone());
        async move { http.get(format!("{base}/healthz")).header("x-forwarded-for", address(i)).send().await.is_ok_and(|r| r.status() == 200) }
    })
    .await;
    let trivial_rate = tok as f64 / twall.as_secs_f64();
    println!("trivial endpoint (/healthz): {trivial_rate:.0} req/s; p99 {:.1} ms", percentile(&tlat, 0.99));

    // ---- category page SSR against a bare page
    let page_rate = |path: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let (_, ok, wall) = drive(pages, conc.min(50), |i| {
                let (http, base) = (http.clone(), base.clone());
                async move {
                    http.get(format!("{base}{path}")).header("accept", "text/html").header("x-forwarded-for", address(i)).send().await.is_ok_and(|r| r.status() == 200)
                }
            })
            .await;
            ok as f64 / wall.as_secs_f64()
        }
    };
    let bare = page_rate("/signin").await;
    let category = page_rate("/categories/c1").await;
    println!("SSR: category page {category:.0} pages/s, bare page (/signin) {bare:.0} pages/s = {:.0}%", category / bare * 100.0);
    println!(
        "server peak memory (VmHWM): {rss_sign_in:.0} MB after the sign-ins, {rss_votes:.0} MB after the votes, {:.0} MB after the pages",
        peak_rss_mb(server.id())
    );
    let _ = server.kill();
    let _ = server.wait();

    // ---- the raw insert limit: the same votes through the same database layer, no HTTP
    let raw_db = fresh_db(&dir, "raw").await;
    let config = Config::for_tests(dir.join("raw-data"), raw_db.url.clone(), "http://127.0.0.1".into());
    std::fs::create_dir_all(dir.join("raw-data")).unwrap();
    let raw_conn = wsis::db::open_migrated(&raw_db.url).await.unwrap();
    wsis::db::seed::load_demo(&raw_conn, chrono::Utc::now()).await.unwrap();
    let services = Services::new(raw_conn.clone(), config);
    let raw_voters = Arc::new(create_voters(&raw_conn, voters_n, "r").await);
    let raw_noms = Arc::new(ballot(&raw_conn).await);
    let rn = raw_voters.len() * raw_noms.len();
    let (_, raw_ok, raw_wall) = drive(rn, conc, |i| {
        let (s, v, noms) = (services.clone(), raw_voters.clone(), raw_noms.clone());
        async move {
            // each voter at an address and a network of its own, as in a real season
            let k = i % v.len();
            let addr = format!("10.{}.{}.1", (k >> 8) & 255, k & 255);
            let pow = wsis::pow::Solution::default();
            let from = wsis::db::voting::Ballot { origin: "bench", addr: &addr, pow: &pow };
            wsis::db::voting::cast_vote(&s, &v[k], noms[i / v.len()], from).await.is_ok()
        }
    })
    .await;
    let raw_rate = raw_ok as f64 / raw_wall.as_secs_f64();
    println!("raw insert (same rows, same layer, no HTTP): {raw_ok} in {:.1} s = {raw_rate:.0} votes/s", raw_wall.as_secs_f64());
    println!("ratio cast_vote/raw insert: {:.0}%   ratio cast_vote/trivial endpoint: {:.1}%", vote_rate / raw_rate * 100.0, vote_rate / trivial_rate * 100.0);

    // ---- the tally read at a season's volume
    if tally_votes > 0 {
        let e = wsis::db::entity::edition::Model::current(&raw_conn).await.unwrap().unwrap();
        let noms: Vec<nomination::Model> = nomination::Entity::find().all(&raw_conn).await.unwrap().into_iter().filter(|n| n.edition_id == e.id).collect();
        let have = count_on(&raw_conn, "SELECT COUNT(*) FROM vote").await as usize;
        let need = tally_votes.saturating_sub(have);
        let accounts_needed = need.div_ceil(18);
        let t = Instant::now();
        let extra = create_voters_fast(&raw_conn, accounts_needed).await;
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
        println!("tally read at {total} votes: median {:.2} ms, max {:.2} ms (50 reads)", percentile(&times, 0.5), percentile(&times, 1.0));
    }
    let _ = std::fs::remove_dir_all(&dir);
    drop(conn);
    drop(raw_conn);
    drop_fresh_dbs(&[&db, &raw_db]).await;
}

async fn count_on(conn: &DatabaseConnection, sql: &str) -> i64 {
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql.to_string())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
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
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(2000) {
        account::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.unwrap();
    }
    use sea_orm::{ColumnTrait, QuerySelect, QueryFilter};
    account::Entity::find().select_only().column(account::Column::Id).filter(account::Column::Email.starts_with(&prefix)).into_tuple().all(db).await.unwrap()
}
