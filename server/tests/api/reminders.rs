//! One reminder before voting closes: only to those who asked and voted in some categories
//! but not all, once, even with two nodes sending; nothing for anybody else.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::{edition, vote_reminder};
use wsis::phase::PhaseKind;

use crate::helpers::{cast, each_backend, second_node, TestApp, VOTER_PASSWORD};

async fn closes(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    edition::Model::current(&app.db).await.unwrap().unwrap().view().schedule.window(PhaseKind::Voting).closes
}

fn reminders(mails: &[String]) -> usize {
    mails.iter().filter(|m| m.contains("categories of the WSIS Prizes")).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_reminder_reaches_only_those_who_asked_with_a_partial_ballot() {
    each_backend(|app| async move {
        // partial (asked), complete (asked), partial (did not ask), none yet (asked), asked then cancelled
        let emails = ["partial@example.org", "complete@example.org", "quiet@example.org", "none@example.org", "cancelled@example.org"];
        let mut voters = Vec::new();
        for e in emails {
            voters.push(app.voter(e).await);
        }
        for (i, v) in voters.iter().enumerate() {
            let categories = match i {
                0 | 4 => 2,
                1 => 18,
                2 => 1,
                _ => 0,
            };
            for cat in 1..=categories {
                let n = app.nominees_in(cat).await[0].uuid;
                cast(&app.services, v, n, &format!("origin-{i}")).await.unwrap();
            }
            if i != 2 {
                let c = app.sign_in(emails[i], VOTER_PASSWORD).await;
                let (status, body) = app.call(&c, "set_vote_reminder", &[("on", "true")]).await;
                assert_eq!((status, body.as_bool()), (200, Some(true)), "[{}] {body}", app.backend);
                if i == 4 {
                    let (status, _) = app.call(&c, "set_vote_reminder", &[("on", "false")]).await;
                    assert_eq!(status, 200);
                }
                let (_, wanted) = app.call(&c, "vote_reminder", &[]).await;
                assert_eq!(wanted.as_bool(), Some(i != 4));
            }
        }
        // too early: nothing
        assert_eq!(wsis::db::reminders::send_due(&app.services).await.unwrap(), 0);
        // two days before the close, two nodes send at once, and again
        let close = closes(&app).await;
        app.set_now(close - chrono::Duration::hours(47));
        let other = second_node(&app).await;
        let (a, b) = tokio::join!(wsis::db::reminders::send_due(&app.services), wsis::db::reminders::send_due(&other.services));
        assert_eq!(a.unwrap() + b.unwrap(), 1, "[{}] one reminder in all", app.backend);
        assert_eq!(wsis::db::reminders::send_due(&app.services).await.unwrap(), 0);
        let mails = app.outbox_for("partial@example.org").await;
        assert_eq!(reminders(&mails), 1, "[{}]", app.backend);
        let m = mails.iter().find(|m| m.contains("categories of the WSIS Prizes")).unwrap();
        assert!(m.contains("2 of 18") && m.contains("Geneva time") && m.contains("/categories"), "{m}");
        for e in &emails[1..] {
            assert_eq!(reminders(&app.outbox_for(e).await), 0, "[{}] {e}", app.backend);
        }
        // after the close, nothing is sent and nobody can ask
        app.set_now(close + chrono::Duration::minutes(1));
        assert_eq!(wsis::db::reminders::send_due(&app.services).await.unwrap(), 0);
        let c = app.sign_in("none@example.org", VOTER_PASSWORD).await;
        let (status, body) = app.call(&c, "set_vote_reminder", &[("on", "true")]).await;
        assert!(status == 409 || status == 400 || status == 403, "{status} {body}");
    })
    .await;
}

/// Strangers cannot ask; unconfirmed accounts cannot; a hundred parallel requests of one
/// account keep one row; bad input changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_need_a_confirmed_account_and_are_asked_once() {
    each_backend(|app| async move {
        assert_eq!(app.call(&app.client(), "set_vote_reminder", &[("on", "true")]).await.0, 401);
        assert_eq!(app.call(&app.client(), "vote_reminder", &[]).await.0, 401);
        let c = app.client();
        let (status, _) = app.sign_up(&c, "unconfirmed@example.org", "a long enough pass").await;
        assert_eq!(status, 200);
        let c = app.client();
        let (status, _) = app.call(&c, "sign_in", &[("email", "unconfirmed@example.org"), ("password", "a long enough pass")]).await;
        if status == 200 {
            assert_eq!(app.call(&c, "set_vote_reminder", &[("on", "true")]).await.0, 403);
        }
        let v = app.voter("eager@example.org").await;
        let c = app.sign_in("eager@example.org", VOTER_PASSWORD).await;
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (c, url) = (c.clone(), app.url("/api/set_vote_reminder"));
            tasks.push(tokio::spawn(async move { c.post(url).form(&[("on", "true")]).send().await.unwrap().status().as_u16() }));
        }
        for t in tasks {
            let s = t.await.unwrap();
            assert!(s == 200 || s == 429, "[{}] {s}", app.backend);
        }
        let rows = vote_reminder::Entity::find().filter(vote_reminder::Column::AccountId.eq(v.id)).count(&app.db).await.unwrap();
        assert_eq!(rows, 1, "[{}] one request kept", app.backend);
        for bad in ["maybe", "", "1; drop table vote"] {
            let (status, _) = app.call(&c, "set_vote_reminder", &[("on", bad)]).await;
            assert_eq!(status, 400, "{bad}");
        }
        assert_eq!(vote_reminder::Entity::find().filter(vote_reminder::Column::AccountId.eq(v.id)).count(&app.db).await.unwrap(), 1);
    })
    .await;
}
