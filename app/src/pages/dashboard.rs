//! `/admin`: the secretariat's dashboard — the current edition, its next action, its
//! counts and timeline, and every edition.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use wsis::edition::{EditionView, NextAction};

use crate::api::editions::{admin_dashboard, DashboardData};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::num;
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::phase::{phase_status, PhaseBanner, Timeline};
use crate::i18n::*;

fn next_action_text(i18n: I18nContext<Locale>, a: NextAction) -> String {
    match a {
        NextAction::PrepareEdition => t_string!(i18n, next_prepare_edition),
        NextAction::FollowSubmissions => t_string!(i18n, next_follow_submissions),
        NextAction::ScreenSubmissions => t_string!(i18n, next_screen_submissions),
        NextAction::CheckBallot => t_string!(i18n, next_check_ballot),
        NextAction::MonitorVoting => t_string!(i18n, next_monitor_voting),
        NextAction::ComputeChampions => t_string!(i18n, next_compute_champions),
        NextAction::FollowReview => t_string!(i18n, next_follow_review),
        NextAction::ReleaseResults => t_string!(i18n, next_release_results),
        NextAction::PrepareNextEdition => t_string!(i18n, next_prepare_next_edition),
    }
    .to_string()
}

/// Where the next action is done, when the platform has a page for it.
fn next_action_href(a: NextAction, year: i32) -> Option<String> {
    match a {
        NextAction::PrepareEdition => Some(format!("/admin/editions/{year}")),
        NextAction::MonitorVoting => Some("/admin/audit".into()),
        NextAction::ComputeChampions => Some("/admin/champions".into()),
        NextAction::PrepareNextEdition => Some("/admin/editions/new".into()),
        _ => None,
    }
}

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <Title text=t_string!(i18n, admin_dashboard)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_dashboard)}</h1>
        <FormNotice/>
        <Loaded data let:d>
            <Dashboard d/>
        </Loaded>
    }
}

#[component]
fn Dashboard(d: DashboardData) -> impl IntoView {
    let i18n = use_i18n();
    let now = d.now;
    let current = match d.current.clone() {
        None => view! {
            <p>{t!(i18n, no_edition)}" "<a href="/admin/editions/new">{t!(i18n, admin_new_edition)}</a></p>
        }
        .into_any(),
        Some(e) => {
            let year = e.year;
            view! {
                <section aria-labelledby="current-heading" data-testid="current-edition">
                    <h2 id="current-heading">{t!(i18n, current_edition)}": "{e.title.clone()}</h2>
                    <PhaseBanner edition=e.clone() now=now/>
                    {d.release_waiting.clone().map(|w| view! { <p class="error" role="alert" data-testid="release-waiting">{w}</p> })}
                    {d.next_action.map(|a| view! {
                        <p class="next-action" data-testid="next-action" data-action=a.key()>
                            <strong>{t!(i18n, next_action)}": "</strong>{next_action_text(i18n, a)}
                            {next_action_href(a, year).map(|href| view! { " "<a href=href>{t!(i18n, next_action_open)}</a> })}
                        </p>
                    })}
                    <dl class="fields" data-testid="counts">
                        <dt>{t!(i18n, count_submissions)}</dt><dd data-testid="count-submissions">{num(i18n, d.counts.submissions)}</dd>
                        <dt>{t!(i18n, count_nominees)}</dt><dd data-testid="count-nominees">{num(i18n, d.counts.nominees)}</dd>
                        <dt>{t!(i18n, count_votes)}</dt><dd data-testid="count-votes">{num(i18n, d.counts.votes)}</dd>
                        <dt>{t!(i18n, count_reviews)}</dt><dd data-testid="count-reviews">{num(i18n, d.counts.reviews)}</dd>
                    </dl>
                    <h3>{t!(i18n, timeline)}</h3>
                    <Timeline edition=e now=now/>
                    <p><a class="button small" href=format!("/admin/editions/{year}")>{t!(i18n, edit_edition)}</a></p>
                </section>
            }
            .into_any()
        }
    };
    view! {
        {current}
        <section aria-labelledby="editions-heading">
            <h2 id="editions-heading">{t!(i18n, admin_editions)}</h2>
            <p><a class="button small" href="/admin/editions/new">{t!(i18n, admin_new_edition)}</a></p>
            <EditionTable editions=d.editions now=now/>
        </section>
        <section aria-labelledby="chain-heading" data-testid="audit-head">
            <h2 id="chain-heading">{t!(i18n, audit_chain)}</h2>
            <p>{t!(i18n, audit_chain_hint, count = num(i18n, d.audit_head.0.max(0) as u64))}</p>
            <p><code class="hash" lang="en" dir="ltr" data-testid="audit-head-hash">{d.audit_head.1.clone()}</code></p>
        </section>
    }
}

#[component]
fn EditionTable(editions: Vec<EditionView>, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="editions">
            <thead><tr>
                <th scope="col">{t!(i18n, year)}</th>
                <th scope="col">{t!(i18n, edition_title)}</th>
                <th scope="col">{t!(i18n, current_phase)}</th>
                <th scope="col">{t!(i18n, current_edition)}</th>
            </tr></thead>
            <tbody>
                {editions.into_iter().map(|e| {
                    let href = format!("/admin/editions/{}", e.year);
                    view! {
                        <tr data-year=e.year>
                            <td><a href=href>{e.year}</a></td>
                            <td>{e.title.clone()}</td>
                            <td>{phase_status(i18n, e.phase_at(now))}</td>
                            <td>{if e.is_current { t_string!(i18n, yes) } else { t_string!(i18n, no) }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
