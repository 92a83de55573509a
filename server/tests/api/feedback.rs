//! Feedback to a champion's team after the release: its result beside the category's mean
//! and the experts' comments without their names; a comment an admin hid does not reach
//! it; nothing before the release, nothing for a project that was not a champion.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wsis::db::entity::{champion, edition, nomination};

use crate::helpers::{each_backend, DEMO_PASSWORD, VOTER_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_champions_team_reads_its_feedback_after_the_release_without_hidden_comments() {
    each_backend(|app| async move {
        let b = app.backend;
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let e = edition::Model::current(&app.db).await.unwrap().unwrap();
        let y = e.year.to_string();
        let champions = champion::Entity::find()
            .filter(champion::Column::EditionId.eq(e.id))
            .filter(champion::Column::CategoryId.eq(1))
            .filter(champion::Column::ExcludedReason.is_null())
            .all(&app.db)
            .await
            .unwrap();
        let mine = nomination::Entity::find_by_id(champions[0].nomination_id).one(&app.db).await.unwrap().unwrap();
        // the team's account owns the champion; another of its projects was only a nominee
        let team = app.voter("team@example.org").await;
        let other = nomination::Entity::find()
            .filter(nomination::Column::EditionId.eq(e.id))
            .filter(nomination::Column::CategoryId.eq(1))
            .filter(nomination::Column::Id.is_not_in(champions.iter().map(|c| c.nomination_id)))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        nomination::Entity::update_many()
            .col_expr(nomination::Column::AccountId, Expr::value(Some(team.id)))
            .filter(nomination::Column::Id.is_in([mine.id, other.id]))
            .exec(&app.db)
            .await
            .unwrap();

        // the first expert scores it with a comment that the secretariat will hide
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        let mut form: Vec<(String, String)> = wsis::review::Rubric::default().criteria.iter().map(|c| (format!("scores[{}]", c.key), "9".to_string())).collect();
        form.extend([("nominee".into(), mine.uuid.to_string()), ("submit".into(), "true".into()), ("comment".into(), "Emeka thinks the Ministry of X paid for this.".into())]);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = app.call(&expert, "expert_save_review", &pairs).await;
        assert_eq!(status, 200, "[{b}] {body}");

        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        let row = v["categories"][0]["ranking"].as_array().unwrap().iter().find(|r| r["nominee"] == mine.uuid.to_string().as_str()).unwrap().clone();
        let comments = row["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 2, "[{b}] both experts' comments: {row}");
        let hide = comments.iter().find(|c| c["comment"].as_str().unwrap().contains("Ministry")).unwrap()["review"].to_string();

        // only admins hide; bad input changes nothing
        let voter = app.sign_in("team@example.org", VOTER_PASSWORD).await;
        assert_eq!(app.call(&app.client(), "admin_hide_comment", &[("review", &hide), ("hidden", "true")]).await.0, 401);
        assert_eq!(app.call(&voter, "admin_hide_comment", &[("review", &hide), ("hidden", "true")]).await.0, 403);
        assert_eq!(app.call(&expert, "admin_hide_comment", &[("review", &hide), ("hidden", "true")]).await.0, 403);
        assert_eq!(app.call(&admin, "admin_hide_comment", &[("review", &hide), ("hidden", "perhaps")]).await.0, 400);
        assert_eq!(app.call(&admin, "admin_hide_comment", &[("review", "99999999"), ("hidden", "true")]).await.0, 404);
        // twenty presses at once: hidden, and one change in the audit log (checked below)
        let form = [("review", hide.as_str()), ("hidden", "true")];
        let presses = futures::future::join_all((0..20).map(|_| app.call(&admin, "admin_hide_comment", &form))).await;
        assert!(presses.iter().any(|(s, _)| *s == 200) && presses.iter().all(|(s, _)| [200, 429].contains(s)), "[{b}] {presses:?}");

        // before the release: no feedback, and the team sees a nominee
        let (_, s) = app.call(&voter, "get_submission", &[("id", &mine.uuid.to_string())]).await;
        assert!(s["feedback"].is_null(), "[{b}] {s}");
        assert_eq!(s["status"], "Nominee", "[{b}] embargoed");

        // winners chosen, results released
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        for cat in v["categories"].as_array().unwrap() {
            let top = cat["ranking"][0]["nominee"].as_str().unwrap().to_string();
            let slug = cat["slug"].as_str().unwrap().to_string();
            let (status, body) = app.call(&admin, "admin_select_winners", &[("year", &y), ("category", &slug), ("winners[0]", &top), ("reason", "jury decision")]).await;
            assert_eq!(status, 200, "[{b}] {body}");
        }
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await;
        assert_eq!(status, 200, "[{b}] {body}");

        let (status, s) = app.call(&voter, "get_submission", &[("id", &mine.uuid.to_string())]).await;
        assert_eq!(status, 200, "[{b}] {s}");
        let f = &s["feedback"];
        assert_eq!(f["comments"], serde_json::json!(["Solid results, documented impact and a credible plan to continue."]), "[{b}] the hidden one left out: {f}");
        assert!(!s.to_string().contains("Emeka") && !s.to_string().contains("Eva Examiner"), "[{b}] no expert named");
        assert_eq!(f["champions"].as_u64(), Some(champions.len() as u64), "[{b}] {f}");
        let (result, mean) = (f["result"].as_u64().unwrap(), f["category_mean"].as_u64().unwrap());
        assert!(result <= 1000 && mean <= 1000 && mean > 0, "[{b}] tenths of a point: {f}");
        // the mean is the mean of the ranking's results, as the admins' table shows them
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        let results: Vec<f64> = v["categories"][0]["ranking"].as_array().unwrap().iter().filter_map(|r| r["result"].as_f64()).collect();
        let expected = (results.iter().sum::<f64>() / results.len() as f64 * 10.0).round() as u64;
        assert_eq!(mean, expected, "[{b}]");
        let (_, html) = app.get(&voter, &format!("/submissions/{}", mine.uuid)).await;
        assert!(html.contains("data-testid=\"feedback\"") && html.contains("Solid results"), "[{b}] the page shows it");

        // a project that was not a champion gets none
        let (_, s) = app.call(&voter, "get_submission", &[("id", &other.uuid.to_string())]).await;
        assert!(s["feedback"].is_null(), "[{b}] {s}");
        // after the release a comment found unfit is still withdrawn
        let (_, v) = app.call(&admin, "admin_review", &[("year", &y)]).await;
        let row = v["categories"][0]["ranking"].as_array().unwrap().iter().find(|r| r["nominee"] == mine.uuid.to_string().as_str()).unwrap().clone();
        let solid = row["comments"].as_array().unwrap().iter().find(|c| c["comment"].as_str().unwrap().starts_with("Solid")).unwrap()["review"].to_string();
        assert_eq!(app.call(&admin, "admin_hide_comment", &[("review", &solid), ("hidden", "true")]).await.0, 200, "[{b}]");
        let (_, s) = app.call(&voter, "get_submission", &[("id", &mine.uuid.to_string())]).await;
        assert_eq!(s["feedback"]["comments"], serde_json::json!([]), "[{b}] {s}");
        let logged = wsis::db::entity::audit_log::Entity::find()
            .filter(wsis::db::entity::audit_log::Column::Action.eq(wsis::audit::AuditAction::ReviewCommentHide))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(logged.len(), 2, "[{b}] each change in the audit log, once");
    })
    .await;
}
