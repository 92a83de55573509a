use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{t!(i18n, footer_text)}</p>
        </footer>
    }
}
