//! `/admin/champions`: computing the champions from the counted votes, and resolving
//! ties at the cut-off (admins).

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use wsis::champion::ChampionsView;

use crate::api::audit::{champions, ComputeChampions, ExcludeTied};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{geneva, num};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;

#[component]
pub fn ChampionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let compute = ServerAction::<ComputeChampions>::new();
    let exclude = ServerAction::<ExcludeTied>::new();
    let data = Resource::new(move || compute.version().get() + exclude.version().get(), |_| champions());
    view! {
        <Title text=t_string!(i18n, admin_champions)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_champions)}</h1>
        <FormNotice/>
        <p class="hint">{t!(i18n, champions_intro)}</p>
        <ActionForm action=compute attr:class="inline">
            <button type="submit" class="button" data-testid="compute-champions">{t!(i18n, compute_champions)}</button>
        </ActionForm>
        {move || compute.value().get().and_then(|r| r.err()).or_else(|| exclude.value().get().and_then(|r| r.err()))
            .map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
        <Loaded data let:v>
            <Champions v exclude/>
        </Loaded>
    }
}

/// The computed champions of each category, with the ties at the cut-off to resolve.
#[component]
fn Champions(v: ChampionsView, exclude: ServerAction<ExcludeTied>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{match v.computed_at {
            Some(t) => format!("{}: {}", t_string!(i18n, computed_at), geneva(i18n, t)),
            None => t_string!(i18n, not_computed).to_string(),
        }}</p>
        {v.categories.into_iter().filter(|c| !c.lines.is_empty()).map(|c| {
            let tie = c.unresolved_tie();
            view! {
                <section class="tally">
                    <h2>{c.code.clone()}{tie.then(|| view! { " — " <span class="error">{t!(i18n, tie_at_cutoff)}</span> })}</h2>
                    <ol>
                        {c.lines.into_iter().map(|l| {
                            let id = l.nominee.to_string();
                            view! {
                                <li>
                                    <span lang="en" dir="auto">{l.title}</span>" — "{num(i18n, l.votes)}" "{t!(i18n, votes_word)}
                                    {l.excluded_reason.clone().map(|r| view! { " — " {t!(i18n, left_out)}": "{r} })}
                                    {(l.tied_at_cutoff && l.excluded_reason.is_none() && tie).then(|| view! {
                                        <ActionForm action=exclude attr:class="inline">
                                            <input type="hidden" name="nominee" value=id/>
                                            <input type="text" name="reason" required aria-label=move || t_string!(i18n, reason)/>
                                            <button type="submit" class="chip">{t!(i18n, leave_out)}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
            }
        }).collect_view()}
    }
}
