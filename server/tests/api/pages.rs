use crate::helpers::each_backend;
use wsis::category::CATEGORIES;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_categories_and_category_pages_show_the_demo() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, html) = app.get(&c, "/").await;
        assert_eq!(status, 200);
        assert!(html.contains("WSIS Prizes 2026") || html.contains("WSIS Prizes 20"), "edition title on home");
        assert!(html.contains("Public voting — open"), "current phase shown");
        assert!(html.contains("<title>"), "has a title");
        assert!(html.contains("data-testid=\"countdown\""));

        let (status, html) = app.get(&c, "/categories").await;
        assert_eq!(status, 200);
        for cat in CATEGORIES.iter() {
            assert!(html.contains(&format!("/categories/{}", cat.slug)), "{} listed", cat.code);
        }
        assert!(html.contains("20 nominees") || html.contains(">20<"), "nominee counts shown");

        let (status, html) = app.get(&c, "/categories/c7-e-health").await;
        assert_eq!(status, 200);
        let noms = app.nominees_in(10).await;
        assert_eq!(noms.len(), 20);
        for n in &noms {
            assert!(html.contains(&n.title), "[{}] nominee {} listed", app.backend, n.title);
        }
        assert!(html.contains("<h1>C7 e-health"));

        let (status, html) = app.get(&c, &format!("/nominees/{}", noms[0].uuid)).await;
        assert_eq!(status, 200);
        assert!(html.contains(&noms[0].organisation));
        assert!(html.contains("Short description"));

    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn category_filters_narrow_the_list() {
    each_backend(|app| async move {
        let c = app.client();
        let noms = app.nominees_in(1).await;
        let region = noms[0].region;
        let (status, html) = app.get(&c, &format!("/categories/c1?region={}", region.0.unwrap().key())).await;
        assert_eq!(status, 200);
        let expected = noms.iter().filter(|n| n.region == region).count();
        assert!(html.contains(&format!("{expected} nominees shown")), "filtered count {expected}");
        let (_, html) = app.get(&c, "/categories/c1?q=zzzz-no-such-text").await;
        assert!(html.contains("0 nominees shown"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_malformed_ids_are_readable_404s() {
    each_backend(|app| async move {
        let c = app.client();
        let (status, html) = app.get(&c, &format!("/nominees/{}", uuid::Uuid::new_v4())).await;
        assert_eq!(status, 404);
        assert!(html.contains("There is no nominee with this id."));
        // a stranger probing 100 made-up ids at once fills no cache
        let probes = (0..100).map(|_| {
            let app = &app;
            async move { app.get(&app.client(), &format!("/nominees/{}", uuid::Uuid::new_v4())).await.0 }
        });
        for status in futures::future::join_all(probes).await {
            assert!(status == 404 || status == 429, "[{}] {status}", app.backend);
        }
        assert!(app.services.nominee_pages.is_empty(), "[{}] unknown ids are never kept", app.backend);
        let (status, html) = app.get(&c, "/nominees/not-a-uuid").await;
        assert_eq!(status, 404);
        assert!(html.contains("Back to the home page"));
        let (status, _) = app.get(&c, "/categories/c99").await;
        assert_eq!(status, 404);
        let (status, html) = app.get(&c, "/no/such/page").await;
        assert_eq!(status, 404);
        assert!(html.contains("There is no page at this address."));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_endpoint_answers() {
    each_backend(|app| async move {
        let r = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ok");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_category_table_holds_the_eighteen_codes() {
    use sea_orm::{EntityTrait, QueryOrder};
    each_backend(|app| async move {
        let rows = wsis::db::entity::category::Entity::find()
            .order_by_asc(wsis::db::entity::category::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        let codes: Vec<&str> = rows.iter().map(|c| c.code.as_str()).collect();
        let expected: Vec<&str> = CATEGORIES.iter().map(|c| c.code).collect();
        assert_eq!(codes, expected, "[{}]", app.backend);
    })
    .await;
}

/// The nominee page's display data comes from the node's cache for at most
/// `DISPLAY_TTL`: a change in the database shows once it passed; a voter's own choice on the
/// page is never cached (it is read for every request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominee_pages_are_cached_for_display_only_and_briefly() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use sea_orm::sea_query::Expr;
    use wsis::db::entity::nomination;
    each_backend(|app| async move {
        let c = app.client();
        let n = app.nominees_in(2).await.remove(0);
        let path = format!("/nominees/{}", n.uuid);
        let (_, html) = app.get(&c, &path).await;
        assert!(html.contains(&n.title));
        nomination::Entity::update_many()
            .col_expr(nomination::Column::Title, Expr::value("A Renamed Project"))
            .filter(nomination::Column::Id.eq(n.id))
            .exec(&app.db)
            .await
            .unwrap();
        let (_, html) = app.get(&c, &path).await;
        assert!(html.contains(&n.title) && !html.contains("A Renamed Project"), "[{}] served from the cache", app.backend);
        tokio::time::sleep(wsis::db::DISPLAY_TTL + std::time::Duration::from_millis(200)).await;
        let (_, html) = app.get(&c, &path).await;
        assert!(html.contains("A Renamed Project"), "[{}] read again once the entry expired", app.backend);

        // the visitor's own vote shows at once on the cached page
        app.voter("cached-page@example.org").await;
        let voter = app.sign_in("cached-page@example.org", crate::helpers::VOTER_PASSWORD).await;
        let (_, before) = app.get(&voter, &path).await;
        let (status, body) = app.call(&voter, "cast_vote", &[("nominee", &n.uuid.to_string())]).await;
        assert_eq!(status, 200, "{body}");
        let (_, after) = app.get(&voter, &path).await;
        assert_ne!(before.contains("data-testid=\"my-choice\""), after.contains("data-testid=\"my-choice\""), "[{}] the choice is read per request", app.backend);
    })
    .await;
}

/// The titles of a category page's nominees, in the order the page lists them.
fn listed_titles(html: &str) -> Vec<String> {
    html.split("data-testid=\"nominee-card\"")
        .skip(1)
        .filter_map(|card| card.split("lang=\"en\" dir=\"auto\">").nth(1).and_then(|t| t.split('<').next()).map(str::to_string))
        .collect()
}

/// A fair ballot: a category's nominees come in an order of each voter's own — the same
/// on every visit, kept by the visitor's cookie and then by the account, whatever device
/// it signs in from — or by title when asked (`?order=alpha`); an unknown order is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_voter_sees_the_ballot_in_an_order_of_their_own() {
    each_backend(|app| async move {
        let path = "/categories/c7-e-health";
        let mut by_title: Vec<String> = app.nominees_in(10).await.into_iter().map(|n| n.title).collect();
        by_title.sort();

        let visitor = app.client();
        let (_, html) = app.get(&visitor, path).await;
        let first = listed_titles(&html);
        assert_eq!(first.len(), 20, "[{}] {html}", app.backend);
        let mut sorted = first.clone();
        sorted.sort();
        assert_eq!(sorted, by_title, "the same nominees");
        assert!(html.contains("data-testid=\"ballot-order\""));
        let (_, again) = app.get(&visitor, path).await;
        assert_eq!(listed_titles(&again), first, "[{}] stable for one visitor (the cookie)", app.backend);

        // other visitors: other orders (twenty visitors all alike would be a 20!^-19 chance)
        let mut orders = std::collections::HashSet::new();
        for _ in 0..20 {
            orders.insert(listed_titles(&app.get(&app.client(), path).await.1));
        }
        assert!(orders.len() > 10, "[{}] {} distinct orders of 20 visitors", app.backend, orders.len());

        // a signed-in voter keeps one order on every device
        app.voter("two-devices@example.org").await;
        let phone = app.sign_in("two-devices@example.org", crate::helpers::VOTER_PASSWORD).await;
        let laptop = app.sign_in("two-devices@example.org", crate::helpers::VOTER_PASSWORD).await;
        assert_eq!(listed_titles(&app.get(&phone, path).await.1), listed_titles(&app.get(&laptop, path).await.1), "[{}] one order per account", app.backend);

        // forged visitor cookies are replaced by a fresh one; a valid one is kept; a vote
        // (not a page) never makes one
        let raw = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
        for (sent, kept) in [("wsis_visitor=<script>", false), (&*format!("wsis_visitor={}", "f".repeat(500)), false), (&*format!("wsis_visitor={}", "ab".repeat(16)), true)] {
            let r = raw.get(app.url(path)).header("cookie", sent).header("x-forwarded-for", crate::helpers::random_address()).send().await.unwrap();
            let set: Vec<String> = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).filter(|c| c.starts_with("wsis_visitor=")).map(str::to_string).collect();
            if kept {
                assert!(set.is_empty(), "[{}] a valid cookie is kept: {set:?}", app.backend);
            } else {
                assert_eq!(set.len(), 1, "[{}] {sent}: {set:?}", app.backend);
                let v = set[0].trim_start_matches("wsis_visitor=").split(';').next().unwrap();
                assert!(v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) && set[0].contains("HttpOnly"), "[{}] {set:?}", app.backend);
            }
        }
        let r = raw.post(app.url("/api/cast_vote")).header("x-forwarded-for", crate::helpers::random_address()).form(&[("nominee", uuid::Uuid::new_v4().to_string())]).send().await.unwrap();
        assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap_or("").starts_with("wsis_visitor=")), "[{}] no cookie for a vote", app.backend);

        let (_, alpha) = app.get(&visitor, &format!("{path}?order=alpha")).await;
        assert_eq!(listed_titles(&alpha), by_title, "[{}] by title when asked", app.backend);
        assert!(!alpha.contains("data-testid=\"ballot-order\""));
        let (status, body) = app.call(&visitor, "category", &[("slug", "c7-e-health"), ("order", "most-votes")]).await;
        assert_eq!(status, 400, "{body}");
        // a filtered list keeps the voter's order among the nominees it keeps
        let (_, filtered) = app.get(&visitor, &format!("{path}?region=africa")).await;
        let kept = listed_titles(&filtered);
        let expected: Vec<String> = first.iter().filter(|t| kept.contains(t)).cloned().collect();
        assert_eq!(kept, expected, "[{}] filtering keeps the order", app.backend);
    })
    .await;
}

/// Making another router (a second node in the process, as the tests and the benchmark do)
/// while pages are being served leaves no page without an answer: the route list is made
/// once per process, because making it switches resource loading off for the whole process
/// for a moment, and a page's resource that started in that moment never loaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routers_made_while_pages_are_served_leave_every_page_answered() {
    let app = crate::helpers::spawn_app(None).await;
    let pages = ["/", "/categories", "/categories/c1", "/categories/c7-e-health", "/results", "/signin"];
    let loads = futures::future::join_all((0..360).map(|i| {
        let (c, url) = (app.client(), app.url(pages[i % pages.len()]));
        async move {
            let r = c.get(url).header("accept", "text/html").timeout(std::time::Duration::from_secs(20)).send().await;
            match r {
                Ok(r) => (r.status().as_u16(), r.text().await.map(|t| t.contains("</html>")).unwrap_or(false)),
                Err(_) => (0, false),
            }
        }
    }));
    // one router after another while the pages load
    let routers = futures::future::join_all((0..12u64).map(|i| {
        let (services, config) = (app.services.clone(), app.services.config.clone());
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(i * 120)).await;
            tokio::task::spawn_blocking(move || drop(wsis_server::router(services, wsis_server::leptos_options(&config)))).await
        }
    }));
    let (answers, made) = futures::join!(loads, routers);
    assert!(made.into_iter().all(|m| m.is_ok()));
    let unanswered = answers.iter().filter(|(s, whole)| !(*s == 200 || *s == 403) || !*whole).count();
    assert_eq!(unanswered, 0, "pages without a whole answer: {:?}", answers.iter().filter(|(s, w)| !(*s == 200 || *s == 403) || !*w).collect::<Vec<_>>());
}
