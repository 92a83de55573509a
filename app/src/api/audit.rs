//! The vote audit and the champions (admins only).

use leptos::prelude::*;
use uuid::Uuid;
use wsis::champion::{AuditSignals, AuditVote, ChampionsView, FreezeLine};
use wsis::AppError;

#[cfg(feature = "ssr")]
async fn current_edition_id() -> Result<i32, AppError> {
    let s = crate::api::guard::services()?;
    Ok(wsis::db::entity::edition::Model::require_current(&s.db).await?.id)
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

/// Every campaign link of the current edition with its votes and flags (admins).
#[server(endpoint = "admin_campaigns")]
pub async fn admin_campaigns() -> Result<Vec<wsis::campaign::CampaignLine>, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::campaigns::audit_lines(&s.db, current_edition_id().await?).await
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

/// Invalidates (`valid = false`) or restores one vote, with a reason (audit-logged) and,
/// for an invalidation, the category published with the receipt after the release (a key
/// of [`wsis::vote::NotCountedReason::CHOSEN`]; "other" when none is sent).
#[server(endpoint = "admin_set_vote_validity")]
pub async fn set_vote_validity(vote: Uuid, valid: bool, reason: String, category: Option<String>) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let category = wsis::db::voting::chosen_category(category.as_deref())?;
        wsis::db::voting::set_vote_validity(&s, me.id, vote, valid, category, &reason).await?;
        done(None, Some(if valid { "Vote restored." } else { "Vote invalidated." }));
        Ok(())
    })
    .await
}

/// Invalidates or restores every vote of an account in the current edition.
#[server(endpoint = "admin_set_account_validity")]
pub async fn set_account_validity(account: Uuid, valid: bool, reason: String, category: Option<String>) -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let category = wsis::db::voting::chosen_category(category.as_deref())?;
        let n = wsis::db::vote_audit::set_account_validity(&s, me.id, current_edition_id().await?, account, valid, category, &reason).await?;
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
        wsis::db::champions::view_of(&s.db, current_edition_id().await?).await
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

/// Reopens the vote audit after the champions were computed (they are un-staged), with a
/// reason for the audit log.
#[server(endpoint = "admin_reopen_audit")]
pub async fn reopen_audit(reason: String) -> Result<ChampionsView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let v = wsis::db::champions::reopen_audit(&s, me.id, current_edition_id().await?, &reason).await?;
        done(None, Some("The audit is open again; compute the champions once it is done."));
        Ok(v)
    })
    .await
}

/// Freezes a cluster of the audit (`kind`: origin, burst, new_accounts or account; `key`
/// names it as the audit page does) pending review, with a reason.
#[server(endpoint = "admin_freeze_cluster")]
pub async fn freeze_cluster(kind: String, #[server(default)] key: String, reason: String) -> Result<FreezeLine, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let kind = wsis::champion::ClusterKind::parse(&kind).ok_or_else(|| AppError::invalid(format!("There is no kind of cluster “{}”.", kind.trim())))?;
        let f = wsis::db::vote_audit::freeze(&s, me.id, current_edition_id().await?, kind, &key, &reason).await?;
        done(None, Some(&format!("Cluster frozen: {} accounts, {} votes held.", f.accounts, f.votes)));
        Ok(f)
    })
    .await
}

/// Lifts a freeze: its votes count again and its accounts may vote.
#[server(endpoint = "admin_lift_freeze")]
pub async fn lift_freeze(freeze: Uuid, reason: String) -> Result<FreezeLine, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let f = wsis::db::vote_audit::lift(&s, me.id, freeze, &reason).await?;
        done(None, Some("Freeze lifted."));
        Ok(f)
    })
    .await
}

/// The observers registered to receive the current edition's commitment (admins).
#[server(endpoint = "admin_observers")]
pub async fn observers() -> Result<Vec<wsis::commitment::Observer>, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::commitments::observers(&s.db, current_edition_id().await?).await
    })
    .await
}

/// Registers an observer of the current edition: they receive its commitment when voting
/// closes (at once when it is already made).
#[server(endpoint = "admin_add_observer")]
pub async fn add_observer(email: String) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::commitments::add_observer(&s, me.id, current_edition_id().await?, &email).await?;
        done(None, Some("Observer added."));
        Ok(())
    })
    .await
}

#[server(endpoint = "admin_remove_observer")]
pub async fn remove_observer(email: String) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::commitments::remove_observer(&s, me.id, current_edition_id().await?, &email).await?;
        done(None, Some("Observer removed."));
        Ok(())
    })
    .await
}
