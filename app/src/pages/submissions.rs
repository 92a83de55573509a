//! Submitting projects: the form with its drafts, My submissions, one submission.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use wsis::category::CATEGORIES;
use wsis::nomination::{
    word_count, NominationInput, NominationStatus, Region, StakeholderType, SubmissionView, SubmissionWindow, SHORT_DESCRIPTION_MAX_WORDS,
    SHORT_DESCRIPTION_MIN_WORDS,
};

use crate::api::nominations::{
    get_submission, get_submission_window, my_campaigns, my_submissions, team_invitation, CreateCampaign, SaveDraft, TeamAccept, TeamInvite, TeamRemove,
    TeamTransfer,
};
use crate::components::labels::{category_label, geneva, geneva_and_utc, region_name, stakeholder_name, status_name};
use crate::components::loaded::Loaded;
use crate::components::notice::{field_error, FormNotice};
use crate::components::phase::LocalTime;
use crate::i18n::*;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_submission_window());
    view! {
        <Title text=t_string!(i18n, submit_title)/>
        <h1>{t!(i18n, submit_title)}</h1>
        <FormNotice/>
        <Loaded data let:w>
            <SubmissionOpening w/>
        </Loaded>
    }
}

/// The form while an edition accepts projects; otherwise when the next one does.
#[component]
fn SubmissionOpening(w: SubmissionWindow) -> impl IntoView {
    let i18n = use_i18n();
    if let Some((year, closes)) = w.open {
        return view! {
            <p>{t!(i18n, submit_intro)}</p>
            <p data-testid="submission-deadline">
                {t!(i18n, edition_word)}" "{year}". "{t!(i18n, submission_deadline)}" "<strong>{geneva_and_utc(i18n, closes)}</strong><LocalTime at=closes/>
            </p>
            <NominationForm initial=None/>
        }
        .into_any();
    }
    view! {
        <section class="notice" data-testid="submission-closed" role="status">
            <h2>{t!(i18n, submission_closed_title)}</h2>
            {match (w.next_opens, w.last_closed) {
                (Some((y, at)), _) => view! { <p>{t!(i18n, submission_next_opens)}" "{y}": "<strong>{geneva_and_utc(i18n, at)}</strong><LocalTime at=at/></p> }.into_any(),
                (None, Some((y, at))) => view! { <p>{t!(i18n, submission_closed_deadline)}" "{y}": "<strong>{geneva_and_utc(i18n, at)}</strong><LocalTime at=at/></p> }.into_any(),
                (None, None) => view! { <p>{t!(i18n, submission_none)}</p> }.into_any(),
            }}
            <p><a href="/submissions">{t!(i18n, nav_my_submissions)}</a></p>
        </section>
    }
    .into_any()
}

/// The project form: a draft is saved with "Save draft", submitted with "Submit" (both
/// post to `save_draft`; the pressed button's `intent` tells them apart).
#[component]
fn NominationForm(initial: Option<SubmissionView>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveDraft>::new();
    let v = action.value();
    let existing_id = initial.as_ref().map(|s| s.id.to_string()).unwrap_or_default();
    let input = initial.map(|s| s.input).unwrap_or_default();
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
    view! {
        {move || v.get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="form-error">{crate::components::notice::describe(&e)}</p> })}
        <ActionForm action=action attr:class="form" attr:data-testid="submission-form">
            <input type="hidden" name="id" value=existing_id/>
            <ProjectTexts input=input.clone() action/>
            <OrganisationFields input action/>
            <p class="actions">
                <button type="submit" name="intent" value="draft" class="button secondary" data-testid="save-draft">{t!(i18n, save_draft)}</button>
                " "
                <button type="submit" name="intent" value="submit" class="button" data-testid="submit-project">{t!(i18n, submit_project)}</button>
            </p>
        </ActionForm>
    }
}

fn text_area(name: &'static str, value: String) -> impl IntoView {
    view! { <textarea name=format!("input[{name}]") rows="4" maxlength="3000">{value}</textarea> }
}

/// The form's first part: category, title, description (with its live word count),
/// Action Line, SDGs and impact.
#[component]
fn ProjectTexts(input: NominationInput, action: ServerAction<SaveDraft>) -> impl IntoView {
    let i18n = use_i18n();
    let v = action.value();
    let (words, set_words) = signal(word_count(&input.short_description));
    let in_range = move || (SHORT_DESCRIPTION_MIN_WORDS..=SHORT_DESCRIPTION_MAX_WORDS).contains(&words.get());
    let sdgs = wsis::nomination::SdgList::parse(&input.sdgs).unwrap_or_default();
    view! {
        <label>{t!(i18n, category)}
            <select name="input[category]" required>
                <option value="">{t!(i18n, choose)}</option>
                {CATEGORIES.iter().map(|c| view! {
                    <option value=c.slug selected=input.category == c.slug>{c.code}" — "{category_label(i18n, c.slug, c.name)}</option>
                }).collect_view()}
            </select>
        </label>
        {field_error(v, "category")}
        <label>{t!(i18n, project_title)}<input type="text" name="input[title]" value=input.title.clone() maxlength="200"/></label>
        {field_error(v, "title")}
        <label>{t!(i18n, short_description)}
            <textarea name="input[short_description]" rows="10" lang="en" dir="auto"
                on:input=move |ev| set_words.set(word_count(&event_target_value(&ev)))>{input.short_description.clone()}</textarea>
        </label>
        <span class="hint" aria-live="polite">
            <span data-testid="word-count" class:error=move || !in_range()>{move || words.get()}</span>" "{t!(i18n, words_required)}
        </span>
        {field_error(v, "short_description")}
        <label>{t!(i18n, action_line_linkage)}{text_area("action_line_linkage", input.action_line_linkage.clone())}</label>
        {field_error(v, "action_line_linkage")}
        <fieldset>
            <legend>{t!(i18n, sdgs)}</legend>
            <span class="hint">{t!(i18n, sdgs_hint)}</span>
            <div class="checkbox-grid">
                {(1u8..=17).map(|g| view! {
                    <label class="inline"><input type="checkbox" name="input[sdgs][]" value=g.to_string() checked=sdgs.goals().contains(&g)/>" SDG "{g}</label>
                }).collect_view()}
            </div>
        </fieldset>
        {field_error(v, "sdgs")}
        <label>{t!(i18n, impact_qualitative)}{text_area("impact_qualitative", input.impact_qualitative.clone())}</label>
        {field_error(v, "impact_qualitative")}
        <label>{t!(i18n, impact_quantitative)}{text_area("impact_quantitative", input.impact_quantitative.clone())}</label>
        {field_error(v, "impact_quantitative")}
        <label>{t!(i18n, partnerships)}{text_area("partnerships", input.partnerships.clone())}</label>
        {field_error(v, "partnerships")}
        <label>{t!(i18n, challenges)}{text_area("challenges", input.challenges.clone())}</label>
        {field_error(v, "challenges")}
    }
}

/// The form's second part: who runs the project and how to reach them.
#[component]
fn OrganisationFields(input: NominationInput, action: ServerAction<SaveDraft>) -> impl IntoView {
    let i18n = use_i18n();
    let v = action.value();
    view! {
        <label>{t!(i18n, organisation)}<input type="text" name="input[organisation]" value=input.organisation.clone() maxlength="200"/></label>
        {field_error(v, "organisation")}
        <label>{t!(i18n, stakeholder)}
            <select name="input[stakeholder_type]">
                <option value="">{t!(i18n, choose)}</option>
                {StakeholderType::ALL.into_iter().map(|s| view! {
                    <option value=s.key() selected=input.stakeholder_type == s.key()>{stakeholder_name(i18n, s)}</option>
                }).collect_view()}
            </select>
        </label>
        {field_error(v, "stakeholder_type")}
        <label>{t!(i18n, country)}<input type="text" name="input[country]" value=input.country.clone() maxlength="100"/></label>
        {field_error(v, "country")}
        <label>{t!(i18n, region)}
            <select name="input[region]">
                <option value="">{t!(i18n, choose)}</option>
                {Region::ALL.into_iter().map(|r| view! {
                    <option value=r.key() selected=input.region == r.key()>{region_name(i18n, r)}</option>
                }).collect_view()}
            </select>
        </label>
        {field_error(v, "region")}
        <label>{t!(i18n, website)}<input type="url" name="input[website]" value=input.website.clone() maxlength="500"/></label>
        {field_error(v, "website")}
        <label>{t!(i18n, contact)}<input type="email" name="input[contact]" value=input.contact.clone() maxlength="254"/></label>
        {field_error(v, "contact")}
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
        <Loaded data let:rows>
            {if rows.is_empty() {
                view! { <p>{t!(i18n, my_submissions_empty)}</p> }.into_any()
            } else {
                view! { <SubmissionTable rows/> }.into_any()
            }}
        </Loaded>
    }
}

#[component]
fn SubmissionTable(rows: Vec<SubmissionView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="my-submissions">
            <thead><tr>
                <th scope="col">{t!(i18n, project_title)}</th>
                <th scope="col">{t!(i18n, category)}</th>
                <th scope="col">{t!(i18n, edition_word)}</th>
                <th scope="col">{t!(i18n, status)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|s| {
                    let title = if s.input.title.is_empty() { "—".to_string() } else { s.input.title.clone() };
                    view! {
                        <tr data-status=s.status.key()>
                            <td><a href=format!("/submissions/{}", s.id) lang="en" dir="auto">{title}</a></td>
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
    }
}

#[component]
pub fn SubmissionPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_submission);
    view! {
        <Loaded data let:s>
            <Submission s/>
        </Loaded>
    }
}

/// A draft in its form while it may change; otherwise the project and its status.
#[component]
fn Submission(s: SubmissionView) -> impl IntoView {
    let i18n = use_i18n();
    if s.editable {
        // a deadline of its own, when the secretariat extended it
        let extended = s.extended_until.filter(|u| *u > s.submission_closes);
        let deadline = extended.unwrap_or(s.submission_closes);
        return view! {
            <Title text=t_string!(i18n, edit_draft)/>
            <h1>{t!(i18n, edit_draft)}</h1>
            <FormNotice/>
            <p data-testid="submission-deadline">{t!(i18n, submission_deadline)}" "<strong>{geneva_and_utc(i18n, deadline)}</strong><LocalTime at=deadline/></p>
            {extended.map(|_| view! { <p class="notice" data-testid="deadline-extended">{t!(i18n, deadline_extended)}</p> })}
            {s.team.clone().map(|t| view! { <TeamSection id=s.id team=t editable=true/> })}
            <NominationForm initial=Some(s)/>
        }
        .into_any();
    }
    view! {
        <Title text=t_string!(i18n, submission_title)/>
        <h1>{t!(i18n, submission_title)}</h1>
        <FormNotice/>
        <p data-testid="submission-status" data-status=s.status.key()>
            {t!(i18n, status)}": "<span class="badge">{status_name(i18n, s.status)}</span>
        </p>
        {s.rejection_reason.clone().map(|r| view! { <p>{t!(i18n, reason)}": "{r}</p> })}
        {(s.status == NominationStatus::Draft).then(|| view! { <p class="hint">{t!(i18n, not_editable)}</p> })}
        {s.status.on_ballot().then(|| view! { <CampaignLinks nominee=s.id/> })}
        {s.feedback.clone().map(|f| view! { <FeedbackSection f/> })}
        {s.team.clone().map(|t| view! { <TeamSection id=s.id team=t editable=false/> })}
        <SubmissionDetails s/>
    }
    .into_any()
}

/// The project's team: its owner, co-editors and open invitations; while the draft may
/// change, its owner invites, removes and hands the project over.
#[component]
fn TeamSection(id: uuid::Uuid, team: wsis::team::TeamView, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<TeamInvite>::new();
    let remove = ServerAction::<TeamRemove>::new();
    let transfer = ServerAction::<TeamTransfer>::new();
    let current = RwSignal::new(team);
    for v in [invite.value(), remove.value(), transfer.value()] {
        Effect::new(move |_| {
            if let Some(Ok(t)) = v.get() {
                current.set(t);
            }
        });
    }
    let error = move || {
        [invite.value().get(), remove.value().get(), transfer.value().get()].into_iter().flatten().find_map(|r| r.err())
    };
    let pid = id.to_string();
    view! {
        <section class="team" data-testid="team">
            <h2>{t!(i18n, team_title)}</h2>
            <p class="hint">{t!(i18n, team_hint, max = wsis::team::MAX_EDITORS)}</p>
            {move || {
                let t = current.get();
                // the owner removes and hands over at any time; invites while the draft may change
                let manage = t.owner_is_me;
                let pid = pid.clone();
                view! {
                    <p>{t!(i18n, team_owner)}" "<strong data-testid="team-owner">{t.owner.clone()}</strong></p>
                    {(t.editors.is_empty() && t.invited.is_empty()).then(|| view! { <p>{t!(i18n, team_none)}</p> })}
                    <ul>
                        {t.editors.clone().into_iter().map(|e| view! { <TeamMember id=pid.clone() email=e invited=false manage remove/> }).collect_view()}
                        {t.invited.clone().into_iter().map(|e| view! { <TeamMember id=pid.clone() email=e invited=true manage remove/> }).collect_view()}
                    </ul>
                    {manage.then(|| {
                        let editors = t.editors.clone();
                        let pid2 = pid.clone();
                        view! {
                            {editable.then(|| view! {
                                <ActionForm action=invite attr:class="form inline">
                                    <input type="hidden" name="id" value=pid/>
                                    <label>{t!(i18n, team_invite_label)}<input type="email" name="email" required maxlength="254" data-testid="team-invite-email"/></label>
                                    <button type="submit" class="button small" data-testid="team-invite">{t!(i18n, team_invite)}</button>
                                </ActionForm>
                            })}
                            {(!editors.is_empty()).then(|| view! {
                                <ActionForm action=transfer attr:class="form inline">
                                    <input type="hidden" name="id" value=pid2/>
                                    <label>{t!(i18n, team_transfer_label)}
                                        <select name="email" data-testid="team-transfer-to">
                                            {editors.into_iter().map(|e| view! { <option value=e.clone()>{e.clone()}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class="button small secondary" data-testid="team-transfer">{t!(i18n, team_transfer)}</button>
                                </ActionForm>
                            })}
                        }
                    })}
                }
            }}
            {move || error().map(|e| view! { <p class="error" role="alert" data-testid="team-error">{crate::components::notice::describe(&e)}</p> })}
        </section>
    }
}

/// A co-editor or an invited address, with the owner's button to remove or withdraw it.
#[component]
fn TeamMember(id: String, email: String, invited: bool, manage: bool, remove: ServerAction<TeamRemove>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li data-testid=if invited { "team-invited" } else { "team-editor" }>{email.clone()}
            {invited.then(|| view! { " — "<em>{t!(i18n, team_invited)}</em> })}
            {manage.then(|| view! {
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="email" value=email/>
                    <button type="submit" class="chip">{if invited { t_string!(i18n, team_withdraw).to_string() } else { t_string!(i18n, team_remove).to_string() }}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// `/invitations/{token}`: an invitation to a project's team, for an account of the
/// invited address, who joins with one button.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let accept = ServerAction::<TeamAccept>::new();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(move || (token(), accept.version().get()), |(t, _)| team_invitation(t));
    view! {
        <Title text=t_string!(i18n, invitation_title)/>
        <h1>{t!(i18n, invitation_title)}</h1>
        <FormNotice/>
        {move || accept.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
        <Loaded data let:inv>
            <p data-testid="invitation">{t!(i18n, invitation_from, name = inv.invited_by.clone(), title = inv.title.clone(), year = inv.edition_year)}</p>
            {match inv.project {
                Some(p) => view! { <p><a class="button" href=format!("/submissions/{p}") data-testid="invitation-project">{t!(i18n, invitation_open)}</a></p> }.into_any(),
                None => view! {
                    <ActionForm action=accept>
                        <input type="hidden" name="token" value=token()/>
                        <button type="submit" class="button" data-testid="accept-invitation">{t!(i18n, invitation_accept)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </Loaded>
    }
}

/// A champion's or winner's feedback after the release: its result beside the category's
/// mean, and the experts' comments without their names.
#[component]
fn FeedbackSection(f: wsis::review::Feedback) -> impl IntoView {
    let i18n = use_i18n();
    let tenths = |x: Option<u32>| x.map_or_else(|| "—".to_string(), |x| format!("{}.{}", x / 10, x % 10));
    let champions = f.champions;
    view! {
        <section class="feedback" data-testid="feedback">
            <h2>{t!(i18n, feedback_heading)}</h2>
            <dl class="figures">
                <div><dt>{t!(i18n, feedback_result)}</dt><dd data-testid="feedback-result">{tenths(f.result)}</dd></div>
                <div><dt>{t!(i18n, feedback_mean, count = champions)}</dt><dd data-testid="feedback-mean">{tenths(f.category_mean)}</dd></div>
            </dl>
            <p class="hint">{t!(i18n, feedback_points)}</p>
            <h3>{t!(i18n, feedback_comments)}</h3>
            {if f.comments.is_empty() {
                view! { <p>{t!(i18n, feedback_no_comments)}</p> }.into_any()
            } else {
                view! { <ul data-testid="feedback-comments">{f.comments.into_iter().map(|c| view! { <li lang="en" dir="auto">{c}</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

/// A submission's fields as submitted (its submitter and the screeners see them).
#[component]
pub fn SubmissionDetails(s: SubmissionView) -> impl IntoView {
    let i18n = use_i18n();
    let i = s.input.clone();
    let sdgs = i.sdgs.iter().map(|g| format!("SDG {g}")).collect::<Vec<_>>().join(", ");
    let region = Region::parse(&i.region).map(|r| region_name(i18n, r)).unwrap_or_default();
    let stakeholder = StakeholderType::parse(&i.stakeholder_type).map(|t| stakeholder_name(i18n, t)).unwrap_or_default();
    view! {
        <article class="nominee-detail">
            <h2 lang="en" dir="auto">{i.title.clone()}</h2>
            <p class="meta"><span lang="en" dir="auto">{i.organisation.clone()}</span>" · "{i.country.clone()}" · "{region}" · "{stakeholder}</p>
            <section>
                <h3>{t!(i18n, short_description)}</h3>
                <p lang="en" dir="auto">{i.short_description.clone()}</p>
                <p class="hint"><span data-testid="word-count">{word_count(&i.short_description)}</span>" "{t!(i18n, words_required)}</p>
            </section>
            <dl class="fields">
                <dt>{t!(i18n, category)}</dt><dd>{s.category_code.clone()}": "{category_label(i18n, &s.category_code, &s.category_name)}</dd>
                <dt>{t!(i18n, edition_word)}</dt><dd>{s.edition_year}</dd>
                <dt>{t!(i18n, action_line_linkage)}</dt><dd lang="en" dir="auto">{i.action_line_linkage.clone()}</dd>
                <dt>{t!(i18n, sdgs)}</dt><dd>{sdgs}</dd>
                <dt>{t!(i18n, impact_qualitative)}</dt><dd lang="en" dir="auto">{i.impact_qualitative.clone()}</dd>
                <dt>{t!(i18n, impact_quantitative)}</dt><dd lang="en" dir="auto">{i.impact_quantitative.clone()}</dd>
                <dt>{t!(i18n, partnerships)}</dt><dd lang="en" dir="auto">{i.partnerships.clone()}</dd>
                <dt>{t!(i18n, challenges)}</dt><dd lang="en" dir="auto">{i.challenges.clone()}</dd>
                <dt>{t!(i18n, website)}</dt><dd>{i.website.clone()}</dd>
                <dt>{t!(i18n, contact)}</dt><dd>{i.contact.clone()}</dd>
                {s.submitted_at.map(|t| view! { <dt>{t!(i18n, submitted_at)}</dt><dd>{geneva(i18n, t)}</dd> })}
            </dl>
        </article>
    }
}

/// A nominee's campaign links, for its team: one per channel it shares its page through,
/// so that the secretariat sees which channel brought which votes. No counts here.
#[component]
fn CampaignLinks(nominee: uuid::Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCampaign>::new();
    let v = create.value();
    let links = Resource::new(move || create.version().get(), move |_| my_campaigns(nominee));
    view! {
        <section class="campaigns" data-testid="campaigns">
            <h2>{t!(i18n, campaigns_title)}</h2>
            <p class="hint">{t!(i18n, campaigns_intro)}</p>
            <Loaded data=links let:list>
                {if list.is_empty() {
                    view! { <p data-testid="no-campaigns">{t!(i18n, campaigns_none)}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll"><table>
                            <thead><tr><th>{t!(i18n, campaign_code)}</th><th>{t!(i18n, campaign_label)}</th><th>{t!(i18n, campaign_link)}</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr data-testid="campaign-row">
                                        <td><code>{c.code.clone()}</code></td>
                                        <td>{c.label.clone()}</td>
                                        <td><input type="text" readonly value=c.url.clone() aria-label=c.code.clone() class="copy-field" data-testid="campaign-url"/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
            </Loaded>
            <ActionForm action=create attr:class="form inline">
                <input type="hidden" name="nominee" value=nominee.to_string()/>
                <label>{t!(i18n, campaign_code)}<input type="text" name="code" required maxlength="32" placeholder="newsletter" data-testid="campaign-code"/></label>
                {field_error(v, "code")}
                <label>{t!(i18n, campaign_label)}<input type="text" name="label" maxlength="100"/></label>
                {field_error(v, "label")}
                <button type="submit" class="button" data-testid="campaign-create">{t!(i18n, campaign_create)}</button>
            </ActionForm>
            {move || v.get().and_then(|r| r.err()).filter(|e| e.field("code").is_none() && e.field("label").is_none()).map(|e| view! {
                <p class="error" role="alert">{crate::components::notice::describe(&e)}</p>
            })}
        </section>
    }
}
