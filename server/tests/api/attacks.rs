//! The red-team suite: each attack on a public vote that the platform defends against,
//! performed over HTTP against the real server on SQLite and PostgreSQL, asserting what
//! the attacker gets (nothing) and that real users still get in.

use std::collections::HashSet;

use wsis::phase::{Milestone, PhaseKind};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use wsis::db::entity::{account, audit_log, edition, email_token, mail, nomination, session, vote};
use wsis::db::mail::find_link;

use crate::helpers::{each_backend, random_address, spawn_app_with, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

async fn current(app: &TestApp) -> edition::Model {
    wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap()
}

async fn account_of(app: &TestApp, email: &str) -> Option<account::Model> {
    wsis::db::auth::find_by_email(&app.db, email).await.unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).count(&app.db).await.unwrap()
}

/// Counters equal a recount of the valid votes, for every nominee.
async fn counters_equal_recount(app: &TestApp) {
    let e = current(app).await;
    let counters = wsis::db::voting::counters(&app.db, e.id).await.unwrap();
    let recount = wsis::db::voting::recount(&app.db, e.id).await.unwrap();
    assert_eq!(counters, recount, "[{}] counters equal the recount", app.backend);
}

/// Ends the current edition's voting a minute ago (the phase as an admin's schedule sets it).
async fn close_voting(app: &TestApp) {
    let e = current(app).await;
    app.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::minutes(1));
}

// ---------------------------------------------------------------------------------------
// 1. No demo admin on a real deployment

/// The server binary, started without `DEMO_DATA`, creates no account at all: the
/// published demo password opens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_started_without_demo_data_has_no_demo_admin() {
    let dir = std::env::temp_dir().join(format!("wsis-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_wsis-server"))
        .env_remove("DEMO_DATA")
        .env("DATA_DIR", &dir)
        .env("DATABASE_URL", "")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..200 {
        if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status() == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the server started");
    let r = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .form(&[("email", "admin@wsis.example"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "the demo admin does not exist");
    server.kill().unwrap();
    server.wait().unwrap();
    let db = wsis::db::connect(&format!("sqlite://{}?mode=rwc", dir.join("wsis.db").display())).await.unwrap();
    assert_eq!(account::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(edition::Entity::find().count(&db).await.unwrap(), 0);
}

/// Demo data asked for on a database with real data changes nothing, and a role an admin
/// revoked from a demo account stays revoked across restarts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_never_lands_beside_real_data_nor_gives_roles_back() {
    each_backend(|app| async move {
        // a real deployment: its own admin, nothing else
        let dir = std::env::temp_dir().join(format!("wsis-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = if app.backend == "sqlite" {
            format!("sqlite://{}?mode=rwc", dir.join("real.db").display())
        } else {
            let admin = sea_orm::Database::connect(std::env::var("TEST_DATABASE_URL").unwrap()).await.unwrap();
            let name = format!("wsis_test_{}", uuid::Uuid::new_v4().simple());
            sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE {name}")).await.unwrap();
            let base = std::env::var("TEST_DATABASE_URL").unwrap();
            format!("{}/{name}", base.rsplit_once('/').unwrap().0)
        };
        let config = wsis::db::Config::for_tests(dir.clone(), url, "http://127.0.0.1".into());
        let db = wsis_server::prepare(&config, false).await.unwrap();
        wsis::db::auth::ensure_account(&db, "secretariat@itu.example", "a long admin passphrase", "Secretariat", "", "", &[wsis::account::Role::Admin], Utc::now())
            .await
            .unwrap();
        let db = wsis_server::prepare(&config, true).await.unwrap();
        assert!(wsis::db::auth::find_by_email(&db, "admin@wsis.example").await.unwrap().is_none(), "no demo admin beside real data");
        assert_eq!(edition::Entity::find().count(&db).await.unwrap(), 0, "no demo edition either");

        // the demo itself: an admin revokes the demo announcer's role; a restart keeps it revoked
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let target = account_of(&app, "announcer@wsis.example").await.unwrap();
        let (status, body) =
            app.call(&admin, "admin_set_role", &[("account", &target.uuid.to_string()), ("role", "announcer"), ("granted", "false")]).await;
        assert_eq!(status, 200, "{body}");
        let again = wsis::db::Config::for_tests(app.outbox.parent().unwrap().to_path_buf(), app.services.config.database_url.to_string(), app.base.clone());
        wsis_server::prepare(&again, true).await.unwrap();
        let after = account_of(&app, "announcer@wsis.example").await.unwrap();
        assert!(wsis::db::auth::roles_of(&app.db, after.id).await.unwrap().is_empty(), "[{}] the revoked role stays revoked", app.backend);
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 2. Pre-confirmation takeover

/// An attacker signs up with the victim's address and the attacker's password. They get no
/// session before confirmation; the victim's own sign-up and confirmation keep the
/// victim's password; the attacker's link does not open with any other password; and
/// afterwards the attacker's password opens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_with_someone_elses_address_takes_nothing_over() {
    each_backend(|app| async move {
        let attacker = app.client();
        let (status, _) = app.sign_up(&attacker, "victim@example.org", "attacker's passphrase").await;
        assert_eq!(status, 200);
        let attacker_link = app.confirmation_link("victim@example.org").await;
        // no session before confirmation
        let (status, _) = app.call(&attacker, "sign_in", &[("email", "victim@example.org"), ("password", "attacker's passphrase")]).await;
        assert_eq!(status, 400);
        let (_, me) = app.call(&attacker, "current_user", &[]).await;
        assert!(me.is_null());
        // a session made for the unconfirmed account by other means is not honoured either
        let a = account_of(&app, "victim@example.org").await.unwrap();
        let planted = wsis::db::auth::create_session(&app.db, a.id, 3600, app.services.now()).await.unwrap();
        let cookie_client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
        let r = cookie_client
            .post(app.url("/api/current_user"))
            .header("cookie", format!("{}={planted}", wsis::db::SESSION_COOKIE))
            .send()
            .await
            .unwrap();
        assert_eq!(r.text().await.unwrap(), "null", "an unconfirmed account holds no session");

        // the victim signs up too, with their own password, and confirms
        let victim = app.client();
        app.sign_up(&victim, "victim@example.org", "victim's own passphrase").await;
        let victim_link = app.confirmation_link("victim@example.org").await;
        assert_ne!(victim_link, attacker_link);
        // the attacker's link, opened by the victim with their password, does not open
        let (status, body) =
            app.call(&victim, "confirm_email", &[("token", &token_of(&attacker_link)), ("password", "victim's own passphrase")]).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) =
            app.call(&victim, "confirm_email", &[("token", &token_of(&victim_link)), ("password", "victim's own passphrase")]).await;
        assert_eq!(status, 200, "{body}");

        // the planted session ended, the attacker's password and link open nothing
        let r = cookie_client
            .post(app.url("/api/current_user"))
            .header("cookie", format!("{}={planted}", wsis::db::SESSION_COOKIE))
            .send()
            .await
            .unwrap();
        assert_eq!(r.text().await.unwrap(), "null", "confirming ended every other session");
        let (status, _) = app.call(&attacker, "sign_in", &[("email", "victim@example.org"), ("password", "attacker's passphrase")]).await;
        assert_eq!(status, 400);
        let (status, _) =
            app.call(&attacker, "confirm_email", &[("token", &token_of(&attacker_link)), ("password", "attacker's passphrase")]).await;
        assert_eq!(status, 400, "the attacker's link was retired");
        let n = app.nominees_in(7).await[0].uuid.to_string();
        assert_eq!(app.call(&attacker, "cast_vote", &[("nominee", &n)]).await.0, 401, "the attacker cannot vote");
        assert_eq!(app.call(&victim, "cast_vote", &[("nominee", &n)]).await.0, 200, "the victim votes");
        app.sign_in("victim@example.org", "victim's own passphrase").await;
    })
    .await;
}

/// The attacker signed up first; the victim never signs up but resets the password: the
/// reset link proves the address, sets the victim's password and retires the attacker's
/// confirmation link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_takes_an_address_back_from_a_squatter() {
    each_backend(|app| async move {
        let attacker = app.client();
        app.sign_up(&attacker, "squatted@example.org", "attacker's passphrase").await;
        let attacker_link = app.confirmation_link("squatted@example.org").await;
        let victim = app.client();
        assert_eq!(app.call(&victim, "request_password_reset", &[("email", "squatted@example.org")]).await.0, 200);
        let mails = app.outbox_for("squatted@example.org").await;
        let reset = mails.iter().find_map(|m| find_link(m, "/reset?token=")).unwrap();
        let (status, body) = app.call(&victim, "reset_password", &[("token", &token_of(&reset)), ("password", "victim's new passphrase")]).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) =
            app.call(&attacker, "confirm_email", &[("token", &token_of(&attacker_link)), ("password", "attacker's passphrase")]).await;
        assert_eq!(status, 400);
        let (status, _) = app.call(&attacker, "sign_in", &[("email", "squatted@example.org"), ("password", "attacker's passphrase")]).await;
        assert_eq!(status, 400);
        app.sign_in("squatted@example.org", "victim's new passphrase").await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 3. Throttling that holds under concurrency and locks nobody out

/// 1,000 wrong passwords for one account, in parallel and from 1,000 addresses: at most the
/// limit are checked at all; the rest need a proof of work. The real user still gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_parallel_guesses_check_at_most_the_limit() {
    each_backend(|app| async move {
        app.voter("guarded@example.org").await;
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let c = app.client();
            let url = app.url("/api/sign_in");
            tasks.push(tokio::spawn(async move {
                c.post(url).form(&[("email", "guarded@example.org"), ("password", "a wrong guess!")]).send().await.map(|r| r.status().as_u16())
            }));
        }
        let mut checked = 0;
        let mut challenged = 0;
        for t in tasks {
            match t.await.unwrap().unwrap() {
                400 => checked += 1,
                429 => challenged += 1,
                other => panic!("[{}] unexpected status {other}", app.backend),
            }
        }
        assert!(checked <= wsis::db::auth::MAX_FAILURES_PER_ACCOUNT as usize, "[{}] {checked} passwords checked", app.backend);
        assert_eq!(checked + challenged, 1000);
        assert_eq!(audit_count(&app, "account.sign_in_failed").await, checked as u64, "only checked guesses are failures");
        // the real user, with the proof of work the sign-in form completes by itself
        let c = app.client();
        let (challenge, nonce) = app.pow(&c, "sign_in").await;
        let (status, body) = app
            .call(&c, "sign_in", &[("email", "guarded@example.org"), ("password", VOTER_PASSWORD), ("pow[challenge]", &challenge), ("pow[nonce]", &nonce)])
            .await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);
    })
    .await;
}

/// Twenty-five wrong passwords for unknown addresses from one client address (a campus
/// behind one NAT): the others behind it still sign in, with a proof of work; from another
/// address nothing changed. A spent or forged challenge does not count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_noisy_neighbour_behind_one_address_locks_nobody_out() {
    each_backend(|app| async move {
        let campus = "198.51.100.77";
        let noisy = app.client_at(campus);
        for i in 0..25 {
            let (status, _) = app.call(&noisy, "sign_in", &[("email", &format!("ghost-{i}@example.org")), ("password", "a wrong guess!")]).await;
            assert!(status == 400 || status == 429);
        }
        app.voter("student@example.org").await;
        let student = app.client_at(campus);
        let (status, body) = app.call(&student, "sign_in", &[("email", "student@example.org"), ("password", VOTER_PASSWORD)]).await;
        assert_eq!(status, 429, "past the address's threshold a proof of work is asked: {body}");
        let (challenge, nonce) = app.pow(&student, "sign_in").await;
        let form = [("email", "student@example.org"), ("password", VOTER_PASSWORD), ("pow[challenge]", &challenge), ("pow[nonce]", &nonce)];
        assert_eq!(app.call(&student, "sign_in", &form).await.0, 200, "the right password gets in");
        let (status, body) = app.call(&app.client_at(campus), "sign_in", &form).await;
        assert_eq!(status, 429, "a spent challenge does not work twice: {body}");
        let forged = [("email", "student@example.org"), ("password", VOTER_PASSWORD), ("pow[challenge]", "v1.sign_in.10.1.0123456789abcdef0123456789abcdef.00"), ("pow[nonce]", "1")];
        assert_eq!(app.call(&app.client_at(campus), "sign_in", &forged).await.0, 429, "a forged challenge does not work");
        // from elsewhere, no friction at all
        app.sign_in("student@example.org", VOTER_PASSWORD).await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 4. The client's address is what our proxy saw

/// Behind one trusted proxy, rotating the leftmost `X-Forwarded-For` entry (which the
/// client writes) does not give an attacker fresh limits: the address is the one the
/// proxy appended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_header_does_not_change_the_address() {
    each_backend(|app| async move {
        let real = "203.0.113.50";
        for i in 0..25 {
            let c = app.client_at(&format!("6.6.{}.{}, {real}", i / 200, i % 200 + 1));
            app.call(&c, "sign_in", &[("email", &format!("nobody-{i}@example.org")), ("password", "a wrong guess!")]).await;
        }
        app.voter("behind@example.org").await;
        let c = app.client_at(&format!("9.9.9.9, {real}"));
        let (status, body) = app.call(&c, "sign_in", &[("email", "behind@example.org"), ("password", VOTER_PASSWORD)]).await;
        assert_eq!(status, 429, "the same real address is past its threshold: {body}");
        // from the real address of someone else, nothing changed
        app.sign_in("behind@example.org", VOTER_PASSWORD).await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 5. Metrics: bounded labels, not public

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_private_and_probing_does_not_grow_them() {
    each_backend(|app| async move {
        let stranger = app.client();
        for i in 0..300 {
            let _ = stranger.get(app.url(&format!("/probe-{i}/{}", uuid::Uuid::new_v4()))).send().await;
            let _ = stranger.request(reqwest::Method::from_bytes(format!("M{i}").as_bytes()).unwrap(), app.url("/")).send().await;
            let _ = stranger.post(app.url(&format!("/api/no_such_fn_{i}"))).send().await;
        }
        // through the proxy (any request carrying X-Forwarded-For): refused
        let r = app.client().get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // on this machine: allowed, and the labels are the router's own
        let text = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let routes: HashSet<&str> = text
            .lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .filter_map(|l| l.split("route=\"").nth(1)?.split('"').next())
            .collect();
        assert!(routes.contains("unmatched"), "{routes:?}");
        assert!(routes.iter().all(|r| !r.contains("probe") && !r.contains("no_such_fn")), "{routes:?}");
        let methods: HashSet<&str> = text
            .lines()
            .filter(|l| l.starts_with("http_requests_total{"))
            .filter_map(|l| l.split("method=\"").nth(1)?.split('"').next())
            .collect();
        assert!(methods.iter().all(|m| ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "OTHER"].contains(m)), "{methods:?}");
    })
    .await;
    // with a token, from anywhere
    let app = spawn_app_with(None, |c| c.metrics_token = Some(wsis::db::config::Secret::new("metrics-token-123".into()))).await;
    let r = app.client().get(app.url("/metrics")).bearer_auth("metrics-token-123").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.client().get(app.url("/metrics")).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(r.status(), 403);
}

// ---------------------------------------------------------------------------------------
// 6. Sign-up, new links and resets: throttled, no mail bombs

/// Fifty password resets for one address from fifty addresses: the address receives at
/// most the hourly allowance; every request got the same answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_flood_an_inbox() {
    each_backend(|app| async move {
        app.voter("inbox@example.org").await;
        let mut answers = HashSet::new();
        for _ in 0..50 {
            let (status, body) = app.call(&app.client(), "request_password_reset", &[("email", "inbox@example.org")]).await;
            assert_eq!(status, 200);
            answers.insert(body.to_string());
        }
        for _ in 0..20 {
            app.call(&app.client(), "resend_confirmation", &[("email", "inbox@example.org")]).await;
            app.sign_up(&app.client(), "inbox@example.org", "another passphrase").await;
        }
        assert_eq!(answers.len(), 1, "one answer");
        let mails = app.outbox_for("inbox@example.org").await;
        assert!(mails.len() as u64 <= wsis::db::friction::MAILS_PER_ADDRESS_PER_HOUR, "[{}] {} mails", app.backend, mails.len());
    })
    .await;
}

/// A sign-up always needs a proof of work; mail requests from one address past the limit
/// need one too; bad input costs nothing and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_sign_ups_need_a_proof_of_work() {
    each_backend(|app| async move {
        let script = app.client();
        let form = [("input[email]", "bot-1@example.org"), ("input[password]", "a long enough secret"), ("input[display_name]", "Bot"), ("input[country]", "Nowhere")];
        let (status, body) = app.call(&script, "sign_up", &form).await;
        assert_eq!(status, 429, "{body}");
        assert!(body.get("Challenge").is_some());
        let (challenge, _) = app.pow(&script, "sign_up").await;
        // a wrong answer: a nonce that does not solve it (a fixed one would, once in 2^bits)
        let wrong = (0u64..).map(|n| n.to_string()).find(|n| !wsis::pow::check(&challenge, n, app.services.config.pow_bits)).unwrap();
        let mut with_wrong = form.to_vec();
        with_wrong.extend([("pow[challenge]", challenge.as_str()), ("pow[nonce]", wrong.as_str())]);
        assert_eq!(app.call(&script, "sign_up", &with_wrong).await.0, 429, "a wrong answer");
        // a challenge of another purpose does not do
        let (vote_challenge, vote_nonce) = app.pow(&script, "vote").await;
        let mut other = form.to_vec();
        other.extend([("pow[challenge]", vote_challenge.as_str()), ("pow[nonce]", vote_nonce.as_str())]);
        assert_eq!(app.call(&script, "sign_up", &other).await.0, 429, "another purpose");
        app.flush_mail().await;
        assert!(account_of(&app, "bot-1@example.org").await.is_none(), "nothing created");

        // e-mail requests: ten from one address, then each needs a proof of work
        let one = app.client();
        for _ in 0..wsis::db::auth::MAIL_REQUESTS_PER_CLIENT {
            assert_eq!(app.call(&one, "resend_confirmation", &[("email", "someone@example.org")]).await.0, 200);
        }
        assert_eq!(app.call(&one, "resend_confirmation", &[("email", "someone@example.org")]).await.0, 429);
        let (c, n) = app.pow(&one, "mail").await;
        let ok = [("email", "someone@example.org"), ("pow[challenge]", c.as_str()), ("pow[nonce]", n.as_str())];
        assert_eq!(app.call(&one, "resend_confirmation", &ok).await.0, 200);
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 7. Counts and recounts under load

/// Votes stream in over HTTP while admins recount and invalidate and restore votes: every
/// counter equals a recount at the end, and nothing failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn recounts_and_invalidations_during_a_burst_keep_the_count_exact() {
    each_backend(|app| async move {
        let noms = app.nominees_in(8).await;
        let mut voters = Vec::new();
        for i in 0..150 {
            let v = app.voter(&format!("burst-{i}-{}@example.org", app.backend)).await;
            voters.push((v.id, wsis::db::auth::create_session(&app.db, v.id, 3600, app.services.now()).await.unwrap()));
        }
        // some votes to invalidate while the burst goes on
        let early: Vec<account::Model> = {
            let mut v = Vec::new();
            for i in 0..10 {
                let a = app.voter(&format!("early-{i}-{}@example.org", app.backend)).await;
                crate::helpers::cast(&app.services, &a, noms[0].uuid, "early").await.unwrap();
                v.push(a);
            }
            v
        };
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let mut tasks = Vec::new();
        for (k, (_, token)) in voters.iter().enumerate() {
            let (url, token, nominee) = (app.url("/api/cast_vote"), token.clone(), noms[k % noms.len()].uuid.to_string());
            tasks.push(tokio::spawn(async move {
                reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
                    .post(url)
                    .header("cookie", format!("{}={token}", wsis::db::SESSION_COOKIE))
                    .header("accept", "application/json")
                    .header("x-forwarded-for", random_address())
                    .form(&[("nominee", nominee.as_str())])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        let mut admin_statuses = Vec::new();
        for round in 0..5 {
            admin_statuses.push(app.call(&admin, "admin_recount", &[]).await.0);
            let votes = vote::Entity::find().filter(vote::Column::AccountId.eq(early[round].id)).all(&app.db).await.unwrap();
            for v in votes {
                admin_statuses.push(app.call(&admin, "admin_set_vote_validity", &[("vote", &v.uuid.to_string()), ("valid", "false"), ("reason", "burst test")]).await.0);
                if round % 2 == 0 {
                    admin_statuses.push(app.call(&admin, "admin_set_vote_validity", &[("vote", &v.uuid.to_string()), ("valid", "true"), ("reason", "restored")]).await.0);
                }
            }
        }
        let mut accepted = 0;
        for t in tasks {
            match t.await.unwrap() {
                200 => accepted += 1,
                other => panic!("[{}] a vote failed with {other}", app.backend),
            }
        }
        assert_eq!(accepted, voters.len());
        assert!(admin_statuses.iter().all(|s| *s == 200), "[{}] {admin_statuses:?}", app.backend);
        counters_equal_recount(&app).await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 8. Nothing changes the count once it is frozen

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_count_freezes_with_the_champions_and_for_good_at_release() {
    each_backend(|app| async move {
        let noms = app.nominees_in(9).await;
        let voter = app.voter("frozen-count@example.org").await;
        let v = crate::helpers::cast(&app.services, &voter, noms[0].uuid, "o").await.unwrap();
        let stored = vote::Entity::find().filter(vote::Column::AccountId.eq(voter.id)).one(&app.db).await.unwrap().unwrap();
        close_voting(&app).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&admin, "admin_compute_champions", &[]).await.0, 200);

        // frozen: no invalidation, no account-wide one, no freeze, no correction off the ballot
        let invalidate = [("vote", stored.uuid.to_string()), ("valid", "false".into()), ("reason", "late doubt".into())];
        let inv: Vec<(&str, &str)> = invalidate.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = app.call(&admin, "admin_set_vote_validity", &inv).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("Reopen the audit"), "{body}");
        let acct = [("account", voter.uuid.to_string()), ("valid", "false".into()), ("reason", "x".into())];
        let acct: Vec<(&str, &str)> = acct.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.call(&admin, "admin_set_account_validity", &acct).await.0, 409);
        assert_eq!(app.call(&admin, "admin_freeze_cluster", &[("kind", "account"), ("key", &voter.uuid.to_string()), ("reason", "x")]).await.0, 409);
        let (status, body) = app
            .call(&admin, "admin_correct_decision", &[("id", &noms[0].uuid.to_string()), ("input[decision]", "rejected"), ("input[reason]", "other"), ("input[reason_text]", "late")])
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(nomination::Entity::find_by_id(noms[0].id).one(&app.db).await.unwrap().unwrap().status, wsis::nomination::NominationStatus::Nominee);

        // reopening is explicit, audit-logged, and un-stages the champions
        assert_eq!(app.call(&admin, "admin_reopen_audit", &[("reason", "")]).await.0, 400, "a reason is required");
        let (status, body) = app.call(&admin, "admin_reopen_audit", &[("reason", "an appeal came in")]).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["computed_at"].is_null());
        assert_eq!(audit_count(&app, "audit.reopen").await, 1);
        assert_eq!(app.call(&admin, "admin_set_vote_validity", &inv).await.0, 200);
        let (_, st) = app.call(&app.client(), "check_receipt", &[("receipt", &v.receipt)]).await;
        // before the release the receipt reads "recorded" whatever the audit decided; the
        // category sent by none is "another breach"
        assert!(st.get("Recorded").is_some(), "{st}");
        let now_stored = vote::Entity::find_by_id(stored.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(now_stored.invalidated_category, Some(wsis::vote::NotCountedReason::OtherBreach));
        counters_equal_recount(&app).await;
    })
    .await;
}

/// Released results freeze the count for good, and a receipt says "counted" only for a
/// vote the published count counts: under the complete-ballot rule, an incomplete ballot's
/// vote is "not counted".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_release_nothing_changes_the_count_and_receipts_tell_the_published_truth() {
    each_backend(|app| async move {
        let e = current(&app).await;
        // this edition counts complete ballots only (set before voting, as an admin would)
        edition::Entity::update_many()
            .col_expr(edition::Column::CompleteBallot, Expr::value(true))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        let partial = app.voter("partial@example.org").await;
        let n = app.nominees_in(2).await[0].uuid;
        let partial_vote = crate::helpers::cast(&app.services, &partial, n, "p").await.unwrap();
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (_, v) = app.call(&admin, "admin_review", &[]).await;
        for c in v["categories"].as_array().unwrap() {
            let top = c["ranking"][0]["nominee"].as_str().unwrap().to_string();
            let slug = c["slug"].as_str().unwrap().to_string();
            app.call(&admin, "admin_select_winners", &[("category", &slug), ("winners[0]", &top), ("reason", "jury")]).await;
        }
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &e.year.to_string()), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{body}");

        let (_, st) = app.call(&app.client(), "check_receipt", &[("receipt", &partial_vote.receipt)]).await;
        assert_eq!(st["NotCounted"]["reason"], "IncompleteBallot", "{st}");
        let full = vote::Entity::find().filter(vote::Column::OriginHash.starts_with("demo-")).one(&app.db).await.unwrap().unwrap();
        let (_, st) = app.call(&app.client(), "check_receipt", &[("receipt", &full.receipt)]).await;
        assert!(st.get("Counted").is_some(), "a complete ballot's vote is counted: {st}");

        let (status, _) = app.call(&admin, "admin_set_vote_validity", &[("vote", &full.uuid.to_string()), ("valid", "false"), ("reason", "too late")]).await;
        assert_eq!(status, 409);
        let (status, body) = app.call(&admin, "admin_reopen_audit", &[("reason", "after the ceremony")]).await;
        assert_eq!(status, 409, "{body}");
        counters_equal_recount(&app).await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 9. The announcement instant publishes nothing half-decided

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_wait_for_every_winner_at_the_announcement_instant() {
    each_backend(|app| async move {
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let e = current(&app).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (_, v) = app.call(&admin, "admin_review", &[]).await;
        let cats = v["categories"].as_array().unwrap().clone();
        // all but one category decided
        for c in cats.iter().skip(1) {
            let top = c["ranking"][0]["nominee"].as_str().unwrap().to_string();
            app.call(&admin, "admin_select_winners", &[("category", c["slug"].as_str().unwrap()), ("winners[0]", &top), ("reason", "jury")]).await;
        }
        // the announcement instant passes (review closed, as the schedule says)
        app.move_past(&e, Milestone::Announcement, Duration::minutes(1));
        assert_eq!(wsis::db::results::release_due(&app.services).await.unwrap(), 0, "nothing half-decided is published");
        let (status, _) = app.call(&app.client(), "results", &[("year", &e.year.to_string())]).await;
        assert_eq!(status, 403, "still embargoed");
        let (_, dash) = app.call(&admin, "admin_dashboard", &[]).await;
        let why = dash["release_waiting"].as_str().unwrap_or_default().to_string();
        assert!(why.contains(cats[0]["code"].as_str().unwrap()), "the dashboard says why: {dash}");
        // the admin can still decide, then the release follows at once, once
        let top = cats[0]["ranking"][0]["nominee"].as_str().unwrap().to_string();
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", cats[0]["slug"].as_str().unwrap()), ("winners[0]", &top), ("reason", "jury")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(wsis::db::results::release_due(&app.services).await.unwrap(), 1);
        assert_eq!(wsis::db::results::release_due(&app.services).await.unwrap(), 0);
        let (status, v) = app.call(&app.client(), "results", &[("year", &e.year.to_string())]).await;
        assert_eq!(status, 200);
        assert_eq!(v["categories"].as_array().unwrap().iter().filter(|c| c["champions"].as_array().unwrap().iter().any(|l| l["winner"] == true)).count(), 18);
        let letters = mail::Entity::find().filter(mail::Column::Subject.contains("WSIS Prizes")).count(&app.db).await.unwrap();
        assert!(letters > 0);
        let again = wsis::db::results::finalize(&app.services, e.id).await.unwrap();
        assert_eq!(again, 0, "letters once");
    })
    .await;
}

/// An edition that does not publish vote counts shows none, anywhere, after release.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpublished_vote_counts_stay_unpublished_everywhere() {
    each_backend(|app| async move {
        let e = current(&app).await;
        edition::Entity::update_many()
            .col_expr(edition::Column::PublishVoteCounts, Expr::value(false))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (_, v) = app.call(&admin, "admin_review", &[]).await;
        for c in v["categories"].as_array().unwrap() {
            let top = c["ranking"][0]["nominee"].as_str().unwrap().to_string();
            app.call(&admin, "admin_select_winners", &[("category", c["slug"].as_str().unwrap()), ("winners[0]", &top), ("reason", "jury")]).await;
        }
        let y = e.year.to_string();
        assert_eq!(app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await.0, 200);
        let public = app.client();
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;
        for c in [&public, &announcer] {
            assert_eq!(app.call(c, "tally", &[]).await.0, 403, "the tally");
            let (status, v) = app.call(c, "results", &[("year", &y)]).await;
            assert_eq!(status, 200);
            let text = v.to_string();
            assert!(v["categories"].as_array().unwrap().iter().all(|c| c["votes"].as_array().unwrap().is_empty()));
            assert!(!text.contains("\"valid_votes\":") || text.matches("\"valid_votes\":null").count() == text.matches("\"valid_votes\":").count(), "{text}");
            for f in ["ledger.json", "digest.json"] {
                let r = c.get(app.url(&format!("/results/{y}/{f}"))).send().await.unwrap();
                assert_eq!(r.status(), 403, "{f}");
            }
            let csv = c.get(app.url(&format!("/results/{y}/export.csv"))).send().await.unwrap().text().await.unwrap();
            let rows = wsis::results::parse_csv(&csv);
            let col = rows[0].iter().position(|h| h == "valid_votes").unwrap();
            assert!(rows[1..].iter().all(|r| r[col].is_empty()), "no counts in the CSV");
            let api: Value = c.get(app.url(&format!("/api/v1/editions/{y}/results"))).send().await.unwrap().json().await.unwrap();
            assert!(!api.to_string().contains("\"valid_votes\":1") && !api.to_string().contains("\"valid_votes\":2"), "{api}");
            let (_, html) = app.get(c, &format!("/results/{y}")).await;
            assert!(!html.contains("The votes as a table"), "no vote chart on the page");
        }
        // admins keep the counts
        assert_eq!(app.call(&admin, "tally", &[]).await.0, 200);
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 10. Smaller holes

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_open_redirect_and_no_forged_notices() {
    each_backend(|app| async move {
        let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = c
            .post(app.url("/api/check_receipt"))
            .header("accept", "text/html")
            .header("referer", format!("{}//evil.example/phish", app.base))
            .form(&[("receipt", "nonsense")])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection());
        assert_eq!(r.headers()["location"], "/", "a //host path is another site: not followed");
        // a URL cannot make a page show a text the server did not write
        let (_, html) = app.get(&app.client(), "/categories?error=Call%20%2B1%20555%20to%20vote&notice=Send%20your%20password").await;
        assert!(!html.contains("Call +1 555") && !html.contains("Send your password"));
        let forged = format!("{}={}.{}", wsis::flash::COOKIE, hex::encode(br#"{"kind":"Error","text":"Call 555","path":"/categories"}"#), "0".repeat(32));
        let html = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap().get(app.url("/categories")).header("cookie", forged).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("Call 555"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_retires_every_other_link() {
    each_backend(|app| async move {
        app.voter("links@example.org").await;
        for _ in 0..2 {
            app.call(&app.client(), "request_password_reset", &[("email", "links@example.org")]).await;
        }
        let mails = app.outbox_for("links@example.org").await;
        let links: Vec<String> = mails.iter().filter_map(|m| find_link(m, "/reset?token=")).collect();
        assert_eq!(links.len(), 2);
        let c = app.client();
        assert_eq!(app.call(&c, "reset_password", &[("token", &token_of(&links[1])), ("password", "the second passphrase")]).await.0, 200);
        let (status, body) = app.call(&c, "reset_password", &[("token", &token_of(&links[0])), ("password", "an older link's passphrase")]).await;
        assert_eq!(status, 400, "{body}");
        app.sign_in("links@example.org", "the second passphrase").await;
        let open = email_token::Entity::find().filter(email_token::Column::UsedAt.is_null()).count(&app.db).await.unwrap();
        assert_eq!(open, 0);
        assert_eq!(session::Entity::find().count(&app.db).await.unwrap() > 0, true);
    })
    .await;
}

/// Parallel submits of a review: exactly one becomes final, the stored scores are its.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submitted_review_is_final_under_parallel_saves() {
    each_backend(|app| async move {
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        let (_, home) = app.call(&expert, "expert_reviews", &[]).await;
        let nominee = home["categories"][0]["champions"][0]["nominee"].as_str().unwrap().to_string();
        let (_, sheet) = app.call(&expert, "expert_review_sheet", &[("nominee", &nominee)]).await;
        let keys: Vec<String> = sheet["rubric"]["criteria"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap().to_string()).collect();
        let mut tasks = Vec::new();
        for score in 1..=10 {
            let mut form: Vec<(String, String)> = keys.iter().map(|k| (format!("scores[{k}]"), score.to_string())).collect();
            form.extend([("nominee".into(), nominee.clone()), ("comment".into(), format!("score {score}")), ("submit".into(), "true".into())]);
            let (c, url) = (expert.clone(), app.url("/api/expert_save_review"));
            tasks.push(tokio::spawn(async move { (score, c.post(url).form(&form).send().await.unwrap().status().as_u16()) }));
        }
        let mut ok = Vec::new();
        for t in tasks {
            let (score, status) = t.await.unwrap();
            assert!(status == 200 || status == 409, "{status}");
            if status == 200 {
                ok.push(score);
            }
        }
        assert_eq!(ok.len(), 1, "[{}] exactly one submit wins: {ok:?}", app.backend);
        let (_, sheet) = app.call(&expert, "expert_review_sheet", &[("nominee", &nominee)]).await;
        assert_eq!(sheet["comment"], format!("score {}", ok[0]));
    })
    .await;
}

/// Parallel submissions of one organisation in one category (one allowed) store one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eligibility_holds_under_parallel_submits() {
    each_backend(|app| async move {
        let next = edition::Model::all(&app.db).await.unwrap().into_iter().find(|e| !e.is_current).unwrap();
        let mut clients = Vec::new();
        for i in 0..8 {
            let a = app.voter(&format!("team-{i}-{}@example.org", app.backend)).await;
            clients.push(app.sign_in(&a.email, VOTER_PASSWORD).await);
        }
        let mut tasks = Vec::new();
        for (i, c) in clients.into_iter().enumerate() {
            let mut form = crate::nominations::project(&format!("Parallel Project {i}"), "One Organisation", "c4");
            form.push(("intent".into(), "submit".into()));
            let url = app.url("/api/submit_nomination");
            tasks.push(tokio::spawn(async move { c.post(url).form(&form).send().await.unwrap().status().as_u16() }));
        }
        let mut accepted = 0;
        for t in tasks {
            if t.await.unwrap() == 200 {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 1, "[{}] one project per organisation and category", app.backend);
        let stored = nomination::Entity::find()
            .filter(nomination::Column::EditionId.eq(next.id))
            .filter(nomination::Column::Organisation.eq("One Organisation"))
            .filter(nomination::Column::Status.eq("submitted"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(stored, 1);
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// Prevention: friction on votes, disposable and alias addresses, frozen clusters

/// Past the edition's threshold of votes from one address, each vote needs a proof of
/// work; with it, the vote counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_farm_behind_one_address_meets_friction() {
    each_backend(|app| async move {
        let e = current(&app).await;
        edition::Entity::update_many()
            .col_expr(edition::Column::FrictionVotesPerAddress, Expr::value(3))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        app.services.current_edition.clear();
        let farm = "192.0.2.10";
        let n = app.nominees_in(10).await[0].uuid.to_string();
        let mut statuses = Vec::new();
        for i in 0..5 {
            let a = app.voter(&format!("farm-{i}@example.org")).await;
            let c = app.client_at(farm);
            app.call(&c, "sign_in", &[("email", &a.email), ("password", VOTER_PASSWORD)]).await;
            statuses.push(app.call(&c, "cast_vote", &[("nominee", &n)]).await.0);
            if i == 4 {
                let (challenge, nonce) = app.pow(&c, "vote").await;
                assert_eq!(app.call(&c, "cast_vote", &[("nominee", &n), ("pow[challenge]", &challenge), ("pow[nonce]", &nonce)]).await.0, 200);
            }
        }
        assert_eq!(statuses, [200, 200, 200, 429, 429], "[{}] {statuses:?}", app.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disposable_and_alias_addresses_make_no_second_account() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, body) = app.sign_up(&c, "someone@mailinator.com", "a long enough secret").await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Fields"][0][1], wsis::db::auth::DISPOSABLE_REFUSED);
        // a domain the admins add, and its subdomains
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&admin, "admin_set_blocked_domain", &[("domain", "farm.example"), ("note", "seen in the audit"), ("blocked", "true")]).await.0, 200);
        assert_eq!(app.sign_up(&c, "x@farm.example", "a long enough secret").await.0, 400);
        assert_eq!(app.sign_up(&c, "x@mx.farm.example", "a long enough secret").await.0, 400);
        assert_eq!(app.call(&admin, "admin_set_blocked_domain", &[("domain", "farm.example"), ("blocked", "false")]).await.0, 200);
        assert_eq!(app.sign_up(&c, "x@farm.example", "a long enough secret").await.0, 200);
        assert_eq!(audit_count(&app, "domain.block").await, 1);

        // one mailbox, one account: dots and tags of Gmail are the same mailbox
        app.voter("ana.lima@gmail.com").await;
        assert_eq!(app.sign_up(&c, "AnaLima+vote2@googlemail.com", "a long enough secret").await.0, 200);
        app.flush_mail().await;
        let accounts = account::Entity::find().filter(account::Column::EmailCanonical.eq("analima@gmail.com")).count(&app.db).await.unwrap();
        assert_eq!(accounts, 1);
        assert_eq!(account::Entity::find().filter(account::Column::Email.contains("analima")).count(&app.db).await.unwrap(), 0);
        let mails = app.outbox_for("ana.lima@gmail.com").await;
        assert!(mails.iter().any(|m| m.contains("already has one")), "the holder is told: {mails:?}");
    })
    .await;
}

/// Several accounts voting from one origin: an admin freezes the cluster; its votes leave
/// the count at once, its accounts cannot vote, receipts say "held"; lifting restores all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspicious_cluster_is_frozen_pending_review() {
    each_backend(|app| async move {
        let noms = app.nominees_in(11).await;
        let mut receipts = Vec::new();
        let mut farm = Vec::new();
        for i in 0..4 {
            let a = app.voter(&format!("cluster-{i}@example.org")).await;
            receipts.push(crate::helpers::cast(&app.services, &a, noms[0].uuid, "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a").await.unwrap().receipt);
            farm.push(a);
        }
        let honest = app.voter("honest@example.org").await;
        crate::helpers::cast(&app.services, &honest, noms[0].uuid, "elsewhere").await.unwrap();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (_, signals) = app.call(&admin, "admin_audit_signals", &[]).await;
        let key = signals["shared_origins"].as_array().unwrap().iter().find(|o| o["accounts"] == 4).unwrap()["key"].as_str().unwrap().to_string();
        let (status, f) = app.call(&admin, "admin_freeze_cluster", &[("kind", "origin"), ("key", &key), ("reason", "four accounts, one origin")]).await;
        assert_eq!(status, 200, "{f}");
        assert_eq!((f["accounts"].as_u64(), f["votes"].as_u64()), (Some(4), Some(4)));
        counters_equal_recount(&app).await;
        let e = current(&app).await;
        let counters = wsis::db::voting::counters(&app.db, e.id).await.unwrap();
        assert_eq!(counters.get(&noms[0].id).copied(), Some(1), "only the honest vote counts");
        let (_, st) = app.call(&app.client(), "check_receipt", &[("receipt", &receipts[0])]).await;
        // a farm operator checking their receipts learns nothing before the release
        assert!(st.get("Recorded").is_some(), "{st}");
        let held = vote::Entity::find().filter(vote::Column::FrozenBy.is_not_null()).all(&app.db).await.unwrap();
        assert!(held.len() == 4 && held.iter().all(|v| v.invalidated_category == Some(wsis::vote::NotCountedReason::Held)), "held votes carry their category");
        let c = app.sign_in(&farm[0].email, VOTER_PASSWORD).await;
        assert_eq!(app.call(&c, "cast_vote", &[("nominee", &app.nominees_in(12).await[0].uuid.to_string())]).await.0, 403);
        // lifting restores every held vote and the right to vote
        let (status, f) = app.call(&admin, "admin_lift_freeze", &[("freeze", f["id"].as_str().unwrap()), ("reason", "a school's computer room")]).await;
        assert_eq!(status, 200, "{f}");
        let counters = wsis::db::voting::counters(&app.db, e.id).await.unwrap();
        assert_eq!(counters.get(&noms[0].id).copied(), Some(5));
        assert_eq!(app.call(&c, "cast_vote", &[("nominee", &app.nominees_in(12).await[0].uuid.to_string())]).await.0, 200);
        assert_eq!(audit_count(&app, "audit.freeze").await + audit_count(&app, "audit.lift").await, 2);
        counters_equal_recount(&app).await;
    })
    .await;
}

/// An account frozen while its vote is on its way: the vote is stored but held, never
/// counted behind the freeze's back.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_vote_racing_a_freeze_is_held() {
    each_backend(|app| async move {
        let noms = app.nominees_in(13).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let mut sessions = Vec::new();
        for i in 0..40 {
            let a = app.voter(&format!("race-{i}-{}@example.org", app.backend)).await;
            sessions.push((a.clone(), wsis::db::auth::create_session(&app.db, a.id, 3600, app.services.now()).await.unwrap()));
        }
        let mut tasks = Vec::new();
        for (k, (_, token)) in sessions.iter().enumerate() {
            let (url, token, nominee) = (app.url("/api/cast_vote"), token.clone(), noms[k % noms.len()].uuid.to_string());
            tasks.push(tokio::spawn(async move {
                reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
                    .post(url)
                    .header("cookie", format!("{}={token}", wsis::db::SESSION_COOKIE))
                    .header("x-forwarded-for", random_address())
                    .form(&[("nominee", nominee.as_str())])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        for (a, _) in sessions.iter().step_by(2) {
            let (status, body) = app.call(&admin, "admin_freeze_cluster", &[("kind", "account"), ("key", &a.uuid.to_string()), ("reason", "race")]).await;
            assert!(status == 200 || status == 400, "{body}");
        }
        for t in tasks {
            let s = t.await.unwrap();
            assert!(s == 200 || s == 403, "{s}");
        }
        // every vote of a frozen account is held, and the counters agree
        for (a, _) in &sessions {
            let acct = account::Entity::find_by_id(a.id).one(&app.db).await.unwrap().unwrap();
            if acct.frozen_by.is_some() {
                let counted = vote::Entity::find().filter(vote::Column::AccountId.eq(a.id)).filter(vote::Column::Valid.eq(true)).count(&app.db).await.unwrap();
                assert_eq!(counted, 0, "[{}] a frozen account's vote counts", app.backend);
            }
        }
        counters_equal_recount(&app).await;
    })
    .await;
}

/// A session cookie opens an account only while its session lives: forged cookies, sent
/// 1,000 at once, open nothing; a real one stops working at its expiry, and the
/// housekeeping removes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_expired_session_cookies_open_no_account() {
    each_backend(|app: TestApp| async move {
        let voter = app.voter(&format!("session-{}@example.org", uuid::Uuid::new_v4().simple())).await;
        let c = app.sign_in(&voter.email, VOTER_PASSWORD).await;
        let (status, _) = app.call(&c, "my_votes", &[]).await;
        assert_eq!(status, 200, "[{}] the real session works", app.backend);

        let forged: Vec<u16> = futures::future::join_all((0..1000).map(|_| {
            let url = app.url("/api/my_votes");
            let cookie = format!("{}={}", wsis::db::SESSION_COOKIE, wsis::db::auth::random_token());
            async move {
                reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
                    .post(url)
                    .header("accept", "application/json")
                    .header("cookie", cookie)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        }))
        .await;
        assert!(forged.iter().all(|s| *s == 401 || *s == 429), "[{}] no forged cookie opens an account: {:?}", app.backend, forged.iter().collect::<HashSet<_>>());
        assert!(forged.contains(&401), "[{}] the forged cookies were answered 'sign in'", app.backend);

        app.set_now(Utc::now() + Duration::days(401));
        let (status, _) = app.call(&c, "my_votes", &[]).await;
        assert_eq!(status, 401, "[{}] the session is over at its expiry", app.backend);
        wsis::db::friction::housekeeping(&app.db, app.now()).await.unwrap();
        let left = session::Entity::find().filter(session::Column::AccountId.eq(voter.id)).count(&app.db).await.unwrap();
        assert_eq!(left, 0, "[{}] the housekeeping removed the expired session", app.backend);
    })
    .await;
}
