use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, PaginatorTrait};
use sea_orm::sea_query::Expr;
use wsis::db::entity::{account, email_token, session};
use wsis::db::mail::find_link;

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};

async fn sign_up(app: &TestApp, c: &reqwest::Client, email: &str) -> (u16, serde_json::Value) {
    app.sign_up(c, email, "a long enough secret").await
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_confirm_sign_in() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, body) = sign_up(&app, &c, "Nadia@Example.org").await;
        assert_eq!(status, 200, "{body}");
        let mails = app.outbox_for("nadia@example.org").await;
        assert_eq!(mails.len(), 1);
        let link = find_link(&mails[0], "/confirm?token=").expect("confirmation link");
        assert!(link.starts_with(&app.base));

        // not confirmed yet: no session at all
        let (status, body) = app.call(&c, "sign_in", &[("email", "nadia@example.org"), ("password", "a long enough secret")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Invalid"], wsis::db::auth::SIGN_IN_REFUSED);

        // the link opens with the password chosen at sign-up, and signs this browser in
        let (status, body) = app.call(&c, "confirm_email", &[("token", &token_of(&link)), ("password", "not the one")]).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = app.call(&c, "confirm_email", &[("token", &token_of(&link)), ("password", "a long enough secret")]).await;
        assert_eq!(status, 200, "{body}");
        let (status, me) = app.call(&c, "current_user", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(me["email"], "nadia@example.org");
        assert_eq!(me["confirmed"], true);
        assert_eq!(me["display_name"], "Nadia N.");
        let nominee = app.nominees_in(3).await[0].uuid.to_string();
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &nominee)]).await;
        assert_eq!(status, 200, "{body}");
        app.sign_in("nadia@example.org", "a long enough secret").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_work_once_and_expire() {
    each_backend(|app| async move {
        let c = app.client();
        sign_up(&app, &c, "once@example.org").await;
        let link = find_link(&app.outbox_for("once@example.org").await[0], "/confirm?token=").unwrap();
        let token = token_of(&link);
        let pw = ("password", "a long enough secret");
        assert_eq!(app.call(&c, "confirm_email", &[("token", &token), pw]).await.0, 200);
        let (status, body) = app.call(&c, "confirm_email", &[("token", &token), pw]).await;
        assert_eq!(status, 400);
        assert!(body.to_string().contains("already used"), "{body}");

        // an expired link
        sign_up(&app, &c, "late@example.org").await;
        let link = find_link(&app.outbox_for("late@example.org").await[0], "/confirm?token=").unwrap();
        email_token::Entity::update_many()
            .col_expr(email_token::Column::ExpiresAt, Expr::value(Utc::now() - Duration::minutes(1)))
            .exec(&app.db)
            .await
            .unwrap();
        let (status, body) = app.call(&c, "confirm_email", &[("token", &token_of(&link)), pw]).await;
        assert_eq!(status, 400);
        assert!(body.to_string().contains("expired"), "{body}");
        let a = account::Entity::find().filter(account::Column::Email.eq("late@example.org")).one(&app.db).await.unwrap().unwrap();
        assert!(a.confirmed_at.is_none(), "expired link confirmed nothing");

        // a malformed token
        let (status, _) = app.call(&c, "confirm_email", &[("token", "nonsense")]).await;
        assert_eq!(status, 400);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_answer_for_known_and_unknown_addresses() {
    each_backend(|app| async move {
        let c = app.client();
        let (s1, b1) = sign_up(&app, &c, "voter@wsis.example").await;
        let (s2, b2) = sign_up(&app, &c, "brand-new@example.org").await;
        assert_eq!((s1, &b1), (s2, &b2));
        let before = account::Entity::find().filter(account::Column::Email.eq("voter@wsis.example")).one(&app.db).await.unwrap().unwrap();
        assert_eq!(before.display_name, "Vera Voter", "existing account unchanged");
        let (s1, b1) = app.call(&c, "request_password_reset", &[("email", "voter@wsis.example")]).await;
        let (s2, b2) = app.call(&c, "request_password_reset", &[("email", "nobody@example.org")]).await;
        assert_eq!((s1, &b1), (s2, &b2));
        assert_eq!(s1, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_field_messages() {
    each_backend(|app| async move {
        let c = app.client();
        let long = "x".repeat(500);
        let (status, body) = app
            .call(&c, "sign_up", &[("input[email]", "not-an-email"), ("input[password]", "short"), ("input[display_name]", &long), ("input[country]", "")])
            .await;
        assert_eq!(status, 400, "{body}");
        let text = body.to_string();
        assert!(text.contains("not a valid e-mail"), "{text}");
        assert!(text.contains("at least 10"), "{text}");
        assert!(text.contains("at most 100"), "{text}");
        assert!(text.contains("Country is required"), "{text}");
        let (status, body) = app
            .call(&c, "sign_up", &[("input[email]", "ok@example.org"), ("input[password]", "password123"), ("input[display_name]", "A"), ("input[country]", "Peru")])
            .await;
        assert_eq!(status, 400);
        assert!(body.to_string().contains("too common"));
        // a missing argument is a 400 too, never a 500
        let (status, body) = app.call(&c, "sign_up", &[("input[email]", "ok@example.org")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(account::Entity::find().filter(account::Column::Email.eq("ok@example.org")).count(&app.db).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_changes_password_and_ends_sessions() {
    each_backend(|app| async move {
        app.voter("reset@example.org").await;
        let old = app.sign_in("reset@example.org", VOTER_PASSWORD).await;
        let c = app.client();
        app.call(&c, "request_password_reset", &[("email", "reset@example.org")]).await;
        let link = find_link(&app.outbox_for("reset@example.org").await[0], "/reset?token=").unwrap();
        let (status, body) = app.call(&c, "reset_password", &[("token", &token_of(&link)), ("password", "a brand new passphrase")]).await;
        assert_eq!(status, 200, "{body}");
        let (_, me) = app.call(&old, "current_user", &[]).await;
        assert!(me.is_null(), "old session ended: {me}");
        let (status, _) = app.call(&c, "sign_in", &[("email", "reset@example.org"), ("password", VOTER_PASSWORD)]).await;
        assert_eq!(status, 400);
        app.sign_in("reset@example.org", "a brand new passphrase").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_throttled() {
    each_backend(|app| async move {
        app.voter("target@example.org").await;
        let c = app.client();
        for _ in 0..5 {
            let (status, body) = app.call(&c, "sign_in", &[("email", "target@example.org"), ("password", "wrong password!")]).await;
            assert_eq!(status, 400);
            assert_eq!(body["Invalid"], wsis::db::auth::SIGN_IN_REFUSED);
        }
        // past the limit even the right password needs a proof of work …
        let (status, body) = app.call(&c, "sign_in", &[("email", "target@example.org"), ("password", VOTER_PASSWORD)]).await;
        assert_eq!(status, 429, "{body}");
        assert!(body.get("Challenge").is_some(), "{body}");
        // … and with one, the real user gets in: nobody can lock them out
        let (challenge, nonce) = app.pow(&c, "sign_in").await;
        let (status, body) = app
            .call(&c, "sign_in", &[("email", "target@example.org"), ("password", VOTER_PASSWORD), ("pow[challenge]", &challenge), ("pow[nonce]", &nonce)])
            .await;
        assert_eq!(status, 200, "{body}");
        // the refusal for an unknown address reads exactly like a wrong password
        let (status, body) = app.call(&app.client(), "sign_in", &[("email", "ghost@example.org"), ("password", "wrong password!")]).await;
        assert_eq!(status, 400);
        assert_eq!(body["Invalid"], wsis::db::auth::SIGN_IN_REFUSED);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_posts_are_refused() {
    each_backend(|app| async move {
        let c = app.client();
        for (header, value) in [("origin", "http://evil.example"), ("referer", "http://evil.example/page")] {
            let r = c
                .post(app.url("/api/sign_up"))
                .header(header, value)
                .form(&[("input[email]", "csrf@example.org"), ("input[password]", "a long enough secret"), ("input[display_name]", "X"), ("input[country]", "Peru")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403);
        }
        assert_eq!(account::Entity::find().filter(account::Column::Email.eq("csrf@example.org")).count(&app.db).await.unwrap(), 0);
        // same origin passes
        let r = c
            .post(app.url("/api/current_user"))
            .header("origin", app.base.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_checked_on_the_server() {
    each_backend(|app| async move {
        let anon = app.client();
        let (status, _) = app.call(&anon, "admin_list_accounts", &[]).await;
        assert_eq!(status, 401);
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app.call(&voter, "admin_list_accounts", &[]).await;
        assert_eq!(status, 403, "{body}");
        let target = account::Entity::find().filter(account::Column::Email.eq("voter@wsis.example")).one(&app.db).await.unwrap().unwrap();
        let (status, _) = app.call(&voter, "admin_set_role", &[("account", &target.uuid.to_string()), ("role", "admin"), ("granted", "true")]).await;
        assert_eq!(status, 403);

        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, rows) = app.call(&admin, "admin_list_accounts", &[("role", "admin")]).await;
        assert_eq!(status, 200);
        assert_eq!(rows["rows"].as_array().unwrap().len(), 1);
        assert_eq!((rows["total"].as_u64(), rows["page"].as_u64()), (Some(1), Some(1)));
        let (status, row) = app.call(&admin, "admin_set_role", &[("account", &target.uuid.to_string()), ("role", "expert"), ("granted", "true")]).await;
        assert_eq!(status, 200, "{row}");
        assert_eq!(row["roles"], serde_json::json!(["Expert"]));
        let (_, me) = app.call(&voter, "current_user", &[]).await;
        assert_eq!(me["roles"], serde_json::json!(["Expert"]));
        let audit = wsis::db::entity::audit_log::Entity::find()
            .filter(wsis::db::entity::audit_log::Column::Action.eq("account.role_granted"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(audit, 1);
        let (status, _) = app.call(&admin, "admin_set_role", &[("account", &target.uuid.to_string()), ("role", "wizard"), ("granted", "true")]).await;
        assert_eq!(status, 400);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_is_invalid_after_sign_out_and_rotated_at_sign_in() {
    each_backend(|app| async move {
        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let sessions_before = session::Entity::find().count(&app.db).await.unwrap();
        // signing in again from the same browser replaces the session
        let (status, _) = app.call(&c, "sign_in", &[("email", "voter@wsis.example"), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(status, 200);
        assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), sessions_before);
        let (_, me) = app.call(&c, "current_user", &[]).await;
        assert_eq!(me["email"], "voter@wsis.example");
        let (status, _) = app.call(&c, "sign_out", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), sessions_before - 1);
        let (_, me) = app.call(&c, "current_user", &[]).await;
        assert!(me.is_null());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_http_only_and_lax() {
    each_backend(|app| async move {
        let r = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap()
            .post(app.url("/api/sign_in"))
            .form(&[("email", "voter@wsis.example"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"), "plain http public URL");
        let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
        assert!(token.len() >= 32, "at least 128 bits");
    })
    .await;
}

/// The accounts list is read a page at a time: 450 more accounts make three pages of 200,
/// each page its own rows, and a page number that is not one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accounts_list_comes_in_pages() {
    use sea_orm::ActiveModelTrait;
    each_backend(|app| async move {
        let now = chrono::Utc::now();
        for i in 0..450 {
            account::ActiveModel {
                uuid: sea_orm::Set(uuid::Uuid::new_v4()),
                email: sea_orm::Set(format!("paged{i:03}@voters.example")),
                display_name: sea_orm::Set(format!("Paged {i}")),
                password_hash: sea_orm::Set(String::new()),
                organisation: sea_orm::Set(String::new()),
                country: sea_orm::Set("Kenya".into()),
                lang: sea_orm::Set("en".into()),
                created_at: sea_orm::Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let mut seen = std::collections::HashSet::new();
        for page in 1..=3 {
            let (status, list) = app.call(&admin, "admin_list_accounts", &[("q", "@voters.example"), ("page", &page.to_string())]).await;
            assert_eq!(status, 200, "{list}");
            assert_eq!(list["total"], 450);
            let rows = list["rows"].as_array().unwrap();
            assert_eq!(rows.len(), if page < 3 { 200 } else { 50 }, "page {page}");
            for r in rows {
                assert!(seen.insert(r["email"].as_str().unwrap().to_string()), "{} on two pages", r["email"]);
            }
        }
        assert_eq!(seen.len(), 450);
        let (_, beyond) = app.call(&admin, "admin_list_accounts", &[("q", "@voters.example"), ("page", "4")]).await;
        assert_eq!(beyond["rows"].as_array().unwrap().len(), 0);
        for bad in ["0", "-1", "two", "100001"] {
            let (status, body) = app.call(&admin, "admin_list_accounts", &[("page", bad)]).await;
            assert_eq!(status, 400, "page {bad}: {body}");
        }
        // a voter paging through the accounts, 200 calls at once: nothing comes back
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let calls = (1..=200).map(|p| {
            let (app, voter) = (&app, &voter);
            async move { app.call(voter, "admin_list_accounts", &[("page", &p.to_string())]).await }
        });
        for (status, body) in futures::future::join_all(calls).await {
            assert!(status == 403 || status == 429, "[{}] {status}: {body}", app.backend);
            assert!(!body.to_string().contains("@voters.example"), "[{}] {body}", app.backend);
        }
        let (_, html) = app.get(&admin, "/admin/accounts?q=%40voters.example&page=2").await;
        assert!(html.contains("data-testid=\"pager\"") && html.contains("rel=\"next\"") && html.contains("rel=\"prev\""), "{html}");
        assert!(html.contains("paged200@voters.example") && !html.contains("paged199@voters.example"), "the second page's rows");
    })
    .await;
}
