use leptos::prelude::*;
use leptos::server::ServerAction;
use wsis::account::Role;

use crate::api::accounts::{ChromeData, SignOut};
use crate::components::phase::PhaseStrip;
use crate::i18n::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let chrome = expect_context::<ChromeData>();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/");
            }
        }
    });
    let strip = chrome.edition.clone().map(|e| (e, chrome.now));
    let account = match chrome.user.clone() {
        Some(u) => {
            let roles = u.roles.clone();
            let is_admin = u.has(Role::Admin);
            let is_expert = u.has(Role::Expert);
            view! {
                <span class="who" data-testid="signed-in-as">
                    <a href="/account">{u.display_name.clone()}</a>
                    {roles.into_iter().map(|r| view! { <span class="badge">{crate::components::labels::role_label(i18n, r)}</span> }).collect_view()}
                </span>
                // one list, not two adjacent optional views (those break hydration)
                {[(is_expert, "/screen", t_string!(i18n, nav_screen).to_string()), (is_expert, "/review", t_string!(i18n, nav_review).to_string()), (is_admin, "/admin", t_string!(i18n, nav_admin).to_string())]
                    .into_iter()
                    .filter(|(on, _, _)| *on)
                    .map(|(_, href, label)| view! { <a href=href>{label}</a> })
                    .collect_view()}
                <ActionForm action=sign_out attr:class="inline">
                    <button type="submit" class="link-button">{t!(i18n, sign_out)}</button>
                </ActionForm>
            }
            .into_any()
        }
        None => view! {
            <a href="/signin">{t!(i18n, sign_in)}</a>
            <a class="button small" href="/signup">{t!(i18n, sign_up)}</a>
        }
        .into_any(),
    };
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"W"</span>
                <span>{t!(i18n, brand)}</span>
            </a>
            // a disclosure, so that the menu opens on a phone without JavaScript; wide screens
            // show its content whether it is open or not (style/main.css)
            <details class="menu">
                <summary class="menu-button" data-testid="menu-button">
                    <span aria-hidden="true">"☰ "</span>{t!(i18n, menu)}
                </summary>
                <div class="menu-panel">
                    <nav aria-label=move || t_string!(i18n, nav_main)>
                        <ul class="nav">
                            <li><a href="/categories">{t!(i18n, nav_categories)}</a></li>
                            <li><a href="/my-votes">{t!(i18n, nav_my_votes)}</a></li>
                            <li><a href="/results">{t!(i18n, nav_results)}</a></li>
                            <li><a href="/receipt">{t!(i18n, nav_receipt)}</a></li>
                            <li><a href="/submit">{t!(i18n, nav_submit)}</a></li>
                            <li><a href="/submissions">{t!(i18n, nav_my_submissions)}</a></li>
                        </ul>
                    </nav>
                    <div class="account-box">{account}</div>
                </div>
            </details>
            {strip.map(|(e, now)| view! { <PhaseStrip edition=e now=now/> })}
        </header>
    }
}
