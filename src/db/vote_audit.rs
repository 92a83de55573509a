//! The vote audit: signals of fraud for admins, and invalidation by account.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::{account, nomination, vote};
use super::Services;
use crate::category::CATEGORIES;
use crate::champion::{max_in_window, AuditSignals, AuditVote, Burst, FastAccount, SharedOrigin};
use crate::AppError;

/// Thresholds of the signals; deliberately low so that the demo shows them.
pub const BURST_WINDOW_SECS: i64 = 600;
pub const BURST_MIN_VOTES: usize = 10;
pub const SHARED_ORIGIN_MIN_ACCOUNTS: usize = 3;
pub const FAST_ACCOUNT_MINUTES: i64 = 5;

fn code_of(category_id: i32) -> String {
    CATEGORIES.iter().find(|c| c.position as i32 == category_id).map(|c| c.code.to_string()).unwrap_or_default()
}

pub async fn signals(db: &impl ConnectionTrait, edition_id: i32) -> Result<AuditSignals, AppError> {
    let rows: Vec<(i32, i32, i32, DateTime<Utc>, String, bool)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::AccountId, vote::Column::NominationId, vote::Column::CategoryId, vote::Column::CastAt, vote::Column::OriginHash, vote::Column::Valid])
        .filter(vote::Column::EditionId.eq(edition_id))
        .order_by_asc(vote::Column::CastAt)
        .into_tuple()
        .all(db)
        .await?;
    let total_votes = rows.len() as u64;
    let invalid_votes = rows.iter().filter(|r| !r.5).count() as u64;

    let mut per_nominee: HashMap<i32, (i32, Vec<DateTime<Utc>>)> = HashMap::new();
    let mut per_origin: HashMap<&str, (HashSet<i32>, u64)> = HashMap::new();
    let mut first_vote: HashMap<i32, (DateTime<Utc>, u64)> = HashMap::new();
    let mut per_hour: HashMap<DateTime<Utc>, u64> = HashMap::new();
    for (acct, nom, cat, at, origin, valid) in &rows {
        if *valid {
            per_nominee.entry(*nom).or_insert_with(|| (*cat, Vec::new())).1.push(*at);
        }
        let o = per_origin.entry(origin.as_str()).or_default();
        o.0.insert(*acct);
        o.1 += 1;
        let f = first_vote.entry(*acct).or_insert((*at, 0));
        f.1 += 1;
        if let Ok(h) = at.duration_trunc(Duration::hours(1)) {
            *per_hour.entry(h).or_default() += 1;
        }
    }

    let mut bursts = Vec::new();
    let burst_ids: Vec<i32> = per_nominee
        .iter()
        .filter_map(|(id, (_, ts))| (max_in_window(ts, BURST_WINDOW_SECS).0 >= BURST_MIN_VOTES).then_some(*id))
        .collect();
    if !burst_ids.is_empty() {
        let noms: HashMap<i32, nomination::Model> = nomination::Entity::find()
            .filter(nomination::Column::Id.is_in(burst_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
        for id in burst_ids {
            let (cat, ts) = &per_nominee[&id];
            let (n, start) = max_in_window(ts, BURST_WINDOW_SECS);
            if let (Some(nm), Some(start)) = (noms.get(&id), start) {
                bursts.push(Burst { nominee: nm.uuid, title: nm.title.clone(), category_code: code_of(*cat), window_start: start, votes: n as u64 });
            }
        }
        bursts.sort_by(|a, b| b.votes.cmp(&a.votes));
    }

    let mut shared_origins: Vec<SharedOrigin> = per_origin
        .into_iter()
        .filter(|(_, (accts, _))| accts.len() >= SHARED_ORIGIN_MIN_ACCOUNTS)
        .map(|(o, (accts, votes))| SharedOrigin { origin: o.chars().take(12).collect(), accounts: accts.len() as u64, votes })
        .collect();
    shared_origins.sort_by(|a, b| b.accounts.cmp(&a.accounts));

    let voter_ids: Vec<i32> = first_vote.keys().copied().collect();
    let mut fast_accounts = Vec::new();
    for chunk in voter_ids.chunks(500) {
        let accts = account::Entity::find().filter(account::Column::Id.is_in(chunk.to_vec())).all(db).await?;
        for a in accts {
            let (first, votes) = first_vote[&a.id];
            if first - a.created_at <= Duration::minutes(FAST_ACCOUNT_MINUTES) {
                fast_accounts.push(FastAccount { account: a.uuid, email: a.email, created_at: a.created_at, first_vote_at: first, votes });
            }
        }
    }
    fast_accounts.sort_by(|a, b| b.first_vote_at.cmp(&a.first_vote_at));
    fast_accounts.truncate(200);

    let mut votes_per_hour: Vec<(DateTime<Utc>, u64)> = per_hour.into_iter().collect();
    votes_per_hour.sort();
    let keep = votes_per_hour.len().saturating_sub(48);
    votes_per_hour.drain(..keep);
    Ok(AuditSignals { bursts, shared_origins, fast_accounts, votes_per_hour, total_votes, invalid_votes })
}

/// The votes of one account (found by e-mail), for the audit page.
pub async fn votes_of(db: &impl ConnectionTrait, edition_id: i32, email: &str) -> Result<(Uuid, Vec<AuditVote>), AppError> {
    let email = email.trim().to_lowercase();
    let a = super::auth::find_by_email(db, &email).await?.ok_or_else(|| AppError::NotFound(format!("No account uses “{email}”.")))?;
    let votes = vote::Entity::find()
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::AccountId.eq(a.id))
        .order_by_asc(vote::Column::CategoryId)
        .all(db)
        .await?;
    let ids: Vec<i32> = votes.iter().map(|v| v.nomination_id).collect();
    let noms: HashMap<i32, String> =
        nomination::Entity::find().filter(nomination::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|n| (n.id, n.title)).collect();
    Ok((
        a.uuid,
        votes
            .into_iter()
            .map(|v| AuditVote {
                id: v.uuid,
                category_code: code_of(v.category_id),
                nominee_title: noms.get(&v.nomination_id).cloned().unwrap_or_default(),
                cast_at: v.cast_at,
                origin: v.origin_hash.chars().take(12).collect(),
                valid: v.valid,
                reason: v.invalidated_reason,
            })
            .collect(),
    ))
}

/// Invalidates (or restores) every vote of an account in an edition; returns how many changed.
pub async fn set_account_validity(s: &Services, actor: i32, edition_id: i32, account: Uuid, valid: bool, reason: &str) -> Result<usize, AppError> {
    let a = account::Entity::find()
        .filter(account::Column::Uuid.eq(account))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such account.".into()))?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("Please give a reason; it goes to the audit log."));
    }
    let votes = vote::Entity::find()
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::AccountId.eq(a.id))
        .filter(vote::Column::Valid.eq(!valid))
        .all(&s.db)
        .await?;
    let mut changed = 0;
    for v in votes {
        match super::voting::set_vote_validity(s, actor, v.uuid, valid, reason).await {
            Ok(()) => changed += 1,
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}
