//! The automatic reminders before a deadline: to submitters whose project is still a draft,
//! and to experts whose reviews are not all submitted; once per deadline even with two
//! nodes sending at once, to nobody else, not when the edition turns them off, and again
//! when an admin moves the deadline.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use wsis::db::broadcasts::send_due_reminders;
use wsis::db::entity::{audit_log, edition};

use crate::editions::schedule_fields;
use crate::helpers::{each_backend, second_node, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};
use crate::nominations::{open_edition, submit};

fn drafts(mails: &[String]) -> usize {
    mails.iter().filter(|m| m.contains("is still a draft")).count()
}

fn reviews(mails: &[String]) -> usize {
    mails.iter().filter(|m| m.contains("your reviews are waiting")).count()
}

async fn reload(app: &TestApp, id: i32) -> edition::Model {
    edition::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_draft_is_reminded_once_before_submission_closes() {
    each_backend(|app| async move {
        let b = app.backend;
        let e = open_edition(&app).await;
        // a draft (the demo submitter) and a submitted project (another team)
        let drafter = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let (status, d) = app.call(&drafter, "save_draft", &[("input[category]", "c4"), ("input[title]", "Rural Coding Clubs")]).await;
        assert_eq!(status, 200, "[{b}] {d}");
        app.voter("done@example.org").await;
        let done = app.sign_in("done@example.org", VOTER_PASSWORD).await;
        submit(&app, &done, "Clinics Online", "Health Network", "c6").await;

        // the edition's rule: 721 hours is refused, nothing changes
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let [year, champions, per_entity, winners] = [e.year, e.champions_per_category, e.submissions_per_entity, e.max_winners_per_category].map(|n| n.to_string());
        let mut rules = vec![
            ("year", year.as_str()),
            ("input[champions_per_category]", champions.as_str()),
            ("input[submissions_per_entity]", per_entity.as_str()),
            ("input[max_winners_per_category]", winners.as_str()),
            ("input[remind_drafts_hours]", "721"),
        ];
        let (status, body) = app.call(&admin, "admin_set_rules", &rules).await;
        assert_eq!(status, 400, "[{b}] {body}");
        assert_eq!(body["Fields"][0][0], "remind_drafts_hours", "[{b}] {body}");
        assert_eq!(reload(&app, e.id).await.remind_drafts_hours, 48);

        // three days before: too early
        app.set_now(e.submission_closes - Duration::hours(72));
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 0, "[{b}]");
        // 47 hours before, two nodes at once, and again: one message, to the draft's owner
        app.set_now(e.submission_closes - Duration::hours(47));
        let other = second_node(&app).await;
        let (x, y) = tokio::join!(send_due_reminders(&app.services), send_due_reminders(&other.services));
        assert_eq!(x.unwrap() + y.unwrap(), 1, "[{b}] one reminder in all");
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 0, "[{b}] not twice");
        let got = app.outbox_for("submitter@wsis.example").await;
        assert_eq!(drafts(&got), 1, "[{b}] {got:?}");
        let m = got.iter().find(|m| m.contains("is still a draft")).unwrap();
        assert!(m.contains("Geneva time") && m.contains("/submissions"), "[{b}] {m}");
        assert_eq!(drafts(&app.outbox_for("done@example.org").await), 0, "[{b}] a submitted project is not reminded");
        let logged = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::BroadcastSend))
            .filter(audit_log::Column::After.contains("unsubmitted_drafts"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(logged, 1, "[{b}] in the audit log");

        // the admin moves the deadline an hour earlier: one more reminder, before the new one
        let moved = edition::Model { submission_closes: e.submission_closes - Duration::hours(1), ..e.clone() };
        let fields = schedule_fields(e.year, &moved.view().schedule, &[]);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = app.call(&admin, "admin_set_schedule", &pairs).await;
        assert_eq!(status, 200, "[{b}] {body}");
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 1, "[{b}] the new deadline's reminder");
        assert_eq!(drafts(&app.outbox_for("submitter@wsis.example").await), 2, "[{b}]");

        // past the deadline: nothing, and a rule of 0 keeps it off
        app.set_now(e.submission_closes + Duration::minutes(1));
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 0, "[{b}]");
        rules.pop();
        rules.push(("input[remind_drafts_hours]", "0"));
        app.set_now(Utc::now());
        let (status, body) = app.call(&admin, "admin_set_rules", &rules).await;
        assert_eq!(status, 200, "[{b}] {body}");
        assert_eq!(reload(&app, e.id).await.remind_drafts_hours, 0, "[{b}]");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expert_with_reviews_pending_is_reminded_once_and_only_when_on() {
    each_backend(|app| async move {
        let b = app.backend;
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let e = edition::Model::current(&app.db).await.unwrap().unwrap();
        // turned off for the edition: nothing, even inside the window
        let mut am: edition::ActiveModel = e.clone().into();
        am.remind_reviews_hours = Set(0);
        am.update(&app.db).await.unwrap();
        app.set_now(e.review_closes - Duration::hours(47));
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 0, "[{b}] off");
        assert_eq!(reviews(&app.outbox_for("expert@wsis.example").await), 0);

        // on (48 hours): the expert with champions to score gets one, the one who submitted all none
        let mut am: edition::ActiveModel = reload(&app, e.id).await.into();
        am.remind_reviews_hours = Set(48);
        am.update(&app.db).await.unwrap();
        let other = second_node(&app).await;
        let (x, y) = tokio::join!(send_due_reminders(&app.services), send_due_reminders(&other.services));
        assert_eq!(x.unwrap() + y.unwrap(), 1, "[{b}] one reminder in all");
        assert_eq!(send_due_reminders(&app.services).await.unwrap(), 0, "[{b}] not twice");
        let got = app.outbox_for("expert@wsis.example").await;
        assert_eq!(reviews(&got), 1, "[{b}] {got:?}");
        assert!(got.iter().any(|m| m.contains("/review")), "[{b}]");
        assert_eq!(reviews(&app.outbox_for("expert2@wsis.example").await), 0, "[{b}] all submitted");
        assert!(reload(&app, e.id).await.reviews_reminded_at.is_some());
    })
    .await;
}
