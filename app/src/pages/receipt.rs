use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::commitment::{verify, Inclusion};
use wsis::vote::ReceiptStatus;

use crate::api::voting::check_receipt;
use crate::components::labels::{category_label, geneva, not_counted_label, num};
use crate::components::loaded::Loaded;
use crate::i18n::*;

/// Public page: anyone can check that a receipt is counted (GET form, works without JS).
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let input = move || q.read().get("receipt").unwrap_or_default();
    let data = Resource::new(input, |r| async move {
        if r.trim().is_empty() { Ok(None) } else { check_receipt(r).await.map(Some) }
    });
    view! {
        <Title text=t_string!(i18n, receipt_title)/>
        <h1>{t!(i18n, receipt_title)}</h1>
        <p>{t!(i18n, receipt_intro)}</p>
        <form method="get" class="form" role="search">
            <label>{t!(i18n, receipt)}<input type="text" name="receipt" value=input required placeholder="1A2B-3C4D-5E6F-7A8B-9C0D"/></label>
            <button type="submit" class="button">{t!(i18n, check)}</button>
        </form>
        <Loaded data inline=true let:status>
            {status.map(|status| view! { <ReceiptLine status/> })}
        </Loaded>
    }
}

/// What the platform knows of one receipt, and its place in the commitment once made.
#[component]
fn ReceiptLine(status: ReceiptStatus) -> impl IntoView {
    let i18n = use_i18n();
    let inclusion = status.inclusion().cloned();
    let line = match status {
        ReceiptStatus::Recorded { edition_year, category_code, category_name, .. } => view! {
            <p class="notice" role="status" data-testid="receipt-status" data-status="recorded">
                {t!(i18n, receipt_recorded)}" "<strong>{category_code.clone()}</strong>" ("{category_label(i18n, &category_code, &category_name)}"), "{edition_year}". "
                {t!(i18n, receipt_recorded_note)}
            </p>
        }
        .into_any(),
        ReceiptStatus::Counted { edition_year, category_code, category_name, .. } => view! {
            <p class="notice" role="status" data-testid="receipt-status" data-status="counted">
                {t!(i18n, receipt_counted)}" "<strong>{category_code.clone()}</strong>" ("{category_label(i18n, &category_code, &category_name)}"), "{edition_year}"."
            </p>
        }
        .into_any(),
        ReceiptStatus::NotCounted { edition_year, category_code, category_name, reason, .. } => view! {
            <p class="error" role="status" data-testid="receipt-status" data-status="not-counted" data-reason=reason.key()>
                {t!(i18n, receipt_not_counted)}" "<strong>{category_code.clone()}</strong>" ("{category_label(i18n, &category_code, &category_name)}"), "{edition_year}". "
                {t!(i18n, receipt_reason_published)}" "<strong>{not_counted_label(i18n, reason)}</strong>"."
            </p>
        }
        .into_any(),
        ReceiptStatus::Unknown => view! { <p class="error" role="status" data-testid="receipt-status">{t!(i18n, receipt_unknown)}</p> }.into_any(),
    };
    view! {
        {line}
        {inclusion.map(|inc| view! { <InclusionProof inc/> })}
    }
}

/// The path of hashes from the vote's ledger line to its category's committed root,
/// checked again here (in the browser once the page runs).
#[component]
fn InclusionProof(inc: Inclusion) -> impl IntoView {
    let i18n = use_i18n();
    let holds = verify(&inc.line, &inc.steps, &inc.root);
    let place = format!("{} / {}", num(i18n, inc.index + 1), num(i18n, inc.votes));
    view! {
        <section class="card" data-testid="inclusion" data-verified=holds.to_string()>
            <h2>{t!(i18n, receipt_proof_title)}</h2>
            <p>{t!(i18n, receipt_proof_intro)}" "{geneva(i18n, inc.committed_at)}"."</p>
            <dl class="facts">
                <dt>{t!(i18n, receipt_proof_line)}</dt><dd><code dir="ltr" data-testid="inclusion-line">{inc.line.clone()}</code></dd>
                <dt>{t!(i18n, receipt_proof_place)}</dt><dd>{inc.category.clone()}": "{place}</dd>
                <dt>{t!(i18n, receipt_proof_root)}</dt><dd><code dir="ltr" class="hash" data-testid="inclusion-root">{inc.root.clone()}</code></dd>
            </dl>
            <details>
                <summary>{t!(i18n, receipt_proof_path)}" ("{inc.steps.len()}")"</summary>
                <ol class="hashes" dir="ltr">
                    {inc.steps.iter().map(|st| view! { <li><code class="hash">{if st.left { "L " } else { "R " }}{st.hash.clone()}</code></li> }).collect_view()}
                </ol>
            </details>
            {if holds {
                view! { <p class="notice" role="status">{t!(i18n, receipt_proof_checked)}</p> }.into_any()
            } else {
                view! { <p class="error" role="alert">{t!(i18n, receipt_proof_failed)}</p> }.into_any()
            }}
        </section>
    }
}
