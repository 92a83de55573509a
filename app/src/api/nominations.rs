//! Project submission and screening.
//!
//! The form fields arrive as plain strings so that a form posted without JavaScript works;
//! the ticked SDGs arrive as `sdgs[]` (each value may also be a comma-separated list).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use uuid::Uuid;
use wsis::nomination::{ScreeningQueue, SubmissionView, SubmissionWindow};
use wsis::AppError;

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<Option<Uuid>, AppError> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(id).map(Some).map_err(|_| AppError::NotFound("There is no submission with this id.".into()))
}

#[cfg(feature = "ssr")]
fn parse_year(year: &str) -> Result<Option<i32>, AppError> {
    let y = year.trim();
    if y.is_empty() {
        return Ok(None);
    }
    y.parse().map(Some).map_err(|_| AppError::Fields(vec![("year".into(), format!("“{y}” is not a year."))]))
}

/// Whether submission is open now, and the deadline (for the form page).
#[server(endpoint = "submission_window")]
pub async fn get_submission_window() -> Result<SubmissionWindow, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        wsis::db::nominations::submission_window(&s.db, chrono::Utc::now()).await
    })
    .await
}

#[cfg(feature = "ssr")]
macro_rules! nomination_input {
    ($category:ident, $title:ident, $short_description:ident, $action_line_linkage:ident, $sdgs:ident,
     $impact_qualitative:ident, $impact_quantitative:ident, $partnerships:ident, $challenges:ident,
     $organisation:ident, $stakeholder_type:ident, $country:ident, $region:ident, $website:ident, $contact:ident) => {
        wsis::nomination::NominationInput {
            category: $category,
            title: $title,
            short_description: $short_description,
            action_line_linkage: $action_line_linkage,
            sdgs: $sdgs,
            impact_qualitative: $impact_qualitative,
            impact_quantitative: $impact_quantitative,
            partnerships: $partnerships,
            challenges: $challenges,
            organisation: $organisation,
            stakeholder_type: $stakeholder_type,
            country: $country,
            region: $region,
            website: $website,
            contact: $contact,
        }
    };
}

/// Saves a draft (partial content allowed) in the edition whose submission phase is open.
/// `id` names an existing draft; empty creates one. With `intent=submit` (the form's
/// "Submit" button) it submits instead, like `submit_nomination`.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_draft")]
pub async fn save_draft(
    #[server(default)] id: String,
    #[server(default)] category: String,
    #[server(default)] title: String,
    #[server(default)] short_description: String,
    #[server(default)] action_line_linkage: String,
    #[server(default)] sdgs: Vec<String>,
    #[server(default)] impact_qualitative: String,
    #[server(default)] impact_quantitative: String,
    #[server(default)] partnerships: String,
    #[server(default)] challenges: String,
    #[server(default)] organisation: String,
    #[server(default)] stakeholder_type: String,
    #[server(default)] country: String,
    #[server(default)] region: String,
    #[server(default)] website: String,
    #[server(default)] contact: String,
    #[server(default)] intent: String,
) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        let input = nomination_input!(category, title, short_description, action_line_linkage, sdgs, impact_qualitative,
            impact_quantitative, partnerships, challenges, organisation, stakeholder_type, country, region, website, contact);
        let submit = intent.trim() == "submit";
        let v = wsis::db::nominations::save(&s, &me, parse_id(&id)?, &input, submit, chrono::Utc::now()).await?;
        let notice = if submit { "Your project is submitted. Thank you!" } else { "Draft saved." };
        done(Some(&format!("/submissions/{}", v.id)), Some(notice));
        Ok(v)
    })
    .await
}

/// Submits a project: every field rule and the eligibility rules must pass; each failing
/// field is named. `id` names an existing draft; empty submits a new project directly.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "submit_nomination")]
pub async fn submit_nomination(
    #[server(default)] id: String,
    #[server(default)] category: String,
    #[server(default)] title: String,
    #[server(default)] short_description: String,
    #[server(default)] action_line_linkage: String,
    #[server(default)] sdgs: Vec<String>,
    #[server(default)] impact_qualitative: String,
    #[server(default)] impact_quantitative: String,
    #[server(default)] partnerships: String,
    #[server(default)] challenges: String,
    #[server(default)] organisation: String,
    #[server(default)] stakeholder_type: String,
    #[server(default)] country: String,
    #[server(default)] region: String,
    #[server(default)] website: String,
    #[server(default)] contact: String,
) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        let input = nomination_input!(category, title, short_description, action_line_linkage, sdgs, impact_qualitative,
            impact_quantitative, partnerships, challenges, organisation, stakeholder_type, country, region, website, contact);
        let v = wsis::db::nominations::save(&s, &me, parse_id(&id)?, &input, true, chrono::Utc::now()).await?;
        done(Some(&format!("/submissions/{}", v.id)), Some("Your project is submitted. Thank you!"));
        Ok(v)
    })
    .await
}

#[server(endpoint = "my_submissions")]
pub async fn my_submissions() -> Result<Vec<SubmissionView>, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        wsis::db::nominations::my_submissions(&s.db, me.id, chrono::Utc::now()).await
    })
    .await
}

/// One project: its submitter sees it (drafts included); admins see submitted ones.
#[server(endpoint = "get_submission")]
pub async fn get_submission(id: String) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        let id = parse_id(&id)?.ok_or_else(|| AppError::NotFound("There is no submission with this id.".into()))?;
        let admin = wsis::account::roles_from_string(&me.roles).contains(&wsis::account::Role::Admin);
        wsis::db::nominations::get_submission(&s.db, &me, admin, id, chrono::Utc::now()).await
    })
    .await
}

/// The screening queue of an edition (default: the latest whose submission closed), per
/// category with counters and staged decisions.
#[server(endpoint = "admin_screening_queue")]
pub async fn admin_screening_queue(#[server(default)] year: String) -> Result<ScreeningQueue, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        wsis::db::nominations::screening_queue(&s.db, parse_year(&year)?, chrono::Utc::now()).await
    })
    .await
}

/// Stages a decision: `decision` is `nominee` or `rejected`; a rejection needs a standard
/// `reason` key or free `reason_text` (or both). Nothing is visible to the submitter yet.
#[server(endpoint = "admin_screen")]
pub async fn admin_screen(
    id: String,
    decision: String,
    #[server(default)] reason: String,
    #[server(default)] reason_text: String,
) -> Result<wsis::nomination::ScreeningItem, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let id = parse_id(&id)?.ok_or_else(|| AppError::NotFound("There is no submission with this id.".into()))?;
        let item = wsis::db::nominations::stage_decision(&s, me.id, id, &decision, &reason, &reason_text, chrono::Utc::now()).await?;
        done(None, Some("Decision staged. It stays hidden until the decisions are released."));
        Ok(item)
    })
    .await
}

/// Releases every staged decision of the edition at once and e-mails the submitters.
#[server(endpoint = "admin_release_decisions")]
pub async fn admin_release_decisions(#[server(default)] year: String) -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let n = wsis::db::nominations::release_decisions(&s, me.id, parse_year(&year)?, chrono::Utc::now()).await?;
        done(None, Some(&format!("{n} decisions released; the submitters are notified by e-mail.")));
        Ok(n)
    })
    .await
}

/// Corrects a released decision (audit-logged with before and after; the submitter is told).
#[server(endpoint = "admin_correct_decision")]
pub async fn admin_correct_decision(
    id: String,
    decision: String,
    #[server(default)] reason: String,
    #[server(default)] reason_text: String,
) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let s = services()?;
        let id = parse_id(&id)?.ok_or_else(|| AppError::NotFound("There is no submission with this id.".into()))?;
        let v = wsis::db::nominations::correct_decision(&s, me.id, id, &decision, &reason, &reason_text, chrono::Utc::now()).await?;
        done(None, Some("Decision corrected; the submitter is notified by e-mail."));
        Ok(v)
    })
    .await
}
