use serde_json::Value;

use crate::helpers::{each_backend, TestApp, DEMO_PASSWORD};

async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, Value) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    assert!(r.headers().get("content-type").unwrap().to_str().unwrap().starts_with("application/json"), "{path}");
    (status, r.json().await.unwrap())
}

fn is_error(v: &Value, status: u16, kind: &str) -> bool {
    v["error"]["status"] == status && v["error"]["kind"] == kind && v["error"]["message"].as_str().is_some_and(|m| !m.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_api_reads_editions_categories_and_nominees() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, list) = get(&app, &c, "/api/v1/editions").await;
        assert_eq!(status, 200);
        let current = list.as_array().unwrap().iter().find(|e| e["current"] == true).unwrap().clone();
        assert_eq!(current["phase"], "voting");
        let y = current["year"].as_i64().unwrap();
        let (status, e) = get(&app, &c, &format!("/api/v1/editions/{y}")).await;
        assert_eq!(status, 200);
        assert_eq!(e["title"], current["title"]);

        let (status, cats) = get(&app, &c, &format!("/api/v1/editions/{y}/categories")).await;
        assert_eq!(status, 200);
        assert_eq!(cats.as_array().unwrap().len(), 18);
        assert!(cats.as_array().unwrap().iter().all(|c| c["nominees"] == 20));

        let (status, page) = get(&app, &c, &format!("/api/v1/editions/{y}/nominees?category=c1&per_page=5&page=2")).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 20);
        assert_eq!(page["items"].as_array().unwrap().len(), 5);
        assert!(page["items"].as_array().unwrap().iter().all(|n| n["category"] == "c1"));
        let (_, all) = get(&app, &c, &format!("/api/v1/editions/{y}/nominees?per_page=100&page=4")).await;
        assert_eq!(all["total"], 360);
        assert_eq!(all["items"].as_array().unwrap().len(), 60);

        // search: every hit contains the words
        let title = page["items"][0]["title"].as_str().unwrap().to_string();
        let word = title.split_whitespace().last().unwrap().to_lowercase();
        let (_, hits) = get(&app, &c, &format!("/api/v1/editions/{y}/nominees?q={word}")).await;
        assert!(hits["total"].as_u64().unwrap() >= 1);
        for n in hits["items"].as_array().unwrap() {
            let hay = format!("{} {} {}", n["title"], n["organisation"], n["country"]).to_lowercase();
            assert!(hay.contains(&word));
        }
        let id = page["items"][0]["id"].as_str().unwrap();
        let (status, n) = get(&app, &c, &format!("/api/v1/nominees/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(n["title"], title);

        // errors have one shape
        let (status, v) = get(&app, &c, &format!("/api/v1/editions/{y}/nominees?page=0")).await;
        assert_eq!(status, 400);
        assert!(is_error(&v, 400, "invalid"), "{v}");
        let (status, v) = get(&app, &c, &format!("/api/v1/editions/{y}/nominees?category=c99")).await;
        assert!(status == 400 && is_error(&v, 400, "invalid"), "{v}");
        let (status, v) = get(&app, &c, "/api/v1/editions/1999").await;
        assert!(status == 404 && is_error(&v, 404, "not_found"), "{v}");
        let (status, v) = get(&app, &c, "/api/v1/editions/abc/categories").await;
        assert!(status == 404 && is_error(&v, 404, "not_found"), "{v}");
        let (status, v) = get(&app, &c, "/api/v1/nominees/not-a-uuid").await;
        assert!(status == 404 && is_error(&v, 404, "not_found"), "{v}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_in_the_api_obey_the_embargo_and_the_document_describes_the_api() {
    each_backend(|app| async move {
        let y = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap().year;
        let (status, v) = get(&app, &app.client(), &format!("/api/v1/editions/{y}/results")).await;
        assert_eq!(status, 403);
        assert!(is_error(&v, 403, "forbidden"), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("embargoed"));
        // announcers prepare the announcement once champions exist; admins see it at any time
        let announcer = app.sign_in("announcer@wsis.example", DEMO_PASSWORD).await;
        let (status, v) = get(&app, &announcer, &format!("/api/v1/editions/{y}/results")).await;
        assert_eq!(status, 403, "{v}");
        let admin = app.sign_in("admin@wsis.example", DEMO_PASSWORD).await;
        let (status, v) = get(&app, &admin, &format!("/api/v1/editions/{y}/results")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["categories"].as_array().unwrap().len(), 18);

        let (status, doc) = get(&app, &app.client(), "/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for p in ["/api/v1/editions", "/api/v1/editions/{year}/nominees", "/api/v1/editions/{year}/results", "/api/v1/nominees/{id}"] {
            assert!(doc["paths"][p]["get"].is_object(), "{p} documented");
        }
        assert!(doc["components"]["schemas"]["ApiError"].is_object());
        let html = app.client().get(app.url("/api/v1/docs")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("GET /api/v1/editions/{year}/nominees"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn current_names_the_current_edition() {
    each_backend(|app| async move {
        let y = wsis::db::entity::edition::Model::current(&app.db).await.unwrap().unwrap().year;
        let (status, e) = get(&app, &app.client(), "/api/v1/editions/current").await;
        assert_eq!(status, 200);
        assert_eq!(e["year"], y);
        let (status, page) = get(&app, &app.client(), "/api/v1/editions/current/nominees?per_page=1").await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 360);
    })
    .await;
}
