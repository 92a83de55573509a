//! The commitment made when voting closes (`crate::commitment`): per category, the number
//! of votes cast and the Merkle root of their ledger — every vote cast, whatever the audit
//! decides later — stored once, before any audit decision can follow, and public from then.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entity::{commitment, edition, nomination, vote};
use super::Services;
use crate::category::CATEGORIES;
use crate::commitment::{leaf, ledger_line, root, to_hex, CategoryCommitment, Commitment};
use crate::AppError;

/// How long after the voting close the commitment waits, so that votes accepted in the last
/// instant are stored (the vote writer commits within milliseconds).
pub const SETTLE: Duration = Duration::seconds(10);

/// The ledger lines of every vote cast in one category of an edition, in ledger order.
pub async fn ledger_lines(db: &impl ConnectionTrait, edition_id: i32, category_id: i32) -> Result<Vec<String>, AppError> {
    let ids: std::collections::HashMap<i32, Uuid> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::Uuid])
        .filter(nomination::Column::EditionId.eq(edition_id))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<(String, i32)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::Receipt, vote::Column::NominationId])
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::CategoryId.eq(category_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut lines: Vec<String> = rows.into_iter().filter_map(|(r, n)| Some(ledger_line(&crate::vote::format_receipt(&r), *ids.get(&n)?))).collect();
    lines.sort();
    Ok(lines)
}

/// Commits every edition whose voting closed (past [`SETTLE`]) and has no commitment yet.
/// Two nodes at once store one commitment (the unique index; the second rolls back).
/// Returns how many editions were committed.
pub async fn commit_due(s: &Services) -> Result<usize, AppError> {
    let now = s.now();
    let closed = edition::Entity::find().filter(edition::Column::VotingCloses.lte(now - SETTLE)).all(&s.db).await?;
    let mut n = 0;
    for e in closed {
        if commitment::Entity::find().filter(commitment::Column::EditionId.eq(e.id)).one(&s.db).await?.is_some() {
            continue;
        }
        // the edition's row is held (SQLite's write lock first): a second node waits here,
        // then finds the commitment made
        let txn = super::begin_on_edition(&s.db, e.id).await?;
        if commitment::Entity::find().filter(commitment::Column::EditionId.eq(e.id)).one(&txn).await?.is_some() {
            let _ = txn.rollback().await;
            continue;
        }
        let mut stored = true;
        for c in CATEGORIES.iter() {
            let lines = ledger_lines(&txn, e.id, c.position as i32).await?;
            let leaves: Vec<_> = lines.iter().map(|l| leaf(l)).collect();
            let row = commitment::ActiveModel {
                edition_id: Set(e.id),
                category_id: Set(c.position as i32),
                votes: Set(lines.len() as i64),
                root: Set(to_hex(&root(&leaves))),
                committed_at: Set(now),
                ..Default::default()
            };
            match row.insert(&txn).await {
                Ok(_) => {}
                Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                    stored = false;
                    break;
                }
                Err(err) => return Err(err.into()),
            }
        }
        if stored {
            txn.commit().await?;
            n += 1;
        } else {
            let _ = txn.rollback().await;
        }
    }
    Ok(n)
}

/// The commitment of the edition `year`, once made.
pub async fn of_year(db: &DatabaseConnection, year: &str) -> Result<Option<Commitment>, AppError> {
    let e = edition::Model::named(db, year).await?;
    let rows = commitment::Entity::find().filter(commitment::Column::EditionId.eq(e.id)).order_by_asc(commitment::Column::CategoryId).all(db).await?;
    let Some(at) = rows.first().map(|r| r.committed_at) else { return Ok(None) };
    let categories = rows
        .iter()
        .filter_map(|r| {
            let c = CATEGORIES.iter().find(|c| c.position as i32 == r.category_id)?;
            Some(CategoryCommitment { category: c.code.to_string(), votes: r.votes.max(0) as u64, root: r.root.clone() })
        })
        .collect();
    Ok(Some(Commitment { edition: e.year, committed_at: at, categories }))
}
