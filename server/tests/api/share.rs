//! A nominee's share kit: share links, cards, the QR code, the badge and the poster; none of
//! it carries a count, and made-up ids get a readable refusal.

use crate::helpers::each_backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nominee_page_carries_its_card_plain_share_links_and_a_way_to_vote() {
    each_backend(|app| async move {
        let c = app.client();
        let n = app.nominees_in(3).await.remove(0);
        let page = format!("{}/nominees/{}", app.base, n.uuid);
        let (status, html) = app.get(&c, &format!("/nominees/{}", n.uuid)).await;
        assert_eq!(status, 200);
        // the card a shared link shows
        assert!(html.contains(&format!("<meta property=\"og:title\" content=\"{}\"", n.title)), "[{}] og:title", app.backend);
        assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{page}\"")), "og:url is absolute");
        assert!(html.contains("<meta name=\"twitter:card\""));
        // plain links to the networks' share pages, with this page's address, and no script of theirs
        for (key, host) in [("x", "https://twitter.com/intent/tweet?"), ("linkedin", "https://www.linkedin.com/"), ("facebook", "https://www.facebook.com/"), ("whatsapp", "https://wa.me/"), ("telegram", "https://t.me/"), ("email", "mailto:?")] {
            let at = html.find(&format!("data-testid=\"share-{key}\"")).unwrap_or_else(|| panic!("share-{key} link"));
            let tag_start = html[..at].rfind("<a ").unwrap();
            let tag = &html[tag_start..at];
            assert!(tag.contains(&format!("href=\"{host}")), "{key}: {tag}");
            assert!(tag.contains(&wsis::share::encode(&page)) || key == "whatsapp" || key == "email", "{key} names the page: {tag}");
        }
        for third_party in ["<script src=\"https://", "platform.twitter.com", "connect.facebook.net", "platform.linkedin.com"] {
            assert!(!html.contains(third_party), "no third-party script: {third_party}");
        }
        // a signed-out visitor's main button: a sign-in code by e-mail, then back to confirm the vote
        let back = format!("/signin/email?next={}", wsis::share::encode(&format!("/nominees/{}?confirm=1", n.uuid)));
        assert!(html.contains(&format!("href=\"{back}\"")), "[{}] the vote button signs in and comes back", app.backend);
        // an English project text inside any page keeps its direction
        assert!(html.contains("lang=\"en\" dir=\"auto\""));

        let (status, poster) = app.get(&c, &format!("/nominees/{}/poster", n.uuid)).await;
        assert_eq!(status, 200);
        assert!(poster.contains("data-testid=\"poster\"") && poster.contains(&n.title) && poster.contains(&format!("/nominees/{}/qr.svg", n.uuid)));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_and_badge_are_images_without_counts() {
    each_backend(|app| async move {
        let c = app.client();
        let n = app.nominees_in(4).await.remove(0);
        let files = [("qr.svg", "image/svg+xml"), ("qr.png", "image/png"), ("badge.svg", "image/svg+xml")];
        let mut before = Vec::new();
        for (path, kind) in files {
            let r = c.get(app.url(&format!("/nominees/{}/{path}", n.uuid))).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-type"], kind, "{path}");
            assert_eq!(r.headers()["x-content-type-options"], "nosniff");
            let body = r.bytes().await.unwrap();
            assert!(body.len() > 200 && body.len() < 64 * 1024, "[{}] {path}: {} bytes", app.backend, body.len());
            if path == "qr.png" {
                assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n");
                // width and height from the IHDR chunk: a square of at least 29 modules of 10 px
                let w = u32::from_be_bytes(body[16..20].try_into().unwrap());
                let h = u32::from_be_bytes(body[20..24].try_into().unwrap());
                assert!(w == h && w >= 290, "{w}×{h}");
            } else {
                let svg = String::from_utf8(body.to_vec()).unwrap();
                assert!(svg.starts_with("<svg") && !svg.contains("<script"));
                if path == "badge.svg" {
                    assert!(svg.contains("Vote for us"));
                }
            }
            before.push(body);
        }
        // votes come in: not one byte of the files changes (they carry no count)
        for i in 0..3 {
            let v = app.voter(&format!("badge-voter-{i}@example.org")).await;
            crate::helpers::cast(&app.services, &v, n.uuid, &format!("198.51.100.{i}")).await.unwrap();
        }
        app.services.forget_display();
        for ((path, _), was) in files.iter().zip(&before) {
            let now = c.get(app.url(&format!("/nominees/{}/{path}", n.uuid))).send().await.unwrap().bytes().await.unwrap();
            assert_eq!(&now, was, "[{}] {path} changed with the votes", app.backend);
        }
        // the badge in the visitor's language
        let (_, fr) = app.get(&c, &format!("/nominees/{}/badge.svg?lang=fr", n.uuid)).await;
        assert!(fr.contains("Votez pour nous"));
        // a title that tries to break out of the SVG stays text
        {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            use sea_orm::sea_query::Expr;
            use wsis::db::entity::nomination;
            nomination::Entity::update_many()
                .col_expr(nomination::Column::Title, Expr::value("</text><script>alert(1)</script>"))
                .filter(nomination::Column::Id.eq(n.id))
                .exec(&app.db)
                .await
                .unwrap();
        }
        app.services.forget_display();
        let (_, svg) = app.get(&c, &format!("/nominees/{}/badge.svg", n.uuid)).await;
        assert!(!svg.contains("<script>"), "[{}] escaped: {svg}", app.backend);
    })
    .await;
}

/// The card files a node has drawn.
fn cards_drawn(app: &crate::helpers::TestApp) -> usize {
    std::fs::read_dir(app.services.config.data_dir.join("cards")).map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "png")).count())
}

fn png_size(body: &[u8]) -> (u32, u32) {
    assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    (u32::from_be_bytes(body[16..20].try_into().unwrap()), u32::from_be_bytes(body[20..24].try_into().unwrap()))
}

/// The card a shared link shows: a 1200×630 PNG the server draws per nominee and language,
/// once (then from its card folder, also under a crowd asking at once), named by the page's
/// Open Graph and Twitter meta, and without a count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_card_is_drawn_once_per_nominee_and_language_without_counts() {
    each_backend(|app| async move {
        let c = app.client();
        let n = app.nominees_in(5).await.remove(0);
        let (_, html) = app.get(&c, &format!("/nominees/{}", n.uuid)).await;
        let image = format!("{}/nominees/{}/card.png?lang=en", app.base, n.uuid);
        assert!(html.contains(&format!("<meta property=\"og:image\" content=\"{image}\"")), "[{}] og:image", app.backend);
        assert!(html.contains(&format!("<meta name=\"twitter:image\" content=\"{image}\"")) && html.contains("content=\"summary_large_image\""));
        assert!(html.contains("<meta property=\"og:image:width\" content=\"1200\"") && html.contains("<meta property=\"og:image:height\" content=\"630\""));
        let (_, fr_page) = app.get(&c, &format!("/nominees/{}?lang=fr", n.uuid)).await;
        assert!(fr_page.contains(&format!("/nominees/{}/card.png?lang=fr", n.uuid)), "[{}] the card in the page's language", app.backend);

        // a crowd asks for a card nobody has drawn yet: one drawing, the same bytes for all
        let path = app.url(&format!("/nominees/{}/card.png", n.uuid));
        let crowd = futures::future::join_all((0..40).map(|_| {
            let (c, path) = (app.client(), path.clone());
            async move {
                let r = c.get(&path).send().await.unwrap();
                assert_eq!(r.status(), 200);
                assert_eq!(r.headers()["content-type"], "image/png");
                r.bytes().await.unwrap()
            }
        }))
        .await;
        assert!(crowd.iter().all(|b| b == &crowd[0]), "[{}] one card for all", app.backend);
        assert_eq!(png_size(&crowd[0]), (1200, 630));
        assert!(crowd[0].len() > 5_000 && crowd[0].len() < 400 * 1024, "[{}] {} bytes", app.backend, crowd[0].len());
        assert_eq!(cards_drawn(&app), 1, "[{}] drawn once", app.backend);
        // per language (Arabic and Chinese too), each drawn once
        let mut langs = std::collections::HashSet::new();
        for lang in ["ar", "es", "fr", "ru", "zh", "en", "xx"] {
            let r = c.get(format!("{path}?lang={lang}")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{lang}");
            let body = r.bytes().await.unwrap();
            assert_eq!(png_size(&body), (1200, 630), "{lang}");
            langs.insert(body);
        }
        assert!(langs.len() >= 5, "[{}] the languages differ: {} cards", app.backend, langs.len());
        let drawn = cards_drawn(&app);
        assert!((5..=6).contains(&drawn), "[{}] one file per language: {drawn}", app.backend);

        // votes come in: the card does not change (it carries no count)
        for i in 0..3 {
            let v = app.voter(&format!("card-voter-{i}@example.org")).await;
            crate::helpers::cast(&app.services, &v, n.uuid, &format!("198.51.100.{}", 20 + i)).await.unwrap();
        }
        app.services.forget_display();
        let again = app.client().get(&path).send().await.unwrap().bytes().await.unwrap();
        assert!(again == crowd[0], "[{}] the card changed with the votes: {} bytes, was {}; {} files drawn, {drawn} before", app.backend, again.len(), crowd[0].len(), cards_drawn(&app));
        assert_eq!(cards_drawn(&app), drawn, "[{}] and was not drawn again", app.backend);
    })
    .await;
}

/// An attacker's inputs: unknown, malformed and not-nominated ids are refused with a readable
/// 404 and fill no cache; a flood of them is cut by the address limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_ids_are_refused_and_fill_nothing() {
    each_backend(|app| async move {
        let c = app.client();
        for id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".into(), "%27%20OR%201%3D1".into()] {
            for path in ["qr.svg", "qr.png", "badge.svg", "card.png"] {
                let r = c.get(app.url(&format!("/nominees/{id}/{path}"))).send().await.unwrap();
                assert_eq!(r.status(), 404, "{id}/{path}");
                assert_eq!(r.headers()["content-type"], "application/json", "a readable refusal");
            }
        }
        // 300 at once from one address: refused or cut by the address limit, nothing kept
        let flood = app.client();
        let probes = (0..300).map(|i| {
            let (app, flood) = (&app, &flood);
            async move {
                let path = ["qr.svg", "qr.png", "badge.svg", "card.png"][i % 4];
                flood.get(app.url(&format!("/nominees/{}/{path}", uuid::Uuid::new_v4()))).send().await.unwrap().status().as_u16()
            }
        });
        for status in futures::future::join_all(probes).await {
            assert!(status == 404 || status == 429, "[{}] {status}", app.backend);
        }
        assert!(app.services.nominee_pages.is_empty(), "[{}] made-up ids cached nothing", app.backend);
        assert_eq!(cards_drawn(&app), 0, "[{}] made-up ids drew no card", app.backend);
        // a submission that is not on the ballot has no share kit
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use wsis::db::entity::nomination;
        let draft = nomination::Entity::find().filter(nomination::Column::Status.ne("nominee")).one(&app.db).await.unwrap();
        if let Some(d) = draft {
            let r = c.get(app.url(&format!("/nominees/{}/badge.svg", d.uuid))).send().await.unwrap();
            assert_eq!(r.status(), 404, "[{}] a {:?} submission has no badge", app.backend, d.status);
        }
    })
    .await;
}

/// The sign-in page sends a voter back only to a page of this site: an attacker's link
/// (`/signin?next=//evil.example`) signs in and stays here, with and without scripts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_returns_to_this_site_only() {
    each_backend(|app| async move {
        let sign_in = |next: &'static str| {
            let app = &app;
            async move {
                // an account of its own each time: the sign-in throttle counts per account
                let email = format!("return-path-{}@example.org", uuid::Uuid::new_v4().simple());
                app.voter(&email).await;
                let c = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
                let r = c
                    .post(app.url("/api/sign_in"))
                    .header("accept", "text/html")
                    .header("x-forwarded-for", crate::helpers::random_address())
                    .form(&[("email", email.as_str()), ("password", crate::helpers::VOTER_PASSWORD), ("next", next)])
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_redirection(), "[{}] {next}: {}", app.backend, r.status());
                assert!(r.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with(&format!("{}=", wsis::db::SESSION_COOKIE))), "signed in");
                r.headers()["location"].to_str().unwrap().to_string()
            }
        };
        assert_eq!(sign_in("/nominees/x?confirm=1").await, "/nominees/x?confirm=1", "[{}] back to the vote", app.backend);
        for evil in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example"] {
            assert_eq!(sign_in(evil).await, "/", "[{}] {evil:?} leaves the site", app.backend);
        }
        // the page puts only a path of this site into its form
        let (_, html) = app.get(&app.client(), "/signin?next=%2F%2Fevil.example").await;
        assert!(!html.contains("evil.example"), "[{}] no foreign next in the form", app.backend);
        let (_, html) = app.get(&app.client(), "/signin?next=%2Fnominees%2Fx").await;
        assert!(html.contains("name=\"next\" value=\"/nominees/x\""));
    })
    .await;
}
