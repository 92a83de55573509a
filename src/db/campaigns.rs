//! Campaign links of nominees (see [`crate::campaign`]): made by the nominee's team,
//! counted by the vote audit.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entity::{account, campaign, nomination, vote};
use super::Services;
use crate::campaign::{flags, parse_code, sort_lines, CampaignCounts, CampaignLine, CampaignLink, MAX_PER_NOMINEE, NEW_ACCOUNT_HOURS, SHARED_ORIGIN_ACCOUNTS};
use crate::category::CATEGORIES;
use crate::phase::PhaseKind;
use crate::AppError;

/// The campaign `code` of a nomination, if it has one.
pub async fn id_of(db: &impl ConnectionTrait, nomination_id: i32, code: &str) -> Result<Option<i32>, AppError> {
    Ok(campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Id)
        .filter(campaign::Column::NominationId.eq(nomination_id))
        .filter(campaign::Column::Code.eq(code))
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

fn link(public_url: &str, nominee: Uuid, c: &campaign::Model) -> CampaignLink {
    CampaignLink {
        id: c.uuid,
        code: c.code.clone(),
        label: c.label.clone(),
        created_at: c.created_at,
        url: format!("{public_url}/nominees/{nominee}?via={}", c.code),
    }
}

/// The nominee `id` when `who` submitted it (its team); refused otherwise, in the same
/// words whether the nominee exists or not.
async fn own_nominee(db: &impl ConnectionTrait, who: &account::Model, id: Uuid) -> Result<(nomination::Model, super::entity::edition::Model), AppError> {
    let not_yours = || AppError::forbidden("Only the team that submitted this project can manage its campaign links.");
    let (n, e) = super::catalog::nomination_with_edition(db, id).await.map_err(|_| not_yours())?;
    if n.account_id != Some(who.id) {
        return Err(not_yours());
    }
    Ok((n, e))
}

/// The campaign links of a nominee, for its team: links only, never counts.
pub async fn links(s: &Services, who: &account::Model, nominee: Uuid) -> Result<Vec<CampaignLink>, AppError> {
    let (n, _) = own_nominee(&s.db, who, nominee).await?;
    let rows = campaign::Entity::find().filter(campaign::Column::NominationId.eq(n.id)).order_by_asc(campaign::Column::Code).all(&s.db).await?;
    Ok(rows.iter().map(|c| link(&s.config.public_url, n.uuid, c)).collect())
}

/// Makes a campaign link for a nominee on the ballot, until its voting closes.
pub async fn create(s: &Services, who: &account::Model, nominee: Uuid, code: &str, label: &str) -> Result<CampaignLink, AppError> {
    let (n, e) = own_nominee(&s.db, who, nominee).await?;
    let code = parse_code(code).map_err(|m| AppError::Fields(vec![("code".into(), m)]))?;
    let label = crate::account::check_text("Label", label, false, 100).map_err(|m| AppError::Fields(vec![("label".into(), m)]))?;
    if !n.status.on_ballot() {
        return Err(AppError::invalid("Campaign links are for nominees: this project is not on the ballot."));
    }
    if s.now() >= e.view().schedule.window(PhaseKind::Voting).closes {
        return Err(AppError::Closed("Voting is over: campaign links can no longer be made.".into()));
    }
    let too_many = || AppError::invalid(format!("A nominee can have at most {MAX_PER_NOMINEE} campaign links."));
    let count = || campaign::Entity::find().filter(campaign::Column::NominationId.eq(n.id)).count(&s.db);
    if count().await? >= MAX_PER_NOMINEE as u64 {
        return Err(too_many());
    }
    let made = campaign::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        nomination_id: Set(n.id),
        code: Set(code.clone()),
        label: Set(label),
        created_by: Set(who.id),
        created_at: Set(s.now()),
        ..Default::default()
    }
    .insert(&s.db)
    .await;
    match made {
        Ok(c) => {
            // parallel requests may all have seen room for one more: past the limit, the
            // link just made goes again
            if count().await? > MAX_PER_NOMINEE as u64 {
                campaign::Entity::delete_by_id(c.id).exec(&s.db).await?;
                return Err(too_many());
            }
            Ok(link(&s.config.public_url, n.uuid, &c))
        }
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::Fields(vec![("code".into(), format!("This nominee already has a campaign link “{code}”."))]))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every campaign of an edition with the votes that came through it and how many of
/// those look farmed, flagged ones first (admins).
pub async fn audit_lines(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<CampaignLine>, AppError> {
    let rows: Vec<(i32, i32, DateTime<Utc>, String)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::CampaignId, vote::Column::AccountId, vote::Column::CastAt, vote::Column::OriginHash])
        .filter(vote::Column::EditionId.eq(edition_id))
        .filter(vote::Column::CampaignId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let accounts: HashSet<i32> = rows.iter().map(|r| r.1).collect();
    let mut created: HashMap<i32, DateTime<Utc>> = HashMap::new();
    for chunk in accounts.into_iter().collect::<Vec<_>>().chunks(500) {
        // an account is as old as its proven address: an address claimed by a code
        // yesterday is new, whenever somebody first signed it up
        let found: Vec<(i32, DateTime<Utc>, Option<DateTime<Utc>>)> = account::Entity::find()
            .select_only()
            .columns([account::Column::Id, account::Column::CreatedAt, account::Column::ConfirmedAt])
            .filter(account::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        created.extend(found.into_iter().map(|(id, made, confirmed)| (id, confirmed.unwrap_or(made).max(made))));
    }
    // the voters of each campaign behind each origin
    let mut behind: HashMap<(i32, &str), HashSet<i32>> = HashMap::new();
    for (c, a, _, o) in &rows {
        behind.entry((*c, o.as_str())).or_default().insert(*a);
    }
    let mut counts: HashMap<i32, CampaignCounts> = HashMap::new();
    for (c, a, at, o) in &rows {
        let k = counts.entry(*c).or_default();
        k.votes += 1;
        if created.get(a).is_some_and(|made| *at - *made < Duration::hours(NEW_ACCOUNT_HOURS)) {
            k.from_new_accounts += 1;
        }
        if behind[&(*c, o.as_str())].len() >= SHARED_ORIGIN_ACCOUNTS {
            k.from_shared_origins += 1;
        }
    }
    let campaigns: Vec<(campaign::Model, Option<nomination::Model>)> = campaign::Entity::find()
        .find_also_related(nomination::Entity)
        .filter(nomination::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    let mut lines: Vec<CampaignLine> = campaigns
        .into_iter()
        .filter_map(|(c, n)| {
            let n = n?;
            let counts = counts.get(&c.id).copied().unwrap_or_default();
            Some(CampaignLine {
                nominee: n.uuid,
                title: n.title,
                category_code: CATEGORIES.iter().find(|k| k.position as i32 == n.category_id).map(|k| k.code.to_string()).unwrap_or_default(),
                code: c.code,
                label: c.label,
                flags: flags(&counts),
                counts,
            })
        })
        .collect();
    sort_lines(&mut lines);
    Ok(lines)
}
