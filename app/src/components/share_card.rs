//! The card a link to a page shows where it is shared (Open Graph and Twitter meta).

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::accounts::ChromeData;

/// `path` is the page's own path; the card names it by its absolute address.
#[component]
pub fn ShareCard(title: String, description: String, path: String, #[prop(optional)] site: Option<String>) -> impl IntoView {
    let chrome = ChromeData::current();
    let url = format!("{}{path}", chrome.public_url.trim_end_matches('/'));
    let description = wsis::share::clip(&description, 200);
    let site = site.or_else(|| chrome.edition.as_ref().map(|e| e.title.clone())).unwrap_or_default();
    view! {
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=url/>
        <Meta property="og:site_name" content=site/>
        <Meta name="twitter:card" content="summary"/>
        <Meta name="twitter:title" content=title/>
        <Meta name="twitter:description" content=description.clone()/>
        <Meta name="description" content=description/>
    }
}
