use wsis::phase::{Milestone, PhaseKind};
use chrono::{Duration, Utc};
use reqwest::header::{ACCEPT, LOCATION, REFERER};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wsis::db::entity::{audit_log, edition, nomination};
use wsis::edition::ScheduleForm;
use wsis::phase::Schedule;

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD};

async fn admin(app: &TestApp) -> reqwest::Client {
    app.sign_in("admin@wsis.example", DEMO_PASSWORD).await
}

async fn demo_edition(app: &TestApp) -> edition::Model {
    edition::Entity::find().filter(edition::Column::IsCurrent.eq(true)).one(&app.db).await.unwrap().expect("a current edition")
}

/// The newest edition: what a clone without a source copies.
async fn latest_edition(app: &TestApp) -> edition::Model {
    edition::Entity::find().order_by_desc(edition::Column::Year).one(&app.db).await.unwrap().expect("an edition")
}

async fn reload(app: &TestApp, year: i32) -> edition::Model {
    edition::Entity::find().filter(edition::Column::Year.eq(year)).one(&app.db).await.unwrap().expect("edition")
}

async fn audit_entries(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// The schedule form's fields for `s`, with `year` and any extra fields.
pub(crate) fn schedule_fields(year: i32, s: &Schedule, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let f = ScheduleForm::from_schedule(s);
    let mut v: Vec<(String, String)> = vec![
        ("year".into(), year.to_string()),
        ("input[submission_opens]".into(), f.submission_opens),
        ("input[submission_closes]".into(), f.submission_closes),
        ("input[screening_opens]".into(), f.screening_opens),
        ("input[screening_closes]".into(), f.screening_closes),
        ("input[voting_opens]".into(), f.voting_opens),
        ("input[voting_closes]".into(), f.voting_closes),
        ("input[review_opens]".into(), f.review_opens),
        ("input[review_closes]".into(), f.review_closes),
        ("input[announcement]".into(), f.announcement),
    ];
    v.extend(extra.iter().map(|(k, val)| (format!("input[{k}]"), val.to_string())));
    v
}

fn rules_fields(year: i32, e: &edition::Model, champions: i32, complete_ballot: bool, publish: bool) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("year".into(), year.to_string()),
        ("input[champions_per_category]".into(), champions.to_string()),
        ("input[submissions_per_entity]".into(), e.submissions_per_entity.to_string()),
        ("input[max_winners_per_category]".into(), e.max_winners_per_category.to_string()),
    ];
    for (name, on) in [("complete_ballot", complete_ballot), ("experts_see_scores", e.experts_see_scores), ("publish_vote_counts", publish)] {
        if on {
            v.push((format!("input[{name}]"), "true".into()));
        }
    }
    v
}

async fn post(app: &TestApp, c: &reqwest::Client, endpoint: &str, fields: &[(String, String)]) -> (u16, serde_json::Value) {
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, endpoint, &form).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_non_admins_are_refused() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let editions = edition::Entity::find().count(&app.db).await.unwrap();
        let year = e.year.to_string();
        let schedule = schedule_fields(e.year, &e.view().schedule, &[]);
        let anon = app.client();
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        for (who, c, expected) in [("anonymous", &anon, 401), ("voter", &voter, 403), ("expert", &expert, 403)] {
            for (endpoint, args) in [
                ("admin_dashboard", vec![]),
                ("admin_editions", vec![]),
                ("admin_edition", vec![("year".to_string(), year.clone())]),
                ("admin_create_edition", vec![("year".to_string(), "2090".to_string()), ("title".to_string(), "X".to_string())]),
                ("admin_clone_edition", vec![]),
                ("admin_set_schedule", schedule.clone()),
                ("admin_set_rules", rules_fields(e.year, &e, 7, false, true)),
                ("admin_make_current", vec![("year".to_string(), year.clone())]),
            ] {
                let (status, body) = post(&app, c, endpoint, &args).await;
                assert_eq!(status, expected, "[{}] {who} calling {endpoint}: {body}", app.backend);
            }
            let (status, _) = app.get(c, "/admin").await;
            assert_eq!(status, expected, "[{}] {who} opening /admin", app.backend);
            let (status, _) = app.get(c, &format!("/admin/editions/{year}")).await;
            assert_eq!(status, expected, "[{}] {who} opening the editor", app.backend);
        }
        assert_eq!(edition::Entity::find().count(&app.db).await.unwrap(), editions, "nothing created");
        assert_eq!(reload(&app, e.year).await, e, "nothing changed");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_dashboard_and_pages_render_for_admins() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let c = admin(&app).await;
        let (status, d) = app.call(&c, "admin_dashboard", &[]).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["current"]["year"], e.year);
        let of_current = || nomination::Entity::find().filter(nomination::Column::EditionId.eq(e.id));
        let submitted = of_current().filter(nomination::Column::Status.ne("draft")).count(&app.db).await.unwrap();
        let on_ballot = of_current()
            .filter(nomination::Column::Status.is_in(["nominee", "champion", "winner"]))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(on_ballot, 360, "the demo's nominees");
        assert_eq!(d["counts"]["submissions"], submitted);
        assert_eq!(d["counts"]["nominees"], on_ballot);
        assert_eq!(d["counts"]["votes"], 0);
        assert_eq!(d["counts"]["reviews"], 0);
        assert_eq!(d["next_action"], "MonitorVoting");

        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let n = app.nominees_in(4).await[0].uuid.to_string();
        assert_eq!(app.call(&voter, "cast_vote", &[("nominee", &n)]).await.0, 200);
        let (_, d) = app.call(&c, "admin_dashboard", &[]).await;
        assert_eq!(d["counts"]["votes"], 1);

        let (status, html) = app.get(&c, "/admin").await;
        assert_eq!(status, 200);
        assert!(html.contains("<title>Secretariat dashboard"), "has a title");
        assert!(html.contains("data-testid=\"current-phase\""), "phase banner");
        assert!(html.contains("class=\"timeline\""), "timeline");
        assert!(html.contains("data-action=\"monitor_voting\""), "next action");
        assert!(html.contains(&format!("href=\"/admin/editions/{}\"", e.year)), "link to the editor");

        let (status, html) = app.get(&c, "/admin/editions/new").await;
        assert_eq!(status, 200);
        assert!(html.contains("data-testid=\"clone-submit\"") && html.contains("data-testid=\"create-submit\""));
        assert!(html.contains("<title>New edition"));

        let (status, html) = app.get(&c, &format!("/admin/editions/{}", e.year)).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!("<title>{}", e.title)));
        assert!(html.contains("type=\"datetime-local\""));
        assert!(html.contains(&wsis::time::geneva_input_value(e.voting_closes)), "Geneva time in the input");
        assert!(html.contains(&wsis::format::utc(e.voting_closes, "en")), "UTC beside it");
        assert!(html.contains("data-testid=\"passed-submission_closes\""), "passed instants marked");
        assert!(!html.contains("data-testid=\"passed-voting_closes\""));

        let (status, _) = app.get(&c, "/admin/editions/1999").await;
        assert_eq!(status, 404);
        let (status, _) = app.call(&c, "admin_edition", &[("year", "nope")]).await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_overlapping_schedule_is_refused_and_edition_unchanged() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let c = admin(&app).await;
        let mut s = e.view().schedule;
        // both instants are in the future: only the overlap is wrong
        s.review.opens = s.voting.closes - Duration::days(2);
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("the Review phase opens before the Voting phase closes"), "{body}");
        assert_eq!(reload(&app, e.year).await, e);

        let mut s = e.view().schedule;
        s.announcement = s.review.closes - Duration::hours(1);
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("announcement"), "{body}");

        let mut f = schedule_fields(e.year, &e.view().schedule, &[]);
        assert_eq!(f[5].0, "input[voting_opens]");
        f[5].1 = "31/12/2026".into();
        let (status, body) = post(&app, &c, "admin_set_schedule", &f).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Fields"][0][0], "voting_opens", "{body}");

        assert_eq!(reload(&app, e.year).await, e, "edition unchanged");
        assert!(audit_entries(&app, "edition.schedule").await.is_empty());

        // a valid change of future instants is saved and audit-logged
        let mut s = e.view().schedule;
        s.review.closes += Duration::days(1);
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((reload(&app, e.year).await).view().schedule, s);
        let log = audit_entries(&app, "edition.schedule").await;
        assert_eq!(log.len(), 1);
        let before: Schedule = serde_json::from_str(log[0].before.as_deref().unwrap()).unwrap();
        let after: Schedule = serde_json::from_str(log[0].after.as_deref().unwrap()).unwrap();
        assert_eq!((before, after), (e.view().schedule, s));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_guards_refuse_and_leave_edition_unchanged() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let c = admin(&app).await;

        // a passed deadline does not move without an explicit reopen
        let mut s = e.view().schedule;
        s.submission.closes -= Duration::hours(1);
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("closing of the submission phase"), "{body}");
        assert!(body.to_string().contains("has passed"), "{body}");
        assert_eq!(reload(&app, e.year).await, e);
        // a reason given without asking to reopen changes nothing either
        let (status, body) =
            post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[("reason", "typo in the deadline")])).await;
        assert_eq!(status, 409, "{body}");
        // and a reopen needs a reason
        let (status, body) =
            post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[("reopen", "true"), ("reason", "  ")])).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Fields"][0][0], "reason", "{body}");
        assert_eq!(reload(&app, e.year).await, e);

        // voting has opened: the complete-ballot rule is fixed
        let (status, body) = post(&app, &c, "admin_set_rules", &rules_fields(e.year, &e, 5, true, true)).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("complete-ballot"), "{body}");
        assert_eq!(reload(&app, e.year).await, e);

        // rules out of range
        let (status, body) = post(&app, &c, "admin_set_rules", &rules_fields(e.year, &e, 0, false, true)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Fields"][0][0], "champions_per_category", "{body}");
        assert_eq!(reload(&app, e.year).await, e);

        // champions computed: their number is fixed
        edition::Entity::update_many()
            .col_expr(edition::Column::ChampionsComputedAt, Expr::value(Some(Utc::now())))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        let computed = reload(&app, e.year).await;
        let (status, body) = post(&app, &c, "admin_set_rules", &rules_fields(e.year, &e, 6, false, true)).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("champions were computed"), "{body}");
        assert_eq!(reload(&app, e.year).await, computed);
        assert!(audit_entries(&app, "edition.rules").await.is_empty(), "refusals are not logged as changes");

        // rules that shaped nothing yet still change, with before and after in the log
        let (status, body) = post(&app, &c, "admin_set_rules", &rules_fields(e.year, &e, 5, false, false)).await;
        assert_eq!(status, 200, "{body}");
        assert!(!reload(&app, e.year).await.publish_vote_counts);
        let log = audit_entries(&app, "edition.rules").await;
        assert_eq!(log.len(), 1);
        let admin_id = wsis::db::auth::find_by_email(&app.db, "admin@wsis.example").await.unwrap().unwrap().id;
        assert_eq!(log[0].actor_account_id, Some(admin_id));
        assert_eq!(log[0].subject, format!("edition:{}", e.year));
        let before: wsis::edition::EditionRules = serde_json::from_str(log[0].before.as_deref().unwrap()).unwrap();
        let after: wsis::edition::EditionRules = serde_json::from_str(log[0].after.as_deref().unwrap()).unwrap();
        assert!(before.publish_vote_counts && !after.publish_vote_counts);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_reopen_with_reason_works_and_is_audit_logged() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let planned = e.voting_closes;
        // the vote closed a minute ago
        app.move_past(&e, Milestone::Closes(PhaseKind::Voting), Duration::minutes(1));
        let closed = reload(&app, e.year).await;
        // reopened until five hours after the planned close (before the review opens)
        let extended = planned + Duration::hours(5);
        let c = admin(&app).await;
        // the editor's form, sent back untouched, moves nothing (it shows minutes only)
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &closed.view().schedule, &[])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(reload(&app, e.year).await, closed);
        assert!(audit_entries(&app, "edition.schedule").await.is_empty(), "no change, no entry");

        let mut s = closed.view().schedule;
        s.voting.closes = extended;

        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("closing of the voting phase"), "{body}");
        assert_eq!(reload(&app, e.year).await, closed);

        let reason = "The voting site was unreachable for six hours on the last day.";
        let (status, body) =
            post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[("reopen", "true"), ("reason", reason)])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(reload(&app, e.year).await.voting_closes, extended);
        assert_eq!(body["schedule"]["voting"]["closes"], serde_json::to_value(extended).unwrap());

        let log = audit_entries(&app, "edition.reopen").await;
        assert_eq!(log.len(), 1, "one reopen entry");
        let admin_id = wsis::db::auth::find_by_email(&app.db, "admin@wsis.example").await.unwrap().unwrap().id;
        assert_eq!(log[0].actor_account_id, Some(admin_id));
        assert_eq!(log[0].subject, format!("edition:{}", e.year));
        let before: Schedule = serde_json::from_str(log[0].before.as_deref().unwrap()).unwrap();
        assert_eq!(before, closed.view().schedule);
        let after: serde_json::Value = serde_json::from_str(log[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(after["reason"], reason);
        assert_eq!(after["reopened"], serde_json::json!(["voting_closes"]));
        let after_schedule: Schedule = serde_json::from_value(after["schedule"].clone()).unwrap();
        assert_eq!(after_schedule, s);

        // voting is open again, and the editor shows the reason in its history
        let voter = app.sign_in("voter@wsis.example", DEMO_PASSWORD).await;
        let n = app.nominees_in(2).await[0].uuid.to_string();
        assert_eq!(app.call(&voter, "cast_vote", &[("nominee", &n)]).await.0, 200);
        let (_, html) = app.get(&c, &format!("/admin/editions/{}", e.year)).await;
        assert!(html.contains("Deadline reopened") && html.contains("unreachable for six hours"), "history shows the reopen");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_clone_is_valid_one_year_later_with_rules_copied() {
    each_backend(|app| async move {
        let e = latest_edition(&app).await;
        let editions = edition::Entity::find().count(&app.db).await.unwrap();
        let c = admin(&app).await;
        // rules that differ from the defaults, and champions computed (which a copy must not inherit)
        edition::Entity::update_many()
            .col_expr(edition::Column::SubmissionsPerEntity, Expr::value(3))
            .col_expr(edition::Column::ExpertsSeeScores, Expr::value(false))
            .col_expr(edition::Column::ChampionsComputedAt, Expr::value(Some(Utc::now())))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        let src = reload(&app, e.year).await;

        let (status, body) = app.call(&c, "admin_clone_edition", &[]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["year"], e.year + 1);
        let copy = reload(&app, e.year + 1).await;
        let (sv, cv) = (src.view(), copy.view());
        assert_eq!(cv.schedule.validate(), Ok(()));
        assert_eq!(cv.schedule, sv.schedule.shifted_years(1));
        assert_eq!(wsis::time::geneva_local(copy.voting_closes)[4..], wsis::time::geneva_local(src.voting_closes)[4..], "same Geneva wall-clock time");
        assert_eq!(cv.rules, sv.rules);
        assert_eq!(cv.rules.submissions_per_entity, 3);
        assert_eq!(copy.title, format!("WSIS Prizes {}", e.year + 1));
        assert!(!copy.is_current && copy.champions_computed_at.is_none() && copy.results_released_at.is_none());
        assert_ne!(copy.uuid, src.uuid);
        assert_eq!(reload(&app, e.year).await, src, "the source is unchanged");
        let log = audit_entries(&app, "edition.clone").await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].subject, format!("edition:{}", e.year + 1));

        // the copy's year is taken now
        let (status, body) = app.call(&c, "admin_clone_edition", &[("source", &e.year.to_string())]).await;
        assert_eq!(status, 409, "{body}");
        // a blank edition
        let (status, body) = app.call(&c, "admin_create_edition", &[("year", "2090"), ("title", "WSIS Prizes 2090")]).await;
        assert_eq!(status, 200, "{body}");
        let blank = reload(&app, 2090).await;
        assert_eq!(blank.view().schedule.validate(), Ok(()));
        assert_eq!(blank.view().rules, wsis::edition::EditionRules::default());
        let (status, _) = app.call(&c, "admin_create_edition", &[("year", "2090"), ("title", "Again")]).await;
        assert_eq!(status, 409);
        let (status, body) = app.call(&c, "admin_create_edition", &[("year", "twenty"), ("title", "")]).await;
        assert_eq!(status, 400);
        assert_eq!(body["Fields"].as_array().map(Vec::len), Some(2), "{body}");
        assert_eq!(edition::Entity::find().count(&app.db).await.unwrap(), editions + 2);
    })
    .await;
}

async fn current_years(app: &TestApp) -> Vec<i32> {
    edition::Entity::find()
        .filter(edition::Column::IsCurrent.eq(true))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.year)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_make_current_leaves_exactly_one_current() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let c = admin(&app).await;
        assert_eq!(app.call(&c, "admin_clone_edition", &[]).await.0, 200);
        assert_eq!(app.call(&c, "admin_clone_edition", &[]).await.0, 200);
        let next = (e.year + 1).to_string();

        let (status, body) = app.call(&c, "admin_make_current", &[("year", &next)]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["is_current"], true);
        assert_eq!(current_years(&app).await, vec![e.year + 1]);
        let (_, home) = app.call(&app.client(), "home", &[]).await;
        assert_eq!(home["edition"]["year"], e.year + 1, "the home page follows");
        let log = audit_entries(&app, "edition.make_current").await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].before.as_deref(), Some(format!("{{\"current\":[{}]}}", e.year).as_str()));

        let (status, _) = app.call(&c, "admin_make_current", &[("year", "1990")]).await;
        assert_eq!(status, 404);
        assert_eq!(current_years(&app).await, vec![e.year + 1]);

        // concurrent requests for different editions: still exactly one
        let years = [e.year, e.year + 1, e.year + 2];
        let calls = (0..12).map(|i| {
            let (app, c) = (&app, &c);
            let y = years[i % 3].to_string();
            async move { app.call(c, "admin_make_current", &[("year", &y)]).await.0 }
        });
        for status in futures::future::join_all(calls).await {
            assert_eq!(status, 200);
        }
        assert_eq!(current_years(&app).await.len(), 1, "[{}] exactly one current edition", app.backend);

        assert_eq!(app.call(&c, "admin_make_current", &[("year", &e.year.to_string())]).await.0, 200);
        assert_eq!(current_years(&app).await, vec![e.year]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_forms_work_without_javascript() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let status = c
            .post(app.url("/api/sign_in"))
            .form(&[("email", "admin@wsis.example"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
        let page = app.url(&format!("/admin/editions/{}", e.year));
        let form_post = |endpoint: &str, fields: Vec<(String, String)>| {
            c.post(app.url(&format!("/api/{endpoint}"))).header(ACCEPT, "text/html").header(REFERER, page.clone()).form(&fields).send()
        };

        let mut s = e.view().schedule;
        s.review.opens = s.voting.closes - Duration::days(1);
        let r = form_post("admin_set_schedule", schedule_fields(e.year, &s, &[])).await.unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert_eq!(to, format!("/admin/editions/{}", e.year));
        let flash = crate::helpers::flash_of(&app, &r).expect("the refusal travels to the form");
        assert_eq!((flash.kind, flash.path.as_str()), (wsis::flash::FlashKind::Error, to.as_str()));
        assert_eq!(reload(&app, e.year).await, e);

        let r = form_post("admin_set_rules", rules_fields(e.year, &e, 5, false, false)).await.unwrap();
        assert!(r.status().is_redirection());
        assert_eq!(crate::helpers::flash_of(&app, &r).expect("notice").text, "Rules saved.");
        assert!(!reload(&app, e.year).await.publish_vote_counts);

        let next = latest_edition(&app).await.year + 1;
        let r = form_post("admin_clone_edition", vec![]).await.unwrap();
        assert!(r.status().is_redirection());
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert_eq!(to, format!("/admin/editions/{next}"));
        assert_eq!(crate::helpers::flash_of(&app, &r).expect("notice").kind, wsis::flash::FlashKind::Notice);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editions_every_page_shows_the_phase_and_the_next_deadline() {
    each_backend(|app| async move {
        let e = demo_edition(&app).await;
        let deadline = wsis::format::geneva(e.voting_closes, "en");
        let strip = |html: &str, path: &str| {
            let at = html.find("data-testid=\"phase-strip\"").unwrap_or_else(|| panic!("[{}] {path}: no phase line", app.backend));
            let line = &html[at..at + html[at..].find("</section>").expect("the line ends")];
            assert!(line.contains(&e.title), "[{}] {path}: the edition in {line}", app.backend);
            assert!(line.contains("Public voting — open"), "[{}] {path}: the phase in {line}", app.backend);
            assert!(line.contains("Public voting closes"), "[{}] {path}: the next deadline in {line}", app.backend);
            assert!(line.contains(&deadline), "[{}] {path}: its Geneva time in {line}", app.backend);
            assert!(line.contains("data-testid=\"strip-countdown\""), "[{}] {path}: a countdown in {line}", app.backend);
            line.to_string()
        };
        let nominee = app.nominees_in(3).await[0].uuid;
        let anon = app.client();
        for path in [
            "/".to_string(),
            "/categories".into(),
            "/categories/c7-e-health".into(),
            format!("/nominees/{nominee}"),
            "/signin".into(),
            "/signup".into(),
            "/forgot".into(),
            "/results".into(),
            "/receipt".into(),
            "/no-such-page".into(),
        ] {
            let (_, html) = app.get(&anon, &path).await;
            strip(&html, &path);
        }
        let c = admin(&app).await;
        for path in ["/account", "/my-votes", "/submissions", "/admin", "/admin/editions/new", "/admin/accounts", "/admin/audit", "/admin/screening"] {
            let (status, html) = app.get(&c, path).await;
            assert_eq!(status, 200, "[{}] {path}", app.backend);
            strip(&html, path);
        }
        // in another language, the same line in that language
        let (_, html) = app.get(&app.client(), "/signin?lang=fr").await;
        let line = &html[html.find("data-testid=\"phase-strip\"").expect("the line in French")..];
        assert!(!line[..line.find("</section>").unwrap()].contains("Public voting — open"), "translated");

        // moving the deadline shows at once on the node that made the change
        let mut s = e.view().schedule;
        s.voting.closes -= Duration::hours(1);
        let (status, body) = post(&app, &c, "admin_set_schedule", &schedule_fields(e.year, &s, &[])).await;
        assert_eq!(status, 200, "{body}");
        let (_, html) = app.get(&anon, "/signin").await;
        let line = &html[html.find("data-testid=\"phase-strip\"").unwrap()..];
        assert!(line[..line.find("</section>").unwrap()].contains(&wsis::format::geneva(s.voting.closes, "en")), "the new deadline: {}", &line[..line.find("</section>").unwrap()]);

        // a change made elsewhere (another node, by hand) shows within the cache's lifetime
        edition::Entity::update_many()
            .col_expr(edition::Column::Title, Expr::value("WSIS Prizes 2026 (renamed)"))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        tokio::time::sleep(wsis::db::DISPLAY_TTL).await;
        let (status, html) = app.get(&anon, "/signin").await;
        assert_eq!(status, 200);
        assert!(html.contains("WSIS Prizes 2026 (renamed)"), "the line follows the database");
    })
    .await;
}
