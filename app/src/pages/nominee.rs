use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use wsis::phase::{Phase, PhaseKind};

use crate::api::catalog::{get_nominee, NomineeData};
use crate::api::voting::CastVote;
use crate::api::accounts::ChromeData;
use crate::components::labels::{geneva, region_name, stakeholder_name};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::project::ProjectFields;
use crate::components::share_card::ShareCard;
use crate::i18n::*;

#[component]
pub fn NomineePage() -> impl IntoView {
    let data = nominee_of_route();
    view! {
        <Loaded data let:d>
            <Nominee d/>
        </Loaded>
    }
}

/// The nominee that the route's `:id` names (its page and its poster).
fn nominee_of_route() -> Resource<Result<NomineeData, wsis::AppError>> {
    let params = use_params_map();
    Resource::new(move || params.read().get("id").unwrap_or_default(), get_nominee)
}

/// The address of the sign-in page that comes back to `to` afterwards.
pub fn sign_in_then(to: &str) -> String {
    format!("/signin/email?next={}", wsis::share::encode(to))
}

#[component]
fn Nominee(d: NomineeData) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.nominee.clone();
    let chrome = ChromeData::current();
    let page = wsis::share::nominee_url(&chrome.public_url, n.id);
    let share = (d.edition.phase_at(d.now) == Phase::Open(PhaseKind::Voting)).then(|| view! { <ShareKit d=d.clone() page=page.clone()/> });
    view! {
        <Title text=n.title.clone()/>
        <ShareCard title=n.title.clone() description=n.short_description.clone() path=format!("/nominees/{}", n.id) site=d.edition.title.clone() image=format!("/nominees/{}/card.png", n.id)/>
        <nav class="breadcrumb" aria-label=move || t_string!(i18n, breadcrumb)>
            <a href="/categories">{t!(i18n, categories_title)}</a>" › "
            <a href=format!("/categories/{}", n.category_slug)>{n.category_code.clone()}</a>
        </nav>
        <article class="nominee-detail">
            <h1 lang="en" dir="auto">{n.title.clone()}</h1>
            <p class="meta">
                <span lang="en" dir="auto">{n.organisation.clone()}</span>" · "{n.country.clone()}" · "
                {region_name(i18n, n.region)}" · "{stakeholder_name(i18n, n.stakeholder_type)}
            </p>
            <FormNotice/>
            <VoteBox d=d.clone()/>
            <ProjectFields n=n.clone() with_category=true/>
            {share}
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
            // a visitor from a shared link: voting is the page's main button, and signing
            // in comes back here, to the confirmation
            let back = sign_in_then(&format!("/nominees/{id}?confirm=1"));
            return view! {
                <p><a class="button big" href=back data-testid="vote-sign-in">{t!(i18n, vote_sign_in_cta)}</a></p>
                <p class="hint">{t!(i18n, sign_in_to_vote)}" "{t!(i18n, vote_new_here)}" "<a href="/signup">{t!(i18n, sign_up)}</a></p>
            }
            .into_any();
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
                        {t!(i18n, you_voted_for)}" "<a href=format!("/nominees/{cid}") lang="en" dir="auto">{ctitle}</a>". "{t!(i18n, votes_are_final)}
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
                    <p>{t!(i18n, confirm_vote_text)}" "<strong lang="en" dir="auto">{title}</strong></p>
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

/// Plain share links (no script of the networks, no pixel), the page's address to copy, the
/// QR code and poster, and the badge for the team's own site.
#[component]
fn ShareKit(d: NomineeData, page: String) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.nominee.clone();
    // a plain text for other sites, its parts put in by name
    let text = t_string!(i18n, share_text).to_string().replace("[title]", &n.title).replace("[edition]", &d.edition.title);
    let subject = t_string!(i18n, share_subject).to_string();
    let links = wsis::share::ShareTarget::ALL
        .into_iter()
        .map(|t| {
            let href = t.link(&page, &text, &subject);
            view! {
                <li><a class=format!("share-link share-{}", t.key()) href=href target="_blank" rel="noopener noreferrer nofollow" data-testid=format!("share-{}", t.key())>{t.name()}</a></li>
            }
        })
        .collect_view();
    let lang = crate::components::labels::lang(i18n);
    let badge = format!("{page}/badge.svg?lang={lang}");
    let snippet = wsis::share::badge_snippet(&page, &badge, &t_string!(i18n, share_badge_alt));
    // the copy button needs a script: shown once the page runs in the browser
    let hydrated = crate::components::loaded::in_browser();
    let copied = RwSignal::new(false);
    let to_copy = page.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&to_copy);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_copy;
        copied.set(true);
    };
    view! {
        <section class="share-kit" aria-labelledby="share-heading" data-testid="share-kit">
            <h2 id="share-heading">{t!(i18n, share_heading)}</h2>
            <p class="hint">{t!(i18n, share_intro)}</p>
            <ul class="share-links">{links}</ul>
            <label class="share-url">{t!(i18n, share_link_label)}
                <input type="url" readonly value=page.clone() data-testid="share-url"/>
            </label>
            {move || hydrated.get().then(|| view! {
                <button type="button" class="button small" on:click=copy.clone() data-testid="share-copy">{t!(i18n, share_copy)}</button>
                {move || copied.get().then(|| view! { <span role="status" class="hint">" "{t!(i18n, share_copied)}</span> })}
            })}
            <p class="share-files">
                <a href=format!("/nominees/{}/poster", n.id) data-testid="share-poster">{t!(i18n, share_poster)}</a>" · "
                <a href=format!("/nominees/{}/qr.png", n.id) download="">{t!(i18n, share_qr_png)}</a>" · "
                <a href=format!("/nominees/{}/qr.svg", n.id) download="">{t!(i18n, share_qr_svg)}</a>
            </p>
            <h3>{t!(i18n, share_badge)}</h3>
            <p><a href=page.clone()><img src=badge alt=t_string!(i18n, share_badge_alt) width="320" height="84"/></a></p>
            <label class="share-url">{t!(i18n, share_badge_html)}
                <textarea readonly rows="3" data-testid="badge-snippet">{snippet}</textarea>
            </label>
        </section>
    }
}

/// A one-page poster for print: the project, its category, the QR code of its page and the
/// close of voting.
#[component]
pub fn PosterPage() -> impl IntoView {
    let data = nominee_of_route();
    view! {
        <Loaded data let:d>
            <Poster d/>
        </Loaded>
    }
}

#[component]
fn Poster(d: NomineeData) -> impl IntoView {
    let i18n = use_i18n();
    let n = d.nominee.clone();
    let chrome = ChromeData::current();
    let page = wsis::share::nominee_url(&chrome.public_url, n.id);
    let closes = geneva(i18n, d.edition.schedule.window(PhaseKind::Voting).closes);
    let hydrated = crate::components::loaded::in_browser();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <Title text=n.title.clone()/>
        <p class="no-print">
            <a href=format!("/nominees/{}", n.id)>{t!(i18n, poster_back)}</a>
            {move || hydrated.get().then(|| view! { " " <button type="button" class="button small" on:click=print>{t!(i18n, poster_print)}</button> })}
        </p>
        <article class="poster" data-testid="poster">
            <p class="poster-edition">{d.edition.title.clone()}</p>
            <h1 lang="en" dir="auto">{n.title.clone()}</h1>
            <p class="poster-org"><span lang="en" dir="auto">{n.organisation.clone()}</span>" · "{n.country.clone()}</p>
            <p class="poster-category">{n.category_code.clone()}": "{crate::components::labels::category_label(i18n, &n.category_slug, &n.category_name)}</p>
            <img class="poster-qr" src=format!("/nominees/{}/qr.svg", n.id) alt=page.clone() width="320" height="320"/>
            <p class="poster-call">{t!(i18n, poster_scan)}</p>
            <p class="poster-url" lang="en" dir="ltr">{page.clone()}</p>
            <p class="poster-until">{t!(i18n, vote_until, date = closes.clone())}</p>
        </article>
    }
}
