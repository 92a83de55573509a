//! Project submission (drafts, submit with eligibility) and screening (staged decisions,
//! release, corrections).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::catalog::edition_view;
use super::entity::{account, edition, nomination};
use super::Services;
use crate::category::CATEGORIES;
use crate::nomination::{
    check_draft, check_eligibility, check_submission, format_sdgs, parse_sdg_list, rejection_text, Decision,
    NominationInput, NominationStatus, PriorEntry, ScreeningCategory, ScreeningItem, ScreeningQueue, SubmissionView,
    SubmissionWindow,
};
use crate::time::geneva_label;
use crate::AppError;

fn not_found() -> AppError {
    AppError::NotFound("There is no submission with this id.".into())
}

/// The edition whose submission window contains `now` (the latest, should several).
pub async fn submission_edition(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Option<edition::Model>, AppError> {
    Ok(edition::Entity::find()
        .filter(edition::Column::SubmissionOpens.lte(now))
        .filter(edition::Column::SubmissionCloses.gt(now))
        .order_by_desc(edition::Column::Year)
        .one(db)
        .await?)
}

pub async fn submission_window(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<SubmissionWindow, AppError> {
    let all = super::catalog::editions(db).await?;
    let open = all.iter().find(|e| e.submission_opens <= now && now < e.submission_closes).map(|e| (e.year, e.submission_closes));
    let next_opens = all
        .iter()
        .filter(|e| e.submission_opens > now)
        .min_by_key(|e| e.submission_opens)
        .map(|e| (e.year, e.submission_opens));
    let last_closed = all
        .iter()
        .filter(|e| e.submission_closes <= now)
        .max_by_key(|e| e.submission_closes)
        .map(|e| (e.year, e.submission_closes));
    Ok(SubmissionWindow { open, next_opens, last_closed })
}

fn closed_message(w: &SubmissionWindow) -> String {
    match (w.next_opens, w.last_closed) {
        (Some((year, at)), _) => format!(
            "Submission is closed. Submissions for the WSIS Prizes {year} open on {} (Geneva time).",
            geneva_label(at)
        ),
        (None, Some((year, at))) => format!(
            "Submission is closed: the deadline of the WSIS Prizes {year} was {} (Geneva time).",
            geneva_label(at)
        ),
        (None, None) => "Submission is closed: no edition is accepting projects.".to_string(),
    }
}

fn input_of(n: &nomination::Model) -> NominationInput {
    NominationInput {
        category: CATEGORIES.get(usize::try_from(n.category_id - 1).unwrap_or(usize::MAX)).map_or(String::new(), |c| c.slug.to_string()),
        title: n.title.clone(),
        short_description: n.short_description.clone(),
        action_line_linkage: n.action_line_linkage.clone(),
        sdgs: n.sdgs.split(',').filter(|s| !s.trim().is_empty()).map(|s| s.trim().to_string()).collect(),
        impact_qualitative: n.impact_qualitative.clone(),
        impact_quantitative: n.impact_quantitative.clone(),
        partnerships: n.partnerships.clone(),
        challenges: n.challenges.clone(),
        organisation: n.organisation.clone(),
        stakeholder_type: n.stakeholder_type.clone(),
        country: n.country.clone(),
        region: n.region.clone(),
        website: n.website.clone(),
        contact: n.contact.clone(),
    }
}

/// The project as shown to its submitter: a staged screening decision is not visible (the
/// status stays "submitted" until release), and champion or winner only once the results
/// are public.
pub fn submission_view(n: &nomination::Model, e: &edition::Model, now: DateTime<Utc>) -> SubmissionView {
    let cat = CATEGORIES.iter().find(|c| i32::from(c.position) == n.category_id);
    let mut status = NominationStatus::parse(&n.status).unwrap_or(NominationStatus::Draft);
    if matches!(status, NominationStatus::Champion | NominationStatus::Winner) && !edition_view(e).results_public(now) {
        status = NominationStatus::Nominee;
    }
    SubmissionView {
        id: n.uuid,
        edition_year: e.year,
        category_slug: cat.map_or(String::new(), |c| c.slug.into()),
        category_code: cat.map_or(String::new(), |c| c.code.into()),
        category_name: cat.map_or(String::new(), |c| c.name.into()),
        input: input_of(n),
        status,
        rejection_reason: if status == NominationStatus::Rejected { n.rejection_reason.clone() } else { None },
        editable: status == NominationStatus::Draft && e.submission_opens <= now && now < e.submission_closes,
        submission_closes: e.submission_closes,
        updated_at: n.updated_at,
        submitted_at: n.submitted_at,
    }
}

async fn edition_of(db: &impl ConnectionTrait, n: &nomination::Model) -> Result<edition::Model, AppError> {
    edition::Entity::find_by_id(n.edition_id).one(db).await?.ok_or(AppError::Internal)
}

/// Projects already submitted in the edition (the candidate excluded) and past winners.
async fn prior_entries(db: &impl ConnectionTrait, e: &edition::Model, exclude: Option<i32>) -> Result<Vec<PriorEntry>, AppError> {
    let years: HashMap<i32, i32> = super::catalog::editions(db).await?.into_iter().map(|e| (e.id, e.year)).collect();
    let rows = nomination::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(nomination::Column::EditionId.eq(e.id).and(nomination::Column::Status.ne(NominationStatus::Draft.key())))
                .add(nomination::Column::Status.eq(NominationStatus::Winner.key())),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|n| Some(n.id) != exclude)
        .map(|n| PriorEntry {
            edition_year: years.get(&n.edition_id).copied().unwrap_or(0),
            category: u8::try_from(n.category_id).unwrap_or(0),
            status: NominationStatus::parse(&n.status).unwrap_or(NominationStatus::Submitted),
            title: n.title,
            organisation: n.organisation,
        })
        .collect())
}

/// Saves a draft (any partial content) or submits (every rule and eligibility). `id`
/// names an existing draft of the account; without it a new project is created in the
/// edition whose submission phase is open.
pub async fn save(
    s: &Services,
    me: &account::Model,
    id: Option<Uuid>,
    input: &NominationInput,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<SubmissionView, AppError> {
    let category = check_draft(input).map_err(AppError::Fields)?;
    let valid = if submit { Some(check_submission(input).map_err(AppError::Fields)?) } else { None };
    let existing = match id {
        Some(id) => {
            let n = super::catalog::nomination_by_uuid(&s.db, id).await?.ok_or_else(not_found)?;
            if n.account_id != Some(me.id) {
                return Err(not_found());
            }
            if n.status != NominationStatus::Draft.key() {
                return Err(AppError::Conflict("This project was already submitted and can no longer be changed.".into()));
            }
            Some(n)
        }
        None => None,
    };
    let e = match &existing {
        Some(n) => edition_of(&s.db, n).await?,
        None => match submission_edition(&s.db, now).await? {
            Some(e) => e,
            None => return Err(AppError::Closed(closed_message(&submission_window(&s.db, now).await?))),
        },
    };
    if now < e.submission_opens {
        return Err(AppError::Closed(format!(
            "Submission for the WSIS Prizes {} opens on {} (Geneva time).",
            e.year,
            geneva_label(e.submission_opens)
        )));
    }
    if now >= e.submission_closes {
        return Err(AppError::Closed(format!(
            "The submission deadline of the WSIS Prizes {} passed on {} (Geneva time): the project can no longer be changed or submitted.",
            e.year,
            geneva_label(e.submission_closes)
        )));
    }
    // A submission holds the edition's row from its first statement, so that parallel
    // submits check the eligibility rules one after another (PostgreSQL reads them without
    // a lock otherwise); drafts need no such order.
    let txn = if valid.is_some() { super::begin_on_edition(&s.db, e.id).await? } else { s.db.begin().await? };
    if let Some(v) = &valid {
        let prior = prior_entries(&txn, &e, existing.as_ref().map(|n| n.id)).await?;
        let limit = edition_view(&e).rules.submissions_per_entity;
        if let Err(f) = check_eligibility(v, e.year, limit, &prior) {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(f));
        }
    }
    let t = |x: &str| x.trim().to_string();
    let mut am = match &existing {
        Some(n) => n.clone().into_active_model(),
        None => nomination::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            edition_id: Set(e.id),
            account_id: Set(Some(me.id)),
            rejection_reason: Set(None),
            created_at: Set(now),
            submitted_at: Set(None),
            pending_decision: Set(None),
            pending_reason: Set(None),
            decided_at: Set(None),
            ..Default::default()
        },
    };
    am.category_id = Set(i32::from(category));
    match &valid {
        Some(v) => {
            am.title = Set(v.title.clone());
            am.short_description = Set(v.short_description.clone());
            am.action_line_linkage = Set(v.action_line_linkage.clone());
            am.sdgs = Set(format_sdgs(&v.sdgs));
            am.impact_qualitative = Set(v.impact_qualitative.clone());
            am.impact_quantitative = Set(v.impact_quantitative.clone());
            am.partnerships = Set(v.partnerships.clone());
            am.challenges = Set(v.challenges.clone());
            am.organisation = Set(v.organisation.clone());
            am.stakeholder_type = Set(v.stakeholder_type.key().into());
            am.country = Set(v.country.clone());
            am.region = Set(v.region.key().into());
            am.website = Set(v.website.clone());
            am.contact = Set(v.contact.clone());
            am.status = Set(NominationStatus::Submitted.key().into());
            am.submitted_at = Set(Some(now));
        }
        None => {
            am.title = Set(t(&input.title));
            am.short_description = Set(t(&input.short_description));
            am.action_line_linkage = Set(t(&input.action_line_linkage));
            am.sdgs = Set(format_sdgs(&parse_sdg_list(&input.sdgs).unwrap_or_default()));
            am.impact_qualitative = Set(t(&input.impact_qualitative));
            am.impact_quantitative = Set(t(&input.impact_quantitative));
            am.partnerships = Set(t(&input.partnerships));
            am.challenges = Set(t(&input.challenges));
            am.organisation = Set(t(&input.organisation));
            am.stakeholder_type = Set(t(&input.stakeholder_type));
            am.country = Set(t(&input.country));
            am.region = Set(t(&input.region));
            am.website = Set(t(&input.website));
            am.contact = Set(t(&input.contact));
            am.status = Set(NominationStatus::Draft.key().into());
        }
    }
    am.updated_at = Set(now);
    let saved = if existing.is_some() { am.update(&txn).await? } else { am.insert(&txn).await? };
    txn.commit().await?;
    Ok(submission_view(&saved, &e, now))
}

/// The account's drafts and submissions, most recently changed first.
pub async fn my_submissions(db: &impl ConnectionTrait, account_id: i32, now: DateTime<Utc>) -> Result<Vec<SubmissionView>, AppError> {
    let editions: HashMap<i32, edition::Model> = super::catalog::editions(db).await?.into_iter().map(|e| (e.id, e)).collect();
    let rows = nomination::Entity::find()
        .filter(nomination::Column::AccountId.eq(account_id))
        .order_by_desc(nomination::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(|n| editions.get(&n.edition_id).map(|e| submission_view(n, e, now))).collect())
}

/// One project, for its submitter or an admin (anyone else: not found).
pub async fn get_submission(
    db: &impl ConnectionTrait,
    me: &account::Model,
    is_admin: bool,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<SubmissionView, AppError> {
    let n = super::catalog::nomination_by_uuid(db, id).await?.ok_or_else(not_found)?;
    if n.account_id != Some(me.id) && !(is_admin && n.status != NominationStatus::Draft.key()) {
        return Err(not_found());
    }
    let e = edition_of(db, &n).await?;
    Ok(submission_view(&n, &e, now))
}

/// The edition being screened: the one asked for, else the latest whose submission closed.
pub async fn screening_edition(db: &impl ConnectionTrait, year: Option<i32>, now: DateTime<Utc>) -> Result<edition::Model, AppError> {
    match year {
        Some(y) => super::catalog::edition_by_year(db, y)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("There is no {y} edition."))),
        None => edition::Entity::find()
            .filter(edition::Column::SubmissionCloses.lte(now))
            .order_by_desc(edition::Column::Year)
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound("No edition has closed its submission phase yet.".into())),
    }
}

fn screening_open(e: &edition::Model, now: DateTime<Utc>) -> bool {
    e.submission_closes <= now && now < e.voting_opens
}

pub async fn screening_queue(db: &impl ConnectionTrait, year: Option<i32>, now: DateTime<Utc>) -> Result<ScreeningQueue, AppError> {
    let e = screening_edition(db, year, now).await?;
    let rows = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.ne(NominationStatus::Draft.key()))
        .order_by_asc(nomination::Column::Title)
        .all(db)
        .await?;
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let mut cat = ScreeningCategory {
                slug: c.slug.into(),
                code: c.code.into(),
                name: c.name.into(),
                submitted: 0,
                accepted: 0,
                rejected: 0,
                pending: 0,
                undecided: 0,
                items: Vec::new(),
            };
            for n in rows.iter().filter(|n| n.category_id == i32::from(c.position)) {
                let status = NominationStatus::parse(&n.status).unwrap_or(NominationStatus::Submitted);
                let pending = n.pending_decision.as_deref().and_then(Decision::parse);
                cat.submitted += 1;
                match status {
                    NominationStatus::Rejected => cat.rejected += 1,
                    s if s.on_ballot() => cat.accepted += 1,
                    _ if pending.is_some() => cat.pending += 1,
                    _ => cat.undecided += 1,
                }
                let mut submission = submission_view(n, &e, now);
                // screeners see the stored status (a submitter's view may hide results)
                submission.status = status;
                submission.rejection_reason = n.rejection_reason.clone();
                cat.items.push(ScreeningItem { submission, pending_decision: pending, pending_reason: n.pending_reason.clone() });
            }
            cat
        })
        .collect();
    Ok(ScreeningQueue { edition_year: e.year, submission_closes: e.submission_closes, screening_open: screening_open(&e, now), categories })
}

fn decision_and_reason(decision: &str, reason_key: &str, reason_text: &str) -> Result<(Decision, Option<String>), AppError> {
    let d = Decision::parse(decision)
        .ok_or_else(|| AppError::Fields(vec![("decision".into(), "Choose to accept the project as a nominee or to reject it.".into())]))?;
    let reason = match d {
        Decision::Nominee => None,
        Decision::Rejected => {
            Some(rejection_text(reason_key, reason_text).map_err(|m| AppError::Fields(vec![("reason".into(), m)]))?)
        }
    };
    Ok((d, reason))
}

/// Stages a decision on a submitted project; nothing is visible to the submitter until
/// the decisions of the edition are released.
pub async fn stage_decision(
    s: &Services,
    actor: i32,
    id: Uuid,
    decision: &str,
    reason_key: &str,
    reason_text: &str,
    now: DateTime<Utc>,
) -> Result<ScreeningItem, AppError> {
    let (d, reason) = decision_and_reason(decision, reason_key, reason_text)?;
    let n = super::catalog::nomination_by_uuid(&s.db, id).await?.ok_or_else(not_found)?;
    let e = edition_of(&s.db, &n).await?;
    match NominationStatus::parse(&n.status) {
        Some(NominationStatus::Submitted) => {}
        Some(NominationStatus::Draft) => return Err(not_found()),
        _ => {
            return Err(AppError::Conflict(
                "The decision on this project was already released; correct it instead.".into(),
            ))
        }
    }
    if now < e.submission_closes {
        return Err(AppError::Closed(format!(
            "Screening starts when submission closes, on {} (Geneva time).",
            geneva_label(e.submission_closes)
        )));
    }
    if now >= e.voting_opens {
        return Err(AppError::Closed(format!(
            "Voting opened on {} (Geneva time): the ballot is set. Released decisions can still be corrected.",
            geneva_label(e.voting_opens)
        )));
    }
    let before = serde_json::json!({ "pending_decision": n.pending_decision, "pending_reason": n.pending_reason }).to_string();
    let mut am = n.clone().into_active_model();
    am.pending_decision = Set(Some(d.key().into()));
    am.pending_reason = Set(reason.clone());
    am.decided_at = Set(Some(now));
    let saved = am.update(&s.db).await?;
    let after = serde_json::json!({ "pending_decision": d.key(), "pending_reason": reason }).to_string();
    super::audit::record(&s.db, Some(actor), "screening.stage", &format!("nomination:{}", n.uuid), Some(before), Some(after)).await?;
    let mut submission = submission_view(&saved, &e, now);
    submission.status = NominationStatus::Submitted;
    Ok(ScreeningItem { submission, pending_decision: Some(d), pending_reason: reason })
}

fn decision_mail(year: i32, title: &str, status: NominationStatus, reason: Option<&str>, corrected: bool) -> (String, String) {
    let subject = format!("WSIS Prizes {year}: the screening decision on “{title}”");
    let intro = if corrected { "The screening decision on your project has been corrected." } else { "The screening of the projects submitted to the WSIS Prizes is complete." };
    let body = match status {
        NominationStatus::Rejected => format!(
            "{intro}\n\nYour project “{title}” was not accepted as a nominee.\n\nReason: {}\n\nThank you for taking part.",
            reason.unwrap_or("not given")
        ),
        _ => format!(
            "{intro}\n\nCongratulations: your project “{title}” is a nominee of the WSIS Prizes {year}. It will be on the public ballot when voting opens."
        ),
    };
    (subject, body)
}

/// Queues the decision's e-mail to the submitter, in the language they last used.
async fn mail_submitter(
    db: &impl ConnectionTrait,
    n: &nomination::Model,
    year: i32,
    status: NominationStatus,
    reason: Option<&str>,
    corrected: bool,
) -> Result<(), AppError> {
    let Some(account_id) = n.account_id else { return Ok(()) };
    let Some(a) = account::Entity::find_by_id(account_id).one(db).await? else { return Ok(()) };
    let (subject, body) = decision_mail(year, &n.title, status, reason, corrected);
    super::mail::enqueue(db, &a.lang, &a.email, &subject, &body).await
}

/// Applies every staged decision of the edition at once, creates the new nominees'
/// counters and e-mails each submitter. Returns how many decisions were released.
pub async fn release_decisions(s: &Services, actor: i32, year: Option<i32>, now: DateTime<Utc>) -> Result<usize, AppError> {
    let e = screening_edition(&s.db, year, now).await?;
    if now < e.submission_closes {
        return Err(AppError::Closed(format!(
            "Screening starts when submission closes, on {} (Geneva time).",
            geneva_label(e.submission_closes)
        )));
    }
    let txn = s.db.begin().await?;
    let pending = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.eq(NominationStatus::Submitted.key()))
        .filter(nomination::Column::PendingDecision.is_not_null())
        .all(&txn)
        .await?;
    let mut released = Vec::with_capacity(pending.len());
    let (mut accepted, mut rejected) = (0, 0);
    for n in pending {
        let Some(d) = n.pending_decision.as_deref().and_then(Decision::parse) else { continue };
        let reason = if d == Decision::Rejected { n.pending_reason.clone() } else { None };
        let mut am = n.into_active_model();
        am.status = Set(d.status().key().into());
        am.rejection_reason = Set(reason);
        am.pending_decision = Set(None);
        am.pending_reason = Set(None);
        am.updated_at = Set(now);
        released.push(am.update(&txn).await?);
        if d == Decision::Nominee { accepted += 1 } else { rejected += 1 }
    }
    if released.is_empty() {
        let _ = txn.rollback().await;
        return Err(AppError::invalid("There are no staged decisions to release."));
    }
    super::seed::ensure_tally_rows(&txn, e.id).await?;
    for n in &released {
        let status = NominationStatus::parse(&n.status).unwrap_or(NominationStatus::Submitted);
        mail_submitter(&txn, n, e.year, status, n.rejection_reason.as_deref(), false).await?;
    }
    super::audit::record(
        &txn,
        Some(actor),
        "screening.release",
        &format!("edition:{}", e.year),
        None,
        Some(serde_json::json!({ "nominee": accepted, "rejected": rejected }).to_string()),
    )
    .await?;
    txn.commit().await?;
    s.wake_mail();
    s.listings.clear();
    Ok(released.len())
}

/// Changes a released decision (nominee ↔ rejected, or the reason); audit-logged with
/// the state before and after, and the submitter is told.
pub async fn correct_decision(
    s: &Services,
    actor: i32,
    id: Uuid,
    decision: &str,
    reason_key: &str,
    reason_text: &str,
    now: DateTime<Utc>,
) -> Result<SubmissionView, AppError> {
    let (d, reason) = decision_and_reason(decision, reason_key, reason_text)?;
    let n = super::catalog::nomination_by_uuid(&s.db, id).await?.ok_or_else(not_found)?;
    let e = edition_of(&s.db, &n).await?;
    match NominationStatus::parse(&n.status) {
        Some(NominationStatus::Nominee | NominationStatus::Rejected) => {}
        Some(NominationStatus::Champion | NominationStatus::Winner) => {
            return Err(AppError::Conflict("This project is already a champion or winner: its screening can no longer change.".into()))
        }
        _ => return Err(AppError::Conflict("No decision on this project was released yet; stage one instead.".into())),
    }
    let before = serde_json::json!({ "status": n.status, "rejection_reason": n.rejection_reason }).to_string();
    // a correction between nominee and rejected changes the ballot, so the count: refused
    // once the count is frozen
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let e = edition::Entity::find_by_id(e.id).one(&txn).await?.ok_or(AppError::Internal)?;
    let n = nomination::Entity::find_by_id(n.id).one(&txn).await?.ok_or_else(not_found)?;
    if NominationStatus::parse(&n.status).is_some_and(|st| st.on_ballot()) != (d == Decision::Nominee) {
        if let Err(err) = super::voting::require_audit_open(&e, now) {
            let _ = txn.rollback().await;
            return Err(err);
        }
    }
    let mut am = n.clone().into_active_model();
    am.status = Set(d.status().key().into());
    am.rejection_reason = Set(reason.clone());
    am.decided_at = Set(Some(now));
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    if d == Decision::Nominee {
        super::seed::ensure_tally_rows(&txn, e.id).await?;
    }
    let after = serde_json::json!({ "status": d.key(), "rejection_reason": reason }).to_string();
    super::audit::record(&txn, Some(actor), "screening.correct", &format!("nomination:{}", n.uuid), Some(before), Some(after)).await?;
    mail_submitter(&txn, &saved, e.year, d.status(), reason.as_deref(), true).await?;
    txn.commit().await?;
    s.wake_mail();
    s.listings.clear();
    Ok(submission_view(&saved, &e, now))
}

#[cfg(test)]
mod mail_tests {
    use super::*;

    const LANGS: [&str; 5] = ["ar", "es", "fr", "ru", "zh"];

    #[test]
    fn decision_mails_read_in_every_language() {
        for status in [NominationStatus::Rejected, NominationStatus::Nominee] {
            for corrected in [false, true] {
                let (subject, body) =
                    decision_mail(2026, "Open Data Gateway", status, Some("The project has not yet been implemented."), corrected);
                for lang in LANGS {
                    let (s, b) = (crate::messages::translate(&subject, lang), crate::messages::translate(&body, lang));
                    assert_ne!(s, subject, "{lang}: {subject}");
                    assert!(s.contains("Open Data Gateway") && b.contains("Open Data Gateway"), "{lang}: {b}");
                    // the opening sentence and the reason are translated too
                    assert!(!b.contains("screening") && !b.contains("implemented"), "{lang}: {b}");
                }
            }
        }
    }
}
