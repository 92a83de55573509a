use leptos::prelude::*;
use leptos_meta::Title;
use wsis::vote::MyVote;

use crate::api::voting::my_votes;
use crate::components::labels::geneva;
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;

#[component]
pub fn MyVotesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| my_votes());
    view! {
        <Title text=t_string!(i18n, nav_my_votes)/>
        <h1>{t!(i18n, nav_my_votes)}</h1>
        <FormNotice/>
        <Loaded data let:votes>
            {if votes.is_empty() {
                view! { <p>{t!(i18n, no_votes_yet)}" "<a href="/categories">{t!(i18n, vote_now)}</a></p> }.into_any()
            } else {
                view! { <VoteTable votes/> }.into_any()
            }}
        </Loaded>
        <Reminder/>
    }
}

/// One e-mail before voting closes, for a voter who has not voted in every category.
#[component]
fn Reminder() -> impl IntoView {
    use crate::api::voting::{vote_reminder, SetVoteReminder};
    let i18n = use_i18n();
    let set = ServerAction::<SetVoteReminder>::new();
    let wanted = Resource::new(move || set.version().get(), |_| vote_reminder());
    view! {
        <section aria-labelledby="reminder-heading" data-testid="vote-reminder">
            <h2 id="reminder-heading">{t!(i18n, reminder_heading)}</h2>
            <p class="hint">{t!(i18n, reminder_intro)}</p>
            {move || set.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
            <Loaded data=wanted inline=true let:on>
                {on.then(|| view! { <p role="status" data-testid="reminder-set">{t!(i18n, reminder_is_set)}</p> })}
                <ActionForm action=set attr:class="inline">
                    <input type="hidden" name="on" value=if on { "false" } else { "true" }/>
                    <button type="submit" class=if on { "button small secondary" } else { "button small" } data-testid="reminder-toggle">
                        {if on { t_string!(i18n, reminder_off) } else { t_string!(i18n, reminder_on) }}
                    </button>
                </ActionForm>
            </Loaded>
        </section>
    }
}

#[component]
fn VoteTable(votes: Vec<MyVote>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{t!(i18n, my_votes_intro)}</p>
        <table class="table" data-testid="my-votes">
            <thead><tr>
                <th scope="col">{t!(i18n, category)}</th>
                <th scope="col">{t!(i18n, your_vote)}</th>
                <th scope="col">{t!(i18n, cast_at)}</th>
                <th scope="col">{t!(i18n, receipt)}</th>
            </tr></thead>
            <tbody>
                {votes.into_iter().map(|v| view! {
                    <tr>
                        <td><a href=format!("/categories/{}", v.category_slug)>{v.category_code.clone()}</a></td>
                        <td><a href=format!("/nominees/{}", v.nominee_id) lang="en" dir="auto">{v.nominee_title.clone()}</a></td>
                        <td><time datetime=v.cast_at.to_rfc3339()>{geneva(i18n, v.cast_at)}</time></td>
                        <td><code data-testid="receipt">{v.receipt.clone()}</code></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p><a href="/receipt">{t!(i18n, check_a_receipt)}</a></p>
    }
}
