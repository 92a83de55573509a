//! Public results (after release; admins and announcers before), the printable Success
//! Stories and certificates.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use wsis::results::{bar_chart_svg, CategoryResult, ResultsView};

use crate::api::results::get_results;
use crate::components::labels::{category_label, geneva, num};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;

fn year_param() -> impl Fn() -> String + Copy {
    let params = use_params_map();
    move || params.read().get("year").unwrap_or_default()
}

/// Loads the results and renders `body` with them (or the refusal).
fn with_results<V: IntoView + 'static>(body: impl Fn(ResultsView) -> V + Copy + Send + Sync + 'static) -> impl IntoView {
    let data = Resource::new(year_param(), get_results);
    view! { <Loaded data let:v>{body(v)}</Loaded> }
}

/// `/results` and `/results/:year`.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    with_results(move |v: ResultsView| {
        let y = v.year;
        view! {
            <Title text=format!("{} — {}", t_string!(i18n, results_title), v.title)/>
            <crate::components::share_card::ShareCard
                title=format!("{} — {}", t_string!(i18n, results_title), v.title)
                description=if v.released { t_string!(i18n, results_card_released).to_string() } else { t_string!(i18n, results_card_pending).to_string() }
                path=format!("/results/{y}") site=v.title.clone()/>
            <h1>{t!(i18n, results_title)}" — "{v.title.clone()}</h1>
            <FormNotice/>
            {if v.released {
                view! { <p data-testid="released">{t!(i18n, released_on)}" "{v.released_at.map(|t| geneva(i18n, t)).unwrap_or_default()}" "{t!(i18n, geneva_time)}</p> }.into_any()
            } else {
                view! { <p class="error" role="status" data-testid="embargoed">{t!(i18n, embargoed_note)}</p> }.into_any()
            }}
            <nav class="exports" aria-label=move || t_string!(i18n, downloads)>
                <h2>{t!(i18n, downloads)}</h2>
                <ul>
                    <li><a href=format!("/results/{y}/export.csv") download rel="external" data-testid="export-csv">"CSV"</a></li>
                    <li><a href=format!("/results/{y}/export.json") download rel="external">"JSON"</a></li>
                    <li><a href=format!("/results/{y}/export.xlsx") download rel="external">"XLSX"</a></li>
                    <li><a href=format!("/results/{y}/stories") rel="external">{t!(i18n, success_stories)}</a></li>
                    <li><a href=format!("/results/{y}/certificates") rel="external">{t!(i18n, certificates)}</a></li>
                </ul>
            </nav>
            {v.categories.into_iter().map(|c| view! { <CategoryResults c=c publish=v.publish_vote_counts/> }).collect_view()}
            <section aria-labelledby="verify-heading">
                <h2 id="verify-heading">{t!(i18n, verify_heading)}</h2>
                <p>{t!(i18n, verify_text)}</p>
                <ul>
                    <li><a href=format!("/results/{y}/ledger.json") download rel="external">{t!(i18n, vote_ledger)}</a></li>
                    <li><a href=format!("/results/{y}/digest.json") download rel="external">{t!(i18n, tally_digest)}</a></li>
                    <li><a href="/receipt">{t!(i18n, nav_receipt)}</a></li>
                </ul>
                <pre><code>{format!("wsis-server verify --ledger wsis-prizes-{y}-ledger.json --digest wsis-prizes-{y}-digest.json")}</code></pre>
            </section>
        }
    })
}

#[component]
fn CategoryResults(c: CategoryResult, publish: bool) -> impl IntoView {
    let i18n = use_i18n();
    let chart_title = format!("{} — {} {}", c.code, t_string!(i18n, valid_votes_per_nominee), category_label(i18n, &c.slug, &c.name));
    let svg = bar_chart_svg(&chart_title, &c.votes);
    let has_votes = publish && !c.votes.is_empty();
    view! {
        <section class="category-results" data-testid=format!("results-{}", c.slug)>
            <h2>{c.code.clone()}" — "{category_label(i18n, &c.slug, &c.name)}</h2>
            {c.champions.is_empty().then(|| view! { <p class="hint">{t!(i18n, no_champions)}</p> })}
            <ol class="champions">
                {c.champions.into_iter().map(|l| view! {
                    <li class=if l.winner { "winner" } else { "champion" }>
                        <strong>{if l.winner { t_string!(i18n, winner_label) } else { t_string!(i18n, champion_label) }}</strong>": "
                        <a href=format!("/nominees/{}", l.nominee) lang="en" dir="auto">{l.title}</a>
                        " — "<span lang="en" dir="auto">{l.organisation}</span>", "{l.country}
                        {l.valid_votes.map(|n| format!(" — {} {}", num(i18n, n), t_string!(i18n, votes_word)))}
                    </li>
                }).collect_view()}
            </ol>
            {has_votes.then(|| {
                let rows = c.votes.clone();
                view! {
                    <figure class="chart">
                        <div inner_html=svg></div>
                        <figcaption>
                            <details>
                                <summary>{t!(i18n, votes_as_table)}</summary>
                                <table class="table">
                                    <thead><tr><th>{t!(i18n, project)}</th><th>{t!(i18n, votes_word)}</th></tr></thead>
                                    <tbody>{rows.into_iter().map(|(t, n)| view! { <tr><td lang="en" dir="auto">{t}</td><td>{num(i18n, n)}</td></tr> }).collect_view()}</tbody>
                                </table>
                            </details>
                        </figcaption>
                    </figure>
                }
            })}
        </section>
    }
}

/// `/results/:year/stories`: one champion per printed page, with its description.
#[component]
pub fn StoriesPage() -> impl IntoView {
    let i18n = use_i18n();
    with_results(move |v: ResultsView| {
        view! {
            <Title text=format!("{} {}", t_string!(i18n, success_stories), v.year)/>
            <h1 class="no-print-break">{t!(i18n, success_stories)}" — "{v.title.clone()}</h1>
            <p class="no-print"><button type="button" class="button" onclick="window.print()">{t!(i18n, print)}</button></p>
            {v.categories.into_iter().flat_map(|c| {
                let (code, name) = (c.code.clone(), category_label(i18n, &c.slug, &c.name));
                c.champions.into_iter().map(move |l| view! {
                    <article class="story print-page" data-testid="story">
                        <p class="meta">{code.clone()}" — "{name.clone()}" · "{if l.winner { t_string!(i18n, winner_label) } else { t_string!(i18n, champion_label) }}</p>
                        <h2 lang="en" dir="auto">{l.title}</h2>
                        <p class="meta"><span lang="en" dir="auto">{l.organisation}</span>", "{l.country}</p>
                        <p lang="en" dir="auto">{l.short_description}</p>
                    </article>
                }).collect::<Vec<_>>()
            }).collect_view()}
        }
    })
}

/// `/results/:year/certificates`: one printable certificate per winner and champion.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    let i18n = use_i18n();
    with_results(move |v: ResultsView| {
        let (year, title) = (v.year, v.title.clone());
        view! {
            <Title text=format!("{} {}", t_string!(i18n, certificates), v.year)/>
            <p class="no-print"><button type="button" class="button" onclick="window.print()">{t!(i18n, print)}</button></p>
            {v.categories.into_iter().flat_map(|c| {
                let (code, name, title) = (c.code.clone(), category_label(i18n, &c.slug, &c.name), title.clone());
                c.champions.into_iter().map(move |l| view! {
                    <section class="certificate print-page" id=format!("n-{}", l.nominee) data-testid="certificate">
                        <p class="cert-brand">{t!(i18n, brand)}" "{year}</p>
                        <h2>{if l.winner { t_string!(i18n, certificate_winner) } else { t_string!(i18n, certificate_champion) }}</h2>
                        <p class="cert-project" lang="en" dir="auto">{l.title}</p>
                        <p lang="en" dir="auto">{l.organisation}", "{l.country}</p>
                        <p>{t!(i18n, category)}" "{code.clone()}" — "{name.clone()}</p>
                        <p class="meta">{title.clone()}</p>
                    </section>
                }).collect::<Vec<_>>()
            }).collect_view()}
        }
    })
}
