//! Demo data: an edition whose voting is open now, ~20 nominees per category, next
//! year's edition with its submission phase open, and one account per role. Loading it
//! twice changes nothing.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Zurich;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::auth::ensure_account;
use super::entity::{edition, nomination, tally};
use crate::account::Role;
use crate::category::CATEGORIES;
use crate::nomination::{word_count, Choice, NominationStatus, Region, StakeholderType};
use crate::AppError;

pub const DEMO_PASSWORD: &str = "wsis-demo-2026";

/// (e-mail, display name, roles) of the demo accounts; all share [`DEMO_PASSWORD`].
pub const DEMO_ACCOUNTS: [(&str, &str, &[Role]); 7] = [
    ("admin@wsis.example", "Ada Admin", &[Role::Admin]),
    ("expert@wsis.example", "Emeka Expert", &[Role::Expert]),
    ("expert2@wsis.example", "Eva Examiner", &[Role::Expert]),
    ("announcer@wsis.example", "Ana Announcer", &[Role::Announcer]),
    ("voter@wsis.example", "Vera Voter", &[]),
    ("submitter@wsis.example", "Sami Submitter", &[]),
    ("team@wsis.example", "Tomás Team", &[]),
];

/// The demo nominee's team: it owns the first nominee of C1, with two campaign links.
pub const DEMO_TEAM: &str = "team@wsis.example";
pub const DEMO_CAMPAIGNS: [(&str, &str); 2] = [("newsletter", "Our monthly newsletter"), ("partners", "Partner organisations' sites")];

pub const NOMINEES_PER_CATEGORY: usize = 20;

const ADJECTIVES: &[&str] = &[
    "Digital", "Connected", "Open", "Smart", "Inclusive", "Rural", "Mobile", "Community", "Green", "Resilient",
    "Secure", "Shared", "National", "Regional", "Youth", "Women's", "Accessible", "Sustainable", "Local", "Citizen",
];
const NOUNS: &[&str] = &[
    "Villages", "Classrooms", "Clinics", "Farmers", "Libraries", "Markets", "Cities", "Schools", "Islands",
    "Archives", "Newsrooms", "Cooperatives", "Health Workers", "Small Businesses", "Coastlines", "Communities",
    "Universities", "Courts", "Ministries", "Families",
];
const SUFFIXES: &[&str] = &[
    "Network", "Platform", "Initiative", "Programme", "Gateway", "Hub", "Portal", "Alliance", "Project", "Lab",
    "Academy", "Observatory", "Toolkit", "Service", "Map",
];
const ORG_KINDS: &[(&str, StakeholderType)] = &[
    ("Ministry of Digital Affairs", StakeholderType::Government),
    ("National ICT Agency", StakeholderType::Government),
    ("Telecom Regulatory Authority", StakeholderType::Government),
    ("Connect Foundation", StakeholderType::CivilSociety),
    ("Open Knowledge Association", StakeholderType::CivilSociety),
    ("Women in Tech Network", StakeholderType::CivilSociety),
    ("Technologies Ltd", StakeholderType::PrivateSector),
    ("Mobile Solutions Group", StakeholderType::PrivateSector),
    ("Data Systems Inc.", StakeholderType::PrivateSector),
    ("University of Technology", StakeholderType::Academia),
    ("Institute of Information Science", StakeholderType::Academia),
    ("Regional Development Bank", StakeholderType::InternationalOrganisation),
    ("Regional Telecommunity", StakeholderType::InternationalOrganisation),
];
const COUNTRIES: &[(&str, Region)] = &[
    ("Kenya", Region::Africa), ("Nigeria", Region::Africa), ("Rwanda", Region::Africa), ("Senegal", Region::Africa),
    ("Ghana", Region::Africa), ("Brazil", Region::Americas), ("Mexico", Region::Americas), ("Colombia", Region::Americas),
    ("Canada", Region::Americas), ("Jamaica", Region::Americas), ("Egypt", Region::ArabStates), ("Jordan", Region::ArabStates),
    ("Oman", Region::ArabStates), ("Tunisia", Region::ArabStates), ("United Arab Emirates", Region::ArabStates),
    ("India", Region::AsiaPacific), ("Indonesia", Region::AsiaPacific), ("Philippines", Region::AsiaPacific),
    ("Bangladesh", Region::AsiaPacific), ("Fiji", Region::AsiaPacific), ("Kazakhstan", Region::Cis),
    ("Uzbekistan", Region::Cis), ("Armenia", Region::Cis), ("Kyrgyzstan", Region::Cis), ("Poland", Region::Europe),
    ("Portugal", Region::Europe), ("Estonia", Region::Europe), ("Switzerland", Region::Europe), ("Greece", Region::Europe),
];
const SENTENCES: &[&str] = &[
    "The project brings affordable connectivity and digital services to people who were left offline.",
    "It was designed together with local communities, who now run most of its activities themselves.",
    "Training sessions have reached thousands of participants, more than half of them women and girls.",
    "Open standards and open-source software keep costs low and let other countries replicate the model.",
    "A partnership between government, private companies and civil society funds its operations.",
    "Services are offered in local languages so that older people and new users can take part.",
    "Data is protected by design, and users keep control over the information they share.",
    "Independent evaluations show measurable gains in income, school results and access to health care.",
    "The team publishes its results every year and shares its methods with peers in the region.",
    "Solar-powered equipment keeps the service running where the electricity grid is unreliable.",
    "Young volunteers act as digital ambassadors and help their neighbours use online public services.",
    "The initiative contributes directly to several Sustainable Development Goals.",
    "Its second phase extends the service to remote islands and mountain districts.",
    "Small businesses use the platform to reach new customers and receive payments safely.",
    "Teachers received devices, connectivity and a curriculum to build digital skills in class.",
    "A helpline and community centres support people who face online harassment or fraud.",
    "Local content produced by the community preserves languages and cultural heritage.",
    "The project follows the WSIS Action Lines and reports its progress to the WSIS Stocktaking.",
];

/// A demo description of 150–200 words.
fn description(rng: &mut StdRng, title: &str, country: &str) -> String {
    let target = rng.random_range(155..=195);
    let mut text = format!("{title} is a project from {country}.");
    while word_count(&text) < target {
        let s = SENTENCES.choose(rng).copied().unwrap_or(SENTENCES[0]);
        let candidate = format!("{text} {s}");
        if word_count(&candidate) > 200 {
            break;
        }
        text = candidate;
    }
    text
}

fn geneva_day(now: DateTime<Utc>, days: i64, hour: u32) -> DateTime<Utc> {
    let date = (now.with_timezone(&Zurich) + Duration::days(days)).date_naive();
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    Zurich.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(now)
}

/// A schedule around `now` in which voting is open: phases close at 23:00 Geneva time.
pub fn demo_edition(year: i32, now: DateTime<Utc>) -> edition::ActiveModel {
    edition::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        year: Set(year),
        title: Set(format!("WSIS Prizes {year}")),
        time_zone: Set(crate::time::GENEVA_TZ.into()),
        submission_opens: Set(geneva_day(now, -150, 9)),
        submission_closes: Set(geneva_day(now, -60, 23)),
        screening_opens: Set(geneva_day(now, -59, 9)),
        screening_closes: Set(geneva_day(now, -31, 23)),
        voting_opens: Set(geneva_day(now, -30, 9)),
        voting_closes: Set(geneva_day(now, 30, 23)),
        review_opens: Set(geneva_day(now, 31, 9)),
        review_closes: Set(geneva_day(now, 45, 23)),
        announcement_at: Set(geneva_day(now, 50, 18)),
        champions_per_category: Set(5),
        complete_ballot: Set(false),
        submissions_per_entity: Set(1),
        max_winners_per_category: Set(1),
        experts_see_scores: Set(true),
        publish_vote_counts: Set(true),
        results_released_at: Set(None),
        champions_computed_at: Set(None),
        is_current: Set(true),
        rubric: Set(None),
        letters_sent_at: Set(None),
        created_at: Set(now),
        friction_votes_per_address: Set(200),
        friction_votes_per_network: Set(2000),
        friction_sign_ins_per_address: Set(20),
        ..Default::default()
    }
}

/// Generated nominees for one edition (deterministic for a given seed).
pub fn demo_nominations(edition_id: i32, seed: u64, per_category: usize, now: DateTime<Utc>) -> Vec<nomination::ActiveModel> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(CATEGORIES.len() * per_category);
    let mut used_titles = std::collections::HashSet::new();
    for c in CATEGORIES.iter() {
        for _ in 0..per_category {
            let title = loop {
                let t = format!(
                    "{} {} {}",
                    ADJECTIVES.choose(&mut rng).unwrap_or(&"Digital"),
                    NOUNS.choose(&mut rng).unwrap_or(&"Villages"),
                    SUFFIXES.choose(&mut rng).unwrap_or(&"Network")
                );
                if used_titles.insert(t.clone()) {
                    break t;
                }
            };
            let (country, region) = *COUNTRIES.choose(&mut rng).unwrap_or(&COUNTRIES[0]);
            let (kind, stakeholder) = *ORG_KINDS.choose(&mut rng).unwrap_or(&ORG_KINDS[0]);
            let organisation = format!("{country} {kind}");
            let mut sdgs: Vec<u8> = (0..rng.random_range(1..=4)).map(|_| rng.random_range(1..=17)).collect();
            sdgs.sort_unstable();
            sdgs.dedup();
            let people = rng.random_range(2..400) * 1000;
            out.push(nomination::ActiveModel {
                uuid: Set(Uuid::from_u128(rng.random())),
                edition_id: Set(edition_id),
                category_id: Set(c.position as i32),
                account_id: Set(None),
                short_description: Set(description(&mut rng, &title, country)),
                title: Set(title),
                action_line_linkage: Set(format!("The project implements Action Line {} ({}).", c.action_line, c.name)),
                sdgs: Set(sdgs.iter().map(u8::to_string).collect::<Vec<_>>().join(",").parse().unwrap_or_default()),
                impact_qualitative: Set("Participants report more confidence in using digital services and better access to public information.".into()),
                impact_quantitative: Set(format!("{people} people reached; {} local partners trained.", people / 400)),
                partnerships: Set("Local government, a national operator, two universities and community organisations.".into()),
                challenges: Set("Keeping devices maintained in remote areas; the next phase trains local technicians.".into()),
                organisation: Set(organisation),
                stakeholder_type: Set(Choice(Some(stakeholder))),
                country: Set(country.into()),
                region: Set(Choice(Some(region))),
                website: Set(format!("https://example.org/projects/{}", out.len() + 1)),
                contact: Set(format!("contact{}@example.org", out.len() + 1)),
                status: Set(NominationStatus::Nominee),
                rejection_reason: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                submitted_at: Set(Some(now)),
                ..Default::default()
            });
        }
    }
    out
}

/// Inserts nominations and their zero counters.
pub async fn insert_nominations(db: &impl ConnectionTrait, rows: Vec<nomination::ActiveModel>) -> Result<(), AppError> {
    for chunk in rows.chunks(100) {
        nomination::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Creates a zero counter for every nominee (on the ballot) of an edition that lacks one.
pub async fn ensure_tally_rows(db: &impl ConnectionTrait, edition_id: i32) -> Result<(), AppError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let noms = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::Status.is_in(super::catalog::BALLOT_STATUSES))
        .all(db)
        .await?;
    let existing: std::collections::HashSet<i32> = tally::Entity::find()
        .filter(tally::Column::EditionId.eq(edition_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.nomination_id)
        .collect();
    let rows: Vec<tally::ActiveModel> = noms
        .iter()
        .filter(|n| !existing.contains(&n.id))
        .map(|n| tally::ActiveModel {
            nomination_id: Set(n.id),
            edition_id: Set(edition_id),
            category_id: Set(n.category_id),
            valid_votes: Set(0),
        })
        .collect();
    for chunk in rows.chunks(200) {
        tally::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Loads the demo data into an empty database: the demo accounts (with the published
/// [`DEMO_PASSWORD`]) and editions. A database that holds any edition or any account is
/// never touched: demo accounts are not created beside real data, and a role an admin
/// revoked is not given back at the next start. Only the laptop command asks for this
/// (`DEMO_DATA=1`); the server's default is off. Returns whether the demo was loaded.
pub async fn load_demo(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<bool, AppError> {
    use sea_orm::PaginatorTrait;
    if edition::Entity::find().count(db).await? > 0 || super::entity::account::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    for (email, name, roles) in DEMO_ACCOUNTS {
        ensure_account(db, email, DEMO_PASSWORD, name, "WSIS Prizes demo", "Switzerland", roles, now).await?;
    }
    let year = now.with_timezone(&Zurich).format("%Y").to_string().parse().unwrap_or(2026);
    let e = demo_edition(year, now).insert(db).await?;
    insert_nominations(db, demo_nominations(e.id, year as u64, NOMINEES_PER_CATEGORY, now)).await?;
    ensure_tally_rows(db, e.id).await?;
    demo_team(db, e.id, now).await?;
    demo_screening(db, e.id, now).await?;
    next_demo_edition(year + 1, now).insert(db).await?;
    Ok(true)
}

/// Categories the demo's expert group screened (C1–C3: 60 projects for each demo expert).
pub const DEMO_SCREENED_CATEGORIES: usize = 3;

/// The demo edition's screening by the expert group, as it was done: both demo experts
/// screened the first [`DEMO_SCREENED_CATEGORIES`] categories (the secretariat screened the
/// others alone) and gave an opinion on each of their projects; on the first two projects
/// of each the second expert disagreed, so that the screening page shows disagreements first.
async fn demo_screening(db: &impl ConnectionTrait, edition_id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entity::{account, screener, screening_opinion};
    use crate::screening::Verdict;
    use sea_orm::QueryOrder;
    let experts = account::Entity::find().filter(account::Column::Email.is_in(["expert@wsis.example", "expert2@wsis.example"])).order_by_asc(account::Column::Id).all(db).await?;
    let screened = now - chrono::Duration::days(25);
    let rows: Vec<screener::ActiveModel> = experts
        .iter()
        .flat_map(|x| {
            CATEGORIES.iter().take(DEMO_SCREENED_CATEGORIES).map(move |c| screener::ActiveModel {
                edition_id: Set(edition_id),
                category_id: Set(c.position as i32),
                account_id: Set(x.id),
                created_at: Set(screened),
                ..Default::default()
            })
        })
        .collect();
    screener::Entity::insert_many(rows).exec_without_returning(db).await?;
    let projects = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::CategoryId.lte(DEMO_SCREENED_CATEGORIES as i32))
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await?;
    let mut opinions = Vec::new();
    for (i, n) in projects.iter().enumerate() {
        for (k, x) in experts.iter().enumerate() {
            let split = k == 1 && i % NOMINEES_PER_CATEGORY < 2;
            let (verdict, reason, comment) = if split {
                (Verdict::Reject, Some(crate::nomination::REJECTION_REASONS[2].1.to_string()), "The results described are plans; I found no evidence that the project is running.")
            } else {
                (Verdict::Accept, None, "Clear description, a working project and measured results.")
            };
            opinions.push(screening_opinion::ActiveModel {
                edition_id: Set(edition_id),
                nomination_id: Set(n.id),
                account_id: Set(x.id),
                verdict: Set(Some(verdict)),
                reason: Set(reason),
                comment: Set(comment.into()),
                assigned_at: Set(screened),
                given_at: Set(Some(screened + chrono::Duration::days(3))),
                ..Default::default()
            });
        }
    }
    for chunk in opinions.chunks(100) {
        screening_opinion::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Hands the first nominee of C1 to the demo team and gives it its campaign links.
async fn demo_team(db: &impl ConnectionTrait, edition_id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entity::{account, campaign};
    use sea_orm::QueryOrder;
    let Some(team) = account::Entity::find().filter(account::Column::Email.eq(DEMO_TEAM)).one(db).await? else { return Ok(()) };
    let Some(n) = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(edition_id))
        .filter(nomination::Column::CategoryId.eq(1))
        .order_by_asc(nomination::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let mut am: nomination::ActiveModel = n.clone().into();
    am.account_id = Set(Some(team.id));
    am.update(db).await?;
    for (code, label) in DEMO_CAMPAIGNS {
        campaign::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            nomination_id: Set(n.id),
            code: Set(code.into()),
            label: Set(label.into()),
            created_by: Set(team.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Demo voters created by [`bring_to_review`].
pub const DEMO_VOTERS: usize = 240;

/// The demo's observer of the edition in review (its commitment arrives in the outbox).
pub const DEMO_OBSERVER: &str = "observer@wsis.example";

/// Brings the current demo edition to its expert review: voting closed two days ago with
/// votes from [`DEMO_VOTERS`] generated voters, champions computed, both demo experts in every
/// category's expert group, and the second expert's scores submitted. Idempotent.
pub async fn bring_to_review(s: &super::Services, now: DateTime<Utc>) -> Result<(), AppError> {
    review_demo(s, now, &[]).await
}

/// The laptop demo's vote audit: the first demo voters' ballots found invalid, in this order
/// (three accounts voting together from one origin, one voting by script).
const DEMO_AUDIT: [(crate::vote::NotCountedReason, &str); 4] = [
    (crate::vote::NotCountedReason::CoordinatedAccounts, "demo: three accounts voting together from one origin"),
    (crate::vote::NotCountedReason::CoordinatedAccounts, "demo: three accounts voting together from one origin"),
    (crate::vote::NotCountedReason::CoordinatedAccounts, "demo: three accounts voting together from one origin"),
    (crate::vote::NotCountedReason::Automated, "demo: votes cast by a script, seconds apart"),
];

/// [`bring_to_review`] with [`DEMO_AUDIT`] between the commitment and the champions (the
/// laptop demo's review phase), so that the released bulletin lists votes not counted.
pub async fn bring_to_review_audited(s: &super::Services, now: DateTime<Utc>) -> Result<(), AppError> {
    review_demo(s, now, &DEMO_AUDIT).await
}

async fn review_demo(s: &super::Services, now: DateTime<Utc>, audit: &[(crate::vote::NotCountedReason, &str)]) -> Result<(), AppError> {
    use super::entity::{account, expert_assignment, review, vote};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let Some(e) = super::entity::edition::Model::current(&s.db).await? else { return Ok(()) };
    if e.champions_computed_at.is_some() {
        return Ok(());
    }
    let mut am: edition::ActiveModel = e.clone().into();
    am.voting_closes = Set(geneva_day(now, -2, 23));
    am.review_opens = Set(geneva_day(now, -1, 9));
    am.review_closes = Set(geneva_day(now, 14, 23));
    am.announcement_at = Set(geneva_day(now, 20, 18));
    let e = am.update(&s.db).await?;

    let template = super::auth::find_by_email(&s.db, "voter@wsis.example").await?.ok_or(AppError::Internal)?;
    let mut rng = StdRng::seed_from_u64(e.year as u64 + 1);
    let accounts: Vec<account::ActiveModel> = (0..DEMO_VOTERS)
        .map(|i| account::ActiveModel {
            uuid: Set(Uuid::from_u128(rng.random())),
            email: Set(format!("demo-voter-{i}@wsis.example")),
            email_canonical: Set(Some(format!("demo-voter-{i}@wsis.example"))),
            frozen_by: Set(None),
            password_hash: Set(template.password_hash.clone()),
            display_name: Set(format!("Demo voter {i}")),
            organisation: Set(String::new()),
            // the countries their profiles name (every tenth names none)
            country: Set(if i % 10 == 9 { String::new() } else { COUNTRIES[i % COUNTRIES.len()].0.to_string() }),
            confirmed_at: Set(Some(now)),
            created_at: Set(now - Duration::days(20)),
            ..Default::default()
        })
        .collect();
    for chunk in accounts.chunks(100) {
        account::Entity::insert_many(chunk.to_vec()).exec_without_returning(&s.db).await?;
    }
    let voters = account::Entity::find().filter(account::Column::Email.starts_with("demo-voter-")).all(&s.db).await?;
    let noms = nomination::Entity::find()
        .filter(nomination::Column::EditionId.eq(e.id))
        .filter(nomination::Column::Status.is_in(super::catalog::BALLOT_STATUSES))
        .order_by_asc(nomination::Column::Id)
        .all(&s.db)
        .await?;
    let mut votes = Vec::new();
    for c in CATEGORIES.iter() {
        let list: Vec<&nomination::Model> = noms.iter().filter(|n| n.category_id == c.position as i32).collect();
        if list.is_empty() {
            continue;
        }
        for v in &voters {
            // a skewed choice: earlier nominees of the category are more popular
            let x: f64 = rng.random();
            let n = list[((x * x * x) * list.len() as f64) as usize % list.len()];
            let id = Uuid::from_u128(rng.random());
            votes.push(vote::ActiveModel {
                uuid: Set(id),
                edition_id: Set(e.id),
                category_id: Set(n.category_id),
                account_id: Set(v.id),
                nomination_id: Set(n.id),
                cast_at: Set(now - Duration::days(3) - Duration::minutes(rng.random_range(0..40_000))),
                origin_hash: Set(format!("demo-{}", v.id % 97)),
                receipt: Set(super::voting::receipt_for(&s.config.secret, id)),
                valid: Set(true),
                invalidated_reason: Set(None),
                invalidated_category: Set(None),
                frozen_by: Set(None),
                ..Default::default()
            });
        }
    }
    for chunk in votes.chunks(200) {
        vote::Entity::insert_many(chunk.to_vec()).exec_without_returning(&s.db).await?;
    }
    super::voting::rebuild_counters(s, None, e.id).await?;
    // an observer receives the commitment, made at the close, before any audit decision
    super::entity::observer::ActiveModel {
        edition_id: Set(e.id),
        email: Set(DEMO_OBSERVER.to_string()),
        added_at: Set(now - Duration::days(5)),
        ..Default::default()
    }
    .insert(&s.db)
    .await?;
    super::commitments::commit_due(s).await?;
    // then the audit, if any, before the champions
    let admin = super::auth::find_by_email(&s.db, "admin@wsis.example").await?.ok_or(AppError::Internal)?;
    for (v, (category, reason)) in voters.iter().zip(audit) {
        super::vote_audit::set_account_validity(s, admin.id, e.id, v.uuid, false, *category, reason).await?;
    }
    super::champions::compute_on(&s.db, None, e.id, now).await?;

    let experts = [
        super::auth::find_by_email(&s.db, "expert@wsis.example").await?.ok_or(AppError::Internal)?,
        super::auth::find_by_email(&s.db, "expert2@wsis.example").await?.ok_or(AppError::Internal)?,
    ];
    for x in &experts {
        for c in CATEGORIES.iter() {
            expert_assignment::ActiveModel {
                edition_id: Set(e.id),
                category_id: Set(c.position as i32),
                account_id: Set(x.id),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&s.db)
            .await?;
        }
    }
    let rubric = super::review::rubric_of(&e);
    let champions = super::entity::champion::Entity::find()
        .filter(super::entity::champion::Column::EditionId.eq(e.id))
        .filter(super::entity::champion::Column::ExcludedReason.is_null())
        .all(&s.db)
        .await?;
    for ch in champions {
        let scores: std::collections::BTreeMap<String, i32> =
            rubric.criteria.iter().map(|c| (c.key.clone(), rng.random_range(c.min.max(c.max - 5)..=c.max))).collect();
        let json = serde_json::to_string(&scores).unwrap_or_else(|_| "{}".into());
        let comment = "Solid results, documented impact and a credible plan to continue.";
        review::ActiveModel {
            edition_id: Set(e.id),
            nomination_id: Set(ch.nomination_id),
            expert_account_id: Set(experts[1].id),
            scores: Set(json.clone()),
            comment: Set(comment.into()),
            conflict_reason: Set(None),
            status: Set(crate::review::ReviewStatus::Submitted),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&s.db)
        .await?;
        // its history: the submission
        super::entity::review_revision::ActiveModel {
            edition_id: Set(e.id),
            nomination_id: Set(ch.nomination_id),
            expert_account_id: Set(experts[1].id),
            scores: Set(json),
            comment: Set(comment.into()),
            status: Set(crate::review::ReviewStatus::Submitted),
            saved_at: Set(now),
            ..Default::default()
        }
        .insert(&s.db)
        .await?;
    }
    Ok(())
}

/// Next year's edition, not current, whose submission phase is open now and whose later
/// phases are all ahead, so that the submission form can be tried at once.
pub fn next_demo_edition(year: i32, now: DateTime<Utc>) -> edition::ActiveModel {
    let mut e = demo_edition(year, now);
    e.submission_opens = Set(geneva_day(now, -10, 9));
    e.submission_closes = Set(geneva_day(now, 60, 23));
    e.screening_opens = Set(geneva_day(now, 61, 9));
    e.screening_closes = Set(geneva_day(now, 90, 23));
    e.voting_opens = Set(geneva_day(now, 91, 9));
    e.voting_closes = Set(geneva_day(now, 150, 23));
    e.review_opens = Set(geneva_day(now, 151, 9));
    e.review_closes = Set(geneva_day(now, 170, 23));
    e.announcement_at = Set(geneva_day(now, 180, 18));
    e.is_current = Set(false);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_within_word_limits() {
        let rows = demo_nominations(1, 7, 20, Utc::now());
        assert_eq!(rows.len(), 360);
        for r in rows {
            let d = r.short_description.clone().unwrap();
            let n = word_count(&d);
            assert!((150..=200).contains(&n), "{n} words: {d}");
        }
    }

    #[test]
    fn demo_schedule_has_voting_open_now() {
        let now = Utc::now();
        let v = model(demo_edition(2026, now), now).view();
        assert_eq!(v.schedule.validate(), Ok(()));
        assert_eq!(v.phase_at(now), crate::phase::Phase::Open(crate::phase::PhaseKind::Voting));
        assert!(v.is_current);
    }

    #[test]
    fn next_demo_edition_has_submission_open_now() {
        use crate::phase::{Phase, PhaseKind};
        let now = Utc::now();
        let v = model(next_demo_edition(2027, now), now).view();
        assert_eq!(v.schedule.validate(), Ok(()));
        assert_eq!(v.phase_at(now), Phase::Open(PhaseKind::Submission));
        assert!(!v.is_current);
        assert!(v.schedule.screening.opens > now && v.schedule.voting.opens > now);
    }

    fn model(e: edition::ActiveModel, now: DateTime<Utc>) -> edition::Model {
        edition::Model {
            id: 1,
            uuid: e.uuid.clone().unwrap(),
            year: e.year.clone().unwrap(),
            title: String::new(),
            time_zone: String::new(),
            submission_opens: e.submission_opens.clone().unwrap(),
            submission_closes: e.submission_closes.clone().unwrap(),
            screening_opens: e.screening_opens.clone().unwrap(),
            screening_closes: e.screening_closes.clone().unwrap(),
            voting_opens: e.voting_opens.clone().unwrap(),
            voting_closes: e.voting_closes.clone().unwrap(),
            review_opens: e.review_opens.clone().unwrap(),
            review_closes: e.review_closes.clone().unwrap(),
            announcement_at: e.announcement_at.clone().unwrap(),
            champions_per_category: 5,
            complete_ballot: false,
            submissions_per_entity: 1,
            max_winners_per_category: 1,
            experts_see_scores: true,
            publish_vote_counts: true,
            results_released_at: None,
            champions_computed_at: None,
            is_current: e.is_current.clone().unwrap(),
            rubric: None,
            letters_sent_at: None,
            created_at: now,
            friction_votes_per_address: 200,
            friction_votes_per_network: 2000,
            friction_sign_ins_per_address: 20,
            opinions_per_project: 2,
            remind_drafts_hours: 48,
            remind_reviews_hours: 48,
            drafts_reminded_at: None,
            reviews_reminded_at: None,
        }
    }
}
