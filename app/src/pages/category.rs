use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use wsis::category::NomineeFilter;
use wsis::nomination::{Region, StakeholderType};

use crate::api::catalog::get_category;
use crate::components::notice::{ErrorBox, FormNotice};
use crate::components::labels::category_label;
use crate::i18n::*;
use crate::pages::nominee::{region_name, stakeholder_name};

#[component]
pub fn CategoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                params.read().get("slug").unwrap_or_default(),
                NomineeFilter { q: get("q"), region: get("region"), country: get("country"), stakeholder: get("stakeholder") },
            )
        },
        |(slug, filter)| get_category(slug, filter),
    );
    view! {
        <Suspense fallback=move || view! { <p>{t_string!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(d) => {
                        let voting = d.edition.phase_at(d.now) == wsis::phase::Phase::Open(wsis::phase::PhaseKind::Voting);
                        let f = d.filter.clone();
                        let count = d.nominees.len();
                        view! {
                            <Title text=format!("{} — {}", d.category.code, d.edition.title)/>
                            <nav class="breadcrumb" aria-label=move || t_string!(i18n, breadcrumb)>
                                <a href="/categories">{t_string!(i18n, categories_title)}</a>" › "{d.category.code.clone()}
                            </nav>
                            <h1>{d.category.code.clone()}": "{category_label(i18n, &d.category.slug, &d.category.name)}</h1>
                            <FormNotice/>
                            {match d.my_choice.clone() {
                                Some((id, title)) => view! {
                                    <p class="notice" data-testid="my-choice">
                                        "✓ "{t_string!(i18n, you_voted_for)}" "
                                        <a href=format!("/nominees/{id}") lang="en">{title}</a>". "
                                        {t_string!(i18n, votes_are_final)}
                                    </p>
                                }.into_any(),
                                None if voting => view! { <p class="hint">{t_string!(i18n, choose_one)}</p> }.into_any(),
                                None => view! { <p class="hint">{t_string!(i18n, voting_not_open)}</p> }.into_any(),
                            }}
                            <form method="get" class="filters" role="search">
                                <label>{t_string!(i18n, search)}" "
                                    <input type="search" name="q" value=f.q.clone()/>
                                </label>
                                <label>{t_string!(i18n, region)}" "
                                    <select name="region">
                                        <option value="">{t_string!(i18n, any)}</option>
                                        {Region::ALL.into_iter().map(|r| view! {
                                            <option value=r.key() selected=f.region == r.key()>{region_name(i18n, r)}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>{t_string!(i18n, country)}" "
                                    <select name="country">
                                        <option value="">{t_string!(i18n, any)}</option>
                                        {d.countries.iter().map(|c| view! {
                                            <option value=c.clone() selected=f.country == *c>{c.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>{t_string!(i18n, stakeholder)}" "
                                    <select name="stakeholder">
                                        <option value="">{t_string!(i18n, any)}</option>
                                        {StakeholderType::ALL.into_iter().map(|s| view! {
                                            <option value=s.key() selected=f.stakeholder == s.key()>{stakeholder_name(i18n, s)}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit">{t_string!(i18n, filter)}</button>
                            </form>
                            <p class="meta" data-testid="result-count">{t!(i18n, showing_nominees, count = count)}</p>
                            <ul class="nominee-list">
                                {d.nominees.into_iter().map(|n| {
                                    let href = format!("/nominees/{}", n.id);
                                    let chosen = d.my_choice.as_ref().is_some_and(|c| c.0 == n.id);
                                    let can_vote = voting && d.my_choice.is_none();
                                    view! {
                                        <li class="card nominee" class:chosen=chosen data-testid="nominee-card">
                                            <h2><a href=href.clone() lang="en">{n.title.clone()}</a></h2>
                                            <p class="meta">
                                                <span lang="en">{n.organisation.clone()}</span>" · "{n.country.clone()}" · "
                                                {region_name(i18n, n.region)}" · "{stakeholder_name(i18n, n.stakeholder_type)}
                                            </p>
                                            <p lang="en">{n.excerpt.clone()}</p>
                                            {chosen.then(|| view! { <p class="choice">"✓ "{t_string!(i18n, your_vote)}</p> })}
                                            {can_vote.then(|| view! {
                                                <a class="button" href=format!("{href}?confirm=1")>{t_string!(i18n, vote_for_this)}</a>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
