use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use wsis::paging::Place;

use crate::components::labels::num;
use crate::i18n::*;

/// Links to the previous and next page of a long list (`?page=`, the other parameters of
/// the address kept), with the page's place in the list.
#[component]
pub fn Pager(place: Place) -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let link = move |n: u64| {
        let mut params = q.get_untracked();
        params.replace("page", n.to_string());
        params.to_query_string()
    };
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pages_nav) data-testid="pager">
            {place.has_previous().then(|| view! { <a href=link(place.page - 1) rel="prev" data-testid="previous-page">{t!(i18n, previous_page)}</a> })}
            <span data-testid="page-of">{t!(i18n, page_of, page = num(i18n, place.page), pages = num(i18n, place.pages), total = num(i18n, place.total))}</span>
            {place.has_next().then(|| view! { <a href=link(place.page + 1) rel="next" data-testid="next-page">{t!(i18n, next_page)}</a> })}
        </nav>
    }
}
