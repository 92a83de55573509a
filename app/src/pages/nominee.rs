use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use wsis::nomination::{Region, StakeholderType};
use wsis::phase::{Phase, PhaseKind};

use crate::api::catalog::{get_nominee, NomineeData};
use crate::api::voting::CastVote;
use crate::components::notice::{ErrorBox, FormNotice};
use crate::components::labels::category_label;
use crate::i18n::*;
use leptos_i18n::I18nContext;

pub fn region_name(i18n: I18nContext<Locale>, r: Region) -> String {
    match r {
        Region::Africa => t_string!(i18n, region_africa),
        Region::Americas => t_string!(i18n, region_americas),
        Region::ArabStates => t_string!(i18n, region_arab_states),
        Region::AsiaPacific => t_string!(i18n, region_asia_pacific),
        Region::Cis => t_string!(i18n, region_cis),
        Region::Europe => t_string!(i18n, region_europe),
    }
    .to_string()
}

pub fn stakeholder_name(i18n: I18nContext<Locale>, s: StakeholderType) -> String {
    match s {
        StakeholderType::Government => t_string!(i18n, stakeholder_government),
        StakeholderType::PrivateSector => t_string!(i18n, stakeholder_private_sector),
        StakeholderType::CivilSociety => t_string!(i18n, stakeholder_civil_society),
        StakeholderType::Academia => t_string!(i18n, stakeholder_academia),
        StakeholderType::InternationalOrganisation => t_string!(i18n, stakeholder_international),
    }
    .to_string()
}

#[component]
pub fn NomineePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_nominee);
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(d) => view! { <Nominee d=d/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Nominee(d: NomineeData) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.nominee.clone();
    view! {
        <Title text=n.title.clone()/>
        <nav class="breadcrumb" aria-label=move || t_string!(i18n, breadcrumb)>
            <a href="/categories">{t!(i18n, categories_title)}</a>" › "
            <a href=format!("/categories/{}", n.category_slug)>{n.category_code.clone()}</a>
        </nav>
        <article class="nominee-detail">
            <h1 lang="en">{n.title.clone()}</h1>
            <p class="meta">
                <span lang="en">{n.organisation.clone()}</span>" · "{n.country.clone()}" · "
                {region_name(i18n, n.region)}" · "{stakeholder_name(i18n, n.stakeholder_type)}
            </p>
            <FormNotice/>
            <VoteBox d=d.clone()/>
            <ProjectFields n=n.clone() with_category=true/>
        </article>
    }
}

#[component]
fn VoteBox(d: NomineeData) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let vote = ServerAction::<CastVote>::new();
    let voting = d.edition.phase_at(d.now) == Phase::Open(PhaseKind::Voting);
    let id = d.nominee.id;
    let title = d.nominee.title.clone();
    let status = move || {
        if let Some(Ok(v)) = vote.value().get() {
            return view! {
                <div class="notice" role="status" data-testid="vote-recorded">
                    <p>{t!(i18n, vote_recorded)}</p>
                    <p>{t!(i18n, your_receipt)}": "<code data-testid="receipt">{v.receipt.clone()}</code></p>
                    <p><a href="/my-votes">{t!(i18n, nav_my_votes)}</a>" · "<a href="/categories">{t!(i18n, back_to_categories)}</a></p>
                </div>
            }
            .into_any();
        }
        if !voting {
            return view! { <p class="hint">{t!(i18n, voting_not_open)}</p> }.into_any();
        }
        if !d.signed_in {
            return view! { <p class="hint">{t!(i18n, sign_in_to_vote)}" "<a href="/signin">{t!(i18n, sign_in)}</a></p> }.into_any();
        }
        if !d.confirmed {
            return view! { <p class="hint">{t!(i18n, confirm_to_vote)}</p> }.into_any();
        }
        if let Some((cid, ctitle)) = d.my_choice.clone() {
            return if cid == id {
                view! { <p class="notice" data-testid="my-choice">"✓ "{t!(i18n, you_voted_for_this)}</p> }.into_any()
            } else {
                view! {
                    <p class="notice" data-testid="my-choice">
                        {t!(i18n, you_voted_for)}" "<a href=format!("/nominees/{cid}") lang="en">{ctitle}</a>". "{t!(i18n, votes_are_final)}
                    </p>
                }
                .into_any()
            };
        }
        let confirming = query.read().get("confirm").is_some();
        if confirming {
            let title = title.clone();
            view! {
                <div class="confirm-box" role="group" aria-labelledby="confirm-heading">
                    <h2 id="confirm-heading">{t!(i18n, confirm_vote_heading)}</h2>
                    <p>{t!(i18n, confirm_vote_text)}" "<strong lang="en">{title}</strong></p>
                    {move || vote.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="vote-error">{crate::components::notice::describe(&e)}</p> })}
                    <ActionForm action=vote>
                        <input type="hidden" name="nominee" value=id.to_string()/>
                        <crate::components::pow::PowFields purpose=wsis::pow::Purpose::Vote version=vote.version()/>
                        <button type="submit" class="button" data-testid="confirm-vote">{t!(i18n, confirm_vote)}</button>
                        " "
                        <a href=format!("/nominees/{id}")>{t!(i18n, cancel)}</a>
                    </ActionForm>
                </div>
            }
            .into_any()
        } else {
            view! {
                <p><a class="button" href=format!("/nominees/{id}?confirm=1") data-testid="vote-button">{t!(i18n, vote_for_this)}</a></p>
            }
            .into_any()
        }
    };
    view! { <section class="vote-box" aria-live="polite">{status}</section> }
}

/// A project's submitted texts (as submitted, in English) and fields, as the nominee page
/// and the expert's review sheet show them.
#[component]
pub fn ProjectFields(n: wsis::nomination::NomineeDetail, #[prop(optional)] with_category: bool) -> impl IntoView {
    let i18n = use_i18n();
    let sdgs = n.sdgs.iter().map(|g| format!("SDG {g}")).collect::<Vec<_>>().join(", ");
    let category = with_category.then(|| view! {
        <dt>{t!(i18n, category)}</dt><dd>{n.category_code.clone()}": "{category_label(i18n, &n.category_slug, &n.category_name)}</dd>
    });
    view! {
        <section>
            <h2>{t!(i18n, short_description)}</h2>
            <p lang="en">{n.short_description.clone()}</p>
        </section>
        <dl class="fields">
            {category}
            <dt>{t!(i18n, action_line_linkage)}</dt><dd lang="en">{n.action_line_linkage.clone()}</dd>
            <dt>{t!(i18n, sdgs)}</dt><dd>{sdgs}</dd>
            <dt>{t!(i18n, impact_qualitative)}</dt><dd lang="en">{n.impact_qualitative.clone()}</dd>
            <dt>{t!(i18n, impact_quantitative)}</dt><dd lang="en">{n.impact_quantitative.clone()}</dd>
            <dt>{t!(i18n, partnerships)}</dt><dd lang="en">{n.partnerships.clone()}</dd>
            <dt>{t!(i18n, challenges)}</dt><dd lang="en">{n.challenges.clone()}</dd>
            <dt>{t!(i18n, website)}</dt><dd><a href=n.website.clone() rel="nofollow noopener">{n.website.clone()}</a></dd>
        </dl>
    }
}
