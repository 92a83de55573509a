//! Secretariat pages: accounts and roles, the live tally, the outgoing-mail queue.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::account::{AccountRow, Role};

use crate::api::accounts::{blocked_domains, list_accounts, mail_queue, RetryMail, SetBlockedDomain, SetRole};
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

/// The outgoing-mail queue: what waits, what went out, and every message a mail server
/// refused, with its last error and a button to try it again now.
#[component]
pub fn MailPage() -> impl IntoView {
    let i18n = use_i18n();
    let retry = ServerAction::<RetryMail>::new();
    let data = Resource::new(move || retry.version().get(), |_| mail_queue());
    view! {
        <Title text=t_string!(i18n, admin_mail)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_mail)}</h1>
        <FormNotice/>
        <p class="hint">{t!(i18n, mail_intro)}</p>
        {move || retry.value().get().map(|r| match r {
            Ok(n) => view! { <p class="notice" role="status">{t!(i18n, mail_retried, count = n)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{crate::components::notice::describe(&e)}</p> }.into_any(),
        })}
        <Loaded data let:q>
            <dl class="figures" data-testid="mail-counts">
                <div><dt>{t!(i18n, mail_transport)}</dt><dd data-transport=q.transport.clone()>
                    {if q.transport == "smtp" { t_string!(i18n, mail_transport_smtp) } else { t_string!(i18n, mail_transport_outbox) }}
                </dd></div>
                <div><dt>{t!(i18n, mail_waiting)}</dt><dd data-testid="mail-waiting">{num(i18n, q.waiting)}</dd></div>
                <div><dt>{t!(i18n, mail_retrying)}</dt><dd data-testid="mail-retrying">{num(i18n, q.retrying)}</dd></div>
                <div><dt>{t!(i18n, mail_sent)}</dt><dd data-testid="mail-sent">{num(i18n, q.sent)}</dd></div>
            </dl>
            {if q.failing.is_empty() {
                view! { <p data-testid="mail-no-failures">{t!(i18n, mail_no_failures)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=retry attr:class="inline">
                        <button type="submit" class="button small" data-testid="mail-retry-all">{t!(i18n, mail_retry_all)}</button>
                    </ActionForm>
                    <table class="table" data-testid="mail-failing">
                        <thead><tr>
                            <th scope="col">{t!(i18n, mail_recipient)}</th>
                            <th scope="col">{t!(i18n, mail_subject)}</th>
                            <th scope="col">{t!(i18n, mail_attempts)}</th>
                            <th scope="col">{t!(i18n, mail_last_error)}</th>
                            <th scope="col">{t!(i18n, mail_next_try)}</th>
                            <th scope="col"><span class="visually-hidden">{t!(i18n, mail_retry)}</span></th>
                        </tr></thead>
                        <tbody>
                            {q.failing.into_iter().map(|m| view! {
                                <tr data-mail=m.id.to_string()>
                                    <td>{m.recipient}</td>
                                    <td dir="auto">{m.subject}</td>
                                    <td>{num(i18n, m.attempts)}</td>
                                    <td><code>{m.last_error}</code></td>
                                    <td>{crate::components::labels::utc(i18n, m.next_attempt_at)}</td>
                                    <td>
                                        <ActionForm action=retry attr:class="inline">
                                            <input type="hidden" name="id" value=m.id.to_string()/>
                                            <button type="submit" class="chip">{t!(i18n, mail_retry)}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Loaded>
    }
}
