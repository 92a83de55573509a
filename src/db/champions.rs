//! Champions: after voting closes, the top N nominees by valid votes per category.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, Statement};
use uuid::Uuid;

use super::catalog::{edition_view, BALLOT_STATUSES};
use super::entity::{champion, edition, nomination};
use super::{audit, Services};
use crate::category::CATEGORIES;
use crate::champion::{CategoryChampions, ChampionLine, ChampionsView};
use crate::tally::top_n;
use crate::AppError;

/// Valid votes per nominee; under the complete-ballot rule only voters who voted in
/// every category count.
pub async fn counted_votes(db: &impl ConnectionTrait, e: &edition::Model) -> Result<HashMap<i32, i64>, AppError> {
    if !e.complete_ballot {
        return super::voting::recount(db, e.id).await;
    }
    // edition ids come from the database, never from input
    let sql = format!(
        "SELECT nomination_id, COUNT(*) AS n FROM vote WHERE edition_id = {id} AND valid = {t} AND account_id IN \
         (SELECT account_id FROM vote WHERE edition_id = {id} AND valid = {t} GROUP BY account_id HAVING COUNT(DISTINCT category_id) >= {cats}) \
         GROUP BY nomination_id",
        id = e.id,
        t = if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres { "TRUE" } else { "1" },
        cats = CATEGORIES.len()
    );
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    let mut out = HashMap::new();
    for r in rows {
        let id: i32 = r.try_get("", "nomination_id")?;
        let n: i64 = r.try_get("", "n")?;
        out.insert(id, n);
    }
    Ok(out)
}

/// Computes and stages the champions of an edition (replacing earlier pending ones).
/// Nominees tied across the cut-off are all included and flagged; an admin may then leave
/// some out with a reason ([`exclude_tied`]).
pub async fn compute(s: &Services, actor: i32, edition_id: i32) -> Result<ChampionsView, AppError> {
    compute_on(&s.db, Some(actor), edition_id).await
}

pub async fn compute_on(db: &DatabaseConnection, actor: Option<i32>, edition_id: i32) -> Result<ChampionsView, AppError> {
    let now = Utc::now();
    // the edition's row is held from the first statement: an invalidation cannot land
    // between the count and the champions it decides
    let txn = super::begin_on_edition(db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let refused = if now < e.voting_closes {
        Some(AppError::Closed(format!(
            "Champions are computed once voting has closed, on {} (Geneva time).",
            crate::time::geneva_label(e.voting_closes)
        )))
    } else if edition_view(&e).results_public(now) {
        Some(AppError::Conflict("The results of this edition are released; champions can no longer change.".into()))
    } else if super::review::rubric_locked(&txn, e.id).await? {
        Some(AppError::Conflict("Experts have already scored these champions; they can no longer change.".into()))
    } else {
        None
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
    let places = e.champions_per_category.clamp(0, i32::MAX) as usize;
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
                status: Set("pending".into()),
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
    audit::record(&txn, actor, "champions.compute", &format!("edition:{}", e.year), None, Some(serde_json::json!({ "staged": staged }).to_string())).await?;
    txn.commit().await?;
    view(db, e.id).await
}

/// Reopens the vote audit after the champions were computed: the staged champions are
/// removed (they are computed again once the audit is done), and invalidations, freezes
/// and corrections of the screening are possible again. Refused once experts scored or
/// the results are released. The reason goes to the audit log.
pub async fn reopen_audit(s: &Services, actor: i32, edition_id: i32, reason: &str) -> Result<ChampionsView, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::invalid("Please give a reason (up to 1000 characters); it goes to the audit log."));
    }
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let refused = if edition_view(&e).results_public(Utc::now()) {
        Some(AppError::Conflict(format!("The results of the {} edition are released: its count is final.", e.year)))
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
        Some(actor),
        "audit.reopen",
        &format!("edition:{}", e.year),
        Some(serde_json::json!({ "champions": removed }).to_string()),
        Some(serde_json::json!({ "reason": reason }).to_string()),
    )
    .await?;
    txn.commit().await?;
    view(&s.db, e.id).await
}

/// Leaves a nominee tied across the cut-off out of the champions, with a reason.
pub async fn exclude_tied(s: &Services, actor: i32, edition_id: i32, nominee: Uuid, reason: &str) -> Result<ChampionsView, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 1000 {
        return Err(AppError::invalid("Please give a reason (up to 1000 characters); it is recorded."));
    }
    let n = super::catalog::nomination_by_uuid(&s.db, nominee).await?.ok_or_else(|| AppError::NotFound("No such nominee.".into()))?;
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
    let current = view(&s.db, edition_id).await?;
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
    audit::record(&s.db, Some(actor), "champions.exclude_tied", &nominee.to_string(), None, Some(serde_json::json!({ "reason": reason }).to_string())).await?;
    view(&s.db, edition_id).await
}

pub async fn view(db: &impl ConnectionTrait, edition_id: i32) -> Result<ChampionsView, AppError> {
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
            CategoryChampions {
                slug: c.slug.into(),
                code: c.code.into(),
                name: c.name.into(),
                places: e.champions_per_category.clamp(0, i32::MAX) as u32,
                lines,
            }
        })
        .collect();
    Ok(ChampionsView { computed_at: e.champions_computed_at, categories })
}
