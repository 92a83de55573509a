use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wsis::db::entity::vote;

use crate::helpers::{spawn_app, TestApp};

fn start(app: &TestApp, port: u16) -> Child {
    start_with_log(app, port, Stdio::null())
}

/// The real server binary on `port`, on the test's database, its error output to `stderr`.
fn start_with_log(app: &TestApp, port: u16, stderr: impl Into<Stdio>) -> Child {
    Command::new(env!("CARGO_BIN_EXE_wsis-server"))
        .env("DATABASE_URL", app.services.config.database_url.as_str())
        .env("DATA_DIR", app.outbox.parent().unwrap())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("APP_SECRET", "test-secret-test-secret-test-secret")
        .env("RUST_LOG", "error")
        // each voter at an address of its own, as a proxy in front would tell
        .env("TRUST_FORWARDED_FOR", "1")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

async fn wait_ready(port: u16) {
    for _ in 0..200 {
        if reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on {port} did not become ready");
}

/// After `delay_ms`, casts a vote with a session token; the answer's status, if any.
async fn vote_after(port: u16, token: &str, nominee: &str, delay_ms: u64) -> Option<u16> {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    let c = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    c.post(format!("http://127.0.0.1:{port}/api/cast_vote"))
        .header("cookie", format!("{}={token}", wsis::db::SESSION_COOKIE))
        .header("x-forwarded-for", crate::helpers::random_address())
        .header("accept", "application/json")
        .form(&[("nominee", nominee)])
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Kills the server with SIGKILL in the middle of a load of votes, restarts it, and checks
/// that every vote answered "accepted" is stored and that counters equal a recount.
async fn killed_mid_load(app: TestApp) {
    let noms = app.nominees_in(5).await;
    let mut sessions = Vec::new();
    for i in 0..300 {
        let v = app.voter(&format!("kill-{i}@example.org")).await;
        sessions.push((v.id, wsis::db::auth::create_session(&app.db, v.id, 3600, app.services.now()).await.unwrap()));
    }
    let port = free_port();
    let mut server = start(&app, port);
    wait_ready(port).await;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i32>();
    let mut tasks = Vec::new();
    for (k, (account, token)) in sessions.iter().cloned().enumerate() {
        let tx = tx.clone();
        let nominee = noms[k % noms.len()].uuid.to_string();
        tasks.push(tokio::spawn(async move {
            // spread the load over two seconds so that the kill lands in the middle of it
            if vote_after(port, &token, &nominee, (k as u64 % 100) * 20).await == Some(200) {
                let _ = tx.send(account);
            }
        }));
    }
    drop(tx);
    // kill as soon as the first vote is answered, however loaded the machine is
    let first = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.ok().flatten();
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }
    let mut accepted: HashSet<i32> = first.into_iter().collect();
    while let Some(a) = rx.recv().await {
        accepted.insert(a);
    }

    // the kill landed in the middle of the load: some votes were answered, not all
    assert!(!accepted.is_empty() && accepted.len() < sessions.len(), "[{}] {} of {} accepted", app.backend, accepted.len(), sessions.len());
    let mut server = start(&app, port);
    wait_ready(port).await;
    let stored: HashSet<i32> = vote::Entity::find()
        .filter(vote::Column::CategoryId.eq(5))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.account_id)
        .collect();
    for a in &accepted {
        assert!(stored.contains(a), "[{}] an accepted vote of account {a} was lost", app.backend);
    }
    assert!(stored.len() >= accepted.len());
    let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
    let counters = wsis::db::voting::counters(&app.db, e.id).await.unwrap();
    let recount = wsis::db::voting::recount(&app.db, e.id).await.unwrap();
    for (n, c) in &recount {
        assert_eq!(counters.get(n).copied().unwrap_or(0), *c, "[{}] no partial state: counter equals recount", app.backend);
    }
    assert_eq!(recount.values().sum::<i64>() as usize, stored.len());
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_votes_survive_a_kill_9_on_sqlite() {
    killed_mid_load(spawn_app(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_votes_survive_a_kill_9_on_postgres() {
    let Some(pg) = crate::helpers::postgres_url() else { return };
    killed_mid_load(spawn_app(Some(pg)).await).await;
}

/// SIGTERM: the server stops accepting, answers the requests in flight, and exits cleanly;
/// every vote it answered "accepted" is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_votes_and_exits() {
    let app = spawn_app(None).await;
    let noms = app.nominees_in(6).await;
    let mut sessions = Vec::new();
    for i in 0..200 {
        let v = app.voter(&format!("term-{i}@example.org")).await;
        sessions.push((v.id, wsis::db::auth::create_session(&app.db, v.id, 3600, app.services.now()).await.unwrap()));
    }
    let port = free_port();
    let mut server = start(&app, port);
    wait_ready(port).await;
    let mut tasks = Vec::new();
    for (k, (account, token)) in sessions.iter().cloned().enumerate() {
        let nominee = noms[k % noms.len()].uuid.to_string();
        tasks.push(tokio::spawn(async move {
            (account, vote_after(port, &token, &nominee, (k as u64 % 100) * 4).await)
        }));
    }
    tokio::time::sleep(Duration::from_millis(120)).await;
    let term = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    let mut accepted = HashSet::new();
    for t in tasks {
        let (account, status) = t.await.unwrap();
        if status == Some(200) {
            accepted.insert(account);
        }
    }
    let exit = tokio::task::spawn_blocking(move || server.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
    assert!(!accepted.is_empty());
    let stored: HashSet<i32> = vote::Entity::find()
        .filter(vote::Column::CategoryId.eq(6))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.account_id)
        .collect();
    assert!(accepted.iter().all(|a| stored.contains(a)), "every accepted vote is stored");
}

/// The real server binary on a free port with its error output in a file, ready.
struct LoggedServer {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl LoggedServer {
    async fn start(app: &TestApp) -> Self {
        let port = free_port();
        let log = app.outbox.parent().unwrap().join(format!("server-{port}.log"));
        let child = start_with_log(app, port, std::fs::File::create(&log).unwrap());
        wait_ready(port).await;
        LoggedServer { child, port, log }
    }

    /// Stops the server and fails the test if it logged a panic.
    fn stop_without_panic(mut self, backend: &str) {
        let _ = self.child.kill();
        self.child.wait().unwrap();
        let text = std::fs::read_to_string(&self.log).unwrap();
        assert!(!text.contains("panicked at"), "[{backend}] the server panicked:\n{}", &text[..text.len().min(4000)]);
    }
}

impl Drop for LoggedServer {
    // a failed assertion does not leave the server running
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A session token of a new confirmed voter.
async fn session_of_new_voter(app: &TestApp, email: &str) -> String {
    let v = app.voter(email).await;
    wsis::db::auth::create_session(&app.db, v.id, 3600, app.services.now()).await.unwrap()
}

/// Opens a request and drops the connection with a reset after `after`, as a closed tab,
/// a lost phone signal or an impatient script does.
async fn abandon(port: u16, request: String, after: Duration) {
    use tokio::io::AsyncWriteExt;
    let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else { return };
    let _ = s.write_all(request.as_bytes()).await;
    tokio::time::sleep(after).await;
    #[allow(deprecated)] // a zero linger resets the connection at once; nothing blocks
    let _ = s.set_linger(Some(Duration::ZERO));
    drop(s);
}

/// A stranger starts 800 page loads and server-function calls in parallel and abandons
/// each part-way through: the server logs no panic, and afterwards answers every page and
/// casts a vote as before.
async fn abandoned_requests(app: TestApp) {
    let noms = app.nominees_in(3).await;
    let token = session_of_new_voter(&app, "after-the-storm@example.org").await;
    let storm = session_of_new_voter(&app, "the-storm@example.org").await;
    let server = LoggedServer::start(&app).await;
    let port = server.port;
    let nominee = format!("/nominees/{}", noms[0].uuid);
    let pages = ["/", "/categories", "/categories/c3", nominee.as_str(), "/results", "/signin", "/my-votes", "/admin/screening"];
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..800u64 {
        let from = format!("10.77.{}.{}", i % 200, i / 200 + 1);
        let request = if i % 4 == 3 {
            let body = format!("nominee={}", noms[1].uuid);
            format!(
                "POST /api/cast_vote HTTP/1.1\r\nHost: x\r\nCookie: {}={storm}\r\nX-Forwarded-For: {from}\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                wsis::db::SESSION_COOKIE,
                body.len()
            )
        } else {
            format!("GET {} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nX-Forwarded-For: {from}\r\n\r\n", pages[i as usize % pages.len()])
        };
        // abandoned from at once to 40 ms in: before, during and after the render
        tasks.spawn(abandon(port, request, Duration::from_micros(i * 7_919 % 40_000)));
    }
    while tasks.join_next().await.is_some() {}
    // renders still under way finish on their own
    tokio::time::sleep(Duration::from_millis(500)).await;
    let c = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    // the pages an anonymous visitor may see while voting is open
    for p in pages.iter().take(4).chain([&"/signin"]) {
        let r = c.get(format!("http://127.0.0.1:{port}{p}")).header("x-forwarded-for", crate::helpers::random_address()).send().await.unwrap();
        assert_eq!(r.status(), 200, "[{}] {p} after the storm", app.backend);
    }
    assert_eq!(vote_after(port, &token, &noms[2].uuid.to_string(), 0).await, Some(200), "[{}] a vote after the storm", app.backend);
    server.stop_without_panic(app.backend);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_requests_leave_no_panic_on_sqlite() {
    abandoned_requests(spawn_app(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_requests_leave_no_panic_on_postgres() {
    let Some(pg) = crate::helpers::postgres_url() else { return };
    abandoned_requests(spawn_app(Some(pg)).await).await;
}

/// A burst of page loads, signed in and anonymous, 64 at a time on the real binary: every
/// page is answered and the server logs no panic. (leptos_i18n's cookie effect, run on a
/// task of its own, raced the end of its page and panicked on a disposed value about once
/// in 6,000 signed-in pages on this machine's debug build; see `provide_i18n`.)
async fn page_burst(app: TestApp) {
    let noms = app.nominees_in(4).await;
    let token = session_of_new_voter(&app, "burst@example.org").await;
    let server = LoggedServer::start(&app).await;
    let port = server.port;
    let nominee = format!("/nominees/{}", noms[0].uuid);
    let pages = ["/categories/c4", nominee.as_str(), "/", "/signin", "/categories", "/my-votes", "/account"];
    let c = reqwest::Client::builder().pool_max_idle_per_host(64).timeout(Duration::from_secs(60)).build().unwrap();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..3000usize {
        let signed_in = i % 3 != 0;
        let path = if signed_in { pages[i % pages.len()] } else { pages[i % 5] }.to_string();
        let (c, cookie) = (c.clone(), format!("{}={token}", wsis::db::SESSION_COOKIE));
        tasks.spawn(async move {
            let mut r = c.get(format!("http://127.0.0.1:{port}{path}")).header("accept", "text/html").header("x-forwarded-for", format!("10.66.{}.{}", i % 200, i / 200 + 1));
            if signed_in {
                r = r.header("cookie", cookie);
            }
            r.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
        });
        if tasks.len() >= 64 {
            let s = tasks.join_next().await.unwrap().unwrap();
            *statuses.entry(s).or_default() += 1;
        }
    }
    while let Some(s) = tasks.join_next().await {
        *statuses.entry(s.unwrap()).or_default() += 1;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(statuses.get(&200).copied(), Some(3000), "[{}] every page answered: {statuses:?}", app.backend);
    server.stop_without_panic(app.backend);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_bursts_leave_no_panic_on_sqlite() {
    page_burst(spawn_app(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_bursts_leave_no_panic_on_postgres() {
    let Some(pg) = crate::helpers::postgres_url() else { return };
    page_burst(spawn_app(Some(pg)).await).await;
}
