//! Secretariat pages for editions: a new edition, and the edition editor (schedule, rules,
//! history).

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos::server_fn::ServerFn;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use wsis::audit::AuditAction;
use wsis::edition::{EditionChange, EditionDetail, EditionView, ScheduleForm};
use wsis::phase::{Milestone, PhaseKind};
use wsis::AppError;

use crate::api::editions::{admin_edition, admin_editions, CloneEdition, CreateEdition, MakeCurrent, SetRules, SetSchedule};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{geneva, utc};
use crate::components::loaded::Loaded;
use crate::components::notice::{field_error, FormNotice};
use crate::components::phase::{milestone_name, phase_status, Timeline};
use crate::i18n::*;

fn action_label(i18n: I18nContext<Locale>, action: AuditAction) -> String {
    match action {
        AuditAction::EditionCreate => t_string!(i18n, history_create).to_string(),
        AuditAction::EditionClone => t_string!(i18n, history_clone).to_string(),
        AuditAction::EditionSchedule => t_string!(i18n, history_schedule).to_string(),
        AuditAction::EditionReopen => t_string!(i18n, history_reopen).to_string(),
        AuditAction::EditionRules => t_string!(i18n, history_rules).to_string(),
        AuditAction::EditionMakeCurrent => t_string!(i18n, history_make_current).to_string(),
        AuditAction::ChampionsCompute => t_string!(i18n, history_champions).to_string(),
        other => other.key().to_string(),
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
        <Loaded data=editions let:list>
            <NewEditionForms latest=list.first().cloned() create clone/>
        </Loaded>
    }
}

/// Cloning the latest edition a year on, or creating one from scratch.
#[component]
fn NewEditionForms(latest: Option<EditionView>, create: ServerAction<CreateEdition>, clone: ServerAction<CloneEdition>) -> impl IntoView {
    let i18n = use_i18n();
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
        <Loaded data let:d>
            <EditionEditor d schedule rules current/>
        </Loaded>
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
    let now = d.now;
    let current_box = if e.is_current {
        view! { <strong class="badge">{t!(i18n, current_edition)}</strong> }.into_any()
    } else {
        view! {
            <ActionForm action=current attr:class="inline">
                <input type="hidden" name="year" value=e.year/>
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
        <ScheduleSection e=e.clone() now schedule/>
        <RulesSection e now champions_fixed=d.champions_computed_at.is_some() rules/>
        <EditionHistory history=d.history/>
    }
}

/// The nine instants of the schedule, in Geneva time, with the reopening of a passed one.
#[component]
fn ScheduleSection(e: EditionView, now: chrono::DateTime<chrono::Utc>, schedule: ServerAction<SetSchedule>) -> impl IntoView {
    let i18n = use_i18n();
    let form = ScheduleForm::from_schedule(&e.schedule);
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
    let inputs = e.schedule.instants()
        .into_iter()
        .map(|(m, at)| {
            let name = m.key();
            let id = format!("instant-{name}");
            view! {
                <label for=id.clone()>{milestone_name(i18n, m)}</label>
                <div>
                    <input type="datetime-local" id=id name=format!("input[{name}]") required value=value_of(m)
                        aria-describedby=format!("{name}-utc")/>
                    " "
                    <span class="hint" id=format!("{name}-utc")>
                        {geneva(i18n, at)}" · "{utc(i18n, at)}
                        {(at <= now).then(|| view! { " · "<strong data-testid=format!("passed-{name}")>{t!(i18n, instant_passed)}</strong> })}
                    </span>
                    " "
                    {field_error(schedule.value(), name)}
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{t!(i18n, schedule_heading)}</h2>
            <p class="hint">{t!(i18n, schedule_intro)}</p>
            // Two columns (label, field) from the shared `.fields` grid.
            <ActionForm action=schedule attr:class="fields" attr:data-testid="schedule-form">
                <input type="hidden" name="year" value=e.year/>
                {inputs}
                <label for="reopen">{t!(i18n, reopen_legend)}</label>
                <div>
                    <input type="checkbox" id="reopen" name="input[reopen]" value="true" aria-describedby="reopen-hint"/>
                    " "<span class="hint" id="reopen-hint">{t!(i18n, reopen_label)}" — "{t!(i18n, reopen_intro)}</span>
                </div>
                <label for="reason">{t!(i18n, reopen_reason)}</label>
                <div>
                    <textarea id="reason" name="input[reason]" maxlength="500" rows="2" cols="50"></textarea>
                    " "{field_error(schedule.value(), "reason")}
                </div>
                <span></span>
                <div><button type="submit" class="button" data-testid="schedule-submit">{t!(i18n, save_schedule)}</button></div>
            </ActionForm>
        </section>
    }
}

/// One numeric rule of the rules form, with its refusal beside it.
fn number_rule(
    i18n: I18nContext<Locale>,
    rules: ServerAction<SetRules>,
    name: &'static str,
    label: String,
    (min, max): (u32, u32),
    value: u32,
    readonly: bool,
) -> impl IntoView {
    view! {
        <label for=name>{label}</label>
        <div>
            <input type="number" id=name name=format!("input[{name}]") min=min max=max required value=value readonly=readonly/>
            " "{readonly.then(|| view! { <span class="hint">{t!(i18n, rule_champions_fixed)}</span> })}
            {field_error(rules.value(), name)}
        </div>
    }
}

/// The edition's rules: champions, ballots, winners, what experts and the public see,
/// and the vote friction thresholds.
#[component]
fn RulesSection(e: EditionView, now: chrono::DateTime<chrono::Utc>, champions_fixed: bool, rules: ServerAction<SetRules>) -> impl IntoView {
    let i18n = use_i18n();
    let voting_opened = now >= e.schedule.voting.opens;
    let r = e.rules;
    let friction = (1, 1_000_000);
    view! {
        <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">{t!(i18n, rules_heading)}</h2>
            <ActionForm action=rules attr:class="fields" attr:data-testid="rules-form">
                <input type="hidden" name="year" value=e.year/>
                {number_rule(i18n, rules, "champions_per_category", t_string!(i18n, rule_champions).to_string(), (1, 20), r.champions_per_category, champions_fixed)}
                <label for="complete_ballot">{t!(i18n, rule_complete_ballot)}</label>
                <div>
                    // A disabled box is not posted: the hidden field keeps the fixed value.
                    {(voting_opened && r.complete_ballot).then(|| view! { <input type="hidden" name="input[complete_ballot]" value="true"/> })}
                    <input type="checkbox" id="complete_ballot" name="input[complete_ballot]" value="true"
                        checked=r.complete_ballot disabled=voting_opened/>
                    " "{voting_opened.then(|| view! { <span class="hint">{t!(i18n, rule_complete_ballot_fixed)}</span> })}
                </div>
                {number_rule(i18n, rules, "submissions_per_entity", t_string!(i18n, rule_submissions).to_string(), (1, 10), r.submissions_per_entity, false)}
                {number_rule(i18n, rules, "max_winners_per_category", t_string!(i18n, rule_winners).to_string(), (1, 5), r.max_winners_per_category, false)}
                {number_rule(i18n, rules, "opinions_per_project", t_string!(i18n, rule_opinions).to_string(), (1, 5), r.opinions_per_project, false)}
                {number_rule(i18n, rules, "remind_drafts_hours", t_string!(i18n, rule_remind_drafts).to_string(), (0, 720), r.remind_drafts_hours, false)}
                {number_rule(i18n, rules, "remind_reviews_hours", t_string!(i18n, rule_remind_reviews).to_string(), (0, 720), r.remind_reviews_hours, false)}
                <label for="experts_see_scores">{t!(i18n, rule_experts_see_scores)}</label>
                <div><input type="checkbox" id="experts_see_scores" name="input[experts_see_scores]" value="true" checked=r.experts_see_scores/></div>
                <label for="publish_vote_counts">{t!(i18n, rule_publish_vote_counts)}</label>
                <div><input type="checkbox" id="publish_vote_counts" name="input[publish_vote_counts]" value="true" checked=r.publish_vote_counts/></div>
                {number_rule(i18n, rules, "friction_votes_per_address", t_string!(i18n, rule_friction_votes_address).to_string(), friction, r.friction_votes_per_address, false)}
                {number_rule(i18n, rules, "friction_votes_per_network", t_string!(i18n, rule_friction_votes_network).to_string(), friction, r.friction_votes_per_network, false)}
                {number_rule(i18n, rules, "friction_sign_ins_per_address", t_string!(i18n, rule_friction_sign_ins).to_string(), friction, r.friction_sign_ins_per_address, false)}
                <span></span>
                <div><span class="hint">{t!(i18n, rule_friction_hint)}</span></div>
                <span></span>
                <div><button type="submit" class="button" data-testid="rules-submit">{t!(i18n, save_rules)}</button></div>
            </ActionForm>
        </section>
    }
}

/// The latest changes to the edition, from the audit log.
#[component]
fn EditionHistory(history: Vec<EditionChange>) -> impl IntoView {
    let i18n = use_i18n();
    let table = (!history.is_empty()).then(|| view! {
        <table class="table" data-testid="history">
            <thead><tr>
                <th scope="col">{t!(i18n, history_when)}</th>
                <th scope="col">{t!(i18n, history_what)}</th>
                <th scope="col">{t!(i18n, history_who)}</th>
                <th scope="col">{t!(i18n, reopen_reason)}</th>
            </tr></thead>
            <tbody>
                {history.into_iter().map(|h| view! {
                    <tr>
                        <td><time datetime=h.at.to_rfc3339()>{geneva(i18n, h.at)}</time></td>
                        <td>{action_label(i18n, h.action)}</td>
                        <td>{h.actor.unwrap_or_default()}</td>
                        <td>{h.reason.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    });
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, history_heading)}</h2>
            {table.is_none().then(|| view! { <p>{t!(i18n, history_empty)}</p> })}
            {table}
        </section>
    }
}
