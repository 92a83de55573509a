//! Read side of categories and nominees: the public ballot.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::{category, edition, nomination};
use crate::category::{by_slug, CategorySummary, NomineeFilter, Searchable, CATEGORIES};
use crate::nomination::{excerpt, NominationStatus, NomineeCard, NomineeDetail, Region, StakeholderType};
use crate::AppError;

/// The statuses on the public ballot, as a filter of nomination queries.
pub const BALLOT_STATUSES: [NominationStatus; 3] = NominationStatus::ON_BALLOT;

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

impl nomination::Model {
    /// What the one search rule ([`NomineeFilter::matches`]) reads of the project.
    pub fn searchable(&self) -> Searchable<'_> {
        Searchable {
            title: &self.title,
            organisation: &self.organisation,
            country: &self.country,
            short_description: &self.short_description,
            region: self.region.0,
            stakeholder_type: self.stakeholder_type.0,
        }
    }

    pub fn card(&self) -> NomineeCard {
        NomineeCard {
            id: self.uuid,
            title: self.title.clone(),
            organisation: self.organisation.clone(),
            country: self.country.clone(),
            region: self.region.0.unwrap_or(Region::Europe),
            stakeholder_type: self.stakeholder_type.0.unwrap_or(StakeholderType::CivilSociety),
            excerpt: excerpt(&self.short_description, 40),
        }
    }

    pub async fn by_uuid(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<nomination::Model>, AppError> {
        Ok(nomination::Entity::find().filter(nomination::Column::Uuid.eq(id)).one(db).await?)
    }
}

/// The nominees on an edition's ballot (one category, or all) that pass the filter, by
/// category and title (never by votes, which stay hidden). The category page and the
/// public API search through here.
pub async fn search(db: &impl ConnectionTrait, edition_id: i32, category: Option<i32>, filter: &NomineeFilter) -> Result<Vec<nomination::Model>, AppError> {
    let mut q = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .order_by_asc(nomination::Column::CategoryId)
        .order_by_asc(nomination::Column::Title);
    if let Some(c) = category {
        q = q.filter(nomination::Column::CategoryId.eq(c));
    }
    Ok(q.all(db).await?.into_iter().filter(|n| filter.matches(n.searchable())).collect())
}

/// Nominees of one category, filtered, as cards.
pub async fn nominees(db: &impl ConnectionTrait, edition_id: i32, slug: &str, filter: &NomineeFilter) -> Result<Vec<NomineeCard>, AppError> {
    let cat = by_slug(slug).ok_or_else(AppError::no_category)?;
    Ok(search(db, edition_id, Some(cat.position as i32), filter).await?.iter().map(nomination::Model::card).collect())
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

/// A nominee on the ballot: drafts, submissions under screening and rejected projects are
/// not public and answer "not found" like an unknown id.
pub async fn ballot_nominee(db: &impl ConnectionTrait, id: Uuid) -> Result<nomination::Model, AppError> {
    nomination::Model::by_uuid(db, id).await?.filter(|n| n.status.on_ballot()).ok_or_else(AppError::no_nominee)
}

/// A nominee's public page.
pub async fn nominee_detail(db: &impl ConnectionTrait, id: Uuid) -> Result<NomineeDetail, AppError> {
    Ok(nominee_page(db, id).await?.0)
}

/// A nomination with its edition, in one query ("not found" for an unknown id).
pub async fn nomination_with_edition(db: &impl ConnectionTrait, id: Uuid) -> Result<(nomination::Model, edition::Model), AppError> {
    let (n, e) = nomination::Entity::find()
        .filter(nomination::Column::Uuid.eq(id))
        .find_also_related(edition::Entity)
        .one(db)
        .await?
        .ok_or_else(AppError::no_nominee)?;
    Ok((n, e.ok_or(AppError::Internal)?))
}

/// What a vote needs of its nominee: the few columns it stores or answers with, not the
/// project's long texts.
#[derive(Clone, Debug)]
pub struct VoteTarget {
    pub id: i32,
    pub uuid: Uuid,
    pub status: NominationStatus,
    pub category_id: i32,
    pub title: String,
}

/// A nominee's vote target with its edition, in one query: the edition's columns and five
/// of the nominee's (the vote path reads this on every vote).
pub async fn vote_target(db: &impl ConnectionTrait, id: Uuid) -> Result<(VoteTarget, edition::Model), AppError> {
    use sea_orm::{QueryTrait, RelationTrait};
    let query = edition::Entity::find()
        .join_rev(sea_orm::JoinType::InnerJoin, nomination::Relation::Edition.def())
        .column_as(nomination::Column::Id, "vt_id")
        .column_as(nomination::Column::Uuid, "vt_uuid")
        .column_as(nomination::Column::Status, "vt_status")
        .column_as(nomination::Column::CategoryId, "vt_category")
        .column_as(nomination::Column::Title, "vt_title")
        .filter(nomination::Column::Uuid.eq(id))
        .into_query();
    let row = db.query_one(&query).await?.ok_or_else(AppError::no_nominee)?;
    let target = VoteTarget {
        id: row.try_get("", "vt_id")?,
        uuid: row.try_get("", "vt_uuid")?,
        status: row.try_get("", "vt_status")?,
        category_id: row.try_get("", "vt_category")?,
        title: row.try_get("", "vt_title")?,
    };
    Ok((target, edition::Model::from_query_result(&row, "")?))
}

/// A nominee's public page with the edition it belongs to (read once, for both).
pub async fn nominee_page(db: &impl ConnectionTrait, id: Uuid) -> Result<(NomineeDetail, edition::Model), AppError> {
    let (n, e) = nomination_with_edition(db, id).await?;
    if !n.status.on_ballot() {
        return Err(AppError::no_nominee());
    }
    let c = category::Entity::find_by_id(n.category_id).one(db).await?.ok_or_else(AppError::no_nominee)?;
    let detail = NomineeDetail {
        id: n.uuid,
        edition_year: e.year,
        category_slug: c.slug,
        category_code: c.code,
        category_name: c.name,
        title: n.title.clone(),
        short_description: n.short_description.clone(),
        action_line_linkage: n.action_line_linkage.clone(),
        sdgs: n.sdgs.goals().to_vec(),
        impact_qualitative: n.impact_qualitative.clone(),
        impact_quantitative: n.impact_quantitative.clone(),
        partnerships: n.partnerships.clone(),
        challenges: n.challenges.clone(),
        organisation: n.organisation.clone(),
        country: n.country.clone(),
        region: n.region.0.unwrap_or(Region::Europe),
        stakeholder_type: n.stakeholder_type.0.unwrap_or(StakeholderType::CivilSociety),
        website: n.website.clone(),
        // Champion and winner statuses are results: shown only once released.
        status: NominationStatus::Nominee,
    };
    Ok((detail, e))
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
    let def = by_slug(slug).ok_or_else(AppError::no_category)?;
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
