//! Expert review: the secretariat forms the expert group, edits the rubric and chooses
//! winners; experts score the champions of their categories. Every call checks the role,
//! the expert's category, and the review phase on the server; all changes are audit-logged.

use std::collections::BTreeMap;

use leptos::prelude::*;
use uuid::Uuid;
use wsis::review::{ExpertHome, ReviewAdmin, ReviewSheet};
use wsis::AppError;

/// The review of an edition (`year`; empty: the current edition) as admins see it: the
/// rubric, the expert group and its progress, and the ranking per category.
#[server(endpoint = "admin_review")]
pub async fn admin_review(#[server(default)] year: String) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        wsis::db::review::admin_view(&services()?.db, &year, now()).await
    })
    .await
}

/// Replaces the rubric: one criterion per line, `label | weight | min-max`. Refused once a
/// score has been saved.
#[server(endpoint = "admin_set_rubric")]
pub async fn set_rubric(#[server(default)] year: String, criteria: String, #[server(default)] normalise: bool) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let v = wsis::db::review::set_rubric(&services()?, me.id, &year, &criteria, normalise).await?;
        done(None, Some("Rubric saved."));
        Ok(v)
    })
    .await
}

/// Adds an expert (by e-mail; the account needs the expert role) to a category's group.
#[server(endpoint = "admin_assign_expert")]
pub async fn assign_expert(#[server(default)] year: String, category: String, email: String) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let v = wsis::db::review::assign(&services()?, me.id, &year, &category, &email).await?;
        done(None, Some("Expert added to the group."));
        Ok(v)
    })
    .await
}

#[server(endpoint = "admin_unassign_expert")]
pub async fn unassign_expert(#[server(default)] year: String, category: String, email: String) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let v = wsis::db::review::unassign(&services()?, me.id, &year, &category, &email).await?;
        done(None, Some("Expert removed from the group."));
        Ok(v)
    })
    .await
}

/// Stages the winners of a category (`winners[i]` = nominee ids; none is allowed). A choice
/// other than the top of the ranking needs a `reason`, which is recorded.
#[server(endpoint = "admin_select_winners")]
pub async fn select_winners(
    #[server(default)] year: String,
    category: String,
    #[server(default)] winners: Vec<String>,
    #[server(default)] reason: String,
) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let mut ids = Vec::new();
        for w in winners.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
            ids.push(Uuid::parse_str(w).map_err(|_| AppError::invalid(format!("“{w}” is not a nominee id.")))?);
        }
        let v = wsis::db::review::select_winners(&services()?, me.id, &year, &category, &ids, &reason).await?;
        done(None, Some("Winners staged; they are published with the results."));
        Ok(v)
    })
    .await
}

/// The champions the signed-in expert reviews, by category.
#[server(endpoint = "expert_reviews")]
pub async fn expert_reviews() -> Result<ExpertHome, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        wsis::db::review::expert_home(&services()?.db, &me, now()).await
    })
    .await
}

/// One champion's full submission with the expert's review form.
#[server(endpoint = "expert_review_sheet")]
pub async fn get_review_sheet(nominee: Uuid) -> Result<ReviewSheet, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        wsis::db::review::sheet(&services()?.db, &me, nominee, now()).await
    })
    .await
}

/// Saves scores (`scores[criterion-key]`) and a comment as a draft, or with `submit=true`
/// as the final review (every criterion and the comment then required).
#[server(endpoint = "expert_save_review")]
pub async fn save_review(
    nominee: Uuid,
    #[server(default)] scores: BTreeMap<String, String>,
    #[server(default)] comment: String,
    #[server(default)] submit: bool,
) -> Result<ReviewSheet, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        let v = wsis::db::review::save(&services()?, &me, nominee, &scores, &comment, submit).await?;
        done(None, Some(if submit { "Review submitted." } else { "Draft saved." }));
        Ok(v)
    })
    .await
}

/// Declares a conflict of interest (with a reason): the expert then cannot score the champion.
#[server(endpoint = "expert_declare_conflict")]
pub async fn declare_conflict(nominee: Uuid, reason: String) -> Result<ReviewSheet, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        let v = wsis::db::review::declare_conflict(&services()?, &me, nominee, &reason).await?;
        done(None, Some("Conflict of interest recorded."));
        Ok(v)
    })
    .await
}

/// Records the expert group's deliberation notes on a category (until the results are
/// released; audit-logged).
#[server(endpoint = "admin_deliberation_notes")]
pub async fn deliberation_notes(#[server(default)] year: String, category: String, #[server(default)] notes: String) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let v = wsis::db::review::set_notes(&services()?, me.id, &year, &category, &notes).await?;
        done(None, Some("Deliberation notes saved."));
        Ok(v)
    })
    .await
}

/// Keeps an expert's comment from the team's feedback, or gives it back (`hidden`:
/// `true`/`false`; admins; before or after the release; audit-logged when it changes).
#[server(endpoint = "admin_hide_comment")]
pub async fn hide_comment(review: String, hidden: bool) -> Result<ReviewAdmin, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let id: i32 = review.trim().parse().map_err(|_| AppError::NotFound("There is no such review.".into()))?;
        let v = wsis::db::review::hide_comment(&services()?, me.id, id, hidden).await?;
        done(None, Some(if hidden { "The comment is kept from the team's feedback." } else { "The comment will reach the team." }));
        Ok(v)
    })
    .await
}
