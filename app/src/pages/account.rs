use leptos::prelude::*;
use leptos_meta::Title;
use wsis::AppError;

use crate::components::notice::{ErrorBox, FormNotice};
use crate::i18n::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    // the account came with the page (see `ChromeData`)
    let user = expect_context::<crate::api::accounts::ChromeData>().user;
    view! {
        <Title text=t_string!(i18n, account_title)/>
        <FormNotice/>
        {match user {
                    Some(u) => view! {
                        <h1>{t!(i18n, account_title)}</h1>
                        <dl class="fields" data-testid="account-details">
                            <dt>{t!(i18n, display_name)}</dt><dd>{u.display_name.clone()}</dd>
                            <dt>{t!(i18n, email)}</dt><dd>{u.email.clone()}</dd>
                            <dt>{t!(i18n, organisation)}</dt><dd>{u.organisation.clone()}</dd>
                            <dt>{t!(i18n, country)}</dt><dd>{u.country.clone()}</dd>
                            <dt>{t!(i18n, email_confirmed)}</dt>
                            <dd>{if u.confirmed { t_string!(i18n, yes) } else { t_string!(i18n, no) }}</dd>
                            <dt>{t!(i18n, roles)}</dt>
                            <dd>{if u.roles.is_empty() { t_string!(i18n, voter_submitter).to_string() } else { u.roles.iter().map(|r| crate::components::labels::role_label(i18n, *r)).collect::<Vec<_>>().join(", ") }}</dd>
                        </dl>
                        {(!u.confirmed).then(|| view! { <p class="hint">{t!(i18n, confirm_to_vote)}" "<a href="/resend">{t!(i18n, resend_link)}</a></p> })}
                    }.into_any(),
                    None => view! { <ErrorBox error=AppError::Unauthenticated/> }.into_any(),
        }}
    }
}
