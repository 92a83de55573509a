//! Edition management: creating and cloning editions, their schedule and rules, which
//! one is current. Every change goes to the audit log with the state before and after.
//!
//! Changes run in a transaction whose first statement writes: SQLite then takes its write
//! lock at once (a read first would make the transaction fail, not wait, when a vote is
//! written meanwhile), and PostgreSQL locks the rows, so the guards are checked against
//! the state the change is applied to.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::catalog::BALLOT_STATUSES;
use super::entity::{account, audit_log, edition, nomination, review, vote};
use super::{audit, Services};
use crate::account::check_text;
use crate::edition::{
    check_rules_change, check_schedule_change, ChangeRefused, default_schedule, next_action, sentence, EditionChange, EditionCounts,
    keep_untouched, EditionDetail, EditionRules, EditionView, NextAction, RulesForm, ScheduleForm,
};
use crate::phase::Schedule;
use crate::audit::AuditAction;
use crate::AppError;

/// Years the platform accepts for an edition.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2200;

/// The audit log's subject for an edition (the year is unique and never changes).
pub fn subject(year: i32) -> String {
    format!("edition:{year}")
}

fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Begins a transaction that holds the edition's row: a no-op update as first statement.
async fn begin_locked(s: &Services, year: i32) -> Result<(DatabaseTransaction, edition::Model), AppError> {
    let txn = s.db.begin().await?;
    let res = edition::Entity::update_many()
        .col_expr(edition::Column::Year, Expr::col(edition::Column::Year))
        .filter(edition::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::no_such_edition(year));
    }
    let e = edition::Model::by_year(&txn, year).await?;
    Ok((txn, e))
}

fn schedule_columns(am: &mut edition::ActiveModel, s: &Schedule) {
    am.submission_opens = Set(s.submission.opens);
    am.submission_closes = Set(s.submission.closes);
    am.screening_opens = Set(s.screening.opens);
    am.screening_closes = Set(s.screening.closes);
    am.voting_opens = Set(s.voting.opens);
    am.voting_closes = Set(s.voting.closes);
    am.review_opens = Set(s.review.opens);
    am.review_closes = Set(s.review.closes);
    am.announcement_at = Set(s.announcement);
}

fn rules_columns(am: &mut edition::ActiveModel, r: &EditionRules) {
    am.champions_per_category = Set(i32::try_from(r.champions_per_category).unwrap_or(i32::MAX));
    am.complete_ballot = Set(r.complete_ballot);
    am.submissions_per_entity = Set(i32::try_from(r.submissions_per_entity).unwrap_or(i32::MAX));
    am.max_winners_per_category = Set(i32::try_from(r.max_winners_per_category).unwrap_or(i32::MAX));
    am.experts_see_scores = Set(r.experts_see_scores);
    am.publish_vote_counts = Set(r.publish_vote_counts);
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    am.friction_votes_per_address = Set(int(r.friction_votes_per_address));
    am.friction_votes_per_network = Set(int(r.friction_votes_per_network));
    am.friction_sign_ins_per_address = Set(int(r.friction_sign_ins_per_address));
    am.opinions_per_project = Set(int(r.opinions_per_project));
    am.remind_drafts_hours = Set(int(r.remind_drafts_hours));
    am.remind_reviews_hours = Set(int(r.remind_reviews_hours));
}

fn new_edition(year: i32, title: String, schedule: &Schedule, rules: &EditionRules, now: DateTime<Utc>) -> edition::ActiveModel {
    let mut am = edition::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        year: Set(year),
        title: Set(title),
        time_zone: Set(crate::time::GENEVA_TZ.into()),
        results_released_at: Set(None),
        champions_computed_at: Set(None),
        is_current: Set(false),
        rubric: Set(None),
        letters_sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    schedule_columns(&mut am, schedule);
    rules_columns(&mut am, rules);
    am
}

/// Inserts a new edition and its audit entry; a taken year is a conflict.
async fn insert_edition(
    s: &Services,
    actor: &account::Model,
    am: edition::ActiveModel,
    action: AuditAction,
    before: Option<serde_json::Value>,
) -> Result<EditionView, AppError> {
    let year = am.year.clone().unwrap();
    let txn = s.db.begin().await?;
    let e = match am.insert(&txn).await {
        Ok(e) => e,
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            let _ = txn.rollback().await;
            return Err(AppError::Conflict(format!("There is already a {year} edition.")));
        }
        Err(err) => return Err(err.into()),
    };
    let view = e.view();
    audit::record(&txn, s.now(), Some(actor.id), action, &subject(year), before, json(&view)).await?;
    txn.commit().await?;
    s.forget_display();
    Ok(view)
}

/// A new edition with a template schedule in its year and the default rules.
pub async fn create(s: &Services, actor: &account::Model, year: &str, title: &str) -> Result<EditionView, AppError> {
    let mut fields = Vec::new();
    let year = match year.trim().parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Some(y),
        _ => {
            fields.push(("year".to_string(), format!("The year must be between {} and {}.", YEARS.start(), YEARS.end())));
            None
        }
    };
    let title = check_text("Title", title, true, 200).map_err(|m| fields.push(("title".into(), m))).ok();
    let (Some(year), Some(title)) = (year, title) else {
        return Err(AppError::Fields(fields));
    };
    let schedule = default_schedule(year).ok_or(AppError::Internal)?;
    let am = new_edition(year, title, &schedule, &EditionRules::default(), s.now());
    insert_edition(s, actor, am, AuditAction::EditionCreate, None).await
}

/// `WSIS Prizes 2026` → `WSIS Prizes 2027`; a title without its year gets a plain one.
pub fn next_title(title: &str, from: i32, to: i32) -> String {
    let from = from.to_string();
    if title.contains(&from) {
        title.replace(&from, &to.to_string())
    } else {
        format!("WSIS Prizes {to}")
    }
}

/// A copy of an edition one year later: every instant shifted by a year in Geneva
/// wall-clock time, the rules copied, nothing computed, released or current.
/// `source` is the year to copy; without it, the latest edition.
pub async fn clone_edition(s: &Services, actor: &account::Model, source: Option<i32>) -> Result<EditionView, AppError> {
    let src = match source {
        Some(y) => edition::Model::by_year(&s.db, y).await?,
        None => edition::Entity::find()
            .order_by_desc(edition::Column::Year)
            .one(&s.db)
            .await?
            .ok_or_else(|| AppError::NotFound("There is no edition to clone yet.".into()))?,
    };
    let view = src.view();
    let year = src.year + 1;
    if !YEARS.contains(&year) {
        return Err(AppError::invalid(format!("The year must be between {} and {}.", YEARS.start(), YEARS.end())));
    }
    let schedule = view.schedule.shifted_years(1);
    schedule.validate().map_err(|e| AppError::invalid(format!("The shifted schedule is refused: {e}.")))?;
    let mut am = new_edition(year, next_title(&src.title, src.year, year), &schedule, &view.rules, s.now());
    // the rubric travels with the rules
    am.rubric = Set(src.rubric.clone());
    let before = serde_json::json!({ "cloned_from": src.year });
    insert_edition(s, actor, am, AuditAction::EditionClone, Some(before)).await
}

/// Sets every instant of the schedule. Instants already passed move only when `reopen`
/// is set with a reason; the audit entry then carries the reason and the moved instants.
pub async fn set_schedule(s: &Services, actor: &account::Model, year: i32, form: &ScheduleForm) -> Result<EditionView, AppError> {
    let proposed = form.parse().map_err(AppError::Fields)?;
    let (reopen, reason) = (form.reopen, form.reason.trim());
    if reason.chars().count() > 500 {
        return Err(AppError::Fields(vec![("reason".into(), "The reason may have at most 500 characters.".into())]));
    }
    let (txn, e) = begin_locked(s, year).await?;
    let current = e.view();
    let proposed = keep_untouched(&current.schedule, &proposed);
    if let Err(e) = proposed.validate() {
        let _ = txn.rollback().await;
        return Err(AppError::invalid(format!("This schedule is refused: {e}.")));
    }
    let now = s.now();
    let moved = match check_schedule_change(&current.schedule, &proposed, now, reopen.then_some(reason)) {
        Ok(m) => m,
        Err(refused) => {
            let _ = txn.rollback().await;
            let msg = sentence(&refused.to_string());
            return Err(match refused {
                ChangeRefused::ReasonRequired => AppError::Fields(vec![("reason".into(), msg)]),
                _ => AppError::Conflict(msg),
            });
        }
    };
    if proposed == current.schedule {
        let _ = txn.rollback().await;
        return Ok(current);
    }
    let mut am: edition::ActiveModel = e.into();
    schedule_columns(&mut am, &proposed);
    // a deadline that moves gets its reminder again, before the new instant
    if proposed.submission.closes != current.schedule.submission.closes {
        am.drafts_reminded_at = Set(None);
    }
    if proposed.review.closes != current.schedule.review.closes {
        am.reviews_reminded_at = Set(None);
    }
    let updated = am.update(&txn).await?;
    let (action, after) = if moved.is_empty() {
        (AuditAction::EditionSchedule, json(&proposed))
    } else {
        let keys: Vec<String> = moved.iter().map(|m| m.key()).collect();
        (AuditAction::EditionReopen, Some(serde_json::json!({ "schedule": proposed, "reopened": keys, "reason": reason })))
    };
    audit::record(&txn, now, Some(actor.id), action, &subject(year), json(&current.schedule), after).await?;
    txn.commit().await?;
    s.forget_display();
    Ok(updated.view())
}

/// Sets the rules, refusing changes to rules that already shaped results.
/// A friction threshold left empty in the form keeps its value.
pub async fn set_rules(s: &Services, actor: &account::Model, year: i32, form: &RulesForm) -> Result<EditionView, AppError> {
    let (txn, e) = begin_locked(s, year).await?;
    let current = e.view();
    let mut form = form.clone();
    for (field, value) in [
        (&mut form.friction_votes_per_address, current.rules.friction_votes_per_address),
        (&mut form.friction_votes_per_network, current.rules.friction_votes_per_network),
        (&mut form.friction_sign_ins_per_address, current.rules.friction_sign_ins_per_address),
    ] {
        if field.trim().is_empty() {
            *field = value.to_string();
        }
    }
    let proposed = match form.parse() {
        Ok(p) => p,
        Err(f) => {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(f));
        }
    };
    if let Err(refused) =
        check_rules_change(&current.rules, &proposed, &current.schedule, e.champions_computed_at.is_some(), s.now())
    {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict(sentence(&refused.to_string())));
    }
    if proposed == current.rules {
        let _ = txn.rollback().await;
        return Ok(current);
    }
    let mut am: edition::ActiveModel = e.into();
    rules_columns(&mut am, &proposed);
    let updated = am.update(&txn).await?;
    audit::record(&txn, s.now(), Some(actor.id), AuditAction::EditionRules, &subject(year), json(&current.rules), json(&proposed)).await?;
    txn.commit().await?;
    s.forget_display();
    Ok(updated.view())
}

/// Makes one edition the current one and every other not current, in one statement of
/// one transaction, so that exactly one is current whatever runs concurrently.
pub async fn make_current(s: &Services, actor: &account::Model, year: i32) -> Result<EditionView, AppError> {
    let txn = s.db.begin().await?;
    // Concurrent calls queue instead of deadlocking: on PostgreSQL a self-conflicting table
    // lock (row locks taken by a scan can come in different orders once rows have moved);
    // SQLite's write lock is database-wide already.
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE edition IN SHARE ROW EXCLUSIVE MODE").await?;
    }
    edition::Entity::update_many()
        .col_expr(edition::Column::IsCurrent, Expr::col(edition::Column::IsCurrent))
        .exec(&txn)
        .await?;
    let target = match edition::Model::by_year(&txn, year).await {
        Ok(t) => t,
        Err(err) => {
            let _ = txn.rollback().await;
            return Err(err);
        }
    };
    let before: Vec<i32> = edition::Entity::find()
        .select_only()
        .column(edition::Column::Year)
        .filter(edition::Column::IsCurrent.eq(true))
        .order_by_asc(edition::Column::Year)
        .into_tuple()
        .all(&txn)
        .await?;
    if before == [year] {
        let _ = txn.rollback().await;
        return Ok(target.view());
    }
    edition::Entity::update_many()
        .col_expr(edition::Column::IsCurrent, Expr::col(edition::Column::Id).eq(target.id))
        .exec(&txn)
        .await?;
    let updated = edition::Model::by_year(&txn, year).await?;
    audit::record(
        &txn,
        s.now(),
        Some(actor.id),
        AuditAction::EditionMakeCurrent,
        &subject(year),
        Some(serde_json::json!({ "current": before })),
        Some(serde_json::json!({ "current": [year] })),
    )
    .await?;
    txn.commit().await?;
    s.forget_display();
    Ok(updated.view())
}

/// Submissions, nominees, votes and reviews of an edition.
pub async fn counts(db: &impl ConnectionTrait, edition_id: i32) -> Result<EditionCounts, AppError> {
    let noms = || nomination::Entity::find().filter(nomination::Column::EditionId.eq(edition_id));
    Ok(EditionCounts {
        submissions: noms().filter(nomination::Column::Status.ne(crate::nomination::NominationStatus::Draft)).count(db).await?,
        nominees: noms().filter(nomination::Column::Status.is_in(BALLOT_STATUSES)).count(db).await?,
        votes: vote::Entity::find().filter(vote::Column::EditionId.eq(edition_id)).count(db).await?,
        reviews: review::Entity::find().filter(review::Column::EditionId.eq(edition_id)).count(db).await?,
    })
}

/// The secretariat's next task for an edition at `now`.
pub fn next_action_for(e: &edition::Model, now: DateTime<Utc>) -> NextAction {
    let view = e.view();
    next_action(view.phase_at(now), e.champions_computed_at.is_some(), e.results_public())
}

/// The latest audit entries about an edition, newest first.
pub async fn history(db: &impl ConnectionTrait, year: i32, limit: u64) -> Result<Vec<EditionChange>, AppError> {
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Subject.eq(subject(year)))
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_account_id).collect();
    let names: HashMap<i32, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| EditionChange {
            at: r.at,
            reason: r
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                .and_then(|v| v.get("reason").and_then(|x| x.as_str()).map(str::to_string)),
            actor: r.actor_account_id.and_then(|id| names.get(&id).cloned()),
            action: r.action,
        })
        .collect())
}

/// An edition for the editor page, with its recent history.
pub async fn detail(db: &impl ConnectionTrait, year: i32, now: DateTime<Utc>) -> Result<EditionDetail, AppError> {
    let e = edition::Model::by_year(db, year).await?;
    Ok(EditionDetail {
        now,
        edition: e.view(),
        champions_computed_at: e.champions_computed_at,
        history: history(db, year, 50).await?,
    })
}
