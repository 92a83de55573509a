//! The vote audit and the champions (admins only).

use leptos::prelude::*;
use uuid::Uuid;
use wsis::champion::{AuditSignals, AuditVote, ChampionsView};
use wsis::AppError;

#[cfg(feature = "ssr")]
async fn current_edition_id() -> Result<i32, AppError> {
    let s = crate::api::guard::services()?;
    wsis::db::catalog::current_edition(&s.db)
        .await?
        .map(|e| e.id)
        .ok_or_else(|| AppError::NotFound("There is no edition yet.".into()))
}

#[server(endpoint = "admin_audit_signals")]
pub async fn get_audit_signals() -> Result<AuditSignals, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::vote_audit::signals(&s.db, current_edition_id().await?).await
    })
    .await
}

#[server(endpoint = "admin_account_votes")]
pub async fn account_votes(email: String) -> Result<(Uuid, Vec<AuditVote>), AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::vote_audit::votes_of(&s.db, current_edition_id().await?, &email).await
    })
    .await
}

/// Invalidates (`valid = false`) or restores one vote, with a reason (audit-logged).
#[server(endpoint = "admin_set_vote_validity")]
pub async fn set_vote_validity(vote: Uuid, valid: bool, reason: String) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::voting::set_vote_validity(&s, me.id, vote, valid, &reason).await?;
        done(None, Some(if valid { "Vote restored." } else { "Vote invalidated." }));
        Ok(())
    })
    .await
}

/// Invalidates or restores every vote of an account in the current edition.
#[server(endpoint = "admin_set_account_validity")]
pub async fn set_account_validity(account: Uuid, valid: bool, reason: String) -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let n = wsis::db::vote_audit::set_account_validity(&s, me.id, current_edition_id().await?, account, valid, &reason).await?;
        done(None, Some(&format!("{n} votes changed.")));
        Ok(n)
    })
    .await
}

#[server(endpoint = "admin_champions")]
pub async fn champions() -> Result<ChampionsView, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::champions::view(&s.db, current_edition_id().await?).await
    })
    .await
}

/// Computes and stages the champions once voting has closed.
#[server(endpoint = "admin_compute_champions")]
pub async fn compute_champions() -> Result<ChampionsView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let v = wsis::db::champions::compute(&s, me.id, current_edition_id().await?).await?;
        done(None, Some("Champions computed and staged."));
        Ok(v)
    })
    .await
}

/// Leaves a nominee tied across the cut-off out of the champions, with a recorded reason.
#[server(endpoint = "admin_exclude_tied")]
pub async fn exclude_tied(nominee: Uuid, reason: String) -> Result<ChampionsView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let v = wsis::db::champions::exclude_tied(&s, me.id, current_edition_id().await?, nominee, &reason).await?;
        done(None, Some("Tie settled."));
        Ok(v)
    })
    .await
}
