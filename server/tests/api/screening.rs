//! Screening by the expert group: screeners named per category, the submitted projects
//! spread over them without conflicts (unique rows, also when admins click at once),
//! opinions hidden from the other screeners until they give theirs, a declared conflict
//! handing the project on, the admin's view with disagreements first — and the attacks:
//! opinions on projects not assigned, by non-experts, a crowd of duplicates, bad input,
//! after the phase.

use std::collections::HashSet;

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;
use wsis::db::entity::{account, account_role, audit_log, screening_opinion};
use wsis::phase::PhaseKind;

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};
use crate::nominations::{open_edition, submit};

/// An account with the expert role, from `country`.
async fn expert(app: &TestApp, name: &str, country: &str) -> account::Model {
    let a = app.voter(&format!("{name}-{}@example.org", uuid::Uuid::new_v4().simple())).await;
    let mut am: account::ActiveModel = a.into();
    am.country = Set(country.into());
    let a = am.update(&app.db).await.unwrap();
    account_role::ActiveModel { account_id: Set(a.id), role: Set(wsis::account::Role::Expert) }.insert(&app.db).await.unwrap();
    a
}

fn ids(q: &Value) -> Vec<String> {
    q["items"].as_array().unwrap().iter().map(|i| i["submission"]["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_group_screens_with_independent_opinions_and_no_conflicts() {
    each_backend(|app| async move {
        let b = app.backend;
        let e = open_edition(&app).await;
        let submitter = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let mut projects = Vec::new();
        for (i, org) in ["Coding Foundation", "Rural Schools Trust", "Open Data Lab", "Village Health Net"].iter().enumerate() {
            projects.push(submit(&app, &submitter, &format!("Screened project {i}"), org, "c4").await);
        }
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let kenyan = expert(&app, "kenyan-expert", "Kenya").await; // the projects are from Kenya
        let chilean = expert(&app, "chilean-expert", "Chile").await;
        let voter = app.voter(&format!("plain-{}@example.org", uuid::Uuid::new_v4().simple())).await;
        let year = e.year.to_string();
        let name = |email: &str| [("year", year.clone()), ("category", "c4".to_string()), ("email", email.to_string()), ("on", "true".to_string())];
        let call = |c: &reqwest::Client, ep: &'static str, form: Vec<(String, String)>| {
            let c = c.clone();
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(&c, ep, &pairs).await
            }
        };
        let owned = |f: &[(&str, String)]| f.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Vec<_>>();

        // screeners are named by admins, and only experts
        for who in ["expert@wsis.example", "expert2@wsis.example", kenyan.email.as_str()] {
            let (status, body) = call(&admin, "admin_set_screener", owned(&name(who))).await;
            assert_eq!(status, 200, "[{b}] {who}: {body}");
        }
        let (status, body) = call(&admin, "admin_set_screener", owned(&name("expert@wsis.example"))).await;
        assert_eq!(status, 409, "[{b}] named twice: {body}");
        let (status, body) = call(&admin, "admin_set_screener", owned(&name(&voter.email))).await;
        assert_eq!(status, 400, "[{b}] a voter is not an expert: {body}");
        let expert1 = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        let (status, _) = call(&expert1, "admin_set_screener", owned(&name(&chilean.email))).await;
        assert_eq!(status, 403, "[{b}] an expert cannot name screeners");

        // nothing is assigned before submission closes
        let (status, body) = app.call(&admin, "admin_auto_assign", &[("year", &year)]).await;
        assert_eq!(status, 403, "[{b}] {body}");
        app.move_to(&e, PhaseKind::Screening);

        // two admins' tabs clicking "assign" twenty times at once: each project gets two
        // opinions, never the Kenyan screener's, never twice from one screener
        let assign_form = [("year", year.as_str())];
        let made = futures::future::join_all((0..20).map(|_| app.call(&admin, "admin_auto_assign", &assign_form))).await;
        assert!(made.iter().all(|(s, _)| *s == 200 || *s == 429), "[{b}] {made:?}");
        let total: u64 = made.iter().filter(|(s, _)| *s == 200).map(|(_, n)| n.as_u64().unwrap()).sum();
        let rows = screening_opinion::Entity::find().filter(screening_opinion::Column::EditionId.eq(e.id)).all(&app.db).await.unwrap();
        assert_eq!((total, rows.len()), (8, 8), "[{b}] four projects, two opinions each");
        assert!(rows.iter().all(|r| r.account_id != kenyan.id), "[{b}] a screener from the projects' country gets none");
        assert_eq!(rows.iter().map(|r| (r.nomination_id, r.account_id)).collect::<HashSet<_>>().len(), 8);

        // a screener sees their queue, not the others' opinions before giving theirs
        let expert2 = app.sign_in("expert2@wsis.example", DEMO_PASSWORD).await;
        let (status, q) = app.call(&expert1, "screener_queue", &[]).await;
        assert_eq!(status, 200, "{q}");
        assert_eq!(ids(&q).len(), 4, "[{b}] {q}");
        let p0 = projects[0].clone();
        let (status, body) = app.call(&expert2, "give_opinion", &[("id", &p0), ("input[verdict]", "reject"), ("input[comment]", "secret-comment-of-eva")]).await;
        assert_eq!(status, 200, "[{b}] a comment is a reason: {body}");
        let (_, q) = app.call(&expert1, "screener_queue", &[]).await;
        assert!(!q.to_string().contains("secret-comment-of-eva"), "[{b}] hidden before giving mine: {q}");
        let (_, html) = app.get(&expert1, "/screen").await;
        assert!(!html.contains("secret-comment-of-eva") && html.contains("data-testid=\"screener-item\""), "[{b}] the page too");
        let (status, body) = app.call(&expert1, "give_opinion", &[("id", &p0), ("input[verdict]", "accept")]).await;
        assert_eq!(status, 200, "{body}");
        let (_, q) = app.call(&expert1, "screener_queue", &[]).await;
        assert!(q.to_string().contains("secret-comment-of-eva"), "[{b}] shown once mine is given: {q}");
        assert_eq!(q["given"], 1);

        // attacks: a project not assigned, a non-expert, nobody, bad input, a crowd
        let kenyan_c = app.sign_in(&kenyan.email, VOTER_PASSWORD).await;
        let (status, body) = app.call(&kenyan_c, "give_opinion", &[("id", &p0), ("input[verdict]", "accept")]).await;
        assert_eq!(status, 404, "[{b}] not in the Kenyan screener's queue: {body}");
        let voter_c = app.sign_in(&voter.email, VOTER_PASSWORD).await;
        assert_eq!(app.call(&voter_c, "give_opinion", &[("id", &p0), ("input[verdict]", "accept")]).await.0, 403);
        assert_eq!(app.call(&voter_c, "screener_queue", &[]).await.0, 403);
        assert_eq!(app.call(&app.client(), "give_opinion", &[("id", &p0), ("input[verdict]", "accept")]).await.0, 401);
        let p1 = projects[1].clone();
        for (form, field) in [
            (vec![("id", p1.as_str()), ("input[verdict]", "maybe")], "verdict"),
            (vec![("id", p1.as_str()), ("input[verdict]", "reject")], "reason"),
            (vec![("id", p1.as_str()), ("input[verdict]", "conflict")], "comment"),
        ] {
            let (status, body) = app.call(&expert1, "give_opinion", &form).await;
            assert_eq!(status, 400, "[{b}] {body}");
            assert!(body.to_string().contains(field), "[{b}] names {field}: {body}");
        }
        let accept_p1 = [("id", p1.as_str()), ("input[verdict]", "accept")];
        let crowd = futures::future::join_all((0..50).map(|_| app.call(&expert1, "give_opinion", &accept_p1))).await;
        assert!(crowd.iter().all(|(s, _)| *s == 200 || *s == 429), "[{b}] {crowd:?}");
        let stored = screening_opinion::Entity::find().filter(screening_opinion::Column::EditionId.eq(e.id)).count(&app.db).await.unwrap();
        assert_eq!(stored, 8, "[{b}] a crowd of duplicates adds no row");
        let emeka_id = account::Entity::find().filter(account::Column::Email.eq("expert@wsis.example")).one(&app.db).await.unwrap().unwrap().id;
        let given: Vec<_> = screening_opinion::Entity::find()
            .filter(screening_opinion::Column::EditionId.eq(e.id))
            .filter(screening_opinion::Column::AccountId.eq(emeka_id))
            .filter(screening_opinion::Column::GivenAt.is_not_null())
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(given.len(), 2, "[{b}] one opinion per project: p0 and p1");

        // a declared conflict hands the project to a screener without one
        let (status, body) = call(&admin, "admin_set_screener", owned(&name(&chilean.email))).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call(&expert2, "give_opinion", &[("id", &p1), ("input[verdict]", "conflict"), ("input[comment]", "I advised this team in 2024.")]).await;
        assert_eq!(status, 200, "{body}");
        let chilean_c = app.sign_in(&chilean.email, VOTER_PASSWORD).await;
        let (_, q) = app.call(&chilean_c, "screener_queue", &[]).await;
        assert_eq!(ids(&q), vec![p1.clone()], "[{b}] the Chilean screener takes Eva's place: {q}");

        // the admin's view: opinions per project, the disagreement first
        let (status, q) = app.call(&admin, "admin_screening_queue", &[("year", &year), ("category", "c4")]).await;
        assert_eq!(status, 200, "{q}");
        let items = q["categories"][3]["items"].as_array().unwrap();
        assert_eq!(items[0]["submission"]["id"], p0, "[{b}] disagreements first");
        assert_eq!((items[0]["agreement"]["accept"].as_u64(), items[0]["agreement"]["reject"].as_u64()), (Some(1), Some(1)));
        assert_eq!(items[0]["opinions"].as_array().unwrap().len(), 2);
        let (_, html) = app.get(&admin, &format!("/admin/screening?year={year}&category=c4")).await;
        assert!(html.contains("data-split=\"true\"") && html.contains("secret-comment-of-eva"), "[{b}] the page shows them");
        let (status, g) = app.call(&admin, "admin_screening_group", &[("year", &year)]).await;
        assert_eq!(status, 200, "{g}");
        let emeka = g["screeners"].as_array().unwrap().iter().find(|s| s["email"] == "expert@wsis.example").unwrap().clone();
        assert_eq!((emeka["assigned"].as_u64(), emeka["given"].as_u64()), (Some(4), Some(2)), "[{b}] {emeka}");
        assert_eq!(g["categories"][3]["projects"], 4);

        // every opinion is in the audit log; none once the phase is over
        let logged = audit_log::Entity::find().filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::ScreeningOpinion)).count(&app.db).await.unwrap();
        assert!(logged >= 3, "[{b}] {logged}");
        app.move_to(&e, PhaseKind::Voting);
        let (status, body) = app.call(&expert1, "give_opinion", &[("id", &projects[2]), ("input[verdict]", "accept")]).await;
        assert_eq!(status, 403, "[{b}] after the screening phase: {body}");
        let (status, body) = app.call(&admin, "admin_auto_assign", &[("year", &year)]).await;
        assert_eq!(status, 403, "[{b}] {body}");
    })
    .await;
}
