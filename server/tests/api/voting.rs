use wsis::phase::{Milestone, PhaseKind};
use chrono::{Duration, Utc};
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wsis::db::entity::{edition, vote};

use crate::helpers::{each_backend, DEMO_PASSWORD, VOTER_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vote_then_my_votes_and_receipt() {
    each_backend(|app| async move {
        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let n = &app.nominees_in(5).await[3];
        let (status, v) = app.call(&c, "cast_vote", &[("nominee", &n.uuid.to_string())]).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["category_code"], "C5");
        let receipt = v["receipt"].as_str().unwrap().to_string();
        assert_eq!(receipt.len(), 24);

        let (status, mine) = app.call(&c, "my_votes", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["receipt"], receipt.as_str());
        assert_eq!(mine[0]["nominee_title"], n.title.as_str());

        // anyone can check a receipt; it names the category, not the nominee
        let anon = app.client();
        let (status, r) = app.call(&anon, "check_receipt", &[("receipt", &receipt.to_lowercase())]).await;
        assert_eq!(status, 200);
        assert_eq!(r["Recorded"]["category_code"], "C5", "before the release a vote is recorded, not yet counted: {r}");
        assert!(!r.to_string().contains(&n.title), "receipt check reveals no choice");
        let (_, r) = app.call(&anon, "check_receipt", &[("receipt", "0000-0000-0000-0000-0000")]).await;
        assert_eq!(r, serde_json::json!("Unknown"));
        let (status, _) = app.call(&anon, "check_receipt", &[("receipt", "hello")]).await;
        assert_eq!(status, 400);

        // the ballot shows progress and the choice; the category page shows no vote button
        let (_, b) = app.call(&c, "ballot", &[]).await;
        assert_eq!(b["voted"], 1);
        let (_, html) = app.get(&c, "/categories/c5").await;
        assert!(html.contains("data-testid=\"my-choice\""));
        assert!(!html.contains("?confirm=1"), "no vote buttons after voting");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_store_nothing() {
    each_backend(|app| async move {
        let anon = app.client();
        let noms = app.nominees_in(2).await;
        let id = noms[0].uuid.to_string();
        let (status, body) = app.call(&anon, "cast_vote", &[("nominee", &id)]).await;
        assert_eq!(status, 401, "{body}");

        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let (status, _) = app.call(&c, "cast_vote", &[("nominee", &uuid::Uuid::new_v4().to_string())]).await;
        assert_eq!(status, 404);
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", "not-a-uuid")]).await;
        assert_eq!(status, 400, "{body}");

        assert_eq!(app.call(&c, "cast_vote", &[("nominee", &id)]).await.0, 200);
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &noms[1].uuid.to_string())]).await;
        assert_eq!(status, 409);
        assert!(body.to_string().contains("already voted"), "{body}");

        // voting closed: the edition's deadline passed
        let e = edition::Model::current(&app.db).await.unwrap().expect("a current edition");
        app.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::minutes(1));
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &app.nominees_in(3).await[0].uuid.to_string())]).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.to_string().contains("Voting closed"), "{body}");
        assert_eq!(vote::Entity::find().count(&app.db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_votes_of_one_account_store_exactly_one() {
    each_backend(|app| async move {
        app.voter("burst@example.org").await;
        let c = app.sign_in("burst@example.org", VOTER_PASSWORD).await;
        let noms = app.nominees_in(7).await;
        let mut tasks = Vec::new();
        for i in 0..200 {
            let c = c.clone();
            let url = app.url("/api/cast_vote");
            let id = noms[i % noms.len()].uuid.to_string();
            tasks.push(tokio::spawn(async move {
                c.post(url).form(&[("nominee", id)]).send().await.unwrap().status().as_u16()
            }));
        }
        let mut ok = 0;
        let mut already = 0;
        for t in tasks {
            match t.await.unwrap() {
                200 => ok += 1,
                409 => already += 1,
                other => panic!("unexpected status {other}"),
            }
        }
        assert_eq!((ok, already), (1, 199), "[{}]", app.backend);
        assert_eq!(vote::Entity::find().filter(vote::Column::CategoryId.eq(7)).count(&app.db).await.unwrap(), 1);
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        assert_eq!(wsis::db::voting::counters(&app.db, e.id).await.unwrap().values().sum::<i64>(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_equal_recount_after_random_votes_invalidations_and_restores() {
    each_backend(|app| async move {
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        let admin = wsis::db::auth::find_by_email(&app.db, "admin@wsis.example").await.unwrap().unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        let mut voters = Vec::new();
        for i in 0..60 {
            voters.push(app.voter(&format!("v{i}@example.org")).await);
        }
        let mut cast = Vec::new();
        let by_cat: Vec<Vec<uuid::Uuid>> = {
            let mut v = Vec::new();
            for cat in 1..=18 {
                v.push(app.nominees_in(cat).await.iter().map(|n| n.uuid).collect());
            }
            v
        };
        for _ in 0..1500 {
            let voter = &voters[rng.random_range(0..voters.len())];
            let cat = rng.random_range(0..18);
            let nominee = by_cat[cat][rng.random_range(0..by_cat[cat].len())];
            match crate::helpers::cast(&app.services, voter, nominee, "test").await {
                Ok(_) => {}
                Err(wsis::AppError::Conflict(_)) => continue,
                Err(other) => panic!("{other:?}"),
            }
            let stored = vote::Entity::find()
                .filter(vote::Column::AccountId.eq(voter.id))
                .filter(vote::Column::CategoryId.eq(cat as i32 + 1))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            cast.push(stored.uuid);
        }
        assert!(cast.len() > 500, "enough votes: {}", cast.len());
        for _ in 0..300 {
            let v = cast[rng.random_range(0..cast.len())];
            let valid = rng.random_bool(0.4);
            let _ = wsis::db::voting::set_vote_validity(&app.services, admin.id, v, valid, wsis::vote::NotCountedReason::Automated, "audit test").await;
        }
        let counters = wsis::db::voting::counters(&app.db, e.id).await.unwrap();
        let recount = wsis::db::voting::recount(&app.db, e.id).await.unwrap();
        assert_eq!(counters, recount, "[{}]", app.backend);
        let invalid = vote::Entity::find().filter(vote::Column::Valid.eq(false)).count(&app.db).await.unwrap();
        assert!(invalid > 0, "some votes invalidated");
        assert_eq!(recount.values().sum::<i64>() as u64 + invalid, cast.len() as u64);
        // the admin recount finds nothing to correct
        assert_eq!(wsis::db::voting::rebuild_counters(&app.services, Some(admin.id), e.id).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tally_is_hidden_until_release() {
    each_backend(|app| async move {
        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let n = app.nominees_in(4).await[0].clone();
        app.call(&c, "cast_vote", &[("nominee", &n.uuid.to_string())]).await;
        let anon = app.client();
        let (status, body) = app.call(&anon, "tally", &[]).await;
        assert_eq!(status, 403);
        assert!(!body.to_string().contains(&n.title));
        let (status, _) = app.call(&c, "tally", &[]).await;
        assert_eq!(status, 403);
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        assert_eq!(app.call(&expert, "tally", &[]).await.0, 403);
        // pages never show counts: the category page says nothing about votes
        let (_, html) = app.get(&anon, "/categories/c4").await;
        assert!(!html.contains("valid votes"));
        let (status, html) = app.get(&anon, "/admin/tally").await;
        assert_eq!(status, 403);
        assert!(!html.contains(&n.title));

        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, t) = app.call(&admin, "tally", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(t[3]["code"], "C4");
        assert_eq!(t[3]["total"], 1);
        assert_eq!(t[3]["lines"][0]["votes"], 1);

        // released: everyone sees it
        edition::Entity::update_many()
            .col_expr(edition::Column::ResultsReleasedAt, Expr::value(Some(Utc::now() - Duration::seconds(1))))
            .exec(&app.db)
            .await
            .unwrap();
        assert_eq!(app.call(&anon, "tally", &[]).await.0, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_non_nominees_other_editions_and_votes_before_opening() {
    use sea_orm::{ActiveModelTrait, Set};
    use wsis::db::entity::nomination;
    each_backend(|app| async move {
        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        // a rejected project is not on the ballot
        let n = app.nominees_in(6).await[0].clone();
        let mut am: nomination::ActiveModel = n.clone().into();
        am.status = Set(wsis::nomination::NominationStatus::Rejected);
        am.update(&app.db).await.unwrap();
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &n.uuid.to_string())]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("not a nominee"));
        // and its page is not public
        let (status, _) = app.get(&c, &format!("/nominees/{}", n.uuid)).await;
        assert_eq!(status, 404);

        // a nominee of another (past) edition
        let past = wsis::db::seed::demo_edition(2019, Utc::now() - Duration::days(365 * 7));
        let mut past = past;
        past.is_current = Set(false);
        let past = past.insert(&app.db).await.unwrap();
        wsis::db::seed::insert_nominations(&app.db, wsis::db::seed::demo_nominations(past.id, 2019, 1, Utc::now())).await.unwrap();
        let old = nomination::Entity::find().filter(nomination::Column::EditionId.eq(past.id)).one(&app.db).await.unwrap().unwrap();
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &old.uuid.to_string())]).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.to_string().contains("2019 edition"), "{body}");

        // voting that has not opened yet
        let e = edition::Model::current(&app.db).await.unwrap().expect("a current edition");
        app.move_past(&e, Milestone::Opens(PhaseKind::Voting), -Duration::hours(1));
        let (status, body) = app.call(&c, "cast_vote", &[("nominee", &app.nominees_in(7).await[0].uuid.to_string())]).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.to_string().contains("not opened yet"), "{body}");
        assert_eq!(vote::Entity::find().count(&app.db).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_answers_carry_no_counts_before_release() {
    each_backend(|app| async move {
        let c = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let n = app.nominees_in(8).await[0].clone();
        app.call(&c, "cast_vote", &[("nominee", &n.uuid.to_string())]).await;
        let anon = app.client();
        let id = n.uuid.to_string();
        for (endpoint, args) in [
            ("home", vec![]),
            ("ballot", vec![]),
            ("category", vec![("slug", "c7-e-business")]),
            ("nominee", vec![("id", id.as_str())]),
        ] {
            for client in [&anon, &c] {
                let (status, body) = app.call(client, endpoint, &args).await;
                assert_eq!(status, 200, "{endpoint}: {body}");
                let text = body.to_string();
                assert!(!text.contains("votes\":") && !text.contains("valid_votes") && !text.contains("\"rank\""), "{endpoint} leaks counts: {text}");
            }
        }
        for page in ["/", "/categories", "/categories/c7-e-business", &format!("/nominees/{}", n.uuid), "/my-votes"] {
            let (_, html) = app.get(&c, page).await;
            assert!(!html.contains("valid votes"), "{page}");
        }
    })
    .await;
}

/// Group commit: votes of many accounts arriving together are stored together, each
/// answered after its transaction; duplicates in the same batch are refused one by one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_arriving_together_are_committed_together_and_exactly_once() {
    each_backend(|app| async move {
        let mut voters = Vec::new();
        for i in 0..80 {
            voters.push(app.voter(&format!("batch{i}@example.org")).await);
        }
        let noms = app.nominees_in(11).await;
        let mut tasks = Vec::new();
        // every account votes twice at once in the same category (two different nominees)
        for (i, v) in voters.iter().enumerate() {
            for k in 0..2 {
                let (s, v, n) = (app.services.clone(), v.clone(), noms[(i + k) % noms.len()].uuid);
                tasks.push(tokio::spawn(async move { (v.id, crate::helpers::cast(&s, &v, n, "test").await) }));
            }
        }
        let mut accepted = std::collections::HashMap::new();
        let mut already = 0;
        for t in tasks {
            match t.await.unwrap() {
                (id, Ok(_)) => *accepted.entry(id).or_insert(0) += 1,
                (_, Err(wsis::AppError::Conflict(m))) => {
                    assert_eq!(wsis::AppError::Conflict(m), wsis::AppError::already_voted());
                    already += 1
                }
                (_, Err(e)) => panic!("[{}] unexpected refusal: {e}", app.backend),
            }
        }
        assert_eq!(accepted.len(), 80, "[{}] every account has one accepted vote", app.backend);
        assert!(accepted.values().all(|n| *n == 1));
        assert_eq!(already, 80);
        assert_eq!(vote::Entity::find().filter(vote::Column::CategoryId.eq(11)).count(&app.db).await.unwrap(), 80);
        let e = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap();
        let counters: std::collections::HashMap<i32, i64> =
            wsis::db::voting::counters(&app.db, e.id).await.unwrap().into_iter().filter(|(_, c)| *c != 0).collect();
        let recount = wsis::db::voting::recount(&app.db, e.id).await.unwrap();
        assert_eq!(counters, recount, "[{}] counters equal the votes", app.backend);
        assert_eq!(recount.values().sum::<i64>(), 80);
    })
    .await;
}
