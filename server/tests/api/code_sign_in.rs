//! Signing in with a code sent by e-mail: the voter's way in, and what an attacker gets
//! from it (nothing).

use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use wsis::account::Role;
use wsis::db::entity::{account, session, sign_in_code};
use wsis::db::sign_in_code::{CODE_MAILS_PER_MAILBOX_PER_HOUR, CODE_MAILS_PER_NETWORK_PER_HOUR, CODE_OTHER_BROWSER, CODE_REFUSED, CODE_SENT_ANSWER};

use crate::helpers::{each_backend, TestApp, VOTER_PASSWORD};

async fn request_code(app: &TestApp, c: &reqwest::Client, email: &str) -> (u16, Value) {
    let (status, body, _) = request_code_cookie(app, c, email).await;
    (status, body)
}

/// Asks for a code; also answers the request cookie the server set.
async fn request_code_cookie(app: &TestApp, c: &reqwest::Client, email: &str) -> (u16, Value, Option<String>) {
    let r = c.post(app.url("/api/request_sign_in_code")).form(&[("email", email), ("next", "/categories/c3")]).send().await.unwrap();
    let status = r.status().as_u16();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("wsis_code=").map(|rest| rest.split(';').next().unwrap().to_string()));
    let body = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    // the mail goes out after the answer: let it, so that mails keep the requests' order
    app.flush_mail().await;
    (status, body, cookie)
}

/// A browser that sends exactly this request cookie and keeps nothing it is sent.
fn replaying(cookie: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("accept", "application/json".parse().unwrap());
    h.insert("x-forwarded-for", crate::helpers::random_address().parse().unwrap());
    h.insert("cookie", format!("wsis_code={cookie}").parse().unwrap());
    reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).default_headers(h).build().unwrap()
}

/// The code and the link's token of the last code mail to `email`.
async fn last_code(app: &TestApp, email: &str) -> (String, String) {
    let mails = app.outbox_for(email).await;
    let m = mails.iter().rev().find(|m| m.contains("/signin/code?token=")).unwrap_or_else(|| panic!("[{}] no code mail: {mails:?}", app.backend));
    let subject = m.lines().find(|l| l.starts_with("Subject:")).unwrap();
    let code = subject[subject.len() - 6..].to_string();
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    let link = wsis::db::mail::find_link(m, "/signin/code?token=").unwrap();
    (code, link.split("token=").nth(1).unwrap().to_string())
}

async fn enter(app: &TestApp, c: &reqwest::Client, code: &str, profile: bool) -> (u16, Value) {
    let mut form: Vec<(&str, String)> = vec![("input[code]", code.to_string())];
    if profile {
        // making an account costs a sign-up's proof of work
        let (challenge, nonce) = app.pow(c, "sign_up").await;
        form.extend([
            ("input[display_name]", "Amina A.".to_string()),
            ("input[country]", "Senegal".to_string()),
            ("input[organisation]", String::new()),
            ("pow[challenge]", challenge),
            ("pow[nonce]", nonce),
        ]);
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(c, "sign_in_with_code", &form).await
}

async fn account_of(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find().filter(account::Column::Email.eq(email)).one(&app.db).await.unwrap()
}

async fn sessions_of(app: &TestApp, id: i32) -> u64 {
    session::Entity::find().filter(session::Column::AccountId.eq(id)).count(&app.db).await.unwrap()
}

fn other(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_address_votes_after_one_code_with_a_confirmed_account() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, body, cookie) = request_code_cookie(&app, &c, "Amina@Example.org").await;
        assert_eq!((status, body.as_str()), (200, Some(CODE_SENT_ANSWER)), "[{}] {body}", app.backend);
        let cookie = cookie.expect("a request cookie");
        assert!(account_of(&app, "amina@example.org").await.is_none(), "asking makes no account");
        let (code, _) = last_code(&app, "amina@example.org").await;

        // the first use asks for a name and a country and keeps the code (and its attempt);
        // without the sign-up's proof of work no account is made
        for _ in 0..wsis::account::SIGN_IN_CODE_ATTEMPTS + 1 {
            let (status, body) = enter(&app, &c, &code, false).await;
            assert_eq!(status, 400, "{body}");
            assert!(body.to_string().contains("name and country"), "{body}");
        }
        let (status, body) = app.call(&c, "sign_in_with_code", &[("input[code]", &code), ("input[display_name]", "Amina A."), ("input[country]", "Senegal")]).await;
        assert_eq!(status, 429, "{body}");
        assert!(account_of(&app, "amina@example.org").await.is_none());
        let (status, body) = enter(&app, &c, &code, true).await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);
        assert_eq!(body["next"], "/categories/c3", "back where the voter came from");
        let (_, me) = app.call(&c, "current_user", &[]).await;
        assert_eq!((me["email"].as_str(), me["confirmed"].as_bool(), me["display_name"].as_str()), (Some("amina@example.org"), Some(true), Some("Amina A.")));
        let a = account_of(&app, "amina@example.org").await.unwrap();
        assert!(a.password_hash.is_empty() && a.confirmed_at.is_some());
        let nominee = app.nominees_in(3).await[0].uuid.to_string();
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &nominee)]).await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);

        // once only (even replayed with the browser's request cookie), and no password
        // opens an account that has none
        let (status, _) = enter(&app, &app.client(), &code, true).await;
        assert_eq!(status, 400);
        let (status, body) = enter(&app, &replaying(&cookie), &code, true).await;
        assert_eq!(status, 400, "a used code does not work twice: {body}");
        assert_eq!(body["Fields"][0][1], CODE_REFUSED);
        for pw in ["", "x", VOTER_PASSWORD] {
            let (status, _) = app.call(&app.client(), "sign_in", &[("email", "amina@example.org"), ("password", pw)]).await;
            assert_eq!(status, 400, "password {pw:?}");
        }
        // the next visit: a code signs the same account in, no questions asked
        let c2 = app.client();
        request_code(&app, &c2, "amina@example.org").await;
        let (code, _) = last_code(&app, "amina@example.org").await;
        let (status, body) = enter(&app, &c2, &code, false).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(account::Entity::find().filter(account::Column::Email.eq("amina@example.org")).count(&app.db).await.unwrap(), 1);
    })
    .await;
}

/// The link works in the browser that asked, after a press of its button: a mail
/// scanner's GET or another browser's press opens nothing and spends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_signs_in_only_the_browser_that_asked() {
    each_backend(|app| async move {
        let known = app.voter("known@example.org").await;
        let c = app.client();
        let (_, answer_known, cookie) = request_code_cookie(&app, &c, "known@example.org").await;
        let cookie = cookie.unwrap();
        let (_, answer_unknown) = request_code(&app, &app.client(), "nobody-here@example.org").await;
        assert_eq!(answer_known, answer_unknown, "the answer does not tell whether an account exists");
        let (_, token) = last_code(&app, "known@example.org").await;

        let scanner = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
        let page = scanner.get(app.url(&format!("/signin/code?token={token}"))).send().await.unwrap();
        assert_eq!(page.status(), 200);
        // another browser, with a request cookie of its own, and one with none
        let elsewhere = app.client();
        request_code(&app, &elsewhere, "someone-else@example.org").await;
        for other in [elsewhere, app.client()] {
            let (status, body) = app.call(&other, "sign_in_with_code", &[("input[token]", &token)]).await;
            assert_eq!((status, body["Invalid"].as_str()), (400, Some(CODE_OTHER_BROWSER)), "{body}");
        }
        assert_eq!(sessions_of(&app, known.id).await, 0);

        let (status, body) = app.call(&c, "sign_in_with_code", &[("input[token]", &token)]).await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);
        assert_eq!(body["user"]["email"], "known@example.org");
        assert_eq!(sessions_of(&app, known.id).await, 1);
        let again = replaying(&cookie);
        let (status, body) = app.call(&again, "sign_in_with_code", &[("input[token]", &token)]).await;
        assert_eq!((status, body["Invalid"].as_str()), (400, Some(CODE_REFUSED)), "once: {body}");
        let (status, body) = app.call(&again, "sign_in_with_code", &[("input[token]", &"f".repeat(64))]).await;
        assert_eq!((status, body["Invalid"].as_str()), (400, Some(CODE_REFUSED)), "a made-up token: {body}");
        assert_eq!(sessions_of(&app, known.id).await, 1);
    })
    .await;
}

/// Someone who asked for a code to another person's address from their own browser cannot
/// use the code that person received; the right code sent twenty times at once signs in once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_is_bound_to_its_browser_and_spent_once_under_a_race() {
    each_backend(|app| async move {
        let victim = app.voter("victim@example.org").await;
        let mallory = app.client();
        request_code(&app, &mallory, "victim@example.org").await;
        let c = app.client();
        request_code(&app, &c, "victim@example.org").await;
        let (code, _) = last_code(&app, "victim@example.org").await;
        let (status, _) = enter(&app, &mallory, &code, false).await;
        assert_eq!(status, 400, "another browser's code");
        let (status, _) = enter(&app, &app.client(), &code, false).await;
        assert_eq!(status, 400, "a browser that asked for nothing");

        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (c, url, code) = (c.clone(), app.url("/api/sign_in_with_code"), code.clone());
            tasks.push(tokio::spawn(async move { c.post(url).form(&[("input[code]", code.as_str())]).send().await.unwrap().status().as_u16() }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                200 => ok += 1,
                400 | 409 | 429 => {}
                other => panic!("[{}] status {other}", app.backend),
            }
        }
        assert_eq!(ok, 1, "[{}] one sign-in", app.backend);
        assert_eq!(sessions_of(&app, victim.id).await, 1);
    })
    .await;
}

/// An attacker who asked for a code to someone's address guesses it a thousand times in
/// parallel from that browser: at most five guesses are compared (fewer when the flood
/// outruns the client's free tries and the rest need a proof of work each), then the code
/// is dead; the address holder still signs in with a new code.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_parallel_guesses_at_a_code_compare_at_most_five() {
    each_backend(|app| async move {
        let victim = app.voter("guessed@example.org").await;
        let attacker = app.client();
        let (_, _, cookie) = request_code_cookie(&app, &attacker, "guessed@example.org").await;
        let cookie = cookie.unwrap();
        let (code, _) = last_code(&app, "guessed@example.org").await;
        // a thousand guesses, a hundred in flight at a time (one process's sockets)
        let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
        let mut tasks = Vec::new();
        for i in 0..1000u32 {
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            let (c, url, gate) = (attacker.clone(), app.url("/api/sign_in_with_code"), gate.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = gate.acquire().await.unwrap();
                c.post(url).form(&[("input[code]", guess.as_str())]).send().await.unwrap().status().as_u16()
            }));
        }
        for t in tasks {
            let s = t.await.unwrap();
            assert!(s == 400 || s == 429, "[{}] status {s}", app.backend);
        }
        let attempts = || async {
            sign_in_code::Entity::find().filter(sign_in_code::Column::Email.eq("guessed@example.org")).one(&app.db).await.unwrap().unwrap().attempts
        };
        let compared = attempts().await;
        assert!(compared <= wsis::account::SIGN_IN_CODE_ATTEMPTS, "[{}] {compared} comparisons", app.backend);
        // the guesses the flood left, one by one, from fresh addresses with the browser's
        // request cookie (the flood's address has used up its rate)
        let elsewhere = replaying(&cookie);
        for i in compared..wsis::account::SIGN_IN_CODE_ATTEMPTS + 3 {
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 2000 + i as u32) % 1_000_000);
            let (status, body) = app.call(&elsewhere, "sign_in_with_code", &[("input[code]", &guess)]).await;
            assert_eq!(status, 400, "{body}");
        }
        assert_eq!(attempts().await, wsis::account::SIGN_IN_CODE_ATTEMPTS, "[{}] five comparisons in all", app.backend);
        let (status, _) = app.call(&replaying(&cookie), "sign_in_with_code", &[("input[code]", &code)]).await;
        assert_eq!(status, 400, "even the right code is dead after five guesses");
        assert_eq!(sessions_of(&app, victim.id).await, 0);

        let c = app.client();
        request_code(&app, &c, "guessed@example.org").await;
        let (code, _) = last_code(&app, "guessed@example.org").await;
        let (status, body) = enter(&app, &c, &code, false).await;
        assert_eq!(status, 200, "[{}] the holder gets in: {body}", app.backend);
    })
    .await;
}

/// Fifty requests for someone's codes from one network send three mails and leave the
/// address holder's own requests working; a hundred networks together send at most the
/// mailbox's hourly limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_floods_an_inbox_with_codes_nor_uses_up_someone_elses() {
    each_backend(|app| async move {
        let mut answers = HashSet::new();
        for i in 0..50 {
            let (status, body) = request_code(&app, &app.client_at(&format!("198.51.100.{}", i + 1)), "flooded@example.org").await;
            assert_eq!(status, 200, "{body}");
            answers.insert(body.to_string());
        }
        assert_eq!(answers.len(), 1);
        assert_eq!(app.outbox_for("flooded@example.org").await.len() as u64, CODE_MAILS_PER_NETWORK_PER_HOUR, "[{}]", app.backend);
        let holder = app.client_at("203.0.113.9");
        request_code(&app, &holder, "flooded@example.org").await;
        let (code, _) = last_code(&app, "flooded@example.org").await;
        let (status, body) = enter(&app, &holder, &code, true).await;
        assert_eq!(status, 200, "[{}] the holder's own request was sent: {body}", app.backend);

        // a hundred networks together: at most the mailbox's hourly limit arrives ...
        for _ in 0..100 {
            request_code(&app, &app.client(), "flooded@example.org").await;
        }
        let n = app.outbox_for("flooded@example.org").await.len() as u64;
        assert!(n <= CODE_MAILS_PER_MAILBOX_PER_HOUR, "[{}] {n} mails in an hour", app.backend);
        // ... and the holder's browser, which signed in to this mailbox before, still gets its code
        request_code(&app, &holder, "flooded@example.org").await;
        assert_eq!(app.outbox_for("flooded@example.org").await.len() as u64, n + 1, "[{}] the holder is not locked out", app.backend);
        let (code, _) = last_code(&app, "flooded@example.org").await;
        let (status, body) = enter(&app, &holder, &code, false).await;
        assert_eq!(status, 200, "{body}");
        // a stranger's browser without that cookie gets nothing more
        request_code(&app, &app.client(), "flooded@example.org").await;
        assert_eq!(app.outbox_for("flooded@example.org").await.len() as u64, n + 1);
    })
    .await;
}

/// Accounts with a role sign in with their password: a code request gets them a note, no
/// code, and the answer is the one everybody gets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_accounts_keep_their_passwords() {
    each_backend(|app| async move {
        wsis::db::auth::ensure_account(&app.db, "expert@example.org", VOTER_PASSWORD, "Eve Expert", "", "France", &[Role::Expert], app.now())
            .await
            .unwrap();
        let c = app.client();
        let (status, body) = request_code(&app, &c, "expert@example.org").await;
        assert_eq!((status, body.as_str()), (200, Some(CODE_SENT_ANSWER)));
        let mails = app.outbox_for("expert@example.org").await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("/forgot") && !mails[0].contains("/signin/code?token="), "{}", mails[0]);
        assert_eq!(sign_in_code::Entity::find().filter(sign_in_code::Column::Email.eq("expert@example.org")).count(&app.db).await.unwrap(), 0);
    })
    .await;
}

/// Whoever signed up with someone else's address and never confirmed it loses it to the
/// holder's first code: their password stops working and the holder's profile replaces theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_code_takes_an_unconfirmed_address_back() {
    each_backend(|app| async move {
        let (status, _) = app.sign_up(&app.client(), "squatted@example.org", "the squatter's pass").await;
        assert_eq!(status, 200);
        app.flush_mail().await;
        let c = app.client();
        request_code(&app, &c, "squatted@example.org").await;
        let (code, _) = last_code(&app, "squatted@example.org").await;
        let (status, body) = enter(&app, &c, &code, false).await;
        assert_eq!(status, 400, "an unconfirmed account asks for the profile again: {body}");
        let (status, body) = enter(&app, &c, &code, true).await;
        assert_eq!(status, 200, "{body}");
        let a = account_of(&app, "squatted@example.org").await.unwrap();
        assert_eq!((a.display_name.as_str(), a.country.as_str()), ("Amina A.", "Senegal"));
        let (status, _) = app.call(&app.client(), "sign_in", &[("email", "squatted@example.org"), ("password", "the squatter's pass")]).await;
        assert_eq!(status, 400);
        // the squatter's confirmation link is retired too
        let link = app.confirmation_link("squatted@example.org").await;
        let token = link.split("token=").nth(1).unwrap();
        let (status, _) = app.call(&app.client(), "confirm_email", &[("token", token), ("password", "the squatter's pass")]).await;
        assert_eq!(status, 400);
    })
    .await;
}

/// Expired codes, malformed input and refused addresses get a clear message and change nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_codes_and_bad_input_change_nothing() {
    each_backend(|app| async move {
        let c = app.client();
        request_code(&app, &c, "late@example.org").await;
        let (code, _) = last_code(&app, "late@example.org").await;
        app.set_now(app.now() + chrono::Duration::minutes(wsis::account::SIGN_IN_CODE_TTL_MINUTES + 1));
        let (status, body) = enter(&app, &c, &code, true).await;
        assert_eq!(status, 400);
        assert_eq!(body["Fields"][0][1], CODE_REFUSED, "{body}");
        for bad in ["", "abc", "12345", &"9".repeat(10_000), "123456\u{0}", &other(&code)] {
            let (status, _) = enter(&app, &c, bad, true).await;
            assert!(status == 400 || status == 413, "{bad:.20}: {status}");
        }
        assert!(account_of(&app, "late@example.org").await.is_none());
        for (email, field) in [("not an address", "email"), ("someone@mailinator.com", "email")] {
            let (status, body) = request_code(&app, &c, email).await;
            assert_eq!(status, 400, "{body}");
            assert!(body["Fields"][0][0] == field, "{body}");
        }
        let long_name = "n".repeat(101);
        request_code(&app, &c, "fresh@example.org").await;
        let (code, _) = last_code(&app, "fresh@example.org").await;
        let (status, body) = app.call(&c, "sign_in_with_code", &[("input[code]", &code), ("input[display_name]", &long_name), ("input[country]", "Chile")]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("display_name"), "{body}");
        assert!(account_of(&app, "fresh@example.org").await.is_none());
    })
    .await;
}
