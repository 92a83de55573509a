//! Release of an edition's results, the results themselves (embargoed until released),
//! the letters to champions and winners, and the anonymised vote ledger with its digest.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait};
use uuid::Uuid;

use super::catalog::BALLOT_STATUSES;
use super::entity::{account, champion, edition, nomination, vote};
use super::{audit, mail, Services};
use crate::audit::AuditAction;
use crate::category::CATEGORIES;
use crate::champion::ChampionStatus;
use crate::nomination::NominationStatus;
use crate::results::{digest, visibility, CategoryResult, Digest, LedgerEntry, ResultLine, ResultsView, Viewer, Visibility};
use crate::time::geneva_label;
use crate::AppError;

/// What `viewer` may see of an edition's results now: the one gate of the embargo
/// ([`crate::results::visibility`]), asked by every page, server function, file, API
/// route and command.
pub fn access(e: &edition::Model, viewer: Viewer) -> Visibility {
    visibility(viewer, e.results_public(), e.champions_computed_at.is_some(), e.publish_vote_counts)
}

fn embargoed(e: &edition::Model) -> AppError {
    AppError::forbidden(format!(
        "The results of the {} edition are embargoed until they are released (planned for {}, Geneva time).",
        e.year,
        geneva_label(e.announcement_at)
    ))
}

/// The results, or the embargo's refusal.
pub fn require_results(e: &edition::Model, viewer: Viewer) -> Result<Visibility, AppError> {
    let v = access(e, viewer);
    if v.results { Ok(v) } else { Err(embargoed(e)) }
}

/// The vote counts (ledger, digest), or the refusal: the embargo, or an edition that does
/// not publish them.
pub fn require_counts(e: &edition::Model, viewer: Viewer) -> Result<Visibility, AppError> {
    let v = require_results(e, viewer)?;
    if v.counts {
        Ok(v)
    } else {
        Err(AppError::forbidden(format!("The {} edition does not publish vote counts.", e.year)))
    }
}

/// The results of an edition for `viewer`.
pub async fn view(db: &DatabaseConnection, year: &str, viewer: Viewer, now: chrono::DateTime<Utc>) -> Result<ResultsView, AppError> {
    let e = edition::Model::named(db, year).await?;
    let v = require_results(&e, viewer)?;
    build(db, &e, v.counts, now).await
}

async fn build(db: &DatabaseConnection, e: &edition::Model, counts_visible: bool, now: chrono::DateTime<Utc>) -> Result<ResultsView, AppError> {
    let rows = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::ExcludedReason.is_null())
        .all(db)
        .await?;
    let noms: Vec<nomination::Model> = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .all(db)
        .await?;
    let by_id: HashMap<i32, &nomination::Model> = noms.iter().map(|n| (n.id, n)).collect();
    let publish = counts_visible;
    let counts = if publish { super::champions::counted_votes(db, e).await? } else { HashMap::new() };
    let review = super::review::admin_view(db, &e.year.to_string(), now).await?;
    let scores: HashMap<Uuid, f64> =
        review.categories.iter().flat_map(|c| c.ranking.iter().filter_map(|r| r.result.map(|x| (r.nominee, x)))).collect();
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let pos = c.position as i32;
            let mut champions: Vec<ResultLine> = rows
                .iter()
                .filter(|r| r.category_id == pos)
                .filter_map(|r| {
                    let n = by_id.get(&r.nomination_id)?;
                    Some(ResultLine {
                        nominee: n.uuid,
                        title: n.title.clone(),
                        organisation: n.organisation.clone(),
                        country: n.country.clone(),
                        region: n.region.key().to_string(),
                        stakeholder_type: n.stakeholder_type.key().to_string(),
                        short_description: n.short_description.clone(),
                        valid_votes: publish.then_some(r.valid_votes.clamp(0, i64::MAX) as u64),
                        expert_score: scores.get(&n.uuid).copied(),
                        winner: r.winner,
                    })
                })
                .collect();
            let votes_of = |u: &Uuid| rows.iter().find(|r| by_id.get(&r.nomination_id).is_some_and(|n| n.uuid == *u)).map(|r| r.valid_votes).unwrap_or(0);
            champions.sort_by(|a, b| b.winner.cmp(&a.winner).then(votes_of(&b.nominee).cmp(&votes_of(&a.nominee))).then(a.title.cmp(&b.title)));
            let mut votes: Vec<(String, u64)> = if publish {
                noms.iter()
                    .filter(|n| n.category_id == pos)
                    .map(|n| (n.title.clone(), counts.get(&n.id).copied().unwrap_or(0).clamp(0, i64::MAX) as u64))
                    .collect()
            } else {
                Vec::new()
            };
            votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            CategoryResult { slug: c.slug.into(), code: c.code.into(), name: c.name.into(), champions, votes }
        })
        .collect();
    Ok(ResultsView {
        year: e.year,
        title: e.title.clone(),
        released: e.results_public(),
        released_at: e.results_released_at,
        publish_vote_counts: publish,
        categories,
    })
}

/// Why an edition's results cannot be released yet, if anything stops it: champions not
/// computed, or categories whose winner choice is not made (their codes).
pub async fn release_blocker(db: &impl ConnectionTrait, e: &edition::Model) -> Result<Option<ReleaseBlocker>, AppError> {
    if e.champions_computed_at.is_none() {
        return Ok(Some(ReleaseBlocker::ChampionsNotComputed));
    }
    let undecided: HashSet<i32> = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::DecidedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.category_id)
        .collect();
    if undecided.is_empty() {
        return Ok(None);
    }
    Ok(Some(ReleaseBlocker::Undecided(
        CATEGORIES.iter().filter(|c| undecided.contains(&(c.position as i32))).map(|c| c.code.to_string()).collect(),
    )))
}

impl ReleaseBlocker {
    pub fn message(&self) -> String {
        match self {
            ReleaseBlocker::ChampionsNotComputed => "Compute the champions before releasing the results.".into(),
            ReleaseBlocker::Undecided(codes) => {
                format!("Choose the winners of every category first; still open: {}.", codes.join(", "))
            }
        }
    }
}

/// Releases an edition's results now, once every category is decided, then finalises.
pub async fn release(s: &Services, actor: i32, year: &str) -> Result<ResultsView, AppError> {
    let e = edition::Model::named(&s.db, year).await?;
    release_on(s, Some(actor), &e).await?;
    build(&s.db, &edition::Entity::find_by_id(e.id).one(&s.db).await?.ok_or(AppError::Internal)?, true, s.now()).await
}

async fn release_on(s: &Services, actor: Option<i32>, e: &edition::Model) -> Result<(), AppError> {
    let now = s.now();
    let txn = super::begin_on_edition(&s.db, e.id).await?;
    let e = edition::Entity::find_by_id(e.id).one(&txn).await?.ok_or(AppError::Internal)?;
    if e.results_public() {
        let _ = txn.rollback().await;
        return Err(AppError::already_released(e.year));
    }
    if let Some(b) = release_blocker(&txn, &e).await? {
        let _ = txn.rollback().await;
        return Err(AppError::invalid(b.message()));
    }
    // conditional: two admins (or two nodes at the announcement instant) release once
    let res = edition::Entity::update_many()
        .col_expr(edition::Column::ResultsReleasedAt, Expr::value(Some(now)))
        .filter(edition::Column::Id.eq(e.id))
        .filter(edition::Column::ResultsReleasedAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Err(AppError::already_released(e.year));
    }
    let action = if actor.is_some() { AuditAction::ResultsRelease } else { AuditAction::ResultsReleaseAtAnnouncement };
    audit::record(&txn, now, actor, action, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "released_at": now }))).await?;
    txn.commit().await?;
    finalize(s, e.id).await?;
    Ok(())
}

/// What stops a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseBlocker {
    ChampionsNotComputed,
    Undecided(Vec<String>),
}

/// Once results are public: marks champions and winners on their nominations and sends
/// the letters, exactly once (claimed by a conditional update, so safe on several nodes).
pub async fn finalize(s: &Services, edition_id: i32) -> Result<usize, AppError> {
    let Some(e) = edition::Entity::find_by_id(edition_id).one(&s.db).await? else { return Ok(0) };
    if !e.results_public() || e.letters_sent_at.is_some() || e.champions_computed_at.is_none() {
        return Ok(0);
    }
    let now = s.now();
    let txn = s.db.begin().await?;
    let claimed = edition::Entity::update_many()
        .col_expr(edition::Column::LettersSentAt, Expr::value(Some(now)))
        .filter(edition::Column::Id.eq(e.id))
        .filter(edition::Column::LettersSentAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        let _ = txn.rollback().await;
        return Ok(0);
    }
    let rows = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(e.id))
        .filter(champion::Column::ExcludedReason.is_null())
        .all(&txn)
        .await?;
    let mut letters = Vec::new();
    for r in &rows {
        let Some(n) = nomination::Entity::find_by_id(r.nomination_id).one(&txn).await? else { continue };
        let mut am: nomination::ActiveModel = n.clone().into();
        am.status = Set(if r.winner { NominationStatus::Winner } else { NominationStatus::Champion });
        am.update(&txn).await?;
        let mut cr: champion::ActiveModel = r.clone().into();
        cr.status = Set(ChampionStatus::Released);
        cr.update(&txn).await?;
        let code = CATEGORIES.iter().find(|c| c.position as i32 == r.category_id).map(|c| c.code).unwrap_or("");
        let mut to: Vec<String> = vec![n.contact.clone()];
        // in the language the submitting account last used (English without one)
        let mut lang = "en".to_string();
        if let Some(aid) = n.account_id {
            if let Some(a) = account::Entity::find_by_id(aid).one(&txn).await? {
                to.push(a.email);
                lang = a.lang;
            }
        }
        to.sort();
        to.dedup();
        let (subject, body) = letter(&s.config.public_url, e.year, code, &n, r.winner);
        for t in to.into_iter().filter(|t| t.contains('@')) {
            letters.push((t, lang.clone(), subject.clone(), body.clone()));
        }
    }
    for (to, lang, subject, body) in &letters {
        mail::enqueue(&txn, now, lang, to, subject, body).await?;
    }
    audit::record(&txn, now, None, AuditAction::ResultsLetters, &format!("edition:{}", e.year), None, Some(serde_json::json!({ "letters": letters.len() })))
        .await?;
    txn.commit().await?;
    s.wake_mail();
    Ok(letters.len())
}

fn letter(public_url: &str, year: i32, code: &str, n: &nomination::Model, winner: bool) -> (String, String) {
    let what = if winner { "a WSIS Prizes winner" } else { "a WSIS Prizes champion" };
    (
        format!("{}: “{}” is {what} {year}", if winner { "Congratulations" } else { "Well done" }, n.title),
        format!(
            "Dear {org},\n\nWe are delighted to tell you that your project “{title}” is {what} {year} in category {code}.\n\n\
             The results are public at {public_url}/results/{year} and your certificate is at {public_url}/results/{year}/certificates#n-{id}.\n\n\
             With our congratulations,\nThe WSIS Prizes secretariat\n",
            org = n.organisation,
            title = n.title,
            id = n.uuid,
        ),
    )
}

/// At the announcement instant: releases the results of every edition whose winners are
/// all chosen (claimed once across nodes by a conditional update). An edition with a
/// category still undecided waits, and its admin dashboard says why; nothing is
/// published half-done. Returns how many editions were released.
pub async fn release_due(s: &Services) -> Result<usize, AppError> {
    let now = s.now();
    let due = edition::Entity::find()
        .filter(edition::Column::ResultsReleasedAt.is_null())
        .filter(edition::Column::AnnouncementAt.lte(now))
        .filter(edition::Column::ChampionsComputedAt.is_not_null())
        .all(&s.db)
        .await?;
    let mut n = 0;
    for e in due {
        if release_blocker(&s.db, &e).await?.is_some() {
            continue;
        }
        match release_on(s, None, &e).await {
            Ok(()) => n += 1,
            // released by another node meanwhile
            Err(AppError::Conflict(_)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(n)
}

/// The counted votes without their voters: category code, receipt, nominee; by the one
/// rule of the count ([`crate::tally::count_votes`]): valid votes for projects on the
/// ballot, of complete ballots where the edition asks for them.
pub async fn ledger(db: &DatabaseConnection, year: &str, viewer: Viewer) -> Result<(i32, Vec<LedgerEntry>), AppError> {
    let e = edition::Model::named(db, year).await?;
    require_counts(&e, viewer)?;
    let noms: HashMap<i32, Uuid> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::Id, nomination::Column::Uuid])
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.is_in(BALLOT_STATUSES))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<(i32, i32, i32, String)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::AccountId, vote::Column::CategoryId, vote::Column::NominationId, vote::Column::Receipt])
        .filter(vote::Column::EditionId.eq(e.id))
        .filter(vote::Column::Valid.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let complete: Option<HashSet<i32>> = super::champions::complete_ballot_rule(&e).map(|n| {
        let ballots: Vec<(i32, i32, ())> = rows.iter().map(|(a, c, _, _)| (*a, *c, ())).collect();
        crate::tally::complete_voters_of(&ballots, n)
    });
    let mut out: Vec<LedgerEntry> = rows
        .into_iter()
        .filter(|(a, _, _, _)| complete.as_ref().is_none_or(|s| s.contains(a)))
        .filter_map(|(_, c, n, r)| {
            Some(LedgerEntry {
                category: CATEGORIES.iter().find(|x| x.position as i32 == c)?.code.to_string(),
                receipt: crate::vote::format_receipt(&r),
                nominee: *noms.get(&n)?,
            })
        })
        .collect();
    out.sort();
    Ok((e.year, out))
}

pub async fn published_digest(db: &DatabaseConnection, year: &str, viewer: Viewer) -> Result<Digest, AppError> {
    let (y, l) = ledger(db, year, viewer).await?;
    Ok(digest(y, &l))
}

/// "code: title" of each winner of an edition (callers check that results are public).
pub async fn winners_of(db: &impl ConnectionTrait, edition_id: i32) -> Result<Vec<String>, AppError> {
    let rows = champion::Entity::find()
        .filter(champion::Column::EditionId.eq(edition_id))
        .filter(champion::Column::Winner.eq(true))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for c in CATEGORIES.iter() {
        for r in rows.iter().filter(|r| r.category_id == c.position as i32) {
            if let Some(n) = nomination::Entity::find_by_id(r.nomination_id).one(db).await? {
                out.push(format!("{}: {}", c.code, n.title));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod mail_tests {
    #[test]
    fn letters_read_in_every_language() {
        let n = super::nomination::Model {
            title: "Open Data Gateway".into(),
            organisation: "Civic Tech Alliance".into(),
            ..test_nomination()
        };
        for winner in [true, false] {
            let (subject, body) = super::letter("https://prizes.example", 2026, "C3", &n, winner);
            for lang in ["ar", "es", "fr", "ru", "zh"] {
                let (s, b) = (crate::messages::translate(&subject, lang), crate::messages::translate(&body, lang));
                assert!(s != subject && s.contains("Open Data Gateway") && s.contains("2026"), "{lang}: {s}");
                assert!(b != body && b.contains("Civic Tech Alliance"), "{lang}: {b}");
                assert!(b.contains(&format!("https://prizes.example/results/2026/certificates#n-{}", n.uuid)), "{lang}: {b}");
            }
        }
    }

    fn test_nomination() -> super::nomination::Model {
        let now = chrono::Utc::now();
        super::nomination::Model {
            id: 1,
            uuid: uuid::Uuid::nil(),
            edition_id: 1,
            category_id: 3,
            account_id: None,
            status: crate::nomination::NominationStatus::Winner,
            title: String::new(),
            short_description: String::new(),
            action_line_linkage: String::new(),
            sdgs: Default::default(),
            impact_qualitative: String::new(),
            impact_quantitative: String::new(),
            partnerships: String::new(),
            challenges: String::new(),
            organisation: String::new(),
            stakeholder_type: Default::default(),
            country: String::new(),
            region: Default::default(),
            website: String::new(),
            contact: String::new(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            pending_decision: None,
            pending_reason: None,
            decided_at: None,
            rejection_reason: None,
            extended_until: None,
            extension_reason: None,
        }
    }
}
