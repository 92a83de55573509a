use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wsis::vote::{NotCountedReason, ReceiptStatus};

use crate::api::voting::check_receipt;
use crate::components::labels::category_label;
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

/// What the platform knows of one receipt.
#[component]
fn ReceiptLine(status: ReceiptStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        ReceiptStatus::Recorded { edition_year, category_code, category_name } => view! {
            <p class="notice" role="status" data-testid="receipt-status" data-status="recorded">
                {t!(i18n, receipt_recorded)}" "<strong>{category_code.clone()}</strong>" ("{category_label(i18n, &category_code, &category_name)}"), "{edition_year}". "
                {t!(i18n, receipt_recorded_note)}
            </p>
        }
        .into_any(),
        ReceiptStatus::Counted { edition_year, category_code, category_name } => view! {
            <p class="notice" role="status" data-testid="receipt-status" data-status="counted">
                {t!(i18n, receipt_counted)}" "<strong>{category_code.clone()}</strong>" ("{category_label(i18n, &category_code, &category_name)}"), "{edition_year}"."
            </p>
        }
        .into_any(),
        ReceiptStatus::NotCounted { edition_year, category_code, reason } => view! {
            <p class="error" role="status" data-testid="receipt-status" data-status="not-counted">
                {t!(i18n, receipt_not_counted)}" "<strong>{category_code}</strong>", "{edition_year}". "
                {match reason {
                    NotCountedReason::Invalidated => t_string!(i18n, receipt_reason_invalidated),
                    NotCountedReason::Held => t_string!(i18n, receipt_reason_held),
                    NotCountedReason::IncompleteBallot => t_string!(i18n, receipt_reason_incomplete),
                    NotCountedReason::NotOnBallot => t_string!(i18n, receipt_reason_not_on_ballot),
                }}
            </p>
        }
        .into_any(),
        ReceiptStatus::Unknown => view! { <p class="error" role="status" data-testid="receipt-status">{t!(i18n, receipt_unknown)}</p> }.into_any(),
    }
}
