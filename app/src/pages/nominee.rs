use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use wsis::phase::{Phase, PhaseKind};

use crate::api::catalog::{get_nominee, NomineeData};
use crate::api::voting::CastVote;
use crate::components::labels::{region_name, stakeholder_name};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::project::ProjectFields;
use crate::i18n::*;

#[component]
pub fn NomineePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_nominee);
    view! {
        <Loaded data let:d>
            <Nominee d/>
        </Loaded>
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
