use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::catalog::{get_ballot, BallotData};
use crate::components::labels::category_label;
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::phase::PhaseBanner;
use crate::i18n::*;

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_ballot());
    view! {
        <Title text=t_string!(i18n, categories_title)/>
        <h1>{t!(i18n, categories_title)}</h1>
        <FormNotice/>
        <Loaded data let:d>
            <Ballot d/>
        </Loaded>
    }
}

/// The 18 categories with the visitor's progress and choices.
#[component]
fn Ballot(d: BallotData) -> impl IntoView {
    let i18n = use_i18n();
    let total = d.lines.len();
    view! {
        {d.edition.clone().map(|e| view! { <PhaseBanner edition=e now=d.now/> })}
        {d.edition.as_ref().is_some_and(|e| e.rules.complete_ballot).then(|| view! {
            <p class="notice" role="note" data-testid="complete-ballot">{t!(i18n, complete_ballot_rule)}</p>
        })}
        {if d.signed_in {
            view! {
                <p class="progress" data-testid="vote-progress">{t!(i18n, voted_in, done = d.voted, total = total)}</p>
                <progress max=total value=d.voted aria-hidden="true"></progress>
            }
            .into_any()
        } else {
            view! { <p class="hint">{t!(i18n, sign_in_to_vote)}" "<a href="/signin">{t!(i18n, sign_in)}</a></p> }.into_any()
        }}
        <ul class="category-grid">
            {d.lines.into_iter().map(|l| view! {
                <li class="card" class:voted=l.choice.is_some()>
                    <h2><a href=format!("/categories/{}", l.category_slug)>{l.category_code.clone()}</a></h2>
                    <p>{category_label(i18n, &l.category_slug, &l.category_name)}</p>
                    <p class="meta">{l.nominees}" "{t!(i18n, nominees_word)}</p>
                    {l.choice_title.clone().map(|t| view! { <p class="choice">"✓ "{t!(i18n, your_vote)}": "<span lang="en" dir="auto">{t}</span></p> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
