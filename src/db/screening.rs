//! Screening by the expert group (see [`crate::screening`]): admins name the screeners of
//! each category and spread the submitted projects over them; screeners give opinions in
//! the screening phase; the admin's view shows them beside the staged decision, which stays
//! the final word. One row per (project, screener), unique in the database.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::entity::{account, edition, nomination, screener, screening_opinion};
use super::{audit, Services};
use crate::account::Role;
use crate::audit::AuditAction;
use crate::category::CATEGORIES;
use crate::nomination::NominationStatus;
use crate::phase::{Milestone, PhaseKind};
use crate::screening::{Agreement, Assigned, CategoryProgress, OpinionForm, OpinionView, Project, QueueItem, Screener, ScreenerProgress, ScreenerQueue, ScreeningGroup, Verdict};
use crate::AppError;

fn code_of(position: i32) -> &'static str {
    CATEGORIES.iter().find(|c| c.position as i32 == position).map_or("", |c| c.code)
}

/// Screeners are named and projects spread until voting opens (the ballot is set then).
fn require_before_voting(e: &edition::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    e.view().require_before(Milestone::Opens(PhaseKind::Voting), now)
}

/// Names (`on`) or removes a screener of one category. The account needs the expert role;
/// a screener who already gave an opinion in the category stays (their opinions count).
pub async fn set_screener(s: &Services, actor: i32, year: Option<i32>, category_key: &str, email: &str, on: bool) -> Result<(), AppError> {
    let now = s.now();
    let e = edition_for(&s.db, year, now).await?;
    require_before_voting(&e, now)?;
    let c = super::review::category(category_key)?;
    let a = super::auth::find_by_email(&s.db, email)
        .await?
        .ok_or_else(|| AppError::invalid(format!("There is no account “{}”.", email.trim())))?;
    let target = format!("edition:{}:{}", e.year, c.code);
    if on {
        if !super::auth::roles_of(&s.db, a.id).await?.contains(&Role::Expert) {
            return Err(AppError::invalid(format!("{} does not have the expert role; grant it on the accounts page first.", a.email)));
        }
        let made = screener::Entity::insert(screener::ActiveModel {
            edition_id: Set(e.id),
            category_id: Set(c.position as i32),
            account_id: Set(a.id),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict(OnConflict::columns([screener::Column::EditionId, screener::Column::CategoryId, screener::Column::AccountId]).do_nothing().to_owned())
        .exec_without_returning(&s.db)
        .await?;
        if made == 0 {
            return Err(AppError::Conflict(format!("{} already screens {}.", a.email, c.code)));
        }
        audit::record(&s.db, now, Some(actor), AuditAction::ScreenerAssign, &target, None, Some(serde_json::json!({ "screener": a.email }))).await?;
    } else {
        let gone = screener::Entity::delete_many()
            .filter(screener::Column::EditionId.eq(e.id))
            .filter(screener::Column::CategoryId.eq(c.position as i32))
            .filter(screener::Column::AccountId.eq(a.id))
            .exec(&s.db)
            .await?
            .rows_affected;
        if gone == 0 {
            return Err(AppError::NotFound(format!("{} does not screen {}.", a.email, c.code)));
        }
        // the projects of the category waiting for this screener's opinion go back
        let in_category = nomination_ids(&s.db, e.id, Some(c.position as i32)).await?;
        screening_opinion::Entity::delete_many()
            .filter(screening_opinion::Column::AccountId.eq(a.id))
            .filter(screening_opinion::Column::GivenAt.is_null())
            .filter(screening_opinion::Column::NominationId.is_in(in_category))
            .exec(&s.db)
            .await?;
        audit::record(&s.db, now, Some(actor), AuditAction::ScreenerUnassign, &target, Some(serde_json::json!({ "screener": a.email })), None).await?;
    }
    Ok(())
}

async fn nomination_ids(db: &impl ConnectionTrait, edition_id: i32, category: Option<i32>) -> Result<Vec<i32>, AppError> {
    use sea_orm::QuerySelect;
    let mut q = nomination::Entity::find().select_only().column(nomination::Column::Id).filter(nomination::Column::EditionId.eq(edition_id));
    if let Some(c) = category {
        q = q.filter(nomination::Column::CategoryId.eq(c));
    }
    Ok(q.into_tuple().all(db).await?)
}

/// Spreads the submitted projects over the screeners (see [`crate::screening::auto_assign`]);
/// answers how many assignments it made. Running it again adds only what is missing; two
/// admins running it at once never assign a project twice to one screener (unique row).
pub async fn auto_assign(s: &Services, actor: Option<i32>, year: Option<i32>) -> Result<usize, AppError> {
    let now = s.now();
    let e = edition_for(&s.db, year, now).await?;
    e.view().require_after(Milestone::Closes(PhaseKind::Submission), now)?;
    e.view().require_before(Milestone::Closes(PhaseKind::Screening), now)?;
    let made = assign_missing(s, &e, None, now).await?;
    audit::record(&s.db, now, actor, AuditAction::ScreeningAutoAssign, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "assigned": made, "per_project": e.opinions_per_project })))
        .await?;
    Ok(made)
}

/// Assigns what is missing for every submitted project of the edition (or only `project`).
async fn assign_missing(s: &Services, e: &edition::Model, project: Option<i32>, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut q = nomination::Entity::find().filter(nomination::Column::EditionId.eq(e.id)).filter(nomination::Column::Status.eq(NominationStatus::Submitted));
    if let Some(p) = project {
        q = q.filter(nomination::Column::Id.eq(p));
    }
    let projects: Vec<Project> = q
        .all(&s.db)
        .await?
        .into_iter()
        .map(|n| Project { id: n.id, category: n.category_id, organisation: n.organisation, country: n.country })
        .collect();
    let rows = screener::Entity::find().filter(screener::Column::EditionId.eq(e.id)).all(&s.db).await?;
    let mut by_account: HashMap<i32, Vec<i32>> = HashMap::new();
    for r in &rows {
        by_account.entry(r.account_id).or_default().push(r.category_id);
    }
    let people = account::Entity::find().filter(account::Column::Id.is_in(by_account.keys().copied().collect::<Vec<_>>())).all(&s.db).await?;
    let screeners: Vec<Screener> = people
        .into_iter()
        .map(|a| Screener { categories: by_account.remove(&a.id).unwrap_or_default(), id: a.id, organisation: a.organisation, country: a.country })
        .collect();
    let existing: Vec<Assigned> = screening_opinion::Entity::find()
        .filter(screening_opinion::Column::EditionId.eq(e.id))
        .all(&s.db)
        .await?
        .into_iter()
        .map(|o| (o.nomination_id, o.account_id, o.verdict == Some(Verdict::Conflict)))
        .collect();
    let pairs = crate::screening::auto_assign(&projects, &screeners, &existing, e.opinions_per_project);
    let mut made = 0;
    for (p, a) in pairs {
        made += screening_opinion::Entity::insert(screening_opinion::ActiveModel {
            edition_id: Set(e.id),
            nomination_id: Set(p),
            account_id: Set(a),
            verdict: Set(None),
            reason: Set(None),
            comment: Set(String::new()),
            assigned_at: Set(now),
            given_at: Set(None),
            ..Default::default()
        })
        .on_conflict(OnConflict::columns([screening_opinion::Column::NominationId, screening_opinion::Column::AccountId]).do_nothing().to_owned())
        .exec_without_returning(&s.db)
        .await? as usize;
    }
    Ok(made)
}

/// The edition a screener works on: the one asked for, else the latest whose submission closed.
async fn edition_for(db: &impl ConnectionTrait, year: Option<i32>, now: DateTime<Utc>) -> Result<edition::Model, AppError> {
    super::nominations::screening_edition(db, year, now).await
}

fn view_of(o: &screening_opinion::Model, names: &HashMap<i32, String>) -> OpinionView {
    OpinionView {
        screener: names.get(&o.account_id).cloned().unwrap_or_default(),
        verdict: o.verdict,
        reason: o.reason.clone(),
        comment: o.comment.clone(),
        given_at: o.given_at,
    }
}

async fn names_of(db: &impl ConnectionTrait, ids: impl IntoIterator<Item = i32>) -> Result<HashMap<i32, String>, AppError> {
    let ids: Vec<i32> = ids.into_iter().collect();
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, if a.display_name.trim().is_empty() { a.email } else { format!("{} <{}>", a.display_name, a.email) }))
        .collect())
}

/// A screener's queue: the projects assigned to them, their own opinion, and the others'
/// opinions only on the projects they already gave theirs on.
pub async fn queue(s: &Services, me: &account::Model, year: Option<i32>) -> Result<ScreenerQueue, AppError> {
    let now = s.now();
    let e = edition_for(&s.db, year, now).await?;
    let mine = screening_opinion::Entity::find()
        .filter(screening_opinion::Column::EditionId.eq(e.id))
        .filter(screening_opinion::Column::AccountId.eq(me.id))
        .order_by_asc(screening_opinion::Column::Id)
        .all(&s.db)
        .await?;
    let ids: Vec<i32> = mine.iter().map(|o| o.nomination_id).collect();
    let projects: HashMap<i32, nomination::Model> = nomination::Entity::find().filter(nomination::Column::Id.is_in(ids.clone())).all(&s.db).await?.into_iter().map(|n| (n.id, n)).collect();
    let seen: Vec<i32> = mine.iter().filter(|o| o.verdict.is_some()).map(|o| o.nomination_id).collect();
    let others = screening_opinion::Entity::find()
        .filter(screening_opinion::Column::NominationId.is_in(seen))
        .filter(screening_opinion::Column::AccountId.ne(me.id))
        .filter(screening_opinion::Column::GivenAt.is_not_null())
        .all(&s.db)
        .await?;
    let names = names_of(&s.db, others.iter().map(|o| o.account_id).chain([me.id])).await?;
    let mut items: Vec<QueueItem> = mine
        .iter()
        .filter_map(|o| {
            let n = projects.get(&o.nomination_id)?;
            Some(QueueItem {
                submission: super::nominations::screener_view(n, &e, now),
                category: code_of(n.category_id).to_string(),
                mine: Some(view_of(o, &names)),
                others: if o.verdict.is_some() { others.iter().filter(|x| x.nomination_id == o.nomination_id).map(|x| view_of(x, &names)).collect() } else { Vec::new() },
            })
        })
        .collect();
    // what is left first, then by category and title
    items.sort_by(|a, b| {
        let left = |i: &QueueItem| i.mine.as_ref().is_some_and(|m| m.verdict.is_some());
        (left(a), &a.category, &a.submission.input.title).cmp(&(left(b), &b.category, &b.submission.input.title))
    });
    Ok(ScreenerQueue {
        edition_year: e.year,
        open: e.view().require_open(PhaseKind::Screening, now).is_ok(),
        closes: e.screening_closes,
        given: mine.iter().filter(|o| o.verdict.is_some()).count() as u32,
        items,
    })
}

/// Gives (or changes) a screener's opinion on a project assigned to them, while the
/// screening phase is open. A declared conflict hands the project to another screener at
/// once, when one is left.
pub async fn give(s: &Services, me: &account::Model, project: Uuid, form: &OpinionForm) -> Result<(), AppError> {
    let now = s.now();
    let opinion = form.parse().map_err(AppError::Fields)?;
    let n = nomination::Model::by_uuid(&s.db, project).await?.ok_or_else(not_yours)?;
    let row = screening_opinion::Entity::find()
        .filter(screening_opinion::Column::NominationId.eq(n.id))
        .filter(screening_opinion::Column::AccountId.eq(me.id))
        .one(&s.db)
        .await?
        .ok_or_else(not_yours)?;
    let e = edition::Entity::find_by_id(n.edition_id).one(&s.db).await?.ok_or(AppError::Internal)?;
    e.view().require_open(PhaseKind::Screening, now)?;
    if n.status != NominationStatus::Submitted {
        return Err(AppError::Conflict("The decision on this project was already released.".into()));
    }
    let before = row.verdict.map(|v| serde_json::json!({ "verdict": v.key() }));
    let mut am = row.into_active_model();
    am.verdict = Set(Some(opinion.verdict));
    am.reason = Set(opinion.reason);
    am.comment = Set(opinion.comment);
    am.given_at = Set(Some(now));
    am.update(&s.db).await?;
    audit::record(&s.db, now, Some(me.id), AuditAction::ScreeningOpinion, &format!("nomination:{}", n.uuid), before, Some(serde_json::json!({ "verdict": opinion.verdict.key() })))
        .await?;
    if opinion.verdict == Verdict::Conflict {
        assign_missing(s, &e, Some(n.id), now).await?;
    }
    Ok(())
}

fn not_yours() -> AppError {
    AppError::NotFound("This project is not in your screening queue.".into())
}

/// The opinions on each project of an edition, by project id, with their agreement.
pub async fn opinions_by_project(db: &impl ConnectionTrait, edition_id: i32, projects: &[i32]) -> Result<HashMap<i32, (Vec<OpinionView>, Agreement)>, AppError> {
    let rows = screening_opinion::Entity::find()
        .filter(screening_opinion::Column::EditionId.eq(edition_id))
        .filter(screening_opinion::Column::NominationId.is_in(projects.to_vec()))
        .order_by_asc(screening_opinion::Column::Id)
        .all(db)
        .await?;
    let names = names_of(db, rows.iter().map(|o| o.account_id)).await?;
    let mut out: HashMap<i32, (Vec<OpinionView>, Agreement)> = HashMap::new();
    for o in &rows {
        out.entry(o.nomination_id).or_default().0.push(view_of(o, &names));
    }
    for (views, agreement) in out.values_mut() {
        *agreement = Agreement::of(views.iter().map(|v| v.verdict));
    }
    Ok(out)
}

/// The expert group's screening of an edition, as admins see it: screeners with their
/// categories and progress, and each category's progress.
pub async fn group(s: &Services, year: Option<i32>) -> Result<ScreeningGroup, AppError> {
    let e = edition_for(&s.db, year, s.now()).await?;
    let rows = screener::Entity::find().filter(screener::Column::EditionId.eq(e.id)).order_by_asc(screener::Column::Id).all(&s.db).await?;
    let opinions = screening_opinion::Entity::find().filter(screening_opinion::Column::EditionId.eq(e.id)).all(&s.db).await?;
    let mut ids: Vec<i32> = rows.iter().map(|r| r.account_id).chain(opinions.iter().map(|o| o.account_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = account::Entity::find().filter(account::Column::Id.is_in(ids.clone())).all(&s.db).await?;
    let category_of: HashMap<i32, i32> = {
        use sea_orm::QuerySelect;
        nomination::Entity::find()
            .select_only()
            .columns([nomination::Column::Id, nomination::Column::CategoryId])
            .filter(nomination::Column::EditionId.eq(e.id))
            .into_tuple::<(i32, i32)>()
            .all(&s.db)
            .await?
            .into_iter()
            .collect()
    };
    let submitted: Vec<i32> = {
        use sea_orm::QuerySelect;
        nomination::Entity::find()
            .select_only()
            .column(nomination::Column::CategoryId)
            .filter(nomination::Column::EditionId.eq(e.id))
            .filter(nomination::Column::Status.ne(NominationStatus::Draft))
            .into_tuple()
            .all(&s.db)
            .await?
    };
    let screeners = people
        .iter()
        .map(|a| {
            let mine: Vec<&screening_opinion::Model> = opinions.iter().filter(|o| o.account_id == a.id).collect();
            ScreenerProgress {
                account: a.uuid,
                email: a.email.clone(),
                name: a.display_name.clone(),
                categories: rows.iter().filter(|r| r.account_id == a.id).map(|r| code_of(r.category_id).to_string()).collect(),
                assigned: mine.len() as u32,
                given: mine.iter().filter(|o| o.verdict.is_some_and(|v| v != Verdict::Conflict)).count() as u32,
                conflicts: mine.iter().filter(|o| o.verdict == Some(Verdict::Conflict)).count() as u32,
            }
        })
        .collect();
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let p = c.position as i32;
            let here: Vec<&screening_opinion::Model> = opinions.iter().filter(|o| category_of.get(&o.nomination_id) == Some(&p)).collect();
            CategoryProgress {
                code: c.code.to_string(),
                slug: c.slug.to_string(),
                screeners: rows.iter().filter(|r| r.category_id == p).count() as u32,
                projects: submitted.iter().filter(|x| **x == p).count() as u32,
                assigned: here.iter().filter(|o| o.verdict != Some(Verdict::Conflict)).count() as u32,
                given: here.iter().filter(|o| o.verdict.is_some_and(|v| v != Verdict::Conflict)).count() as u32,
            }
        })
        .collect();
    Ok(ScreeningGroup { edition_year: e.year, opinions_per_project: e.opinions_per_project, screeners, categories })
}
