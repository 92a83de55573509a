//! A project's team: the owner invites by e-mail, only an account of the invited address
//! joins (once, however many times the link is opened at once), co-editors edit the draft,
//! only the owner changes the team or hands the project over; limits hold under a flood.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use wsis::db::entity::{audit_log, editor_invitation, nomination, nomination_editor};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};
use crate::nominations::{call, field_names, open_edition, project};

fn token_in(mails: &[String]) -> String {
    let m = mails.iter().rev().find(|m| m.contains("/invitations/")).expect("an invitation mail");
    let at = m.find("/invitations/").unwrap() + "/invitations/".len();
    m[at..at + 36].to_string()
}

async fn editors(app: &TestApp, id: &str) -> u64 {
    let n = nomination::Model::by_uuid(&app.db, uuid::Uuid::parse_str(id).unwrap()).await.unwrap().unwrap();
    nomination_editor::Entity::find().filter(nomination_editor::Column::NominationId.eq(n.id)).count(&app.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_team_is_invited_joins_once_edits_and_is_handed_over() {
    each_backend(|app| async move {
        let b = app.backend;
        open_edition(&app).await;
        let owner = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let (status, d) = app.call(&owner, "save_draft", &[("input[category]", "c3"), ("input[title]", "Open Maps")]).await;
        assert_eq!(status, 200, "[{b}] {d}");
        let id = d["id"].as_str().unwrap().to_string();
        app.voter("co@example.org").await;
        app.voter("stranger@example.org").await;
        let co = app.sign_in("co@example.org", VOTER_PASSWORD).await;
        let stranger = app.sign_in("stranger@example.org", VOTER_PASSWORD).await;

        // the owner invites; the mail carries the link
        let (status, t) = app.call(&owner, "team_invite", &[("id", &id), ("email", " CO@example.org ")]).await;
        assert_eq!(status, 200, "[{b}] {t}");
        assert_eq!(t["invited"], serde_json::json!(["co@example.org"]));
        let token = token_in(&app.outbox_for("co@example.org").await);
        let (status, body) = app.call(&owner, "team_invite", &[("id", &id), ("email", "co@example.org")]).await;
        assert_eq!((status, field_names(&body)), (400, vec!["email".to_string()]), "[{b}] invited already: {body}");

        // strangers get nothing: not the project, not the invitation, not a way in
        assert_eq!(app.call(&stranger, "team_invite", &[("id", &id), ("email", "x@example.org")]).await.0, 404, "[{b}]");
        assert_eq!(app.call(&stranger, "save_draft", &[("id", &id), ("input[category]", "c3"), ("input[title]", "Mine now")]).await.0, 404, "[{b}]");
        assert_eq!(app.call(&stranger, "get_submission", &[("id", &id)]).await.0, 404, "[{b}]");
        assert_eq!(app.call(&stranger, "team_accept", &[("token", &token)]).await.0, 403, "[{b}] a forwarded link is not a way in");
        assert_eq!(app.call(&stranger, "team_accept", &[("token", &uuid::Uuid::new_v4().to_string())]).await.0, 404, "[{b}]");
        assert_eq!(app.call(&app.client(), "team_accept", &[("token", &token)]).await.0, 401, "[{b}]");
        assert_eq!(editors(&app, &id).await, 0);

        // the invitee opens the link ten times at once: one editor row
        let (status, inv) = app.call(&co, "team_invitation", &[("token", &token)]).await;
        assert_eq!((status, inv["title"].as_str(), inv["project"].is_null()), (200, Some("Open Maps"), true), "[{b}] {inv}");
        let form = [("token", token.as_str())];
        let opened = futures::future::join_all((0..10).map(|_| app.call(&co, "team_accept", &form))).await;
        assert!(opened.iter().all(|(s, _)| *s == 200 || *s == 429), "[{b}] {opened:?}");
        assert_eq!(editors(&app, &id).await, 1, "[{b}] joined once");
        let (_, inv) = app.call(&co, "team_invitation", &[("token", &token)]).await;
        assert_eq!(inv["project"], id.as_str());

        // the co-editor edits and sees the project; the team it sees
        let (status, body) = app.call(&co, "save_draft", &[("id", &id), ("input[category]", "c3"), ("input[title]", "Open Maps for All")]).await;
        assert_eq!(status, 200, "[{b}] {body}");
        let (_, mine) = app.call(&co, "my_submissions", &[]).await;
        assert!(mine.as_array().unwrap().iter().any(|s| s["id"] == id.as_str()), "[{b}] {mine}");
        let (_, s) = app.call(&co, "get_submission", &[("id", &id)]).await;
        assert_eq!((s["team"]["owner"].as_str(), s["team"]["owner_is_me"].as_bool()), (Some("submitter@wsis.example"), Some(false)), "[{b}] {s}");
        // …but only the owner changes the team
        assert_eq!(app.call(&co, "team_invite", &[("id", &id), ("email", "x@example.org")]).await.0, 403, "[{b}]");
        assert_eq!(app.call(&co, "team_transfer", &[("id", &id), ("email", "co@example.org")]).await.0, 403, "[{b}]");
        assert_eq!(app.call(&co, "team_remove", &[("id", &id), ("email", "co@example.org")]).await.0, 403, "[{b}]");

        // ten parallel invitations of one address: one; the team's limit holds
        let form = [("id", id.as_str()), ("email", "twin@example.org")];
        let twins = futures::future::join_all((0..10).map(|_| app.call(&owner, "team_invite", &form))).await;
        assert_eq!(twins.iter().filter(|(s, _)| *s == 200).count(), 1, "[{b}] {:?}", twins.iter().map(|t| t.0).collect::<Vec<_>>());
        assert!(twins.iter().all(|(s, _)| [200, 400, 429].contains(s)), "[{b}]");
        for i in 0..3 {
            assert_eq!(app.call(&owner, "team_invite", &[("id", &id), ("email", &format!("p{i}@example.org"))]).await.0, 200, "[{b}]");
        }
        let (status, body) = app.call(&owner, "team_invite", &[("id", &id), ("email", "sixth@example.org")]).await;
        assert_eq!(status, 400, "[{b}] {body}");
        assert!(body.to_string().contains("at most 5"), "[{b}] {body}");
        // withdrawn: its link no longer works
        let twin_token = token_in(&app.outbox_for("twin@example.org").await);
        assert_eq!(app.call(&owner, "team_remove", &[("id", &id), ("email", "twin@example.org")]).await.0, 200);
        app.voter("twin@example.org").await;
        let twin = app.sign_in("twin@example.org", VOTER_PASSWORD).await;
        assert_eq!(app.call(&twin, "team_accept", &[("token", &twin_token)]).await.0, 404, "[{b}] withdrawn");
        let (status, body) = app.call(&owner, "team_invite", &[("id", &id), ("email", "twin@example.org")]).await;
        assert_eq!(status, 400, "[{b}] not again the same day: {body}");
        assert_eq!(editor_invitation::Entity::find().filter(editor_invitation::Column::Email.eq("twin@example.org")).count(&app.db).await.unwrap(), 1, "[{b}] the withdrawn row stays");

        // handed over to a non-editor: refused; to the co-editor: the owner changes once
        let (status, body) = app.call(&owner, "team_transfer", &[("id", &id), ("email", "p0@example.org")]).await;
        assert_eq!((status, field_names(&body)), (400, vec!["email".to_string()]), "[{b}] {body}");
        let form = [("id", id.as_str()), ("email", "co@example.org")];
        let handed = futures::future::join_all((0..5).map(|_| app.call(&owner, "team_transfer", &form))).await;
        assert_eq!(handed.iter().filter(|(s, _)| *s == 200).count(), 1, "[{b}] {:?}", handed.iter().map(|t| t.0).collect::<Vec<_>>());
        let n = nomination::Model::by_uuid(&app.db, uuid::Uuid::parse_str(&id).unwrap()).await.unwrap().unwrap();
        let co_account = wsis::db::auth::find_by_email(&app.db, "co@example.org").await.unwrap().unwrap();
        assert_eq!(n.account_id, Some(co_account.id), "[{b}]");
        assert_eq!(editors(&app, &id).await, 1, "[{b}] the former owner is the co-editor now");
        let logged = audit_log::Entity::find().filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::SubmissionTransfer)).count(&app.db).await.unwrap();
        assert_eq!(logged, 1, "[{b}]");
        assert!(app.outbox_for("co@example.org").await.iter().any(|m| m.contains("you now own")), "[{b}]");
        let (status, _) = app.call(&owner, "save_draft", &[("id", &id), ("input[category]", "c3"), ("input[title]", "Open Maps for All")]).await;
        assert_eq!(status, 200, "[{b}] the former owner still edits");
        assert_eq!(app.call(&owner, "team_invite", &[("id", &id), ("email", "x@example.org")]).await.0, 403, "[{b}] but no longer invites");

        // the new owner invites, then submits: nobody joins or is invited any more
        assert_eq!(app.call(&co, "team_invite", &[("id", &id), ("email", "late@example.org")]).await.0, 200, "[{b}]");
        let late_token = token_in(&app.outbox_for("late@example.org").await);
        let mut form = project("Open Maps for All", "Open Maps Org", "c3");
        form.push(("id".into(), id.clone()));
        let (status, body) = call(&app, &co, "submit_nomination", &form).await;
        assert_eq!(status, 200, "[{b}] {body}");
        assert_eq!(app.call(&co, "team_invite", &[("id", &id), ("email", "later@example.org")]).await.0, 409, "[{b}]");
        app.voter("late@example.org").await;
        let late = app.sign_in("late@example.org", VOTER_PASSWORD).await;
        assert_eq!(app.call(&late, "team_accept", &[("token", &late_token)]).await.0, 409, "[{b}] a submitted project gains no member");
        // access is revoked at any time: the former owner removed after the submission
        let (status, body) = app.call(&co, "team_remove", &[("id", &id), ("email", "submitter@wsis.example")]).await;
        assert_eq!(status, 200, "[{b}] {body}");
        assert_eq!(app.call(&owner, "get_submission", &[("id", &id)]).await.0, 404, "[{b}] no longer on the team");
        let (_, html) = app.get(&co, &format!("/submissions/{id}")).await;
        assert!(html.contains("data-testid=\"team\"") && html.contains("co@example.org"), "[{b}] the page shows the team");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_sends_at_most_twenty_invitations_a_day() {
    each_backend(|app| async move {
        let b = app.backend;
        open_edition(&app).await;
        app.voter("sender@example.org").await;
        let c = app.sign_in("sender@example.org", VOTER_PASSWORD).await;
        let mut sent = 0;
        let mut refused: Option<Value> = None;
        'drafts: for d in 0..6 {
            let (status, draft) = app.call(&c, "save_draft", &[("input[category]", "c4"), ("input[title]", &format!("Draft {d}"))]).await;
            assert_eq!(status, 200, "[{b}] {draft}");
            let id = draft["id"].as_str().unwrap().to_string();
            for i in 0..5 {
                let (status, body) = app.call(&c, "team_invite", &[("id", &id), ("email", &format!("r{d}-{i}@example.org"))]).await;
                if status != 200 {
                    refused = Some(body);
                    break 'drafts;
                }
                sent += 1;
            }
        }
        assert_eq!(sent, wsis::team::INVITATIONS_PER_DAY, "[{b}]");
        assert!(refused.unwrap().to_string().contains("try again tomorrow"), "[{b}]");
        // withdrawing one gives no invitation back
        let (_, mine) = app.call(&c, "my_submissions", &[]).await;
        let first = mine.as_array().unwrap().iter().find(|s| s["input"]["title"] == "Draft 0").unwrap()["id"].as_str().unwrap().to_string();
        assert_eq!(app.call(&c, "team_remove", &[("id", &first), ("email", "r0-0@example.org")]).await.0, 200, "[{b}]");
        let (status, body) = app.call(&c, "team_invite", &[("id", &first), ("email", "fresh@example.org")]).await;
        assert!(status == 409 && body.to_string().contains("try again tomorrow"), "[{b}] {status} {body}");
        let rows = editor_invitation::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(rows, wsis::team::INVITATIONS_PER_DAY, "[{b}] nothing stored past the limit");
    })
    .await;
}
