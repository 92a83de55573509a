//! Broadcasts: previewed with their count and one rendered message, sent once per preview
//! however many times "send" is pressed, one message per recipient in their language, in
//! the audit log; refused to non-admins, with bad input, to an empty group.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use wsis::db::entity::{account, audit_log, mail};

use crate::helpers::{each_backend, DEMO_PASSWORD, VOTER_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_is_previewed_then_sent_once_to_each_in_their_language() {
    each_backend(|app| async move {
        let b = app.backend;
        let tag = uuid::Uuid::new_v4().simple().to_string();
        // three voters who asked for the reminder (one reads French), one unconfirmed
        let mut people = Vec::new();
        for (i, lang) in ["en", "fr", "en", "en"].iter().enumerate() {
            let a = app.voter(&format!("bc-{i}-{tag}@example.org")).await;
            wsis::db::reminders::set(&app.services, &a, true).await.unwrap();
            let mut am: account::ActiveModel = a.into();
            am.lang = Set(lang.to_string());
            am.display_name = Set(format!("Person {i}"));
            if i == 3 {
                am.confirmed_at = Set(None);
            }
            people.push(am.update(&app.db).await.unwrap());
        }
        let form = |extra: &[(&str, &str)]| {
            let mut f = vec![
                ("input[group]".to_string(), "voters_opted_in".to_string()),
                ("input[subject]".to_string(), "Two days left, {name}".to_string()),
                ("input[body]".to_string(), "Dear {name}, voting closes on Friday.".to_string()),
                ("input[fr_subject]".to_string(), "Plus que deux jours, {name}".to_string()),
                ("input[fr_body]".to_string(), "Bonjour {name}, le vote se termine vendredi.".to_string()),
            ];
            for (k, v) in extra {
                f.retain(|(x, _)| x != k);
                f.push((k.to_string(), v.to_string()));
            }
            f
        };
        let call = |c: &reqwest::Client, ep: &'static str, f: Vec<(String, String)>| {
            let c = c.clone();
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(&c, ep, &pairs).await
            }
        };
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let voter = app.sign_in(&people[0].email, VOTER_PASSWORD).await;
        assert_eq!(call(&voter, "admin_broadcast_preview", form(&[])).await.0, 403, "[{b}] a voter cannot");
        assert_eq!(call(&app.client(), "admin_broadcast_preview", form(&[])).await.0, 401);
        for (bad, field) in [(("input[subject]", " "), "subject"), (("input[group]", "everyone"), "group"), (("input[fr_body]", ""), "fr_body")] {
            let (status, body) = call(&admin, "admin_broadcast_preview", form(&[bad])).await;
            assert_eq!(status, 400, "[{b}] {body}");
            assert!(body.to_string().contains(field), "[{b}] names {field}: {body}");
        }

        // the preview: the count and one message as it arrives; nothing queued
        let queued = mail::Entity::find().count(&app.db).await.unwrap();
        let (status, p) = call(&admin, "admin_broadcast_preview", form(&[])).await;
        assert_eq!(status, 200, "[{b}] {p}");
        assert_eq!(p["recipients"], 3, "[{b}] the confirmed ones");
        assert_eq!(p["sample"][0], people[0].email.as_str());
        assert_eq!(p["sample"][2], "Two days left, Person 0");
        assert_eq!(mail::Entity::find().count(&app.db).await.unwrap(), queued, "[{b}] a preview sends nothing");
        let token = p["token"].as_str().unwrap().to_string();

        // "send" pressed twenty times at once: one broadcast
        let sends = futures::future::join_all((0..20).map(|_| call(&admin, "admin_broadcast_send", [form(&[]), vec![("token".into(), token.clone())]].concat()))).await;
        let ok = sends.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(ok, 1, "[{b}] {:?}", sends.iter().map(|s| s.0).collect::<Vec<_>>());
        assert!(sends.iter().all(|(s, _)| [200, 409, 429].contains(s)), "[{b}] {sends:?}");
        for (i, p) in people.iter().enumerate() {
            let got = app.outbox_for(&p.email).await;
            if i == 3 {
                assert!(got.is_empty(), "[{b}] an unconfirmed account gets nothing");
                continue;
            }
            assert_eq!(got.len(), 1, "[{b}] {}: once", p.email);
            if i == 1 {
                assert!(got[0].contains("Plus que deux jours, Person 1") && got[0].contains("Bonjour Person 1"), "[{b}] in French: {}", got[0]);
            } else {
                assert!(got[0].contains(&format!("Dear Person {i}, voting closes")), "[{b}] {}", got[0]);
            }
        }
        let logged = audit_log::Entity::find().filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::BroadcastSend)).count(&app.db).await.unwrap();
        assert_eq!(logged, 1, "[{b}] in the audit log once");
        let (_, list) = app.call(&admin, "admin_broadcasts", &[]).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["recipients"], 3);

        // no token, an empty group: refused, nothing sent
        let (status, _) = call(&admin, "admin_broadcast_send", [form(&[]), vec![("token".into(), "not-a-token".into())]].concat()).await;
        assert_eq!(status, 400);
        let (status, body) = call(&admin, "admin_broadcast_send", [form(&[("input[group]", "screeners_pending")]), vec![("token".into(), uuid::Uuid::new_v4().to_string())]].concat()).await;
        assert_eq!(status, 400, "[{b}] nobody has an opinion pending in the demo: {body}");
        assert_eq!(audit_log::Entity::find().filter(audit_log::Column::Action.eq(wsis::audit::AuditAction::BroadcastSend)).count(&app.db).await.unwrap(), 1);
        let (_, html) = app.get(&admin, "/admin/broadcasts").await;
        assert!(html.contains("data-testid=\"broadcasts\"") && html.contains("Two days left, {name}"), "[{b}] the page lists it");
    })
    .await;
}
