use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wsis::db::entity::vote;

use crate::helpers::{spawn_app, TestApp};

fn start(app: &TestApp, port: u16) -> Child {
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
        .stderr(Stdio::null())
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
