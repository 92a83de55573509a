//! Submitting projects (form with drafts, My submissions) and screening them (admins).

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use wsis::category::CATEGORIES;
use wsis::nomination::{
    word_count, Decision, NominationInput, NominationStatus, Region, ScreeningItem, StakeholderType, SubmissionView,
    REJECTION_REASONS, SHORT_DESCRIPTION_MAX_WORDS, SHORT_DESCRIPTION_MIN_WORDS,
};
use crate::components::labels::{geneva, utc};

use crate::api::nominations::{
    admin_screening_queue, get_submission, get_submission_window, my_submissions, AdminCorrectDecision,
    AdminReleaseDecisions, AdminScreen, SaveDraft,
};
use crate::components::admin_nav::AdminNav;
use crate::components::notice::{field_error, ErrorBox, FormNotice};
use crate::components::phase::LocalTime;
use crate::components::labels::category_label;
use crate::i18n::*;
use crate::pages::nominee::{region_name, stakeholder_name};

fn status_name(i18n: I18nContext<Locale>, s: NominationStatus) -> String {
    match s {
        NominationStatus::Draft => t_string!(i18n, status_draft),
        NominationStatus::Submitted => t_string!(i18n, status_submitted),
        NominationStatus::Nominee => t_string!(i18n, status_nominee),
        NominationStatus::Rejected => t_string!(i18n, status_rejected),
        NominationStatus::Champion => t_string!(i18n, status_champion),
        NominationStatus::Winner => t_string!(i18n, status_winner),
    }
    .to_string()
}

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

fn when(i18n: leptos_i18n::I18nContext<Locale>, t: chrono::DateTime<chrono::Utc>) -> String {
    format!("{} ({})", geneva(i18n, t), utc(i18n, t))
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let window = Resource::new(|| (), |_| get_submission_window());
    view! {
        <Title text=t_string!(i18n, submit_title)/>
        <h1>{t!(i18n, submit_title)}</h1>
        <FormNotice/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match window.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(w) => match w.open {
                        Some((year, closes)) => view! {
                            <p>{t!(i18n, submit_intro)}</p>
                            <p data-testid="submission-deadline">
                                {t!(i18n, edition_word)}" "{year}". "{t!(i18n, submission_deadline)}" "<strong>{when(i18n, closes)}</strong><LocalTime at=closes/>
                            </p>
                            <NominationForm initial=None/>
                        }.into_any(),
                        None => view! {
                            <section class="notice" data-testid="submission-closed" role="status">
                                <h2>{t!(i18n, submission_closed_title)}</h2>
                                {match (w.next_opens, w.last_closed) {
                                    (Some((y, at)), _) => view! { <p>{t!(i18n, submission_next_opens)}" "{y}": "<strong>{when(i18n, at)}</strong><LocalTime at=at/></p> }.into_any(),
                                    (None, Some((y, at))) => view! { <p>{t!(i18n, submission_closed_deadline)}" "{y}": "<strong>{when(i18n, at)}</strong><LocalTime at=at/></p> }.into_any(),
                                    (None, None) => view! { <p>{t!(i18n, submission_none)}</p> }.into_any(),
                                }}
                                <p><a href="/submissions">{t!(i18n, nav_my_submissions)}</a></p>
                            </section>
                        }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}

/// The project form: a draft is saved with "Save draft", submitted with "Submit" (both
/// post to `save_draft`; the pressed button's `intent` tells them apart).
#[component]
fn NominationForm(initial: Option<SubmissionView>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveDraft>::new();
    let v = action.value();
    let existing_id = initial.as_ref().map(|s| s.id.to_string()).unwrap_or_default();
    let input = initial.map(|s| s.input).unwrap_or_else(|| NominationInput { category: String::new(), ..Default::default() });
    let (words, set_words) = signal(word_count(&input.short_description));
    Effect::new(move |_| {
        if let Some(Ok(saved)) = v.get() {
            // a full load, so that the page shows the stored project and its new status
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&format!("/submissions/{}", saved.id));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = saved;
        }
    });
    let text = |name: &'static str, value: String, max: &'static str| {
        view! { <input type="text" name=name value=value maxlength=max/> }
    };
    let area = |name: &'static str, value: String| view! { <textarea name=name rows="4" maxlength="3000">{value}</textarea> };
    let sdgs = wsis::nomination::parse_sdg_list(&input.sdgs).unwrap_or_default();
    let in_range = move || (SHORT_DESCRIPTION_MIN_WORDS..=SHORT_DESCRIPTION_MAX_WORDS).contains(&words.get());
    view! {
        {move || v.get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="form-error">{crate::components::notice::describe(&e)}</p> })}
        <ActionForm action=action attr:class="form" attr:data-testid="submission-form">
            <input type="hidden" name="id" value=existing_id/>
            <label>{t!(i18n, category)}
                <select name="category" required>
                    <option value="">{t!(i18n, choose)}</option>
                    {CATEGORIES.iter().map(|c| {
                        let selected = input.category == c.slug;
                        view! { <option value=c.slug selected=selected>{c.code}" — "{category_label(i18n, c.slug, c.name)}</option> }
                    }).collect_view()}
                </select>
            </label>
            {field_error(v, "category")}
            <label>{t!(i18n, project_title)}{text("title", input.title.clone(), "200")}</label>
            {field_error(v, "title")}
            <label>{t!(i18n, short_description)}
                <textarea name="short_description" rows="10" lang="en"
                    on:input=move |ev| set_words.set(word_count(&event_target_value(&ev)))>{input.short_description.clone()}</textarea>
            </label>
            <span class="hint" aria-live="polite">
                <span data-testid="word-count" class:error=move || !in_range()>{move || words.get()}</span>" "{t!(i18n, words_required)}
            </span>
            {field_error(v, "short_description")}
            <label>{t!(i18n, action_line_linkage)}{area("action_line_linkage", input.action_line_linkage.clone())}</label>
            {field_error(v, "action_line_linkage")}
            <fieldset>
                <legend>{t!(i18n, sdgs)}</legend>
                <span class="hint">{t!(i18n, sdgs_hint)}</span>
                <div class="checkbox-grid">
                    {(1u8..=17).map(|g| view! {
                        <label class="inline"><input type="checkbox" name="sdgs[]" value=g.to_string() checked=sdgs.contains(&g)/>" SDG "{g}</label>
                    }).collect_view()}
                </div>
            </fieldset>
            {field_error(v, "sdgs")}
            <label>{t!(i18n, impact_qualitative)}{area("impact_qualitative", input.impact_qualitative.clone())}</label>
            {field_error(v, "impact_qualitative")}
            <label>{t!(i18n, impact_quantitative)}{area("impact_quantitative", input.impact_quantitative.clone())}</label>
            {field_error(v, "impact_quantitative")}
            <label>{t!(i18n, partnerships)}{area("partnerships", input.partnerships.clone())}</label>
            {field_error(v, "partnerships")}
            <label>{t!(i18n, challenges)}{area("challenges", input.challenges.clone())}</label>
            {field_error(v, "challenges")}
            <label>{t!(i18n, organisation)}{text("organisation", input.organisation.clone(), "200")}</label>
            {field_error(v, "organisation")}
            <label>{t!(i18n, stakeholder)}
                <select name="stakeholder_type">
                    <option value="">{t!(i18n, choose)}</option>
                    {StakeholderType::ALL.into_iter().map(|s| view! {
                        <option value=s.key() selected=input.stakeholder_type == s.key()>{stakeholder_name(i18n, s)}</option>
                    }).collect_view()}
                </select>
            </label>
            {field_error(v, "stakeholder_type")}
            <label>{t!(i18n, country)}{text("country", input.country.clone(), "100")}</label>
            {field_error(v, "country")}
            <label>{t!(i18n, region)}
                <select name="region">
                    <option value="">{t!(i18n, choose)}</option>
                    {Region::ALL.into_iter().map(|r| view! {
                        <option value=r.key() selected=input.region == r.key()>{region_name(i18n, r)}</option>
                    }).collect_view()}
                </select>
            </label>
            {field_error(v, "region")}
            <label>{t!(i18n, website)}<input type="url" name="website" value=input.website.clone() maxlength="500"/></label>
            {field_error(v, "website")}
            <label>{t!(i18n, contact)}<input type="email" name="contact" value=input.contact.clone() maxlength="254"/></label>
            {field_error(v, "contact")}
            <p class="actions">
                <button type="submit" name="intent" value="draft" class="button secondary" data-testid="save-draft">{t!(i18n, save_draft)}</button>
                " "
                <button type="submit" name="intent" value="submit" class="button" data-testid="submit-project">{t!(i18n, submit_project)}</button>
            </p>
        </ActionForm>
    }
}

#[component]
pub fn MySubmissionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| my_submissions());
    view! {
        <Title text=t_string!(i18n, my_submissions_title)/>
        <h1>{t!(i18n, my_submissions_title)}</h1>
        <FormNotice/>
        <p><a class="button small" href="/submit">{t!(i18n, nav_submit)}</a></p>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p>{t!(i18n, my_submissions_empty)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-testid="my-submissions">
                            <thead><tr>
                                <th scope="col">{t!(i18n, project_title)}</th>
                                <th scope="col">{t!(i18n, category)}</th>
                                <th scope="col">{t!(i18n, edition_word)}</th>
                                <th scope="col">{t!(i18n, status)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|s| {
                                    let href = format!("/submissions/{}", s.id);
                                    let title = if s.input.title.is_empty() { "—".to_string() } else { s.input.title.clone() };
                                    view! {
                                        <tr data-status=s.status.key()>
                                            <td><a href=href lang="en">{title}</a></td>
                                            <td>{s.category_code.clone()}</td>
                                            <td>{s.edition_year}</td>
                                            <td>
                                                <span class="badge">{status_name(i18n, s.status)}</span>
                                                {s.rejection_reason.clone().map(|r| view! { <p class="hint">{t!(i18n, reason)}": "{r}</p> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SubmissionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_submission);
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(s) if s.editable => view! {
                        <Title text=t_string!(i18n, edit_draft)/>
                        <h1>{t!(i18n, edit_draft)}</h1>
                        <FormNotice/>
                        <p data-testid="submission-deadline">{t!(i18n, submission_deadline)}" "<strong>{when(i18n, s.submission_closes)}</strong><LocalTime at=s.submission_closes/></p>
                        <NominationForm initial=Some(s)/>
                    }.into_any(),
                    Ok(s) => view! {
                        <Title text=t_string!(i18n, submission_title)/>
                        <h1>{t!(i18n, submission_title)}</h1>
                        <FormNotice/>
                        <p data-testid="submission-status" data-status=s.status.key()>
                            {t!(i18n, status)}": "<span class="badge">{status_name(i18n, s.status)}</span>
                        </p>
                        {s.rejection_reason.clone().map(|r| view! { <p>{t!(i18n, reason)}": "{r}</p> })}
                        {(s.status == NominationStatus::Draft).then(|| view! { <p class="hint">{t!(i18n, not_editable)}</p> })}
                        <SubmissionDetails s=s/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SubmissionDetails(s: SubmissionView) -> impl IntoView {
    let i18n = use_i18n();
    let i = s.input.clone();
    let sdgs = i.sdgs.iter().map(|g| format!("SDG {g}")).collect::<Vec<_>>().join(", ");
    let region = Region::parse(&i.region).map(|r| region_name(i18n, r)).unwrap_or_default();
    let stakeholder = StakeholderType::parse(&i.stakeholder_type).map(|t| stakeholder_name(i18n, t)).unwrap_or_default();
    view! {
        <article class="nominee-detail">
            <h2 lang="en">{i.title.clone()}</h2>
            <p class="meta"><span lang="en">{i.organisation.clone()}</span>" · "{i.country.clone()}" · "{region}" · "{stakeholder}</p>
            <section>
                <h3>{t!(i18n, short_description)}</h3>
                <p lang="en">{i.short_description.clone()}</p>
                <p class="hint"><span data-testid="word-count">{word_count(&i.short_description)}</span>" "{t!(i18n, words_required)}</p>
            </section>
            <dl class="fields">
                <dt>{t!(i18n, category)}</dt><dd>{s.category_code.clone()}": "{category_label(i18n, &s.category_code, &s.category_name)}</dd>
                <dt>{t!(i18n, edition_word)}</dt><dd>{s.edition_year}</dd>
                <dt>{t!(i18n, action_line_linkage)}</dt><dd lang="en">{i.action_line_linkage.clone()}</dd>
                <dt>{t!(i18n, sdgs)}</dt><dd>{sdgs}</dd>
                <dt>{t!(i18n, impact_qualitative)}</dt><dd lang="en">{i.impact_qualitative.clone()}</dd>
                <dt>{t!(i18n, impact_quantitative)}</dt><dd lang="en">{i.impact_quantitative.clone()}</dd>
                <dt>{t!(i18n, partnerships)}</dt><dd lang="en">{i.partnerships.clone()}</dd>
                <dt>{t!(i18n, challenges)}</dt><dd lang="en">{i.challenges.clone()}</dd>
                <dt>{t!(i18n, website)}</dt><dd>{i.website.clone()}</dd>
                <dt>{t!(i18n, contact)}</dt><dd>{i.contact.clone()}</dd>
                {s.submitted_at.map(|t| view! { <dt>{t!(i18n, submitted_at)}</dt><dd>{geneva(i18n, t)}</dd> })}
            </dl>
        </article>
    }
}

#[component]
pub fn ScreeningPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let screen = ServerAction::<AdminScreen>::new();
    let release = ServerAction::<AdminReleaseDecisions>::new();
    let correct = ServerAction::<AdminCorrectDecision>::new();
    let data = Resource::new(
        move || (q.read().get("year").unwrap_or_default(), screen.version().get(), release.version().get(), correct.version().get()),
        |(year, _, _, _)| admin_screening_queue(year),
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
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(queue) => {
                        let year = queue.edition_year.to_string();
                        let pending = queue.pending_total();
                        view! {
                            <section data-testid="screening-queue">
                                <p>{t!(i18n, edition_word)}" "{queue.edition_year}". "{t!(i18n, submission_closed_deadline)}" "{when(i18n, queue.submission_closes)}</p>
                                {(!queue.screening_open).then(|| view! { <p class="hint">{t!(i18n, screening_not_open)}</p> })}
                                <ActionForm action=release attr:class="inline">
                                    <input type="hidden" name="year" value=year.clone()/>
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
                                            <tr data-category=c.slug.clone()>
                                                <th scope="row"><a href=format!("#screen-{}", c.slug)>{c.code.clone()}</a></th>
                                                <td>{c.submitted}</td><td>{c.accepted}</td><td>{c.rejected}</td><td>{c.pending}</td><td>{c.undecided}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {queue.categories.into_iter().filter(|c| !c.items.is_empty()).map(|c| view! {
                                    <section class="screening-category" id=format!("screen-{}", c.slug)>
                                        <h2>{c.code.clone()}" — "{category_label(i18n, &c.code, &c.name)}</h2>
                                        {c.items.into_iter().map(|item| view! { <ScreeningEntry item=item screen=screen correct=correct/> }).collect_view()}
                                    </section>
                                }).collect_view()}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn reason_fields(i18n: I18nContext<Locale>) -> impl IntoView {
    view! {
        <label>{t!(i18n, reason)}
            <select name="reason">
                <option value="">{t!(i18n, choose)}</option>
                {REJECTION_REASONS.iter().map(|(k, _)| view! { <option value=*k>{reason_name(i18n, k)}</option> }).collect_view()}
            </select>
        </label>
        <label>{t!(i18n, reason_explanation)}<textarea name="reason_text" rows="2" maxlength="1000"></textarea></label>
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
                        <input type="hidden" name="decision" value=Decision::Nominee.key()/>
                        <button type="submit" class="button small" data-testid="accept">{t!(i18n, accept_nominee)}</button>
                    </ActionForm>
                    <ActionForm action=screen attr:class="form compact">
                        <input type="hidden" name="id" value=id2/>
                        <input type="hidden" name="decision" value=Decision::Rejected.key()/>
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
                        <select name="decision">
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
                    <strong lang="en">{s.input.title.clone()}</strong>" — "<span lang="en">{s.input.organisation.clone()}</span>
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
