//! Public reads: the edition, its categories and nominees.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wsis::category::{CategorySummary, NomineeFilter};
use wsis::edition::EditionView;
use wsis::nomination::{NomineeCard, NomineeDetail};
use wsis::vote::BallotLine;
use wsis::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastEdition {
    pub year: i32,
    pub title: String,
    pub results_public: bool,
    /// "code: title" of each winner, once the results are public.
    pub winners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub now: DateTime<Utc>,
    pub edition: Option<EditionView>,
    pub nominees: u64,
    pub categories: u64,
    pub past: Vec<PastEdition>,
}

#[server(endpoint = "home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    use crate::api::guard::*;
    run(async {
        let s = services()?;
        let now = now();
        let current = wsis::db::entity::edition::Model::current(&s.db).await?;
        let (edition, nominees) = match &current {
            Some(e) => {
                let sums = wsis::db::catalog::category_summaries(&s.db, e.id).await?;
                (Some(e.view()), sums.iter().map(|c| c.nominees).sum())
            }
            None => (None, 0),
        };
        let mut past = Vec::new();
        // editions before the current one; next year's (open for submissions) is not "past"
        for e in wsis::db::entity::edition::Model::all(&s.db).await?.iter().filter(|e| current.as_ref().is_some_and(|c| e.year < c.year)) {
            let results_public = wsis::db::results::access(e, viewer()).results;
            let winners = if results_public { wsis::db::results::winners_of(&s.db, e.id).await? } else { Vec::new() };
            past.push(PastEdition { year: e.year, title: e.title.clone(), results_public, winners });
        }
        Ok(HomeData { now, edition, nominees, categories: 18, past })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotData {
    pub now: DateTime<Utc>,
    pub edition: Option<EditionView>,
    pub lines: Vec<BallotLine>,
    pub signed_in: bool,
    pub voted: usize,
}

#[server(endpoint = "ballot")]
pub async fn get_ballot() -> Result<BallotData, AppError> {
    use crate::api::guard::*;
    run(async {
        let s = services()?;
        let me = request().account;
        let now = now();
        let Some(e) = wsis::db::entity::edition::Model::current(&s.db).await? else {
            return Ok(BallotData { now, edition: None, lines: vec![], signed_in: me.is_some(), voted: 0 });
        };
        let lines = wsis::db::voting::ballot(&s.db, e.id, me.as_ref().map(|a| a.id)).await?;
        let voted = lines.iter().filter(|l| l.choice.is_some()).count();
        Ok(BallotData { now, edition: Some(e.view()), lines, signed_in: me.is_some(), voted })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryData {
    pub now: DateTime<Utc>,
    pub edition: EditionView,
    pub category: CategorySummary,
    pub nominees: Vec<NomineeCard>,
    pub countries: Vec<String>,
    pub filter: NomineeFilter,
    /// How the nominees are listed: in the voter's own order (the default) or by title.
    pub order: wsis::ballot::BallotOrder,
    pub my_choice: Option<(Uuid, String)>,
    pub signed_in: bool,
    pub confirmed: bool,
}

/// A category's nominees: `filter` narrows them; `order` is `alpha` (by title) or empty
/// (an order of the voter's own, stable for the account or, before sign-in, the visitor).
#[server(endpoint = "category")]
pub async fn get_category(
    slug: String,
    #[server(default)] filter: NomineeFilter,
    #[server(default)] order: String,
) -> Result<CategoryData, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let me = request().account;
        let def = wsis::category::by_slug(&slug).ok_or_else(AppError::no_category)?;
        // display data: the edition and the unfiltered listing come from the node's cache
        let (edition_id, e) = s.current_edition.get_with_id(&s.db).await?.ok_or_else(AppError::no_category)?;
        let listing = s
            .listings
            .get_or_load((edition_id, def.slug.to_string()), || async {
                Ok(std::sync::Arc::new(wsis::db::catalog::listing(&s.db, edition_id, def.slug).await?))
            })
            .await?;
        let order = wsis::ballot::BallotOrder::parse(&order).map_err(AppError::Invalid)?;
        let category = listing.summary.clone();
        let countries = listing.countries.clone();
        let mut nominees = if filter.is_empty() {
            listing.nominees.clone()
        } else {
            wsis::db::catalog::nominees(&s.db, edition_id, def.slug, &filter).await?
        };
        if order == wsis::ballot::BallotOrder::Shuffled {
            // the list by title, then the voter's own order (filtering keeps relative places)
            wsis::ballot::shuffle(&mut nominees, wsis::ballot::seed(&request().ballot_voter(), def.slug));
        }
        let my_choice = match &me {
            Some(a) => wsis::db::voting::choice_in(&s.db, edition_id, def.position as i32, a.id).await?,
            None => None,
        };
        Ok(CategoryData {
            now: now(),
            edition: e,
            category,
            nominees,
            countries,
            filter,
            order,
            my_choice,
            signed_in: me.is_some(),
            confirmed: me.as_ref().is_some_and(|a| a.confirmed_at.is_some()),
        })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NomineeData {
    pub now: DateTime<Utc>,
    pub edition: EditionView,
    pub nominee: NomineeDetail,
    /// The voter's choice in this nominee's category, if they voted there.
    pub my_choice: Option<(Uuid, String)>,
    pub signed_in: bool,
    pub confirmed: bool,
}

#[server(endpoint = "nominee")]
pub async fn get_nominee(id: String) -> Result<NomineeData, AppError> {
    use crate::api::guard::*;
    run(async move {
        let s = services()?;
        let me = request().account;
        let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::no_nominee())?;
        // display data from the node's cache; the visitor's own choice from the database
        let page = s.nominee_page(id).await?;
        let (nominee, edition_id, edition) = (*page).clone();
        let my_choice = match &me {
            Some(a) => match wsis::category::by_slug(&nominee.category_slug) {
                Some(c) => wsis::db::voting::choice_in(&s.db, edition_id, c.position as i32, a.id).await?,
                None => None,
            },
            None => None,
        };
        Ok(NomineeData {
            now: now(),
            edition,
            nominee,
            my_choice,
            signed_in: me.is_some(),
            confirmed: me.as_ref().is_some_and(|a| a.confirmed_at.is_some()),
        })
    })
    .await
}

