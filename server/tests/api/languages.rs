use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::each_backend;

fn locale(code: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../app/locales/{code}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The opening `<html …>` tag of a page.
fn html_tag(page: &str) -> String {
    let start = page.find("<html").unwrap_or(0);
    page[start..].split('>').next().unwrap_or("").to_string()
}

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split("{{").skip(1).filter_map(|p| p.split_once("}}").map(|(n, _)| n.trim().to_string())).collect()
}

/// Every language has every key of English, with the same placeholders and a non-empty text.
#[test]
fn every_language_has_every_string() {
    let en = locale("en");
    for code in wsis_server::LANGUAGES {
        let other = locale(code);
        let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{code} lacks {missing:?}");
        let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{code} has unknown keys {extra:?}");
        for (k, v) in &en {
            assert!(!other[k].trim().is_empty(), "{code}.{k} is empty");
            assert_eq!(placeholders(v), placeholders(&other[k]), "{code}.{k} placeholders");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_comes_from_the_url_then_the_cookie_then_the_browser() {
    each_backend(|app| async move {
        let en = locale("en");
        let ar = locale("ar");
        let fr = locale("fr");
        // English by default
        let c = app.client();
        let (_, html) = app.get(&c, "/categories").await;
        assert!(html_tag(&html).contains("lang=\"en\"") && html_tag(&html).contains("dir=\"ltr\""), "{}", html_tag(&html));
        assert!(html.contains(&en["categories_title"]));

        // ?lang=ar renders Arabic right-to-left at once and remembers it in a cookie
        let r = c.get(app.url("/categories?lang=ar")).header("accept", "text/html").send().await.unwrap();
        let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(cookie.starts_with("i18n_pref_locale=ar"), "{cookie}");
        let html = r.text().await.unwrap();
        assert!(html_tag(&html).contains("lang=\"ar\"") && html_tag(&html).contains("dir=\"rtl\""), "Arabic is right-to-left: {}", html_tag(&html));
        assert!(html.contains(&ar["categories_title"]));
        assert!(html.contains(&ar["cat_c9"]) && html.contains(&ar["cat_c7_e_health"]), "category names translated");
        // (the serialised data for hydration keeps the stored English names; the text does not)
        assert!(!html.contains(&format!(">{}<", en["cat_c4"])), "no English category name left");
        assert!(!html.contains(&format!(">{}<", en["nav_my_votes"])), "no English navigation left");
        // the cookie keeps it on the next page
        let (_, html) = app.get(&c, "/").await;
        assert!(html_tag(&html).contains("lang=\"ar\""));
        assert!(html.contains(&ar["nav_categories"]));

        // without a cookie the browser's Accept-Language decides
        let fresh = app.client();
        let html = fresh.get(app.url("/categories")).header("accept", "text/html").header("accept-language", "fr-CH, fr;q=0.9, en;q=0.5").send().await.unwrap().text().await.unwrap();
        assert!(html_tag(&html).contains("lang=\"fr\""));
        assert!(html.contains(&fr["categories_title"]));
        // an unknown language changes nothing
        let html = fresh.get(app.url("/categories?lang=xx")).header("accept", "text/html").send().await.unwrap().text().await.unwrap();
        assert!(html_tag(&html).contains("lang=\"en\""));
    })
    .await;
}

/// Deadlines and counts are written as the chosen language writes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_and_numbers_follow_the_language() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use wsis::db::entity::edition;
    each_backend(|app| async move {
        let e = edition::Entity::find().filter(edition::Column::IsCurrent.eq(true)).one(&app.db).await.unwrap().unwrap();
        let closes = e.voting_closes;
        for lang in wsis_server::LANGUAGES {
            let (_, html) = app.get(&app.client(), &format!("/?lang={lang}")).await;
            let geneva = wsis::format::geneva(closes, lang);
            assert!(html.contains(&geneva), "[{}] {lang}: {geneva} on the home page", app.backend);
            assert!(html.contains(&wsis::format::utc(closes, lang)), "[{}] {lang}: UTC beside it", app.backend);
        }
        let (_, html) = app.get(&app.client(), "/?lang=fr").await;
        let month = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
        assert!(month.iter().any(|m| html.contains(&format!(" {m} "))), "a French month name");
        assert!(!html.contains(&wsis::format::geneva(closes, "en")), "no English date on the French page");

    })
    .await;
}

/// The server's refusals and confirmations come in the visitor's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_come_in_the_chosen_language() {
    each_backend(|app| async move {
        let voter = app.sign_in("voter@wsis.example", crate::helpers::DEMO_PASSWORD).await;
        let n = app.nominees_in(2).await[0].uuid.to_string();
        assert_eq!(app.call(&voter, "cast_vote", &[("nominee", &n)]).await.0, 200);
        // the chosen language decides
        let r = voter
            .post(app.url("/api/cast_vote?lang=fr"))
            .form(&[("nominee", n.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("Vous avez déjà voté dans cette catégorie."), "{body}");
        // the choice is remembered in the cookie
        let (status, body) = app.call(&voter, "cast_vote", &[("nominee", &n)]).await;
        assert_eq!(status, 409);
        assert!(body.to_string().contains("Vous avez déjà voté"), "{body}");
        // without a choice, Accept-Language; the English stays for English
        let anon = app.client();
        for (accept, expected) in [
            ("es-ES,es;q=0.9", "La dirección de correo electrónico o la contraseña no son correctas."),
            ("zh-CN", "电子邮件地址或密码不正确。"),
            ("en-GB", wsis::db::auth::SIGN_IN_REFUSED),
        ] {
            let r = anon
                .post(app.url("/api/sign_in"))
                .header("accept-language", accept)
                .form(&[("email", "voter@wsis.example"), ("password", "not-the-password")])
                .send()
                .await
                .unwrap();
            let body = r.text().await.unwrap();
            assert!(body.contains(expected), "{accept}: {body}");
        }
        // field messages too, with the label translated
        let r = anon
            .post(app.url("/api/sign_up?lang=ru"))
            .form(&[("input[email]", "new@wsis.example"), ("input[password]", "a-long-enough-password"), ("input[display_name]", ""), ("input[country]", "CH")])
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["Fields"][0][0], "display_name", "{body}");
        assert_eq!(body["Fields"][0][1], "Отображаемое имя: обязательное поле.", "{body}");
    })
    .await;
}

/// E-mails are written in the language of the request that causes them, and later ones
/// in the language the account last used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_mails_follow_the_account_language() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use wsis::db::entity::account;
    each_backend(|app| async move {
        let c = app.client();
        let (challenge, nonce) = app.pow(&c, "sign_up").await;
        let r = c
            .post(app.url("/api/sign_up?lang=fr"))
            .form(&[
                ("input[email]", "marie@example.org"),
                ("input[password]", "une-phrase-de-passe-longue"),
                ("input[display_name]", "Marie"),
                ("input[country]", "France"),
                ("pow[challenge]", &challenge),
                ("pow[nonce]", &nonce),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Merci."), "the answer in French");
        let mails = app.outbox_for("marie@example.org").await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("Bienvenue aux Prix WSIS."), "{}", mails[0]);
        let a = account::Entity::find().filter(account::Column::Email.eq("marie@example.org")).one(&app.db).await.unwrap().unwrap();
        assert_eq!(a.lang, "fr", "the account remembers the language");

        // a password reset asked in Spanish, by an account created in English
        app.voter("juan@example.org").await;
        let r = app.client().post(app.url("/api/request_password_reset")).header("accept-language", "es").form(&[("email", "juan@example.org")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let mails = app.outbox_for("juan@example.org").await;
        assert!(mails.iter().any(|m| m.contains("Elija una nueva contraseña aquí")), "{mails:?}");

        // signing in in Russian makes Russian the account's language for later e-mails
        let r = app
            .client()
            .post(app.url("/api/sign_in?lang=ru"))
            .form(&[("email", "juan@example.org"), ("password", crate::helpers::VOTER_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let a = account::Entity::find().filter(account::Column::Email.eq("juan@example.org")).one(&app.db).await.unwrap().unwrap();
        assert_eq!(a.lang, "ru");
    })
    .await;
}
