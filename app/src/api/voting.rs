//! Voting: casting a vote, the voter's votes, receipts, and the admin tally.

use leptos::prelude::*;
use uuid::Uuid;
use wsis::vote::{MyVote, ReceiptStatus};
use wsis::AppError;

/// Casts the signed-in, confirmed account's vote for a nominee. One vote per account per
/// category; the database enforces it.
#[server(endpoint = "cast_vote")]
pub async fn cast_vote(nominee: Uuid, #[server(default)] pow: wsis::pow::Solution) -> Result<MyVote, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_user()?;
        let s = services()?;
        let req = request();
        let origin = wsis::db::voting::origin_hash(&s.config.secret, &req.client_addr, &req.user_agent);
        let via = cookie(wsis::campaign::VIA_COOKIE);
        let from = wsis::db::voting::Ballot { origin: &origin, addr: &req.client_addr, pow: &pow, via: via.as_deref() };
        let vote = wsis::db::voting::cast_vote(&s, &me, nominee, from).await?;
        done(Some(&format!("/categories/{}", vote.category_slug)), Some("Your vote is recorded. Thank you!"));
        Ok(vote)
    })
    .await
}

#[server(endpoint = "my_votes")]
pub async fn my_votes() -> Result<Vec<MyVote>, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_user()?;
        let s = services()?;
        wsis::db::voting::my_votes(&s.db, me.id).await
    })
    .await
}

/// Public: is this receipt counted, and in which category (never for whom).
#[server(endpoint = "check_receipt")]
pub async fn check_receipt(receipt: String) -> Result<ReceiptStatus, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        wsis::db::voting::check_receipt(&s, &receipt).await
    })
    .await
}

/// The tally of the current edition: admins always; everyone else once the results are
/// released, if the edition publishes vote counts (the embargo's one gate decides).
#[server(endpoint = "tally")]
pub async fn get_tally() -> Result<Vec<wsis::tally::CategoryTally>, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let e = wsis::db::entity::edition::Model::require_current(&s.db).await?;
        if !wsis::db::results::access(&e, viewer()).live_tally {
            return Err(AppError::forbidden("Results are not released yet."));
        }
        wsis::db::voting::tally(&s.db, e.id).await
    })
    .await
}

/// Rebuilds the counters from the vote table (admins only; audit-logged).
#[server(endpoint = "admin_recount")]
pub async fn recount() -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let e = wsis::db::entity::edition::Model::require_current(&s.db).await?;
        let changed = wsis::db::voting::rebuild_counters(&s, Some(me.id), e.id).await?;
        done(None, Some(&format!("Recount done: {changed} counters corrected.")));
        Ok(changed)
    })
    .await
}

/// Whether the signed-in account asked for a reminder before the current vote closes.
#[server(endpoint = "vote_reminder")]
pub async fn vote_reminder() -> Result<bool, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_user()?;
        wsis::db::reminders::wanted(&services()?.db, me.id).await
    })
    .await
}

/// Asks for (`on=true`) or cancels one e-mail reminder before voting closes, sent if the
/// account has voted in some categories but not all. Confirmed accounts, while voting is open.
#[server(endpoint = "set_vote_reminder")]
pub async fn set_vote_reminder(on: bool) -> Result<bool, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let on = wsis::db::reminders::set(&services()?, &me, on).await?;
        done(
            Some("/my-votes"),
            Some(if on { "Done: we will remind you once before voting closes if you have not voted in every category." } else { "Done: no reminder will be sent." }),
        );
        Ok(on)
    })
    .await
}
