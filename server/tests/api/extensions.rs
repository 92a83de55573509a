//! One draft's own deadline and a submission on a team's behalf: admins only, with a
//! reason, audit-logged, e-mailed to the team, within the screening phase; every rule of a
//! submission still applies; twenty presses of the button submit once.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::{audit_log, nomination};
use wsis::phase::PhaseKind;

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD};
use crate::nominations::{call, field_names, open_edition, project};

async fn status_of(app: &TestApp, id: &str) -> wsis::nomination::NominationStatus {
    nomination::Model::by_uuid(&app.db, uuid::Uuid::parse_str(id).unwrap()).await.unwrap().unwrap().status
}

async fn logged(app: &TestApp, action: wsis::audit::AuditAction) -> u64 {
    audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).count(&app.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_extends_one_draft_and_submits_another_on_its_behalf() {
    each_backend(|app| async move {
        let b = app.backend;
        let e = open_edition(&app).await;
        let team = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        // two drafts: a complete one saved (not submitted), an incomplete one
        let (status, full) = call(&app, &team, "save_draft", &project("Village Broadband", "Rural Links", "c2")).await;
        assert_eq!(status, 200, "[{b}] {full}");
        let full = full["id"].as_str().unwrap().to_string();
        let (status, part) = app.call(&team, "save_draft", &[("input[category]", "c2"), ("input[title]", "Half Done")]).await;
        assert_eq!(status, 200, "[{b}] {part}");
        let part = part["id"].as_str().unwrap().to_string();
        let (_, kept) = app.call(&team, "save_draft", &[("input[category]", "c2"), ("input[title]", "Kept Back")]).await;
        let kept = kept["id"].as_str().unwrap().to_string();

        // submission closed: the team can no longer change them
        app.move_to(&e, PhaseKind::Screening);
        let now = app.now();
        let (status, _) = app.call(&team, "save_draft", &[("id", &part), ("input[category]", "c2"), ("input[title]", "Late")]).await;
        assert_eq!(status, 403, "[{b}] closed");

        let until = wsis::time::geneva_input_value(now + Duration::days(2));
        let ok_form = |id: &str, until: &str, reason: &str| vec![("id", id.to_string()), ("input[until]", until.to_string()), ("input[reason]", reason.to_string())];
        let post = |c: reqwest::Client, endpoint: &'static str, form: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call(&c, endpoint, &pairs).await
            }
        };
        // strangers, voters, experts: refused, nothing changes
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(post(app.client(), "admin_extend_deadline", ok_form(&part, &until, "asked")).await.0, 401);
        for c in [&voter, &expert, &team] {
            assert_eq!(post(c.clone(), "admin_extend_deadline", ok_form(&part, &until, "asked")).await.0, 403, "[{b}]");
            assert_eq!(post(c.clone(), "admin_submit_on_behalf", vec![("id", full.clone()), ("reason", "asked".into())]).await.0, 403, "[{b}]");
        }
        assert_eq!(logged(&app, wsis::audit::AuditAction::SubmissionExtend).await, 0);

        // bad input names its field and changes nothing
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let before_deadline = wsis::time::geneva_input_value(e.submission_closes - Duration::hours(1));
        let past_screening = wsis::time::geneva_input_value(e.screening_closes + Duration::hours(1));
        for (form, field) in [
            (ok_form(&part, &before_deadline, "asked"), "until"),
            (ok_form(&part, &past_screening, "asked"), "until"),
            (ok_form(&part, "next week", "asked"), "until"),
            (ok_form(&part, &until, "  "), "reason"),
            (ok_form(&part, &until, &"x".repeat(501)), "reason"),
        ] {
            let (status, body) = post(admin.clone(), "admin_extend_deadline", form).await;
            assert_eq!(status, 400, "[{b}] {body}");
            assert_eq!(field_names(&body), vec![field.to_string()], "[{b}] {body}");
        }
        assert_eq!(post(admin.clone(), "admin_extend_deadline", ok_form(&uuid::Uuid::new_v4().to_string(), &until, "asked")).await.0, 404);
        assert_eq!(nomination::Model::by_uuid(&app.db, uuid::Uuid::parse_str(&part).unwrap()).await.unwrap().unwrap().extended_until, None);

        // the extension: listed for admins, mailed to the team, and the team edits again
        let (status, item) = post(admin.clone(), "admin_extend_deadline", ok_form(&part, &until, "Power cut at the team's office")).await;
        assert_eq!(status, 200, "[{b}] {item}");
        assert_eq!(item["extension_reason"], "Power cut at the team's office");
        assert_eq!(logged(&app, wsis::audit::AuditAction::SubmissionExtend).await, 1);
        let mails = app.outbox_for("submitter@wsis.example").await;
        assert!(mails.iter().any(|m| m.contains("more time for") && m.contains("Half Done")), "[{b}] {mails:?}");
        let (_, q) = app.call(&admin, "admin_screening_queue", &[("year", &e.year.to_string()), ("category", "c2")]).await;
        let drafts = q["drafts"].as_array().unwrap();
        assert_eq!(drafts.len(), 3, "[{b}] {q}");
        assert!(drafts.iter().any(|d| d["id"] == part.as_str() && d["extended_until"].is_string()));
        let (_, mine) = app.call(&team, "get_submission", &[("id", &part)]).await;
        assert_eq!((mine["editable"].as_bool(), mine["extended_until"].is_string()), (Some(true), true), "[{b}] {mine}");
        let mut form = project("Half Done", "Second Team", "c2");
        form.push(("id".into(), part.clone()));
        let (status, body) = call(&app, &team, "submit_nomination", &form).await;
        assert_eq!(status, 200, "[{b}] submitted within its own deadline: {body}");
        // the other draft, not extended, stays closed to its team
        let (status, _) = call(&app, &team, "submit_nomination", &[project("Village Broadband", "Rural Links", "c2"), vec![("id".into(), full.clone())]].concat()).await;
        assert_eq!(status, 403, "[{b}]");
        assert_eq!(post(admin.clone(), "admin_extend_deadline", ok_form(&part, &until, "again")).await.0, 409, "[{b}] submitted: no extension");

        // on the team's behalf: an incomplete draft names its fields; twenty presses submit once
        let (status, body) = app.call(&team, "save_draft", &[("input[category]", "c2"), ("input[title]", "Still Half")]).await;
        assert_eq!(status, 403, "[{b}] no new project after the deadline: {body}");
        let presses = futures::future::join_all((0..20).map(|_| post(admin.clone(), "admin_submit_on_behalf", vec![("id", full.clone()), ("reason", "The team's upload failed".into())]))).await;
        let ok = presses.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(ok, 1, "[{b}] {:?}", presses.iter().map(|p| p.0).collect::<Vec<_>>());
        assert!(presses.iter().all(|(s, _)| [200, 409, 429].contains(s)), "[{b}] {presses:?}");
        assert_eq!(status_of(&app, &full).await, wsis::nomination::NominationStatus::Submitted);
        assert_eq!(logged(&app, wsis::audit::AuditAction::SubmissionOnBehalf).await, 1, "[{b}] logged once");
        let mails = app.outbox_for("submitter@wsis.example").await;
        assert_eq!(mails.iter().filter(|m| m.contains("was submitted on your behalf")).count(), 1, "[{b}] mailed once");
        let (_, q) = app.call(&admin, "admin_screening_queue", &[("year", &e.year.to_string()), ("category", "c2")]).await;
        assert_eq!(q["drafts"].as_array().unwrap().len(), 1, "[{b}] one draft left");
        assert_eq!(q["categories"][1]["submitted"], 2, "[{b}] both in the screening queue");

        // once screening closes, neither is possible
        app.set_now(e.screening_closes + Duration::minutes(1));
        let later = wsis::time::geneva_input_value(app.now() + Duration::days(1));
        assert_eq!(post(admin.clone(), "admin_extend_deadline", ok_form(&kept, &later, "asked")).await.0, 403, "[{b}] after screening");
        assert_eq!(post(admin.clone(), "admin_submit_on_behalf", vec![("id", kept.clone()), ("reason", "asked".into())]).await.0, 403, "[{b}] after screening");
        assert_eq!(status_of(&app, &kept).await, wsis::nomination::NominationStatus::Draft);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_draft_is_not_submitted_on_its_behalf() {
    each_backend(|app| async move {
        let b = app.backend;
        let e = open_edition(&app).await;
        let team = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let (_, part) = app.call(&team, "save_draft", &[("input[category]", "c5"), ("input[title]", "Half Done")]).await;
        let part = part["id"].as_str().unwrap().to_string();
        app.move_to(&e, PhaseKind::Screening);
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app.call(&admin, "admin_submit_on_behalf", &[("id", &part), ("reason", "asked by phone")]).await;
        assert_eq!(status, 400, "[{b}] {body}");
        assert!(field_names(&body).contains(&"short_description".to_string()), "[{b}] names what is missing: {body}");
        assert_eq!(status_of(&app, &part).await, wsis::nomination::NominationStatus::Draft);
        let (status, body) = app.call(&admin, "admin_submit_on_behalf", &[("id", &part), ("reason", "")]).await;
        assert_eq!((status, field_names(&body)), (400, vec!["reason".to_string()]), "[{b}] {body}");
        assert_eq!(logged(&app, wsis::audit::AuditAction::SubmissionOnBehalf).await, 0);
        assert!(!app.outbox_for("submitter@wsis.example").await.iter().any(|m| m.contains("on your behalf")));
    })
    .await;
}
