//! A count anyone can check: the demo edition is committed at the close before any audit
//! decision (and its observer receives the commitment), the audit's invalidations carry a
//! reason category that the receipt shows only after the release, and the released
//! bulletin is verified by the independent verifier (`public/verify/wsis_verify.py`, run
//! with python3) — which names each tampering: a moved vote, a rewritten commitment, a
//! dropped invalidation, an altered count, a champion changed, an edited log row.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use wsis::commitment::verify;
use wsis::db::entity::{edition, vote};
use wsis::vote::NotCountedReason;

use crate::helpers::{cli, each_backend, TestApp, DEMO_PASSWORD};

fn verifier() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/verify/wsis_verify.py")
}

/// Runs the verifier: (exit status, what it printed).
fn run_verifier(args: &[&Path]) -> (i32, String) {
    let o = std::process::Command::new("python3")
        .arg(verifier())
        .args(args)
        .output()
        .expect("python3 runs the independent verifier (the test command needs it)");
    (o.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

async fn bulletin_bytes(app: &TestApp, c: &reqwest::Client, year: &str, encoding: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = c.get(app.url(&format!("/results/{year}/bulletin.json"))).header("accept-encoding", encoding).send().await.unwrap();
    let status = r.status().as_u16();
    let ce = r.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, ce, r.bytes().await.unwrap().to_vec())
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p
}

/// A tampered copy must fail, with a line naming what was changed.
fn expect_named(dir: &Path, name: &str, bulletin: &Value, extra: &[&Path], needle: &str, backend: &str) {
    let p = write(dir, name, bulletin);
    let mut args = vec![p.as_path()];
    args.extend_from_slice(extra);
    let (code, out) = run_verifier(&args);
    assert_eq!(code, 1, "[{backend}] {name} must be rejected: {out}");
    assert!(out.contains(needle), "[{backend}] {name}: expected “{needle}” in:\n{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_released_bulletin_verifies_independently_and_each_tampering_is_named() {
    each_backend(|app| async move {
        wsis::db::seed::bring_to_review_audited(&app.services, Utc::now()).await.unwrap();
        let e = edition::Model::current(&app.db).await.unwrap().unwrap();
        let y = e.year.to_string();
        let public = app.client();
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;

        // the commitment came at the close, before the audit: every vote cast, the four
        // demo accounts' invalidated votes included
        let (_, c) = app.call(&public, "commitment", &[("year", &y)]).await;
        let committed: u64 = c["categories"].as_array().unwrap().iter().map(|x| x["votes"].as_u64().unwrap()).sum();
        let cast = vote::Entity::find().filter(vote::Column::EditionId.eq(e.id)).count(&app.db).await.unwrap();
        let invalid = vote::Entity::find().filter(vote::Column::EditionId.eq(e.id)).filter(vote::Column::Valid.eq(false)).count(&app.db).await.unwrap();
        assert_eq!(committed, cast, "[{}] every vote cast is committed", app.backend);
        assert_eq!(invalid, 4 * 18, "[{}] the demo audit invalidated four ballots", app.backend);
        // the demo observer received it, with the roots
        let mails = app.outbox_for(wsis::db::seed::DEMO_OBSERVER).await;
        assert_eq!(mails.len(), 1, "[{}] one message to the observer", app.backend);
        assert!(mails[0].contains(c["categories"][0]["root"].as_str().unwrap()), "[{}] {}", app.backend, mails[0]);

        // a receipt of an invalidated vote, before the release: "recorded", like every other
        // (a farm operator learns nothing from it), with its proof of inclusion
        let held = vote::Entity::find()
            .filter(vote::Column::EditionId.eq(e.id))
            .filter(vote::Column::InvalidatedCategory.eq(NotCountedReason::CoordinatedAccounts))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.invalidated_category, Some(NotCountedReason::CoordinatedAccounts));
        let (status, st) = app.call(&public, "check_receipt", &[("receipt", &held.receipt)]).await;
        assert_eq!(status, 200, "{st}");
        assert!(st.get("Recorded").is_some(), "[{}] before the release an invalidated vote reads as recorded: {st}", app.backend);
        let inc: wsis::commitment::Inclusion = serde_json::from_value(st["Recorded"]["inclusion"].clone()).unwrap();
        assert!(verify(&inc.line, &inc.steps, &inc.root), "[{}] the proof leads to the root", app.backend);
        assert_eq!(inc.root, c["categories"][(held.category_id - 1) as usize]["root"].as_str().unwrap());
        // before the release nobody but the admins gets the bulletin
        assert_eq!(bulletin_bytes(&app, &public, &y, "identity").await.0, 403, "[{}] embargoed", app.backend);
        // an invalidation with a category nobody may choose is refused and changes nothing
        let some_valid = vote::Entity::find().filter(vote::Column::EditionId.eq(e.id)).filter(vote::Column::Valid.eq(true)).one(&app.db).await.unwrap().unwrap();
        for bad in ["held", "not_on_ballot", "bribery"] {
            let (status, body) =
                app.call(&admin, "admin_set_vote_validity", &[("vote", &some_valid.uuid.to_string()), ("valid", "false"), ("reason", "x"), ("category", bad)]).await;
            assert_eq!(status, 400, "[{}] {bad}: {body}", app.backend);
        }
        assert!(vote::Entity::find_by_id(some_valid.id).one(&app.db).await.unwrap().unwrap().valid);

        // winners chosen, results released
        let (_, v) = app.call(&admin, "admin_review", &[]).await;
        for cat in v["categories"].as_array().unwrap() {
            let top = cat["ranking"][0]["nominee"].as_str().unwrap().to_string();
            let slug = cat["slug"].as_str().unwrap().to_string();
            let (status, body) = app.call(&admin, "admin_select_winners", &[("category", &slug), ("winners[0]", &top), ("reason", "jury decision")]).await;
            assert_eq!(status, 200, "{body}");
        }
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{body}");

        // now the receipt says why, and still proves its inclusion
        let (_, st) = app.call(&public, "check_receipt", &[("receipt", &held.receipt)]).await;
        assert_eq!(st["NotCounted"]["reason"], "CoordinatedAccounts", "[{}] {st}", app.backend);
        assert!(st["NotCounted"]["inclusion"]["steps"].is_array());
        let (_, html) = app.get(&public, &format!("/receipt?receipt={}", held.receipt)).await;
        assert!(html.contains("data-reason=\"coordinated_accounts\"") && html.contains("data-verified=\"true\""), "[{}] the receipt page", app.backend);
        // the results page accounts for every category and links the files
        let (_, html) = app.get(&public, &format!("/results/{y}")).await;
        assert_eq!(html.matches("data-testid=\"account-row\"").count(), 18, "[{}]", app.backend);
        assert!(html.contains(&format!("/results/{y}/bulletin.json")) && html.contains("/verify/wsis_verify.py"));

        // a crowd downloads the bulletin at once: the same bytes for all, gzip or not
        let crowd = futures::future::join_all((0..60).map(|_| bulletin_bytes(&app, &public, &y, "gzip, br"))).await;
        assert!(crowd.iter().all(|(s, ce, _)| *s == 200 && ce.as_deref() == Some("gzip")), "[{}] gzip for those who take it", app.backend);
        assert!(crowd.windows(2).all(|w| w[0].2 == w[1].2), "[{}] one bulletin", app.backend);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(crowd[0].2.as_slice()).read_to_end(&mut plain).unwrap();
        let (status, ce, identity) = bulletin_bytes(&app, &public, &y, "identity").await;
        assert_eq!((status, ce), (200, None));
        assert_eq!(identity, plain, "[{}] the same bulletin expanded", app.backend);
        let bulletin: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(bulletin["format"], wsis::bulletin::FORMAT);
        let not_counted: usize = bulletin["categories"].as_array().unwrap().iter().map(|c| c["not_counted"].as_array().unwrap().len()).sum();
        assert_eq!(not_counted as u64, invalid, "[{}] every invalidated vote is published by receipt", app.backend);
        let text = String::from_utf8_lossy(&plain);
        for a in ["demo-voter-0@wsis.example", "demo:", &held.origin_hash] {
            assert!(!text.contains(a), "[{}] the bulletin names no account, reason text or origin: {a}", app.backend);
        }
        // the results page's accounting, asked by a crowd at once: one answer for all, and
        // the bulletin's figures
        let app_ref = &app;
        let accounts = futures::future::join_all((0..200).map(|i| {
            let app = app_ref;
            let c = app.client_at(&format!("203.0.113.{}", i % 200));
            let y = y.clone();
            async move { app.call(&c, "published_accounts", &[("year", &y)]).await }
        }))
        .await;
        assert!(accounts.iter().all(|(s, _)| *s == 200 || *s == 429), "[{}] {:?}", app.backend, accounts.iter().map(|a| a.0).collect::<Vec<_>>());
        let answered: Vec<&Value> = accounts.iter().filter(|(s, _)| *s == 200).map(|(_, v)| v).collect();
        assert!(!answered.is_empty() && answered.windows(2).all(|w| w[0] == w[1]), "[{}] one accounting for the crowd", app.backend);
        let rows: Vec<wsis::bulletin::CategoryAccount> = serde_json::from_value(answered[0].clone()).unwrap();
        assert_eq!(rows.len(), 18);
        let listed: u64 = rows.iter().flat_map(|r| r.not_counted.iter().map(|(_, n)| *n)).sum();
        assert_eq!(listed, invalid, "[{}] the accounting lists every vote not counted", app.backend);
        assert!(rows.iter().all(|r| r.committed == r.counted + r.not_counted.iter().map(|(_, n)| n).sum::<u64>()), "[{}] committed = counted + not counted", app.backend);

        // the published files: bulletin, commitment of the close, audit log
        let dir = std::env::temp_dir().join(format!("wsis-bulletin-{}-{}", app.backend, uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let gz = dir.join("bulletin.json.gz");
        std::fs::write(&gz, &crowd[0].2).unwrap();
        let commitment = write(&dir, "commitment.json", &c);
        let log = dir.join("audit-log.jsonl");
        let o = cli(&app, &["export-log", "--out", log.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (code, out) = run_verifier(&[gz.as_path(), Path::new("--commitment"), commitment.as_path(), Path::new("--log"), log.as_path()]);
        assert_eq!(code, 0, "[{}] the verifier accepts the published files:\n{out}", app.backend);
        assert!(out.starts_with("OK ") && out.contains(&format!("{not_counted} not counted")), "[{}] {out}", app.backend);
        let with_commitment = [Path::new("--commitment"), commitment.as_path()];

        // a moved vote: one counted line given to another nominee
        let cat = bulletin["categories"].as_array().unwrap().iter().position(|c| !c["not_counted"].as_array().unwrap().is_empty()).unwrap();
        let code_of = bulletin["categories"][cat]["category"].as_str().unwrap().to_string();
        let mut moved = bulletin.clone();
        let nominees: Vec<String> = moved["categories"][cat]["nominees"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect();
        let line = moved["categories"][cat]["ledger"][0].as_str().unwrap().to_string();
        let (receipt, nominee) = line.split_once(' ').unwrap();
        let other = nominees.iter().find(|n| *n != nominee).unwrap();
        moved["categories"][cat]["ledger"][0] = Value::String(format!("{receipt} {other}"));
        expect_named(&dir, "moved.json", &moved, &with_commitment, &format!("FAIL {code_of}: the ledger's Merkle root"), app.backend);
        // … with the commitment rewritten to match: the commitment of the close names it
        let mut lines: Vec<String> = moved["categories"][cat]["ledger"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
        lines.sort();
        let leaves: Vec<_> = lines.iter().map(|l| wsis::commitment::leaf(l)).collect();
        moved["categories"][cat]["ledger"] = serde_json::json!(lines);
        moved["categories"][cat]["committed_root"] = Value::String(wsis::commitment::to_hex(&wsis::commitment::root(&leaves)));
        expect_named(&dir, "moved-recommitted.json", &moved, &with_commitment, &format!("FAIL {code_of}: the bulletin's commitment"), app.backend);
        // a dropped invalidation: the vote would count, the published counts do not say so
        let mut dropped = bulletin.clone();
        dropped["categories"][cat]["not_counted"].as_array_mut().unwrap().remove(0);
        expect_named(&dir, "dropped.json", &dropped, &with_commitment, "counted votes in the ledger", app.backend);
        // an altered count
        let mut altered = bulletin.clone();
        let v0 = altered["categories"][cat]["nominees"][0]["votes"].as_u64().unwrap();
        altered["categories"][cat]["nominees"][0]["votes"] = Value::from(v0 + 1);
        expect_named(&dir, "altered.json", &altered, &with_commitment, &format!("{} published", v0 + 1), app.backend);
        // a champion swapped for a nominee outside the top N
        let mut swapped = bulletin.clone();
        let last = nominees.last().unwrap().clone();
        swapped["categories"][cat]["champions"][0]["id"] = Value::String(last);
        expect_named(&dir, "swapped.json", &swapped, &with_commitment, "the champions differ from the top", app.backend);
        // an edited log row: an invalidation's reason rewritten in the exported log
        let text = std::fs::read_to_string(&log).unwrap();
        let edited = text.replacen("demo: votes cast by a script", "demo: votes cast by hand", 1);
        assert_ne!(edited, text);
        let edited_log = dir.join("edited-log.jsonl");
        std::fs::write(&edited_log, edited).unwrap();
        let (code, out) = run_verifier(&[gz.as_path(), Path::new("--log"), edited_log.as_path()]);
        assert_eq!(code, 1, "[{}] {out}", app.backend);
        assert!(out.contains("was edited"), "[{}] {out}", app.backend);
        // a log cut before the release
        let cut: String = text.lines().take(text.lines().count() / 2).map(|l| format!("{l}\n")).collect();
        let cut_log = dir.join("cut-log.jsonl");
        std::fs::write(&cut_log, cut).unwrap();
        let (code, out) = run_verifier(&[gz.as_path(), Path::new("--log"), cut_log.as_path()]);
        assert_eq!(code, 1, "[{}] {out}", app.backend);
        assert!(out.contains("(the release) is not in the log"), "[{}] {out}", app.backend);
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observers_are_registered_by_admins_only_and_receive_a_made_commitment_at_once() {
    each_backend(|app| async move {
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&voter, "admin_add_observer", &[("email", "journalist@example.org")]).await.0, 403);
        assert_eq!(app.call(&app.client(), "admin_observers", &[]).await.0, 401);
        let (status, body) = app.call(&admin, "admin_add_observer", &[("email", "not an address")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(app.call(&admin, "admin_add_observer", &[("email", "Journalist@Example.org")]).await.0, 200);
        assert_eq!(app.call(&admin, "admin_add_observer", &[("email", "journalist@example.org")]).await.0, 409, "[{}] once", app.backend);
        let (_, list) = app.call(&admin, "admin_observers", &[]).await;
        let emails: Vec<&str> = list.as_array().unwrap().iter().map(|o| o["email"].as_str().unwrap()).collect();
        assert_eq!(emails, vec![wsis::db::seed::DEMO_OBSERVER, "journalist@example.org"]);
        // the commitment is made: the new observer gets it at once
        let mails = app.outbox_for("journalist@example.org").await;
        assert_eq!(mails.len(), 1, "[{}]", app.backend);
        assert!(mails[0].contains("the commitment of the votes cast") && mails[0].contains("/verify/wsis_verify.py"));
        assert_eq!(app.call(&admin, "admin_remove_observer", &[("email", "journalist@example.org")]).await.0, 200);
        assert_eq!(app.call(&admin, "admin_remove_observer", &[("email", "journalist@example.org")]).await.0, 404);
    })
    .await;
}

/// A crowd checking receipts at once, over more categories than a node keeps trees for:
/// every answer is a proof that leads to the published root, or "slow down"; never an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_receipt_checks_at_once_each_get_a_proof_or_a_slow_down() {
    each_backend(|app| async move {
        wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
        let e = edition::Model::current(&app.db).await.unwrap().unwrap();
        let (_, c) = app.call(&app.client(), "commitment", &[("year", &e.year.to_string())]).await;
        let roots: Vec<String> = c["categories"].as_array().unwrap().iter().map(|x| x["root"].as_str().unwrap().to_string()).collect();
        let mut receipts = Vec::new();
        for cat in 1..=(wsis::db::commitments::TREES_KEPT as i32 + 2) {
            let v = vote::Entity::find().filter(vote::Column::EditionId.eq(e.id)).filter(vote::Column::CategoryId.eq(cat)).one(&app.db).await.unwrap().unwrap();
            receipts.push((v.receipt, cat));
        }
        let app_ref = &app;
        let answers = futures::future::join_all((0..1000).map(|i| {
            let app = app_ref;
            let c = app.client_at(&format!("198.51.{}.{}", i / 250, i % 250));
            let (receipt, cat) = receipts[i % receipts.len()].clone();
            async move { (cat, app.call(&c, "check_receipt", &[("receipt", &receipt)]).await) }
        }))
        .await;
        let mut proved = std::collections::HashSet::new();
        for (cat, (status, st)) in &answers {
            match status {
                200 => {
                    let inc: wsis::commitment::Inclusion = serde_json::from_value(st["Recorded"]["inclusion"].clone()).unwrap_or_else(|_| panic!("[{}] {st}", app.backend));
                    assert!(verify(&inc.line, &inc.steps, &inc.root), "[{}] the proof leads to the root", app.backend);
                    assert_eq!(inc.root, roots[(*cat - 1) as usize], "[{}] the published root of its category", app.backend);
                    proved.insert(*cat);
                }
                429 => {}
                other => panic!("[{}] a receipt check answered {other}: {st}", app.backend),
            }
        }
        assert_eq!(proved.len(), receipts.len(), "[{}] every category's receipts were proved", app.backend);
    })
    .await;
}
