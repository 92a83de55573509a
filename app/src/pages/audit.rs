//! `/admin/audit`: the vote audit — signals of organised voting, frozen clusters, one
//! account's votes, invalidations (admins).

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;
use wsis::champion::{AuditSignals, AuditVote, ClusterKind, FreezeLine};

use crate::api::audit::{
    account_votes, admin_campaigns, get_audit_signals, observers, AddObserver, FreezeCluster, LiftFreeze, RemoveObserver, ReopenAudit, SetAccountValidity,
    SetVoteValidity,
};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{geneva, not_counted_label, num};
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::i18n::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let set_vote = ServerAction::<SetVoteValidity>::new();
    let set_account = ServerAction::<SetAccountValidity>::new();
    let freeze = ServerAction::<FreezeCluster>::new();
    let lift = ServerAction::<LiftFreeze>::new();
    let reopen = ServerAction::<ReopenAudit>::new();
    let add_observer = ServerAction::<AddObserver>::new();
    let remove_observer = ServerAction::<RemoveObserver>::new();
    let watchers = Resource::new(move || add_observer.version().get() + remove_observer.version().get(), |_| observers());
    let version = move || {
        set_vote.version().get() + set_account.version().get() + freeze.version().get() + lift.version().get() + reopen.version().get()
    };
    let signals = Resource::new(version, |_| get_audit_signals());
    let campaigns = Resource::new(version, |_| admin_campaigns());
    let email = move || q.read().get("email").unwrap_or_default();
    let votes = Resource::new(move || (email(), version()), |(e, _)| async move {
        if e.trim().is_empty() { Ok(None) } else { account_votes(e).await.map(Some) }
    });
    let errors = move || {
        set_vote
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| set_account.value().get().and_then(|r| r.err()))
            .or_else(|| freeze.value().get().and_then(|r| r.err()))
            .or_else(|| lift.value().get().and_then(|r| r.err()))
            .or_else(|| reopen.value().get().and_then(|r| r.err()))
            .or_else(|| add_observer.value().get().and_then(|r| r.err()))
            .or_else(|| remove_observer.value().get().and_then(|r| r.err()))
            .map(|e| view! { <p class="error" role="alert" data-testid="audit-error">{crate::components::notice::describe(&e)}</p> })
    };
    view! {
        <Title text=t_string!(i18n, admin_audit)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_audit)}</h1>
        <FormNotice/>
        {errors}
        <Loaded data=signals let:s>
            <Signals s freeze lift reopen/>
        </Loaded>
        <Loaded data=campaigns let:lines>
            <Campaigns lines/>
        </Loaded>
        <section>
            <h2>{t!(i18n, audit_account_votes)}</h2>
            <form method="get" class="filters" role="search">
                <label>{t!(i18n, email)}<input type="email" name="email" value=email/></label>
                <button type="submit">{t!(i18n, search)}</button>
            </form>
            <Loaded data=votes inline=true let:found>
                {found.map(|(account, list)| view! { <AccountVotes account list set_vote set_account freeze/> })}
            </Loaded>
        </section>
        <section data-testid="observers">
            <h2>{t!(i18n, observers_title)}</h2>
            <p>{t!(i18n, observers_intro)}</p>
            <Loaded data=watchers inline=true let:list>
                <ul>
                    {list.into_iter().map(|o| view! {
                        <li>
                            <span dir="ltr">{o.email.clone()}</span>" "
                            <ActionForm action=remove_observer attr:class="inline">
                                <input type="hidden" name="email" value=o.email.clone()/>
                                <button type="submit" class="chip">{t!(i18n, remove)}</button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            </Loaded>
            <ActionForm action=add_observer attr:class="inline">
                <label>{t!(i18n, email)}" "<input type="email" name="email" required data-testid="observer-email"/></label>
                <button type="submit" class="button small" data-testid="observer-add">{t!(i18n, observers_add)}</button>
            </ActionForm>
        </section>
    }
}

/// What the audit found: totals, frozen clusters, the hourly curve, bursts, shared
/// origins and accounts that voted right after signing up.
#[component]
fn Signals(s: AuditSignals, freeze: ServerAction<FreezeCluster>, lift: ServerAction<LiftFreeze>, reopen: ServerAction<ReopenAudit>) -> impl IntoView {
    let i18n = use_i18n();
    let max = s.votes_per_hour.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    view! {
        <p data-testid="audit-totals">{t!(i18n, audit_totals, total = s.total_votes, invalid = s.invalid_votes)}</p>
        {s.count_frozen.then(|| view! {
            <div class="notice" role="status" data-testid="count-frozen">
                <p>{t!(i18n, audit_count_frozen)}</p>
                <ActionForm action=reopen attr:class="inline">
                    <label>{t!(i18n, reason)}" "<input type="text" name="reason" required/></label>
                    <button type="submit" class="button small" data-testid="reopen-audit">{t!(i18n, audit_reopen)}</button>
                </ActionForm>
            </div>
        })}
        <Freezes freezes=s.freezes lift/>
        <section>
            <h2>{t!(i18n, votes_per_hour)}</h2>
            <ol class="tally bars">
                {s.votes_per_hour.into_iter().map(|(h, n)| view! {
                    <li><span class="rank"></span><span class="name">{geneva(i18n, h)}</span>
                    <span class="bar" style=format!("inline-size:{}%", n * 100 / max)></span><span class="count">{n}</span></li>
                }).collect_view()}
            </ol>
        </section>
        <section>
            <h2>{t!(i18n, audit_bursts)}</h2>
            <table class="table"><tbody>
                {s.bursts.into_iter().map(|b| {
                    let key = format!("{}@{}", b.nominee, b.window_start.to_rfc3339());
                    view! {
                        <tr><td>{b.category_code}</td><td lang="en" dir="auto">{b.title}</td><td>{geneva(i18n, b.window_start)}</td><td>{num(i18n, b.votes)}</td>
                        <td><FreezeForm action=freeze kind=ClusterKind::Burst key=key/></td></tr>
                    }
                }).collect_view()}
            </tbody></table>
        </section>
        <section>
            <h2>{t!(i18n, audit_shared_origins)}</h2>
            <table class="table"><tbody>
                {s.shared_origins.into_iter().map(|o| view! {
                    <tr><td><code>{o.origin}</code></td><td>{num(i18n, o.accounts)}" "{t!(i18n, accounts_word)}</td><td>{num(i18n, o.votes)}" "{t!(i18n, votes_word)}</td>
                    <td><FreezeForm action=freeze kind=ClusterKind::Origin key=o.key/></td></tr>
                }).collect_view()}
            </tbody></table>
        </section>
        <section>
            <h2>{t!(i18n, audit_fast_accounts)}</h2>
            {(!s.fast_accounts.is_empty()).then(|| view! { <FreezeForm action=freeze kind=ClusterKind::NewAccounts key=String::new()/> })}
            <table class="table"><tbody>
                {s.fast_accounts.into_iter().map(|a| view! {
                    <tr>
                        <td><a href=format!("/admin/audit?email={}", a.email)>{a.email.clone()}</a></td>
                        <td>{geneva(i18n, a.created_at)}</td><td>{geneva(i18n, a.first_vote_at)}</td><td>{num(i18n, a.votes)}</td>
                    </tr>
                }).collect_view()}
            </tbody></table>
        </section>
    }
}

/// The clusters frozen pending review, each with its lift form while it holds.
#[component]
fn Freezes(freezes: Vec<FreezeLine>, lift: ServerAction<LiftFreeze>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{t!(i18n, audit_freezes)}</h2>
            <p class="hint">{t!(i18n, audit_freezes_intro)}</p>
            <table class="table" data-testid="freezes"><tbody>
                {freezes.into_iter().map(|f| view! {
                    <tr>
                        <td>{f.label}</td>
                        <td>{f.reason}</td>
                        <td>{num(i18n, f.accounts)}" "{t!(i18n, accounts_word)}", "{num(i18n, f.votes)}" "{t!(i18n, votes_word)}</td>
                        <td>{geneva(i18n, f.created_at)}</td>
                        <td>{match f.lifted_at {
                            Some(t) => view! { {t!(i18n, audit_lifted)}" "{geneva(i18n, t)}" — "{f.lift_reason.unwrap_or_default()} }.into_any(),
                            None => view! {
                                <ActionForm action=lift attr:class="inline">
                                    <input type="hidden" name="freeze" value=f.id.to_string()/>
                                    <input type="text" name="reason" required aria-label=move || t_string!(i18n, reason)/>
                                    <button type="submit" class="chip" data-testid="lift-freeze">{t!(i18n, audit_lift)}</button>
                                </ActionForm>
                            }.into_any(),
                        }}</td>
                    </tr>
                }).collect_view()}
            </tbody></table>
        </section>
    }
}

/// One account's votes, each of which can be invalidated or restored, and the account
/// as a whole.
#[component]
fn AccountVotes(
    account: Uuid,
    list: Vec<AuditVote>,
    set_vote: ServerAction<SetVoteValidity>,
    set_account: ServerAction<SetAccountValidity>,
    freeze: ServerAction<FreezeCluster>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=set_account attr:class="inline">
            <input type="hidden" name="account" value=account.to_string()/>
            <input type="hidden" name="valid" value="false"/>
            <ReasonCategory/>
            <label>{t!(i18n, reason)}" "<input type="text" name="reason" required/></label>
            <button type="submit" class="button small" data-testid="invalidate-account">{t!(i18n, invalidate_all)}</button>
        </ActionForm>
        <FreezeForm action=freeze kind=ClusterKind::Account key=account.to_string()/>
        <table class="table" data-testid="account-votes">
            <tbody>
                {list.into_iter().map(|v| view! {
                    <tr>
                        <td>{v.category_code}</td>
                        <td lang="en" dir="auto">{v.nominee_title}</td>
                        <td>{geneva(i18n, v.cast_at)}</td>
                        <td><code>{v.origin}</code></td>
                        <td>{if v.valid {
                            t_string!(i18n, valid).to_string()
                        } else {
                            format!("{} — {} — {}", t_string!(i18n, invalid), v.category.map(|c| not_counted_label(i18n, c)).unwrap_or_default(), v.reason.unwrap_or_default())
                        }}</td>
                        <td>
                            <ActionForm action=set_vote attr:class="inline">
                                <input type="hidden" name="vote" value=v.id.to_string()/>
                                <input type="hidden" name="valid" value=(!v.valid).to_string()/>
                                {v.valid.then(|| view! { <ReasonCategory/> })}
                                <input type="text" name="reason" required aria-label=move || t_string!(i18n, reason)/>
                                <button type="submit" class="chip">{if v.valid { t_string!(i18n, invalidate) } else { t_string!(i18n, restore) }}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The reason category of an invalidation, published with the receipt after the release.
#[component]
fn ReasonCategory() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select name="category" required aria-label=move || t_string!(i18n, not_counted_category) data-testid="reason-category">
            {wsis::vote::NotCountedReason::CHOSEN.into_iter().map(|c| view! { <option value=c.key()>{not_counted_label(i18n, c)}</option> }).collect_view()}
        </select>
    }
}

/// Freezes one cluster of the audit pending review, with a reason.
#[component]
fn FreezeForm(action: ServerAction<FreezeCluster>, kind: ClusterKind, key: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=action attr:class="inline">
            <input type="hidden" name="kind" value=kind.key()/>
            <input type="hidden" name="key" value=key/>
            <input type="text" name="reason" required aria-label=move || t_string!(i18n, reason)/>
            <button type="submit" class="chip" data-testid=format!("freeze-{}", kind.key())>{t!(i18n, audit_freeze)}</button>
        </ActionForm>
    }
}

/// The votes that came through each campaign link, and the campaigns whose voters look
/// farmed (mostly new accounts, or several voters behind one origin) first.
#[component]
fn Campaigns(lines: Vec<wsis::campaign::CampaignLine>) -> impl IntoView {
    let i18n = use_i18n();
    let flag_name = move |f: wsis::campaign::CampaignFlag| match f {
        wsis::campaign::CampaignFlag::NewAccounts => t_string!(i18n, campaign_flag_new_accounts).to_string(),
        wsis::campaign::CampaignFlag::SharedOrigins => t_string!(i18n, campaign_flag_shared_origins).to_string(),
    };
    view! {
        <section data-testid="audit-campaigns">
            <h2>{t!(i18n, audit_campaigns)}</h2>
            <p class="hint">{t!(i18n, audit_campaigns_hint)}</p>
            {if lines.is_empty() {
                view! { <p>{t!(i18n, campaigns_none)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll"><table>
                        <thead><tr>
                            <th>{t!(i18n, category)}</th><th>{t!(i18n, project)}</th><th>{t!(i18n, campaign_code)}</th>
                            <th class="num">{t!(i18n, count_votes)}</th><th class="num">{t!(i18n, campaign_new_accounts)}</th>
                            <th class="num">{t!(i18n, campaign_shared_origins)}</th><th>{t!(i18n, campaign_flags)}</th>
                        </tr></thead>
                        <tbody>
                            {lines.into_iter().map(|l| {
                                let flagged = !l.flags.is_empty();
                                let flags = l.flags.iter().map(|f| flag_name(*f)).collect::<Vec<_>>().join(", ");
                                view! {
                                    <tr data-testid="campaign-line" data-flagged=flagged.to_string() class:flagged=flagged>
                                        <td>{l.category_code.clone()}</td>
                                        <td><a href=format!("/nominees/{}", l.nominee) lang="en" dir="auto">{l.title.clone()}</a></td>
                                        <td><code>{l.code.clone()}</code>" "{l.label.clone()}</td>
                                        <td class="num" data-testid="campaign-votes">{l.counts.votes}</td>
                                        <td class="num">{l.counts.from_new_accounts}</td>
                                        <td class="num">{l.counts.from_shared_origins}</td>
                                        <td data-testid="campaign-flags">{flags}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}
