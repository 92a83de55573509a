//! The vote audit: signals of fraud for admins, and invalidation by account.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sea_orm::sea_query::ExprTrait;
use uuid::Uuid;

use super::entity::{account, edition, nomination, vote, vote_freeze};
use super::Services;
use crate::category::CATEGORIES;
use crate::audit::AuditAction;
use crate::champion::{max_in_window, AuditSignals, AuditVote, Burst, ClusterKind, FastAccount, FreezeLine, SharedOrigin};
use crate::vote::NotCountedReason;
use crate::AppError;

/// Thresholds of the signals; deliberately low so that the demo shows them.
pub const BURST_WINDOW_SECS: i64 = 600;
pub const BURST_MIN_VOTES: usize = 10;
pub const SHARED_ORIGIN_MIN_ACCOUNTS: usize = 3;
pub const FAST_ACCOUNT_MINUTES: i64 = 5;
/// The most fast accounts the audit page lists (the latest first votes).
pub const FAST_ACCOUNTS_SHOWN: usize = 200;

fn code_of(category_id: i32) -> String {
    CATEGORIES.iter().find(|c| c.position as i32 == category_id).map(|c| c.code.to_string()).unwrap_or_default()
}

type Core = (Vec<Burst>, Vec<SharedOrigin>, Vec<FastAccount>, Vec<(DateTime<Utc>, u64)>, u64, u64);

pub async fn signals<C: ConnectionTrait + sea_orm::StreamTrait>(db: &C, edition_id: i32) -> Result<AuditSignals, AppError> {
    let (bursts, shared_origins, fast_accounts, votes_per_hour, total_votes, invalid_votes) = signals_core(db, edition_id).await?;
    let e = edition::Entity::find_by_id(edition_id).one(db).await?.ok_or(AppError::Internal)?;
    Ok(AuditSignals {
        bursts,
        shared_origins,
        fast_accounts,
        votes_per_hour,
        total_votes,
        invalid_votes,
        freezes: freezes(db, edition_id).await?,
        count_frozen: super::voting::require_audit_open(&e).is_err(),
    })
}

async fn signals_core<C: ConnectionTrait + sea_orm::StreamTrait>(db: &C, edition_id: i32) -> Result<Core, AppError> {
    use futures::TryStreamExt;
    // One pass over the edition's votes, two small columns at a time, in nominee order:
    // the totals, the votes per hour, and each nominee's busiest window. Only the current
    // nominee's times are held, so the memory does not grow with the season.
    let mut total_votes = 0u64;
    let mut invalid_votes = 0u64;
    let mut per_hour: HashMap<DateTime<Utc>, u64> = HashMap::new();
    let mut windows: Vec<(i32, i32, usize, DateTime<Utc>)> = Vec::new();
    {
        let mut rows = vote::Entity::find()
            .select_only()
            .columns([vote::Column::NominationId, vote::Column::CategoryId, vote::Column::CastAt, vote::Column::Valid])
            .filter(vote::Column::EditionId.eq(edition_id))
            .order_by_asc(vote::Column::NominationId)
            .order_by_asc(vote::Column::CastAt)
            .into_tuple::<(i32, i32, DateTime<Utc>, bool)>()
            .stream(db)
            .await?;
        let mut current: Option<(i32, i32)> = None;
        let mut times: Vec<DateTime<Utc>> = Vec::new();
        let mut close = |current: Option<(i32, i32)>, times: &mut Vec<DateTime<Utc>>| {
            if let (Some((nom, cat)), (n, Some(start))) = (current, max_in_window(times, BURST_WINDOW_SECS)) {
                if n >= BURST_MIN_VOTES {
                    windows.push((nom, cat, n, start));
                }
            }
            times.clear();
        };
        while let Some((nom, cat, at, valid)) = rows.try_next().await? {
            total_votes += 1;
            if let Ok(h) = at.duration_trunc(Duration::hours(1)) {
                *per_hour.entry(h).or_default() += 1;
            }
            if !valid {
                invalid_votes += 1;
                continue;
            }
            if current.map(|c| c.0) != Some(nom) {
                close(current, &mut times);
                current = Some((nom, cat));
            }
            times.push(at);
        }
        close(current, &mut times);
    }

    let mut bursts = Vec::new();
    if !windows.is_empty() {
        let titles: HashMap<i32, (Uuid, String)> = nomination::Entity::find()
            .select_only()
            .columns([nomination::Column::Id, nomination::Column::Uuid, nomination::Column::Title])
            .filter(nomination::Column::Id.is_in(windows.iter().map(|w| w.0)))
            .into_tuple::<(i32, Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, uuid, title)| (id, (uuid, title)))
            .collect();
        for (id, cat, n, start) in windows {
            if let Some((uuid, title)) = titles.get(&id) {
                bursts.push(Burst { nominee: *uuid, title: title.clone(), category_code: code_of(cat), window_start: start, votes: n as u64 });
            }
        }
        bursts.sort_by(|a, b| b.votes.cmp(&a.votes));
    }

    // origins shared by several accounts: counted by the database, one row per such origin
    let distinct = Expr::cust("COUNT(DISTINCT account_id)");
    let mut shared_origins: Vec<SharedOrigin> = vote::Entity::find()
        .select_only()
        .column(vote::Column::OriginHash)
        .expr_as(distinct.clone(), "accounts")
        .expr_as(Expr::cust("COUNT(*)"), "votes")
        .filter(vote::Column::EditionId.eq(edition_id))
        .group_by(vote::Column::OriginHash)
        .having(distinct.gte(SHARED_ORIGIN_MIN_ACCOUNTS as i64))
        .into_tuple::<(String, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(o, accounts, votes)| SharedOrigin { origin: o.chars().take(12).collect(), key: o, accounts: accounts as u64, votes: votes as u64 })
        .collect();
    shared_origins.sort_by(|a, b| b.accounts.cmp(&a.accounts));

    // accounts whose first vote came within minutes of their creation: each voter's first
    // vote and count from the database, streamed; the latest 200 are kept
    let mut fast: std::collections::BinaryHeap<std::cmp::Reverse<(DateTime<Utc>, i32, DateTime<Utc>, u64)>> = Default::default();
    {
        let mut rows = vote::Entity::find()
            .select_only()
            .column(vote::Column::AccountId)
            .expr_as(Expr::cust("MIN(vote.cast_at)"), "first")
            .expr_as(Expr::cust("COUNT(*)"), "votes")
            .column_as(account::Column::CreatedAt, "created")
            .join(sea_orm::JoinType::InnerJoin, vote::Entity::belongs_to(account::Entity).from(vote::Column::AccountId).to(account::Column::Id).into())
            .filter(vote::Column::EditionId.eq(edition_id))
            .group_by(vote::Column::AccountId)
            .group_by(account::Column::CreatedAt)
            .into_tuple::<(i32, DateTime<Utc>, i64, DateTime<Utc>)>()
            .stream(db)
            .await?;
        while let Some((id, first, votes, created)) = rows.try_next().await? {
            if first - created <= Duration::minutes(FAST_ACCOUNT_MINUTES) {
                fast.push(std::cmp::Reverse((first, id, created, votes as u64)));
                if fast.len() > FAST_ACCOUNTS_SHOWN {
                    fast.pop();
                }
            }
        }
    }
    let fast: Vec<(DateTime<Utc>, i32, DateTime<Utc>, u64)> = fast.into_iter().map(|r| r.0).collect();
    let who: HashMap<i32, (Uuid, String)> = account::Entity::find()
        .select_only()
        .columns([account::Column::Id, account::Column::Uuid, account::Column::Email])
        .filter(account::Column::Id.is_in(fast.iter().map(|f| f.1)))
        .into_tuple::<(i32, Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, uuid, email)| (id, (uuid, email)))
        .collect();
    let mut fast_accounts: Vec<FastAccount> = fast
        .into_iter()
        .filter_map(|(first, id, created, votes)| {
            let (uuid, email) = who.get(&id)?.clone();
            Some(FastAccount { account: uuid, email, created_at: created, first_vote_at: first, votes })
        })
        .collect();
    fast_accounts.sort_by(|a, b| b.first_vote_at.cmp(&a.first_vote_at));

    let mut votes_per_hour: Vec<(DateTime<Utc>, u64)> = per_hour.into_iter().collect();
    votes_per_hour.sort();
    let keep = votes_per_hour.len().saturating_sub(48);
    votes_per_hour.drain(..keep);
    Ok((bursts, shared_origins, fast_accounts, votes_per_hour, total_votes, invalid_votes))
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
                category: v.invalidated_category,
            })
            .collect(),
    ))
}

/// Invalidates (or restores) every vote of an account in an edition; returns how many changed.
pub async fn set_account_validity(
    s: &Services,
    actor: i32,
    edition_id: i32,
    account: Uuid,
    valid: bool,
    category: NotCountedReason,
    reason: &str,
) -> Result<usize, AppError> {
    let a = account::Entity::find()
        .filter(account::Column::Uuid.eq(account))
        .one(&s.db)
        .await?
        .ok_or_else(AppError::no_account)?;
    crate::audit::reason(reason)?;
    super::voting::invalidation_category(valid, category)?;
    let e = edition::Entity::find_by_id(edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    super::voting::require_audit_open(&e)?;
    let votes = vote::Entity::find()
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::AccountId.eq(a.id))
        .filter(vote::Column::Valid.eq(!valid))
        .all(&s.db)
        .await?;
    let mut changed = 0;
    for v in votes {
        match super::voting::set_vote_validity(s, actor, v.uuid, valid, category, reason).await {
            Ok(()) => changed += 1,
            // changed meanwhile by another admin
            Err(AppError::Conflict(m)) if m.starts_with("This vote is already") => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

/// The accounts of one cluster of the audit, with what the freeze will call it.
async fn cluster_accounts<C: ConnectionTrait + sea_orm::StreamTrait>(db: &C, edition_id: i32, kind: ClusterKind, key: &str) -> Result<(Vec<i32>, String), AppError> {
    let key = key.trim();
    let accounts_of = |rows: Vec<i32>| {
        let mut v = rows;
        v.sort_unstable();
        v.dedup();
        v
    };
    match kind {
        ClusterKind::Origin => {
            if key.len() < 12 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(AppError::invalid("Name the origin by its hash, as the audit page shows it."));
            }
            let rows: Vec<i32> = vote::Entity::find()
                .select_only()
                .column(vote::Column::AccountId)
                .filter(vote::Column::EditionId.eq(edition_id))
                .filter(vote::Column::OriginHash.starts_with(key))
                .into_tuple()
                .all(db)
                .await?;
            Ok((accounts_of(rows), format!("origin {}", &key[..12])))
        }
        ClusterKind::Burst => {
            let (nominee, start) = key
                .split_once('@')
                .and_then(|(n, t)| Some((Uuid::parse_str(n).ok()?, DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc))))
                .ok_or_else(|| AppError::invalid("Name the burst by its nominee and the start of its window, as the audit page shows it."))?;
            let n = nomination::Model::by_uuid(db, nominee).await?.ok_or_else(AppError::no_nominee)?;
            let rows: Vec<i32> = vote::Entity::find()
                .select_only()
                .column(vote::Column::AccountId)
                .filter(vote::Column::EditionId.eq(edition_id))
                .filter(vote::Column::NominationId.eq(n.id))
                .filter(vote::Column::CastAt.gte(start))
                .filter(vote::Column::CastAt.lt(start + Duration::seconds(BURST_WINDOW_SECS)))
                .into_tuple()
                .all(db)
                .await?;
            Ok((accounts_of(rows), format!("burst for “{}” from {}", n.title, crate::time::geneva_label(start))))
        }
        ClusterKind::NewAccounts => {
            let signals = signals_without_freezes(db, edition_id).await?;
            let uuids: Vec<Uuid> = signals.iter().map(|f| f.account).collect();
            let rows: Vec<i32> = account::Entity::find()
                .select_only()
                .column(account::Column::Id)
                .filter(account::Column::Uuid.is_in(uuids))
                .into_tuple()
                .all(db)
                .await?;
            Ok((accounts_of(rows), format!("accounts that voted within {FAST_ACCOUNT_MINUTES} minutes of being created")))
        }
        ClusterKind::Account => {
            let id = Uuid::parse_str(key).map_err(|_| AppError::invalid("Name the account by its id."))?;
            let a = account::Entity::find()
                .filter(account::Column::Uuid.eq(id))
                .one(db)
                .await?
                .ok_or_else(AppError::no_account)?;
            Ok((vec![a.id], format!("account {}", a.email)))
        }
    }
}

async fn signals_without_freezes<C: ConnectionTrait + sea_orm::StreamTrait>(db: &C, edition_id: i32) -> Result<Vec<FastAccount>, AppError> {
    Ok(signals_core(db, edition_id).await?.2)
}

/// Freezes a cluster pending review: its accounts can no longer vote and their valid votes
/// are held out of the count (counters move in the same transaction). Reversible with
/// [`lift`]; refused once the count is frozen.
pub async fn freeze(s: &Services, actor: i32, edition_id: i32, kind: ClusterKind, key: &str, reason: &str) -> Result<FreezeLine, AppError> {
    let reason = crate::audit::reason(reason)?;
    let (accounts, label) = cluster_accounts(&s.db, edition_id, kind, key).await?;
    if accounts.is_empty() {
        return Err(AppError::invalid("This cluster has no accounts to freeze."));
    }
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    // votes in flight finish first and none starts until the freeze is in place
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE vote IN SHARE MODE").await?;
    }
    let e = edition::Entity::find_by_id(edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    if let Err(err) = super::voting::require_audit_open(&e) {
        let _ = txn.rollback().await;
        return Err(err);
    }
    let row = vote_freeze::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        edition_id: Set(edition_id),
        kind: Set(kind),
        label: Set(label),
        reason: Set(reason.to_string()),
        accounts: Set(0),
        votes: Set(0),
        created_by: Set(Some(actor)),
        created_at: Set(now),
        lifted_by: Set(None),
        lifted_at: Set(None),
        lift_reason: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut frozen_accounts = 0;
    let mut held = 0;
    for chunk in accounts.chunks(500) {
        let res = account::Entity::update_many()
            .col_expr(account::Column::FrozenBy, Expr::value(Some(row.id)))
            .filter(account::Column::Id.is_in(chunk.to_vec()))
            .filter(account::Column::FrozenBy.is_null())
            .exec(&txn)
            .await?;
        frozen_accounts += res.rows_affected;
        held += hold_votes(&txn, edition_id, row.id, chunk).await?;
    }
    let mut am: vote_freeze::ActiveModel = row.clone().into();
    am.accounts = Set(i32::try_from(frozen_accounts).unwrap_or(i32::MAX));
    am.votes = Set(i32::try_from(held).unwrap_or(i32::MAX));
    let row = am.update(&txn).await?;
    super::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::AuditFreeze,
        &row.uuid.to_string(),
        None,
        Some(serde_json::json!({ "kind": kind.key(), "label": row.label, "reason": reason, "accounts": frozen_accounts, "votes": held })),
    )
    .await?;
    txn.commit().await?;
    Ok(freeze_line(row))
}

/// Holds the valid votes of `accounts` in the edition out of the count under freeze
/// `freeze_id`, moving the counters; returns how many.
pub async fn hold_votes(db: &impl ConnectionTrait, edition_id: i32, freeze_id: i32, accounts: &[i32]) -> Result<u64, AppError> {
    let votes = vote::Entity::find()
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::AccountId.is_in(accounts.to_vec()))
        .filter(vote::Column::Valid.eq(true))
        .all(db)
        .await?;
    let mut per: HashMap<(i32, i32), i64> = HashMap::new();
    for v in &votes {
        *per.entry((v.category_id, v.nomination_id)).or_default() += 1;
    }
    let ids: Vec<i32> = votes.iter().map(|v| v.id).collect();
    for chunk in ids.chunks(500) {
        vote::Entity::update_many()
            .col_expr(vote::Column::Valid, Expr::value(false))
            .col_expr(vote::Column::FrozenBy, Expr::value(Some(freeze_id)))
            .col_expr(vote::Column::InvalidatedReason, Expr::value(Some("held for review".to_string())))
            .col_expr(vote::Column::InvalidatedCategory, Expr::value(Some(NotCountedReason::Held.key().to_string())))
            .filter(vote::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    for ((category, nomination), n) in per {
        super::voting::bump_tally(db, edition_id, category, nomination, -n).await?;
    }
    Ok(votes.len() as u64)
}

/// Lifts a freeze: its held votes count again and its accounts may vote.
pub async fn lift(s: &Services, actor: i32, freeze: Uuid, reason: &str) -> Result<FreezeLine, AppError> {
    let reason = crate::audit::reason(reason)?;
    let row = vote_freeze::Entity::find()
        .filter(vote_freeze::Column::Uuid.eq(freeze))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such freeze.".into()))?;
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, row.edition_id).await?;
    let e = edition::Entity::find_by_id(row.edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    if let Err(err) = super::voting::require_audit_open(&e) {
        let _ = txn.rollback().await;
        return Err(err);
    }
    let lifted = vote_freeze::Entity::update_many()
        .col_expr(vote_freeze::Column::LiftedAt, Expr::value(Some(now)))
        .col_expr(vote_freeze::Column::LiftedBy, Expr::value(Some(actor)))
        .col_expr(vote_freeze::Column::LiftReason, Expr::value(Some(reason.to_string())))
        .filter(vote_freeze::Column::Id.eq(row.id))
        .filter(vote_freeze::Column::LiftedAt.is_null())
        .exec(&txn)
        .await?;
    if lifted.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("This freeze is already lifted.".into()));
    }
    let votes = vote::Entity::find().filter(vote::Column::FrozenBy.eq(row.id)).all(&txn).await?;
    let mut per: HashMap<(i32, i32), i64> = HashMap::new();
    for v in &votes {
        *per.entry((v.category_id, v.nomination_id)).or_default() += 1;
    }
    vote::Entity::update_many()
        .col_expr(vote::Column::Valid, Expr::value(true))
        .col_expr(vote::Column::FrozenBy, Expr::value(Option::<i32>::None))
        .col_expr(vote::Column::InvalidatedReason, Expr::value(Option::<String>::None))
        .col_expr(vote::Column::InvalidatedCategory, Expr::value(Option::<String>::None))
        .filter(vote::Column::FrozenBy.eq(row.id))
        .exec(&txn)
        .await?;
    for ((category, nomination), n) in per {
        super::voting::bump_tally(&txn, row.edition_id, category, nomination, n).await?;
    }
    account::Entity::update_many()
        .col_expr(account::Column::FrozenBy, Expr::value(Option::<i32>::None))
        .filter(account::Column::FrozenBy.eq(row.id))
        .exec(&txn)
        .await?;
    super::audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::AuditLift,
        &row.uuid.to_string(),
        None,
        Some(serde_json::json!({ "reason": reason, "votes": votes.len() })),
    )
    .await?;
    txn.commit().await?;
    let row = vote_freeze::Entity::find_by_id(row.id).one(&s.db).await?.ok_or(AppError::Internal)?;
    Ok(freeze_line(row))
}

fn freeze_line(r: vote_freeze::Model) -> FreezeLine {
    FreezeLine {
        id: r.uuid,
        kind: r.kind,
        label: r.label,
        reason: r.reason,
        accounts: u64::try_from(r.accounts).unwrap_or(0),
        votes: u64::try_from(r.votes).unwrap_or(0),
        created_at: r.created_at,
        lifted_at: r.lifted_at,
        lift_reason: r.lift_reason,
    }
}

/// The freezes of an edition, newest first.
pub async fn freezes(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<FreezeLine>, AppError> {
    Ok(vote_freeze::Entity::find()
        .filter(vote_freeze::Column::EditionId.eq(edition_id))
        .order_by_desc(vote_freeze::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(freeze_line)
        .collect())
}
