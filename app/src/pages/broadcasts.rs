//! `/admin/broadcasts`: a message to a group of the current edition, previewed with its
//! count of recipients and one rendered sample, then sent through the mail queue.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use wsis::broadcast::{BroadcastGroup, BroadcastPreview, TRANSLATED};

use crate::api::broadcasts::{list_broadcasts, PreviewBroadcast, SendBroadcast};
use crate::components::admin_nav::AdminNav;
use crate::components::labels::{num, utc};
use crate::components::loaded::Loaded;
use crate::components::notice::{describe, FormNotice};
use crate::i18n::*;

pub fn group_name(i18n: I18nContext<Locale>, g: BroadcastGroup) -> String {
    match g {
        BroadcastGroup::UnsubmittedDrafts => t_string!(i18n, group_unsubmitted_drafts),
        BroadcastGroup::Submitters => t_string!(i18n, group_submitters),
        BroadcastGroup::Nominees => t_string!(i18n, group_nominees),
        BroadcastGroup::Champions => t_string!(i18n, group_champions),
        BroadcastGroup::ScreenersPending => t_string!(i18n, group_screeners_pending),
        BroadcastGroup::ExpertsPending => t_string!(i18n, group_experts_pending),
        BroadcastGroup::VotersOptedIn => t_string!(i18n, group_voters_opted_in),
    }
    .to_string()
}

#[component]
pub fn BroadcastsPage() -> impl IntoView {
    let i18n = use_i18n();
    let preview = ServerAction::<PreviewBroadcast>::new();
    let send = ServerAction::<SendBroadcast>::new();
    let list = Resource::new(move || send.version().get(), |_| list_broadcasts(String::new()));
    view! {
        <Title text=t_string!(i18n, admin_broadcasts)/>
        <AdminNav/>
        <h1>{t!(i18n, admin_broadcasts)}</h1>
        <FormNotice/>
        <p class="hint">{t!(i18n, broadcasts_intro)}</p>
        <ActionForm action=preview attr:class="form" attr:data-testid="broadcast-form">
            <label>{t!(i18n, broadcast_group)}
                <select name="input[group]" data-testid="broadcast-group">
                    {BroadcastGroup::ALL.into_iter().map(|g| view! { <option value=g.key()>{group_name(i18n, g)}</option> }).collect_view()}
                </select>
            </label>
            <label>{t!(i18n, mail_subject)}<input type="text" name="input[subject]" required maxlength=wsis::broadcast::SUBJECT_CHARS.to_string() data-testid="broadcast-subject"/></label>
            <label>{t!(i18n, broadcast_body)}<textarea name="input[body]" rows="8" required maxlength=wsis::broadcast::BODY_CHARS.to_string() data-testid="broadcast-body"></textarea></label>
            <details>
                <summary>{t!(i18n, broadcast_translations)}</summary>
                {TRANSLATED.into_iter().map(|lang| view! {
                    <fieldset>
                        <legend>{lang}</legend>
                        <label>{t!(i18n, mail_subject)}<input type="text" name=format!("input[{lang}_subject]") lang=lang maxlength=wsis::broadcast::SUBJECT_CHARS.to_string()/></label>
                        <label>{t!(i18n, broadcast_body)}<textarea name=format!("input[{lang}_body]") lang=lang rows="4" maxlength=wsis::broadcast::BODY_CHARS.to_string()></textarea></label>
                    </fieldset>
                }).collect_view()}
            </details>
            <button type="submit" class="button" data-testid="broadcast-preview">{t!(i18n, broadcast_preview)}</button>
        </ActionForm>
        {move || preview.value().get().map(|r| match r {
            Ok(p) => view! { <Preview p send/> }.into_any(),
            Err(e) => view! { <p class="error" role="alert" data-testid="form-error">{describe(&e)}</p> }.into_any(),
        })}
        {move || send.value().get().map(|r| match r {
            Ok(n) => view! { <p class="notice" role="status" data-testid="broadcast-sent">{t!(i18n, broadcast_sent, count = n)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert" data-testid="form-error">{describe(&e)}</p> }.into_any(),
        })}
        <section aria-labelledby="sent-heading">
            <h2 id="sent-heading">{t!(i18n, broadcasts_sent)}</h2>
            <Loaded data=list let:rows>
                {if rows.is_empty() {
                    view! { <p>{t!(i18n, broadcasts_none)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table" data-testid="broadcasts">
                            <thead><tr>
                                <th scope="col">{t!(i18n, saved_at)}</th><th scope="col">{t!(i18n, broadcast_group)}</th>
                                <th scope="col">{t!(i18n, mail_subject)}</th><th scope="col">{t!(i18n, broadcast_recipients)}</th><th scope="col">{t!(i18n, broadcast_by)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|b| view! {
                                    <tr>
                                        <td>{utc(i18n, b.sent_at)}</td><td>{group_name(i18n, b.group)}</td>
                                        <td dir="auto">{b.subject}</td><td>{num(i18n, b.recipients)}</td><td>{b.by}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}

/// The preview: how many receive it, one of them as they will read it, and the send.
#[component]
fn Preview(p: BroadcastPreview, send: ServerAction<SendBroadcast>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="preview" aria-labelledby="preview-heading" data-testid="broadcast-preview-result">
            <h2 id="preview-heading">{t!(i18n, broadcast_preview)}</h2>
            <p data-testid="broadcast-count" data-count=p.recipients.to_string()>{t!(i18n, broadcast_count, count = num(i18n, p.recipients))}</p>
            {p.sample.clone().map(|(to, lang, subject, body)| view! {
                <article class="mail-sample" data-testid="broadcast-sample">
                    <p><strong>{t!(i18n, mail_recipient)}": "</strong>{to}" ("{lang.clone()}")"</p>
                    <p><strong>{t!(i18n, mail_subject)}": "</strong><span lang=lang.clone() dir="auto">{subject}</span></p>
                    <pre lang=lang dir="auto">{body}</pre>
                </article>
            })}
            {(p.recipients > 0).then(|| view! {
                <ActionForm action=send attr:class="inline">
                    <input type="hidden" name="token" value=p.token.to_string()/>
                    {p.form.fields().into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
                    <button type="submit" class="button" data-testid="broadcast-send">{t!(i18n, broadcast_send, count = num(i18n, p.recipients))}</button>
                </ActionForm>
            })}
        </section>
    }
}
