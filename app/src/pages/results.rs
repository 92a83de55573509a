//! Public results (after release; admins and announcers before), the printable Success
//! Stories and certificates.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use wsis::results::{bar_chart_svg, CategoryResult, ResultsView};

use crate::api::results::get_results;
use crate::components::labels::{category_label, geneva, not_counted_label, num};
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

/// `/results` and `/results/:year`: the results (once released), and from the close of
/// voting the commitment of the votes cast.
#[component]
pub fn ResultsPage() -> impl IntoView {
    view! { <ResultsBody/> <CommitmentSection/> }
}

/// The commitment published at the close of voting, for everybody, released or not; after
/// the release, the account of every category (committed − not counted = counted) and the
/// bulletin with the verifier that checks it.
#[component]
fn CommitmentSection() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(year_param(), crate::api::results::get_commitment);
    let accounts = Resource::new(year_param(), crate::api::results::published_accounts);
    view! {
        <Loaded data let:c>
            {c.map(|c| {
                let y = c.edition;
                view! {
                <section aria-labelledby="commitment-heading" data-testid="commitment">
                    <h2 id="commitment-heading">{t!(i18n, commitment_heading)}</h2>
                    <p>{t!(i18n, commitment_intro, time = format!("{} {}", geneva(i18n, c.committed_at), t_string!(i18n, geneva_time)))}</p>
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{t!(i18n, category)}</th>
                                <th scope="col">{t!(i18n, count_votes)}</th>
                                <th scope="col">{t!(i18n, commitment_root)}</th>
                            </tr></thead>
                            <tbody>
                                {c.categories.into_iter().map(|r| view! {
                                    <tr data-testid="commitment-row">
                                        <td>{r.category}</td>
                                        <td>{num(i18n, r.votes)}</td>
                                        <td><code class="hash" lang="en" dir="ltr">{r.root}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    <Loaded data=accounts inline=true let:list>
                        {list.map(|list| view! { <Accounts list year=y/> })}
                    </Loaded>
                </section>
            }})}
        </Loaded>
    }
}

/// Committed − not counted (per reason category) = counted, per category, with the files.
#[component]
fn Accounts(list: Vec<wsis::bulletin::CategoryAccount>, year: i32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{t!(i18n, accounts_heading)}</h3>
        <p>{t!(i18n, accounts_intro)}</p>
        <table class="table" data-testid="accounts">
            <thead><tr>
                <th scope="col">{t!(i18n, category)}</th>
                <th scope="col">{t!(i18n, accounts_committed)}</th>
                <th scope="col">{t!(i18n, accounts_not_counted)}</th>
                <th scope="col">{t!(i18n, accounts_counted)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|a| view! {
                    <tr data-testid="account-row">
                        <td>{a.category}</td>
                        <td>{num(i18n, a.committed)}</td>
                        <td>{if a.not_counted.is_empty() {
                            "0".to_string()
                        } else {
                            a.not_counted.iter().map(|(r, n)| format!("{}: {}", not_counted_label(i18n, *r), num(i18n, *n))).collect::<Vec<_>>().join(" · ")
                        }}</td>
                        <td>{num(i18n, a.counted)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <ul>
            <li><a href=format!("/results/{year}/bulletin.json") download rel="external" data-testid="bulletin-link">{t!(i18n, bulletin_download)}</a></li>
            <li><a href="/verify/wsis_verify.py" download rel="external">{t!(i18n, bulletin_verifier)}</a>" "<code dir="ltr">"python3 wsis_verify.py wsis-prizes-"{year}"-bulletin.json"</code></li>
            <li><a href="/receipt">{t!(i18n, bulletin_receipt)}</a></li>
        </ul>
    }
}

#[component]
fn ResultsBody() -> impl IntoView {
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
                    {v.released.then(|| view! { <li><a href=format!("/results/{y}/participation") data-testid="participation-link">{t!(i18n, participation_title)}</a></li> })}
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

/// `/results/:year/participation`: who voted and where from, and what the vote audit
/// removed; charts drawn on the server beside their tables (after release only).
#[component]
pub fn ParticipationPage() -> impl IntoView {
    use wsis::nomination::{Region, StakeholderType};
    use wsis::participation::{AreaFigures, RemovalReason, NOT_STATED};
    let i18n = use_i18n();
    let data = Resource::new(year_param(), crate::api::results::get_participation);
    let region = move |k: &str| Region::parse(k).map(|r| crate::components::labels::region_name(i18n, r)).unwrap_or_else(|| t_string!(i18n, not_stated).to_string());
    let country = move |k: &str| if k == NOT_STATED { t_string!(i18n, not_stated).to_string() } else { k.to_string() };
    let stakeholder = move |k: &str| StakeholderType::parse(k).map(|s| crate::components::labels::stakeholder_name(i18n, s)).unwrap_or_else(|| k.to_string());
    let reason = move |r: RemovalReason| match r {
        RemovalReason::SharedOrigin => t_string!(i18n, removal_shared_origin),
        RemovalReason::Burst => t_string!(i18n, removal_burst),
        RemovalReason::NewAccounts => t_string!(i18n, removal_new_accounts),
        RemovalReason::Account => t_string!(i18n, removal_account),
        RemovalReason::AuditDecision => t_string!(i18n, removal_audit_decision),
    };
    // a chart and, beside it, its figures as a table
    let chart = move |id: &'static str, title: String, bars: Vec<(String, u64)>, head: String| {
        let svg = bar_chart_svg(&title, &bars);
        view! {
            <section class="participation" data-testid=id aria-label=title.clone()>
                <h2>{title.clone()}</h2>
                <figure class="chart"><div inner_html=svg></div></figure>
                <table class="table">
                    <thead><tr><th scope="col">{head}</th><th scope="col">{t!(i18n, number_word)}</th></tr></thead>
                    <tbody>{bars.into_iter().map(|(k, n)| view! { <tr><td>{k}</td><td>{num(i18n, n)}</td></tr> }).collect_view()}</tbody>
                </table>
            </section>
        }
    };
    let areas = move |id: &'static str, title: String, rows: Vec<AreaFigures>, regional: bool| {
        let name = move |k: &str| if regional { region(k) } else { country(k) };
        let bars: Vec<(String, u64)> = rows.iter().map(|a| (name(&a.area), a.voters)).collect();
        let svg = bar_chart_svg(&title, &bars);
        view! {
            <section class="participation" data-testid=id>
                <h2>{title.clone()}</h2>
                <figure class="chart"><div inner_html=svg></div></figure>
                <table class="table">
                    <thead><tr><th scope="col"></th><th scope="col">{t!(i18n, voters_word)}</th><th scope="col">{t!(i18n, votes_word)}</th></tr></thead>
                    <tbody>{rows.into_iter().map(|a| view! { <tr><td>{name(&a.area)}</td><td>{num(i18n, a.voters)}</td><td>{num(i18n, a.valid_votes)}</td></tr> }).collect_view()}</tbody>
                </table>
            </section>
        }
    };
    view! {
        <Loaded data let:p>
            {
                let y = p.year;
                let per_category: Vec<(String, u64)> = p.categories.iter().map(|c| (format!("{} — {}", c.code, category_label(i18n, &c.slug, "")), c.valid_votes)).collect();
                view! {
                    <Title text=format!("{} — {}", t_string!(i18n, participation_title), p.title)/>
                    <h1>{t!(i18n, participation_title)}" — "{p.title.clone()}</h1>
                    <p>{t!(i18n, participation_intro)}</p>
                    <dl class="totals" data-testid="participation-totals">
                        <dt>{t!(i18n, voters_word)}</dt><dd data-testid="total-voters">{num(i18n, p.voters)}</dd>
                        <dt>{t!(i18n, votes_word)}</dt><dd data-testid="total-valid">{num(i18n, p.valid_votes)}</dd>
                        <dt>{t!(i18n, removed_votes)}</dt><dd data-testid="total-removed">{num(i18n, p.removed_votes)}</dd>
                        <dt>{t!(i18n, nominees_word)}</dt><dd>{num(i18n, p.nominees)}</dd>
                    </dl>
                    <p><a href=format!("/results/{y}/participation.csv") download rel="external" data-testid="participation-csv">{t!(i18n, participation_csv)}</a>
                       " · "<a href=format!("/results/{y}")>{t!(i18n, results_title)}</a></p>
                    {chart("participation-categories", t_string!(i18n, votes_per_category).to_string(), per_category, t_string!(i18n, category).to_string())}
                    <section class="participation" data-testid="participation-removed">
                        <h2>{t!(i18n, removed_per_category)}</h2>
                        <table class="table">
                            <thead><tr><th scope="col">{t!(i18n, category)}</th><th scope="col">{t!(i18n, voters_word)}</th><th scope="col">{t!(i18n, votes_word)}</th><th scope="col">{t!(i18n, removed_votes)}</th><th scope="col">{t!(i18n, reason)}</th></tr></thead>
                            <tbody>{p.categories.iter().map(|c| view! {
                                <tr data-testid=format!("participation-{}", c.slug)>
                                    <td>{c.code.clone()}</td><td>{num(i18n, c.voters)}</td><td>{num(i18n, c.valid_votes)}</td><td>{num(i18n, c.removed_votes)}</td>
                                    <td>{c.reasons.iter().map(|(r, n)| format!("{} ({})", reason(*r), num(i18n, *n))).collect::<Vec<_>>().join(", ")}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                    {areas("participation-regions", t_string!(i18n, voters_by_region).to_string(), p.regions.clone(), true)}
                    {areas("participation-countries", t_string!(i18n, voters_by_country).to_string(), p.countries.clone(), false)}
                    {chart("participation-stakeholders", t_string!(i18n, nominees_by_stakeholder).to_string(),
                        p.nominees_by_stakeholder.iter().map(|(k, n)| (stakeholder(k), *n)).collect(), t_string!(i18n, stakeholder).to_string())}
                    {chart("participation-nominee-regions", t_string!(i18n, nominees_by_region).to_string(),
                        p.nominees_by_region.iter().map(|(k, n)| (region(k), *n)).collect(), t_string!(i18n, region).to_string())}
                }
            }
        </Loaded>
    }
}
