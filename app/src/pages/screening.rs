//! Screening the submissions (admins): the queue per category, staged decisions, their
//! release and corrections.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::nomination::{Decision, NominationStatus, ScreeningItem, ScreeningQueue, REJECTION_REASONS};

use crate::api::nominations::{admin_screening_queue, AdminCorrectDecision, AdminReleaseDecisions, AdminScreen};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{category_label, geneva_and_utc, status_name};
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
    let data = Resource::new(
        move || {
            let q = q.read();
            (q.get("year").unwrap_or_default(), q.get("category").unwrap_or_default(), screen.version().get(), release.version().get(), correct.version().get())
        },
        |(year, category, _, _, _)| admin_screening_queue(year, category),
    );
    let error_of = move || {
        screen.value().get().and_then(|r| r.err())
            .or_else(|| release.value().get().and_then(|r| r.err()))
            .or_else(|| correct.value().get().and_then(|r| r.err()))
    };
    view! {
        <Title text=t_string!(i18n, admin_screening)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_screening)}</h1>
        <p>{t!(i18n, screening_intro)}</p>
        <FormNotice/>
        {move || error_of().map(|e| view! { <p class="error" role="alert" data-testid="form-error">{crate::components::notice::describe(&e)}</p> })}
        {move || release.value().get().and_then(|r| r.ok()).map(|n| view! { <p class="notice" role="status">{t!(i18n, release_done, count = n)}</p> })}
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
            {pending}
            {forms}
        </article>
    }
}
