//! Campaign links: a nominee's team makes them, votes that come through them are counted
//! per campaign for the audit, farmed ones are flagged, and nobody else learns a count.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use wsis::db::entity::{account, nomination, vote};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};

/// A nominee of category `cat` handed to a new team account; its signed-in client.
async fn team_nominee(app: &TestApp, cat: i32, email: &str) -> (uuid::Uuid, reqwest::Client) {
    let team = app.voter(email).await;
    let n = app.nominees_in(cat).await[0].clone();
    nomination::Entity::update_many()
        .col_expr(nomination::Column::AccountId, Expr::value(Some(team.id)))
        .filter(nomination::Column::Id.eq(n.id))
        .exec(&app.db)
        .await
        .unwrap();
    app.services.nominee_pages.clear();
    (n.uuid, app.sign_in(email, VOTER_PASSWORD).await)
}

async fn create(app: &TestApp, c: &reqwest::Client, nominee: uuid::Uuid, code: &str) -> (u16, Value) {
    app.call(c, "create_campaign", &[("nominee", &nominee.to_string()), ("code", code), ("label", "Our channel")]).await
}

/// Casts through the service with the campaign cookie a visitor would carry.
async fn cast_via(app: &TestApp, voter: &account::Model, nominee: uuid::Uuid, origin: &str, via: &str) {
    let addr = format!("10.{}.{}.1", (voter.id >> 8) & 255, voter.id & 255);
    let pow = wsis::pow::Solution::default();
    let from = wsis::db::voting::Ballot { origin, addr: &addr, pow: &pow, via: Some(via) };
    wsis::db::voting::cast_vote(&app.services, voter, nominee, from).await.unwrap();
}

async fn campaign_of_vote(app: &TestApp, email: &str) -> Option<i32> {
    let a = account::Entity::find().filter(account::Column::Email.eq(email)).one(&app.db).await.unwrap().unwrap();
    vote::Entity::find().filter(vote::Column::AccountId.eq(a.id)).one(&app.db).await.unwrap().unwrap().campaign_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_makes_links_and_votes_through_them_count_per_campaign() {
    each_backend(|app| async move {
        let (nominee, team) = team_nominee(&app, 4, "team@example.org").await;
        let (status, body) = create(&app, &team, nominee, " Newsletter ").await;
        assert_eq!(status, 200, "[{}] {body}", app.backend);
        assert_eq!(body["code"], "newsletter");
        assert_eq!(body["url"], format!("{}/nominees/{nominee}?via=newsletter", app.base));
        let (status, body) = create(&app, &team, nominee, "newsletter").await;
        assert_eq!(status, 400, "a second link of one code: {body}");
        assert!(body.to_string().contains("already has"), "{body}");
        for bad in ["a--b", "x", "<script>", "café"] {
            let (status, body) = create(&app, &team, nominee, bad).await;
            assert_eq!((status, body["Fields"][0][0].as_str()), (400, Some("code")), "{bad}: {body}");
        }
        // nobody else manages or reads the team's links
        let stranger = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(create(&app, &stranger, nominee, "hijack").await.0, 403);
        assert_eq!(app.call(&stranger, "my_campaigns", &[("nominee", &nominee.to_string())]).await.0, 403);
        assert_eq!(app.call(&app.client(), "my_campaigns", &[("nominee", &nominee.to_string())]).await.0, 401);
        let (status, links) = app.call(&team, "my_campaigns", &[("nominee", &nominee.to_string())]).await;
        assert_eq!(status, 200);
        assert_eq!(links.as_array().unwrap().len(), 1);
        assert!(!links.to_string().contains("votes"), "no counts for the team: {links}");

        // a visitor who came by the link votes: the vote carries the campaign
        let other = app.nominees_in(5).await[0].uuid;
        for (email, page) in [
            ("via-link@example.org", format!("/nominees/{nominee}?via=newsletter")),
            ("via-other@example.org", format!("/nominees/{other}?via=newsletter")),
            ("via-unknown@example.org", format!("/nominees/{nominee}?via=no-such-code")),
        ] {
            app.voter(email).await;
            let c = app.client();
            let (status, body) = app.call(&c, "sign_in", &[("email", email), ("password", VOTER_PASSWORD)]).await;
            assert_eq!(status, 200, "{body}");
            let r = c.get(app.url(&page)).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let (status, body) = app.call(&c, "cast_vote", &[("nominee", &nominee.to_string())]).await;
            assert_eq!(status, 200, "[{}] {body}", app.backend);
        }
        assert!(campaign_of_vote(&app, "via-link@example.org").await.is_some(), "[{}]", app.backend);
        assert_eq!(campaign_of_vote(&app, "via-other@example.org").await, None, "another nominee's link says nothing");
        assert_eq!(campaign_of_vote(&app, "via-unknown@example.org").await, None);

        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, lines) = app.call(&admin, "admin_campaigns", &[]).await;
        assert_eq!(status, 200, "{lines}");
        let line = lines.as_array().unwrap().iter().find(|l| l["code"] == "newsletter").unwrap();
        assert_eq!(line["counts"]["votes"], 1);
        assert_eq!(line["flags"].as_array().unwrap().len(), 0);
        assert_eq!(app.call(&stranger, "admin_campaigns", &[]).await.0, 403);
        assert_eq!(app.call(&team, "admin_campaigns", &[]).await.0, 403);
    })
    .await;
}

/// Twelve accounts made minutes ago, voting through one campaign from one origin, are
/// flagged on both counts; twelve long-standing voters from twelve origins are not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farmed_votes_through_a_campaign_are_flagged_and_organic_ones_are_not() {
    each_backend(|app| async move {
        let (nominee, team) = team_nominee(&app, 6, "farm-team@example.org").await;
        let other = app.nominees_in(7).await[0].uuid;
        let (_, _) = create(&app, &team, nominee, "bought").await;
        let (team2_nominee, team2) = team_nominee(&app, 7, "honest-team@example.org").await;
        assert_eq!(team2_nominee, other);
        create(&app, &team2, other, "radio").await;
        let bought = wsis::campaign::via_value(nominee, "bought");
        let radio = wsis::campaign::via_value(other, "radio");
        for i in 0..12 {
            let v = app.voter(&format!("farm{i}@example.org")).await;
            cast_via(&app, &v, nominee, "one-origin", &bought).await;
            let w = app.voter(&format!("listener{i}@example.org")).await;
            account::Entity::update_many()
                .col_expr(account::Column::CreatedAt, Expr::value(app.now() - chrono::Duration::days(40)))
                .col_expr(account::Column::ConfirmedAt, Expr::value(Some(app.now() - chrono::Duration::days(40))))
                .filter(account::Column::Id.eq(w.id))
                .exec(&app.db)
                .await
                .unwrap();
            cast_via(&app, &w, other, &format!("origin-{i}"), &radio).await;
        }
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, lines) = app.call(&admin, "admin_campaigns", &[]).await;
        assert_eq!(status, 200, "{lines}");
        let lines = lines.as_array().unwrap();
        assert_eq!(lines[0]["code"], "bought", "flagged first: {lines:?}");
        assert_eq!(lines[0]["counts"], serde_json::json!({"votes": 12, "from_new_accounts": 12, "from_shared_origins": 12}));
        assert_eq!(lines[0]["flags"], serde_json::json!(["NewAccounts", "SharedOrigins"]));
        let radio_line = lines.iter().find(|l| l["code"] == "radio").unwrap();
        assert_eq!(radio_line["counts"]["votes"], 12);
        assert_eq!(radio_line["flags"], serde_json::json!([]));
        // the audit page shows them
        let (_, html) = app.get(&admin, "/admin/audit").await;
        assert!(html.contains("data-testid=\"audit-campaigns\"") && html.contains("bought"), "{}", &html[..html.len().min(400)]);
    })
    .await;
}

/// No link for a project that is not on the ballot, none after voting closes, at most
/// twenty per nominee; a nominee page opened by a link is the same page, with no count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_only_for_nominees_while_voting_lasts() {
    each_backend(|app| async move {
        let (nominee, team) = team_nominee(&app, 8, "limits@example.org").await;
        for i in 0..wsis::campaign::MAX_PER_NOMINEE {
            let (status, body) = create(&app, &team, nominee, &format!("channel-{i}")).await;
            assert_eq!(status, 200, "{body}");
        }
        let (status, body) = create(&app, &team, nominee, "one-too-many").await;
        assert_eq!(status, 400, "{body}");
        let (_, plain) = app.get(&app.client(), &format!("/nominees/{nominee}")).await;
        let r = app.client().get(app.url(&format!("/nominees/{nominee}?via=channel-1"))).send().await.unwrap();
        let cookie = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("wsis_via=")).map(str::to_string);
        assert_eq!(cookie.as_deref().map(|c| c.split(';').next().unwrap().to_string()), Some(format!("wsis_via={}", wsis::campaign::via_value(nominee, "channel-1"))));
        let via = r.text().await.unwrap();
        assert!(via.contains("data-testid=\"share-kit\"") && plain.contains("data-testid=\"share-kit\""), "the same page either way");
        let r = app.client().get(app.url(&format!("/nominees/{nominee}?via=%3Cscript%3E"))).send().await.unwrap();
        assert!(r.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().starts_with("wsis_via=")), "a malformed code is not remembered");

        let e = wsis::db::entity::edition::Model::require_current(&app.db).await.unwrap();
        app.move_past(&e, wsis::phase::Milestone::Closes(wsis::phase::PhaseKind::Voting), chrono::Duration::hours(1));
        let (status, body) = create(&app, &team, nominee, "late").await;
        assert_eq!(status, 403, "[{}] {body}", app.backend);
    })
    .await;
}
