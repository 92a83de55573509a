//! Sign-in with an OpenID Connect provider: the real provider the test command starts
//! (`TEST_OIDC_ISSUER`, panva's oidc-provider with its development sign-in pages), the
//! real router, the real database. Under CI a missing provider fails these tests.

use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::{account, audit_log, session};

use crate::helpers::{each_backend_with, random_address, TestApp};

/// The provider's issuer URL: `TEST_OIDC_ISSUER`, required under CI.
fn issuer() -> Option<String> {
    match std::env::var("TEST_OIDC_ISSUER") {
        Ok(i) if !i.is_empty() => Some(i),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI runs the OpenID Connect tests against a real provider: TEST_OIDC_ISSUER is not set");
            None
        }
    }
}

fn with_provider(issuer: String) -> impl Fn(&mut wsis::db::Config) {
    move |c| {
        c.oidc = Some(wsis::db::config::OidcConfig {
            issuer: issuer.clone(),
            client_id: "wsis-prizes".into(),
            client_secret: wsis::db::config::Secret::new("wsis-prizes-test-secret".into()),
            name: "Test Identity".into(),
        })
    }
}

/// A browser that does not follow redirects (the test follows them, and stops at the
/// platform's callback), with one cookie jar for the platform and the provider.
fn browser() -> reqwest::Client {
    let mut h = HeaderMap::new();
    h.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
    h.insert("x-forwarded-for", HeaderValue::from_str(&random_address()).unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

fn location(r: &reqwest::Response, base: &str) -> String {
    let l = r.headers().get(LOCATION).unwrap_or_else(|| panic!("a redirect: {} {:?}", r.status(), r.headers())).to_str().unwrap().to_string();
    if l.starts_with('/') {
        format!("{base}{l}")
    } else {
        l
    }
}

fn origin_of(url: &str) -> String {
    let after = url.split_once("://").unwrap();
    format!("{}://{}", after.0, after.1.split('/').next().unwrap())
}

/// Starts a sign-in at the platform and signs in at the provider as `login`; returns the
/// callback address the provider sends the browser to (not opened yet).
async fn through_provider(app: &TestApp, b: &reqwest::Client, login: &str, next: &str) -> String {
    through_provider_with_cookie(app, b, login, next).await.0
}

/// Like [`through_provider`], with the flow cookie the platform gave the browser.
async fn through_provider_with_cookie(app: &TestApp, b: &reqwest::Client, login: &str, next: &str) -> (String, String) {
    let r = b.get(app.url(&format!("/signin/oidc?next={}", wsis::share::encode(next)))).send().await.unwrap();
    assert_eq!(r.status(), 303, "[{}] the platform sends the browser to the provider", app.backend);
    let flow = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|c| c.to_str().ok().and_then(|c| c.split(';').next()).filter(|c| c.starts_with("wsis_oidc=")).map(str::to_string))
        .expect("a flow cookie");
    let mut url = location(&r, &app.base);
    let provider = origin_of(&url);
    assert!(url.contains("code_challenge=") && url.contains("code_challenge_method=S256") && url.contains("nonce=") && url.contains("state="), "PKCE, nonce, state: {url}");
    for _ in 0..12 {
        if url.starts_with(&app.base) {
            assert!(url.contains("/signin/oidc/callback?"), "{url}");
            return (url, flow);
        }
        let r = b.get(&url).send().await.unwrap();
        if r.status().is_redirection() {
            url = location(&r, &provider);
            continue;
        }
        let html = r.text().await.unwrap();
        let action = html.split("action=\"").nth(1).and_then(|a| a.split('"').next()).unwrap_or_else(|| panic!("a form: {html}")).replace("&#x2F;", "/");
        let action = if action.starts_with('/') { format!("{provider}{action}") } else { action };
        let form: Vec<(&str, &str)> =
            if html.contains("value=\"login\"") { vec![("prompt", "login"), ("login", login), ("password", "any")] } else { vec![("prompt", "consent")] };
        let r = b.post(&action).form(&form).send().await.unwrap();
        assert!(r.status().is_redirection(), "the provider's form answers with a redirect: {}", r.status());
        url = location(&r, &provider);
    }
    panic!("the provider never sent the browser back");
}

/// The platform's answer to a new browser coming back from signing in at the provider.
async fn back_from_provider(app: &TestApp, login: &str, next: &str) -> reqwest::Response {
    let b = browser();
    let back = through_provider(app, &b, login, next).await;
    b.get(&back).send().await.unwrap()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find_map(|c| c.split(';').next().and_then(|kv| kv.strip_prefix("wsis_session=")).filter(|v| !v.is_empty()).map(str::to_string))
}

async fn sessions(app: &TestApp) -> u64 {
    session::Entity::find().count(&app.db).await.unwrap()
}

async fn account_of(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find().filter(account::Column::Email.eq(email)).one(&app.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_address_signs_in_and_a_new_one_gives_its_profile_first() {
    let Some(iss) = issuer() else { return };
    each_backend_with(with_provider(iss), |app| async move {
        // the sign-in pages offer it
        let (_, page) = app.get(&app.client(), "/signin").await;
        assert!(page.contains("data-testid=\"use-oidc\"") && page.contains("Sign in with Test Identity"), "[{}] the button", app.backend);

        // a confirmed account: signed in at once, back on the page it came from
        let voter = app.voter("oidc-voter@example.org").await;
        let b = browser();
        let back = through_provider(&app, &b, "OIDC-Voter@Example.org", "/categories/c3-access").await;
        let r = b.get(&back).send().await.unwrap();
        assert_eq!(r.status(), 303, "[{}]", app.backend);
        assert_eq!(location(&r, &app.base), app.url("/categories/c3-access"), "[{}] back where the voter started", app.backend);
        assert!(session_cookie(&r).is_some(), "[{}] a session", app.backend);
        let (status, me) = app.call(&b, "current_user", &[]).await;
        assert_eq!((status, me["email"].as_str()), (200, Some("oidc-voter@example.org")), "[{}] {me}", app.backend);
        let logged = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("account.sign_in_oidc"))
            .filter(audit_log::Column::ActorAccountId.eq(voter.id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(logged, 1, "[{}] audit-logged", app.backend);

        // a new address: no account until the name and country are given, in this browser
        let b = browser();
        let back = through_provider(&app, &b, "new-oidc@example.org", "/").await;
        let r = b.get(&back).send().await.unwrap();
        let to = location(&r, &app.base);
        assert!(to.starts_with(&app.url("/signin/code?token=")), "[{}] {to}", app.backend);
        assert!(session_cookie(&r).is_none() && account_of(&app, "new-oidc@example.org").await.is_none(), "[{}] nothing yet", app.backend);
        let token = to.split("token=").nth(1).unwrap().split('&').next().unwrap().to_string();
        // the link works only in the browser that signed in at the provider
        let (status, _) = app.call(&app.client(), "sign_in_with_code", &[("input[token]", &token)]).await;
        assert_eq!(status, 400, "[{}] another browser", app.backend);
        let (status, body) = app.call(&b, "sign_in_with_code", &[("input[token]", &token)]).await;
        assert!(status == 400 && body.to_string().contains("name and country"), "[{}] {body}", app.backend);
        let (challenge, nonce) = app.pow(&b, "sign_up").await;
        let (status, body) = app
            .call(
                &b,
                "sign_in_with_code",
                &[("input[token]", &token), ("input[display_name]", "Ola O."), ("input[country]", "Norway"), ("pow[challenge]", &challenge), ("pow[nonce]", &nonce)],
            )
            .await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);
        let made = account_of(&app, "new-oidc@example.org").await.expect("an account");
        assert!(made.confirmed_at.is_some() && made.password_hash.is_empty(), "[{}] confirmed, no password", app.backend);
        let (_, me) = app.call(&b, "current_user", &[]).await;
        assert_eq!(me["email"].as_str(), Some("new-oidc@example.org"), "[{}]", app.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_foreign_and_unverified_callbacks_sign_nobody_in() {
    let Some(iss) = issuer() else { return };
    each_backend_with(with_provider(iss), |app| async move {
        app.voter("target@example.org").await;
        let before = sessions(&app).await;
        let refused = |r: &reqwest::Response, what: &str| {
            assert_eq!(r.status(), 303, "[{}] {what}", app.backend);
            assert!(location(r, &app.base).starts_with(&app.url("/signin")), "[{}] {what}: back to the sign-in page", app.backend);
            assert!(session_cookie(r).is_none(), "[{}] {what}: no session", app.backend);
            crate::helpers::flash_of(&app, r).unwrap_or_else(|| panic!("[{}] {what}: a message", app.backend)).text
        };

        // a callback opened in another browser (login CSRF: the attacker's own code sent to
        // a victim) finds no flow to finish
        let attacker = browser();
        let back = through_provider(&app, &attacker, "attacker@example.org", "/").await;
        let victim = browser();
        let r = victim.get(&back).send().await.unwrap();
        assert!(refused(&r, "another browser").contains("not started in this browser"));

        // a state that is not the one sent; a cookie edited by hand
        let b = browser();
        let back = through_provider(&app, &b, "target@example.org", "/").await;
        let forged_state = back.replacen("state=", "state=x", 1);
        let r = b.get(&forged_state).send().await.unwrap();
        refused(&r, "another state");
        let forger = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = forger.get(&back).header("cookie", "wsis_oidc=7b7d.00000000000000000000000000000000").send().await.unwrap();
        refused(&r, "a forged cookie");

        // the genuine callback signs in once; replayed with its flow cookie (the code is
        // spent at the provider) or without it, it signs nobody in
        let b = browser();
        let (back, flow) = through_provider_with_cookie(&app, &b, "target@example.org", "/").await;
        let r = b.get(&back).send().await.unwrap();
        assert!(session_cookie(&r).is_some(), "[{}] the genuine callback", app.backend);
        assert!(
            r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("wsis_oidc=;")),
            "[{}] the flow cookie is removed",
            app.backend
        );
        let replay = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        for cookie in [Some(flow.as_str()), None] {
            let mut q = replay.get(&back);
            if let Some(c) = cookie {
                q = q.header("cookie", c);
            }
            let r = q.send().await.unwrap();
            refused(&r, "a replayed callback");
        }
        assert_eq!(sessions(&app).await, before + 1, "[{}] one session from all of it", app.backend);

        // an address the provider has not verified makes no account and signs nobody in
        let r = back_from_provider(&app, "unverified:target@example.org", "/").await;
        assert!(refused(&r, "an unverified address").contains("did not confirm an e-mail address"));
        let r = back_from_provider(&app, "unverified:nobody-yet@example.org", "/").await;
        refused(&r, "an unverified new address");
        assert!(account_of(&app, "nobody-yet@example.org").await.is_none(), "[{}] no account", app.backend);

        // a privileged role keeps its password: the provider's word does not sign it in
        let r = back_from_provider(&app, "admin@wsis.example", "/admin").await;
        assert!(refused(&r, "an admin").contains("signs in with its password"));

        // a return address on another site becomes this site's home page
        let r = back_from_provider(&app, "target@example.org", "//evil.example/steal").await;
        assert_eq!(location(&r, &app.base), app.url("/"), "[{}] no open redirect", app.backend);

        // a stranger's flood of sign-in starts: each a redirect with its own flow, nothing stored
        let before_starts = (sessions(&app).await, account::Entity::find().count(&app.db).await.unwrap());
        let starts = futures::future::join_all((0..200).map(|_| {
            let url = app.url("/signin/oidc");
            async move { browser().get(url).send().await.unwrap() }
        }))
        .await;
        assert!(starts.iter().all(|r| r.status() == 303 && r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("wsis_oidc="))), "[{}] every start redirects", app.backend);
        assert_eq!((sessions(&app).await, account::Entity::find().count(&app.db).await.unwrap()), before_starts, "[{}] starts store nothing", app.backend);

        // a stranger's flood of made-up callbacks, in parallel: refused, nothing stored
        let before = sessions(&app).await;
        let accounts = account::Entity::find().count(&app.db).await.unwrap();
        let flood = futures::future::join_all((0..200).map(|i| {
            let url = app.url(&format!("/signin/oidc/callback?code=c{i}&state=s{i}"));
            async move {
                let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
                c.get(url).header("x-forwarded-for", random_address()).send().await.unwrap()
            }
        }))
        .await;
        assert!(flood.iter().all(|r| r.status() == 303 && session_cookie(r).is_none()), "[{}] every made-up callback refused", app.backend);
        assert_eq!((sessions(&app).await, account::Entity::find().count(&app.db).await.unwrap()), (before, accounts), "[{}] nothing stored", app.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_provider_there_is_no_such_sign_in() {
    let app = crate::helpers::spawn_app(None).await;
    let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = c.get(app.url("/signin/oidc")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let (_, page) = app.get(&app.client(), "/signin").await;
    assert!(!page.contains("data-testid=\"use-oidc\""), "no button");
}
