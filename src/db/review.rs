//! Expert review: the rubric, the expert group, scoring, aggregation and winner choices.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::catalog::nominee_detail;
use super::entity::{account, champion, deliberation, edition, expert_assignment, nomination, review, review_revision};
use super::{audit, Services};
use crate::account::Role;
use crate::audit::AuditAction;
use crate::phase::{Milestone, PhaseKind};
use crate::category::{CategoryDef, CATEGORIES};
use crate::review::{
    aggregate, check_winners, parse_scores, tie_at_top, CategoryReview, ExpertCategory, ExpertHome, ExpertProgress,
    ExpertScore, Feedback, PeerScore, RankedChampion, ReviewAdmin, ReviewComment, ReviewItem, ReviewRevision, ReviewSheet, ReviewStatus, Rubric,
};
use crate::AppError;

pub fn rubric_of(e: &edition::Model) -> Rubric {
    e.rubric.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}


pub fn category(key: &str) -> Result<&'static CategoryDef, AppError> {
    let k = key.trim();
    CATEGORIES
        .iter()
        .find(|c| c.slug.eq_ignore_ascii_case(k) || c.code.eq_ignore_ascii_case(k))
        .ok_or_else(|| AppError::invalid(format!("There is no category “{k}”.")))
}

/// Experts score while the review phase is open and the results are not released.
fn require_review_open(e: &edition::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let v = e.view();
    v.require_unreleased()?;
    v.require_open(PhaseKind::Review, now)
}

fn review_open(e: &edition::Model, now: DateTime<Utc>) -> bool {
    require_review_open(e, now).is_ok()
}

fn not_released(e: &edition::Model) -> Result<(), AppError> {
    e.view().require_unreleased()
}

fn scores_of(r: &review::Model) -> BTreeMap<String, i32> {
    serde_json::from_str(&r.scores).unwrap_or_default()
}

/// The submitted reviews of a category on 0–100 points, as its ranking reads them (the
/// admins' table and the teams' feedback alike).
fn submitted_scores(
    rubric: &Rubric,
    reviews: &[&review::Model],
    expert: impl Fn(i32) -> Option<Uuid>,
    champion: impl Fn(i32) -> Option<Uuid>,
) -> Vec<ExpertScore> {
    reviews
        .iter()
        .filter(|r| r.status == ReviewStatus::Submitted)
        .filter_map(|r| Some(ExpertScore { expert: expert(r.expert_account_id)?, champion: champion(r.nomination_id)?, points: rubric.points(&scores_of(r))? }))
        .collect()
}

/// Whether any expert has saved a score (draft or submitted) in the edition.
pub async fn rubric_locked(db: &impl ConnectionTrait, edition_id: i32) -> Result<bool, AppError> {
    Ok(review::Entity::find()
        .filter(review::Column::EditionId.eq(edition_id))
        .filter(review::Column::Status.is_in(ReviewStatus::SCORED))
        .one(db)
        .await?
        .is_some())
}

async fn included_champions(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<champion::Model>, AppError> {
    Ok(champion::Entity::find()
        .filter(champion::Column::EditionId.eq(edition_id))
        .filter(champion::Column::ExcludedReason.is_null())
        .all(db)
        .await?)
}

/// Replaces the rubric of an edition; refused once a score is saved.
pub async fn set_rubric(s: &Services, actor: i32, year: &str, text: &str, normalise: bool) -> Result<ReviewAdmin, AppError> {
    let rubric = Rubric::parse(text, normalise).map_err(|m| AppError::Fields(vec![("criteria".into(), m)]))?;
    let e = edition::Model::named(&s.db, year).await?;
    not_released(&e)?;
    let txn = s.db.begin().await?;
    if rubric_locked(&txn, e.id).await? {
        let _ = txn.rollback().await;
        return Err(AppError::Conflict("The rubric is locked: experts have already saved scores with it.".into()));
    }
    let before = serde_json::to_value(rubric_of(&e)).ok();
    let after = serde_json::to_value(&rubric).map_err(|_| AppError::Internal)?;
    let mut am: edition::ActiveModel = e.clone().into();
    am.rubric = Set(Some(after.to_string()));
    am.update(&txn).await?;
    audit::record(&txn, s.now(), Some(actor), AuditAction::ReviewRubric, &format!("edition:{}", e.year), before, Some(after)).await?;
    txn.commit().await?;
    admin_view(&s.db, &e.year.to_string(), s.now()).await
}

/// Adds an account with the expert role to a category's expert group.
pub async fn assign(s: &Services, actor: i32, year: &str, category_key: &str, email: &str) -> Result<ReviewAdmin, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    not_released(&e)?;
    let c = category(category_key)?;
    let a = super::auth::find_by_email(&s.db, email)
        .await?
        .ok_or_else(|| AppError::invalid(format!("There is no account “{}”.", email.trim())))?;
    if !super::auth::roles_of(&s.db, a.id).await?.contains(&Role::Expert) {
        return Err(AppError::invalid(format!("{} does not have the expert role; grant it on the accounts page first.", a.email)));
    }
    let row = expert_assignment::ActiveModel {
        edition_id: Set(e.id),
        category_id: Set(c.position as i32),
        account_id: Set(a.id),
        created_at: Set(s.now()),
        ..Default::default()
    };
    let txn = s.db.begin().await?;
    match row.insert(&txn).await {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            let _ = txn.rollback().await;
            return Err(AppError::Conflict(format!("{} is already in the {} expert group.", a.email, c.code)));
        }
        Err(err) => return Err(err.into()),
    }
    audit::record(&txn, s.now(), Some(actor), AuditAction::ReviewAssign, &format!("edition:{}:{}", e.year, c.code), None, Some(serde_json::json!({ "expert": a.email })))
        .await?;
    txn.commit().await?;
    admin_view(&s.db, &e.year.to_string(), s.now()).await
}

/// Removes an expert from a category's group, unless they already submitted scores there.
pub async fn unassign(s: &Services, actor: i32, year: &str, category_key: &str, email: &str) -> Result<ReviewAdmin, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    not_released(&e)?;
    let c = category(category_key)?;
    let a = super::auth::find_by_email(&s.db, email).await?.ok_or_else(AppError::no_account)?;
    let row = expert_assignment::Entity::find()
        .filter(expert_assignment::Column::EditionId.eq(e.id))
        .filter(expert_assignment::Column::CategoryId.eq(c.position as i32))
        .filter(expert_assignment::Column::AccountId.eq(a.id))
        .one(&s.db)
        .await?
        .ok_or_else(|| AppError::invalid(format!("{} is not in the {} expert group.", a.email, c.code)))?;
    let noms: Vec<i32> = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::CategoryId.eq(c.position as i32))
        .all(&s.db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let scored = review::Entity::find()
        .filter(review::Column::ExpertAccountId.eq(a.id))
        .filter(review::Column::NominationId.is_in(noms))
        .filter(review::Column::Status.eq(ReviewStatus::Submitted))
        .one(&s.db)
        .await?;
    if scored.is_some() {
        return Err(AppError::Conflict(format!("{} has submitted scores in {}; they stay in the group.", a.email, c.code)));
    }
    let txn = s.db.begin().await?;
    expert_assignment::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(&txn, s.now(), Some(actor), AuditAction::ReviewUnassign, &format!("edition:{}:{}", e.year, c.code), Some(serde_json::json!({ "expert": a.email })), None)
        .await?;
    txn.commit().await?;
    admin_view(&s.db, &e.year.to_string(), s.now()).await
}

/// Everything the admin review page shows for one edition.
pub async fn admin_view(db: &DatabaseConnection, year: &str, now: DateTime<Utc>) -> Result<ReviewAdmin, AppError> {
    let e = edition::Model::named(db, year).await?;
    let rubric = rubric_of(&e);
    let champions = included_champions(db, e.id).await?;
    let all_champions = champion::Entity::find().filter(champion::Column::EditionId.eq(e.id)).all(db).await?;
    let reviews = review::Entity::find().filter(review::Column::EditionId.eq(e.id)).all(db).await?;
    let assignments = expert_assignment::Entity::find().filter(expert_assignment::Column::EditionId.eq(e.id)).all(db).await?;
    let revisions = review_revision::Entity::find().filter(review_revision::Column::EditionId.eq(e.id)).order_by_asc(review_revision::Column::Id).all(db).await?;
    let notes = deliberation::Entity::find().filter(deliberation::Column::EditionId.eq(e.id)).all(db).await?;
    let accounts: HashMap<i32, account::Model> = account::Entity::find()
        .filter(account::Column::Id.is_in(assignments.iter().map(|a| a.account_id).chain(reviews.iter().map(|r| r.expert_account_id)).chain(revisions.iter().map(|r| r.expert_account_id))))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let noms: HashMap<i32, nomination::Model> = nomination::Entity::find()
        .filter(nomination::Column::Id.is_in(champions.iter().map(|c| c.nomination_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut categories = Vec::new();
    for c in CATEGORIES.iter() {
        let pos = c.position as i32;
        let mine: Vec<&champion::Model> = champions.iter().filter(|r| r.category_id == pos).collect();
        let ids: Vec<i32> = mine.iter().map(|r| r.nomination_id).collect();
        let cat_reviews: Vec<&review::Model> = reviews.iter().filter(|r| ids.contains(&r.nomination_id)).collect();
        let mut experts = Vec::new();
        let (mut submitted, mut expected) = (0, 0);
        for a in assignments.iter().filter(|a| a.category_id == pos) {
            let Some(acc) = accounts.get(&a.account_id) else { continue };
            let of = |status: ReviewStatus| cat_reviews.iter().filter(|r| r.expert_account_id == a.account_id && r.status == status).count() as u32;
            let (sub, conf) = (of(ReviewStatus::Submitted), of(ReviewStatus::Conflict));
            let exp = (ids.len() as u32).saturating_sub(conf);
            submitted += sub;
            expected += exp;
            experts.push(ExpertProgress { email: acc.email.clone(), name: acc.display_name.clone(), submitted: sub, expected: exp, conflicts: conf });
        }
        experts.sort_by(|a, b| a.email.cmp(&b.email));
        let scores = submitted_scores(&rubric, &cat_reviews, |a| accounts.get(&a).map(|a| a.uuid), |n| noms.get(&n).map(|n| n.uuid));
        let uuids: Vec<Uuid> = mine.iter().filter_map(|r| noms.get(&r.nomination_id).map(|n| n.uuid)).collect();
        let agg = aggregate(&scores, &uuids, rubric.normalise);
        let by_uuid: HashMap<Uuid, (&champion::Model, &nomination::Model)> =
            mine.iter().filter_map(|r| noms.get(&r.nomination_id).map(|n| (n.uuid, (*r, n)))).collect();
        let ranking: Vec<RankedChampion> = agg
            .iter()
            .filter_map(|a| {
                let (ch, n) = by_uuid.get(&a.champion)?;
                Some(RankedChampion {
                    nominee: n.uuid,
                    title: n.title.clone(),
                    organisation: n.organisation.clone(),
                    country: n.country.clone(),
                    votes: ch.valid_votes.clamp(0, i64::MAX) as u64,
                    raw: a.raw,
                    normalised: a.normalised,
                    result: a.result,
                    rank: a.rank,
                    scores: a.experts,
                    conflicts: cat_reviews.iter().filter(|r| r.nomination_id == n.id && r.status == ReviewStatus::Conflict).count() as u32,
                    winner: ch.winner,
                    comments: cat_reviews
                        .iter()
                        .filter(|r| r.nomination_id == n.id && r.status == ReviewStatus::Submitted && !r.comment.trim().is_empty())
                        .map(|r| ReviewComment {
                            review: r.id,
                            expert: accounts.get(&r.expert_account_id).map(|a| a.display_name.clone()).unwrap_or_default(),
                            comment: r.comment.clone(),
                            hidden: r.comment_hidden,
                        })
                        .collect(),
                })
            })
            .collect();
        let decided = all_champions.iter().find(|r| r.category_id == pos && r.decided_at.is_some());
        let history: Vec<ReviewRevision> = revisions
            .iter()
            .filter(|r| ids.contains(&r.nomination_id))
            .map(|r| ReviewRevision {
                expert: accounts.get(&r.expert_account_id).map(|a| a.display_name.clone()).unwrap_or_default(),
                champion: noms.get(&r.nomination_id).map(|n| n.title.clone()).unwrap_or_default(),
                status: r.status,
                scores: serde_json::from_str(&r.scores).unwrap_or_default(),
                comment: r.comment.clone(),
                saved_at: r.saved_at,
            })
            .collect();
        let note = notes.iter().find(|d| d.category_id == pos);
        categories.push(CategoryReview {
            slug: c.slug.into(),
            code: c.code.into(),
            name: c.name.into(),
            experts,
            submitted,
            expected,
            tie_at_top: tie_at_top(&agg),
            ranking,
            decided: decided.is_some(),
            decision_reason: decided.and_then(|r| r.decision_reason.clone()),
            history,
            notes: note.map(|d| d.notes.clone()).unwrap_or_default(),
            notes_updated_at: note.map(|d| d.updated_at),
        });
    }
    let experts = super::auth::accounts_with_role(db, Role::Expert).await?.into_iter().map(|a| (a.email, a.display_name)).collect();
    Ok(ReviewAdmin {
        year: e.year,
        rubric_locked: rubric_locked(db, e.id).await?,
        rubric,
        max_winners: u32::try_from(e.max_winners_per_category).unwrap_or(0),
        review_open: review_open(&e, now),
        released: e.results_public(),
        categories,
        experts,
    })
}

/// Stages an admin's choice of winners for a category (replacing an earlier choice).
pub async fn select_winners(
    s: &Services,
    actor: i32,
    year: &str,
    category_key: &str,
    chosen: &[Uuid],
    reason: &str,
) -> Result<ReviewAdmin, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    not_released(&e)?;
    let now = s.now();
    e.view().require_after(Milestone::Opens(PhaseKind::Review), now)?;
    let c = category(category_key)?;
    let view = admin_view(&s.db, &e.year.to_string(), now).await?;
    let cat = view.categories.iter().find(|x| x.slug == c.slug).ok_or(AppError::Internal)?;
    if cat.ranking.is_empty() {
        return Err(AppError::invalid(format!("{} has no champions yet: compute the champions first.", c.code)));
    }
    let agg: Vec<crate::review::Aggregate> = cat
        .ranking
        .iter()
        .map(|r| crate::review::Aggregate {
            champion: r.nominee,
            raw: r.raw,
            normalised: r.normalised,
            result: r.result,
            experts: r.scores,
            rank: r.rank,
        })
        .collect();
    let eligible: Vec<Uuid> = cat.ranking.iter().map(|r| r.nominee).collect();
    let overrides = check_winners(&agg, &eligible, chosen, view.max_winners, reason).map_err(AppError::invalid)?;
    let reason = reason.trim();
    let before: Vec<Uuid> = cat.ranking.iter().filter(|r| r.winner).map(|r| r.nominee).collect();
    let ids: HashMap<Uuid, i32> = nomination::Entity::find()
        .filter(nomination::Column::Uuid.is_in(eligible.clone()))
        .all(&s.db)
        .await?
        .into_iter()
        .map(|n| (n.uuid, n.id))
        .collect();
    let winner_ids: Vec<i32> = chosen.iter().filter_map(|u| ids.get(u).copied()).collect();
    let txn = s.db.begin().await?;
    let rows = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::CategoryId.eq(c.position as i32))
        .all(&txn)
        .await?;
    for r in rows {
        let mut am: champion::ActiveModel = r.clone().into();
        am.winner = Set(winner_ids.contains(&r.nomination_id));
        am.decided_at = Set(Some(now));
        am.decision_reason = Set((!reason.is_empty()).then(|| reason.to_string()));
        am.update(&txn).await?;
    }
    let after = serde_json::json!({ "winners": chosen, "departs_from_ranking": overrides, "reason": reason });
    audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::ReviewSelectWinners,
        &format!("edition:{}:{}", e.year, c.code),
        Some(serde_json::json!({ "winners": before })),
        Some(after),
    )
    .await?;
    txn.commit().await?;
    admin_view(&s.db, &e.year.to_string(), now).await
}

/// The champions an expert reviews in the current edition, by category.
pub async fn expert_home(db: &DatabaseConnection, expert: &account::Model, now: DateTime<Utc>) -> Result<ExpertHome, AppError> {
    let e = edition::Model::named(db, "").await?;
    let cats: Vec<i32> = expert_assignment::Entity::find()
        .filter(expert_assignment::Column::EditionId.eq(e.id))
        .filter(expert_assignment::Column::AccountId.eq(expert.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.category_id)
        .collect();
    let champions = included_champions(db, e.id).await?;
    let noms: HashMap<i32, nomination::Model> = nomination::Entity::find()
        .filter(nomination::Column::Id.is_in(champions.iter().filter(|c| cats.contains(&c.category_id)).map(|c| c.nomination_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mine: HashMap<i32, review::Model> = review::Entity::find()
        .filter(review::Column::EditionId.eq(e.id))
        .filter(review::Column::ExpertAccountId.eq(expert.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.nomination_id, r))
        .collect();
    let categories = CATEGORIES
        .iter()
        .filter(|c| cats.contains(&(c.position as i32)))
        .map(|c| {
            let mut champions: Vec<ReviewItem> = champions
                .iter()
                .filter(|r| r.category_id == c.position as i32)
                .filter_map(|r| noms.get(&r.nomination_id))
                .map(|n| ReviewItem {
                    nominee: n.uuid,
                    title: n.title.clone(),
                    organisation: n.organisation.clone(),
                    country: n.country.clone(),
                    status: mine.get(&n.id).map_or(ReviewStatus::NotStarted, |r| r.status),
                })
                .collect();
            champions.sort_by(|a, b| a.title.cmp(&b.title));
            ExpertCategory { slug: c.slug.into(), code: c.code.into(), name: c.name.into(), champions }
        })
        .collect();
    Ok(ExpertHome { year: e.year, review_open: review_open(&e, now), opens: e.review_opens, closes: e.review_closes, categories })
}

/// Checks that `expert` reviews the champion `nominee`; answers its rows.
async fn context(
    db: &impl ConnectionTrait,
    expert: &account::Model,
    nominee: Uuid,
) -> Result<(edition::Model, nomination::Model, Option<review::Model>), AppError> {
    let not_found = || AppError::NotFound("This project is not a champion under review.".into());
    let n = nomination::Model::by_uuid(db, nominee).await?.ok_or_else(not_found)?;
    let e = edition::Entity::find_by_id(n.edition_id).one(db).await?.ok_or_else(not_found)?;
    let assigned = expert_assignment::Entity::find()
        .filter(expert_assignment::Column::EditionId.eq(e.id))
        .filter(expert_assignment::Column::CategoryId.eq(n.category_id))
        .filter(expert_assignment::Column::AccountId.eq(expert.id))
        .one(db)
        .await?;
    if assigned.is_none() {
        return Err(AppError::forbidden("You are not in the expert group of this project's category."));
    }
    champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::NominationId.eq(n.id))
        .filter(champion::Column::ExcludedReason.is_null())
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let r = review::Entity::find()
        .filter(review::Column::NominationId.eq(n.id))
        .filter(review::Column::ExpertAccountId.eq(expert.id))
        .one(db)
        .await?;
    Ok((e, n, r))
}

/// What an expert sees for one champion: the full submission, the rubric, their review, and
/// (once they submitted, if the edition allows) the other experts' submitted scores.
pub async fn sheet(db: &DatabaseConnection, expert: &account::Model, nominee: Uuid, now: DateTime<Utc>) -> Result<ReviewSheet, AppError> {
    let (e, n, r) = context(db, expert, nominee).await?;
    let rubric = rubric_of(&e);
    let status = r.as_ref().map_or(ReviewStatus::NotStarted, |r| r.status);
    let peers = if status == ReviewStatus::Submitted && e.experts_see_scores {
        let others = review::Entity::find()
            .filter(review::Column::NominationId.eq(n.id))
            .filter(review::Column::ExpertAccountId.ne(expert.id))
            .filter(review::Column::Status.eq(ReviewStatus::Submitted))
            .all(db)
            .await?;
        let names: HashMap<i32, String> = account::Entity::find()
            .filter(account::Column::Id.is_in(others.iter().map(|o| o.expert_account_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.display_name))
            .collect();
        Some(
            others
                .iter()
                .map(|o| {
                    let scores = scores_of(o);
                    PeerScore {
                        expert: names.get(&o.expert_account_id).cloned().unwrap_or_default(),
                        points: rubric.points(&scores),
                        scores,
                        comment: o.comment.clone(),
                    }
                })
                .collect(),
        )
    } else {
        None
    };
    let detail = nominee_detail(db, n.uuid).await?;
    Ok(ReviewSheet {
        category_code: detail.category_code.clone(),
        nominee: detail,
        rubric,
        status,
        scores: r.as_ref().map(scores_of).unwrap_or_default(),
        comment: r.as_ref().map(|r| r.comment.clone()).unwrap_or_default(),
        conflict_reason: r.as_ref().and_then(|r| r.conflict_reason.clone()),
        review_open: review_open(&e, now),
        closes: e.review_closes,
        peers,
    })
}

/// Saves an expert's scores and comment; with `submit` the review becomes final.
pub async fn save(
    s: &Services,
    expert: &account::Model,
    nominee: Uuid,
    form: &BTreeMap<String, String>,
    comment: &str,
    submit: bool,
) -> Result<ReviewSheet, AppError> {
    let (e, n, existing) = context(&s.db, expert, nominee).await?;
    let now = s.now();
    require_review_open(&e, now)?;
    match existing.as_ref().map(|r| r.status) {
        Some(ReviewStatus::Submitted) => return Err(AppError::review_final()),
        Some(ReviewStatus::Conflict) => {
            return Err(AppError::forbidden("You declared a conflict of interest for this champion: you cannot score it."))
        }
        _ => {}
    }
    let rubric = rubric_of(&e);
    let scores = parse_scores(form).map_err(AppError::invalid)?;
    rubric.check(&scores, submit).map_err(AppError::invalid)?;
    let comment = comment.trim();
    if comment.chars().count() > 5000 {
        return Err(AppError::invalid("The comment is limited to 5000 characters."));
    }
    if submit && comment.is_empty() {
        return Err(AppError::invalid("Please write a comment before submitting."));
    }
    let status = if submit { ReviewStatus::Submitted } else { ReviewStatus::Draft };
    let json = serde_json::to_string(&scores).map_err(|_| AppError::Internal)?;
    let txn = s.db.begin().await?;
    match existing {
        Some(r) => {
            // conditional: of two saves racing a submit, none changes a submitted review
            let res = review::Entity::update_many()
                .col_expr(review::Column::Scores, Expr::value(json.clone()))
                .col_expr(review::Column::Comment, Expr::value(comment.to_string()))
                .col_expr(review::Column::Status, Expr::value(status))
                .col_expr(review::Column::UpdatedAt, Expr::value(now))
                .filter(review::Column::Id.eq(r.id))
                .filter(review::Column::Status.eq(ReviewStatus::Draft))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                let _ = txn.rollback().await;
                return Err(AppError::review_final());
            }
        }
        None => {
            let row = review::ActiveModel {
                edition_id: Set(e.id),
                nomination_id: Set(n.id),
                expert_account_id: Set(expert.id),
                scores: Set(json.clone()),
                comment: Set(comment.to_string()),
                conflict_reason: Set(None),
                status: Set(status),
                updated_at: Set(now),
                ..Default::default()
            };
            if let Err(err) = row.insert(&txn).await {
                let _ = txn.rollback().await;
                return Err(match err.sql_err() {
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                        AppError::Conflict("This review was saved twice at the same time; please reload and try again.".into())
                    }
                    _ => err.into(),
                });
            }
        }
    }
    keep_revision(&txn, e.id, n.id, expert.id, &json, comment, status, now).await?;
    let action = if submit { AuditAction::ReviewSubmit } else { AuditAction::ReviewSaveDraft };
    audit::record(&txn, now, Some(expert.id), action, &nominee.to_string(), None, Some(serde_json::json!({ "scores": scores }))).await?;
    txn.commit().await?;
    sheet(&s.db, expert, nominee, now).await
}

/// Keeps one saved state of a review, in the transaction of the save (see
/// [`crate::review::ReviewRevision`]).
#[allow(clippy::too_many_arguments)]
async fn keep_revision(
    db: &impl ConnectionTrait,
    edition_id: i32,
    nomination_id: i32,
    expert: i32,
    scores: &str,
    comment: &str,
    status: ReviewStatus,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    review_revision::ActiveModel {
        edition_id: Set(edition_id),
        nomination_id: Set(nomination_id),
        expert_account_id: Set(expert),
        scores: Set(scores.to_string()),
        comment: Set(comment.to_string()),
        status: Set(status),
        saved_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records the expert group's deliberation notes on a category (admins; until the results
/// are released; audit-logged with the notes before and after).
pub async fn set_notes(s: &Services, actor: i32, year: &str, category_key: &str, notes: &str) -> Result<ReviewAdmin, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    not_released(&e)?;
    let c = category(category_key)?;
    let notes = notes.trim();
    if notes.chars().count() > crate::review::NOTES_CHARS {
        return Err(AppError::invalid("The deliberation notes are limited to 10000 characters."));
    }
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let before = deliberation::Entity::find()
        .filter(deliberation::Column::EditionId.eq(e.id))
        .filter(deliberation::Column::CategoryId.eq(c.position as i32))
        .one(&txn)
        .await?;
    let old = before.as_ref().map(|d| d.notes.clone());
    match before {
        Some(d) => {
            let mut am: deliberation::ActiveModel = d.into();
            am.notes = Set(notes.to_string());
            am.updated_at = Set(now);
            am.updated_by = Set(actor);
            am.update(&txn).await?;
        }
        None => {
            deliberation::ActiveModel {
                edition_id: Set(e.id),
                category_id: Set(c.position as i32),
                notes: Set(notes.to_string()),
                updated_at: Set(now),
                updated_by: Set(actor),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        now,
        Some(actor),
        AuditAction::ReviewNotes,
        &format!("edition:{}:{}", e.year, c.code),
        old.map(|n| serde_json::json!({ "notes": n })),
        Some(serde_json::json!({ "notes": notes })),
    )
    .await?;
    txn.commit().await?;
    admin_view(&s.db, year, now).await
}

/// Keeps an expert's comment from (or gives it back to) the team's feedback: admins, before
/// the release and after it (a comment found unfit later is withdrawn then). The change is
/// conditional on the state it changes, so that of parallel requests one changes it and
/// is audit-logged; the others, and a request that changes nothing, log nothing.
pub async fn hide_comment(s: &Services, actor: i32, review_id: i32, hidden: bool) -> Result<ReviewAdmin, AppError> {
    let r = review::Entity::find_by_id(review_id).one(&s.db).await?.ok_or_else(|| AppError::NotFound("There is no such review.".into()))?;
    let e = edition::Entity::find_by_id(r.edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    let now = s.now();
    let txn = s.db.begin().await?;
    let changed = review::Entity::update_many()
        .col_expr(review::Column::CommentHidden, Expr::value(hidden))
        .filter(review::Column::Id.eq(r.id))
        .filter(review::Column::CommentHidden.eq(!hidden))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        let _ = txn.rollback().await;
        return admin_view(&s.db, &e.year.to_string(), now).await;
    }
    let subject = match nomination::Entity::find_by_id(r.nomination_id).one(&txn).await? {
        Some(n) => format!("nomination:{}", n.uuid),
        None => format!("review:{}", r.id),
    };
    audit::record(&txn, now, Some(actor), AuditAction::ReviewCommentHide, &subject, Some(serde_json::json!({ "review": r.id, "hidden": !hidden })), Some(serde_json::json!({ "review": r.id, "hidden": hidden })))
        .await?;
    txn.commit().await?;
    admin_view(&s.db, &e.year.to_string(), now).await
}

/// A champion's or winner's feedback (see [`crate::review::feedback`]); None for other
/// projects. The caller decides whether the results may be seen.
pub async fn feedback_for(db: &impl ConnectionTrait, e: &edition::Model, n: &nomination::Model) -> Result<Option<Feedback>, AppError> {
    let champions: Vec<champion::Model> = included_champions(db, e.id).await?.into_iter().filter(|c| c.category_id == n.category_id).collect();
    if !champions.iter().any(|c| c.nomination_id == n.id) {
        return Ok(None);
    }
    let ids: Vec<i32> = champions.iter().map(|c| c.nomination_id).collect();
    let reviews = review::Entity::find().filter(review::Column::EditionId.eq(e.id)).filter(review::Column::NominationId.is_in(ids.clone())).all(db).await?;
    // the champions' ids and public ids, not their texts
    let uuids: HashMap<i32, Uuid> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::Uuid])
        .filter(nomination::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let experts: HashMap<i32, Uuid> = account::Entity::find()
        .filter(account::Column::Id.is_in(reviews.iter().map(|r| r.expert_account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.uuid))
        .collect();
    let rubric = rubric_of(e);
    let refs: Vec<&review::Model> = reviews.iter().collect();
    let scores = submitted_scores(&rubric, &refs, |a| experts.get(&a).copied(), |c| uuids.get(&c).copied());
    let champion_uuids: Vec<Uuid> = uuids.values().copied().collect();
    let ranking = aggregate(&scores, &champion_uuids, rubric.normalise);
    let comments: Vec<(String, bool)> =
        reviews.iter().filter(|r| r.nomination_id == n.id && r.status == ReviewStatus::Submitted).map(|r| (r.comment.clone(), r.comment_hidden)).collect();
    Ok(Some(crate::review::feedback(&ranking, n.uuid, &comments)))
}

/// Records an expert's conflict of interest for a champion; they can no longer score it.
pub async fn declare_conflict(s: &Services, expert: &account::Model, nominee: Uuid, reason: &str) -> Result<ReviewSheet, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::invalid("Please give the reason for the conflict of interest (up to 1000 characters); it is recorded."));
    }
    let (e, n, existing) = context(&s.db, expert, nominee).await?;
    let now = s.now();
    require_review_open(&e, now)?;
    let txn = s.db.begin().await?;
    match existing {
        Some(r) if r.status == ReviewStatus::Submitted => {
            let _ = txn.rollback().await;
            return Err(AppError::Conflict("Your scores for this champion are already submitted.".into()));
        }
        Some(r) if r.status == ReviewStatus::Conflict => {
            let _ = txn.rollback().await;
            return Err(AppError::Conflict("You already declared a conflict of interest for this champion.".into()));
        }
        Some(r) => {
            let mut am: review::ActiveModel = r.into();
            am.scores = Set("{}".into());
            am.status = Set(ReviewStatus::Conflict);
            am.conflict_reason = Set(Some(reason.to_string()));
            am.updated_at = Set(now);
            am.update(&txn).await?;
        }
        None => {
            review::ActiveModel {
                edition_id: Set(e.id),
                nomination_id: Set(n.id),
                expert_account_id: Set(expert.id),
                scores: Set("{}".into()),
                comment: Set(String::new()),
                conflict_reason: Set(Some(reason.to_string())),
                status: Set(ReviewStatus::Conflict),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    keep_revision(&txn, e.id, n.id, expert.id, "{}", reason, ReviewStatus::Conflict, now).await?;
    audit::record(&txn, now, Some(expert.id), AuditAction::ReviewConflict, &nominee.to_string(), None, Some(serde_json::json!({ "reason": reason })))
        .await?;
    txn.commit().await?;
    sheet(&s.db, expert, nominee, now).await
}
