//! Casting votes, the voter's ballot and receipts, and the tally.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use uuid::Uuid;

use super::auth::keyed_hash;
use super::catalog::BALLOT_STATUSES;
use super::entity::{account, category, edition, nomination, tally, vote};
use super::Services;
use crate::category::CATEGORIES;
use crate::audit::AuditAction;
use crate::phase::PhaseKind;
use crate::tally::{rank, CategoryTally};
use crate::vote::{format_receipt, normalise_receipt, BallotLine, MyVote, NotCountedReason, ReceiptStatus};
use crate::AppError;


/// The receipt shown to the voter: a keyed hash of the vote's id, 80 bits in hex.
pub fn receipt_for(secret: &[u8], vote_uuid: Uuid) -> String {
    keyed_hash(secret, format!("receipt:{vote_uuid}").as_bytes())[..20].to_string()
}

/// A keyed hash of where the vote came from; the raw address is never stored.
pub fn origin_hash(secret: &[u8], client_addr: &str, user_agent: &str) -> String {
    keyed_hash(secret, format!("origin:{client_addr}|{user_agent}").as_bytes())[..32].to_string()
}

/// Where a vote comes from: the keyed hash stored with it, the client's address for the
/// friction thresholds, and the proof of work the form sent (checked only past them).
pub struct Ballot<'a> {
    pub origin: &'a str,
    pub addr: &'a str,
    pub pow: &'a crate::pow::Solution,
    /// The campaign link the voter came by (the [`crate::campaign::VIA_COOKIE`]), if any.
    pub via: Option<&'a str>,
}

/// Records one vote after every check; the unique index on (edition, category, account)
/// settles races, so concurrent requests store exactly one vote.
pub async fn cast_vote(s: &Services, voter: &account::Model, nominee: Uuid, from: Ballot<'_>) -> Result<MyVote, AppError> {
    let result = cast_vote_unmetered(s, voter, nominee, from).await;
    match &result {
        Ok(_) => metrics::counter!("votes_total", "outcome" => "accepted").increment(1),
        Err(e) => metrics::counter!("votes_total", "outcome" => "refused", "reason" => e.kind()).increment(1),
    }
    result
}

async fn cast_vote_unmetered(s: &Services, voter: &account::Model, nominee: Uuid, from: Ballot<'_>) -> Result<MyVote, AppError> {
    if voter.confirmed_at.is_none() {
        return Err(AppError::forbidden("Please confirm your e-mail address before voting: open the link we sent you."));
    }
    if voter.frozen_by.is_some() {
        return Err(AppError::forbidden(
            "The votes of this account are held for review by the secretariat; it cannot vote meanwhile.",
        ));
    }
    let (n, e) = super::catalog::vote_target(&s.db, nominee).await?;
    if !n.status.on_ballot() {
        return Err(AppError::invalid("This project is not a nominee: only nominees can receive votes."));
    }
    // Votes go to the current edition only (the flagged one, or else the latest).
    if !e.is_current && edition::Model::require_current(&s.db).await?.id != e.id {
        return Err(AppError::Closed(format!("This nominee belongs to the {} edition, whose voting is over.", e.year)));
    }
    let view = e.view();
    let now = s.now();
    view.require_open(PhaseKind::Voting, now)?;
    // past the edition's thresholds for one address or one network, each vote needs a proof of work
    let period = std::time::Duration::from_secs(3600);
    let (per_addr, per_net) = (view.rules.friction_votes_per_address, view.rules.friction_votes_per_network);
    let within_addr = s.limiter.hit(&format!("vote:address:{}", from.addr), per_addr, period, per_addr);
    let within_net = s.limiter.hit(&format!("vote:network:{}", super::friction::network_of(from.addr)), per_net, period, per_net);
    if !(within_addr && within_net) {
        super::friction::verify(&s.db, &s.config, crate::pow::Purpose::Vote, from.pow, now).await?;
    }
    let campaign_id = match from.via.and_then(crate::campaign::parse_via) {
        // a link of another nominee says nothing about this vote
        Some((nominee_id, code)) if nominee_id == n.uuid => super::campaigns::id_of(&s.db, n.id, &code).await?,
        _ => None,
    };
    let id = Uuid::new_v4();
    let receipt = receipt_for(&s.config.secret, id);
    let row = vote::ActiveModel {
        uuid: Set(id),
        edition_id: Set(e.id),
        category_id: Set(n.category_id),
        account_id: Set(voter.id),
        nomination_id: Set(n.id),
        cast_at: Set(now),
        origin_hash: Set(from.origin.to_string()),
        receipt: Set(receipt.clone()),
        valid: Set(true),
        invalidated_reason: Set(None),
        invalidated_category: Set(None),
        frozen_by: Set(None),
        campaign_id: Set(campaign_id),
        ..Default::default()
    };
    let category_id = n.category_id;
    // answered only once the vote's transaction has committed
    s.vote_writer.write(&s.db, &s.config.database_url, VoteJob { row, vote: id, account_id: voter.id, edition_id: e.id, category_id, nomination_id: n.id }).await?;
    let cat = CATEGORIES.iter().find(|c| c.position as i32 == category_id).ok_or(AppError::Internal)?;
    Ok(MyVote {
        category_code: cat.code.into(),
        category_name: cat.name.into(),
        category_slug: cat.slug.into(),
        nominee_id: n.uuid,
        nominee_title: n.title,
        cast_at: now,
        receipt: format_receipt(&receipt),
        valid: true,
    })
}

/// A vote ready to be stored, with the counter it adds to.
struct VoteJob {
    row: vote::ActiveModel,
    vote: Uuid,
    account_id: i32,
    edition_id: i32,
    category_id: i32,
    nomination_id: i32,
}

type Reply = tokio::sync::oneshot::Sender<Result<(), AppError>>;

/// Group commit: one task per node writes the votes, and the votes that arrive while it
/// writes are stored together in its next transaction, each answered only after that
/// transaction commits. A second vote of an account in a category (in the same batch or
/// not) meets the unique index and is answered "already voted"; the others of the batch
/// are not affected. Should a batch fail for another reason, its votes are written again
/// one transaction each, so one bad row cannot refuse its neighbours.
#[derive(Debug, Default)]
pub struct VoteWriter {
    queue: std::sync::Mutex<Option<tokio::sync::mpsc::Sender<(VoteJob, Reply)>>>,
}

impl std::fmt::Debug for VoteJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VoteJob(nomination {})", self.nomination_id)
    }
}

impl VoteWriter {
    /// The most votes in one transaction.
    pub const BATCH: usize = 512;

    /// The writer's queue, starting the writer task on first use (and again should it
    /// ever have stopped).
    fn queue(&self, db: &sea_orm::DatabaseConnection, url: &str) -> tokio::sync::mpsc::Sender<(VoteJob, Reply)> {
        let mut slot = self.queue.lock().expect("vote writer");
        match slot.as_ref() {
            Some(tx) if !tx.is_closed() => tx.clone(),
            _ => {
                let (tx, rx) = tokio::sync::mpsc::channel(4 * Self::BATCH);
                tokio::spawn(run_writer(db.clone(), url.to_string(), rx));
                *slot = Some(tx.clone());
                tx
            }
        }
    }

    async fn write(&self, db: &sea_orm::DatabaseConnection, url: &str, job: VoteJob) -> Result<(), AppError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if let Err(tokio::sync::mpsc::error::SendError((job, reply))) = self.queue(db, url).send((job, reply)).await {
            // the writer stopped: start another and queue the vote there
            self.queue(db, url).send((job, reply)).await.map_err(|_| AppError::Internal)?;
        }
        answer.await.map_err(|_| AppError::Internal)?
    }
}

async fn run_writer(shared: sea_orm::DatabaseConnection, url: String, mut rx: tokio::sync::mpsc::Receiver<(VoteJob, Reply)>) {
    // a connection of its own when the database allows one, else the shared pool
    let db = super::connect_writer(&url).await.unwrap_or(shared);
    let mut batch = Vec::with_capacity(VoteWriter::BATCH);
    while rx.recv_many(&mut batch, VoteWriter::BATCH).await > 0 {
        metrics::histogram!("vote_batch_size").record(batch.len() as f64);
        let jobs = std::mem::take(&mut batch);
        let batch_jobs: Vec<&VoteJob> = jobs.iter().map(|(job, _)| job).collect();
        match write_batch(&db, &batch_jobs).await {
            Ok(stored) => {
                for ((_, reply), ok) in jobs.into_iter().zip(stored) {
                    let _ = reply.send(if ok { Ok(()) } else { Err(AppError::already_voted()) });
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, size = jobs.len(), "a vote batch failed; writing its votes one by one");
                for (job, reply) in jobs {
                    let answer = match write_batch(&db, &[&job]).await {
                        Ok(stored) if stored[0] => Ok(()),
                        Ok(_) => Err(AppError::already_voted()),
                        Err(e) => Err(e),
                    };
                    let _ = reply.send(answer);
                }
            }
        }
    }
}

/// Stores a batch in one transaction; for each vote, whether it was stored (false: the
/// account already has a vote in that category). The batch is one statement: the rows
/// that meet the unique index on (edition, category, account) are skipped, also when two
/// votes of one account are in the same batch. When every row was stored (the usual
/// case) the statement's count says so; otherwise the stored ones are asked for by id.
async fn write_batch(db: &sea_orm::DatabaseConnection, jobs: &[&VoteJob]) -> Result<Vec<bool>, AppError> {
    let txn = db.begin().await?;
    let written = vote::Entity::insert_many(jobs.iter().map(|j| j.row.clone()))
        .on_conflict(
            OnConflict::columns([vote::Column::EditionId, vote::Column::CategoryId, vote::Column::AccountId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let inserted: std::collections::HashSet<Uuid> = if written as usize == jobs.len() {
        jobs.iter().map(|j| j.vote).collect()
    } else {
        vote::Entity::find()
            .select_only()
            .column(vote::Column::Uuid)
            .filter(vote::Column::Uuid.is_in(jobs.iter().map(|j| j.vote)))
            .into_tuple::<Uuid>()
            .all(&txn)
            .await?
            .into_iter()
            .collect()
    };
    let stored: Vec<bool> = jobs.iter().map(|j| inserted.contains(&j.vote)).collect();
    // An account frozen while its vote was on its way: the vote is stored but held. Asked
    // after the inserts, so that a freeze either waited for this transaction (and holds
    // the vote itself) or committed before this question.
    let voters: Vec<i32> = jobs.iter().zip(&stored).filter(|(_, ok)| **ok).map(|(j, _)| j.account_id).collect();
    let frozen: HashMap<i32, i32> = account::Entity::find()
        .select_only()
        .columns([account::Column::Id, account::Column::FrozenBy])
        .filter(account::Column::Id.is_in(voters))
        .filter(account::Column::FrozenBy.is_not_null())
        .into_tuple::<(i32, Option<i32>)>()
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|(id, f)| f.map(|f| (id, f)))
        .collect();
    let mut counts: HashMap<(i32, i32, i32), i64> = HashMap::new();
    for (job, ok) in jobs.iter().zip(&stored) {
        if !*ok {
            continue;
        }
        match frozen.get(&job.account_id) {
            Some(freeze) => {
                vote::Entity::update_many()
                    .col_expr(vote::Column::Valid, Expr::value(false))
                    .col_expr(vote::Column::FrozenBy, Expr::value(Some(*freeze)))
                    .col_expr(vote::Column::InvalidatedReason, Expr::value(Some("held for review".to_string())))
                    .col_expr(vote::Column::InvalidatedCategory, Expr::value(Some(NotCountedReason::Held.key().to_string())))
                    .filter(vote::Column::Uuid.eq(job.vote))
                    .exec(&txn)
                    .await?;
            }
            None => *counts.entry((job.edition_id, job.category_id, job.nomination_id)).or_default() += 1,
        }
    }
    add_to_tallies(&txn, counts).await?;
    txn.commit().await?;
    Ok(stored)
}

/// Adds `delta` to a nominee's counter, creating the row when missing.
pub async fn bump_tally(db: &impl ConnectionTrait, edition_id: i32, category_id: i32, nomination_id: i32, delta: i64) -> Result<(), AppError> {
    tally::Entity::insert(tally::ActiveModel {
        nomination_id: Set(nomination_id),
        edition_id: Set(edition_id),
        category_id: Set(category_id),
        valid_votes: Set(delta.clamp(0, i64::MAX)),
    })
    .on_conflict(
        OnConflict::column(tally::Column::NominationId)
            .value(tally::Column::ValidVotes, Expr::col((tally::Entity, tally::Column::ValidVotes)).add(delta))
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Adds new votes to several nominees' counters in one statement: (edition, category,
/// nominee) and how many votes each. A missing counter is created at that number, an
/// existing one adds it (`excluded` is the row the statement proposed).
async fn add_to_tallies(db: &impl ConnectionTrait, counts: HashMap<(i32, i32, i32), i64>) -> Result<(), AppError> {
    if counts.is_empty() {
        return Ok(());
    }
    let rows = counts.into_iter().map(|((edition_id, category_id, nomination_id), n)| tally::ActiveModel {
        nomination_id: Set(nomination_id),
        edition_id: Set(edition_id),
        category_id: Set(category_id),
        valid_votes: Set(n),
    });
    tally::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(tally::Column::NominationId)
                .value(
                    tally::Column::ValidVotes,
                    Expr::col((tally::Entity, tally::Column::ValidVotes)).add(Expr::cust("excluded.valid_votes")),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The voter's ballot in an edition: every category, with their choice where they voted.
pub async fn ballot(db: &impl ConnectionTrait, edition_id: i32, voter: Option<i32>) -> Result<Vec<BallotLine>, AppError> {
    let summaries = super::catalog::category_summaries(db, edition_id).await?;
    let mut choices: HashMap<i32, (Uuid, String)> = HashMap::new();
    if let Some(account_id) = voter {
        let votes = vote::Entity::find()
            .filter(vote::Column::EditionId.eq(edition_id))
            .filter(vote::Column::AccountId.eq(account_id))
            .all(db)
            .await?;
        let ids: Vec<i32> = votes.iter().map(|v| v.nomination_id).collect();
        let noms: HashMap<i32, nomination::Model> = nomination::Entity::find()
            .filter(nomination::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
        for v in votes {
            if let Some(n) = noms.get(&v.nomination_id) {
                choices.insert(v.category_id, (n.uuid, n.title.clone()));
            }
        }
    }
    Ok(CATEGORIES
        .iter()
        .zip(summaries)
        .map(|(c, s)| {
            let choice = choices.get(&(c.position as i32));
            BallotLine {
                category_slug: s.slug,
                category_code: s.code,
                category_name: s.name,
                nominees: s.nominees,
                choice: choice.map(|c| c.0),
                choice_title: choice.map(|c| c.1.clone()),
            }
        })
        .collect())
}

/// The nominee (id and title) an account voted for in one category of an edition.
pub async fn choice_in(db: &impl ConnectionTrait, edition_id: i32, category_id: i32, account_id: i32) -> Result<Option<(Uuid, String)>, AppError> {
    let Some(nomination_id) = vote::Entity::find()
        .select_only()
        .column(vote::Column::NominationId)
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::CategoryId.eq(category_id))
        .filter(vote::Column::AccountId.eq(account_id))
        .into_tuple::<i32>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(nomination::Entity::find_by_id(nomination_id)
        .select_only()
        .column(nomination::Column::Uuid)
        .column(nomination::Column::Title)
        .into_tuple::<(Uuid, String)>()
        .one(db)
        .await?)
}

pub async fn my_votes(db: &impl ConnectionTrait, voter: i32) -> Result<Vec<MyVote>, AppError> {
    let votes = vote::Entity::find().filter(vote::Column::AccountId.eq(voter)).order_by_asc(vote::Column::CategoryId).all(db).await?;
    let ids: Vec<i32> = votes.iter().map(|v| v.nomination_id).collect();
    let noms: HashMap<i32, nomination::Model> =
        nomination::Entity::find().filter(nomination::Column::Id.is_in(ids)).all(db).await?.into_iter().map(|n| (n.id, n)).collect();
    Ok(votes
        .into_iter()
        .filter_map(|v| {
            let n = noms.get(&v.nomination_id)?;
            let c = CATEGORIES.iter().find(|c| c.position as i32 == v.category_id)?;
            Some(MyVote {
                category_code: c.code.into(),
                category_name: c.name.into(),
                category_slug: c.slug.into(),
                nominee_id: n.uuid,
                nominee_title: n.title.clone(),
                cast_at: v.cast_at,
                receipt: format_receipt(&v.receipt),
                valid: v.valid,
            })
        })
        .collect())
}

/// The public receipt check: in which category a receipt is, and whether the published
/// count counts it (never for whom). The rule is the count's own: a valid vote, for a
/// project on the ballot, from a complete ballot where the edition asks for one.
pub async fn check_receipt(s: &Services, input: &str) -> Result<ReceiptStatus, AppError> {
    let db = &s.db;
    let Some(r) = normalise_receipt(input) else {
        return Err(AppError::invalid("A receipt has 20 letters and digits, like 1A2B-3C4D-5E6F-7A8B-9C0D."));
    };
    let Some(v) = vote::Entity::find().filter(vote::Column::Receipt.eq(r)).one(db).await? else {
        return Ok(ReceiptStatus::Unknown);
    };
    let e = edition::Entity::find_by_id(v.edition_id).one(db).await?.ok_or(AppError::Internal)?;
    let c = category::Entity::find_by_id(v.category_id).one(db).await?.ok_or(AppError::Internal)?;
    let inclusion = super::commitments::inclusion(s, &v).await?;
    if !e.results_public() {
        return Ok(ReceiptStatus::Recorded { edition_year: e.year, category_code: c.code, category_name: c.name, inclusion });
    }
    let on_ballot = nomination::Entity::find_by_id(v.nomination_id).one(db).await?.is_some_and(|n| n.status.on_ballot());
    let complete = match super::champions::complete_ballot_rule(&e) {
        Some(categories) => {
            use sea_orm::PaginatorTrait;
            let voted = vote::Entity::find()
                .filter(vote::Column::EditionId.eq(e.id))
                .filter(vote::Column::AccountId.eq(v.account_id))
                .filter(vote::Column::Valid.eq(true))
                .count(db)
                .await?;
            crate::tally::ballot_complete(voted as usize, categories)
        }
        None => true,
    };
    Ok(match crate::vote::not_counted_reason(v.valid, v.invalidated_category, on_ballot, complete) {
        Some(reason) => ReceiptStatus::NotCounted { edition_year: e.year, category_code: c.code, category_name: c.name, reason, inclusion },
        None => ReceiptStatus::Counted { edition_year: e.year, category_code: c.code, category_name: c.name, inclusion },
    })
}

/// Refuses changes to the count once the champions are computed (until an admin reopens
/// the audit) and, for good, once the results are released.
pub fn require_audit_open(e: &edition::Model) -> Result<(), AppError> {
    if e.results_public() {
        return Err(AppError::count_final(e.year));
    }
    if e.champions_computed_at.is_some() {
        return Err(AppError::Conflict(format!(
            "The champions of the {} edition are computed, so its count is frozen. Reopen the audit first (the champions are then staged again).",
            e.year
        )));
    }
    Ok(())
}

/// The tally of an edition, read from the counters (cheap at millions of votes).
pub async fn tally(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<CategoryTally>, AppError> {
    let counters = tally::Entity::find().filter(tally::Column::EditionId.eq(edition_id)).all(db).await?;
    // only the four columns the tally needs, not the projects' long texts
    let noms: HashMap<i32, (Uuid, String, i32)> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::Uuid, nomination::Column::Title, nomination::Column::CategoryId])
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .into_tuple::<(i32, Uuid, String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, uuid, title, category)| (id, (uuid, title, category)))
        .collect();
    let counts: HashMap<i32, i64> = counters.iter().map(|t| (t.nomination_id, t.valid_votes)).collect();
    Ok(CATEGORIES
        .iter()
        .map(|c| {
            let list: Vec<((Uuid, String), u64)> = noms
                .iter()
                .filter(|(_, (_, _, cat))| *cat == c.position as i32)
                .map(|(id, (u, t, _))| ((*u, t.clone()), counts.get(id).copied().map_or(0, |n| u64::try_from(n).unwrap_or(0))))
                .collect();
            let total = list.iter().map(|(_, v)| v).sum();
            CategoryTally { slug: c.slug.into(), code: c.code.into(), total, lines: rank(&list) }
        })
        .collect())
}

#[derive(Debug, FromQueryResult)]
struct RecountRow {
    nomination_id: i32,
    n: i64,
}

/// Counts valid votes per nominee from the vote table itself.
pub async fn recount(db: &impl ConnectionTrait, edition_id: i32) -> Result<HashMap<i32, i64>, AppError> {
    Ok(vote::Entity::find()
        .select_only()
        .column(vote::Column::NominationId)
        .column_as(Expr::col(vote::Column::Id).count(), "n")
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::Valid.eq(true))
        .group_by(vote::Column::NominationId)
        .into_model::<RecountRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.nomination_id, r.n))
        .collect())
}

/// Counter values per nominee (zeros omitted), to compare with [`recount`].
pub async fn counters(db: &impl ConnectionTrait, edition_id: i32) -> Result<HashMap<i32, i64>, AppError> {
    Ok(tally::Entity::find()
        .filter(tally::Column::EditionId.eq(edition_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|t| t.valid_votes != 0)
        .map(|t| (t.nomination_id, t.valid_votes))
        .collect())
}

/// Rewrites the counters from a recount, in one transaction; returns how many changed.
/// Votes wait meanwhile (PostgreSQL: the vote table in share mode; SQLite: the write lock
/// from the first statement), so none lands between the count and the write.
pub async fn rebuild_counters(s: &Services, actor: Option<i32>, edition_id: i32) -> Result<usize, AppError> {
    let txn = super::begin_on_edition(&s.db, edition_id).await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE vote IN SHARE MODE").await?;
    }
    let fresh = recount(&txn, edition_id).await?;
    let old = counters(&txn, edition_id).await?;
    let mut changed = 0;
    let noms = nomination::Entity::find().filter(nomination::Column::EditionId.eq(edition_id)).all(&txn).await?;
    for n in noms {
        let want = fresh.get(&n.id).copied().unwrap_or(0);
        if old.get(&n.id).copied().unwrap_or(0) != want {
            changed += 1;
            tally::Entity::insert(tally::ActiveModel {
                nomination_id: Set(n.id),
                edition_id: Set(edition_id),
                category_id: Set(n.category_id),
                valid_votes: Set(want),
            })
            .on_conflict(OnConflict::column(tally::Column::NominationId).update_column(tally::Column::ValidVotes).to_owned())
            .exec_without_returning(&txn)
            .await?;
        }
    }
    super::audit::record(&txn, s.now(), actor, AuditAction::TallyRecount, &format!("edition:{edition_id}"), None, Some(serde_json::json!({ "changed": changed })))
        .await?;
    txn.commit().await?;
    Ok(changed)
}

/// Marks one vote invalid (or valid again) with a reason, keeping the counters exact.
/// Refused once the count is frozen ([`require_audit_open`]).
/// An invalidation carries a category an admin may choose ([`NotCountedReason::CHOSEN`]),
/// published with the receipt after the release.
pub async fn set_vote_validity(s: &Services, actor: i32, vote_uuid: Uuid, valid: bool, category: NotCountedReason, reason: &str) -> Result<(), AppError> {
    let reason = crate::audit::reason(reason)?;
    let category = invalidation_category(valid, category)?;
    let v = vote::Entity::find()
        .filter(vote::Column::Uuid.eq(vote_uuid))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No such vote.".into()))?;
    let txn = super::begin_on_edition(&s.db, v.edition_id).await?;
    let e = edition::Entity::find_by_id(v.edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    if let Err(err) = require_audit_open(&e) {
        let _ = txn.rollback().await;
        return Err(err);
    }
    let v = vote::Entity::find_by_id(v.id).one(&txn).await?.ok_or(AppError::Internal)?;
    if v.valid == valid {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict(if valid { "This vote is already valid." } else { "This vote is already invalidated." }.into()));
    }
    let res = vote::Entity::update_many()
        .col_expr(vote::Column::Valid, Expr::value(valid))
        .col_expr(vote::Column::InvalidatedReason, Expr::value(if valid { None } else { Some(reason.to_string()) }))
        .col_expr(vote::Column::InvalidatedCategory, Expr::value(category.map(|c| c.key().to_string())))
        .col_expr(vote::Column::FrozenBy, Expr::value(Option::<i32>::None))
        .filter(vote::Column::Id.eq(v.id))
        .filter(vote::Column::Valid.eq(!valid))
        .exec(&txn)
        .await?;
    if res.rows_affected == 1 {
        bump_tally(&txn, v.edition_id, v.category_id, v.nomination_id, if valid { 1 } else { -1 }).await?;
    }
    super::audit::record(
        &txn,
        s.now(),
        Some(actor),
        if valid { AuditAction::VoteRestore } else { AuditAction::VoteInvalidate },
        &vote_uuid.to_string(),
        Some(serde_json::json!({ "valid": v.valid })),
        Some(match category {
            Some(c) => serde_json::json!({ "valid": valid, "category": c.key(), "reason": reason }),
            None => serde_json::json!({ "valid": valid, "reason": reason }),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The category stored with a change of validity: none for a restored vote; for an
/// invalidation one an admin may choose, or a clear refusal.
pub fn invalidation_category(valid: bool, category: NotCountedReason) -> Result<Option<NotCountedReason>, AppError> {
    if valid {
        return Ok(None);
    }
    if !category.chosen_by_admin() {
        return Err(not_a_chosen_category());
    }
    Ok(Some(category))
}

fn not_a_chosen_category() -> AppError {
    AppError::invalid("Choose why the vote is invalid: coordinated accounts, automated voting, vote buying, an ineligible account or another breach of the rules.")
}

/// The category a form sent, by its key: "other" when it sent none, a clear refusal for a
/// key an admin may not choose.
pub fn chosen_category(key: Option<&str>) -> Result<NotCountedReason, AppError> {
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(NotCountedReason::OtherBreach),
        Some(k) => NotCountedReason::parse(k).filter(|c| c.chosen_by_admin()).ok_or_else(not_a_chosen_category),
    }
}

/// Total votes stored in an edition (valid or not).
pub async fn vote_count(db: &impl ConnectionTrait, edition_id: i32) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(vote::Entity::find().filter(vote::Column::EditionId.eq(edition_id)).count(db).await?)
}
