//! Project submission and screening.
//!
//! The project form arrives as one struct (`input[title]`, `input[sdgs][]` …) of plain
//! strings so that a form posted without JavaScript works; the ticked SDGs arrive as
//! `input[sdgs][]` (each value may also be a comma-separated list).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use uuid::Uuid;
use wsis::nomination::{DecisionForm, DraftItem, ExtensionForm, NominationInput, ScreeningItem, ScreeningQueue, SubmissionView, SubmissionWindow};
use wsis::team::{InvitationView, TeamView};
use wsis::AppError;

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<Option<Uuid>, AppError> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(id).map(Some).map_err(|_| AppError::no_submission())
}

#[cfg(feature = "ssr")]
fn parse_year(year: &str) -> Result<Option<i32>, AppError> {
    let y = year.trim();
    if y.is_empty() {
        return Ok(None);
    }
    y.parse().map(Some).map_err(|_| AppError::Fields(vec![("year".into(), format!("“{y}” is not a year."))]))
}

/// What the viewer may see of an edition's results (a submitter's champion status).
#[cfg(feature = "ssr")]
fn results_visible(e: &wsis::db::entity::edition::Model) -> bool {
    wsis::db::results::access(e, crate::api::guard::viewer()).results
}

/// Whether submission is open now, and the deadline (for the form page).
#[server(endpoint = "submission_window")]
pub async fn get_submission_window() -> Result<SubmissionWindow, AppError> {
    use crate::api::guard::*;
    run(async move { wsis::db::nominations::submission_window(&services()?.db, now()).await }).await
}

#[cfg(feature = "ssr")]
async fn save_project(id: String, input: NominationInput, submit: bool) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    let me = require_confirmed()?;
    let s = services()?;
    let req = wsis::db::nominations::SaveProject { id: parse_id(&id)?, input: &input, submit };
    let v = wsis::db::nominations::save(&s, &me, req).await?;
    let notice = if submit { "Your project is submitted. Thank you!" } else { "Draft saved." };
    done(Some(&format!("/submissions/{}", v.id)), Some(notice));
    Ok(v)
}

/// Saves a draft (partial content allowed) in the edition whose submission phase is open.
/// `id` names an existing draft; empty creates one. With `intent=submit` (the form's
/// "Submit" button) it submits instead, like `submit_nomination`.
#[server(endpoint = "save_draft")]
pub async fn save_draft(#[server(default)] id: String, #[server(default)] intent: String, #[server(default)] input: NominationInput) -> Result<SubmissionView, AppError> {
    crate::api::guard::run(save_project(id, input, intent.trim() == "submit")).await
}

/// Submits a project: every field rule and the eligibility rules must pass; each failing
/// field is named. `id` names an existing draft; empty submits a new project directly.
#[server(endpoint = "submit_nomination")]
pub async fn submit_nomination(#[server(default)] id: String, #[server(default)] input: NominationInput) -> Result<SubmissionView, AppError> {
    crate::api::guard::run(save_project(id, input, true)).await
}

#[server(endpoint = "my_submissions")]
pub async fn my_submissions() -> Result<Vec<SubmissionView>, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        wsis::db::nominations::my_submissions(&services()?.db, me.id, now(), results_visible).await
    })
    .await
}

/// One project: its submitter sees it (drafts included); admins see submitted ones.
#[server(endpoint = "get_submission")]
pub async fn get_submission(id: String) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let admin = request().has(wsis::account::Role::Admin);
        wsis::db::nominations::get_submission(&services()?.db, &me, admin, id, now(), results_visible).await
    })
    .await
}

/// The screening queue of an edition (default: the latest whose submission closed): every
/// category's counters, and the submissions and staged decisions of one `category` (a slug;
/// default: the first with undecided submissions).
#[server(endpoint = "admin_screening_queue")]
pub async fn admin_screening_queue(#[server(default)] year: String, #[server(default)] category: String) -> Result<ScreeningQueue, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        wsis::db::nominations::screening_queue(&services()?.db, parse_year(&year)?, &category, now()).await
    })
    .await
}

/// Stages a decision: `input[decision]` is `nominee` or `rejected`; a rejection needs a
/// standard `input[reason]` key or free `input[reason_text]` (or both). Nothing is visible
/// to the submitter yet.
#[server(endpoint = "admin_screen")]
pub async fn admin_screen(id: String, #[server(default)] input: DecisionForm) -> Result<ScreeningItem, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let item = wsis::db::nominations::stage_decision(&services()?, me.id, id, &input).await?;
        done(None, Some("Decision staged. It stays hidden until the decisions are released."));
        Ok(item)
    })
    .await
}

/// Gives one draft a deadline of its own (admins; a reason; audit-logged; the team is
/// e-mailed): later than the edition's deadline, no later than screening closes.
#[server(endpoint = "admin_extend_deadline")]
pub async fn admin_extend_deadline(id: String, #[server(default)] input: ExtensionForm) -> Result<DraftItem, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let item = wsis::db::nominations::extend_deadline(&services()?, me.id, id, &input).await?;
        done(None, Some("Deadline extended; the team is told by e-mail."));
        Ok(item)
    })
    .await
}

/// Submits a draft as its team last saved it, when the team asks (admins; a reason;
/// audit-logged; every rule of a submission applies; the team is e-mailed).
#[server(endpoint = "admin_submit_on_behalf")]
pub async fn admin_submit_on_behalf(id: String, #[server(default)] reason: String) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let v = wsis::db::nominations::submit_on_behalf(&services()?, me.id, id, &reason).await?;
        done(None, Some("Submitted on the team's behalf; the team is told by e-mail."));
        Ok(v)
    })
    .await
}

/// Releases every staged decision of the edition at once and e-mails the submitters.
#[server(endpoint = "admin_release_decisions")]
pub async fn admin_release_decisions(#[server(default)] year: String) -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let n = wsis::db::nominations::release_decisions(&services()?, me.id, parse_year(&year)?).await?;
        done(None, Some(&format!("{n} decisions released; the submitters are notified by e-mail.")));
        Ok(n)
    })
    .await
}

/// Corrects a released decision (audit-logged with before and after; the submitter is told).
#[server(endpoint = "admin_correct_decision")]
pub async fn admin_correct_decision(id: String, #[server(default)] input: DecisionForm) -> Result<SubmissionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let v = wsis::db::nominations::correct_decision(&services()?, me.id, id, &input).await?;
        done(None, Some("Decision corrected; the submitter is notified by e-mail."));
        Ok(v)
    })
    .await
}

/// The campaign links of a nominee, for the team that submitted it (links, no counts).
#[server(endpoint = "my_campaigns")]
pub async fn my_campaigns(nominee: uuid::Uuid) -> Result<Vec<wsis::campaign::CampaignLink>, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        wsis::db::campaigns::links(&s, &me, nominee).await
    })
    .await
}

/// Makes a named campaign link (`?via=code`) for a nominee, until its voting closes.
#[server(endpoint = "create_campaign")]
pub async fn create_campaign(nominee: uuid::Uuid, code: String, #[server(default)] label: String) -> Result<wsis::campaign::CampaignLink, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let s = services()?;
        let made = wsis::db::campaigns::create(&s, &me, nominee, &code, &label).await?;
        done(None, Some("The campaign link is ready to share."));
        Ok(made)
    })
    .await
}

/// The expert group's screening of an edition: screeners with their categories and
/// progress, and each category's progress (admins).
#[server(endpoint = "admin_screening_group")]
pub async fn admin_screening_group(#[server(default)] year: String) -> Result<wsis::screening::ScreeningGroup, AppError> {
    use crate::api::guard::*;
    run(async move {
        require_role(wsis::account::Role::Admin)?;
        wsis::db::screening::group(&services()?, parse_year(&year)?).await
    })
    .await
}

/// Names (`on = true`) or removes a screener of a category (an account with the expert
/// role; audit-logged).
#[server(endpoint = "admin_set_screener")]
pub async fn admin_set_screener(#[server(default)] year: String, category: String, email: String, on: bool) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        wsis::db::screening::set_screener(&services()?, me.id, parse_year(&year)?, &category, &email, on).await?;
        done(None, Some(if on { "Screener added." } else { "Screener removed." }));
        Ok(())
    })
    .await
}

/// Spreads the submitted projects over the screeners: each gets the edition's number of
/// opinions where screeners without a conflict are left (audit-logged).
#[server(endpoint = "admin_auto_assign")]
pub async fn admin_auto_assign(#[server(default)] year: String) -> Result<usize, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let n = wsis::db::screening::auto_assign(&services()?, Some(me.id), parse_year(&year)?).await?;
        done(None, Some(&format!("{n} assignments made.")));
        Ok(n)
    })
    .await
}

/// A screener's queue (an expert's): the projects assigned to them and their opinions.
#[server(endpoint = "screener_queue")]
pub async fn screener_queue(#[server(default)] year: String) -> Result<wsis::screening::ScreenerQueue, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        wsis::db::screening::queue(&services()?, &me, parse_year(&year)?).await
    })
    .await
}

/// Gives (or changes) the screener's opinion on a project of their queue while the
/// screening phase is open: `input[verdict]` is `accept`, `reject` (with `input[reason]`
/// or a comment) or `conflict` (with a comment saying why).
#[server(endpoint = "give_opinion")]
pub async fn give_opinion(id: String, #[server(default)] input: wsis::screening::OpinionForm) -> Result<(), AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Expert)?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        wsis::db::screening::give(&services()?, &me, id, &input).await?;
        done(None, Some("Opinion saved."));
        Ok(())
    })
    .await
}

/// The owner invites an address to co-edit a draft (an e-mail with a link; at most
/// `wsis::team::MAX_EDITORS` on a team, `wsis::team::INVITATIONS_PER_DAY` a day).
#[server(endpoint = "team_invite")]
pub async fn team_invite(id: String, #[server(default)] email: String) -> Result<TeamView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let v = wsis::db::teams::invite(&services()?, &me, id, &email).await?;
        done(None, Some("Invitation sent."));
        Ok(v)
    })
    .await
}

/// The owner removes a co-editor or withdraws an invitation.
#[server(endpoint = "team_remove")]
pub async fn team_remove(id: String, #[server(default)] email: String) -> Result<TeamView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let v = wsis::db::teams::remove(&services()?, &me, id, &email).await?;
        done(None, Some("Removed from the project's team."));
        Ok(v)
    })
    .await
}

/// The owner hands the project over to a co-editor (audit-logged; the new owner is mailed).
#[server(endpoint = "team_transfer")]
pub async fn team_transfer(id: String, #[server(default)] email: String) -> Result<TeamView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let id = parse_id(&id)?.ok_or_else(AppError::no_submission)?;
        let v = wsis::db::teams::transfer(&services()?, &me, id, &email).await?;
        done(Some("/submissions"), Some("The project is handed over; you stay on its team."));
        Ok(v)
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_token(token: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(token.trim()).map_err(|_| AppError::NotFound("This invitation does not exist or was withdrawn.".into()))
}

/// An invitation, for an account of the invited address.
#[server(endpoint = "team_invitation")]
pub async fn team_invitation(token: String) -> Result<InvitationView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        wsis::db::teams::invitation(&services()?, &me, parse_token(&token)?).await
    })
    .await
}

/// Accepts an invitation: the account of the invited address joins the team.
#[server(endpoint = "team_accept")]
pub async fn team_accept(token: String) -> Result<InvitationView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_confirmed()?;
        let v = wsis::db::teams::accept(&services()?, &me, parse_token(&token)?).await?;
        done(v.project.map(|p| format!("/submissions/{p}")).as_deref(), Some("You are on the project's team."));
        Ok(v)
    })
    .await
}
