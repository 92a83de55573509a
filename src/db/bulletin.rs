//! The bulletin of an edition (`crate::bulletin`), built from the stored votes, the
//! commitment, the champions and the audit log; kept per node once the results are
//! released (nothing it shows can change after the release).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::catalog::BALLOT_STATUSES;
use super::entity::{audit_log, champion, commitment, edition, nomination, vote};
use super::Services;
use crate::audit::AuditAction;
use crate::bulletin::{Bulletin, BulletinCategory, CategoryAccount, BulletinChampion, BulletinNominee, LogAnchor, NotCounted, FORMAT};
use crate::category::CATEGORIES;
use crate::commitment::ledger_line;
use crate::results::Viewer;
use crate::vote::{format_receipt, not_counted_reason, NotCountedReason};
use crate::AppError;

/// A released bulletin as kept by a node: gzip-compressed JSON and the categories' accounts.
pub struct Kept {
    pub gz: Arc<Vec<u8>>,
    pub accounts: Arc<Vec<CategoryAccount>>,
}

/// Released bulletins by edition id and release time.
pub type BulletinsKept = HashMap<(i32, chrono::DateTime<chrono::Utc>), Arc<Kept>>;

/// The bulletin of `year` for `viewer`: the embargo's rule for vote counts decides, and the
/// commitment must have been made.
pub async fn build(db: &DatabaseConnection, year: &str, viewer: Viewer) -> Result<Bulletin, AppError> {
    let e = edition::Model::named(db, year).await?;
    super::results::require_counts(&e, viewer)?;
    build_of(db, &e).await
}

async fn build_of(db: &DatabaseConnection, e: &edition::Model) -> Result<Bulletin, AppError> {
    let commitments = commitment::Entity::find().filter(commitment::Column::EditionId.eq(e.id)).all(db).await?;
    let Some(committed_at) = commitments.first().map(|c| c.committed_at) else {
        return Err(AppError::Conflict(format!("The votes of {} are committed when its voting closes; the bulletin follows.", e.year)));
    };
    let noms: Vec<nomination::Model> = nomination::Entity::find().filter(nomination::Column::EditionId.eq(e.id)).all(db).await?;
    let uuid_of: HashMap<i32, Uuid> = noms.iter().map(|n| (n.id, n.uuid)).collect();
    let on_ballot: HashSet<i32> = noms.iter().filter(|n| BALLOT_STATUSES.contains(&n.status)).map(|n| n.id).collect();
    #[allow(clippy::type_complexity)]
    let votes: Vec<(i32, i32, i32, String, bool, Option<NotCountedReason>)> = vote::Entity::find()
        .select_only()
        .columns([
            vote::Column::AccountId,
            vote::Column::CategoryId,
            vote::Column::NominationId,
            vote::Column::Receipt,
            vote::Column::Valid,
            vote::Column::InvalidatedCategory,
        ])
        .filter(vote::Column::EditionId.eq(e.id))
        .into_tuple()
        .all(db)
        .await?;
    // the complete-ballot rule as the count applies it: over every valid vote
    let complete: Option<HashSet<i32>> = super::champions::complete_ballot_rule(e).map(|n| {
        let valid: Vec<(i32, i32, ())> = votes.iter().filter(|v| v.4).map(|(a, c, ..)| (*a, *c, ())).collect();
        crate::tally::complete_voters_of(&valid, n)
    });
    let counts = super::champions::counted_votes(db, e).await?;
    let champions = champion::Entity::find().filter(champion::Column::EditionId.eq(e.id)).all(db).await?;
    let mut categories = Vec::new();
    for c in CATEGORIES.iter() {
        let pos = c.position as i32;
        let Some(committed) = commitments.iter().find(|x| x.category_id == pos) else { continue };
        let mut ledger = Vec::new();
        let mut not_counted = Vec::new();
        for (account, _, nomination, receipt, valid, stored) in votes.iter().filter(|v| v.1 == pos) {
            let Some(nominee) = uuid_of.get(nomination) else { continue };
            let receipt = format_receipt(receipt);
            ledger.push(ledger_line(&receipt, *nominee));
            let complete = complete.as_ref().is_none_or(|s| s.contains(account));
            if let Some(reason) = not_counted_reason(*valid, *stored, on_ballot.contains(nomination), complete) {
                not_counted.push(NotCounted::new(receipt, reason));
            }
        }
        ledger.sort();
        not_counted.sort();
        let mut nominees: Vec<BulletinNominee> = noms
            .iter()
            .filter(|n| n.category_id == pos && on_ballot.contains(&n.id))
            .map(|n| BulletinNominee { id: n.uuid, title: n.title.clone(), votes: counts.get(&n.id).copied().unwrap_or(0).max(0) as u64 })
            .collect();
        nominees.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.id.cmp(&b.id)));
        let mut champs: Vec<BulletinChampion> = champions
            .iter()
            .filter(|r| r.category_id == pos)
            .filter_map(|r| {
                Some(BulletinChampion {
                    id: *uuid_of.get(&r.nomination_id)?,
                    votes: r.valid_votes.max(0) as u64,
                    tied_at_cutoff: r.tied_at_cutoff,
                    excluded: r.excluded_reason.is_some(),
                    winner: r.winner,
                })
            })
            .collect();
        champs.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.id.cmp(&b.id)));
        categories.push(BulletinCategory {
            category: c.code.to_string(),
            committed_votes: committed.votes.max(0) as u64,
            committed_root: committed.root.clone(),
            ledger,
            not_counted,
            nominees,
            champions: champs,
        });
    }
    let log = audit_log::Entity::find()
        .filter(audit_log::Column::Action.is_in([AuditAction::ResultsRelease, AuditAction::ResultsReleaseAtAnnouncement]))
        .filter(audit_log::Column::Subject.eq(format!("edition:{}", e.year)))
        .order_by_desc(audit_log::Column::Seq)
        .one(db)
        .await?
        .map(|r| LogAnchor { seq: r.seq, hash: r.hash });
    Ok(Bulletin {
        format: FORMAT.to_string(),
        edition: e.year,
        released_at: e.results_released_at,
        champions_per_category: e.view().rules.champions_per_category,
        complete_ballot: e.complete_ballot,
        committed_at,
        categories,
        log: if e.results_public() { log } else { None },
    })
}

/// The bulletin as gzip-compressed JSON, with its accounts: once released, built once per
/// node and kept (a crowd of downloads builds it once); before, built per request for the
/// viewers the embargo lets see counts.
pub async fn kept(s: &Services, year: &str, viewer: Viewer) -> Result<(i32, Arc<Kept>), AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    super::results::require_counts(&e, viewer)?;
    let make = |b: Bulletin| -> Result<Kept, AppError> { Ok(Kept { accounts: Arc::new(b.accounts()), gz: Arc::new(gzip(&b)?) }) };
    let key = match (e.results_public(), e.results_released_at) {
        (true, Some(at)) => (e.id, at),
        _ => return Ok((e.year, Arc::new(make(build_of(&s.db, &e).await?)?))),
    };
    let mut kept = s.bulletins.lock().await;
    if let Some(b) = kept.get(&key) {
        return Ok((e.year, b.clone()));
    }
    let b = Arc::new(make(build_of(&s.db, &e).await?)?);
    kept.insert(key, b.clone());
    Ok((e.year, b))
}

/// The accounts of the released edition `year` for the results page: none before the
/// release, or where the edition does not publish vote counts.
pub async fn released_accounts(s: &Services, year: &str) -> Result<Option<Vec<CategoryAccount>>, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    if !e.results_public() || super::results::require_counts(&e, Viewer::Public).is_err() {
        return Ok(None);
    }
    Ok(Some(kept(s, year, Viewer::Public).await?.1.accounts.as_ref().clone()))
}

fn gzip(b: &Bulletin) -> Result<Vec<u8>, AppError> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    serde_json::to_writer(&mut z, b).map_err(|_| AppError::Internal)?;
    z.flush().map_err(|_| AppError::Internal)?;
    z.finish().map_err(|_| AppError::Internal)
}
