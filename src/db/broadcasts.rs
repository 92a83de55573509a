//! Broadcasts (see [`crate::broadcast`]): who is in a group, the preview, and the send —
//! one transaction that stores the broadcast (its token unique: a preview is sent once)
//! and queues one message per recipient, then the mail worker sends them.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entity::{account, broadcast, champion, edition, expert_assignment, nomination, review, screening_opinion, vote_reminder};
use super::{audit, mail, Services};
use crate::audit::AuditAction;
use crate::broadcast::{Broadcast, BroadcastForm, BroadcastGroup, BroadcastPreview, SentBroadcast};
use crate::nomination::NominationStatus;
use crate::review::ReviewStatus;
use crate::AppError;

async fn edition_of(db: &impl ConnectionTrait, year: Option<i32>) -> Result<edition::Model, AppError> {
    match year {
        Some(y) => edition::Model::by_year(db, y).await,
        None => edition::Model::require_current(db).await,
    }
}

async fn owners(db: &impl ConnectionTrait, edition_id: i32, statuses: &[NominationStatus], not: bool) -> Result<Vec<i32>, AppError> {
    let col = nomination::Column::Status;
    let q = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::AccountId])
        .filter(nomination::Column::EditionId.eq(edition_id));
    let q = if not { q.filter(col.is_not_in(statuses.to_vec())) } else { q.filter(col.is_in(statuses.to_vec())) };
    let rows: Vec<(i32, Option<i32>)> = q.into_tuple().all(db).await?;
    // the projects' teams: their owners and co-editors
    let editors: Vec<i32> = super::entity::nomination_editor::Entity::find()
        .select_only()
        .column(super::entity::nomination_editor::Column::AccountId)
        .filter(super::entity::nomination_editor::Column::NominationId.is_in(rows.iter().map(|(id, _)| *id)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(_, owner)| owner).chain(editors).collect())
}

/// The accounts of a group in an edition: confirmed, each once, in the order of their ids.
pub async fn recipients(db: &impl ConnectionTrait, e: &edition::Model, group: BroadcastGroup) -> Result<Vec<account::Model>, AppError> {
    let ids: Vec<i32> = match group {
        BroadcastGroup::UnsubmittedDrafts => owners(db, e.id, &[NominationStatus::Draft], false).await?,
        BroadcastGroup::Submitters => owners(db, e.id, &[NominationStatus::Draft], true).await?,
        BroadcastGroup::Nominees => owners(db, e.id, &NominationStatus::ON_BALLOT, false).await?,
        BroadcastGroup::Champions => {
            let champions: Vec<i32> = champion::Entity::find()
                .select_only()
                .column(champion::Column::NominationId)
                .filter(champion::Column::EditionId.eq(e.id))
                .filter(champion::Column::ExcludedReason.is_null())
                .into_tuple()
                .all(db)
                .await?;
            nomination::Entity::find()
                .select_only()
                .column(nomination::Column::AccountId)
                .filter(nomination::Column::Id.is_in(champions))
                .into_tuple::<Option<i32>>()
                .all(db)
                .await?
                .into_iter()
                .flatten()
                .collect()
        }
        BroadcastGroup::ScreenersPending => screening_opinion::Entity::find()
            .select_only()
            .column(screening_opinion::Column::AccountId)
            .filter(screening_opinion::Column::EditionId.eq(e.id))
            .filter(screening_opinion::Column::Verdict.is_null())
            .into_tuple()
            .all(db)
            .await?,
        BroadcastGroup::ExpertsPending => {
            let champions: Vec<(i32, i32)> = champion::Entity::find()
                .select_only()
                .columns([champion::Column::NominationId, champion::Column::CategoryId])
                .filter(champion::Column::EditionId.eq(e.id))
                .filter(champion::Column::ExcludedReason.is_null())
                .into_tuple()
                .all(db)
                .await?;
            let done: BTreeSet<(i32, i32)> = review::Entity::find()
                .filter(review::Column::EditionId.eq(e.id))
                .filter(review::Column::Status.is_in([ReviewStatus::Submitted, ReviewStatus::Conflict]))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.expert_account_id, r.nomination_id))
                .collect();
            expert_assignment::Entity::find()
                .filter(expert_assignment::Column::EditionId.eq(e.id))
                .all(db)
                .await?
                .into_iter()
                .filter(|a| champions.iter().any(|(n, c)| *c == a.category_id && !done.contains(&(a.account_id, *n))))
                .map(|a| a.account_id)
                .collect()
        }
        BroadcastGroup::VotersOptedIn => vote_reminder::Entity::find()
            .select_only()
            .column(vote_reminder::Column::AccountId)
            .filter(vote_reminder::Column::EditionId.eq(e.id))
            .into_tuple()
            .all(db)
            .await?,
    };
    let ids: BTreeSet<i32> = ids.into_iter().collect();
    let mut out = Vec::with_capacity(ids.len());
    let ids: Vec<i32> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        out.extend(
            account::Entity::find()
                .filter(account::Column::Id.is_in(chunk.to_vec()))
                .filter(account::Column::ConfirmedAt.is_not_null())
                .order_by_asc(account::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

fn checked(form: &BroadcastForm) -> Result<Broadcast, AppError> {
    form.parse().map_err(AppError::Fields)
}

/// The count of recipients and the first one's message, as they will get it.
pub async fn preview(s: &Services, year: Option<i32>, form: &BroadcastForm) -> Result<BroadcastPreview, AppError> {
    let b = checked(form)?;
    let e = edition_of(&s.db, year).await?;
    let people = recipients(&s.db, &e, b.group).await?;
    let sample = people.first().map(|a| {
        let (subject, body) = b.render(&a.lang, &a.display_name);
        (a.email.clone(), a.lang.clone(), subject, body)
    });
    Ok(BroadcastPreview { recipients: people.len() as u64, sample, token: Uuid::new_v4(), form: form.clone() })
}

/// Sends a previewed broadcast: stores it under the preview's token (a second send of the
/// same preview is refused and sends nothing), queues one message per recipient in their
/// language, and records it in the audit log — all in one transaction. Answers how many.
pub async fn send(s: &Services, actor: i32, year: Option<i32>, token: Uuid, form: &BroadcastForm) -> Result<u64, AppError> {
    let b = checked(form)?;
    let e = edition_of(&s.db, year).await?;
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let people = recipients(&txn, &e, b.group).await?;
    if people.is_empty() {
        let _ = txn.rollback().await;
        return Err(AppError::invalid("Nobody is in this group: nothing was sent."));
    }
    let made = broadcast::Entity::insert(broadcast::ActiveModel {
        token: Set(token),
        edition_id: Set(e.id),
        grp: Set(b.group),
        subject: Set(b.subject.clone()),
        body: Set(b.body.clone()),
        translations: Set(serde_json::to_string(&b.translations).map_err(|_| AppError::Internal)?),
        recipients: Set(people.len() as i32),
        created_by: Set(actor),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(sea_orm::sea_query::OnConflict::column(broadcast::Column::Token).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    if made == 0 {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("This broadcast was already sent.".into()));
    }
    for a in &people {
        let (subject, body) = b.render(&a.lang, &a.display_name);
        mail::enqueue_as_written(&txn, now, &a.email, &subject, &body).await?;
    }
    audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::BroadcastSend,
        &format!("edition:{}", e.year),
        None,
        Some(serde_json::json!({ "group": b.group.key(), "subject": b.subject, "recipients": people.len(), "translations": b.translations.iter().map(|t| t.0.clone()).collect::<Vec<_>>() })),
    )
    .await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(people.len() as u64)
}

/// The broadcasts of an edition, newest first.
pub async fn sent(s: &Services, year: Option<i32>) -> Result<Vec<SentBroadcast>, AppError> {
    let e = edition_of(&s.db, year).await?;
    let rows = broadcast::Entity::find().filter(broadcast::Column::EditionId.eq(e.id)).order_by_desc(broadcast::Column::Id).all(&s.db).await?;
    let by: HashMap<i32, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().map(|r| r.created_by).collect::<Vec<_>>()))
        .all(&s.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| SentBroadcast { group: r.grp, subject: r.subject, recipients: r.recipients.max(0) as u64, sent_at: r.created_at, by: by.get(&r.created_by).cloned().unwrap_or_default() })
        .collect())
}

/// Queues the automatic reminders due now (the node's background task asks every 30
/// seconds): to submitters with a draft before submission closes, and to experts with
/// reviews pending before the review closes, each the edition's number of hours before its
/// deadline. Each reminder is claimed once across nodes by a conditional update of the
/// edition, in the transaction that queues its messages. Answers how many messages.
pub async fn send_due_reminders(s: &Services) -> Result<usize, AppError> {
    let now = s.now();
    let soon = now + chrono::Duration::hours(i64::from(crate::broadcast::MAX_REMINDER_HOURS));
    let mut queued = 0;
    for (group, reminded, deadline) in [
        (BroadcastGroup::UnsubmittedDrafts, edition::Column::DraftsRemindedAt, edition::Column::SubmissionCloses),
        (BroadcastGroup::ExpertsPending, edition::Column::ReviewsRemindedAt, edition::Column::ReviewCloses),
    ] {
        let editions = edition::Entity::find().filter(reminded.is_null()).filter(deadline.gt(now)).filter(deadline.lte(soon)).all(&s.db).await?;
        for e in editions {
            let (hours, opens, closes) = match group {
                BroadcastGroup::UnsubmittedDrafts => (e.remind_drafts_hours, e.submission_opens, e.submission_closes),
                _ => (e.remind_reviews_hours, e.review_opens, e.review_closes),
            };
            // due in its window, and only once the phase it reminds of has opened
            if crate::broadcast::reminder_due(now, closes, u32::try_from(hours).unwrap_or(0)) && opens <= now {
                queued += remind(s, &e, group, now).await?;
            }
        }
    }
    if queued > 0 {
        s.wake_mail();
    }
    Ok(queued)
}

async fn remind(s: &Services, e: &edition::Model, group: BroadcastGroup, now: chrono::DateTime<chrono::Utc>) -> Result<usize, AppError> {
    use sea_orm::sea_query::Expr;
    let (col, deadline, closes) = match group {
        BroadcastGroup::UnsubmittedDrafts => (edition::Column::DraftsRemindedAt, edition::Column::SubmissionCloses, e.submission_closes),
        _ => (edition::Column::ReviewsRemindedAt, edition::Column::ReviewCloses, e.review_closes),
    };
    let txn = sea_orm::TransactionTrait::begin(&s.db).await?;
    // of two nodes, one claims the reminder (the write comes first: SQLite's lock), and only
    // for the deadline it read: a deadline moved meanwhile gets its own reminder
    let claimed = edition::Entity::update_many()
        .col_expr(col, Expr::value(Some(now)))
        .filter(edition::Column::Id.eq(e.id))
        .filter(col.is_null())
        .filter(deadline.eq(closes))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Ok(0);
    }
    let people = recipients(&txn, e, group).await?;
    let label = crate::time::geneva_label(closes);
    let (subject, body) = match group {
        BroadcastGroup::UnsubmittedDrafts => crate::broadcast::draft_reminder(e.year, &label, &s.config.public_url),
        _ => crate::broadcast::review_reminder(e.year, &label, &s.config.public_url),
    };
    for a in &people {
        mail::enqueue(&txn, now, &a.lang, &a.email, &subject, &body).await?;
    }
    audit::record(&txn, now, None, AuditAction::BroadcastSend, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "group": group.key(), "reminder": true, "recipients": people.len() })))
        .await?;
    txn.commit().await?;
    Ok(people.len())
}
