use std::collections::HashMap;

use wsis::phase::{Milestone, PhaseKind};
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::vote;

use crate::helpers::{second_node, spawn_app, VOTER_PASSWORD};

/// Two app nodes on one PostgreSQL: a session made on one works on the other, concurrent
/// votes for the same accounts sent to both store exactly one per account and category,
/// tallies stay exact, and a phase change is seen by both at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgres_keep_one_vote_per_account() {
    let Some(pg) = crate::helpers::postgres_url() else { return };
    let a = spawn_app(Some(pg)).await;
    let b = second_node(&a).await;
    assert_ne!(a.base, b.base);
    let noms = a.nominees_in(1).await;
    let (x, y) = (noms[0].uuid.to_string(), noms[1].uuid.to_string());

    let mut clients = Vec::new();
    for i in 0..40 {
        let v = a.voter(&format!("node-{i}@example.org")).await;
        // signed in on node A …
        clients.push(a.sign_in(&v.email, VOTER_PASSWORD).await);
    }
    // … and recognised by node B (sessions live in the database)
    let (status, me) = b.call(&clients[0], "current_user", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "node-0@example.org");

    let mut tasks = Vec::new();
    for c in &clients {
        let (a, b, c, x, y) = (a.base.clone(), b.base.clone(), c.clone(), x.clone(), y.clone());
        tasks.push(tokio::spawn(async move {
            let to_a = c.post(format!("{a}/api/cast_vote")).form(&[("nominee", x.as_str())]).send();
            let to_b = c.post(format!("{b}/api/cast_vote")).form(&[("nominee", y.as_str())]).send();
            let (ra, rb) = tokio::join!(to_a, to_b);
            (ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16())
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        let (sa, sb) = t.await.unwrap();
        let mut s = [sa, sb];
        s.sort();
        assert_eq!(s, [200, 409], "exactly one of the two nodes accepts");
        accepted += 1;
    }
    let stored = vote::Entity::find().filter(vote::Column::CategoryId.eq(1)).count(&a.db).await.unwrap();
    assert_eq!(stored, accepted);
    let e = wsis::db::entity::edition::Model::current(&a.db).await.unwrap().unwrap();
    let counters: HashMap<i32, i64> = wsis::db::voting::counters(&a.db, e.id).await.unwrap();
    let recount = wsis::db::voting::recount(&a.db, e.id).await.unwrap();
    for (n, c) in &recount {
        assert_eq!(counters.get(n).copied().unwrap_or(0), *c, "counter of {n} equals the recount");
    }
    assert_eq!(recount.values().sum::<i64>() as u64, stored);

    // voting closes: both nodes refuse at once
    a.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::seconds(1));
    let late = a.voter("node-late@example.org").await;
    let c = a.sign_in(&late.email, VOTER_PASSWORD).await;
    assert_eq!(b.call(&c, "cast_vote", &[("nominee", &x)]).await.0, 403);
    assert_eq!(a.call(&c, "cast_vote", &[("nominee", &x)]).await.0, 403);
}
