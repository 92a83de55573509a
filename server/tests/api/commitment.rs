//! The commitment at the close of voting: made once (also by two nodes at once), before
//! any audit decision, of every vote cast; public from then, on the results page too while
//! the results are embargoed; an audit decision afterwards changes the count, never the
//! commitment; a vote's ledger line proves its inclusion against the published root.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::category::CATEGORIES;
use wsis::commitment::{leaf, ledger_line, proof, root, to_hex, verify};
use wsis::db::commitments::{commit_due, ledger_lines};
use wsis::db::entity::{commitment, edition, vote};
use wsis::phase::{Milestone, PhaseKind};

use crate::helpers::{cast, each_backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_committed_once_at_the_close_of_voting_before_any_audit() {
    each_backend(|app| async move {
        let e = edition::Model::current(&app.db).await.unwrap().expect("a current edition");
        let year = e.year.to_string();
        let noms = app.nominees_in(1).await;
        let mut cast_receipts = Vec::new();
        for i in 0..5 {
            let v = app.voter(&format!("commit{i}@example.org")).await;
            cast_receipts.push((cast(&app.services, &v, noms[i % 2].uuid, "origin").await.unwrap(), noms[i % 2].uuid));
        }
        // while voting is open: nothing committed, nothing published
        assert_eq!(commit_due(&app.services).await.unwrap(), 0, "[{}]", app.backend);
        let (status, c) = app.call(&app.client(), "commitment", &[("year", &year)]).await;
        assert_eq!((status, c.is_null()), (200, true), "[{}] {c}", app.backend);
        // a crowd asking before the close, from addresses of its own: nothing published, nothing made
        let early = futures::future::join_all((0..200).map(|_| {
            let (app, year) = (&app, year.clone());
            async move { app.call(&app.client(), "commitment", &[("year", &year)]).await }
        }))
        .await;
        assert!(early.iter().all(|(s, c)| *s == 200 && c.is_null()), "[{}] nothing before the close", app.backend);
        assert_eq!(commitment::Entity::find().count(&app.db).await.unwrap(), 0, "[{}] asking makes nothing", app.backend);

        // voting closes; two nodes commit at once: one commitment, of 18 categories
        app.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::seconds(11));
        let (a, b) = futures::join!(commit_due(&app.services), commit_due(&app.services));
        assert_eq!(a.unwrap() + b.unwrap(), 1, "[{}] committed once", app.backend);
        assert_eq!(commit_due(&app.services).await.unwrap(), 0);
        assert_eq!(commitment::Entity::find().filter(commitment::Column::EditionId.eq(e.id)).count(&app.db).await.unwrap(), 18);

        // each category: every vote cast, and the root of their ledger
        let (status, published) = app.call(&app.client(), "commitment", &[("year", &year)]).await;
        assert_eq!(status, 200, "{published}");
        let cats = published["categories"].as_array().unwrap().clone();
        assert_eq!(cats.len(), 18);
        for (c, p) in CATEGORIES.iter().zip(&cats) {
            let cast_here = vote::Entity::find().filter(vote::Column::EditionId.eq(e.id)).filter(vote::Column::CategoryId.eq(c.position as i32)).count(&app.db).await.unwrap();
            let lines = ledger_lines(&app.db, e.id, c.position as i32).await.unwrap();
            let leaves: Vec<_> = lines.iter().map(|l| leaf(l)).collect();
            assert_eq!((p["category"].as_str(), p["votes"].as_u64()), (Some(c.code), Some(cast_here)), "[{}]", app.backend);
            assert_eq!(p["root"].as_str(), Some(to_hex(&root(&leaves)).as_str()), "[{}] {}", app.backend, c.code);
        }
        assert!(cats[0]["votes"].as_u64().unwrap() >= 5);

        // a voter's receipt proves its inclusion against the published root
        let (mine, nominee) = &cast_receipts[3];
        let line = ledger_line(&mine.receipt, *nominee);
        let lines = ledger_lines(&app.db, e.id, 1).await.unwrap();
        let at = lines.iter().position(|l| *l == line).expect("the vote's line is in the ledger");
        let leaves: Vec<_> = lines.iter().map(|l| leaf(l)).collect();
        assert!(verify(&line, &proof(&leaves, at), cats[0]["root"].as_str().unwrap()), "[{}] inclusion", app.backend);

        // public while the results are embargoed, on the results page too
        let (_, html) = app.get(&app.client(), &format!("/results/{year}")).await;
        assert!(html.contains("data-testid=\"commitment\""), "[{}] the commitment on the results page", app.backend);
        assert_eq!(html.matches("data-testid=\"commitment-row\"").count(), 18);
        assert!(html.contains(cats[0]["root"].as_str().unwrap()));

        // the audit invalidates a vote afterwards: the count changes, the commitment does not
        vote::Entity::update_many().col_expr(vote::Column::Valid, Expr::value(false)).filter(vote::Column::EditionId.eq(e.id)).filter(vote::Column::CategoryId.eq(1)).exec(&app.db).await.unwrap();
        let (_, again) = app.call(&app.client(), "commitment", &[("year", &year)]).await;
        assert_eq!(again, published, "[{}] the commitment stands", app.backend);
        // and nobody can make a second one
        assert_eq!(commit_due(&app.services).await.unwrap(), 0);
        let (status, _) = app.call(&app.client(), "commitment", &[("year", "1999")]).await;
        assert_eq!(status, 404, "[{}] an unknown edition", app.backend);
    })
    .await;
}
