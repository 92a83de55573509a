//! The audit log: who did what, when, with the state before and after (as JSON), as a
//! hash chain. Each entry carries its place in the chain (`seq`, 1, 2, …) and the SHA-256
//! of the previous entry's hash and its own fields, and the `audit_head` row holds the
//! last place and hash. Writing an entry takes the head (a row lock on PostgreSQL until
//! the writing transaction ends, SQLite's write lock), so entries chain in one line
//! whatever the concurrency. Editing an entry, deleting one or cutting the end off breaks
//! the chain, which [`verify_chain`] (`wsis-server verify-log`) finds; the admin dashboard
//! shows the head, so that a rewrite of the whole chain is visible against a head noted
//! earlier.

use chrono::SubsecRound;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait};
use sha2::{Digest, Sha256};

use super::entity::{audit_head, audit_log};
use crate::audit::AuditAction;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub seq: i64,
    /// Microseconds since 1970 (what both databases keep of a time).
    pub at_micros: i64,
    pub actor: Option<i32>,
    pub action: &'a str,
    pub subject: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The hash that chains `entry` to the entry before it (whose hash is `prev`): SHA-256, in
/// hex, of `prev`, a line break and the entry's fields as a JSON array
/// `[seq, at_micros, actor, action, subject, before, after]`.
pub fn chain_hash(prev: &str, e: &Entry) -> String {
    let fields = serde_json::json!([e.seq, e.at_micros, e.actor, e.action, e.subject, e.before, e.after]);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    hex::encode(h.finalize())
}

impl audit_log::Model {
    pub fn entry(&self) -> Entry<'_> {
        Entry {
            seq: self.seq,
            at_micros: self.at.timestamp_micros(),
            actor: self.actor_account_id,
            action: self.action.key(),
            subject: &self.subject,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// Records one action at `at`; `before`/`after` are JSON values (`serde_json::json!`). Runs
/// inside the caller's transaction when given one (a savepoint), else in its own.
pub async fn record<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<i32>,
    action: AuditAction,
    subject: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    // take the head first: the write that holds every other writer of the log until this
    // transaction ends
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(1))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    let head = audit_head::Entity::find_by_id(1).one(&txn).await?.ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let at = at.trunc_subsecs(6);
    let (before, after) = (before.map(|v| v.to_string()), after.map(|v| v.to_string()));
    let hash = chain_hash(
        &head.hash,
        &Entry {
            seq: head.seq,
            at_micros: at.timestamp_micros(),
            actor,
            action: action.key(),
            subject,
            before: before.as_deref(),
            after: after.as_deref(),
        },
    );
    audit_log::ActiveModel {
        at: Set(at),
        actor_account_id: Set(actor),
        action: Set(action),
        subject: Set(subject.to_string()),
        before: Set(before),
        after: Set(after),
        seq: Set(head.seq),
        hash: Set(hash.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit_head::Entity::update_many().col_expr(audit_head::Column::Hash, Expr::value(hash)).filter(audit_head::Column::Id.eq(1)).exec(&txn).await?;
    txn.commit().await
}

/// The chain's last place and hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry at this place does not hash to what it carries, or does not follow the one
    /// before it: it was edited (or one before it was).
    Edited(i64),
    /// Entries are missing before this place (deleted).
    Missing(i64),
    /// The log ends before the head says it does (its last entries deleted), or the head
    /// was changed.
    Truncated { head: i64, last: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Edited(seq) => write!(f, "entry {seq} does not match its hash: it, or the entry before it, was changed"),
            ChainBreak::Missing(seq) => write!(f, "entries before {seq} are missing: they were deleted"),
            ChainBreak::Truncated { head, last } => write!(f, "the head names entry {head}, the log ends at {last}: entries were removed or the head was changed"),
        }
    }
}

/// The head as the database holds it.
pub async fn head(db: &impl ConnectionTrait) -> Result<ChainHead, DbErr> {
    let h = audit_head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    Ok(ChainHead { seq: h.seq, hash: h.hash })
}

/// Walks the whole log in order and recomputes every hash: the head when all of it holds,
/// else the first break.
pub async fn verify_chain(db: &impl ConnectionTrait) -> Result<Result<ChainHead, ChainBreak>, DbErr> {
    let mut prev = GENESIS.to_string();
    let mut last = 0i64;
    let mut pages = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).paginate(db, 2_000);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in rows {
            if r.seq != last + 1 {
                return Ok(Err(if r.seq > last + 1 { ChainBreak::Missing(r.seq) } else { ChainBreak::Edited(r.seq) }));
            }
            if chain_hash(&prev, &r.entry()) != r.hash {
                return Ok(Err(ChainBreak::Edited(r.seq)));
            }
            prev = r.hash;
            last = r.seq;
        }
    }
    let h = head(db).await?;
    if h.seq != last || h.hash != prev {
        return Ok(Err(ChainBreak::Truncated { head: h.seq, last }));
    }
    Ok(Ok(h))
}

/// The log as JSON lines in chain order, one object per entry with the fields its hash
/// covers and the hash: `{"seq","at_micros","actor","action","subject","before","after","hash"}`
/// (`before`/`after` as the JSON text stored), the form `public/verify/wsis_verify.py --log`
/// recomputes.
pub async fn export_lines(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let mut out = Vec::new();
    let mut pages = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).paginate(db, 2_000);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in rows {
            let e = r.entry();
            out.push(
                serde_json::json!({
                    "seq": e.seq, "at_micros": e.at_micros, "actor": e.actor, "action": e.action,
                    "subject": e.subject, "before": e.before, "after": e.after, "hash": r.hash,
                })
                .to_string(),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, subject: &str) -> Entry<'_> {
        Entry { seq, at_micros: 1_700_000_000_000_000 + seq, actor: Some(7), action: "vote.invalidate", subject, before: None, after: Some("{\"reason\":\"farm\"}") }
    }

    #[test]
    fn each_field_and_the_previous_hash_change_the_hash() {
        let base = chain_hash(GENESIS, &entry(1, "vote:1"));
        assert_eq!(base.len(), 64);
        assert_eq!(base, chain_hash(GENESIS, &entry(1, "vote:1")), "deterministic");
        let mut changed = vec![chain_hash(GENESIS, &entry(2, "vote:1")), chain_hash(GENESIS, &entry(1, "vote:2")), chain_hash(&base, &entry(1, "vote:1"))];
        let e = entry(1, "vote:1");
        for variant in [
            Entry { at_micros: e.at_micros + 1, ..e.clone() },
            Entry { actor: None, ..e.clone() },
            Entry { action: "vote.restore", ..e.clone() },
            Entry { before: Some(""), ..e.clone() },
            Entry { after: None, ..e.clone() },
        ] {
            changed.push(chain_hash(GENESIS, &variant));
        }
        assert!(changed.iter().all(|h| *h != base), "{changed:?}");
        // fields cannot be shifted into each other: a subject with a quote stays one field
        assert_ne!(
            chain_hash(GENESIS, &Entry { subject: "a\",\"b", after: None, ..e.clone() }),
            chain_hash(GENESIS, &Entry { subject: "a", after: Some("b"), ..e.clone() })
        );
    }
}
