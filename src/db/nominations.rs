//! Project submission (drafts, submit with eligibility) and screening (staged decisions,
//! release, corrections).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use super::entity::{account, edition, nomination};
use super::{audit, Services};
use crate::audit::AuditAction;
use crate::category::CATEGORIES;
use crate::nomination::{
    admin_reason, check_draft, check_eligibility, check_submission, team_may_edit, Decision, DecisionForm, DraftItem, DraftNomination, ExtensionForm,
    NominationInput, NominationStatus, PriorEntry, screening_category, ScreeningCategory, ScreeningItem, ScreeningQueue, SubmissionView, SubmissionWindow, ValidNomination,
};
use crate::phase::{Milestone, PhaseKind};
use crate::time::geneva_label;
use crate::AppError;

/// A project's content, written to its row once, for drafts and submissions alike.
impl From<&DraftNomination> for nomination::ActiveModel {
    fn from(d: &DraftNomination) -> Self {
        nomination::ActiveModel {
            category_id: Set(i32::from(d.category)),
            title: Set(d.title.clone()),
            short_description: Set(d.short_description.clone()),
            action_line_linkage: Set(d.action_line_linkage.clone()),
            sdgs: Set(d.sdgs.clone()),
            impact_qualitative: Set(d.impact_qualitative.clone()),
            impact_quantitative: Set(d.impact_quantitative.clone()),
            partnerships: Set(d.partnerships.clone()),
            challenges: Set(d.challenges.clone()),
            organisation: Set(d.organisation.clone()),
            stakeholder_type: Set(d.stakeholder_type),
            country: Set(d.country.clone()),
            region: Set(d.region),
            website: Set(d.website.clone()),
            contact: Set(d.contact.clone()),
            ..Default::default()
        }
    }
}

impl From<&ValidNomination> for nomination::ActiveModel {
    fn from(v: &ValidNomination) -> Self {
        (&DraftNomination::from(v)).into()
    }
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
    let all = edition::Model::all(db).await?;
    let open = all.iter().find(|e| e.view().schedule.submission.contains(now)).map(|e| (e.year, e.submission_closes));
    let next_opens = all.iter().filter(|e| e.submission_opens > now).min_by_key(|e| e.submission_opens).map(|e| (e.year, e.submission_opens));
    let last_closed = all.iter().filter(|e| e.submission_closes <= now).max_by_key(|e| e.submission_closes).map(|e| (e.year, e.submission_closes));
    Ok(SubmissionWindow { open, next_opens, last_closed })
}

fn closed_message(w: &SubmissionWindow) -> String {
    match (w.next_opens, w.last_closed) {
        (Some((year, at)), _) => format!("Submission is closed. Submissions for the WSIS Prizes {year} open on {} (Geneva time).", geneva_label(at)),
        (None, Some((year, at))) => format!("Submission is closed: the deadline of the WSIS Prizes {year} was {} (Geneva time).", geneva_label(at)),
        (None, None) => "Submission is closed: no edition is accepting projects.".to_string(),
    }
}

fn input_of(n: &nomination::Model) -> NominationInput {
    NominationInput {
        category: CATEGORIES.iter().find(|c| i32::from(c.position) == n.category_id).map_or(String::new(), |c| c.slug.to_string()),
        title: n.title.clone(),
        short_description: n.short_description.clone(),
        action_line_linkage: n.action_line_linkage.clone(),
        sdgs: n.sdgs.goals().iter().map(u8::to_string).collect(),
        impact_qualitative: n.impact_qualitative.clone(),
        impact_quantitative: n.impact_quantitative.clone(),
        partnerships: n.partnerships.clone(),
        challenges: n.challenges.clone(),
        organisation: n.organisation.clone(),
        stakeholder_type: n.stakeholder_type.key().to_string(),
        country: n.country.clone(),
        region: n.region.key().to_string(),
        website: n.website.clone(),
        contact: n.contact.clone(),
    }
}

/// The project as its submitter sees it: a staged screening decision is not visible (the
/// status stays "submitted" until release), and champion or winner only where the
/// viewer may see the edition's results (the embargo's gate, `results_visible`).
pub fn submission_view(n: &nomination::Model, e: &edition::Model, now: DateTime<Utc>, results_visible: bool) -> SubmissionView {
    let cat = CATEGORIES.iter().find(|c| i32::from(c.position) == n.category_id);
    let mut status = n.status;
    if matches!(status, NominationStatus::Champion | NominationStatus::Winner) && !results_visible {
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
        editable: status == NominationStatus::Draft && team_may_edit(e.submission_opens, e.submission_closes, n.extended_until, e.screening_closes, now),
        submission_closes: e.submission_closes,
        extended_until: n.extended_until,
        feedback: None,
        team: None,
        updated_at: n.updated_at,
        submitted_at: n.submitted_at,
    }
}

/// The project as a screener (an admin) sees it: the stored status and reason.
pub(super) fn screener_view(n: &nomination::Model, e: &edition::Model, now: DateTime<Utc>) -> SubmissionView {
    let mut v = submission_view(n, e, now, true);
    v.status = n.status;
    v.rejection_reason = n.rejection_reason.clone();
    v
}

async fn edition_of(db: &impl ConnectionTrait, n: &nomination::Model) -> Result<edition::Model, AppError> {
    edition::Entity::find_by_id(n.edition_id).one(db).await?.ok_or(AppError::Internal)
}

/// Projects already submitted in the edition (the candidate excluded) and past winners.
async fn prior_entries(db: &impl ConnectionTrait, e: &edition::Model, exclude: Option<i32>) -> Result<Vec<PriorEntry>, AppError> {
    let years: HashMap<i32, i32> = edition::Model::all(db).await?.into_iter().map(|e| (e.id, e.year)).collect();
    let rows = nomination::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(nomination::Column::EditionId.eq(e.id).and(nomination::Column::Status.ne(NominationStatus::Draft)))
                .add(nomination::Column::Status.eq(NominationStatus::Winner)),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|n| Some(n.id) != exclude)
        .map(|n| PriorEntry {
            edition_year: years.get(&n.edition_id).copied().unwrap_or(0),
            category: u8::try_from(n.category_id).unwrap_or(0),
            status: n.status,
            title: n.title,
            organisation: n.organisation,
        })
        .collect())
}

/// Saving a project: a draft (any partial content) or a submission (every rule and the
/// eligibility rules). `id` names an existing draft of the account; without it a new
/// project is created in the edition whose submission phase is open.
#[derive(Debug, Clone)]
pub struct SaveProject<'a> {
    pub id: Option<Uuid>,
    pub input: &'a NominationInput,
    pub submit: bool,
}

pub async fn save(s: &Services, me: &account::Model, req: SaveProject<'_>) -> Result<SubmissionView, AppError> {
    let now = s.now();
    let draft = check_draft(req.input).map_err(AppError::Fields)?;
    let valid = if req.submit { Some(check_submission(req.input).map_err(AppError::Fields)?) } else { None };
    let existing = match req.id {
        Some(id) => {
            let n = nomination::Model::by_uuid(&s.db, id).await?.ok_or_else(AppError::no_submission)?;
            // its owner or a co-editor; anybody else learns nothing
            if !super::teams::is_member(&s.db, &n, me.id).await? {
                return Err(AppError::no_submission());
            }
            if n.status != NominationStatus::Draft {
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
    // a draft whose deadline an admin extended stays open to its team until then
    if !existing.as_ref().is_some_and(|n| team_may_edit(e.submission_opens, e.submission_closes, n.extended_until, e.screening_closes, now)) {
        e.require_open(PhaseKind::Submission, now)?;
    }
    // A submission holds the edition's row from its first statement, so that parallel
    // submits check the eligibility rules one after another (PostgreSQL reads them without
    // a lock otherwise); drafts need no such order.
    let txn = if valid.is_some() { super::begin_on_edition(&s.db, e.id).await? } else { s.db.begin().await? };
    if let Some(v) = &valid {
        let prior = prior_entries(&txn, &e, existing.as_ref().map(|n| n.id)).await?;
        if let Err(f) = check_eligibility(v, e.year, e.view().rules.submissions_per_entity, &prior) {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(f));
        }
    }
    let mut am: nomination::ActiveModel = match &valid {
        Some(v) => v.into(),
        None => (&draft).into(),
    };
    am.status = Set(if valid.is_some() { NominationStatus::Submitted } else { NominationStatus::Draft });
    if valid.is_some() {
        am.submitted_at = Set(Some(now));
    }
    am.updated_at = Set(now);
    let saved = match &existing {
        Some(n) => {
            am.id = ActiveValue::Unchanged(n.id);
            // only while it is still a draft: a save racing a submit (a co-editor's, or one on
            // the team's behalf) never turns the submission back into a draft
            match nomination::Entity::update(am).validate()?.filter(nomination::Column::Status.eq(NominationStatus::Draft)).exec(&txn).await {
                Ok(m) => m,
                Err(sea_orm::DbErr::RecordNotUpdated) => {
                    let _ = txn.rollback().await;
                    return Err(AppError::Conflict("This project was already submitted and can no longer be changed.".into()));
                }
                Err(err) => return Err(err.into()),
            }
        }
        None => {
            am.uuid = Set(Uuid::new_v4());
            am.edition_id = Set(e.id);
            am.account_id = Set(Some(me.id));
            am.rejection_reason = Set(None);
            am.created_at = Set(now);
            if valid.is_none() {
                am.submitted_at = Set(None);
            }
            am.pending_decision = Set(None);
            am.pending_reason = Set(None);
            am.decided_at = Set(None);
            am.insert(&txn).await?
        }
    };
    txn.commit().await?;
    Ok(submission_view(&saved, &e, now, false))
}

/// The account's drafts and submissions, most recently changed first; `results_visible`
/// tells, per edition, whether the viewer may see its results.
pub async fn my_submissions(
    db: &impl ConnectionTrait,
    account_id: i32,
    now: DateTime<Utc>,
    results_visible: impl Fn(&edition::Model) -> bool,
) -> Result<Vec<SubmissionView>, AppError> {
    let editions: HashMap<i32, edition::Model> = edition::Model::all(db).await?.into_iter().map(|e| (e.id, e)).collect();
    let edited = super::teams::edited_by(db, account_id).await?;
    let rows = nomination::Entity::find()
        .filter(nomination::Column::AccountId.eq(account_id).or(nomination::Column::Id.is_in(edited)))
        .order_by_desc(nomination::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(|n| editions.get(&n.edition_id).map(|e| submission_view(n, e, now, results_visible(e)))).collect())
}

/// One project, for its submitter or an admin (anyone else: not found).
pub async fn get_submission(
    db: &impl ConnectionTrait,
    me: &account::Model,
    is_admin: bool,
    id: Uuid,
    now: DateTime<Utc>,
    results_visible: impl Fn(&edition::Model) -> bool,
) -> Result<SubmissionView, AppError> {
    let n = nomination::Model::by_uuid(db, id).await?.ok_or_else(AppError::no_submission)?;
    let member = super::teams::is_member(db, &n, me.id).await?;
    if !member && !(is_admin && n.status != NominationStatus::Draft) {
        return Err(AppError::no_submission());
    }
    let e = edition_of(db, &n).await?;
    let visible = results_visible(&e);
    let mut v = submission_view(&n, &e, now, visible);
    if member {
        v.team = Some(super::teams::team_view(db, &n, me.id).await?);
    }
    if visible && e.results_public() && matches!(v.status, NominationStatus::Champion | NominationStatus::Winner) {
        v.feedback = super::review::feedback_for(db, &e, &n).await?;
    }
    Ok(v)
}

/// The edition being screened: the one asked for, else the latest whose submission closed.
pub async fn screening_edition(db: &impl ConnectionTrait, year: Option<i32>, now: DateTime<Utc>) -> Result<edition::Model, AppError> {
    match year {
        Some(y) => edition::Model::by_year(db, y).await,
        None => edition::Entity::find()
            .filter(edition::Column::SubmissionCloses.lte(now))
            .order_by_desc(edition::Column::Year)
            .one(db)
            .await?
            .ok_or_else(|| AppError::NotFound("No edition has closed its submission phase yet.".into())),
    }
}

/// Decisions are staged between the close of submission and the opening of voting (when
/// the ballot is set; released decisions can still be corrected after).
fn require_screening(e: &edition::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let v = e.view();
    v.require_after(Milestone::Closes(PhaseKind::Submission), now)?;
    v.require_before(Milestone::Opens(PhaseKind::Voting), now)
}

/// The screening queue of an edition: every category's counters, and the items of one
/// category (`category`, a slug; empty: see [`screening_category`]).
pub async fn screening_queue(db: &impl ConnectionTrait, year: Option<i32>, category: &str, now: DateTime<Utc>) -> Result<ScreeningQueue, AppError> {
    use sea_orm::QuerySelect;
    let e = screening_edition(db, year, now).await?;
    // the counters read three small columns of every submission, not their texts
    let counts: Vec<(i32, NominationStatus, Option<Decision>)> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::CategoryId, nomination::Column::Status, nomination::Column::PendingDecision])
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.ne(NominationStatus::Draft))
        .into_tuple()
        .all(db)
        .await?;
    let mut categories: Vec<ScreeningCategory> = CATEGORIES
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
            for (_, status, pending) in counts.iter().filter(|(cat_id, _, _)| *cat_id == i32::from(c.position)) {
                cat.submitted += 1;
                match status {
                    NominationStatus::Rejected => cat.rejected += 1,
                    s if s.on_ballot() => cat.accepted += 1,
                    _ if pending.is_some() => cat.pending += 1,
                    _ => cat.undecided += 1,
                }
            }
            cat
        })
        .collect();
    let slug = screening_category(&categories, category).map_err(AppError::Invalid)?.slug.clone();
    let position = crate::category::by_slug(&slug).map(|c| i32::from(c.position)).unwrap_or_default();
    let rows = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::CategoryId.eq(position))
        .filter(nomination::Column::Status.ne(NominationStatus::Draft))
        .order_by_asc(nomination::Column::Title)
        .all(db)
        .await?;
    if let Some(cat) = categories.iter_mut().find(|c| c.slug == slug) {
        let mut opinions = super::screening::opinions_by_project(db, e.id, &rows.iter().map(|n| n.id).collect::<Vec<_>>()).await?;
        cat.items = rows
            .iter()
            .map(|n| {
                let (opinions, agreement) = opinions.remove(&n.id).unwrap_or_default();
                ScreeningItem { submission: screener_view(n, &e, now), pending_decision: n.pending_decision, pending_reason: n.pending_reason.clone(), opinions, agreement }
            })
            .collect();
        // disagreements of the expert group first (a stable sort keeps the titles' order)
        cat.items.sort_by_key(|i| if i.opinions.is_empty() { 1 } else { i.agreement.rank() });
    }
    let drafts = drafts_in(db, &e, position).await?;
    Ok(ScreeningQueue {
        edition_year: e.year,
        submission_closes: e.submission_closes,
        screening_open: require_screening(&e, now).is_ok(),
        categories,
        category: slug,
        drafts,
        screening_closes: e.screening_closes,
    })
}

/// The drafts of one category of an edition, with their owners' addresses.
async fn drafts_in(db: &impl ConnectionTrait, e: &edition::Model, category: i32) -> Result<Vec<DraftItem>, AppError> {
    let rows = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::CategoryId.eq(category))
        .filter(nomination::Column::Status.eq(NominationStatus::Draft))
        .order_by_asc(nomination::Column::Title)
        .all(db)
        .await?;
    let owners: HashMap<i32, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().filter_map(|n| n.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.email))
        .collect();
    Ok(rows.into_iter().map(|n| {
        let owner = n.account_id.and_then(|a| owners.get(&a).cloned()).unwrap_or_default();
        draft_item(n, owner)
    }).collect())
}

fn draft_item(n: nomination::Model, owner_email: String) -> DraftItem {
    DraftItem {
        id: n.uuid,
        owner_email,
        title: n.title,
        organisation: n.organisation,
        updated_at: n.updated_at,
        extended_until: n.extended_until,
        extension_reason: n.extension_reason,
    }
}

/// A draft of an edition, for an admin's action on it (a submitted project: refused).
async fn draft_for_admin(s: &Services, id: Uuid) -> Result<(nomination::Model, edition::Model), AppError> {
    let n = nomination::Model::by_uuid(&s.db, id).await?.ok_or_else(AppError::no_submission)?;
    if n.status != NominationStatus::Draft {
        return Err(AppError::Conflict("This project was already submitted.".into()));
    }
    let e = edition_of(&s.db, &n).await?;
    Ok((n, e))
}

/// Queues a message about an admin's action to the project's team: its owner and
/// co-editors, each in their language.
async fn mail_team(db: &impl ConnectionTrait, now: DateTime<Utc>, n: &nomination::Model, subject: &str, body: &str) -> Result<(), AppError> {
    let ids: Vec<i32> = n.account_id.into_iter().chain(super::teams::edited_ids(db, n.id).await?).collect();
    for a in account::Entity::find().filter(account::Column::Id.is_in(ids)).all(db).await? {
        super::mail::enqueue(db, now, &a.lang, &a.email, subject, body).await?;
    }
    Ok(())
}

fn extension_mail(year: i32, title: &str, until: &str, public_url: &str) -> (String, String) {
    (
        format!("WSIS Prizes {year}: more time for “{title}”"),
        format!("The secretariat extended the deadline of your project “{title}” to {until} (Geneva time).\n\nComplete and submit it here: {public_url}/submissions\n"),
    )
}

fn on_behalf_mail(year: i32, title: &str, reason: &str, public_url: &str) -> (String, String) {
    (
        format!("WSIS Prizes {year}: “{title}” was submitted on your behalf"),
        format!(
            "As you asked, the secretariat submitted your project “{title}” to the WSIS Prizes {year} as you last saved it.\n\nReason: {reason}\n\nYour submission: {public_url}/submissions\n"
        ),
    )
}

/// Gives one draft a deadline of its own (an admin, with a reason, audit-logged), later
/// than the edition's and no later than screening closes; its team is told by e-mail.
pub async fn extend_deadline(s: &Services, actor: i32, id: Uuid, form: &ExtensionForm) -> Result<DraftItem, AppError> {
    let now = s.now();
    let (n, e) = draft_for_admin(s, id).await?;
    e.view().require_before(Milestone::Closes(PhaseKind::Screening), now)?;
    let (until, reason) = form.parse(e.submission_closes, e.screening_closes, now).map_err(AppError::Fields)?;
    let txn = s.db.begin().await?;
    // only while it is a draft: a submit at the same moment wins, and this changes nothing
    let res = nomination::Entity::update_many()
        .col_expr(nomination::Column::ExtendedUntil, sea_orm::sea_query::Expr::value(Some(until)))
        .col_expr(nomination::Column::ExtensionReason, sea_orm::sea_query::Expr::value(Some(reason.clone())))
        .filter(nomination::Column::Id.eq(n.id))
        .filter(nomination::Column::Status.eq(NominationStatus::Draft))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("This project was already submitted.".into()));
    }
    let before = serde_json::json!({ "extended_until": n.extended_until });
    let after = serde_json::json!({ "extended_until": until, "reason": reason });
    audit::record(&txn, now, Some(actor), AuditAction::SubmissionExtend, &format!("nomination:{}", n.uuid), Some(before), Some(after)).await?;
    let (subject, body) = extension_mail(e.year, &n.title, &geneva_label(until), &s.config.public_url);
    mail_team(&txn, now, &n, &subject, &body).await?;
    txn.commit().await?;
    s.wake_mail();
    let owner = match n.account_id {
        Some(a) => account::Entity::find_by_id(a).one(&s.db).await?.map(|a| a.email).unwrap_or_default(),
        None => String::new(),
    };
    Ok(draft_item(nomination::Model { extended_until: Some(until), extension_reason: Some(reason), ..n }, owner))
}

/// Submits a draft as its team last saved it, on the team's behalf (an admin, with a
/// reason, audit-logged): every rule of a submission and the eligibility rules apply, from
/// the opening of submission until screening closes; the team is told by e-mail.
pub async fn submit_on_behalf(s: &Services, actor: i32, id: Uuid, reason: &str) -> Result<SubmissionView, AppError> {
    let now = s.now();
    let reason = admin_reason(reason).map_err(|m| AppError::Fields(vec![("reason".into(), m)]))?;
    let (n, e) = draft_for_admin(s, id).await?;
    let v = e.view();
    v.require_after(Milestone::Opens(PhaseKind::Submission), now)?;
    v.require_before(Milestone::Closes(PhaseKind::Screening), now)?;
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    // the draft as stored now, in this transaction: what is checked is what is submitted
    let n = nomination::Entity::find_by_id(n.id).one(&txn).await?.ok_or(AppError::Internal)?;
    if n.status != NominationStatus::Draft {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("This project was already submitted.".into()));
    }
    let valid = match check_submission(&input_of(&n)) {
        Ok(v) => v,
        Err(f) => {
            let _ = txn.rollback().await;
            return Err(AppError::Fields(f));
        }
    };
    let prior = prior_entries(&txn, &e, Some(n.id)).await?;
    if let Err(f) = check_eligibility(&valid, e.year, v.rules.submissions_per_entity, &prior) {
        let _ = txn.rollback().await;
        return Err(AppError::Fields(f));
    }
    let res = nomination::Entity::update_many()
        .col_expr(nomination::Column::Status, sea_orm::sea_query::Expr::value(NominationStatus::Submitted))
        .col_expr(nomination::Column::SubmittedAt, sea_orm::sea_query::Expr::value(Some(now)))
        .col_expr(nomination::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(nomination::Column::Id.eq(n.id))
        .filter(nomination::Column::Status.eq(NominationStatus::Draft))
        .filter(nomination::Column::UpdatedAt.eq(n.updated_at))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("The draft changed while it was being submitted; check it and try again.".into()));
    }
    audit::record(&txn, now, Some(actor), AuditAction::SubmissionOnBehalf, &format!("nomination:{}", n.uuid), None, Some(serde_json::json!({ "reason": reason })))
        .await?;
    let (subject, body) = on_behalf_mail(e.year, &n.title, &reason, &s.config.public_url);
    mail_team(&txn, now, &n, &subject, &body).await?;
    txn.commit().await?;
    s.wake_mail();
    let saved = nomination::Model::by_uuid(&s.db, id).await?.ok_or(AppError::Internal)?;
    Ok(screener_view(&saved, &e, now))
}

fn decision_of(form: &DecisionForm) -> Result<(Decision, Option<String>), AppError> {
    form.parse().map_err(AppError::Fields)
}

/// Stages a decision on a submitted project; nothing is visible to the submitter until
/// the decisions of the edition are released.
pub async fn stage_decision(s: &Services, actor: i32, id: Uuid, form: &DecisionForm) -> Result<ScreeningItem, AppError> {
    let now = s.now();
    let (d, reason) = decision_of(form)?;
    let n = nomination::Model::by_uuid(&s.db, id).await?.ok_or_else(AppError::no_submission)?;
    let e = edition_of(&s.db, &n).await?;
    match n.status {
        NominationStatus::Submitted => {}
        NominationStatus::Draft => return Err(AppError::no_submission()),
        _ => return Err(AppError::Conflict("The decision on this project was already released; correct it instead.".into())),
    }
    require_screening(&e, now)?;
    let before = serde_json::json!({ "pending_decision": n.pending_decision.map(Decision::key), "pending_reason": n.pending_reason });
    let mut am = n.clone().into_active_model();
    am.pending_decision = Set(Some(d));
    am.pending_reason = Set(reason.clone());
    am.decided_at = Set(Some(now));
    let saved = am.update(&s.db).await?;
    let after = serde_json::json!({ "pending_decision": d.key(), "pending_reason": reason });
    audit::record(&s.db, now, Some(actor), AuditAction::ScreeningStage, &format!("nomination:{}", n.uuid), Some(before), Some(after)).await?;
    let mut submission = screener_view(&saved, &e, now);
    submission.status = NominationStatus::Submitted;
    let (opinions, agreement) = super::screening::opinions_by_project(&s.db, e.id, &[saved.id]).await?.remove(&saved.id).unwrap_or_default();
    Ok(ScreeningItem { submission, pending_decision: Some(d), pending_reason: reason, opinions, agreement })
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
    now: DateTime<Utc>,
    n: &nomination::Model,
    year: i32,
    reason: Option<&str>,
    corrected: bool,
) -> Result<(), AppError> {
    let Some(account_id) = n.account_id else { return Ok(()) };
    let Some(a) = account::Entity::find_by_id(account_id).one(db).await? else { return Ok(()) };
    let (subject, body) = decision_mail(year, &n.title, n.status, reason, corrected);
    super::mail::enqueue(db, now, &a.lang, &a.email, &subject, &body).await
}

/// Applies every staged decision of the edition at once, creates the new nominees'
/// counters and e-mails each submitter. Returns how many decisions were released.
pub async fn release_decisions(s: &Services, actor: i32, year: Option<i32>) -> Result<usize, AppError> {
    let now = s.now();
    let e = screening_edition(&s.db, year, now).await?;
    e.view().require_after(Milestone::Closes(PhaseKind::Submission), now)?;
    let txn = s.db.begin().await?;
    let pending = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.eq(NominationStatus::Submitted))
        .filter(nomination::Column::PendingDecision.is_not_null())
        .all(&txn)
        .await?;
    let mut released = Vec::with_capacity(pending.len());
    let (mut accepted, mut rejected) = (0, 0);
    for n in pending {
        let Some(d) = n.pending_decision else { continue };
        let reason = if d == Decision::Rejected { n.pending_reason.clone() } else { None };
        let mut am = n.into_active_model();
        am.status = Set(d.status());
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
        mail_submitter(&txn, now, n, e.year, n.rejection_reason.as_deref(), false).await?;
    }
    audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::ScreeningRelease,
        &format!("edition:{}", e.year),
        None,
        Some(serde_json::json!({ "nominee": accepted, "rejected": rejected })),
    )
    .await?;
    txn.commit().await?;
    s.wake_mail();
    s.forget_display();
    Ok(released.len())
}

/// Changes a released decision (nominee ↔ rejected, or the reason); audit-logged with
/// the state before and after, and the submitter is told. A change of the ballot changes
/// the count: refused once it is frozen.
pub async fn correct_decision(s: &Services, actor: i32, id: Uuid, form: &DecisionForm) -> Result<SubmissionView, AppError> {
    let now = s.now();
    let (d, reason) = decision_of(form)?;
    let n = nomination::Model::by_uuid(&s.db, id).await?.ok_or_else(AppError::no_submission)?;
    match n.status {
        NominationStatus::Nominee | NominationStatus::Rejected => {}
        NominationStatus::Champion | NominationStatus::Winner => {
            return Err(AppError::Conflict("This project is already a champion or winner: its screening can no longer change.".into()))
        }
        _ => return Err(AppError::Conflict("No decision on this project was released yet; stage one instead.".into())),
    }
    let txn = super::begin_on_edition(&s.db, n.edition_id).await?;
    let e = edition::Entity::find_by_id(n.edition_id).one(&txn).await?.ok_or(AppError::Internal)?;
    let n = nomination::Entity::find_by_id(n.id).one(&txn).await?.ok_or_else(AppError::no_submission)?;
    if n.status.on_ballot() != (d == Decision::Nominee) {
        if let Err(err) = super::voting::require_audit_open(&e) {
            let _ = txn.rollback().await;
            return Err(err);
        }
    }
    let before = serde_json::json!({ "status": n.status.key(), "rejection_reason": n.rejection_reason });
    let mut am = n.clone().into_active_model();
    am.status = Set(d.status());
    am.rejection_reason = Set(reason.clone());
    am.decided_at = Set(Some(now));
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    if d == Decision::Nominee {
        super::seed::ensure_tally_rows(&txn, e.id).await?;
    }
    let after = serde_json::json!({ "status": d.key(), "rejection_reason": reason });
    audit::record(&txn, now, Some(actor), AuditAction::ScreeningCorrect, &format!("nomination:{}", n.uuid), Some(before), Some(after)).await?;
    mail_submitter(&txn, now, &saved, e.year, reason.as_deref(), true).await?;
    txn.commit().await?;
    s.wake_mail();
    s.forget_display();
    Ok(screener_view(&saved, &e, now))
}

#[cfg(test)]
mod mail_tests {
    use super::*;

    const LANGS: [&str; 5] = ["ar", "es", "fr", "ru", "zh"];

    #[test]
    fn extension_and_on_behalf_mails_read_in_every_language() {
        for (subject, body) in [
            super::extension_mail(2027, "Rural Coding Clubs", "2027-02-04 18:00", "https://prizes.example"),
            super::on_behalf_mail(2027, "Rural Coding Clubs", "The team's upload failed", "https://prizes.example"),
        ] {
            for lang in ["ar", "es", "fr", "ru", "zh"] {
                let (s, b) = (crate::messages::translate(&subject, lang), crate::messages::translate(&body, lang));
                assert!(s != subject && s.contains("Rural Coding Clubs") && s.contains("2027"), "{lang}: {s}");
                assert!(b != body && b.contains("https://prizes.example/submissions"), "{lang}: {b}");
            }
        }
    }

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
