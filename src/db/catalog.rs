//! Read side of editions, categories and nominees.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::{category, edition, nomination};
use crate::category::{by_slug, CategorySummary, NomineeFilter, CATEGORIES};
use crate::edition::{EditionRules, EditionView};
use crate::nomination::{excerpt, NominationStatus, NomineeCard, NomineeDetail, Region, StakeholderType};
use crate::phase::{Schedule, Window};
use crate::AppError;

pub const BALLOT_STATUSES: [&str; 3] = ["nominee", "champion", "winner"];

pub fn edition_view(e: &edition::Model) -> EditionView {
    EditionView {
        id: e.uuid,
        year: e.year,
        title: e.title.clone(),
        schedule: Schedule {
            submission: Window { opens: e.submission_opens, closes: e.submission_closes },
            screening: Window { opens: e.screening_opens, closes: e.screening_closes },
            voting: Window { opens: e.voting_opens, closes: e.voting_closes },
            review: Window { opens: e.review_opens, closes: e.review_closes },
            announcement: e.announcement_at,
        },
        rules: EditionRules {
            champions_per_category: u32::try_from(e.champions_per_category).unwrap_or(0),
            complete_ballot: e.complete_ballot,
            submissions_per_entity: u32::try_from(e.submissions_per_entity).unwrap_or(0),
            max_winners_per_category: u32::try_from(e.max_winners_per_category).unwrap_or(0),
            experts_see_scores: e.experts_see_scores,
            publish_vote_counts: e.publish_vote_counts,
            friction_votes_per_address: u32::try_from(e.friction_votes_per_address).unwrap_or(1),
            friction_votes_per_network: u32::try_from(e.friction_votes_per_network).unwrap_or(1),
            friction_sign_ins_per_address: u32::try_from(e.friction_sign_ins_per_address).unwrap_or(1),
        },
        results_released_at: e.results_released_at,
        is_current: e.is_current,
    }
}

/// The edition shown on the home page: the one marked current, else the latest.
pub async fn current_edition(db: &impl ConnectionTrait) -> Result<Option<edition::Model>, AppError> {
    if let Some(e) = edition::Entity::find().filter(edition::Column::IsCurrent.eq(true)).one(db).await? {
        return Ok(Some(e));
    }
    Ok(edition::Entity::find().order_by_desc(edition::Column::Year).one(db).await?)
}

pub async fn edition_by_year(db: &impl ConnectionTrait, year: i32) -> Result<Option<edition::Model>, AppError> {
    Ok(edition::Entity::find().filter(edition::Column::Year.eq(year)).one(db).await?)
}

pub async fn editions(db: &impl ConnectionTrait) -> Result<Vec<edition::Model>, AppError> {
    Ok(edition::Entity::find().order_by_desc(edition::Column::Year).all(db).await?)
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    category_id: i32,
    n: i64,
}

pub async fn category_summaries(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<CategorySummary>, AppError> {
    let rows = nomination::Entity::find()
        .select_only()
        .column(nomination::Column::CategoryId)
        .column_as(Expr::col(nomination::Column::Id).count(), "n")
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .group_by(nomination::Column::CategoryId)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let counts: HashMap<i32, i64> = rows.into_iter().map(|r| (r.category_id, r.n)).collect();
    Ok(CATEGORIES
        .iter()
        .map(|c| CategorySummary {
            slug: c.slug.into(),
            code: c.code.into(),
            action_line: c.action_line.into(),
            name: c.name.into(),
            nominees: counts.get(&(c.position as i32)).copied().map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        })
        .collect())
}

pub fn card(n: &nomination::Model) -> NomineeCard {
    NomineeCard {
        id: n.uuid,
        title: n.title.clone(),
        organisation: n.organisation.clone(),
        country: n.country.clone(),
        region: Region::parse(&n.region).unwrap_or(Region::Europe),
        stakeholder_type: StakeholderType::parse(&n.stakeholder_type).unwrap_or(StakeholderType::CivilSociety),
        excerpt: excerpt(&n.short_description, 40),
    }
}

/// Nominees of one category, filtered; sorted by title (never by votes, which stay hidden).
pub async fn nominees(
    db: &impl ConnectionTrait,
    edition_id: i32,
    slug: &str,
    filter: &NomineeFilter,
) -> Result<Vec<NomineeCard>, AppError> {
    let cat = by_slug(slug).ok_or_else(|| AppError::NotFound("There is no such category.".into()))?;
    let mut q = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::CategoryId.eq(cat.position as i32))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .order_by_asc(nomination::Column::Title);
    if let Some(r) = Region::parse(filter.region.trim()) {
        q = q.filter(nomination::Column::Region.eq(r.key()));
    }
    if let Some(t) = StakeholderType::parse(filter.stakeholder.trim()) {
        q = q.filter(nomination::Column::StakeholderType.eq(t.key()));
    }
    if !filter.country.trim().is_empty() {
        q = q.filter(nomination::Column::Country.eq(filter.country.trim()));
    }
    let rows = q.all(db).await?;
    let needle = filter.q.trim().to_lowercase();
    Ok(rows
        .iter()
        .filter(|n| {
            needle.is_empty()
                || n.title.to_lowercase().contains(&needle)
                || n.organisation.to_lowercase().contains(&needle)
                || n.short_description.to_lowercase().contains(&needle)
                || n.country.to_lowercase().contains(&needle)
        })
        .map(card)
        .collect())
}

/// Countries present among a category's nominees, for the filter's choices.
pub async fn nominee_countries(db: &impl ConnectionTrait, edition_id: i32, category_id: i32) -> Result<Vec<String>, AppError> {
    let mut v: Vec<String> = nomination::Entity::find()
        .select_only()
        .column(nomination::Column::Country)
        .distinct()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::CategoryId.eq(category_id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .into_tuple()
        .all(db)
        .await?;
    v.sort();
    Ok(v)
}

pub async fn nomination_by_uuid(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<nomination::Model>, AppError> {
    Ok(nomination::Entity::find().filter(nomination::Column::Uuid.eq(id)).one(db).await?)
}

/// A nominee's public page. Drafts, submissions under screening and rejected projects are
/// not public: they answer "not found" like an unknown id.
pub async fn nominee_detail(db: &impl ConnectionTrait, id: Uuid) -> Result<NomineeDetail, AppError> {
    let not_found = || AppError::NotFound("There is no nominee with this id.".into());
    let n = nomination_by_uuid(db, id).await?.ok_or_else(not_found)?;
    let status = NominationStatus::parse(&n.status).ok_or_else(not_found)?;
    if !status.on_ballot() {
        return Err(not_found());
    }
    let e = edition::Entity::find_by_id(n.edition_id).one(db).await?.ok_or_else(not_found)?;
    let c = category::Entity::find_by_id(n.category_id).one(db).await?.ok_or_else(not_found)?;
    Ok(NomineeDetail {
        id: n.uuid,
        edition_year: e.year,
        category_slug: c.slug,
        category_code: c.code,
        category_name: c.name,
        title: n.title.clone(),
        short_description: n.short_description.clone(),
        action_line_linkage: n.action_line_linkage.clone(),
        sdgs: crate::nomination::parse_sdgs(&n.sdgs).unwrap_or_default(),
        impact_qualitative: n.impact_qualitative.clone(),
        impact_quantitative: n.impact_quantitative.clone(),
        partnerships: n.partnerships.clone(),
        challenges: n.challenges.clone(),
        organisation: n.organisation.clone(),
        country: n.country.clone(),
        region: Region::parse(&n.region).unwrap_or(Region::Europe),
        stakeholder_type: StakeholderType::parse(&n.stakeholder_type).unwrap_or(StakeholderType::CivilSociety),
        website: n.website.clone(),
        // Champion and winner statuses are results: shown only once released.
        status: NominationStatus::Nominee,
    })
}

/// A category's public listing without filters: what its page shows first.
#[derive(Debug, Clone)]
pub struct Listing {
    pub summary: CategorySummary,
    pub nominees: Vec<NomineeCard>,
    pub countries: Vec<String>,
}

/// Reads a category's unfiltered listing (for [`super::ListingCache`]).
pub async fn listing(db: &impl ConnectionTrait, edition_id: i32, slug: &str) -> Result<Listing, AppError> {
    let not_found = || AppError::NotFound("There is no such category.".into());
    let def = by_slug(slug).ok_or_else(not_found)?;
    let nominees = nominees(db, edition_id, def.slug, &NomineeFilter::default()).await?;
    // the unfiltered list is the category's ballot: its length is the summary's count
    let summary = CategorySummary {
        slug: def.slug.into(),
        code: def.code.into(),
        action_line: def.action_line.into(),
        name: def.name.into(),
        nominees: nominees.len() as u64,
    };
    let countries = nominee_countries(db, edition_id, def.position as i32).await?;
    Ok(Listing { summary, nominees, countries })
}
