//! The participation figures of a released edition (see [`crate::participation`]), counted
//! by the rule of the ledger: the valid votes for projects on the ballot, of complete
//! ballots where the edition asks for them. Released figures do not change, so each node
//! computes an edition's once and keeps them.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::catalog::BALLOT_STATUSES;
use super::entity::{account, edition, nomination, vote, vote_freeze};
use super::Services;
use crate::category::CATEGORIES;
use crate::participation::{areas, ranked, CategoryFigures, Participation, RemovalReason};
use crate::AppError;

/// Edition `year` once its results are released; before that the same refusal for everyone.
async fn released(db: &impl ConnectionTrait, year: &str) -> Result<edition::Model, AppError> {
    let e = edition::Model::named(db, year).await?;
    if !e.results_public() {
        return Err(AppError::forbidden(format!(
            "The participation figures of the {} edition are published with its results ({}, Geneva time).",
            e.year,
            crate::time::geneva_label(e.announcement_at)
        )));
    }
    Ok(e)
}

/// The figures of edition `year` (`year` empty: the current edition), kept by the node.
pub async fn figures(s: &Services, year: &str) -> Result<std::sync::Arc<Participation>, AppError> {
    let e = released(&s.db, year).await?;
    // one computation per node and edition: parallel first requests wait for it
    let mut kept = s.participation.lock().await;
    if let Some(p) = kept.get(&(e.id, e.results_released_at)) {
        return Ok(p.clone());
    }
    let p = std::sync::Arc::new(compute(&s.db, &e).await?);
    kept.insert((e.id, e.results_released_at), p.clone());
    Ok(p)
}

/// The figures of edition `year`, computed now (the command line's export).
pub async fn figures_now(db: &impl ConnectionTrait, year: &str) -> Result<Participation, AppError> {
    let e = released(db, year).await?;
    compute(db, &e).await
}

async fn compute(db: &impl ConnectionTrait, e: &edition::Model) -> Result<Participation, AppError> {
    let noms: Vec<(i32, String, String)> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::StakeholderType, nomination::Column::Region])
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .into_tuple()
        .all(db)
        .await?;
    let on_ballot: HashSet<i32> = noms.iter().map(|n| n.0).collect();
    let votes: Vec<(i32, i32, i32, bool, Option<i32>)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::AccountId, vote::Column::CategoryId, vote::Column::NominationId, vote::Column::Valid, vote::Column::FrozenBy])
        .filter(vote::Column::EditionId.eq(e.id))
        .into_tuple()
        .all(db)
        .await?;
    let freezes: HashMap<i32, String> = vote_freeze::Entity::find()
        .filter(vote_freeze::Column::EditionId.eq(e.id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.kind.key().to_string()))
        .collect();
    let valid: Vec<(i32, i32, i32)> = votes.iter().filter(|v| v.3 && on_ballot.contains(&v.2)).map(|v| (v.0, v.1, v.2)).collect();
    let complete = super::champions::complete_ballot_rule(e).map(|n| crate::tally::complete_voters_of(&valid, n));
    let counted: Vec<&(i32, i32, i32)> = valid.iter().filter(|(a, _, _)| complete.as_ref().is_none_or(|c| c.contains(a))).collect();

    let mut per_account: HashMap<i32, u64> = HashMap::new();
    for (a, _, _) in &counted {
        *per_account.entry(*a).or_default() += 1;
    }
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let pos = c.position as i32;
            let valid_votes = counted.iter().filter(|v| v.1 == pos).count() as u64;
            let voters = counted.iter().filter(|v| v.1 == pos).map(|v| v.0).collect::<HashSet<_>>().len() as u64;
            let removed: Vec<RemovalReason> = votes
                .iter()
                .filter(|v| v.1 == pos && !v.3)
                .map(|v| RemovalReason::of_freeze(v.4.and_then(|f| freezes.get(&f)).map(String::as_str)))
                .collect();
            let reasons = ranked(removed.iter().map(|r| (r.key().to_string(), 1)))
                .into_iter()
                .filter_map(|(k, n)| Some((RemovalReason::parse(&k)?, n)))
                .collect();
            CategoryFigures { code: c.code.into(), slug: c.slug.into(), voters, valid_votes, removed_votes: removed.len() as u64, reasons }
        })
        .collect::<Vec<_>>();

    // the voters' stated countries
    let voted = Query::select().column(vote::Column::AccountId).from(vote::Entity).and_where(vote::Column::EditionId.eq(e.id)).to_owned();
    let countries: Vec<(i32, String)> = account::Entity::find()
        .select_only()
        .columns([account::Column::Id, account::Column::Country])
        .filter(account::Column::Id.in_subquery(voted))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_profile: HashMap<String, (u64, u64)> = HashMap::new();
    for (id, country) in countries {
        if let Some(n) = per_account.get(&id) {
            let e = by_profile.entry(country.trim().to_lowercase()).or_default();
            e.0 += 1;
            e.1 += n;
        }
    }
    let rows: Vec<(String, u64, u64)> = by_profile.into_iter().map(|(k, (a, b))| (k, a, b)).collect();
    let (regions, countries) = areas(&rows);
    Ok(Participation {
        year: e.year,
        title: e.title.clone(),
        released_at: e.results_released_at,
        voters: per_account.len() as u64,
        valid_votes: counted.len() as u64,
        removed_votes: votes.iter().filter(|v| !v.3).count() as u64,
        categories,
        regions,
        countries,
        nominees: noms.len() as u64,
        nominees_by_stakeholder: ranked(noms.iter().map(|n| (n.1.clone(), 1))),
        nominees_by_region: ranked(noms.iter().map(|n| (n.2.clone(), 1))),
    })
}
