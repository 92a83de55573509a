//! Screening the submissions: the expert group's queue of each screener, and for admins
//! the screeners, their progress and opinions, the queue per category, staged decisions,
//! their release and corrections.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::nomination::{Decision, DraftItem, NominationStatus, ScreeningItem, ScreeningQueue, ADMIN_REASON_CHARS, REJECTION_REASONS};

use wsis::screening::{Agreement, OpinionView, ScreenerQueue, ScreeningGroup, Verdict};

use crate::api::nominations::{
    admin_screening_group, admin_screening_queue, screener_queue, AdminAutoAssign, AdminCorrectDecision, AdminExtendDeadline, AdminReleaseDecisions, AdminScreen,
    AdminSetScreener, AdminSubmitOnBehalf, GiveOpinion,
};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{category_label, geneva_and_utc, num, status_name};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;
use crate::pages::submissions::SubmissionDetails;

fn reason_name(i18n: I18nContext<Locale>, key: &str) -> String {
    match key {
        "incomplete" => t_string!(i18n, reason_incomplete),
        "category" => t_string!(i18n, reason_category),
        "not-implemented" => t_string!(i18n, reason_not_implemented),
        "promotional" => t_string!(i18n, reason_promotional),
        "ineligible" => t_string!(i18n, reason_ineligible),
        _ => t_string!(i18n, reason_other),
    }
    .to_string()
}

#[component]
pub fn ScreeningPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let screen = ServerAction::<AdminScreen>::new();
    let release = ServerAction::<AdminReleaseDecisions>::new();
    let correct = ServerAction::<AdminCorrectDecision>::new();
    let extend = ServerAction::<AdminExtendDeadline>::new();
    let behalf = ServerAction::<AdminSubmitOnBehalf>::new();
    provide_context(extend);
    provide_context(behalf);
    let data = Resource::new(
        move || {
            let q = q.read();
            let version = screen.version().get() + release.version().get() + correct.version().get() + extend.version().get() + behalf.version().get();
            (q.get("year").unwrap_or_default(), q.get("category").unwrap_or_default(), version)
        },
        |(year, category, _)| admin_screening_queue(year, category),
    );
    let error_of = move || {
        screen.value().get().and_then(|r| r.err())
            .or_else(|| release.value().get().and_then(|r| r.err()))
            .or_else(|| correct.value().get().and_then(|r| r.err()))
            .or_else(|| extend.value().get().and_then(|r| r.err()))
            .or_else(|| behalf.value().get().and_then(|r| r.err()))
    };
    view! {
        <Title text=t_string!(i18n, admin_screening)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_screening)}</h1>
        <p>{t!(i18n, screening_intro)}</p>
        <FormNotice/>
        {move || error_of().map(|e| view! { <p class="error" role="alert" data-testid="form-error">{crate::components::notice::describe(&e)}</p> })}
        {move || release.value().get().and_then(|r| r.ok()).map(|n| view! { <p class="notice" role="status">{t!(i18n, release_done, count = n)}</p> })}
        <ScreenersSection/>
        <Loaded data let:queue>
            <Queue queue screen release correct/>
        </Loaded>
    }
}

#[component]
fn Queue(
    queue: ScreeningQueue,
    screen: ServerAction<AdminScreen>,
    release: ServerAction<AdminReleaseDecisions>,
    correct: ServerAction<AdminCorrectDecision>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = queue.pending_total();
    let year = queue.edition_year;
    let shown = queue.category.clone();
    view! {
        <section data-testid="screening-queue">
            <p>{t!(i18n, edition_word)}" "{queue.edition_year}". "{t!(i18n, submission_closed_deadline)}" "{geneva_and_utc(i18n, queue.submission_closes)}</p>
            {(!queue.screening_open).then(|| view! { <p class="hint">{t!(i18n, screening_not_open)}</p> })}
            <ActionForm action=release attr:class="inline">
                <input type="hidden" name="year" value=queue.edition_year.to_string()/>
                <button type="submit" class="button" disabled=pending == 0 data-testid="release-decisions">
                    {t!(i18n, release_decisions)}" ("{pending}")"
                </button>
            </ActionForm>
            <table class="table" data-testid="screening-counters">
                <thead><tr>
                    <th scope="col">{t!(i18n, category)}</th>
                    <th scope="col">{t!(i18n, counter_submitted)}</th>
                    <th scope="col">{t!(i18n, counter_accepted)}</th>
                    <th scope="col">{t!(i18n, counter_rejected)}</th>
                    <th scope="col">{t!(i18n, counter_pending)}</th>
                    <th scope="col">{t!(i18n, counter_undecided)}</th>
                </tr></thead>
                <tbody>
                    {queue.categories.iter().map(|c| view! {
                        <tr data-category=c.slug.clone() class:current=c.slug == shown>
                            <th scope="row">
                                <a href=format!("?year={year}&category={}#screen-{}", c.slug, c.slug)
                                    aria-current=(c.slug == shown).then_some("page")>{c.code.clone()}</a>
                            </th>
                            <td>{c.submitted}</td><td>{c.accepted}</td><td>{c.rejected}</td><td>{c.pending}</td><td>{c.undecided}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="hint">{t!(i18n, screening_one_category)}</p>
            {queue.categories.into_iter().filter(|c| c.slug == queue.category).map(|c| view! {
                <section class="screening-category" id=format!("screen-{}", c.slug) data-testid="screening-category" data-category=c.slug.clone()>
                    <h2>{c.code.clone()}" — "{category_label(i18n, &c.code, &c.name)}</h2>
                    {c.items.is_empty().then(|| view! { <p>{t!(i18n, screening_category_empty)}</p> })}
                    {c.items.into_iter().map(|item| view! { <ScreeningEntry item=item screen=screen correct=correct/> }).collect_view()}
                </section>
            }).collect_view()}
            <Drafts drafts=queue.drafts screening_closes=queue.screening_closes/>
        </section>
    }
}

/// The listed category's drafts not submitted: a team that asks gets a deadline of its own
/// or its draft submitted on its behalf (each with a reason).
#[component]
fn Drafts(drafts: Vec<DraftItem>, screening_closes: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let extend = use_context::<ServerAction<AdminExtendDeadline>>();
    let behalf = use_context::<ServerAction<AdminSubmitOnBehalf>>();
    let max = wsis::time::geneva_input_value(screening_closes);
    let reason_max = ADMIN_REASON_CHARS.to_string();
    view! {
        <section class="screening-drafts" data-testid="screening-drafts">
            <h3>{t!(i18n, screening_drafts)}" ("{drafts.len()}")"</h3>
            <p class="hint">{t!(i18n, screening_drafts_hint)}" "{geneva_and_utc(i18n, screening_closes)}</p>
            {drafts.is_empty().then(|| view! { <p>{t!(i18n, screening_drafts_none)}</p> })}
            {drafts.into_iter().map(|d| {
                let id = d.id.to_string();
                let (max, reason_max) = (max.clone(), reason_max.clone());
                view! {
                    <article class="screening-entry" data-testid="draft">
                        <p>
                            <strong lang="en" dir="auto">{d.title.clone()}</strong>" — "<span lang="en" dir="auto">{d.organisation.clone()}</span>
                            " · "{d.owner_email.clone()}" · "{t!(i18n, saved_at)}" "{crate::components::labels::utc(i18n, d.updated_at)}
                        </p>
                        {d.extended_until.map(|u| view! {
                            <p class="notice" data-testid="extended">{t!(i18n, extended_until)}" "<strong>{geneva_and_utc(i18n, u)}</strong>
                                {d.extension_reason.clone().map(|r| view! { " — "<span dir="auto">{r}</span> })}</p>
                        })}
                        <div class="screening-actions">
                            {extend.map(|a| {
                                let (id, max, reason_max) = (id.clone(), max.clone(), reason_max.clone());
                                view! {
                                    <ActionForm action=a attr:class="form compact">
                                        <input type="hidden" name="id" value=id/>
                                        <label>{t!(i18n, new_deadline)}<input type="datetime-local" name="input[until]" max=max required data-testid="extend-until"/></label>
                                        <label>{t!(i18n, reason)}<input type="text" name="input[reason]" maxlength=reason_max required data-testid="extend-reason"/></label>
                                        <button type="submit" class="button small" data-testid="extend">{t!(i18n, extend_deadline)}</button>
                                    </ActionForm>
                                }
                            })}
                            {behalf.map(|a| view! {
                                <ActionForm action=a attr:class="form compact">
                                    <input type="hidden" name="id" value=id.clone()/>
                                    <label>{t!(i18n, reason)}<input type="text" name="reason" maxlength=reason_max.clone() required data-testid="behalf-reason"/></label>
                                    <button type="submit" class="button small secondary" data-testid="submit-on-behalf">{t!(i18n, submit_on_behalf)}</button>
                                </ActionForm>
                            })}
                        </div>
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

fn reason_fields(i18n: I18nContext<Locale>) -> impl IntoView {
    view! {
        <label>{t!(i18n, reason)}
            <select name="input[reason]">
                <option value="">{t!(i18n, choose)}</option>
                {REJECTION_REASONS.iter().map(|(k, _)| view! { <option value=*k>{reason_name(i18n, k)}</option> }).collect_view()}
            </select>
        </label>
        <label>{t!(i18n, reason_explanation)}<textarea name="input[reason_text]" rows="2" maxlength="1000"></textarea></label>
    }
}

#[component]
fn ScreeningEntry(
    item: ScreeningItem,
    screen: ServerAction<AdminScreen>,
    correct: ServerAction<AdminCorrectDecision>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = item.submission.clone();
    let id = s.id.to_string();
    let status = s.status;
    let pending = item.pending_decision.map(|d| {
        let name = status_name(i18n, d.status());
        view! {
            <p class="notice" data-testid="pending-decision">
                {t!(i18n, pending_decision)}": "<strong>{name}</strong>
                {item.pending_reason.clone().map(|r| view! { " — "{r} })}
            </p>
        }
    });
    let forms = match status {
        NominationStatus::Submitted => {
            let (id1, id2) = (id.clone(), id.clone());
            view! {
                <div class="screening-actions">
                    <ActionForm action=screen attr:class="inline">
                        <input type="hidden" name="id" value=id1/>
                        <input type="hidden" name="input[decision]" value=Decision::Nominee.key()/>
                        <button type="submit" class="button small" data-testid="accept">{t!(i18n, accept_nominee)}</button>
                    </ActionForm>
                    <ActionForm action=screen attr:class="form compact">
                        <input type="hidden" name="id" value=id2/>
                        <input type="hidden" name="input[decision]" value=Decision::Rejected.key()/>
                        {reason_fields(i18n)}
                        <button type="submit" class="button small secondary" data-testid="reject">{t!(i18n, reject)}</button>
                    </ActionForm>
                </div>
            }
            .into_any()
        }
        NominationStatus::Nominee | NominationStatus::Rejected => view! {
            <details>
                <summary>{t!(i18n, correct_decision)}</summary>
                <ActionForm action=correct attr:class="form compact">
                    <input type="hidden" name="id" value=id.clone()/>
                    <label>{t!(i18n, decision)}
                        <select name="input[decision]">
                            <option value=Decision::Nominee.key() selected=status == NominationStatus::Rejected>{status_name(i18n, NominationStatus::Nominee)}</option>
                            <option value=Decision::Rejected.key() selected=status == NominationStatus::Nominee>{status_name(i18n, NominationStatus::Rejected)}</option>
                        </select>
                    </label>
                    {reason_fields(i18n)}
                    <button type="submit" class="button small" data-testid="correct">{t!(i18n, correct_decision)}</button>
                </ActionForm>
            </details>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <article class="screening-entry" data-status=status.key()>
            <details>
                <summary>
                    <strong lang="en" dir="auto">{s.input.title.clone()}</strong>" — "<span lang="en" dir="auto">{s.input.organisation.clone()}</span>
                    " · "<span class="badge">{status_name(i18n, status)}</span>
                </summary>
                {s.rejection_reason.clone().map(|r| view! { <p>{t!(i18n, reason)}": "{r}</p> })}
                <SubmissionDetails s=s.clone()/>
            </details>
            {(!item.opinions.is_empty()).then(|| view! { <Opinions opinions=item.opinions.clone() agreement=Some(item.agreement)/> })}
            {pending}
            {forms}
        </article>
    }
}

fn verdict_name(i18n: I18nContext<Locale>, v: Option<Verdict>) -> String {
    match v {
        Some(Verdict::Accept) => t_string!(i18n, verdict_accept),
        Some(Verdict::Reject) => t_string!(i18n, verdict_reject),
        Some(Verdict::Conflict) => t_string!(i18n, verdict_conflict),
        None => t_string!(i18n, verdict_waiting),
    }
    .to_string()
}

/// The opinions on one project, and (for admins) how they stand.
#[component]
fn Opinions(opinions: Vec<OpinionView>, agreement: Option<Agreement>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="opinions" data-testid="opinions" data-split=agreement.is_some_and(|a| a.split()).to_string()>
            {agreement.map(|a| view! {
                <p>
                    <strong>{if a.split() { t_string!(i18n, opinions_split) } else { t_string!(i18n, opinions_heading) }}</strong>
                    ": "{t!(i18n, opinions_tally, accept = a.accept, reject = a.reject, conflict = a.conflict, waiting = a.waiting)}
                </p>
            })}
            <ul>
                {opinions.into_iter().map(|o| view! {
                    <li data-verdict=o.verdict.map_or("waiting", |v| v.key())>
                        <strong>{o.screener}</strong>": "{verdict_name(i18n, o.verdict)}
                        {o.reason.map(|r| view! { " — "{r} })}
                        {(!o.comment.is_empty()).then(|| view! { <blockquote dir="auto">{o.comment.clone()}</blockquote> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The expert group (admins): screeners per category, their progress, auto-assignment.
#[component]
fn ScreenersSection() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let set = ServerAction::<AdminSetScreener>::new();
    let auto = ServerAction::<AdminAutoAssign>::new();
    let data = Resource::new(
        move || (q.read().get("year").unwrap_or_default(), set.version().get(), auto.version().get()),
        |(year, _, _)| admin_screening_group(year),
    );
    view! {
        <section aria-labelledby="screeners-heading" data-testid="screeners">
            <h2 id="screeners-heading">{t!(i18n, screeners_heading)}</h2>
            <p class="hint">{t!(i18n, screeners_intro)}</p>
            {move || set.value().get().and_then(|r| r.err()).or_else(|| auto.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
            {move || auto.value().get().and_then(|r| r.ok()).map(|n| view! { <p class="notice" role="status" data-testid="auto-assigned">{t!(i18n, auto_assigned, count = n)}</p> })}
            <Loaded data let:g>
                <GroupTables g set auto/>
            </Loaded>
        </section>
    }
}

#[component]
fn GroupTables(g: ScreeningGroup, set: ServerAction<AdminSetScreener>, auto: ServerAction<AdminAutoAssign>) -> impl IntoView {
    let i18n = use_i18n();
    let year = g.edition_year.to_string();
    let (y1, y2) = (year.clone(), year.clone());
    view! {
        <ActionForm action=set attr:class="inline">
            <input type="hidden" name="year" value=y1/>
            <input type="hidden" name="on" value="true"/>
            <label>{t!(i18n, email)}" "<input type="email" name="email" required/></label>
            <label>{t!(i18n, category)}" "
                <select name="category">
                    {wsis::category::CATEGORIES.iter().map(|c| view! { <option value=c.slug>{c.code}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button small" data-testid="add-screener">{t!(i18n, add_screener)}</button>
        </ActionForm>
        <ActionForm action=auto attr:class="inline">
            <input type="hidden" name="year" value=y2/>
            <button type="submit" class="button small" data-testid="auto-assign">{t!(i18n, auto_assign, count = g.opinions_per_project)}</button>
        </ActionForm>
        {if g.screeners.is_empty() {
            view! { <p>{t!(i18n, screeners_none)}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="screener-progress">
                    <thead><tr>
                        <th scope="col">{t!(i18n, screener)}</th>
                        <th scope="col">{t!(i18n, categories_word)}</th>
                        <th scope="col">{t!(i18n, opinions_given)}</th>
                        <th scope="col">{t!(i18n, verdict_conflict)}</th>
                    </tr></thead>
                    <tbody>
                        {g.screeners.into_iter().map(|s| {
                            let email = s.email.clone();
                            let year = year.clone();
                            view! {
                                <tr data-email=s.email.clone()>
                                    <th scope="row">{s.name.clone()}" "<small>{s.email.clone()}</small></th>
                                    <td>
                                        {s.categories.into_iter().map(|c| {
                                            let (email, year) = (email.clone(), year.clone());
                                            view! {
                                                <ActionForm action=set attr:class="inline">
                                                    <input type="hidden" name="year" value=year/>
                                                    <input type="hidden" name="on" value="false"/>
                                                    <input type="hidden" name="email" value=email/>
                                                    <input type="hidden" name="category" value=c.clone()/>
                                                    <button type="submit" class="chip on" aria-pressed="true" title=t_string!(i18n, remove_screener)>{c.clone()}</button>
                                                </ActionForm>
                                            }
                                        }).collect_view()}
                                    </td>
                                    <td data-testid="screener-given">{s.given}" / "{s.assigned - s.conflicts}</td>
                                    <td>{s.conflicts}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <details>
            <summary>{t!(i18n, screening_progress_by_category)}</summary>
            <table class="table" data-testid="category-progress">
                <thead><tr>
                    <th scope="col">{t!(i18n, category)}</th>
                    <th scope="col">{t!(i18n, screeners_heading)}</th>
                    <th scope="col">{t!(i18n, counter_submitted)}</th>
                    <th scope="col">{t!(i18n, opinions_given)}</th>
                </tr></thead>
                <tbody>
                    {g.categories.into_iter().map(|c| view! {
                        <tr data-category=c.slug.clone()>
                            <th scope="row">{c.code.clone()}</th>
                            <td>{c.screeners}</td>
                            <td>{c.projects}</td>
                            <td>{c.given}" / "{c.assigned}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// A screener's queue: the projects assigned to them, left first; each opinion given
/// shows the others'.
#[component]
pub fn ScreenerPage() -> impl IntoView {
    let i18n = use_i18n();
    let give = ServerAction::<GiveOpinion>::new();
    let data = Resource::new(move || give.version().get(), |_| screener_queue(String::new()));
    view! {
        <Title text=t_string!(i18n, screener_title)/>
        <h1>{t!(i18n, screener_title)}</h1>
        <p>{t!(i18n, screener_intro)}</p>
        <FormNotice/>
        {move || give.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="form-error">{crate::components::notice::describe(&e)}</p> })}
        <Loaded data let:queue>
            <ScreenerItems queue give/>
        </Loaded>
    }
}

#[component]
fn ScreenerItems(queue: ScreenerQueue, give: ServerAction<GiveOpinion>) -> impl IntoView {
    let i18n = use_i18n();
    let left = queue.left();
    let total = queue.items.len();
    let open = queue.open;
    view! {
        <p data-testid="screener-progress" data-left=left.to_string()>
            {t!(i18n, screener_progress, given = num(i18n, queue.given), total = num(i18n, total))}" "
            {(open && total > 0).then(|| view! { {t!(i18n, screener_closes)}" "{geneva_and_utc(i18n, queue.closes)} })}
        </p>
        {(!open).then(|| view! { <p class="hint">{t!(i18n, screener_not_open)}</p> })}
        {(total == 0).then(|| view! { <p data-testid="screener-empty">{t!(i18n, screener_none_assigned)}</p> })}
        {(total > 0 && left == 0).then(|| view! { <p class="notice" data-testid="screener-done">{t!(i18n, screener_all_done)}</p> })}
        {queue.items.into_iter().map(|item| {
            let s = item.submission.clone();
            let id = s.id.to_string();
            let mine = item.mine.clone();
            let given = mine.as_ref().and_then(|m| m.verdict);
            view! {
                <article class="screening-entry" data-testid="screener-item" data-given=given.is_some().to_string()>
                    <details open=given.is_none()>
                        <summary>
                            <span class="badge">{item.category.clone()}</span>" "
                            <strong lang="en" dir="auto">{s.input.title.clone()}</strong>" — "<span lang="en" dir="auto">{s.input.organisation.clone()}</span>
                            {given.map(|v| view! { " · "<span class="badge" data-testid="my-verdict">{verdict_name(i18n, Some(v))}</span> })}
                        </summary>
                        <SubmissionDetails s=s.clone()/>
                    </details>
                    {open.then(|| view! {
                        <ActionForm action=give attr:class="form compact">
                            <input type="hidden" name="id" value=id.clone()/>
                            <fieldset>
                                <legend>{t!(i18n, your_opinion)}</legend>
                                {[Verdict::Accept, Verdict::Reject, Verdict::Conflict].into_iter().map(|v| view! {
                                    <label class="inline">
                                        <input type="radio" name="input[verdict]" value=v.key() checked=given == Some(v) required/>
                                        " "{verdict_name(i18n, Some(v))}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                            <label>{t!(i18n, reason)}
                                <select name="input[reason]">
                                    <option value="">{t!(i18n, choose)}</option>
                                    {REJECTION_REASONS.iter().map(|(k, _)| view! { <option value=*k>{reason_name(i18n, k)}</option> }).collect_view()}
                                </select>
                            </label>
                            <label>{t!(i18n, opinion_comment)}
                                <textarea name="input[comment]" rows="3" maxlength=wsis::screening::COMMENT_CHARS.to_string()>{mine.as_ref().map(|m| m.comment.clone()).unwrap_or_default()}</textarea>
                            </label>
                            <button type="submit" class="button small" data-testid="give-opinion">{t!(i18n, save_opinion)}</button>
                        </ActionForm>
                    })}
                    {(given.is_some() && !item.others.is_empty()).then(|| view! { <Opinions opinions=item.others.clone() agreement=None/> })}
                </article>
            }
        }).collect_view()}
    }
}
