//! Expert review pages: the expert's list of champions, the scoring sheet, and the
//! secretariat's review page (rubric, expert group, ranking, winners).

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;
use wsis::review::{CategoryReview, ExpertHome, RankedChampion, ReviewAdmin, ReviewSheet, ReviewStatus, Rubric};

use crate::api::results::ReleaseResults;
use crate::api::review::{
    admin_review, expert_reviews, get_review_sheet, AssignExpert, DeclareConflict, DeliberationNotes, HideComment, SaveReview,
    SelectWinners, SetRubric, UnassignExpert,
};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{category_label, geneva, num};
use crate::components::loaded::Loaded;
use crate::components::notice::{field_error, result_line, FormNotice};
use crate::components::project::ProjectFields;
use crate::i18n::*;

fn status_label(i18n: I18nContext<Locale>, s: ReviewStatus) -> String {
    match s {
        ReviewStatus::NotStarted => t_string!(i18n, review_not_started),
        ReviewStatus::Draft => t_string!(i18n, review_draft),
        ReviewStatus::Submitted => t_string!(i18n, review_submitted),
        ReviewStatus::Conflict => t_string!(i18n, review_conflict),
    }
    .to_string()
}

fn points(p: Option<f64>) -> String {
    p.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
}

/// `/review`: the champions of the expert's categories.
#[component]
pub fn ExpertHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| expert_reviews());
    view! {
        <Title text=t_string!(i18n, review_title)/>
        <h1>{t!(i18n, review_title)}</h1>
        <FormNotice/>
        <Loaded data let:h>
            <ExpertHomeView h/>
        </Loaded>
    }
}

#[component]
fn ExpertHomeView(h: ExpertHome) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="hint">
            {if h.review_open { t_string!(i18n, review_open_until) } else { t_string!(i18n, review_window) }}
            " "{geneva(i18n, h.opens)}" – "{geneva(i18n, h.closes)}" "{t!(i18n, geneva_time)}
        </p>
        {h.categories.is_empty().then(|| view! { <p data-testid="no-categories">{t!(i18n, review_no_categories)}</p> })}
        {h.categories.into_iter().map(|c| view! {
            <section>
                <h2>{c.code.clone()}" — "{category_label(i18n, &c.slug, &c.name)}</h2>
                {c.champions.is_empty().then(|| view! { <p class="hint">{t!(i18n, review_no_champions)}</p> })}
                <table class="table" data-testid=format!("review-{}", c.slug)>
                    <thead><tr><th>{t!(i18n, project)}</th><th>{t!(i18n, country)}</th><th>{t!(i18n, status)}</th></tr></thead>
                    <tbody>
                        {c.champions.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=format!("/review/{}", r.nominee) lang="en" dir="auto">{r.title}</a><br/><small lang="en" dir="auto">{r.organisation}</small></td>
                                <td>{r.country}</td>
                                <td data-testid="review-status">{status_label(i18n, r.status)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }).collect_view()}
    }
}

/// `/review/:id`: one champion's submission and the expert's scoring form.
#[component]
pub fn ReviewSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let save = ServerAction::<SaveReview>::new();
    let conflict = ServerAction::<DeclareConflict>::new();
    let id = move || params.read().get("id").and_then(|s| Uuid::parse_str(&s).ok()).unwrap_or_default();
    let data = Resource::new(move || (id(), save.version().get(), conflict.version().get()), |(id, _, _)| get_review_sheet(id));
    view! {
        <Title text=t_string!(i18n, review_title)/>
        <nav class="breadcrumb" aria-label=move || t_string!(i18n, breadcrumb)>
            <a href="/review">{t!(i18n, review_title)}</a>
        </nav>
        <FormNotice/>
        {result_line(save.value(), move |s: &ReviewSheet| {
            if s.status == ReviewStatus::Submitted { t_string!(i18n, review_submitted_notice).to_string() } else { t_string!(i18n, draft_saved).to_string() }
        })}
        {result_line(conflict.value(), move |_| t_string!(i18n, conflict_recorded).to_string())}
        <Loaded data let:s>
            <Sheet s save conflict/>
        </Loaded>
    }
}

#[component]
fn Sheet(s: ReviewSheet, save: ServerAction<SaveReview>, conflict: ServerAction<DeclareConflict>) -> impl IntoView {
    let i18n = use_i18n();
    let n = s.nominee.clone();
    let id = n.id.to_string();
    let editable = s.review_open && matches!(s.status, ReviewStatus::NotStarted | ReviewStatus::Draft);
    let rubric = s.rubric.clone();
    let points_now = rubric.points(&s.scores);
    view! {
        <article class="nominee-detail">
            <h1 lang="en" dir="auto">{n.title.clone()}</h1>
            <p class="meta">
                {s.category_code.clone()}" · "<span lang="en" dir="auto">{n.organisation.clone()}</span>" · "{n.country.clone()}
            </p>
            <p data-testid="sheet-status"><strong>{t!(i18n, status)}": "</strong>{status_label(i18n, s.status)}
                {points_now.map(|p| format!(" — {p:.1} / 100"))}
            </p>
            <ProjectFields n=n.clone()/>
        </article>
        <section class="review-form">
            <h2>{t!(i18n, your_scores)}</h2>
            {s.conflict_reason.clone().map(|r| view! { <p class="notice" data-testid="conflict-note">{t!(i18n, review_conflict)}": "{r}</p> })}
            {(!s.review_open).then(|| view! { <p class="hint">{t!(i18n, review_closed_note)}" "{geneva(i18n, s.closes)}</p> })}
            {(s.status != ReviewStatus::Conflict).then(|| view! { <ScoreForm s=s.clone() editable save/> })}
        </section>
        {editable.then(|| {
            let id = id.clone();
            view! {
                <section>
                    <h2>{t!(i18n, declare_conflict)}</h2>
                    <p class="hint">{t!(i18n, declare_conflict_hint)}</p>
                    <ActionForm action=conflict>
                        <input type="hidden" name="nominee" value=id/>
                        <label>{t!(i18n, reason)}<input type="text" name="reason" required data-testid="conflict-reason"/></label>
                        <button type="submit" class="button secondary" data-testid="declare-conflict">{t!(i18n, declare_conflict)}</button>
                    </ActionForm>
                </section>
            }
        })}
        {s.peers.clone().map(|peers| view! {
            <section data-testid="peer-scores">
                <h2>{t!(i18n, other_experts)}</h2>
                {peers.is_empty().then(|| view! { <p class="hint">{t!(i18n, no_other_scores)}</p> })}
                <ul>
                    {peers.into_iter().map(|p| view! {
                        <li><strong>{p.expert}</strong>" — "{points(p.points)}" / 100"<br/><span>{p.comment}</span></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// The rubric's scores and the comment, saved as a draft or submitted as final.
#[component]
fn ScoreForm(s: ReviewSheet, editable: bool, save: ServerAction<SaveReview>) -> impl IntoView {
    let i18n = use_i18n();
    let (rubric, scores, comment, id) = (s.rubric, s.scores, s.comment, s.nominee.id.to_string());
    view! {
        <ActionForm action=save>
            <input type="hidden" name="nominee" value=id/>
            <table class="table rubric">
                <thead><tr><th>{t!(i18n, criterion)}</th><th>{t!(i18n, weight)}</th><th>{t!(i18n, score)}</th></tr></thead>
                <tbody>
                    {rubric.criteria.into_iter().map(|c| {
                        let input_id = format!("score-{}", c.key);
                        let value = scores.get(&c.key).map(|v| v.to_string()).unwrap_or_default();
                        view! {
                            <tr>
                                <td><label for=input_id.clone()>{c.label.clone()}</label></td>
                                <td>{c.weight}</td>
                                <td>
                                    <input id=input_id type="number" name=format!("scores[{}]", c.key) min=c.min max=c.max step="1"
                                        value=value disabled=!editable data-testid=format!("score-{}", c.key)/>
                                    <small>" "{c.min}"–"{c.max}</small>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <label>{t!(i18n, comment)}
                <textarea name="comment" rows="5" disabled=!editable data-testid="review-comment" aria-describedby="comment-reaches-team">{comment}</textarea>
            </label>
            <p class="hint" id="comment-reaches-team">{t!(i18n, review_comment_hint)}</p>
            {editable.then(|| view! {
                <label class="check"><input type="checkbox" name="submit" value="true" data-testid="review-final"/>" "{t!(i18n, submit_final)}</label>
                <button type="submit" class="button" data-testid="save-review">{t!(i18n, save)}</button>
            })}
        </ActionForm>
    }
}

/// `/admin/review`: rubric, expert group, ranking and winners of an edition.
#[component]
pub fn AdminReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let rubric = ServerAction::<SetRubric>::new();
    let assign = ServerAction::<AssignExpert>::new();
    let unassign = ServerAction::<UnassignExpert>::new();
    let winners = ServerAction::<SelectWinners>::new();
    let release = ServerAction::<ReleaseResults>::new();
    let notes = ServerAction::<DeliberationNotes>::new();
    let hide = ServerAction::<HideComment>::new();
    provide_context(notes);
    provide_context(hide);
    let year = move || q.read().get("year").unwrap_or_default();
    let version = move || {
        rubric.version().get() + assign.version().get() + unassign.version().get() + winners.version().get() + release.version().get() + notes.version().get()
            + hide.version().get()
    };
    let data = Resource::new(move || (year(), version()), |(y, _)| admin_review(y));
    view! {
        <Title text=t_string!(i18n, admin_review)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_review)}</h1>
        <FormNotice/>
        {result_line(rubric.value(), move |_| t_string!(i18n, rubric_saved).to_string())}
        {result_line(assign.value(), move |_| t_string!(i18n, expert_added).to_string())}
        {result_line(unassign.value(), move |_| t_string!(i18n, expert_removed).to_string())}
        {result_line(winners.value(), move |_| t_string!(i18n, winners_staged).to_string())}
        {result_line(release.value(), move |_| t_string!(i18n, results_released_notice).to_string())}
        {result_line(notes.value(), move |_| t_string!(i18n, notes_saved).to_string())}
        {result_line(hide.value(), move |_| t_string!(i18n, comment_changed).to_string())}
        <Loaded data let:v>
            <ReviewOverview v rubric assign unassign winners release/>
        </Loaded>
    }
}

#[component]
fn ReviewOverview(
    v: ReviewAdmin,
    rubric: ServerAction<SetRubric>,
    assign: ServerAction<AssignExpert>,
    unassign: ServerAction<UnassignExpert>,
    winners: ServerAction<SelectWinners>,
    release: ServerAction<ReleaseResults>,
) -> impl IntoView {
    let i18n = use_i18n();
    let y = v.year.to_string();
    let y_release = y.clone();
    let (max, can_choose) = (v.max_winners, !v.released);
    view! {
        <p>{t!(i18n, edition)}" "{v.year}
            {v.review_open.then(|| view! { " — " <strong>{t!(i18n, review_is_open)}</strong> })}
            {v.released.then(|| view! { " — " <strong>{t!(i18n, results_released)}</strong> })}
        </p>
        {if v.released {
            view! { <p><a href=format!("/results/{}", v.year)>{t!(i18n, results_title)}</a></p> }.into_any()
        } else {
            view! {
                <section>
                    <h2>{t!(i18n, release_results)}</h2>
                    <ActionForm action=release>
                        <input type="hidden" name="year" value=y_release/>
                        <label class="check"><input type="checkbox" name="confirm" value="true" required data-testid="release-confirm"/>" "{t!(i18n, release_confirm)}</label>
                        <button type="submit" class="button" data-testid="release-results">{t!(i18n, release_results)}</button>
                    </ActionForm>
                </section>
            }
            .into_any()
        }}
        <RubricSection year=y.clone() r=v.rubric locked=v.rubric_locked rubric/>
        <ExpertGroup year=y.clone() experts=v.experts assign/>
        {v.categories.into_iter().map(|c| view! {
            <CategoryBlock c=c year=y.clone() max=max can_choose=can_choose unassign=unassign winners=winners/>
        }).collect_view()}
    }
}

/// The scoring rubric: editable until the first score is saved.
#[component]
fn RubricSection(year: String, r: Rubric, locked: bool, rubric: ServerAction<SetRubric>) -> impl IntoView {
    let i18n = use_i18n();
    let body = if locked {
        view! {
            <p class="hint" data-testid="rubric-locked">{t!(i18n, rubric_locked)}</p>
            <ol>{r.criteria.iter().map(|c| view! { <li>{c.label.clone()}" — ×"{c.weight}" ("{c.min}"–"{c.max}")"</li> }).collect_view()}</ol>
            <p>{if r.normalise { t_string!(i18n, normalise_on) } else { t_string!(i18n, normalise_off) }}</p>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=rubric>
                <input type="hidden" name="year" value=year/>
                <label for="criteria">{t!(i18n, rubric_lines)}</label>
                <textarea id="criteria" name="criteria" rows="10" aria-describedby="criteria-error">{r.to_text()}</textarea>
                {field_error(rubric.value(), "criteria")}
                <label class="check"><input type="checkbox" name="normalise" value="true" checked=r.normalise/>" "{t!(i18n, normalise)}</label>
                <button type="submit" class="button" data-testid="save-rubric">{t!(i18n, save)}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section>
            <h2>{t!(i18n, rubric)}</h2>
            {body}
        </section>
    }
}

/// Adding an expert (an account with the expert role) to a category's group.
#[component]
fn ExpertGroup(year: String, experts: Vec<(String, String)>, assign: ServerAction<AssignExpert>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{t!(i18n, expert_group)}</h2>
            <ActionForm action=assign attr:class="filters">
                <input type="hidden" name="year" value=year/>
                <label>{t!(i18n, category)}
                    <select name="category" data-testid="assign-category">
                        {wsis::category::CATEGORIES.iter().map(|c| view! { <option value=c.slug>{c.code}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t!(i18n, expert)}
                    <select name="email" data-testid="assign-email">
                        {experts.iter().map(|(e, n)| view! { <option value=e.clone()>{format!("{n} <{e}>")}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button" data-testid="assign-expert">{t!(i18n, add_expert)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CategoryBlock(
    c: CategoryReview,
    year: String,
    max: u32,
    can_choose: bool,
    unassign: ServerAction<UnassignExpert>,
    winners: ServerAction<SelectWinners>,
) -> impl IntoView {
    let i18n = use_i18n();
    let slug = c.slug.clone();
    let (notes_slug, notes_year) = (c.slug.clone(), year.clone());
    let has_ranking = !c.ranking.is_empty();
    view! {
        <section class="review-category" data-testid=format!("category-{}", c.slug)>
            <h2>{c.code.clone()}" — "<span data-testid="progress">{c.submitted}" / "{c.expected}</span>" "{t!(i18n, scores_received)}
                {c.tie_at_top.then(|| view! { " — " <span class="error" data-testid="tie-at-top">{t!(i18n, tie_at_top)}</span> })}
            </h2>
            <ul class="experts">
                {c.experts.into_iter().map(|x| {
                    let (slug, year) = (slug.clone(), year.clone());
                    view! {
                        <li>
                            {x.name.clone()}" <"{x.email.clone()}"> — "{x.submitted}" / "{x.expected}
                            {(x.conflicts > 0).then(|| format!(" ({} {})", x.conflicts, t_string!(i18n, conflicts_word)))}
                            <ActionForm action=unassign attr:class="inline">
                                <input type="hidden" name="year" value=year/>
                                <input type="hidden" name="category" value=slug/>
                                <input type="hidden" name="email" value=x.email.clone()/>
                                <button type="submit" class="chip">{t!(i18n, remove)}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {has_ranking.then(|| {
                let decided = c.decided;
                let reason = c.decision_reason.clone();
                let ranking = c.ranking.clone();
                let any_winner = ranking.iter().any(|r| r.winner);
                view! {
                    <ActionForm action=winners>
                        <input type="hidden" name="year" value=year.clone()/>
                        <input type="hidden" name="category" value=slug.clone()/>
                        <table class="table ranking">
                            <caption class="visually-hidden">{t!(i18n, ranking)}" "{c.code.clone()}</caption>
                            <thead><tr>
                                <th>{t!(i18n, rank)}</th><th>{t!(i18n, project)}</th><th>{t!(i18n, votes_word)}</th>
                                <th>{t!(i18n, raw_score)}</th><th>{t!(i18n, normalised_score)}</th><th>{t!(i18n, scores_word)}</th>
                                <th>{t!(i18n, winner)}</th>
                            </tr></thead>
                            <tbody>
                                {ranking.into_iter().enumerate().map(|(i, r)| {
                                    // before any decision the top-ranked champion is ticked
                                    let checked = if decided { r.winner } else { !any_winner && i == 0 && r.rank.is_some() };
                                    view! {
                                        <tr data-testid="ranking-row">
                                            <td>{r.rank.map(|x| x.to_string()).unwrap_or_else(|| "—".into())}</td>
                                            <td><span lang="en" dir="auto">{r.title.clone()}</span><br/><small lang="en" dir="auto">{r.organisation.clone()}</small>" · "<small>{r.country.clone()}</small></td>
                                            <td>{num(i18n, r.votes)}</td>
                                            <td>{points(r.raw)}</td>
                                            <td>{points(r.normalised)}</td>
                                            <td>{r.scores}{(r.conflicts > 0).then(|| format!(" (+{} {})", r.conflicts, t_string!(i18n, conflicts_word)))}</td>
                                            <td>
                                                <input type="checkbox" name=format!("winners[{i}]") value=r.nominee.to_string() checked=checked
                                                    disabled=!can_choose aria-label=format!("{} {}", t_string!(i18n, winner), r.title) data-testid="winner-box"/>
                                                {r.winner.then(|| view! { " ★" })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {decided.then(|| view! { <p data-testid="decided">{t!(i18n, winners_decided)}{reason.clone().map(|r| format!(" — {r}"))}</p> })}
                        {can_choose.then(|| view! {
                            <p class="hint">{t!(i18n, winners_hint, max = max)}</p>
                            <label>{t!(i18n, reason_if_departing)}<input type="text" name="reason" data-testid="winner-reason"/></label>
                            <button type="submit" class="button" data-testid="select-winners">{t!(i18n, stage_winners)}</button>
                        })}
                    </ActionForm>
                    <TeamComments ranking=c.ranking.clone() can_change=true/>
                }
            })}
            <Deliberation slug=notes_slug year=notes_year notes=c.notes.clone() updated=c.notes_updated_at history=c.history.clone()/>
        </section>
    }
}

/// The experts' comments per champion as its team reads them after the release (without
/// the experts' names); before the release an admin keeps one back.
#[component]
fn TeamComments(ranking: Vec<RankedChampion>, can_change: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = use_context::<ServerAction<HideComment>>().filter(|_| can_change);
    let comments: Vec<(String, wsis::review::ReviewComment)> =
        ranking.into_iter().flat_map(|r| { let title = r.title; r.comments.into_iter().map(move |c| (title.clone(), c)) }).collect();
    view! {
        <details class="team-comments" data-testid="team-comments">
            <summary>{t!(i18n, team_comments)}" ("{comments.len()}")"</summary>
            <p class="hint">{t!(i18n, team_comments_hint)}</p>
            <ul>
                {comments.into_iter().map(|(title, c)| view! {
                    <li data-testid="team-comment" data-hidden=c.hidden.to_string()>
                        <strong lang="en" dir="auto">{title}</strong>" — "{c.expert.clone()}": "<span dir="auto">{c.comment.clone()}</span>
                        {c.hidden.then(|| view! { " "<span class="badge">{t!(i18n, comment_hidden)}</span> })}
                        {action.map(|a| view! {
                            <ActionForm action=a attr:class="inline">
                                <input type="hidden" name="review" value=c.review.to_string()/>
                                <input type="hidden" name="hidden" value=(!c.hidden).to_string()/>
                                <button type="submit" class="chip" data-testid="toggle-comment">
                                    {if c.hidden { t_string!(i18n, show_comment).to_string() } else { t_string!(i18n, hide_comment).to_string() }}
                                </button>
                            </ActionForm>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
}

/// The expert group's deliberation on a category: its notes (admins record them) and the
/// history of every saved change of the category's reviews.
#[component]
fn Deliberation(
    slug: String,
    year: String,
    notes: String,
    updated: Option<chrono::DateTime<chrono::Utc>>,
    history: Vec<wsis::review::ReviewRevision>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = use_context::<ServerAction<DeliberationNotes>>();
    let id = format!("notes-{slug}");
    view! {
        <div class="deliberation" data-testid="deliberation">
            {action.map(|action| {
                let id = id.clone();
                view! {
                    <ActionForm action=action attr:class="form compact">
                        <input type="hidden" name="year" value=year.clone()/>
                        <input type="hidden" name="category" value=slug.clone()/>
                        <label for=id.clone()>{t!(i18n, deliberation_notes)}
                            {updated.map(|t| view! { " "<small>"("{crate::components::labels::utc(i18n, t)}")"</small> })}
                        </label>
                        <textarea id=id name="notes" rows="3" maxlength=wsis::review::NOTES_CHARS.to_string() data-testid="notes">{notes.clone()}</textarea>
                        <button type="submit" class="button small" data-testid="save-notes">{t!(i18n, save_notes)}</button>
                    </ActionForm>
                }
            })}
            <details data-testid="review-history">
                <summary>{t!(i18n, review_history)}" ("{history.len()}")"</summary>
                <table class="table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, saved_at)}</th><th scope="col">{t!(i18n, expert)}</th><th scope="col">{t!(i18n, project)}</th>
                        <th scope="col">{t!(i18n, status_word)}</th><th scope="col">{t!(i18n, scores_word)}</th><th scope="col">{t!(i18n, comment_word)}</th>
                    </tr></thead>
                    <tbody>
                        {history.into_iter().map(|r| view! {
                            <tr data-testid="revision" data-status=r.status.key()>
                                <td>{crate::components::labels::utc(i18n, r.saved_at)}</td>
                                <td>{r.expert}</td>
                                <td lang="en" dir="auto">{r.champion}</td>
                                <td>{status_label(i18n, r.status)}</td>
                                <td><code>{r.scores.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")}</code></td>
                                <td dir="auto">{r.comment}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </div>
    }
}
