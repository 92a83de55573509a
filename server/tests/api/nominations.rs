use wsis::phase::{Milestone, PhaseKind};
use chrono::{Duration, Utc};
use reqwest::header::{ACCEPT, LOCATION, REFERER};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use wsis::db::entity::{audit_log, edition, nomination, tally};

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD, VOTER_PASSWORD};

fn words(n: usize) -> String {
    (0..n).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ")
}

/// A complete form for a project.
pub(crate) fn project(title: &str, organisation: &str, category: &str) -> Vec<(String, String)> {
    [
        ("input[category]", category.to_string()),
        ("input[title]", title.to_string()),
        ("input[short_description]", words(170)),
        ("input[action_line_linkage]", "Implements the Action Line.".into()),
        ("input[sdgs][]", "4".into()),
        ("input[sdgs][]", "10,17".into()),
        ("input[impact_qualitative]", "Confidence and skills.".into()),
        ("input[impact_quantitative]", "12,000 people reached.".into()),
        ("input[partnerships]", "Schools and the ministry.".into()),
        ("input[challenges]", "Connectivity in remote areas.".into()),
        ("input[organisation]", organisation.to_string()),
        ("input[stakeholder_type]", "civil-society".into()),
        ("input[country]", "Kenya".into()),
        ("input[region]", "africa".into()),
        ("input[website]", "https://example.org/project".into()),
        ("input[contact]", "team@example.org".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub(crate) async fn call(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(String, String)]) -> (u16, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, endpoint, &pairs).await
}

pub(crate) fn field_names(body: &Value) -> Vec<String> {
    body["Fields"].as_array().map(|a| a.iter().map(|p| p[0].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

/// The demo's next edition, whose submission phase is open now.
pub(crate) async fn open_edition(app: &TestApp) -> edition::Model {
    let e = edition::Entity::find().filter(edition::Column::IsCurrent.eq(false)).one(&app.db).await.unwrap().expect("demo next edition");
    let now = Utc::now();
    assert!(e.submission_opens <= now && now < e.submission_closes, "demo: submission open now");
    e
}

/// Submission closed an hour ago; screening open; voting still ahead.
async fn move_to_screening(app: &TestApp, e: &edition::Model) {
    app.move_to(e, PhaseKind::Screening);
}

pub(crate) async fn submit(app: &TestApp, c: &reqwest::Client, title: &str, org: &str, cat: &str) -> String {
    let (status, body) = call(app, c, "submit_nomination", &project(title, org, cat)).await;
    assert_eq!(status, 200, "[{}] {body}", app.backend);
    assert_eq!(body["status"], "Submitted");
    body["id"].as_str().unwrap().to_string()
}

async fn my_status(app: &TestApp, c: &reqwest::Client, id: &str) -> Value {
    let (status, body) = app.call(c, "get_submission", &[("id", id)]).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_draft_submit_screen_release_flow() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;

        // a draft with partial content
        let (status, d) = app.call(&c, "save_draft", &[("input[category]", "c4"), ("input[title]", "Rural Coding Clubs")]).await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["status"], "Draft");
        assert_eq!(d["editable"], true);
        assert_eq!(d["edition_year"], e.year);
        let id = d["id"].as_str().unwrap().to_string();

        // submitting it incomplete names every failing field
        let (status, body) = app.call(&c, "submit_nomination", &[("id", &id), ("input[category]", "c4"), ("input[title]", "Rural Coding Clubs"), ("input[short_description]", &words(120))]).await;
        assert_eq!(status, 400, "{body}");
        let names = field_names(&body);
        for f in ["short_description", "sdgs", "organisation", "region", "website", "contact"] {
            assert!(names.contains(&f.to_string()), "{f} in {names:?}");
        }
        assert!(body.to_string().contains("120 words"), "{body}");
        assert_eq!(my_status(&app, &c, &id).await["status"], "Draft", "a refused submission stays a draft");

        // complete and submit through the form's "Submit" button
        let mut form = project("Rural Coding Clubs", "Coding Foundation", "c4");
        form.push(("id".into(), id.clone()));
        form.push(("intent".into(), "submit".into()));
        let (status, v) = call(&app, &c, "save_draft", &form).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "Submitted");
        assert_eq!(v["input"]["sdgs"], serde_json::json!(["4", "10", "17"]));
        let (status, _) = app.call(&c, "save_draft", &[("id", &id), ("input[category]", "c4"), ("input[title]", "Changed")]).await;
        assert_eq!(status, 409, "submitted projects no longer change");

        let (_, mine) = app.call(&c, "my_submissions", &[]).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["status"], "Submitted");

        // screening: not before submission closes
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app.call(&admin, "admin_screen", &[("id", &id), ("input[decision]", "nominee")]).await;
        assert_eq!(status, 403, "{body}");
        move_to_screening(&app, &e).await;
        let year = e.year.to_string();
        let (status, q) = app.call(&admin, "admin_screening_queue", &[]).await;
        assert_eq!(status, 200, "{q}");
        assert_eq!(q["edition_year"], e.year, "the latest edition whose submission closed");
        assert_eq!(q["screening_open"], true);
        let c4 = &q["categories"][3];
        assert_eq!((c4["submitted"].as_u64(), c4["undecided"].as_u64()), (Some(1), Some(1)));
        assert_eq!(c4["items"][0]["submission"]["input"]["title"], "Rural Coding Clubs");

        let (status, body) = app.call(&admin, "admin_screen", &[("id", &id), ("input[decision]", "rejected")]).await;
        assert_eq!(status, 400, "a rejection needs a reason: {body}");
        assert_eq!(field_names(&body), vec!["reason"]);
        let (status, body) = app.call(&admin, "admin_screen", &[("id", &id), ("input[decision]", "nominee")]).await;
        assert_eq!(status, 200, "{body}");
        let (_, q) = app.call(&admin, "admin_screening_queue", &[("year", &year)]).await;
        assert_eq!(q["categories"][3]["pending"], 1);
        assert_eq!(q["categories"][3]["items"][0]["pending_decision"], "Nominee");

        // the staged decision is invisible to the submitter, and nobody is mailed yet
        let seen = my_status(&app, &c, &id).await;
        assert_eq!(seen["status"], "Submitted");
        assert!(!seen.to_string().to_lowercase().contains("nominee"), "{seen}");
        let (_, html) = app.get(&c, "/submissions").await;
        assert!(html.contains("data-status=\"submitted\""), "{html}");
        assert!(app.outbox_for("submitter@wsis.example").await.is_empty());

        // release
        let (status, n) = app.call(&admin, "admin_release_decisions", &[("year", &year)]).await;
        assert_eq!((status, n.clone()), (200, serde_json::json!(1)), "{n}");
        assert_eq!(my_status(&app, &c, &id).await["status"], "Nominee");
        let mails = app.outbox_for("submitter@wsis.example").await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("Rural Coding Clubs") && mails[0].contains("nominee"), "{}", mails[0]);
        let row = nomination::Entity::find().filter(nomination::Column::Uuid.eq(uuid::Uuid::parse_str(&id).unwrap())).one(&app.db).await.unwrap().unwrap();
        assert!(row.pending_decision.is_none());
        assert!(tally::Entity::find_by_id(row.id).one(&app.db).await.unwrap().is_some(), "the new nominee has a counter");
        let (_, q) = app.call(&admin, "admin_screening_queue", &[("year", &year)]).await;
        assert_eq!((q["categories"][3]["accepted"].as_u64(), q["categories"][3]["pending"].as_u64()), (Some(1), Some(0)));
        let (status, _) = app.call(&admin, "admin_release_decisions", &[("year", &year)]).await;
        assert_eq!(status, 400, "nothing left to release");
        let (status, _) = app.call(&admin, "admin_screen", &[("id", &id), ("input[decision]", "rejected"), ("input[reason]", "category")]).await;
        assert_eq!(status, 409, "a released decision is corrected, not staged");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_correction_is_audit_logged_and_mailed() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let id = submit(&app, &c, "Island Health Map", "Health Observatory", "c7-e-health").await;
        move_to_screening(&app, &e).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, body) = app
            .call(&admin, "admin_screen", &[("id", &id), ("input[decision]", "rejected"), ("input[reason]", "category"), ("input[reason_text]", "Better suited to C7 e-science.")])
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(my_status(&app, &c, &id).await["status"], "Submitted");
        assert_eq!(app.call(&admin, "admin_release_decisions", &[("year", &e.year.to_string())]).await.0, 200);
        let seen = my_status(&app, &c, &id).await;
        assert_eq!(seen["status"], "Rejected");
        assert!(seen["rejection_reason"].as_str().unwrap().contains("Better suited to C7 e-science."), "{seen}");
        let (_, html) = app.get(&c, "/submissions").await;
        assert!(html.contains("Better suited to C7 e-science."), "the reason is on My submissions");

        let (status, body) = app.call(&c, "admin_correct_decision", &[("id", &id), ("input[decision]", "nominee")]).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = app.call(&admin, "admin_correct_decision", &[("id", &id), ("input[decision]", "nominee")]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(my_status(&app, &c, &id).await["status"], "Nominee");
        let log = audit_log::Entity::find().filter(audit_log::Column::Action.eq("screening.correct")).all(&app.db).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].subject, format!("nomination:{id}"));
        assert!(log[0].before.as_deref().unwrap().contains("rejected"), "{:?}", log[0].before);
        assert!(log[0].after.as_deref().unwrap().contains("nominee"), "{:?}", log[0].after);
        let mails = app.outbox_for("submitter@wsis.example").await;
        assert_eq!(mails.len(), 2);
        assert!(mails[1].contains("corrected"), "{}", mails[1]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_refused_outside_the_submission_phase() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let (status, d) = app.call(&c, "save_draft", &[("input[category]", "c1"), ("input[title]", "Late Project")]).await;
        assert_eq!(status, 200, "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let (_, html) = app.get(&c, "/submit").await;
        assert!(html.contains("data-testid=\"submission-form\"") && html.contains("data-testid=\"word-count\""), "{html}");

        // the deadline passes
        app.move_past(&e, Milestone::Closes(PhaseKind::Submission), Duration::minutes(1));
        let mut form = project("Late Project", "Late Org", "c1");
        form.push(("id".into(), id.clone()));
        let (status, body) = call(&app, &c, "submit_nomination", &form).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.to_string().contains("deadline"), "{body}");
        let (status, body) = call(&app, &c, "submit_nomination", &project("New Project", "Late Org", "c1")).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.to_string().contains("Submission is closed"), "{body}");
        assert_eq!(my_status(&app, &c, &id).await["editable"], false);
        assert_eq!(
            nomination::Entity::find().filter(nomination::Column::Status.eq("submitted")).all(&app.db).await.unwrap().len(),
            0
        );
        let (_, html) = app.get(&c, "/submit").await;
        assert!(html.contains("data-testid=\"submission-closed\""), "{html}");
        assert!(!html.contains("data-testid=\"submission-form\""));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_eligibility_quota_duplicate_and_past_winner() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        submit(&app, &c, "Open Data Gateway", "Civic Tech Alliance", "c3").await;

        // another account of the same organisation, same category
        app.voter("colleague@example.org").await;
        let c2 = app.sign_in("colleague@example.org", VOTER_PASSWORD).await;
        let (status, body) = call(&app, &c2, "submit_nomination", &project("Second Gateway", "  civic tech ALLIANCE ", "c3")).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(field_names(&body), vec!["organisation"]);
        assert!(body.to_string().contains("limit is 1"), "{body}");
        // another category is fine
        submit(&app, &c2, "Second Gateway", "Civic Tech Alliance", "c4").await;

        // a title already submitted this year
        let (status, body) = call(&app, &c2, "submit_nomination", &project("open data  GATEWAY", "Other Org", "c5")).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(field_names(&body), vec!["title"]);
        assert!(body.to_string().contains("already been submitted"), "{body}");

        // a title that won an earlier edition
        let past = &app.nominees_in(6).await[0];
        nomination::Entity::update_many()
            .col_expr(nomination::Column::Status, Expr::value("winner"))
            .filter(nomination::Column::Id.eq(past.id))
            .exec(&app.db)
            .await
            .unwrap();
        let (status, body) = call(&app, &c2, "submit_nomination", &project(&past.title.to_uppercase(), "Other Org", "c6")).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains(&format!("already won the WSIS Prizes {}", e.year - 1)), "{body}");

        // the edition's rule allows more
        edition::Entity::update_many()
            .col_expr(edition::Column::SubmissionsPerEntity, Expr::value(2))
            .filter(edition::Column::Id.eq(e.id))
            .exec(&app.db)
            .await
            .unwrap();
        submit(&app, &c2, "Third Gateway", "Civic Tech Alliance", "c3").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_screening_needs_the_admin_role() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        let id = submit(&app, &c, "Guarded Project", "Guard Org", "c2").await;
        move_to_screening(&app, &e).await;
        let anon = app.client();
        assert_eq!(app.call(&anon, "save_draft", &[("input[category]", "c1")]).await.0, 401);
        assert_eq!(app.call(&anon, "admin_screen", &[("id", &id), ("input[decision]", "nominee")]).await.0, 401);
        let expert = app.sign_in("expert@wsis.example", DEMO_PASSWORD).await;
        for (endpoint, form) in [
            ("admin_screening_queue", vec![]),
            ("admin_screening_queue", vec![("category", "c2")]),
            ("admin_screen", vec![("id", id.as_str()), ("input[decision]", "nominee")]),
            ("admin_release_decisions", vec![]),
            ("admin_correct_decision", vec![("id", id.as_str()), ("input[decision]", "nominee")]),
        ] {
            for client in [&c, &expert] {
                let (status, body) = app.call(client, endpoint, &form).await;
                assert_eq!(status, 403, "{endpoint}: {body}");
            }
        }
        // someone else's project is not found
        assert_eq!(app.call(&expert, "get_submission", &[("id", &id)]).await.0, 404);
        let (_, html) = app.get(&c, "/admin/screening").await;
        assert!(!html.contains("data-testid=\"screening-queue\""));
        let row = nomination::Entity::find().filter(nomination::Column::Title.eq("Guarded Project")).one(&app.db).await.unwrap().unwrap();
        assert!(row.pending_decision.is_none() && row.status == wsis::nomination::NominationStatus::Submitted);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_forms_work_without_javascript() {
    each_backend(|app| async move {
        open_edition(&app).await;
        let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let status = c
            .post(app.url("/api/sign_in"))
            .form(&[("email", "submitter@wsis.example"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
        let mut form = project("Plain Form Project", "Plain Org", "c9");
        form.push(("intent".into(), "draft".into()));
        let r = c.post(app.url("/api/save_draft")).header(ACCEPT, "text/html").header(REFERER, app.url("/submit")).form(&form).send().await.unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(to.starts_with("/submissions/") && !to.contains('?'), "{to}");
        assert_eq!(crate::helpers::flash_of(&app, &r).expect("notice").path, to);
        let html = c.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"flash\""), "the notice is shown on the page it was left for");
        assert!(html.contains("Plain Form Project") && html.contains("170"), "the draft and its word count are shown");
        let row = nomination::Entity::find().filter(nomination::Column::Title.eq("Plain Form Project")).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.sdgs.to_string(), "4,10,17");

        // a refused submission goes back to the form with the reasons
        let r = c
            .post(app.url("/api/submit_nomination"))
            .header(ACCEPT, "text/html")
            .header(REFERER, app.url("/submit"))
            .form(&[("input[category]", "c9"), ("input[title]", "Half")])
            .send()
            .await
            .unwrap();
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert_eq!(to, "/submit");
        let flash = crate::helpers::flash_of(&app, &r).expect("the reasons travel to the form");
        assert_eq!(flash.kind, wsis::flash::FlashKind::Error);
        assert!(flash.text.contains("required"), "{}", flash.text);
    })
    .await;
}

/// The screening page loads one category: the counters of all eighteen, the items of the
/// one asked for (by default the first with undecided submissions); an unknown category is
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_lists_one_category_at_a_time() {
    each_backend(|app| async move {
        let e = open_edition(&app).await;
        let c = app.sign_in("submitter@wsis.example", DEMO_PASSWORD).await;
        submit(&app, &c, "Coastal Broadband", "Harbour Net", "c2").await;
        app.voter("colleague@example.org").await;
        let c2 = app.sign_in("colleague@example.org", VOTER_PASSWORD).await;
        submit(&app, &c2, "Library Hubs", "Reading Trust", "c3").await;
        move_to_screening(&app, &e).await;
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let year = e.year.to_string();
        let items = |q: &Value, i: usize| q["categories"][i]["items"].as_array().map_or(0, |a| a.len());

        let (status, q) = app.call(&admin, "admin_screening_queue", &[("year", &year)]).await;
        assert_eq!(status, 200, "{q}");
        assert_eq!(q["category"], "c2", "the first category with undecided work");
        assert_eq!(q["categories"].as_array().unwrap().len(), 18);
        assert_eq!((q["categories"][1]["submitted"].as_u64(), q["categories"][2]["submitted"].as_u64()), (Some(1), Some(1)));
        assert_eq!((items(&q, 1), items(&q, 2)), (1, 0), "only the listed category carries its items");

        let (_, q) = app.call(&admin, "admin_screening_queue", &[("year", &year), ("category", "c3")]).await;
        assert_eq!(q["category"], "c3");
        assert_eq!((items(&q, 1), items(&q, 2)), (0, 1));
        assert_eq!(q["categories"][2]["items"][0]["submission"]["input"]["title"], "Library Hubs");

        let (status, body) = app.call(&admin, "admin_screening_queue", &[("year", &year), ("category", "c99")]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("c99"), "{body}");

        let (_, html) = app.get(&admin, &format!("/admin/screening?year={year}&category=c3")).await;
        assert!(html.contains("Library Hubs") && !html.contains("Coastal Broadband"), "one category's submissions on the page");
        assert!(html.contains("category=c2#screen-c2"), "the counters link to every category");
    })
    .await;
}
