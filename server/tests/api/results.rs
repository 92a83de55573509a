use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wsis::db::entity::{champion, edition, nomination};
use wsis::results::{parse_csv, Digest, LedgerEntry};

use crate::helpers::{cli, each_backend, TestApp, DEMO_PASSWORD};

/// The demo edition in review with a winner staged in every category.
async fn decided(app: &TestApp) -> edition::Model {
    wsis::db::seed::bring_to_review(&app.services, Utc::now()).await.unwrap();
    let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
    let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
    let (_, v) = app.call(&admin, "admin_review", &[]).await;
    for c in v["categories"].as_array().unwrap() {
        let top = c["ranking"][0]["nominee"].as_str().unwrap().to_string();
        let slug = c["slug"].as_str().unwrap().to_string();
        let (status, body) = app.call(&admin, "admin_select_winners", &[("category", &slug), ("winners[0]", &top), ("reason", "jury decision")]).await;
        assert_eq!(status, 200, "{body}");
    }
    e
}

async fn download(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String, String, Vec<u8>) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let h = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (ct, cd) = (h("content-type"), h("content-disposition"));
    (status, ct, cd, r.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_are_embargoed_on_every_surface_until_released() {
    each_backend(|app| async move {
        let e = decided(&app).await;
        let y = e.year.to_string();
        let public = app.client();
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;

        // server function and page
        for c in [&public, &voter] {
            let (status, body) = app.call(c, "results", &[("year", &y)]).await;
            assert_eq!(status, 403, "{body}");
            assert!(body.to_string().contains("embargoed"));
            let (status, html) = app.get(c, &format!("/results/{y}")).await;
            assert_eq!(status, 403);
            assert!(!html.contains("Winner:"));
        }
        for c in [&announcer, &admin] {
            let (status, body) = app.call(c, "results", &[("year", &y)]).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["released"], false);
            let (status, html) = app.get(c, &format!("/results/{y}")).await;
            assert_eq!(status, 200);
            assert!(html.contains("Embargoed"));
        }
        // every file
        for f in ["export.csv", "export.json", "export.xlsx", "ledger.json", "digest.json"] {
            for c in [&public, &voter] {
                let (status, _, _, body) = download(&app, c, &format!("/results/{y}/{f}")).await;
                assert_eq!(status, 403, "{f}: {}", String::from_utf8_lossy(&body));
            }
            let (status, _, cd, _) = download(&app, &announcer, &format!("/results/{y}/{f}")).await;
            assert_eq!(status, 200, "{f}");
            assert!(cd.starts_with("attachment; filename=\"wsis-prizes-"), "{cd}");
        }
        // the command line, without and with a privileged account
        let out = std::env::temp_dir().join(format!("wsis-export-{}-{}.csv", app.backend, uuid::Uuid::new_v4()));
        let o = cli(&app, &["export", "--edition", &y, "--format", "csv", "--out", out.to_str().unwrap()]);
        assert!(!o.status.success(), "public CLI export before release must fail");
        assert!(String::from_utf8_lossy(&o.stderr).contains("embargoed"));
        assert!(!out.exists());
        let o = cli(&app, &["export", "--edition", &y, "--format", "csv", "--out", out.to_str().unwrap(), "--as", "voter@wsis.example"]);
        assert!(!o.status.success());
        let o = cli(&app, &["export", "--edition", &y, "--format", "csv", "--out", out.to_str().unwrap(), "--as", "announcer@wsis.example"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(std::fs::read_to_string(&out).unwrap().starts_with("edition,category_code"));
        let _ = std::fs::remove_file(&out);

        // release: admins only, confirmed, and then public everywhere
        assert_eq!(app.call(&announcer, "admin_release_results", &[("year", &y), ("confirm", "true")]).await.0, 403);
        assert_eq!(app.call(&admin, "admin_release_results", &[("year", &y)]).await.0, 400);
        let (status, v) = app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["released"], true);
        assert_eq!(app.call(&admin, "admin_release_results", &[("year", &y), ("confirm", "true")]).await.0, 409);
        let (status, v) = app.call(&public, "results", &[("year", &y)]).await;
        assert_eq!(status, 200);
        assert_eq!(v["categories"].as_array().unwrap().len(), 18);
        let (status, html) = app.get(&public, &format!("/results/{y}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("<svg") && html.contains("The votes as a table"));
        for f in ["export.csv", "export.json", "export.xlsx", "ledger.json", "digest.json"] {
            assert_eq!(download(&app, &public, &format!("/results/{y}/{f}")).await.0, 200, "{f}");
        }
        let o = cli(&app, &["export", "--edition", &y, "--format", "json", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let _ = std::fs::remove_file(&out);

        // nominations now carry their result; letters went out to the projects' contacts
        let winners = nomination::Entity::find().filter(nomination::Column::Status.eq("winner")).all(&app.db).await.unwrap();
        assert_eq!(winners.len(), 18);
        let letters = app.outbox_for(&winners[0].contact).await;
        assert!(letters.iter().any(|m| m.contains("WSIS Prizes winner")), "{letters:?}");
        // finalising again sends nothing twice
        assert_eq!(wsis::db::results::release_due(&app.services).await.unwrap(), 0);
        assert_eq!(wsis::db::results::finalize(&app.services, e.id).await.unwrap(), 0);
        // past editions and the home page list winners once released (the home shows the current edition's link)
        let (status, html) = app.get(&public, &format!("/results/{y}/certificates")).await;
        assert_eq!(status, 200);
        assert!(html.matches("data-testid=\"certificate\"").count() >= 18 * 5);
        let (status, html) = app.get(&public, &format!("/results/{y}/stories")).await;
        assert_eq!(status, 200);
        assert!(html.contains("data-testid=\"story\""));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_equal_the_database_and_the_digest_verifies() {
    each_backend(|app| async move {
        let e = decided(&app).await;
        let y = e.year.to_string();
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;
        let champions = champion::Entity::find()
            .filter(champion::Column::EditionId.eq(e.id))
            .filter(champion::Column::ExcludedReason.is_null())
            .all(&app.db)
            .await
            .unwrap();
        let noms: HashMap<i32, nomination::Model> =
            nomination::Entity::find().filter(nomination::Column::EditionId.eq(e.id)).all(&app.db).await.unwrap().into_iter().map(|n| (n.id, n)).collect();
        // title → (votes, winner) from the database
        let truth: HashMap<String, (i64, bool)> = champions.iter().map(|c| (noms[&c.nomination_id].title.clone(), (c.valid_votes, c.winner))).collect();

        let (status, ct, cd, body) = download(&app, &announcer, &format!("/results/{y}/export.csv")).await;
        assert_eq!(status, 200);
        assert_eq!(ct, "text/csv; charset=utf-8");
        assert_eq!(cd, format!("attachment; filename=\"wsis-prizes-{y}-results.csv\""));
        let rows = parse_csv(&String::from_utf8(body).unwrap());
        assert_eq!(rows.len(), champions.len() + 1);
        for r in &rows[1..] {
            let (votes, winner) = truth[&r[5]];
            assert_eq!(r[10], votes.to_string(), "votes of {}", r[5]);
            assert_eq!(r[4] == "winner", winner);
        }
        assert_eq!(rows[1..].iter().filter(|r| r[4] == "winner").count(), 18);

        let (status, ct, _, body) = download(&app, &announcer, &format!("/results/{y}/export.json")).await;
        assert_eq!((status, ct.as_str()), (200, "application/json"));
        let json: Vec<wsis::results::ExportRow> = serde_json::from_slice(&body).unwrap();
        assert_eq!(json.len(), champions.len());
        for r in &json {
            assert_eq!(r.valid_votes, Some(truth[&r.title].0 as u64));
            assert_eq!(r.result == "winner", truth[&r.title].1);
            assert!(r.expert_score.is_some(), "expert2 scored every champion");
        }

        let (status, ct, cd, body) = download(&app, &announcer, &format!("/results/{y}/export.xlsx")).await;
        assert_eq!(status, 200);
        assert_eq!(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(cd.ends_with(".xlsx\""));
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(body)).unwrap();
        let names = wb.sheet_names();
        assert_eq!(names.len(), 19);
        assert_eq!(names[0], "Summary");
        assert_eq!(names[1], "C1");
        let summary = wb.worksheet_range("Summary").unwrap();
        assert_eq!(summary.height(), champions.len() + 1);
        for row in summary.rows().skip(1) {
            let title = match &row[5] { Data::String(s) => s.clone(), other => panic!("{other:?}") };
            let votes = match &row[10] { Data::Float(f) => *f as i64, Data::Int(i) => *i, other => panic!("{other:?}") };
            assert_eq!(votes, truth[&title].0);
        }
        let c1 = wb.worksheet_range("C1").unwrap();
        assert_eq!(c1.height(), champions.iter().filter(|c| c.category_id == 1).count() + 1);

        // the digest verifies against the ledger, matches the stored counts, and a tampered count fails
        let (_, _, _, ledger) = download(&app, &announcer, &format!("/results/{y}/ledger.json")).await;
        let (_, _, _, digest) = download(&app, &announcer, &format!("/results/{y}/digest.json")).await;
        let ledger: Vec<LedgerEntry> = serde_json::from_slice(&ledger).unwrap();
        let digest: Digest = serde_json::from_slice(&digest).unwrap();
        assert_eq!(ledger.len(), wsis::db::seed::DEMO_VOTERS * 18);
        assert_eq!(wsis::results::verify(&ledger, &digest), Ok(()));
        let c1d = digest.categories.iter().find(|c| c.category == "C1").unwrap();
        for ch in champions.iter().filter(|c| c.category_id == 1) {
            let u = noms[&ch.nomination_id].uuid;
            let n = c1d.counts.iter().find(|(x, _)| *x == u).map(|(_, n)| *n).unwrap_or(0);
            assert_eq!(n as i64, ch.valid_votes);
        }
        let mut tampered = digest.clone();
        tampered.categories[0].counts[0].1 += 1;
        assert!(wsis::results::verify(&ledger, &tampered).is_err());
        // the same check from the command line
        let dir = std::env::temp_dir().join(format!("wsis-verify-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ledger.json"), serde_json::to_vec(&ledger).unwrap()).unwrap();
        std::fs::write(dir.join("digest.json"), serde_json::to_vec(&digest).unwrap()).unwrap();
        std::fs::write(dir.join("bad.json"), serde_json::to_vec(&tampered).unwrap()).unwrap();
        let ok = cli(&app, &["verify", "--ledger", dir.join("ledger.json").to_str().unwrap(), "--digest", dir.join("digest.json").to_str().unwrap()]);
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        let bad = cli(&app, &["verify", "--ledger", dir.join("ledger.json").to_str().unwrap(), "--digest", dir.join("bad.json").to_str().unwrap()]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("does NOT match"));
        let _ = std::fs::remove_dir_all(&dir);
        // a voter's receipt is in the ledger
        let some_receipt = &ledger[0].receipt;
        let (status, body) = app.call(&app.client(), "check_receipt", &[("receipt", some_receipt)]).await;
        assert_eq!(status, 200, "{body}");
        // before the release it is recorded, not yet "counted"
        assert_eq!(body["Recorded"]["category_code"], ledger[0].category.as_str(), "{body}");
    })
    .await;
}

/// Whether a results document carries vote counts: the server function's and the API's
/// categories, or the export's rows.
fn carries_counts(v: &serde_json::Value) -> bool {
    if let Some(rows) = v.as_array() {
        return rows.iter().any(|r| !r["valid_votes"].is_null());
    }
    v["categories"].as_array().is_some_and(|cats| {
        cats.iter().any(|c| {
            c["champions"].as_array().is_some_and(|l| l.iter().any(|x| !x["valid_votes"].is_null()))
                || c["votes"].as_array().is_some_and(|votes| !votes.is_empty())
        })
    })
}

/// Every surface that shows results, asked for each viewer, answers exactly what the one
/// gate (`wsis::db::results::access`) allows that viewer of the edition as it stands.
async fn surfaces_follow_the_gate(app: &TestApp, viewers: &[(wsis::results::Viewer, &reqwest::Client, Option<&str>)], state: &str) {
    let e = edition::Model::current(&app.db).await.unwrap().unwrap();
    let y = e.year.to_string();
    for (viewer, c, email) in viewers {
        let gate = wsis::db::results::access(&e, *viewer);
        let at = format!("[{}] {state}, {viewer:?}", app.backend);

        // server functions
        let (status, body) = app.call(c, "results", &[("year", &y)]).await;
        assert_eq!(status == 200, gate.results, "{at}: fn results {body}");
        if gate.results {
            assert_eq!(carries_counts(&body), gate.counts, "{at}: fn results counts");
        }
        let (status, body) = app.call(c, "tally", &[]).await;
        assert_eq!(status == 200, gate.live_tally, "{at}: fn tally {body}");

        // pages
        for page in [format!("/results/{y}"), format!("/results/{y}/stories"), format!("/results/{y}/certificates")] {
            let (status, html) = app.get(c, &page).await;
            assert_eq!(status == 200, gate.results, "{at}: page {page}");
            if !gate.results {
                assert!(!html.contains("data-testid=\"story\"") && !html.contains("data-testid=\"certificate\""), "{at}: {page}");
            }
        }

        // files
        for f in ["export.csv", "export.json", "export.xlsx"] {
            let (status, _, _, bytes) = download(app, c, &format!("/results/{y}/{f}")).await;
            assert_eq!(status == 200, gate.results, "{at}: file {f}");
            if gate.results && f == "export.json" {
                assert_eq!(carries_counts(&serde_json::from_slice(&bytes).unwrap()), gate.counts, "{at}: export.json counts");
            }
        }
        for f in ["ledger.json", "digest.json"] {
            assert_eq!(download(app, c, &format!("/results/{y}/{f}")).await.0 == 200, gate.counts, "{at}: file {f}");
        }

        // the public API
        let r = c.get(app.url(&format!("/api/v1/editions/{y}/results"))).send().await.unwrap();
        assert_eq!(r.status() == 200, gate.results, "{at}: /api/v1 results");
        if gate.results {
            assert_eq!(carries_counts(&r.json().await.unwrap()), gate.counts, "{at}: /api/v1 counts");
        }

        // the command line, as this viewer's account
        let out = std::env::temp_dir().join(format!("wsis-gate-{}.json", uuid::Uuid::new_v4()));
        let mut args = vec!["export", "--edition", &y, "--format", "json", "--out", out.to_str().unwrap()];
        if let Some(email) = email {
            args.extend(["--as", email]);
        }
        let o = cli(app, &args);
        assert_eq!(o.status.success(), gate.results, "{at}: command line {}", String::from_utf8_lossy(&o.stderr));
        if gate.results {
            assert_eq!(carries_counts(&serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()), gate.counts, "{at}: command-line counts");
        }
        let _ = std::fs::remove_file(&out);
        let o = cli(app, &["export", "--edition", &y, "--format", "ledger", "--out", out.to_str().unwrap()].iter().copied().chain(email.iter().flat_map(|m| ["--as", m])).collect::<Vec<_>>());
        assert_eq!(o.status.success(), gate.counts, "{at}: command-line ledger");
        let _ = std::fs::remove_file(&out);
    }
}

/// The embargo and the vote-count setting decide every surface through one gate: before
/// and after the release, with and without published counts, for each kind of viewer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_results_surface_asks_the_one_gate() {
    use wsis::results::Viewer;
    each_backend(|app| async move {
        let e = decided(&app).await;
        let public = app.client();
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let viewers = [
            (Viewer::Public, &public, None),
            (Viewer::Public, &voter, Some("voter@wsis.example")),
            (Viewer::Announcer, &announcer, Some("announcer@wsis.example")),
            (Viewer::Admin, &admin, Some("admin@wsis.example")),
        ];
        let publish = |on: bool| {
            let db = app.db.clone();
            async move {
                edition::Entity::update_many()
                    .col_expr(edition::Column::PublishVoteCounts, sea_orm::sea_query::Expr::value(on))
                    .filter(edition::Column::Id.eq(e.id))
                    .exec(&db)
                    .await
                    .unwrap();
            }
        };
        surfaces_follow_the_gate(&app, &viewers, "champions computed, counts to be published").await;
        publish(false).await;
        surfaces_follow_the_gate(&app, &viewers, "champions computed, counts kept").await;
        let (status, body) = app.call(&admin, "admin_release_results", &[("year", &e.year.to_string()), ("confirm", "true")]).await;
        assert_eq!(status, 200, "{body}");
        surfaces_follow_the_gate(&app, &viewers, "released, counts kept").await;
        publish(true).await;
        surfaces_follow_the_gate(&app, &viewers, "released, counts published").await;
    })
    .await;
}
