//! Secretariat pages for editions: the dashboard, a new edition, the edition editor.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use crate::components::labels::num;
use leptos::server::ServerAction;
use leptos::server_fn::ServerFn;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use wsis::edition::{EditionDetail, EditionView, NextAction, ScheduleForm};
use wsis::phase::{Milestone, PhaseKind};
use crate::components::labels::{geneva, utc};
use wsis::AppError;

use crate::api::editions::{
    admin_dashboard, admin_edition, admin_editions, DashboardData, CloneEdition, CreateEdition, MakeCurrent, SetRules,
    SetSchedule,
};
use crate::components::admin_nav::AdminNav;
use crate::components::notice::{ErrorBox, FormNotice};
use crate::components::phase::{milestone_name, phase_status, PhaseBanner, Timeline};
use crate::components::notice::field_error;
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

fn action_label(i18n: I18nContext<Locale>, action: &str) -> String {
    match action {
        "edition.create" => t_string!(i18n, history_create).to_string(),
        "edition.clone" => t_string!(i18n, history_clone).to_string(),
        "edition.schedule" => t_string!(i18n, history_schedule).to_string(),
        "edition.reopen" => t_string!(i18n, history_reopen).to_string(),
        "edition.rules" => t_string!(i18n, history_rules).to_string(),
        "edition.make_current" => t_string!(i18n, history_make_current).to_string(),
        "champions.compute" => t_string!(i18n, history_champions).to_string(),
        other => other.to_string(),
    }
}

/// The outcome of a form sent with JavaScript on: a notice or the refusal.
fn outcome<S>(action: ServerAction<S>, ok: String) -> impl Fn() -> Option<AnyView>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    crate::components::notice::result_line(action.value(), move |_| ok.clone())
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
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(d) => view! { <Dashboard d=d/> }.into_any(),
                }
            })}
        </Suspense>
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

#[component]
pub fn NewEditionPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateEdition>::new();
    let clone = ServerAction::<CloneEdition>::new();
    let editions = Resource::new(|| (), |_| admin_editions());
    let navigate = use_navigate();
    Effect::new(move |_| {
        let made = create.value().get().and_then(|r| r.ok()).or_else(|| clone.value().get().and_then(|r| r.ok()));
        if let Some(e) = made {
            navigate(&format!("/admin/editions/{}", e.year), Default::default());
        }
    });
    view! {
        <Title text=t_string!(i18n, admin_new_edition)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_new_edition)}</h1>
        <FormNotice/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match editions.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(list) => {
                        let latest = list.first().cloned();
                        let suggested = latest.as_ref().map(|e| e.year + 1).unwrap_or(2026);
                        view! {
                            {latest.map(|src| view! {
                                <section aria-labelledby="clone-heading">
                                    <h2 id="clone-heading">{t!(i18n, clone_heading)}</h2>
                                    <p>
                                        {t!(i18n, clone_intro)}" "
                                        <strong>{src.title.clone()}</strong>" → "<strong>{src.year + 1}</strong>
                                    </p>
                                    {outcome(clone, t_string!(i18n, edition_created).to_string())}
                                    <ActionForm action=clone attr:class="form">
                                        <input type="hidden" name="source" value=src.year/>
                                        <button type="submit" class="button" data-testid="clone-submit">{t!(i18n, clone_button)}</button>
                                    </ActionForm>
                                </section>
                            })}
                            <section aria-labelledby="create-heading">
                                <h2 id="create-heading">{t!(i18n, create_heading)}</h2>
                                <p class="hint">{t!(i18n, create_intro)}</p>
                                {outcome(create, t_string!(i18n, edition_created).to_string())}
                                <ActionForm action=create attr:class="form">
                                    <label>{t!(i18n, year)}
                                        <input type="number" name="year" required min="2000" max="2200" value=suggested/>
                                    </label>
                                    {field_error(create.value(), "year")}
                                    <label>{t!(i18n, edition_title)}
                                        <input type="text" name="title" required maxlength="200" value=format!("WSIS Prizes {suggested}")/>
                                    </label>
                                    {field_error(create.value(), "title")}
                                    <button type="submit" class="button" data-testid="create-submit">{t!(i18n, create_button)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let schedule = ServerAction::<SetSchedule>::new();
    let rules = ServerAction::<SetRules>::new();
    let current = ServerAction::<MakeCurrent>::new();
    let data = Resource::new(
        move || {
            (
                params.read().get("year").unwrap_or_default(),
                schedule.version().get(),
                rules.version().get(),
                current.version().get(),
            )
        },
        |(year, _, _, _)| admin_edition(year),
    );
    view! {
        <AdminNav/>
        <FormNotice/>
        {outcome(schedule, t_string!(i18n, schedule_saved).to_string())}
        {outcome(rules, t_string!(i18n, rules_saved).to_string())}
        {outcome(current, t_string!(i18n, made_current).to_string())}
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(d) => view! { <EditionEditor d=d schedule=schedule rules=rules current=current/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditionEditor(
    d: EditionDetail,
    schedule: ServerAction<SetSchedule>,
    rules: ServerAction<SetRules>,
    current: ServerAction<MakeCurrent>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = d.edition.clone();
    let year = e.year;
    let now = d.now;
    let voting_opened = now >= e.schedule.voting.opens;
    let champions_fixed = d.champions_computed_at.is_some();
    let form = ScheduleForm::from_schedule(&e.schedule);
    let instants = wsis::edition::schedule_instants(&e.schedule);
    let value_of = move |m: Milestone| -> String {
        match m {
            Milestone::Opens(PhaseKind::Submission) => form.submission_opens.clone(),
            Milestone::Closes(PhaseKind::Submission) => form.submission_closes.clone(),
            Milestone::Opens(PhaseKind::Screening) => form.screening_opens.clone(),
            Milestone::Closes(PhaseKind::Screening) => form.screening_closes.clone(),
            Milestone::Opens(PhaseKind::Voting) => form.voting_opens.clone(),
            Milestone::Closes(PhaseKind::Voting) => form.voting_closes.clone(),
            Milestone::Opens(PhaseKind::Review) => form.review_opens.clone(),
            Milestone::Closes(PhaseKind::Review) => form.review_closes.clone(),
            Milestone::Announcement => form.announcement.clone(),
        }
    };
    let inputs = instants
        .into_iter()
        .map(|(m, at)| {
            let name = m.key();
            let passed = at <= now;
            let id = format!("instant-{name}");
            view! {
                <label for=id.clone()>{milestone_name(i18n, m)}</label>
                <div>
                    <input type="datetime-local" id=id name=name.clone() required value=value_of(m)
                        aria-describedby=format!("{name}-utc")/>
                    " "
                    <span class="hint" id=format!("{name}-utc")>
                        {geneva(i18n, at)}" · "{utc(i18n, at)}
                        {passed.then(|| view! { " · "<strong data-testid=format!("passed-{name}")>{t!(i18n, instant_passed)}</strong> })}
                    </span>
                    " "
                    {field_error(schedule.value(), name)}
                </div>
            }
        })
        .collect_view();
    let r = e.rules;
    let current_box = if e.is_current {
        view! { <strong class="badge">{t!(i18n, current_edition)}</strong> }.into_any()
    } else {
        view! {
            <ActionForm action=current attr:class="inline">
                <input type="hidden" name="year" value=year/>
                <button type="submit" class="button small" data-testid="make-current">{t!(i18n, make_current)}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <Title text=e.title.clone()/>
        <h1>{e.title.clone()}" ("{e.year}")"</h1>
        <div data-testid="is-current">{current_box}</div>
        <p class="phase-now">
            <span class="phase-label">{t!(i18n, current_phase)}": "</span>
            <strong data-testid="current-phase">{phase_status(i18n, e.phase_at(now))}</strong>
        </p>
        <section aria-labelledby="edition-timeline-heading" data-testid="edition-timeline">
            <h2 id="edition-timeline-heading">{t!(i18n, timeline)}</h2>
            <Timeline edition=e.clone() now=now/>
        </section>

        <section aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{t!(i18n, schedule_heading)}</h2>
            <p class="hint">{t!(i18n, schedule_intro)}</p>
            // Two columns (label, field) from the shared `.fields` grid.
            <ActionForm action=schedule attr:class="fields" attr:data-testid="schedule-form">
                <input type="hidden" name="year" value=year/>
                {inputs}
                <label for="reopen">{t!(i18n, reopen_legend)}</label>
                <div>
                    <input type="checkbox" id="reopen" name="reopen" value="true" aria-describedby="reopen-hint"/>
                    " "<span class="hint" id="reopen-hint">{t!(i18n, reopen_label)}" — "{t!(i18n, reopen_intro)}</span>
                </div>
                <label for="reason">{t!(i18n, reopen_reason)}</label>
                <div>
                    <textarea id="reason" name="reason" maxlength="500" rows="2" cols="50"></textarea>
                    " "{field_error(schedule.value(), "reason")}
                </div>
                <span></span>
                <div><button type="submit" class="button" data-testid="schedule-submit">{t!(i18n, save_schedule)}</button></div>
            </ActionForm>
        </section>

        <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">{t!(i18n, rules_heading)}</h2>
            <ActionForm action=rules attr:class="fields" attr:data-testid="rules-form">
                <input type="hidden" name="year" value=year/>
                <label for="champions_per_category">{t!(i18n, rule_champions)}</label>
                <div>
                    <input type="number" id="champions_per_category" name="champions_per_category" min="1" max="20" required
                        value=r.champions_per_category readonly=champions_fixed/>
                    " "{champions_fixed.then(|| view! { <span class="hint">{t!(i18n, rule_champions_fixed)}</span> })}
                    {field_error(rules.value(), "champions_per_category")}
                </div>
                <label for="complete_ballot">{t!(i18n, rule_complete_ballot)}</label>
                <div>
                    // A disabled box is not posted: the hidden field keeps the fixed value.
                    {(voting_opened && r.complete_ballot).then(|| view! { <input type="hidden" name="complete_ballot" value="true"/> })}
                    <input type="checkbox" id="complete_ballot" name="complete_ballot" value="true"
                        checked=r.complete_ballot disabled=voting_opened/>
                    " "{voting_opened.then(|| view! { <span class="hint">{t!(i18n, rule_complete_ballot_fixed)}</span> })}
                </div>
                <label for="submissions_per_entity">{t!(i18n, rule_submissions)}</label>
                <div>
                    <input type="number" id="submissions_per_entity" name="submissions_per_entity" min="1" max="10" required
                        value=r.submissions_per_entity/>
                    " "{field_error(rules.value(), "submissions_per_entity")}
                </div>
                <label for="max_winners_per_category">{t!(i18n, rule_winners)}</label>
                <div>
                    <input type="number" id="max_winners_per_category" name="max_winners_per_category" min="1" max="5" required
                        value=r.max_winners_per_category/>
                    " "{field_error(rules.value(), "max_winners_per_category")}
                </div>
                <label for="experts_see_scores">{t!(i18n, rule_experts_see_scores)}</label>
                <div><input type="checkbox" id="experts_see_scores" name="experts_see_scores" value="true" checked=r.experts_see_scores/></div>
                <label for="publish_vote_counts">{t!(i18n, rule_publish_vote_counts)}</label>
                <div><input type="checkbox" id="publish_vote_counts" name="publish_vote_counts" value="true" checked=r.publish_vote_counts/></div>
                <label for="friction_votes_per_address">{t!(i18n, rule_friction_votes_address)}</label>
                <div>
                    <input type="number" id="friction_votes_per_address" name="friction_votes_per_address" min="1" max="1000000" required
                        value=r.friction_votes_per_address/>
                    " "{field_error(rules.value(), "friction_votes_per_address")}
                </div>
                <label for="friction_votes_per_network">{t!(i18n, rule_friction_votes_network)}</label>
                <div>
                    <input type="number" id="friction_votes_per_network" name="friction_votes_per_network" min="1" max="1000000" required
                        value=r.friction_votes_per_network/>
                    " "{field_error(rules.value(), "friction_votes_per_network")}
                </div>
                <label for="friction_sign_ins_per_address">{t!(i18n, rule_friction_sign_ins)}</label>
                <div>
                    <input type="number" id="friction_sign_ins_per_address" name="friction_sign_ins_per_address" min="1" max="1000000" required
                        value=r.friction_sign_ins_per_address/>
                    " "{field_error(rules.value(), "friction_sign_ins_per_address")}
                    <span class="hint">{t!(i18n, rule_friction_hint)}</span>
                </div>
                <span></span>
                <div><button type="submit" class="button" data-testid="rules-submit">{t!(i18n, save_rules)}</button></div>
            </ActionForm>
        </section>

        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, history_heading)}</h2>
            {if d.history.is_empty() {
                view! { <p>{t!(i18n, history_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="history">
                        <thead><tr>
                            <th scope="col">{t!(i18n, history_when)}</th>
                            <th scope="col">{t!(i18n, history_what)}</th>
                            <th scope="col">{t!(i18n, history_who)}</th>
                            <th scope="col">{t!(i18n, reopen_reason)}</th>
                        </tr></thead>
                        <tbody>
                            {d.history.into_iter().map(|h| view! {
                                <tr>
                                    <td><time datetime=h.at.to_rfc3339()>{geneva(i18n, h.at)}</time></td>
                                    <td>{action_label(i18n, &h.action)}</td>
                                    <td>{h.actor.unwrap_or_default()}</td>
                                    <td>{h.reason.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
