//! The commitment made when voting closes (`crate::commitment`): per category, the number
//! of votes cast and the Merkle root of their ledger — every vote cast, whatever the audit
//! decides later — stored once, before any audit decision can follow, and public from then.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entity::{commitment, edition, nomination, observer, vote};
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
            // the observers' copies are queued with the commitment itself: both or neither
            let made = Commitment { edition: e.year, committed_at: now, categories: committed_lines(&txn, e.id).await? };
            for o in observer::Entity::find().filter(observer::Column::EditionId.eq(e.id)).all(&txn).await? {
                let (subject, body) = observer_mail(&made, &s.config.public_url);
                super::mail::enqueue(&txn, now, "en", &o.email, &subject, &body).await?;
            }
            txn.commit().await?;
            s.wake_mail();
            n += 1;
        } else {
            let _ = txn.rollback().await;
        }
    }
    Ok(n)
}

/// The committed rows of an edition, in category order, and the time of the commitment.
async fn committed_rows(db: &impl ConnectionTrait, edition_id: i32) -> Result<(Option<chrono::DateTime<chrono::Utc>>, Vec<CategoryCommitment>), AppError> {
    let rows = commitment::Entity::find().filter(commitment::Column::EditionId.eq(edition_id)).order_by_asc(commitment::Column::CategoryId).all(db).await?;
    let at = rows.first().map(|r| r.committed_at);
    let lines = rows
        .iter()
        .filter_map(|r| {
            let c = CATEGORIES.iter().find(|c| c.position as i32 == r.category_id)?;
            Some(CategoryCommitment { category: c.code.to_string(), votes: r.votes.max(0) as u64, root: r.root.clone() })
        })
        .collect();
    Ok((at, lines))
}

async fn committed_lines(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<CategoryCommitment>, AppError> {
    Ok(committed_rows(db, edition_id).await?.1)
}

/// The message an observer receives: the commitment, line by line, and where to check it.
pub fn observer_mail(c: &Commitment, public_url: &str) -> (String, String) {
    let lines: Vec<String> = c.categories.iter().map(|x| format!("{:<16} {:>9} votes  {}", x.category, x.votes, x.root)).collect();
    (
        format!("WSIS Prizes {}: the commitment of the votes cast", c.edition),
        format!(
            "Voting in the WSIS Prizes {year} closed. At {at} the platform committed to every vote cast, before any audit \
             decision: per category the number of votes and the Merkle root of its ledger (SHA-256, lines \"RECEIPT NOMINEE\" sorted).\n\n\
             {lines}\n\n\
             Keep this message: after the release, the bulletin at {url}/results/{year}/bulletin.json must lead to these \
             roots, and the independent verifier at {url}/verify/wsis_verify.py checks it. The same commitment is shown at \
             {url}/results/{year}.\n",
            year = c.edition,
            at = c.committed_at.format("%Y-%m-%d %H:%M:%S UTC"),
            lines = lines.join("\n"),
            url = public_url,
        ),
    )
}

/// The observers of an edition, in the order they were added.
pub async fn observers(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<crate::commitment::Observer>, AppError> {
    Ok(observer::Entity::find()
        .filter(observer::Column::EditionId.eq(edition_id))
        .order_by_asc(observer::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| crate::commitment::Observer { email: o.email, added_at: o.added_at })
        .collect())
}

/// Registers an observer of an edition (audit-logged). One added after the commitment was
/// made receives it at once.
pub async fn add_observer(s: &Services, actor: i32, edition_id: i32, address: &str) -> Result<(), AppError> {
    let email = crate::account::Email::parse(address).map_err(AppError::invalid)?;
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let known = observer::Entity::find()
        .filter(observer::Column::EditionId.eq(edition_id))
        .filter(observer::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    if known.is_some() {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict(format!("{} already observes this edition.", email.as_str())));
    }
    if observer::Entity::find().filter(observer::Column::EditionId.eq(edition_id)).count(&txn).await? >= MAX_OBSERVERS {
        let _ = txn.rollback().await;
        return Err(AppError::invalid(format!("An edition has at most {MAX_OBSERVERS} observers.")));
    }
    observer::ActiveModel { edition_id: Set(edition_id), email: Set(email.as_str().to_string()), added_at: Set(now), ..Default::default() }.insert(&txn).await?;
    let rows = committed_lines(&txn, edition_id).await?;
    if let Some(at) = commitment::Entity::find().filter(commitment::Column::EditionId.eq(edition_id)).one(&txn).await?.map(|c| c.committed_at) {
        let (subject, body) = observer_mail(&Commitment { edition: e.year, committed_at: at, categories: rows }, &s.config.public_url);
        super::mail::enqueue(&txn, now, "en", email.as_str(), &subject, &body).await?;
    }
    super::audit::record(&txn, now, Some(actor), crate::audit::AuditAction::ObserverAdd, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "email": email.as_str() })))
        .await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(())
}

/// Removes an observer of an edition (audit-logged).
pub async fn remove_observer(s: &Services, actor: i32, edition_id: i32, address: &str) -> Result<(), AppError> {
    let address = address.trim().to_lowercase();
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let gone = observer::Entity::delete_many()
        .filter(observer::Column::EditionId.eq(edition_id))
        .filter(observer::Column::Email.eq(address.as_str()))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        let _ = txn.rollback().await;
        return Err(AppError::NotFound(format!("{address} does not observe this edition.")));
    }
    super::audit::record(&txn, s.now(), Some(actor), crate::audit::AuditAction::ObserverRemove, &format!("edition:{}", e.year), Some(serde_json::json!({ "email": address })), None)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// How many observers an edition may have.
pub const MAX_OBSERVERS: u64 = 100;

/// The commitment of the edition `year`, once made.
pub async fn of_year(db: &DatabaseConnection, year: &str) -> Result<Option<Commitment>, AppError> {
    let e = edition::Model::named(db, year).await?;
    let (Some(at), categories) = committed_rows(db, e.id).await? else { return Ok(None) };
    Ok(Some(Commitment { edition: e.year, committed_at: at, categories }))
}

/// A category's committed tree, kept per node: the receipts in ledger order (to find a
/// vote's place) and every level of hashes (to give its path at once).
pub struct Tree {
    receipts: Vec<[u8; 10]>,
    levels: Vec<Vec<crate::commitment::Hash>>,
}

/// The trees of the categories asked about last, at most [`TREES_KEPT`] (about 8 MB each at
/// 110,000 votes); each built once however many receipt checks ask for it at the same time.
#[derive(Default)]
pub struct TreeCache {
    kept: tokio::sync::Mutex<Vec<((i32, i32), TreeCell)>>,
}

pub const TREES_KEPT: usize = 4;

fn receipt_bytes(hex_receipt: &str) -> Option<[u8; 10]> {
    let mut out = [0u8; 10];
    hex::decode_to_slice(hex_receipt, &mut out).ok()?;
    Some(out)
}

type TreeCell = std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<Tree>>>;

impl TreeCache {
    /// The cell of a category's tree: the lock is held only to find or make the cell, so
    /// a check of a kept tree never waits behind the build of another.
    async fn cell(&self, key: (i32, i32)) -> TreeCell {
        let mut kept = self.kept.lock().await;
        if let Some(i) = kept.iter().position(|(k, _)| *k == key) {
            let hit = kept.remove(i);
            let cell = hit.1.clone();
            kept.push(hit);
            return cell;
        }
        if kept.len() >= TREES_KEPT {
            kept.remove(0);
        }
        let cell = TreeCell::default();
        kept.push((key, cell.clone()));
        cell
    }

    async fn tree(&self, db: &DatabaseConnection, edition_id: i32, category_id: i32) -> Result<std::sync::Arc<Tree>, AppError> {
        let cell = self.cell((edition_id, category_id)).await;
        let tree = cell
            .get_or_try_init(|| async {
                let lines = ledger_lines(db, edition_id, category_id).await?;
                let receipts = lines
                    .iter()
                    .map(|l| receipt_bytes(&l.split(' ').next().unwrap_or_default().replace('-', "")).ok_or(AppError::Internal))
                    .collect::<Result<Vec<_>, _>>()?;
                let leaves: Vec<_> = lines.iter().map(|l| leaf(l)).collect();
                Ok::<_, AppError>(std::sync::Arc::new(Tree { receipts, levels: crate::commitment::levels(&leaves) }))
            })
            .await?;
        Ok(tree.clone())
    }
}

/// A cast vote's inclusion in its category's commitment, once the commitment is made. The
/// path is checked against the stored root before it is given: a tree that does not lead
/// to the published root is an internal error, never a proof.
pub async fn inclusion(s: &Services, v: &vote::Model) -> Result<Option<crate::commitment::Inclusion>, AppError> {
    let Some(c) = commitment::Entity::find()
        .filter(commitment::Column::EditionId.eq(v.edition_id))
        .filter(commitment::Column::CategoryId.eq(v.category_id))
        .one(&s.db)
        .await?
    else {
        return Ok(None);
    };
    let code = CATEGORIES.iter().find(|x| x.position as i32 == v.category_id).map(|x| x.code.to_string()).ok_or(AppError::Internal)?;
    let nominee = nomination::Entity::find_by_id(v.nomination_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    let line = ledger_line(&crate::vote::format_receipt(&v.receipt), nominee.uuid);
    let tree = s.commitment_trees.tree(&s.db, v.edition_id, v.category_id).await?;
    let mine = receipt_bytes(&v.receipt).ok_or(AppError::Internal)?;
    let Ok(index) = tree.receipts.binary_search(&mine) else {
        tracing::error!(edition = v.edition_id, category = v.category_id, "a cast vote is missing from its category's committed ledger");
        return Err(AppError::Internal);
    };
    let steps = crate::commitment::proof_in(&tree.levels, index);
    if to_hex(&crate::commitment::root_of_levels(&tree.levels)) != c.root || !crate::commitment::verify(&line, &steps, &c.root) {
        tracing::error!(edition = v.edition_id, category = v.category_id, "the ledger no longer leads to the committed root");
        return Err(AppError::Internal);
    }
    Ok(Some(crate::commitment::Inclusion {
        category: code,
        line,
        index: index as u64,
        votes: c.votes.max(0) as u64,
        steps,
        root: c.root,
        committed_at: c.committed_at,
    }))
}
