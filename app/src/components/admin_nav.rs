use leptos::prelude::*;

use crate::i18n::*;

/// Links between the secretariat's pages.
#[component]
pub fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="admin-nav" aria-label=move || t_string!(i18n, admin_nav)>
            <a href="/admin">{t!(i18n, admin_dashboard_link)}</a>
            <a href="/admin/accounts">{t!(i18n, admin_accounts)}</a>
            <a href="/admin/tally">{t!(i18n, admin_tally)}</a>
            <a href="/admin/audit">{t!(i18n, admin_audit)}</a>
            <a href="/admin/champions">{t!(i18n, admin_champions)}</a>
            <a href="/admin/screening">{t!(i18n, admin_screening)}</a>
            <a href="/admin/review">{t!(i18n, admin_review)}</a>
            <a href="/admin/mail">{t!(i18n, admin_mail)}</a>
            <a href="/admin/broadcasts">{t!(i18n, admin_broadcasts)}</a>
        </nav>
    }
}
