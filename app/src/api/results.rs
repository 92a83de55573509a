//! Results: embargoed until released (admins and announcers see them before), then public.

use leptos::prelude::*;
use wsis::results::ResultsView;
use wsis::AppError;

/// The winners and champions of an edition (`year`; empty: the current edition).
#[server(endpoint = "results")]
pub async fn get_results(#[server(default)] year: String) -> Result<ResultsView, AppError> {
    use crate::api::guard::*;
    run(async move { wsis::db::results::view(&services()?.db, &year, viewer(), now()).await }).await
}

/// Releases the results now: they become public, nominations become champions and winners,
/// and the letters go out. Every category needs its winner choice first.
#[server(endpoint = "admin_release_results")]
pub async fn release_results(#[server(default)] year: String, #[server(default)] confirm: bool) -> Result<ResultsView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        if !confirm {
            return Err(AppError::invalid("Tick the confirmation: releasing cannot be undone."));
        }
        let v = wsis::db::results::release(&services()?, me.id, &year).await?;
        done(Some(&format!("/results/{}", v.year)), Some("Results released."));
        Ok(v)
    })
    .await
}

/// The participation figures of a released edition (`year`; empty: the current edition):
/// voters and valid votes per category, region and country, nominees by stakeholder type
/// and region, votes removed by the vote audit per category and reason. Nothing before
/// release.
#[server(endpoint = "participation")]
pub async fn get_participation(#[server(default)] year: String) -> Result<wsis::participation::Participation, AppError> {
    use crate::api::guard::*;
    run(async move { Ok((*wsis::db::participation::figures(&services()?, &year).await?).clone()) }).await
}

/// The commitment made at the close of the edition's voting (public from that moment,
/// before any audit decision): per category the number of votes cast and the Merkle root of
/// their ledger; `null` before voting closes.
#[server(endpoint = "commitment")]
pub async fn get_commitment(#[server(default)] year: String) -> Result<Option<wsis::commitment::Commitment>, AppError> {
    use crate::api::guard::*;
    run(async move { wsis::db::commitments::of_year(&services()?.db, &year).await }).await
}

/// Public, after the release of an edition that publishes vote counts: per category the
/// votes committed, those not counted per reason category, and those counted — the
/// bulletin's own figures (`/results/{year}/bulletin.json` lists every line).
#[server(endpoint = "published_accounts")]
pub async fn published_accounts(#[server(default)] year: String) -> Result<Option<Vec<wsis::bulletin::CategoryAccount>>, AppError> {
    use crate::api::guard::*;
    run(async move { wsis::db::bulletin::released_accounts(&services()?, &year).await }).await
}
