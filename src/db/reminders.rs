//! One reminder before voting closes, for the voters who ask for it and have voted in some
//! categories but not all (see [`crate::vote::needs_reminder`]). A row per account and
//! edition (unique) records the wish; its `sent_at`, set by a conditional update in the
//! transaction that queues the mail, makes the reminder go out once across every node.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait};

use super::entity::{account, edition, vote, vote_reminder};
use super::{mail, Services};
use crate::category::CATEGORIES;
use crate::phase::PhaseKind;
use crate::vote::{needs_reminder, reminder_mail, reminders_due};
use crate::AppError;

/// Whether `who` asked for a reminder in the current edition.
pub async fn wanted(db: &impl ConnectionTrait, who: i32) -> Result<bool, AppError> {
    let Some(e) = edition::Model::current(db).await? else { return Ok(false) };
    Ok(vote_reminder::Entity::find()
        .filter(vote_reminder::Column::EditionId.eq(e.id))
        .filter(vote_reminder::Column::AccountId.eq(who))
        .one(db)
        .await?
        .is_some())
}

/// Asks for (`on`) or cancels the reminder of `who` while the current edition's vote is
/// open; answers the new state. Asking twice, or in parallel, keeps one request.
pub async fn set(s: &Services, who: &account::Model, on: bool) -> Result<bool, AppError> {
    let e = edition::Model::require_current(&s.db).await?;
    e.view().require_open(PhaseKind::Voting, s.now())?;
    if on {
        let made = vote_reminder::ActiveModel { edition_id: Set(e.id), account_id: Set(who.id), created_at: Set(s.now()), sent_at: Set(None), ..Default::default() }
            .insert(&s.db)
            .await;
        match made {
            Ok(_) => {}
            Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
            Err(err) => return Err(err.into()),
        }
    } else {
        vote_reminder::Entity::delete_many()
            .filter(vote_reminder::Column::EditionId.eq(e.id))
            .filter(vote_reminder::Column::AccountId.eq(who.id))
            .exec(&s.db)
            .await?;
    }
    Ok(on)
}

/// Queues the reminders due now in the current edition (the node's background task asks
/// every 30 seconds); answers how many it queued.
pub async fn send_due(s: &Services) -> Result<usize, AppError> {
    let now = s.now();
    let Some(e) = edition::Model::current(&s.db).await? else { return Ok(0) };
    let closes = e.view().schedule.window(PhaseKind::Voting).closes;
    if !reminders_due(now, closes) {
        return Ok(0);
    }
    let pending = Query::select()
        .column(vote_reminder::Column::AccountId)
        .from(vote_reminder::Entity)
        .and_where(vote_reminder::Column::EditionId.eq(e.id))
        .and_where(vote_reminder::Column::SentAt.is_null())
        .to_owned();
    // categories voted per waiting account (an account without a vote is not reminded)
    let voted: HashMap<i32, i64> = vote::Entity::find()
        .select_only()
        .column(vote::Column::AccountId)
        .column_as(vote::Column::Id.count(), "n")
        .filter(vote::Column::EditionId.eq(e.id))
        .filter(vote::Column::AccountId.in_subquery(pending))
        .group_by(vote::Column::AccountId)
        .into_tuple::<(i32, i64)>()
        .all(&s.db)
        .await?
        .into_iter()
        .collect();
    let due: Vec<i32> = voted.iter().filter(|(_, n)| needs_reminder(**n as usize, CATEGORIES.len())).map(|(a, _)| *a).collect();
    let mut queued = 0;
    for chunk in due.chunks(500) {
        let accounts = account::Entity::find().filter(account::Column::Id.is_in(chunk.to_vec())).filter(account::Column::FrozenBy.is_null()).all(&s.db).await?;
        for a in accounts {
            let txn = s.db.begin().await?;
            // of two nodes, one claims the reminder
            let claimed = vote_reminder::Entity::update_many()
                .col_expr(vote_reminder::Column::SentAt, Expr::value(Some(now)))
                .filter(vote_reminder::Column::EditionId.eq(e.id))
                .filter(vote_reminder::Column::AccountId.eq(a.id))
                .filter(vote_reminder::Column::SentAt.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                let _ = txn.rollback().await;
                continue;
            }
            let n = voted.get(&a.id).copied().unwrap_or(0) as usize;
            let (subject, body) = reminder_mail(n, CATEGORIES.len(), &crate::time::geneva_label(closes), &s.config.public_url);
            mail::enqueue(&txn, now, &a.lang, &a.email, &subject, &body).await?;
            txn.commit().await?;
            queued += 1;
        }
    }
    if queued > 0 {
        s.wake_mail();
    }
    Ok(queued)
}
