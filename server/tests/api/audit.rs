use wsis::phase::{Milestone, PhaseKind};
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::{edition, vote};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD};

async fn close_voting(app: &TestApp) {
    let e = edition::Model::current(&app.db).await.unwrap().expect("a current edition");
    app.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::minutes(1));
}

/// Casts `spec[i]` votes for the i-th nominee of category 1 from fresh voters.
async fn votes_for(app: &TestApp, spec: &[usize]) -> Vec<uuid::Uuid> {
    let noms = app.nominees_in(1).await;
    let mut k = 0;
    for (i, n) in spec.iter().enumerate() {
        for _ in 0..*n {
            let v = app.voter(&format!("cv{k}@example.org")).await;
            k += 1;
            crate::helpers::cast(&app.services, &v, noms[i].uuid, "origin-a").await.unwrap();
        }
    }
    noms.iter().map(|n| n.uuid).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn champions_are_the_top_five_with_ties_settled_by_an_admin() {
    each_backend(|app| async move {
        let ids = votes_for(&app, &[3, 2, 2, 1, 1, 1]).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app.call(&admin, "admin_compute_champions", &[]).await;
        assert_eq!(status, 403, "voting still open: {body}");
        assert!(body.to_string().contains("once voting has closed"));

        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        close_voting(&app).await;
        assert_eq!(app.call(&voter, "admin_compute_champions", &[]).await.0, 403);

        let (status, v) = app.call(&admin, "admin_compute_champions", &[]).await;
        assert_eq!(status, 200, "{v}");
        let c1 = &v["categories"][0];
        assert_eq!(c1["places"], 5);
        let lines = c1["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 6, "three certain and three tied for two places");
        let tied: Vec<_> = lines.iter().filter(|l| l["tied_at_cutoff"] == true).collect();
        assert_eq!(tied.len(), 3);
        assert_eq!(lines[0]["nominee"], ids[0].to_string());
        // every other category has 20 nominees at zero votes: all tied
        assert_eq!(v["categories"][1]["lines"].as_array().unwrap().len(), 20);

        // a certain champion cannot be left out; a tied one can, with a reason
        let (status, _) = app.call(&admin, "admin_exclude_tied", &[("nominee", &ids[0].to_string()), ("reason", "x")]).await;
        assert_eq!(status, 400);
        let (status, _) = app.call(&admin, "admin_exclude_tied", &[("nominee", &ids[5].to_string()), ("reason", " ")]).await;
        assert_eq!(status, 400);
        let (status, v) = app.call(&admin, "admin_exclude_tied", &[("nominee", &ids[5].to_string()), ("reason", "drawn by lot before witnesses")]).await;
        assert_eq!(status, 200, "{v}");
        let excluded: Vec<_> = v["categories"][0]["lines"].as_array().unwrap().iter().filter(|l| !l["excluded_reason"].is_null()).cloned().collect();
        assert_eq!(excluded.len(), 1);
        // five places are now filled exactly: leaving out another would leave one empty
        let (status, body) = app.call(&admin, "admin_exclude_tied", &[("nominee", &ids[4].to_string()), ("reason", "no")]).await;
        assert_eq!(status, 400, "{body}");
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        assert!(e.champions_computed_at.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complete_ballot_rule_counts_only_full_ballots() {
    each_backend(|app| async move {
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        edition::Entity::update_many().col_expr(edition::Column::CompleteBallot, Expr::value(true)).exec(&app.db).await.unwrap();
        let full = app.voter("full@example.org").await;
        let partial = app.voter("partial@example.org").await;
        for cat in 1..=18 {
            let n = app.nominees_in(cat).await[0].uuid;
            crate::helpers::cast(&app.services, &full, n, "o").await.unwrap();
            if cat <= 17 {
                crate::helpers::cast(&app.services, &partial, n, "o").await.unwrap();
            }
        }
        let e = edition::Entity::find_by_id(e.id).one(&app.db).await.unwrap().unwrap();
        let counted = wsis::db::champions::counted_votes(&app.db, &e).await.unwrap();
        let first = app.nominees_in(1).await[0].id;
        assert_eq!(counted.get(&first), Some(&1), "only the complete ballot counts");
        assert_eq!(counted.values().sum::<i64>(), 18);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_signals_and_invalidating_an_account() {
    each_backend(|app| async move {
        votes_for(&app, &[4, 0, 0]).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, s) = app.call(&admin, "admin_audit_signals", &[]).await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(s["total_votes"], 4);
        assert_eq!(s["shared_origins"][0]["accounts"], 4, "four accounts share one origin");
        assert_eq!(s["fast_accounts"].as_array().unwrap().len(), 4, "all voted right after creation");
        assert_eq!(s["votes_per_hour"].as_array().unwrap().iter().map(|h| h[1].as_u64().unwrap()).sum::<u64>(), 4);

        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&voter, "admin_audit_signals", &[]).await.0, 403);

        let (status, r) = app.call(&admin, "admin_account_votes", &[("email", "cv0@example.org")]).await;
        assert_eq!(status, 200);
        let account = r[0].as_str().unwrap().to_string();
        assert_eq!(r[1].as_array().unwrap().len(), 1);
        let (status, n) = app.call(&admin, "admin_set_account_validity", &[("account", &account), ("valid", "false"), ("reason", "bot")]).await;
        assert_eq!(status, 200);
        assert_eq!(n, 1);
        assert_eq!(vote::Entity::find().filter(vote::Column::Valid.eq(false)).count(&app.db).await.unwrap(), 1);
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        assert_eq!(wsis::db::voting::counters(&app.db, e.id).await.unwrap().values().sum::<i64>(), 3);

        // the vote is out of the count with its category; its receipt says "recorded" until
        // the release (the audit's decisions are published then); restoring counts it again
        let v = vote::Entity::find().filter(vote::Column::Valid.eq(false)).one(&app.db).await.unwrap().unwrap();
        assert_eq!(v.invalidated_category, Some(wsis::vote::NotCountedReason::OtherBreach));
        let anon = app.client();
        let (_, st) = app.call(&anon, "check_receipt", &[("receipt", &v.receipt)]).await;
        assert!(st.get("Recorded").is_some(), "{st}");
        let (status, _) = app.call(&admin, "admin_set_vote_validity", &[("vote", &v.uuid.to_string()), ("valid", "true"), ("reason", "appeal upheld")]).await;
        assert_eq!(status, 200);
        let (_, st) = app.call(&anon, "check_receipt", &[("receipt", &v.receipt)]).await;
        assert!(st.get("Recorded").is_some(), "{st}");
        assert_eq!(wsis::db::voting::counters(&app.db, e.id).await.unwrap().values().sum::<i64>(), 4);
        let (status, _) = app.call(&admin, "admin_set_vote_validity", &[("vote", &v.uuid.to_string()), ("valid", "true"), ("reason", "again")]).await;
        assert_eq!(status, 409);
        let log = wsis::db::entity::audit_log::Entity::find()
            .filter(wsis::db::entity::audit_log::Column::Action.is_in(["vote.invalidate", "vote.restore"]))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(log, 2);
    })
    .await;
}

/// `wsis-server verify-log` on the app's database: (exit success, stdout and stderr).
fn verify_log(app: &TestApp) -> (bool, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_wsis-server"))
        .arg("verify-log")
        .env("DATABASE_URL", app.services.config.database_url.as_str())
        .env("DATA_DIR", app.outbox.parent().unwrap())
        .output()
        .unwrap();
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// The audit log is a hash chain: entries written at once from many requests still form one
/// line; an edited entry, a deleted one or a cut-off end breaks it, and both the platform's
/// check and `wsis-server verify-log` say where; the admin dashboard shows the head.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_a_chain_that_breaks_on_every_edit() {
    use wsis::db::audit::{verify_chain, ChainBreak};
    use wsis::db::entity::audit_log;
    each_backend(|app| async move {
        // many writers at once: failed sign-ins over HTTP and entries written directly
        let sign_ins = (0..40).map(|i| {
            let app = &app;
            async move { app.call(&app.client(), "sign_in", &[("email", &format!("nobody{i}@example.org")), ("password", "wrong-password")]).await.0 }
        });
        let direct = (0..160).map(|i| {
            let db = app.db.clone();
            let now = app.now();
            tokio::spawn(async move {
                wsis::db::audit::record(&db, now, None, wsis::audit::AuditAction::VoteInvalidate, &format!("vote:{i}"), None, Some(serde_json::json!({ "i": i }))).await
            })
        });
        let (statuses, written) = futures::join!(futures::future::join_all(sign_ins), futures::future::join_all(direct));
        assert!(statuses.iter().all(|s| (400..500).contains(s)), "[{}] refused: {statuses:?}", app.backend);
        assert!(written.into_iter().all(|w| w.unwrap().is_ok()), "[{}] every entry written", app.backend);
        let entries = audit_log::Entity::find().count(&app.db).await.unwrap() as i64;
        assert!(entries >= 160, "[{}] {entries}", app.backend);
        let head = verify_chain(&app.db).await.unwrap().unwrap_or_else(|b| panic!("[{}] the chain breaks: {b}", app.backend));
        assert_eq!(head.seq, entries, "[{}] one entry per place, none skipped", app.backend);
        let (ok, out) = verify_log(&app);
        assert!(ok && out.contains(&format!("{entries} entries chained, head {}", head.hash)), "[{}] {out}", app.backend);

        // the dashboard shows the head
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, d) = app.call(&admin, "admin_dashboard", &[]).await;
        assert_eq!(status, 200, "{d}");
        let now_head = wsis::db::audit::head(&app.db).await.unwrap();
        assert_eq!((d["audit_head"][0].as_i64(), d["audit_head"][1].as_str()), (Some(now_head.seq), Some(now_head.hash.as_str())), "[{}]", app.backend);

        // an edit of one entry's subject, as an operator with database access might make it
        let victim = audit_log::Entity::find().filter(audit_log::Column::Seq.eq(entries / 2)).one(&app.db).await.unwrap().unwrap();
        let set_subject = |to: String| audit_log::Entity::update_many().col_expr(audit_log::Column::Subject, Expr::value(to)).filter(audit_log::Column::Id.eq(victim.id));
        set_subject("vote:someone-else".into()).exec(&app.db).await.unwrap();
        assert_eq!(verify_chain(&app.db).await.unwrap(), Err(ChainBreak::Edited(victim.seq)), "[{}]", app.backend);
        let (ok, out) = verify_log(&app);
        assert!(!ok && out.contains("BROKEN") && out.contains(&format!("entry {}", victim.seq)), "[{}] {out}", app.backend);
        // rehashing the edited entry does not help: the next one no longer follows it
        let forged = wsis::db::audit::chain_hash(
            &audit_log::Entity::find().filter(audit_log::Column::Seq.eq(victim.seq - 1)).one(&app.db).await.unwrap().unwrap().hash,
            &audit_log::Model { subject: "vote:someone-else".into(), ..victim.clone() }.entry(),
        );
        audit_log::Entity::update_many().col_expr(audit_log::Column::Hash, Expr::value(forged)).filter(audit_log::Column::Id.eq(victim.id)).exec(&app.db).await.unwrap();
        assert_eq!(verify_chain(&app.db).await.unwrap(), Err(ChainBreak::Edited(victim.seq + 1)), "[{}]", app.backend);
        audit_log::Entity::update_many().col_expr(audit_log::Column::Hash, Expr::value(victim.hash.clone())).filter(audit_log::Column::Id.eq(victim.id)).exec(&app.db).await.unwrap();
        set_subject(victim.subject.clone()).exec(&app.db).await.unwrap();
        assert!(verify_chain(&app.db).await.unwrap().is_ok(), "[{}] restored", app.backend);

        // a deleted entry in the middle, then the last one
        audit_log::Entity::delete_by_id(victim.id).exec(&app.db).await.unwrap();
        assert_eq!(verify_chain(&app.db).await.unwrap(), Err(ChainBreak::Missing(victim.seq + 1)), "[{}]", app.backend);
        {
            use sea_orm::ActiveModelTrait;
            audit_log::ActiveModel::from(victim.clone()).reset_all().insert(&app.db).await.unwrap();
        }
        assert!(verify_chain(&app.db).await.unwrap().is_ok(), "[{}] restored", app.backend);
        let last = audit_log::Entity::find().filter(audit_log::Column::Seq.eq(now_head.seq)).one(&app.db).await.unwrap().unwrap();
        audit_log::Entity::delete_by_id(last.id).exec(&app.db).await.unwrap();
        assert_eq!(verify_chain(&app.db).await.unwrap(), Err(ChainBreak::Truncated { head: now_head.seq, last: now_head.seq - 1 }), "[{}]", app.backend);
        let (ok, out) = verify_log(&app);
        assert!(!ok && out.contains("BROKEN"), "[{}] {out}", app.backend);
    })
    .await;
}
