//! The mail queue against a real SMTP server (aiosmtpd, started by the test command:
//! `TEST_SMTP_URL`, `TEST_SMTP_DIR`; under CI their absence fails these tests). Messages
//! are stored in the request's transaction and sent by the workers; a server that refuses
//! leaves them waiting with their error, visible to admins; once it accepts, two nodes
//! delivering at the same time send every message exactly once.

use std::path::{Path, PathBuf};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wsis::db::entity::mail;

use crate::helpers::{each_backend_with, TestApp, DEMO_PASSWORD};

/// The SMTP server's URL and folder; required under CI.
fn smtp() -> Option<(String, PathBuf)> {
    match (std::env::var("TEST_SMTP_URL"), std::env::var("TEST_SMTP_DIR")) {
        (Ok(url), Ok(dir)) if !url.is_empty() && !dir.is_empty() => Some((url, PathBuf::from(dir))),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI runs the mail tests against a real SMTP server: TEST_SMTP_URL is not set");
            None
        }
    }
}

/// The messages the SMTP server accepted for `to`.
fn received(dir: &Path, to: &str) -> Vec<String> {
    std::fs::read_dir(dir.join("received"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter(|m| m.lines().next() == Some(&format!("X-Rcpt-To: {to}")))
        .collect()
}

async fn rows_for(app: &TestApp, to: &str) -> Vec<mail::Model> {
    mail::Entity::find().filter(mail::Column::Recipient.eq(to)).all(&app.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_mail_waits_visibly_and_arrives_once_from_two_nodes() {
    let Some((url, dir)) = smtp() else { return };
    let tune = {
        let url = url.clone();
        move |c: &mut wsis::db::Config| c.smtp_url = Some(wsis::db::config::Secret::new(url.clone()))
    };
    each_backend_with(tune, |app| {
        let (url, dir) = (url.clone(), dir.clone());
        async move {
            let tag = uuid::Uuid::new_v4().simple().to_string();
            let people: Vec<String> = (0..4).map(|i| format!("mail-{i}-{tag}@example.org")).collect();
            for p in &people {
                app.voter(p).await;
            }
            // the mail server refuses the first three
            for p in &people[..3] {
                std::fs::write(dir.join("refuse").join(p), b"").unwrap();
            }
            // the requests are answered without a mail server being asked: the messages are stored
            // (after the answer, so that it does not tell whether the account exists)
            for p in &people {
                let (status, body) = app.call(&app.client(), "request_password_reset", &[("email", p)]).await;
                assert_eq!(status, 200, "[{}] {body}", app.backend);
                app.services.background.idle().await;
                let rows = rows_for(&app, p).await;
                assert_eq!(rows.len(), 1, "[{}] stored with the request", app.backend);
            }
            assert!(people.iter().all(|p| received(&dir, p).is_empty()), "[{}] nothing sent from the request path", app.backend);

            wsis::db::mail::deliver_due(&app.services).await.unwrap();
            assert_eq!(received(&dir, &people[3]).len(), 1, "[{}] the accepted message arrived", app.backend);
            for p in &people[..3] {
                assert!(received(&dir, p).is_empty(), "[{}] refused", app.backend);
                let r = &rows_for(&app, p).await[0];
                assert!(r.sent_at.is_none() && r.attempts == 1, "[{}] {r:?}", app.backend);
                assert!(r.last_error.as_deref().unwrap_or_default().contains("451"), "[{}] the server's answer is kept: {r:?}", app.backend);
                assert!(r.next_attempt_at > app.now(), "[{}] tried again later, not at once", app.backend);
            }
            // before the delay is over nothing is tried again
            wsis::db::mail::deliver_due(&app.services).await.unwrap();
            assert_eq!(rows_for(&app, &people[0]).await[0].attempts, 1, "[{}] the backoff holds", app.backend);

            // admins see the failures with their error; nobody else sees the queue
            let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
            let (status, q) = app.call(&admin, "admin_mail", &[]).await;
            assert_eq!(status, 200, "{q}");
            let q: wsis::mail::MailQueue = serde_json::from_value(q).unwrap();
            assert_eq!(q.transport, "smtp");
            assert!(q.retrying >= 3 && q.sent >= 1, "[{}] {q:?}", app.backend);
            for p in &people[..3] {
                let f = q.failing.iter().find(|f| &f.recipient == p).unwrap_or_else(|| panic!("[{}] {p} listed", app.backend));
                assert!(f.last_error.contains("451") && f.attempts == 1, "[{}] {f:?}", app.backend);
            }
            assert!(!q.failing.iter().any(|f| f.recipient == people[3]));
            let (_, html) = app.get(&admin, "/admin/mail").await;
            assert!(html.contains("data-testid=\"mail-failing\"") && html.contains(&people[0]), "[{}] the page lists them", app.backend);
            let voter = app.sign_in(&people[3], crate::helpers::VOTER_PASSWORD).await;
            for c in [&voter, &app.client()] {
                let (status, _) = app.call(c, "admin_mail", &[]).await;
                assert!(status == 401 || status == 403, "[{}] {status}", app.backend);
                let (status, _) = app.call(c, "admin_retry_mail", &[]).await;
                assert!(status == 401 || status == 403, "[{}] {status}", app.backend);
            }
            // a sent message cannot be sent again
            let sent_id = rows_for(&app, &people[3]).await[0].id.to_string();
            let (status, body) = app.call(&admin, "admin_retry_mail", &[("id", &sent_id)]).await;
            assert_eq!(status, 404, "[{}] {body}", app.backend);

            // the server accepts again; an admin asks for a try now; two nodes deliver at once
            for p in &people[..3] {
                std::fs::remove_file(dir.join("refuse").join(p)).unwrap();
            }
            let (status, n) = app.call(&admin, "admin_retry_mail", &[]).await;
            assert_eq!(status, 200, "{n}");
            assert!(n.as_u64().unwrap() >= 3);
            let mut config = (*app.services.config).clone();
            config.smtp_url = Some(wsis::db::config::Secret::new(url.clone()));
            let db2 = wsis_server::prepare(&config, false).await.unwrap();
            let mut node2 = wsis::db::Services::new(db2, config);
            node2.clock = app.services.clock.clone();
            let rounds = futures::future::join_all((0..6).map(|i| {
                let s = if i % 2 == 0 { app.services.clone() } else { node2.clone() };
                async move { wsis::db::mail::deliver_due(&s).await.unwrap() }
            }))
            .await;
            assert!(rounds.iter().sum::<usize>() >= 3, "[{}] {rounds:?}", app.backend);
            for p in &people {
                let got = received(&dir, p);
                assert_eq!(got.len(), 1, "[{}] {p}: every message arrives once", app.backend);
                assert!(got[0].contains("/reset?token="), "[{}] the whole message", app.backend);
                let r = &rows_for(&app, p).await[0];
                assert!(r.sent_at.is_some() && r.claimed_until.is_none(), "[{}] {r:?}", app.backend);
            }
            // later rounds send nothing again
            wsis::db::mail::deliver_due(&node2).await.unwrap();
            assert!(people.iter().all(|p| received(&dir, p).len() == 1), "[{}] still once", app.backend);
            let (_, q) = app.call(&admin, "admin_mail", &[]).await;
            let q: wsis::mail::MailQueue = serde_json::from_value(q).unwrap();
            assert!(!q.failing.iter().any(|f| people.contains(&f.recipient)), "[{}] no longer failing", app.backend);
        }
    })
    .await;
}
