//! Broadcasts to a group of an edition (admins): preview, send, the list of those sent.

use leptos::prelude::*;
use wsis::broadcast::{BroadcastForm, BroadcastPreview, SentBroadcast};
use wsis::AppError;

#[cfg(feature = "ssr")]
fn parse_year(year: &str) -> Result<Option<i32>, AppError> {
    let y = year.trim();
    if y.is_empty() {
        return Ok(None);
    }
    y.parse().map(Some).map_err(|_| AppError::not_an_edition(y))
}

/// The count of recipients of `input` and one rendered sample; nothing is sent.
#[server(endpoint = "admin_broadcast_preview")]
pub async fn preview_broadcast(#[server(default)] year: String, #[server(default)] input: BroadcastForm) -> Result<BroadcastPreview, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        wsis::db::broadcasts::preview(&services()?, parse_year(&year)?, &input).await
    })
    .await
}

/// Sends a previewed broadcast (`token` from its preview; a second send is refused).
#[server(endpoint = "admin_broadcast_send")]
pub async fn send_broadcast(#[server(default)] year: String, token: String, #[server(default)] input: BroadcastForm) -> Result<u64, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let token = uuid::Uuid::parse_str(token.trim()).map_err(|_| AppError::invalid("Preview the message before sending it."))?;
        let n = wsis::db::broadcasts::send(&services()?, me.id, parse_year(&year)?, token, &input).await?;
        done(None, Some(&format!("Message queued for {n} recipients.")));
        Ok(n)
    })
    .await
}

/// The broadcasts of the edition, newest first.
#[server(endpoint = "admin_broadcasts")]
pub async fn list_broadcasts(#[server(default)] year: String) -> Result<Vec<SentBroadcast>, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        wsis::db::broadcasts::sent(&services()?, parse_year(&year)?).await
    })
    .await
}
