use wsis::phase::{Milestone, PhaseKind};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use wsis::db::entity::{audit_log, champion, edition, nomination, review};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};

/// The demo edition in its review phase (votes, champions, expert group, expert2's scores).
async fn in_review(app: &TestApp) -> edition::Model {
    wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
    wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap()
}

/// The included champions of a category, by category position.
async fn champions_of(app: &TestApp, e: &edition::Model, category: i32) -> Vec<nomination::Model> {
    let rows = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::CategoryId.eq(category))
        .filter(champion::Column::ExcludedReason.is_null())
        .all(&app.db)
        .await
        .unwrap();
    nomination::Entity::find()
        .filter(nomination::Column::Id.is_in(rows.iter().map(|r| r.nomination_id)))
        .all(&app.db)
        .await
        .unwrap()
}

fn full_scores(score: &str) -> Vec<(String, String)> {
    wsis::review::Rubric::default().criteria.iter().map(|c| (format!("scores[{}]", c.key), score.to_string())).collect()
}

async fn call_owned(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(String, String)]) -> (u16, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    app.call(c, endpoint, &pairs).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experts_score_only_their_champions_in_the_review_phase() {
    each_backend(|app| async move {
        let e = in_review(&app).await;
        let c1 = champions_of(&app, &e, 1).await;
        assert!(c1.len() >= 5, "at least five champions in C1");
        let target = c1[0].uuid.to_string();

        // the expert sees their categories' champions
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        let (status, home) = app.call(&expert, "expert_reviews", &[]).await;
        assert_eq!(status, 200, "{home}");
        assert_eq!(home["categories"].as_array().unwrap().len(), 18);
        assert_eq!(home["review_open"], true);

        // non-experts cannot read or score; an admin is not an expert either
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        for c in [&voter, &admin] {
            assert_eq!(app.call(c, "expert_reviews", &[]).await.0, 403);
            assert_eq!(app.call(c, "expert_review_sheet", &[("nominee", &target)]).await.0, 403);
            let mut form = full_scores("7");
            form.push(("nominee".into(), target.clone()));
            assert_eq!(call_owned(&app, c, "expert_save_review", &form).await.0, 403);
        }
        assert_eq!(app.call(&app.client(), "expert_review_sheet", &[("nominee", &target)]).await.0, 401);

        // an expert of another category cannot read or score C1's champions
        let other = app.voter("other-expert@example.org").await;
        wsis::db::entity::account_role::ActiveModel { account_id: Set(other.id), role: Set(wsis::account::Role::Expert) }.insert(&app.db).await.unwrap();
        let (status, body) = app.call(&admin, "admin_assign_expert", &[("category", "c2"), ("email", "other-expert@example.org")]).await;
        assert_eq!(status, 200, "{body}");
        let other = app.sign_in("other-expert@example.org", VOTER_PASSWORD).await;
        let (status, home) = app.call(&other, "expert_reviews", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(home["categories"].as_array().unwrap().len(), 1);
        assert_eq!(home["categories"][0]["code"], "C2");
        let (status, body) = app.call(&other, "expert_review_sheet", &[("nominee", &target)]).await;
        assert_eq!(status, 403, "{body}");
        let mut form = full_scores("7");
        form.push(("nominee".into(), target.clone()));
        assert_eq!(call_owned(&app, &other, "expert_save_review", &form).await.0, 403);
        // a nominee that is not a champion is not under review
        let not_champion = app.nominees_in(1).await.into_iter().find(|n| !c1.iter().any(|c| c.id == n.id)).unwrap();
        assert_eq!(app.call(&expert, "expert_review_sheet", &[("nominee", &not_champion.uuid.to_string())]).await.0, 404);

        // blind: nothing of the other expert's scores before submitting
        let (status, sheet) = app.call(&expert, "expert_review_sheet", &[("nominee", &target)]).await;
        assert_eq!(status, 200, "{sheet}");
        assert!(sheet["peers"].is_null());
        assert_eq!(sheet["rubric"]["criteria"].as_array().unwrap().len(), 8);

        // out of scale, unknown criterion, not a number: refused and nothing stored
        for (k, v) in [("scores[results-and-impact]", "11"), ("scores[results-and-impact]", "0"), ("scores[charm]", "5"), ("scores[sustainability]", "ten")] {
            let (status, body) = app.call(&expert, "expert_save_review", &[("nominee", &target), (k, v)]).await;
            assert_eq!(status, 400, "{k}={v}: {body}");
        }
        let stored = review::Entity::find().filter(review::Column::NominationId.eq(c1[0].id)).all(&app.db).await.unwrap();
        assert_eq!(stored.len(), 1, "only expert2's review");

        // a draft may be partial; a submission needs every criterion and a comment
        let (status, body) = app.call(&expert, "expert_save_review", &[("nominee", &target), ("scores[sustainability]", "6")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "Draft");
        let (status, body) =
            app.call(&expert, "expert_save_review", &[("nominee", &target), ("scores[sustainability]", "6"), ("submit", "true"), ("comment", "ok")]).await;
        assert_eq!(status, 400, "{body}");
        let mut form = full_scores("9");
        form.push(("nominee".into(), target.clone()));
        form.push(("submit".into(), "true".into()));
        let (status, body) = call_owned(&app, &expert, "expert_save_review", &form).await;
        assert_eq!(status, 400, "comment missing: {body}");
        form.push(("comment".into(), "Strong, well documented impact.".into()));
        let (status, sheet) = call_owned(&app, &expert, "expert_save_review", &form).await;
        assert_eq!(status, 200, "{sheet}");
        assert_eq!(sheet["status"], "Submitted");
        // after submitting, the other expert's scores are visible (the edition allows it)
        assert_eq!(sheet["peers"].as_array().unwrap().len(), 1);
        // submitted is final
        assert_eq!(call_owned(&app, &expert, "expert_save_review", &form).await.0, 409);

        // a conflicted expert cannot score that champion
        let second = c1[1].uuid.to_string();
        assert_eq!(app.call(&expert, "expert_declare_conflict", &[("nominee", &second), ("reason", " ")]).await.0, 400);
        let (status, body) = app.call(&expert, "expert_declare_conflict", &[("nominee", &second), ("reason", "I advised this project in 2024.")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "Conflict");
        let mut form = full_scores("5");
        form.push(("nominee".into(), second.clone()));
        assert_eq!(call_owned(&app, &expert, "expert_save_review", &form).await.0, 403);

        // scoring outside the review phase is refused
        let third = c1[2].uuid.to_string();
        let mut form = full_scores("5");
        form.push(("nominee".into(), third.clone()));
        for (milestone, by) in [(Milestone::Opens(PhaseKind::Review), -Duration::hours(1)), (Milestone::Closes(PhaseKind::Review), Duration::minutes(1))] {
            app.move_past(&e, milestone, by);
            let (status, body) = call_owned(&app, &expert, "expert_save_review", &form).await;
            assert_eq!(status, 403, "{body}");
            assert!(body.to_string().contains("review"), "{body}");
        }
        let entries = audit_log::Entity::find().filter(audit_log::Column::Action.starts_with("review.")).all(&app.db).await.unwrap();
        assert!(entries.iter().any(|a| a.action == wsis::audit::AuditAction::ReviewSubmit));
        assert!(entries.iter().any(|a| a.action == wsis::audit::AuditAction::ReviewConflict));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rubric_is_edited_until_the_first_score() {
    each_backend(|app| async move {
        let e = in_review(&app).await;
        let next = (e.year + 1).to_string();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&expert, "admin_set_rubric", &[("year", &next), ("criteria", "A")]).await.0, 403);
        let (status, body) = app.call(&admin, "admin_set_rubric", &[("year", &next), ("criteria", "Impact | x | 1-10")]).await;
        assert_eq!(status, 400);
        assert!(body.to_string().contains("Line 1"), "{body}");
        let (status, body) =
            app.call(&admin, "admin_set_rubric", &[("year", &next), ("criteria", "Impact | 3 | 1-5\nReach | 1 | 0-10"), ("normalise", "true")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["rubric"]["criteria"].as_array().unwrap().len(), 2);
        assert_eq!(body["rubric"]["normalise"], true);
        assert_eq!(body["rubric_locked"], false);
        // the current edition has saved scores: locked, and unchanged
        let before = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap().rubric;
        let (status, body) = app.call(&admin, "admin_set_rubric", &[("criteria", "Only one")]).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap().rubric, before);
        // nor can the champions be recomputed under the experts' feet
        assert_eq!(app.call(&admin, "admin_compute_champions", &[]).await.0, 409);
        // cloning the edition copies its rubric
        let (status, body) = app.call(&admin, "admin_clone_edition", &[("source", &next)]).await;
        assert_eq!(status, 200, "{body}");
        let cloned = wsis::db::entity::edition::Model::by_year(&app.db, e.year + 2).await.unwrap();
        let next_e = wsis::db::entity::edition::Model::by_year(&app.db, e.year + 1).await.unwrap();
        assert_eq!(cloned.rubric, next_e.rubric);
        assert!(cloned.rubric.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_see_the_ranking_and_choose_winners() {
    each_backend(|app| async move {
        let e = in_review(&app).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&voter, "admin_review", &[]).await.0, 403);
        let (status, v) = app.call(&admin, "admin_review", &[]).await;
        assert_eq!(status, 200, "{v}");
        let c1 = &v["categories"][0];
        assert_eq!(c1["experts"].as_array().unwrap().len(), 2);
        let ranking = c1["ranking"].as_array().unwrap().clone();
        assert!(ranking.len() >= 5);
        // expert2 scored every champion: every line is ranked, best first
        let results: Vec<f64> = ranking.iter().map(|r| r["result"].as_f64().unwrap()).collect();
        assert!(results.windows(2).all(|w| w[0] >= w[1]), "{results:?}");
        assert_eq!(c1["submitted"].as_u64().unwrap() as usize, ranking.len());
        assert_eq!(c1["expected"].as_u64().unwrap() as usize, 2 * ranking.len());
        let top = ranking[0]["nominee"].as_str().unwrap().to_string();
        let second = ranking[1]["nominee"].as_str().unwrap().to_string();
        let tie = ranking[0]["rank"] == ranking[1]["rank"];

        // a voter cannot choose; more than the maximum is refused; departing needs a reason
        assert_eq!(app.call(&voter, "admin_select_winners", &[("category", "c1"), ("winners[0]", &top)]).await.0, 403);
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", "c1"), ("winners[0]", &top), ("winners[1]", &second), ("reason", "r")]).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", "c1"), ("winners[3]", &second)]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("reason"));
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", "c1"), ("winners[0]", "not-an-id")]).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", "c1")]).await;
        assert_eq!(status, 400, "no winner without a reason: {body}");
        let unchanged = champion::Entity::find().filter(champion::Column::EditionId.eq(e.id)).filter(champion::Column::Winner.eq(true)).all(&app.db).await.unwrap();
        assert!(unchanged.is_empty());

        // the top of the ranking needs no reason (unless tied)
        let form: Vec<(&str, &str)> = if tie { vec![("category", "c1"), ("winners[0]", &top), ("reason", "tie settled by the jury")] } else { vec![("category", "c1"), ("winners[0]", &top)] };
        let (status, v) = app.call(&admin, "admin_select_winners", &form).await;
        assert_eq!(status, 200, "{v}");
        let c1 = &v["categories"][0];
        assert_eq!(c1["decided"], true);
        let winners: Vec<_> = c1["ranking"].as_array().unwrap().iter().filter(|r| r["winner"] == true).collect();
        assert_eq!(winners.len(), 1);
        assert_eq!(winners[0]["nominee"], top);

        // another champion, with a recorded reason (sparse form indices as a browser sends them)
        let (status, v) = app.call(&admin, "admin_select_winners", &[("category", "c1"), ("winners[1]", &second), ("reason", "Independent audit questioned the top project's figures.")]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["categories"][0]["decision_reason"], "Independent audit questioned the top project's figures.");
        let stored = champion::Entity::find().filter(champion::Column::EditionId.eq(e.id)).filter(champion::Column::Winner.eq(true)).all(&app.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        let log = audit_log::Entity::find().filter(audit_log::Column::Action.eq("review.select_winners")).all(&app.db).await.unwrap();
        assert_eq!(log.len(), 2);
        assert!(log.iter().any(|l| l.after.as_deref().unwrap_or("").contains("departs_from_ranking\":true")));

        // none, with a reason
        let (status, v) = app.call(&admin, "admin_select_winners", &[("category", "c2"), ("reason", "No project met the bar.")]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["categories"][1]["decided"], true);

        // once the results are released nothing changes
        edition::Entity::update_many()
            .col_expr(edition::Column::ResultsReleasedAt, Expr::value(Utc::now() - Duration::minutes(1)))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        assert_eq!(app.call(&admin, "admin_select_winners", &[("category", "c1"), ("winners[0]", &top)]).await.0, 409);
        let still = champion::Entity::find().filter(champion::Column::EditionId.eq(e.id)).filter(champion::Column::Winner.eq(true)).all(&app.db).await.unwrap();
        assert_eq!(still.len(), 1);
        assert_eq!(still[0].nomination_id, nomination::Entity::find().filter(nomination::Column::Uuid.eq(uuid::Uuid::parse_str(&second).unwrap())).one(&app.db).await.unwrap().unwrap().id);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_group_is_formed_by_admins() {
    each_backend(|app| async move {
        in_review(&app).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        // the voter has no expert role
        let (status, body) = app.call(&admin, "admin_assign_expert", &[("category", "c3"), ("email", "voter@wsis.example")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(app.call(&admin, "admin_assign_expert", &[("category", "c99"), ("email", "expert@wsis.example")]).await.0, 400);
        // already there
        assert_eq!(app.call(&admin, "admin_assign_expert", &[("category", "c3"), ("email", "expert@wsis.example")]).await.0, 409);
        // expert2 submitted scores in C3: stays; expert can be removed and added back
        assert_eq!(app.call(&admin, "admin_unassign_expert", &[("category", "c3"), ("email", "expert2@wsis.example")]).await.0, 409);
        let (status, v) = app.call(&admin, "admin_unassign_expert", &[("category", "c3"), ("email", "expert@wsis.example")]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["categories"][2]["experts"].as_array().unwrap().len(), 1);
        let (status, v) = app.call(&admin, "admin_assign_expert", &[("category", "C3"), ("email", "expert@wsis.example")]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["categories"][2]["experts"].as_array().unwrap().len(), 2);
        let (status, html) = app.get(&admin, "/admin/review").await;
        assert_eq!(status, 200);
        assert!(html.contains("Expert group") && html.contains("Eva Examiner"), "admin review page renders");
    })
    .await;
}

/// Every saved change of a review is kept and shown to admins; the deliberation notes are
/// the admins' to write, bounded, audit-logged, and closed with the release.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_review_change_is_kept_and_the_deliberation_noted() {
    each_backend(|app| async move {
        let b = app.backend;
        let e = in_review(&app).await;
        let y = e.year.to_string();
        let target = champions_of(&app, &e, 1).await[0].clone();
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let id = target.uuid.to_string();
        for (score, submit) in [("5", false), ("7", false), ("8", true)] {
            let mut form = full_scores(score);
            form.push(("nominee".into(), id.clone()));
            form.push(("comment".into(), format!("comment at {score}")));
            if submit {
                form.push(("submit".into(), "true".into()));
            }
            let (status, body) = call_owned(&app, &expert, "expert_save_review", &form).await;
            assert_eq!(status, 200, "[{b}] {body}");
        }
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        let c1 = &v["categories"][0];
        let mine: Vec<&Value> = c1["history"].as_array().unwrap().iter().filter(|r| r["expert"] == "Emeka Expert").collect();
        assert_eq!(mine.len(), 3, "[{b}] three saves kept: {}", c1["history"]);
        assert_eq!(mine[0]["comment"], "comment at 5");
        assert_eq!(mine[0]["status"], "Draft");
        assert_eq!(mine[2]["status"], "Submitted");
        assert_eq!(mine[2]["scores"]["sustainability"], 8);
        assert!(c1["history"].as_array().unwrap().iter().any(|r| r["expert"] == "Eva Examiner"), "[{b}] the demo's submissions too");

        // notes: admins only, bounded, audit-logged
        let notes = [("year", y.as_str()), ("category", "c1"), ("notes", "Agreed to look again at the two tied projects.")];
        assert_eq!(app.call(&expert, "admin_deliberation_notes", &notes).await.0, 403, "[{b}] an expert cannot write them");
        assert_eq!(app.call(&app.client(), "admin_deliberation_notes", &notes).await.0, 401);
        let (status, v) = app.call(&admin, "admin_deliberation_notes", &notes).await;
        assert_eq!(status, 200, "[{b}] {v}");
        assert_eq!(v["categories"][0]["notes"], "Agreed to look again at the two tied projects.");
        let long = "x".repeat(wsis::review::NOTES_CHARS + 1);
        let (status, body) = app.call(&admin, "admin_deliberation_notes", &[("year", &y), ("category", "c1"), ("notes", &long)]).await;
        assert_eq!(status, 400, "[{b}] {body}");
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        assert_eq!(v["categories"][0]["notes"], "Agreed to look again at the two tied projects.", "[{b}] unchanged by a refusal");
        let logged = audit_log::Entity::find().filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::ReviewNotes)).all(&app.db).await.unwrap();
        assert_eq!(logged.len(), 1, "[{b}]");
        let (_, html) = app.get(&admin, &format!("/admin/review?year={y}")).await;
        assert!(html.contains("Agreed to look again") && html.contains("comment at 5"), "[{b}] the page shows notes and history");
    })
    .await;
}
