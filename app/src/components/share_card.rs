//! The card a link to a page shows where it is shared (Open Graph and Twitter meta).

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::accounts::ChromeData;

/// `path` is the page's own path; the card names it by its absolute address. `image` is
/// the path of a card image the server draws (1200×630), when the page has one; it is asked
/// for in the page's language.
#[component]
pub fn ShareCard(
    title: String,
    description: String,
    path: String,
    #[prop(optional)] site: Option<String>,
    #[prop(optional)] image: Option<String>,
) -> impl IntoView {
    let chrome = ChromeData::current();
    let lang = { use crate::i18n::*; use_i18n().get_locale_untracked().as_str() };
    let image = image.map(|p| format!("{}{p}?lang={lang}", chrome.public_url.trim_end_matches('/')));
    let large = image.is_some();
    let url = format!("{}{path}", chrome.public_url.trim_end_matches('/'));
    let description = wsis::share::clip(&description, 200);
    let site = site.or_else(|| chrome.edition.as_ref().map(|e| e.title.clone())).unwrap_or_default();
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=url/>
        <Meta property="og:site_name" content=site/>
        <Meta name="twitter:card" content=if large { "summary_large_image" } else { "summary" }/>
        {image.map(|src| view! {
            <Meta property="og:image" content=src.clone()/>
            <Meta property="og:image:width" content=wsis::share::CARD_WIDTH.to_string()/>
            <Meta property="og:image:height" content=wsis::share::CARD_HEIGHT.to_string()/>
            <Meta property="og:image:alt" content=title.clone()/>
            <Meta name="twitter:image" content=src/>
        })}
        <Meta name="twitter:title" content=title/>
        <Meta name="twitter:description" content=description.clone()/>
        <Meta name="description" content=description/>
    }
}
