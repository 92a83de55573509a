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
