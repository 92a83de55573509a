//! Participation figures: nothing before release, then per category, region and country
//! as the ledger counts, with the votes the audit removed by the category of their reason.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use wsis::db::entity::{edition, vote, vote_freeze};
use wsis::results::{parse_csv, LedgerEntry};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD};

/// The demo edition in review with a winner staged in every category, and some votes of
/// C1 removed by the audit: three held by a frozen origin cluster, two invalidated alone.
async fn decided_with_removals(app: &TestApp) -> edition::Model {
    wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
    let e = edition::Model::current(&app.db).await.unwrap().unwrap();
    let ids: Vec<i32> = vote::Entity::find()
        .select_only()
        .column(vote::Column::Id)
        .filter(vote::Column::EditionId.eq(e.id))
        .filter(vote::Column::CategoryId.eq(1))
        .into_tuple()
        .all(&app.db)
        .await
        .unwrap();
    let freeze = vote_freeze::ActiveModel {
        uuid: Set(uuid::Uuid::new_v4()),
        edition_id: Set(e.id),
        kind: Set(wsis::champion::ClusterKind::Origin),
        label: Set("origin 0123456789ab".into()),
        reason: Set("one device".into()),
        accounts: Set(3),
        votes: Set(3),
        created_by: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for (i, id) in ids.iter().take(5).enumerate() {
        let held = i < 3;
        vote::Entity::update_many()
            .col_expr(vote::Column::Valid, Expr::value(false))
            .col_expr(vote::Column::InvalidatedReason, Expr::value(Some(if held { "held for review" } else { "the voter asked: alice@example.org" }.to_string())))
            .col_expr(vote::Column::FrozenBy, Expr::value(held.then_some(freeze.id)))
            .filter(vote::Column::Id.eq(*id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
    let (_, v) = app.call(&admin, "admin_review", &[]).await;
    for c in v["categories"].as_array().unwrap() {
        let top = c["ranking"][0]["nominee"].as_str().unwrap().to_string();
        let slug = c["slug"].as_str().unwrap().to_string();
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", &slug), ("winners[0]", &top), ("reason", "jury decision")]).await;
        assert_eq!(status, 200, "{body}");
    }
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participation_is_published_with_the_results_and_matches_the_ledger() {
    each_backend(|app| async move {
        let e = decided_with_removals(&app).await;
        let y = e.year.to_string();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;

        // nothing before release, for anybody
        for c in [&app.client(), &admin, &announcer] {
            let (status, body) = app.call(c, "participation", &[("year", &y)]).await;
            assert_eq!(status, 403, "[{}] {body}", app.backend);
            assert!(body.to_string().contains("published with its results"), "{body}");
            let r = c.get(app.url(&format!("/results/{y}/participation.csv"))).send().await.unwrap();
            assert_eq!(r.status(), 403);
            let (_, html) = app.get(c, &format!("/results/{y}/participation")).await;
            assert!(!html.contains("data-testid=\"participation-totals\""));
        }
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{body}");

        let (status, p) = app.call(&app.client(), "participation", &[("year", &y)]).await;
        assert_eq!(status, 200, "[{}] {p}", app.backend);
        // the ledger, where the edition publishes counts; the database's valid votes otherwise
        let r = app.client().get(app.url(&format!("/results/{y}/ledger.json"))).send().await.unwrap();
        let ledger: Vec<LedgerEntry> = if r.status() == 200 { serde_json::from_slice(&r.bytes().await.unwrap()).unwrap() } else { Vec::new() };
        let per_category: HashMap<String, u64> = if ledger.is_empty() {
            let rows: Vec<i32> = vote::Entity::find()
                .select_only()
                .column(vote::Column::CategoryId)
                .filter(vote::Column::EditionId.eq(e.id))
                .filter(vote::Column::Valid.eq(true))
                .into_tuple()
                .all(&app.db)
                .await
                .unwrap();
            wsis::category::CATEGORIES.iter().map(|c| (c.code.to_string(), rows.iter().filter(|x| **x == c.position as i32).count() as u64)).collect()
        } else {
            let mut m = HashMap::new();
            for l in &ledger {
                *m.entry(l.category.clone()).or_default() += 1;
            }
            m
        };
        let cats = p["categories"].as_array().unwrap();
        assert_eq!(cats.len(), 18);
        for c in cats {
            let code = c["code"].as_str().unwrap();
            assert_eq!(c["valid_votes"].as_u64().unwrap(), per_category[code], "[{}] {code}", app.backend);
            assert_eq!(c["voters"], c["valid_votes"], "one vote per account per category");
        }
        let c1 = &cats[0];
        assert_eq!(c1["removed_votes"], 5);
        assert_eq!(c1["reasons"], serde_json::json!([["SharedOrigin", 3], ["AuditDecision", 2]]), "{c1}");
        assert_eq!(p["removed_votes"], 5);
        assert_eq!(p["valid_votes"].as_u64().unwrap(), per_category.values().sum::<u64>());
        assert_eq!(p["voters"].as_u64().unwrap(), wsis::db::seed::DEMO_VOTERS as u64, "every demo voter still has a valid vote");
        // regions and countries account for every voter once; nothing a voter typed leaks
        let sum = |k: &str| p[k].as_array().unwrap().iter().map(|a| a["voters"].as_u64().unwrap()).sum::<u64>();
        assert_eq!(sum("regions"), p["voters"].as_u64().unwrap());
        assert_eq!(sum("countries"), p["voters"].as_u64().unwrap());
        assert!(p["countries"].as_array().unwrap().iter().any(|a| a["area"] == "not_stated"), "{}", p["countries"]);
        let text = p.to_string();
        assert!(!text.contains("alice@example.org") && !text.contains("held for review") && !text.contains("one device"), "no reason's text, no account");
        let nominees: u64 = p["nominees_by_region"].as_array().unwrap().iter().map(|x| x[1].as_u64().unwrap()).sum();
        assert_eq!(nominees, p["nominees"].as_u64().unwrap());

        // the CSV says the same
        let r = app.client().get(app.url(&format!("/results/{y}/participation.csv"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(r.headers()["content-disposition"], format!("attachment; filename=\"wsis-prizes-{y}-participation.csv\"").as_str());
        let rows = parse_csv(&r.text().await.unwrap());
        assert_eq!(rows[0], wsis::participation::CSV_HEADERS.map(String::from).to_vec());
        assert_eq!(rows[1][3], p["voters"].to_string());
        for c in cats {
            let row = rows.iter().find(|r| r[0] == "category" && r[1] == c["code"].as_str().unwrap()).unwrap();
            assert_eq!(row[4], c["valid_votes"].to_string());
        }
        assert!(rows.iter().any(|r| r[0] == "removed" && r[1] == "C1" && r[2] == "shared_origin" && r[5] == "3"));

        // the page: tables beside server-drawn charts, readable without JavaScript, in Arabic too
        let (status, html) = app.get(&app.client(), &format!("/results/{y}/participation")).await;
        assert_eq!(status, 200);
        for id in ["participation-totals", "participation-categories", "participation-removed", "participation-regions", "participation-countries", "participation-stakeholders"] {
            assert!(html.contains(&format!("data-testid=\"{id}\"")), "{id}");
        }
        assert!(html.matches("<svg").count() >= 5 && html.contains("<table"));
        let (_, ar) = app.get(&app.client(), &format!("/results/{y}/participation?lang=ar")).await;
        assert!(ar.contains("المشاركة") && ar.contains("dir=\"rtl\""));
        let (_, results) = app.get(&app.client(), &format!("/results/{y}")).await;
        assert!(results.contains("data-testid=\"participation-link\""));
    })
    .await;
}

/// A thousand parallel first requests for a released edition's figures wait for one
/// computation (a lock per node) and all get the same answer; made-up years get a refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_first_requests_gets_one_answer_kept_once() {
    each_backend(|app| async move {
        let e = decided_with_removals(&app).await;
        let y = e.year.to_string();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{body}");
        let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let (c, url, gate) = (app.client(), app.url(&format!("/results/{y}/participation.csv")), gate.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = gate.acquire().await.unwrap();
                let r = c.get(url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }));
        }
        let mut bodies = std::collections::HashSet::new();
        for t in tasks {
            let (status, body) = t.await.unwrap();
            assert_eq!(status, 200, "[{}]", app.backend);
            bodies.insert(body);
        }
        assert_eq!(bodies.len(), 1, "one answer");
        assert_eq!(app.services.participation.lock().await.len(), 1, "computed once, kept once");
        for bad in ["1999", "abc", "2026%00", &"9".repeat(400)] {
            let r = app.client().get(app.url(&format!("/results/{bad}/participation.csv"))).send().await.unwrap();
            assert!(matches!(r.status().as_u16(), 400 | 404), "{bad}: {}", r.status());
        }
    })
    .await;
}
