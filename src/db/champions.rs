//! Champions: after voting closes, the top N nominees by counted votes per category; and
//! the count itself, which the champions, the results and the ledger share.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::catalog::BALLOT_STATUSES;
use super::entity::{champion, edition, nomination, vote};
use super::{audit, Services};
use crate::audit::AuditAction;
use crate::category::CATEGORIES;
use crate::champion::{CategoryChampions, ChampionLine, ChampionStatus, ChampionsView};
use crate::phase::{Milestone, PhaseKind};
use crate::tally::{count_votes, top_n};
use crate::AppError;

/// The valid votes of an edition as `(account, category, nomination)`.
pub async fn valid_votes(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<(i32, i32, i32)>, AppError> {
    Ok(vote::Entity::find()
        .select_only()
        .columns([vote::Column::AccountId, vote::Column::CategoryId, vote::Column::NominationId])
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::Valid.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// The number of categories a complete ballot covers, when the edition asks for one.
pub fn complete_ballot_rule(e: &edition::Model) -> Option<usize> {
    e.complete_ballot.then_some(CATEGORIES.len())
}

/// Counted votes per nomination, by the one rule ([`crate::tally::count_votes`]).
pub async fn counted_votes(db: &impl ConnectionTrait, e: &edition::Model) -> Result<HashMap<i32, i64>, AppError> {
    let votes = valid_votes(db, e.id).await?;
    Ok(count_votes(&votes, complete_ballot_rule(e)).into_iter().map(|(k, n)| (k, n as i64)).collect())
}

/// Computes and stages the champions of an edition (replacing earlier pending ones).
/// Nominees tied across the cut-off are all included and flagged; an admin may then leave
/// some out with a reason ([`exclude_tied`]).
pub async fn compute(s: &Services, actor: i32, edition_id: i32) -> Result<ChampionsView, AppError> {
    compute_on(&s.db, Some(actor), edition_id, s.now()).await
}

pub async fn compute_on(db: &DatabaseConnection, actor: Option<i32>, edition_id: i32, now: DateTime<Utc>) -> Result<ChampionsView, AppError> {
    // the edition's row is held from the first statement: an invalidation cannot land
    // between the count and the champions it decides
    let txn = super::begin_on_edition(db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let view = e.view();
    let refused = match (view.require_after(Milestone::Closes(PhaseKind::Voting), now), view.require_unreleased()) {
        (Err(err), _) | (_, Err(err)) => Some(err),
        _ if super::review::rubric_locked(&txn, e.id).await? => {
            Some(AppError::Conflict("Experts have already scored these champions; they can no longer change.".into()))
        }
        _ => None,
    };
    if let Some(err) = refused {
        let _ = txn.rollback().await;
        return Err(err);
    }
    let counts = counted_votes(&txn, &e).await?;
    let noms: Vec<(i32, i32)> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::CategoryId])
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .into_tuple()
        .all(&txn)
        .await?;
    let places = view.rules.champions_per_category as usize;
    champion::Entity::delete_many().filter(champion::Column::EditionId.eq(e.id)).exec(&txn).await?;
    let mut staged = 0;
    for c in CATEGORIES.iter() {
        let list: Vec<(i32, u64)> = noms
            .iter()
            .filter(|(_, cat)| *cat == c.position as i32)
            .map(|(id, _)| (*id, counts.get(id).copied().unwrap_or(0).clamp(0, i64::MAX) as u64))
            .collect();
        let cut = top_n(&list, places);
        let votes: HashMap<i32, u64> = list.iter().copied().collect();
        for (id, tied) in cut.certain.iter().map(|i| (*i, false)).chain(cut.tied_at_cutoff.iter().map(|i| (*i, true))) {
            champion::ActiveModel {
                edition_id: Set(e.id),
                category_id: Set(c.position as i32),
                nomination_id: Set(id),
                valid_votes: Set(votes.get(&id).copied().unwrap_or(0) as i64),
                tied_at_cutoff: Set(tied),
                excluded_reason: Set(None),
                status: Set(ChampionStatus::Pending),
                created_at: Set(now),
                winner: Set(false),
                decided_at: Set(None),
                decision_reason: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            staged += 1;
        }
    }
    let mut am: edition::ActiveModel = e.clone().into();
    am.champions_computed_at = Set(Some(now));
    am.update(&txn).await?;
    audit::record(&txn, now, actor, AuditAction::ChampionsCompute, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "staged": staged })))
        .await?;
    txn.commit().await?;
    view_of(db, e.id).await
}

/// Reopens the vote audit after the champions were computed: the staged champions are
/// removed (they are computed again once the audit is done), and invalidations, freezes
/// and corrections of the screening are possible again. Refused once experts scored or
/// the results are released. The reason goes to the audit log.
pub async fn reopen_audit(s: &Services, actor: i32, edition_id: i32, reason: &str) -> Result<ChampionsView, AppError> {
    let reason = crate::audit::reason(reason)?;
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let refused = if e.results_public() {
        Some(AppError::count_final(e.year))
    } else if e.champions_computed_at.is_none() {
        Some(AppError::invalid("The audit is open: no champions are computed yet."))
    } else if super::review::rubric_locked(&txn, e.id).await? {
        Some(AppError::Conflict("Experts have already scored these champions; the audit can no longer reopen.".into()))
    } else {
        None
    };
    if let Some(err) = refused {
        let _ = txn.rollback().await;
        return Err(err);
    }
    let removed = champion::Entity::delete_many().filter(champion::Column::EditionId.eq(e.id)).exec(&txn).await?.rows_affected;
    let mut am: edition::ActiveModel = e.clone().into();
    am.champions_computed_at = Set(None);
    am.update(&txn).await?;
    audit::record(
        &txn,
        s.now(),
        Some(actor),
        AuditAction::AuditReopen,
        &format!("edition:{}", e.year),
        Some(serde_json::json!({ "champions": removed })),
        Some(serde_json::json!({ "reason": reason })),
    )
    .await?;
    txn.commit().await?;
    view_of(&s.db, e.id).await
}

/// Leaves a nominee tied across the cut-off out of the champions, with a reason.
pub async fn exclude_tied(s: &Services, actor: i32, edition_id: i32, nominee: Uuid, reason: &str) -> Result<ChampionsView, AppError> {
    let reason = crate::audit::reason(reason)?;
    let n = nomination::Model::by_uuid(&s.db, nominee).await?.ok_or_else(AppError::no_nominee)?;
    let row = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(edition_id))
        .filter(champion::Column::NominationId.eq(n.id))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::invalid("This nominee is not among the computed champions."))?;
    if !row.tied_at_cutoff {
        return Err(AppError::invalid("Only nominees tied across the cut-off can be left out."));
    }
    if row.excluded_reason.is_some() {
        return Err(AppError::Conflict("This nominee is already left out.".into()));
    }
    let current = view_of(&s.db, edition_id).await?;
    let cat = current.categories.iter().find(|c| c.lines.iter().any(|l| l.nominee == nominee)).ok_or(AppError::Internal)?;
    if cat.included() <= cat.places as usize {
        return Err(AppError::invalid(format!(
            "{} already has {} champions; leaving this nominee out would leave a place empty.",
            cat.code, cat.places
        )));
    }
    let mut am: champion::ActiveModel = row.into();
    am.excluded_reason = Set(Some(reason.to_string()));
    am.update(&s.db).await?;
    audit::record(&s.db, s.now(), Some(actor), AuditAction::ChampionsExcludeTied, &nominee.to_string(), None, Some(serde_json::json!({ "reason": reason })))
        .await?;
    view_of(&s.db, edition_id).await
}

/// The staged champions of an edition per category.
pub async fn view_of(db: &impl ConnectionTrait, edition_id: i32) -> Result<ChampionsView, AppError> {
    let e = edition::Entity::find_by_id(edition_id).one(db).await?.ok_or(AppError::Internal)?;
    let rows = champion::Entity::find().filter(champion::Column::EditionId.eq(edition_id)).all(db).await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.nomination_id).collect();
    let noms: HashMap<i32, nomination::Model> =
        nomination::Entity::find().filter(nomination::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|n| (n.id, n)).collect();
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let mut lines: Vec<ChampionLine> = rows
                .iter()
                .filter(|r| r.category_id == c.position as i32)
                .filter_map(|r| {
                    let n = noms.get(&r.nomination_id)?;
                    Some(ChampionLine {
                        nominee: n.uuid,
                        title: n.title.clone(),
                        organisation: n.organisation.clone(),
                        country: n.country.clone(),
                        votes: r.valid_votes.clamp(0, i64::MAX) as u64,
                        tied_at_cutoff: r.tied_at_cutoff,
                        excluded_reason: r.excluded_reason.clone(),
                    })
                })
                .collect();
            lines.sort_by(|a, b| b.votes.cmp(&a.votes).then_with(|| a.title.cmp(&b.title)));
            CategoryChampions { slug: c.slug.into(), code: c.code.into(), name: c.name.into(), places: e.view().rules.champions_per_category, lines }
        })
        .collect();
    Ok(ChampionsView { computed_at: e.champions_computed_at, categories })
}
