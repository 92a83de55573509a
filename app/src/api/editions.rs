//! Edition management for the secretariat: the dashboard, creating and cloning editions,
//! their schedule and rules, and which edition is current. Admins only; audit-logged.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wsis::edition::{EditionCounts, EditionDetail, EditionView, NextAction, RulesForm, ScheduleForm};
use wsis::AppError;

/// The current edition at a glance, and every edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub now: DateTime<Utc>,
    pub current: Option<EditionView>,
    pub counts: EditionCounts,
    pub next_action: Option<NextAction>,
    /// Set when the announcement instant has passed and the results still wait: why.
    pub release_waiting: Option<String>,
    /// Newest first.
    pub editions: Vec<EditionView>,
    /// The audit log's chain head: its last entry's place and hash (`wsis-server verify-log`
    /// checks the chain up to it).
    pub audit_head: (i64, String),
}

#[cfg(feature = "ssr")]
fn parse_year(year: &str) -> Result<i32, AppError> {
    year.trim().parse::<i32>().map_err(|_| AppError::not_an_edition(year))
}

#[server(endpoint = "admin_dashboard")]
pub async fn admin_dashboard() -> Result<DashboardData, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        require_role(Role::Admin)?;
        let s = services()?;
        let now = now();
        let current = wsis::db::entity::edition::Model::current(&s.db).await?;
        let (counts, next_action) = match &current {
            Some(e) => (wsis::db::editions::counts(&s.db, e.id).await?, Some(wsis::db::editions::next_action_for(e, now))),
            None => (EditionCounts::default(), None),
        };
        let editions = wsis::db::entity::edition::Model::all(&s.db).await?.iter().map(|e| e.view()).collect();
        let release_waiting = match &current {
            Some(e) if e.announcement_at <= now && e.results_released_at.is_none() => {
                wsis::db::results::release_blocker(&s.db, e).await?.map(|b| {
                    tr(&format!("The announcement instant has passed, but the results wait: {}", b.message()))
                })
            }
            _ => None,
        };
        let head = wsis::db::audit::head(&s.db).await?;
        Ok(DashboardData { now, current: current.as_ref().map(|e| e.view()), counts, next_action, release_waiting, editions, audit_head: (head.seq, head.hash) })
    })
    .await
}

/// Every edition, newest first.
#[server(endpoint = "admin_editions")]
pub async fn admin_editions() -> Result<Vec<EditionView>, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        require_role(Role::Admin)?;
        let s = services()?;
        Ok(wsis::db::entity::edition::Model::all(&s.db).await?.iter().map(|e| e.view()).collect())
    })
    .await
}

/// One edition with what the editor needs (champions computed, recent changes).
#[server(endpoint = "admin_edition")]
pub async fn admin_edition(year: String) -> Result<EditionDetail, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        require_role(Role::Admin)?;
        let s = services()?;
        wsis::db::editions::detail(&s.db, parse_year(&year)?, now()).await
    })
    .await
}

/// A new edition with a template schedule in its year and the default rules.
#[server(endpoint = "admin_create_edition")]
pub async fn create_edition(year: String, title: String) -> Result<EditionView, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        let me = require_role(Role::Admin)?;
        let s = services()?;
        let e = wsis::db::editions::create(&s, &me, &year, &title).await?;
        done(Some(&format!("/admin/editions/{}", e.year)), Some("Edition created. Set its schedule and rules."));
        Ok(e)
    })
    .await
}

/// A copy of an edition (`source`, a year; empty: the latest) one year later.
#[server(endpoint = "admin_clone_edition")]
pub async fn clone_edition(#[server(default)] source: String) -> Result<EditionView, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        let me = require_role(Role::Admin)?;
        let s = services()?;
        let source = match source.trim() {
            "" => None,
            y => Some(parse_year(y)?),
        };
        let e = wsis::db::editions::clone_edition(&s, &me, source).await?;
        done(Some(&format!("/admin/editions/{}", e.year)), Some("Edition cloned: check its schedule."));
        Ok(e)
    })
    .await
}

/// Sets the nine instants of an edition's schedule, given in Geneva time
/// (`input[voting_opens]=YYYY-MM-DDTHH:MM` …). A passed instant moves only with
/// `input[reopen]=true` and an `input[reason]`.
#[server(endpoint = "admin_set_schedule")]
pub async fn set_schedule(year: String, #[server(default)] input: ScheduleForm) -> Result<EditionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let e = wsis::db::editions::set_schedule(&services()?, &me, parse_year(&year)?, &input).await?;
        done(None, Some("Schedule saved."));
        Ok(e)
    })
    .await
}

/// Sets an edition's rules (`input[champions_per_category]` …). Check boxes that are not
/// sent count as unticked; an empty friction threshold keeps its value.
#[server(endpoint = "admin_set_rules")]
pub async fn set_rules(year: String, #[server(default)] input: RulesForm) -> Result<EditionView, AppError> {
    use crate::api::guard::*;
    run(async move {
        let me = require_role(wsis::account::Role::Admin)?;
        let e = wsis::db::editions::set_rules(&services()?, &me, parse_year(&year)?, &input).await?;
        done(None, Some("Rules saved."));
        Ok(e)
    })
    .await
}

/// Makes an edition the current one (the others stop being current).
#[server(endpoint = "admin_make_current")]
pub async fn make_current(year: String) -> Result<EditionView, AppError> {
    use crate::api::guard::*;
    use wsis::account::Role;
    run(async move {
        let me = require_role(Role::Admin)?;
        let s = services()?;
        let e = wsis::db::editions::make_current(&s, &me, parse_year(&year)?).await?;
        done(None, Some("This edition is now the current one."));
        Ok(e)
    })
    .await
}
