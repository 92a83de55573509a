use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::labels::num;
use crate::i18n::*;

/// Links to the previous and next page of a long list (`?page=`, the other parameters of
/// the address kept), with the page's place in the list.
#[component]
pub fn Pager(page: u64, pages: u64, total: u64) -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let link = move |n: u64| {
        let mut params = q.get_untracked();
        params.replace("page", n.to_string());
        params.to_query_string()
    };
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pages_nav) data-testid="pager">
            {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev" data-testid="previous-page">{t!(i18n, previous_page)}</a> })}
            <span data-testid="page-of">{t!(i18n, page_of, page = num(i18n, page), pages = num(i18n, pages), total = num(i18n, total))}</span>
            {(page < pages).then(|| view! { <a href=link(page + 1) rel="next" data-testid="next-page">{t!(i18n, next_page)}</a> })}
        </nav>
    }
}
