//! A project's submitted texts and fields, as the nominee page and the review sheet show them.

use leptos::prelude::*;

use crate::components::labels::category_label;
use crate::i18n::*;

/// A project's submitted texts (as submitted, in English) and fields.
#[component]
pub fn ProjectFields(n: wsis::nomination::NomineeDetail, #[prop(optional)] with_category: bool) -> impl IntoView {
    let i18n = use_i18n();
    let sdgs = n.sdgs.iter().map(|g| format!("SDG {g}")).collect::<Vec<_>>().join(", ");
    let category = with_category.then(|| view! {
        <dt>{t!(i18n, category)}</dt><dd>{n.category_code.clone()}": "{category_label(i18n, &n.category_slug, &n.category_name)}</dd>
    });
    view! {
        <section>
            <h2>{t!(i18n, short_description)}</h2>
            <p lang="en" dir="auto">{n.short_description.clone()}</p>
        </section>
        <dl class="fields">
            {category}
            <dt>{t!(i18n, action_line_linkage)}</dt><dd lang="en" dir="auto">{n.action_line_linkage.clone()}</dd>
            <dt>{t!(i18n, sdgs)}</dt><dd>{sdgs}</dd>
            <dt>{t!(i18n, impact_qualitative)}</dt><dd lang="en" dir="auto">{n.impact_qualitative.clone()}</dd>
            <dt>{t!(i18n, impact_quantitative)}</dt><dd lang="en" dir="auto">{n.impact_quantitative.clone()}</dd>
            <dt>{t!(i18n, partnerships)}</dt><dd lang="en" dir="auto">{n.partnerships.clone()}</dd>
            <dt>{t!(i18n, challenges)}</dt><dd lang="en" dir="auto">{n.challenges.clone()}</dd>
            <dt>{t!(i18n, website)}</dt><dd><a href=n.website.clone() rel="nofollow noopener">{n.website.clone()}</a></dd>
        </dl>
    }
}
