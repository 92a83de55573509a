use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::catalog::{get_home, HomeData, PastEdition};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::phase::{PhaseBanner, Timeline};
use crate::i18n::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_home());
    view! {
        <Loaded data let:d>
            <FormNotice/>
            <Hero d=d.clone()/>
            <PastEditions past=d.past/>
        </Loaded>
    }
}

/// The current edition: its title, the call to vote while voting is open, its phase.
#[component]
fn Hero(d: HomeData) -> impl IntoView {
    let i18n = use_i18n();
    let Some(e) = d.edition else {
        return view! {
            <Title text=t_string!(i18n, home_title)/>
            <h1>{t!(i18n, home_title)}</h1>
            <p>{t!(i18n, no_edition)}</p>
        }
        .into_any();
    };
    let voting = e.phase_at(d.now) == wsis::phase::Phase::Open(wsis::phase::PhaseKind::Voting);
    let title = e.title.clone();
    view! {
        <Title text=title.clone()/>
        <section class="hero">
            <h1>{title}</h1>
            <p class="lead">{t!(i18n, home_lead)}</p>
            <p class="stats">
                <span data-testid="nominee-count">{d.nominees}</span>" "{t!(i18n, nominees_in)}" "
                <span>{d.categories}</span>" "{t!(i18n, categories_word)}
            </p>
            {voting.then(|| view! { <p><a class="button big" href="/categories">{t!(i18n, vote_now)}</a></p> })}
        </section>
        <PhaseBanner edition=e.clone() now=d.now/>
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t!(i18n, timeline)}</h2>
            <Timeline edition=e now=d.now/>
        </section>
    }
    .into_any()
}

/// Earlier editions, with their winners once released.
#[component]
fn PastEditions(past: Vec<PastEdition>) -> impl IntoView {
    let i18n = use_i18n();
    (!past.is_empty()).then(|| view! {
        <section aria-labelledby="past-heading">
            <h2 id="past-heading">{t!(i18n, past_editions)}</h2>
            <ul>
                {past.into_iter().map(|p| view! {
                    <li>
                        {if p.results_public {
                            view! { <a href=format!("/results/{}", p.year)>{p.title.clone()}" ("{p.year}")"</a> }.into_any()
                        } else {
                            view! { <span>{p.title.clone()}" ("{p.year}")"</span> }.into_any()
                        }}
                        {(!p.winners.is_empty()).then(|| view! {
                            <ul class="winners">{p.winners.iter().map(|w| view! { <li lang="en" dir="auto">"★ "{w.clone()}</li> }).collect_view()}</ul>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    })
}
