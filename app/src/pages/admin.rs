//! Secretariat pages: accounts and roles, the live tally.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::account::{AccountRow, Role};

use crate::api::accounts::{blocked_domains, list_accounts, SetBlockedDomain, SetRole};
use crate::api::voting::{get_tally, Recount};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::num;
use crate::components::loaded::Loaded;
use crate::components::notice::FormNotice;
use crate::components::pager::Pager;
use crate::i18n::*;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let set_role = ServerAction::<SetRole>::new();
    let data = Resource::new(
        move || {
            let q = q.read();
            (q.get("role").unwrap_or_default(), q.get("q").unwrap_or_default(), q.get("page").unwrap_or_default(), set_role.version().get())
        },
        |(role, text, page, _)| list_accounts(role, text, page),
    );
    view! {
        <Title text=t_string!(i18n, admin_accounts)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_accounts)}</h1>
        <FormNotice/>
        {move || set_role.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
        <form method="get" class="filters" role="search">
            <label>{t!(i18n, search)}<input type="search" name="q" value=move || q.read().get("q").unwrap_or_default()/></label>
            <label>{t!(i18n, roles)}
                <select name="role">
                    <option value="">{t!(i18n, any)}</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.key() selected=move || q.read().get("role").as_deref() == Some(r.key())>{crate::components::labels::role_label(i18n, r)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">{t!(i18n, filter)}</button>
        </form>
        <Loaded data let:list>
            <Pager place=list.place()/>
            <AccountTable rows=list.rows set_role/>
        </Loaded>
        <BlockedDomains/>
    }
}

/// Accounts with a button per role to grant or revoke it.
#[component]
fn AccountTable(rows: Vec<AccountRow>, set_role: ServerAction<SetRole>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table" data-testid="accounts">
            <thead><tr>
                <th scope="col">{t!(i18n, email)}</th>
                <th scope="col">{t!(i18n, display_name)}</th>
                <th scope="col">{t!(i18n, email_confirmed)}</th>
                <th scope="col">{t!(i18n, roles)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|a| {
                    let id = a.id.to_string();
                    view! {
                        <tr data-email=a.email.clone()>
                            <td>{a.email.clone()}</td>
                            <td>{a.display_name.clone()}</td>
                            <td>{if a.confirmed { t_string!(i18n, yes) } else { t_string!(i18n, no) }}</td>
                            <td class="roles">
                                {Role::ALL.into_iter().map(|r| {
                                    let has = a.roles.contains(&r);
                                    let id = id.clone();
                                    view! {
                                        <ActionForm action=set_role attr:class="inline">
                                            <input type="hidden" name="account" value=id/>
                                            <input type="hidden" name="role" value=r.key()/>
                                            <input type="hidden" name="granted" value=(!has).to_string()/>
                                            <button type="submit" class="chip" class:on=has aria-pressed=has.to_string()
                                                data-testid=format!("role-{}", r.key())>
                                                {crate::components::labels::role_label(i18n, r)}
                                            </button>
                                        </ActionForm>
                                    }
                                }).collect_view()}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The domains refused at sign-up beside the built-in list of disposable-mail services.
#[component]
fn BlockedDomains() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetBlockedDomain>::new();
    let list = Resource::new(move || set.version().get(), |_| blocked_domains());
    view! {
        <section aria-labelledby="domains-heading">
            <h2 id="domains-heading">{t!(i18n, blocked_domains)}</h2>
            <p class="hint">{t!(i18n, blocked_domains_intro)}</p>
            {move || set.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> })}
            <ActionForm action=set attr:class="inline">
                <input type="hidden" name="blocked" value="true"/>
                <label>{t!(i18n, domain)}" "<input type="text" name="domain" required placeholder="spam.example"/></label>
                <label>{t!(i18n, note)}" "<input type="text" name="note" maxlength="200"/></label>
                <button type="submit" class="button small" data-testid="block-domain">{t!(i18n, block_domain)}</button>
            </ActionForm>
            <Loaded data=list inline=true let:rows>
                <table class="table" data-testid="blocked-domains"><tbody>
                    {rows.into_iter().map(|(d, note)| view! {
                        <tr>
                            <td><code>{d.clone()}</code></td>
                            <td>{note}</td>
                            <td>
                                <ActionForm action=set attr:class="inline">
                                    <input type="hidden" name="blocked" value="false"/>
                                    <input type="hidden" name="domain" value=d/>
                                    <button type="submit" class="chip">{t!(i18n, unblock_domain)}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody></table>
            </Loaded>
        </section>
    }
}

#[component]
pub fn TallyPage() -> impl IntoView {
    let i18n = use_i18n();
    let recount = ServerAction::<Recount>::new();
    let data = Resource::new(move || recount.version().get(), |_| get_tally());
    view! {
        <Title text=t_string!(i18n, admin_tally)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_tally)}</h1>
        <FormNotice/>
        <ActionForm action=recount attr:class="inline">
            <button type="submit" class="button small">{t!(i18n, recount)}</button>
        </ActionForm>
        {move || recount.value().get().map(|r| match r {
            Ok(n) => view! { <p class="notice" role="status">{t!(i18n, recount_done, count = n)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> }.into_any(),
        })}
        <Loaded data let:cats>
            {cats.into_iter().map(|c| {
                let max = c.lines.first().map(|l| l.votes).unwrap_or(0).max(1);
                view! {
                    <section class="tally">
                        <h2>{c.code.clone()}" — "{num(i18n, c.total)}" "{t!(i18n, votes_word)}</h2>
                        <ol class="bars">
                            {c.lines.into_iter().map(|l| {
                                let pct = l.votes * 100 / max;
                                view! {
                                    <li>
                                        <span class="rank">{l.rank}{l.tied.then_some("=")}</span>
                                        <span class="name" lang="en" dir="auto">{l.key.1.clone()}</span>
                                        <span class="bar" style=format!("inline-size:{pct}%")></span>
                                        <span class="count">{num(i18n, l.votes)}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    </section>
                }
            }).collect_view()}
        </Loaded>
    }
}
