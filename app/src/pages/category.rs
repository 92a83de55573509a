//! `/categories/:slug`: one category's nominees, searchable, with the vote call.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;
use wsis::ballot::BallotOrder;
use wsis::category::NomineeFilter;
use wsis::nomination::{NomineeCard, Region, StakeholderType};

use crate::api::catalog::{get_category, CategoryData};
use crate::components::labels::{category_label, region_name, stakeholder_name};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                params.read().get("slug").unwrap_or_default(),
                NomineeFilter { q: get("q"), region: get("region"), country: get("country"), stakeholder: get("stakeholder") },
                get("order"),
            )
        },
        |(slug, filter, order)| get_category(slug, filter, order),
    );
    view! {
        <Loaded data let:d>
            <Category d/>
        </Loaded>
    }
}

#[component]
fn Category(d: CategoryData) -> impl IntoView {
    let i18n = use_i18n();
    let voting = d.edition.phase_at(d.now) == wsis::phase::Phase::Open(wsis::phase::PhaseKind::Voting);
    let count = d.nominees.len();
    let choice = d.my_choice.clone();
    view! {
        <Title text=format!("{} — {}", d.category.code, d.edition.title)/>
        <crate::components::share_card::ShareCard
            title=format!("{} {} — {}", d.category.code, category_label(i18n, &d.category.slug, &d.category.name), d.edition.title)
            description=t_string!(i18n, category_card).to_string().replace("[count]", &crate::components::labels::num(i18n, d.category.nominees))
            path=format!("/categories/{}", d.category.slug)/>
        <nav class="breadcrumb" aria-label=move || t_string!(i18n, breadcrumb)>
            <a href="/categories">{t_string!(i18n, categories_title)}</a>" › "{d.category.code.clone()}
        </nav>
        <h1>{d.category.code.clone()}": "{category_label(i18n, &d.category.slug, &d.category.name)}</h1>
        <FormNotice/>
        {match choice.clone() {
            Some((id, title)) => view! {
                <p class="notice" data-testid="my-choice">
                    "✓ "{t_string!(i18n, you_voted_for)}" "
                    <a href=format!("/nominees/{id}") lang="en" dir="auto">{title}</a>". "
                    {t_string!(i18n, votes_are_final)}
                </p>
            }
            .into_any(),
            None if voting => view! { <p class="hint">{t_string!(i18n, choose_one)}</p> }.into_any(),
            None => view! { <p class="hint">{t_string!(i18n, voting_not_open)}</p> }.into_any(),
        }}
        <Filters filter=d.filter countries=d.countries order=d.order/>
        <p class="meta" data-testid="result-count">{t!(i18n, showing_nominees, count = count)}</p>
        {(d.order == BallotOrder::Shuffled).then(|| view! { <p class="hint" data-testid="ballot-order">{t_string!(i18n, ballot_order_hint)}</p> })}
        <ul class="nominee-list">
            {d.nominees.into_iter().map(|n| {
                let chosen = choice.as_ref().is_some_and(|c| c.0 == n.id);
                view! { <Card n chosen can_vote=voting && choice.is_none()/> }
            }).collect_view()}
        </ul>
    }
}

/// The search form (a GET form: it works without JavaScript and its answer has a link).
#[component]
fn Filters(filter: NomineeFilter, countries: Vec<String>, order: BallotOrder) -> impl IntoView {
    let i18n = use_i18n();
    let f = filter;
    view! {
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
                    {countries.iter().map(|c| view! {
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
            <label>{t_string!(i18n, order_label)}" "
                <select name="order">
                    <option value="" selected=order == BallotOrder::Shuffled>{t_string!(i18n, order_random)}</option>
                    <option value=BallotOrder::Alphabetical.key() selected=order == BallotOrder::Alphabetical>{t_string!(i18n, order_alpha)}</option>
                </select>
            </label>
            <button type="submit">{t_string!(i18n, filter)}</button>
        </form>
    }
}

/// One nominee of the list, with the vote call while the visitor may vote.
#[component]
fn Card(n: NomineeCard, chosen: bool, can_vote: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id: Uuid = n.id;
    let href = format!("/nominees/{id}");
    view! {
        <li class="card nominee" class:chosen=chosen data-testid="nominee-card">
            <h2><a href=href.clone() lang="en" dir="auto">{n.title.clone()}</a></h2>
            <p class="meta">
                <span lang="en" dir="auto">{n.organisation.clone()}</span>" · "{n.country.clone()}" · "
                {region_name(i18n, n.region)}" · "{stakeholder_name(i18n, n.stakeholder_type)}
            </p>
            <p lang="en" dir="auto">{n.excerpt.clone()}</p>
            {chosen.then(|| view! { <p class="choice">"✓ "{t_string!(i18n, your_vote)}</p> })}
            {can_vote.then(|| view! { <a class="button" href=format!("{href}?confirm=1")>{t_string!(i18n, vote_for_this)}</a> })}
        </li>
    }
}
