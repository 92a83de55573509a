//! Project descriptions submitted to the Prizes, and the rules they must pass.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::keyed_enum! {
    /// Where a project stands: a draft, submitted, screened (nominee or rejected), and
    /// once the results are released champion or winner.
    pub enum NominationStatus {
        Draft = "draft",
        Submitted = "submitted",
        Nominee = "nominee",
        Rejected = "rejected",
        Champion = "champion",
        Winner = "winner",
    }
}

impl NominationStatus {
    /// Nominees, champions and winners are all on the public ballot.
    pub const ON_BALLOT: [NominationStatus; 3] = [NominationStatus::Nominee, NominationStatus::Champion, NominationStatus::Winner];

    pub fn on_ballot(self) -> bool {
        Self::ON_BALLOT.contains(&self)
    }
}

crate::keyed_enum! {
    /// ITU regions.
    pub enum Region {
        Africa = "africa",
        Americas = "americas",
        ArabStates = "arab-states",
        AsiaPacific = "asia-pacific",
        Cis = "cis",
        Europe = "europe",
    }
}

crate::keyed_enum! {
    pub enum StakeholderType {
        Government = "government",
        PrivateSector = "private-sector",
        CivilSociety = "civil-society",
        Academia = "academia",
        InternationalOrganisation = "international-organisation",
    }
}

pub const SHORT_DESCRIPTION_MIN_WORDS: usize = 150;
pub const SHORT_DESCRIPTION_MAX_WORDS: usize = 200;

/// Words as a reader counts them: runs of characters between whitespace.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The 150–200-word text voters read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortDescription(String);

impl ShortDescription {
    pub fn parse(text: &str) -> Result<Self, String> {
        let n = word_count(text);
        if n < SHORT_DESCRIPTION_MIN_WORDS {
            Err(format!(
                "The short description has {n} words; it needs at least {SHORT_DESCRIPTION_MIN_WORDS}."
            ))
        } else if n > SHORT_DESCRIPTION_MAX_WORDS {
            Err(format!(
                "The short description has {n} words; it may have at most {SHORT_DESCRIPTION_MAX_WORDS}."
            ))
        } else {
            Ok(ShortDescription(text.trim().to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a list of SDG numbers ("3, 4,17") into sorted distinct goals 1–17.
pub fn parse_sdgs(input: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for part in input.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty()) {
        let n: u8 = part.parse().map_err(|_| format!("“{part}” is not a Sustainable Development Goal number."))?;
        if !(1..=17).contains(&n) {
            return Err(format!("There is no SDG {n}: goals are numbered 1 to 17."));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The Sustainable Development Goals a project links to: distinct, sorted, each 1–17
/// (stored as `4,10,17`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SdgList(Vec<u8>);

impl SdgList {
    /// The ticked goals of a form (each entry may itself be a comma-separated list).
    pub fn parse(items: &[String]) -> Result<Self, String> {
        parse_sdgs(&items.join(",")).map(SdgList)
    }

    pub fn goals(&self) -> &[u8] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for SdgList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(","))
    }
}

impl std::str::FromStr for SdgList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_sdgs(s).map(SdgList)
    }
}

/// A choice from a list that a draft may leave empty (stored as its key, or empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Choice<T>(pub Option<T>);

impl<T> Default for Choice<T> {
    fn default() -> Self {
        Choice(None)
    }
}

impl<T: crate::Keyed> Choice<T> {
    /// The chosen key, empty when nothing is chosen.
    pub fn key(&self) -> &'static str {
        self.0.map_or("", T::key)
    }

    /// The choice a key names (nothing for an empty or unknown key).
    pub fn parse(s: &str) -> Self {
        Choice(T::parse(s))
    }
}

/// A nominee as listed on a category page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomineeCard {
    pub id: Uuid,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub region: Region,
    pub stakeholder_type: StakeholderType,
    pub excerpt: String,
}

/// A nominee with its full project description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomineeDetail {
    pub id: Uuid,
    pub edition_year: i32,
    pub category_slug: String,
    pub category_code: String,
    pub category_name: String,
    pub title: String,
    pub short_description: String,
    pub action_line_linkage: String,
    pub sdgs: Vec<u8>,
    pub impact_qualitative: String,
    pub impact_quantitative: String,
    pub partnerships: String,
    pub challenges: String,
    pub organisation: String,
    pub country: String,
    pub region: Region,
    pub stakeholder_type: StakeholderType,
    pub website: String,
    pub status: NominationStatus,
}

/// The first words of a text, for listings.
pub fn excerpt(text: &str, words: usize) -> String {
    let mut it = text.split_whitespace();
    let head: Vec<&str> = it.by_ref().take(words).collect();
    let mut s = head.join(" ");
    if it.next().is_some() {
        s.push('…');
    }
    s
}

// ---------------------------------------------------------------------------------------
// Submitting a project: the form's fields, their rules, and eligibility.

/// The project form as sent by the browser: every field a string, so that a draft may be
/// saved with any of them empty. `sdgs` holds the ticked goals (each entry may itself be a
/// comma-separated list, for API callers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NominationInput {
    pub category: String,
    pub title: String,
    pub short_description: String,
    pub action_line_linkage: String,
    pub sdgs: Vec<String>,
    pub impact_qualitative: String,
    pub impact_quantitative: String,
    pub partnerships: String,
    pub challenges: String,
    pub organisation: String,
    pub stakeholder_type: String,
    pub country: String,
    pub region: String,
    pub website: String,
    pub contact: String,
}

pub const TITLE_MAX: usize = 200;
pub const LONG_TEXT_MAX: usize = 3000;

/// A project description that passed every field rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNomination {
    pub category: u8,
    pub title: String,
    pub short_description: String,
    pub action_line_linkage: String,
    pub sdgs: SdgList,
    pub impact_qualitative: String,
    pub impact_quantitative: String,
    pub partnerships: String,
    pub challenges: String,
    pub organisation: String,
    pub stakeholder_type: StakeholderType,
    pub country: String,
    pub region: Region,
    pub website: String,
    pub contact: String,
}

type FieldErrors = Vec<(String, String)>;

fn field<T>(errors: &mut FieldErrors, name: &str, r: Result<T, String>) -> Option<T> {
    r.map_err(|m| errors.push((name.to_string(), m))).ok()
}

/// The category named by its slug, code or position (1–18).
pub fn parse_category(input: &str) -> Option<u8> {
    let s = input.trim();
    if let Ok(n) = s.parse::<u8>() {
        return (1..=18).contains(&n).then_some(n);
    }
    crate::category::by_slug(s).or_else(|| crate::category::by_code(s)).map(|c| c.position)
}


pub fn check_website(input: &str) -> Result<String, String> {
    let v = crate::account::check_text("The website", input, true, 500)?;
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && host.contains('.') && !v.chars().any(char::is_whitespace) => Ok(v),
        _ => Err(format!("“{v}” is not a web address: it should start with https://.")),
    }
}

pub fn check_contact(input: &str) -> Result<String, String> {
    crate::account::Email::parse(input)
        .map(|e| e.as_str().to_string())
        .map_err(|_| "The contact must be an e-mail address (name@example.org).".to_string())
}

/// A project description as a draft keeps it: any field may be empty, but what is there
/// is well-formed (a known category and choices, no overlong or malformed text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftNomination {
    pub category: u8,
    pub title: String,
    pub short_description: String,
    pub action_line_linkage: String,
    pub sdgs: SdgList,
    pub impact_qualitative: String,
    pub impact_quantitative: String,
    pub partnerships: String,
    pub challenges: String,
    pub organisation: String,
    pub stakeholder_type: Choice<StakeholderType>,
    pub country: String,
    pub region: Choice<Region>,
    pub website: String,
    pub contact: String,
}

/// A complete submission is a draft with every field.
impl From<&ValidNomination> for DraftNomination {
    fn from(v: &ValidNomination) -> Self {
        DraftNomination {
            category: v.category,
            title: v.title.clone(),
            short_description: v.short_description.clone(),
            action_line_linkage: v.action_line_linkage.clone(),
            sdgs: v.sdgs.clone(),
            impact_qualitative: v.impact_qualitative.clone(),
            impact_quantitative: v.impact_quantitative.clone(),
            partnerships: v.partnerships.clone(),
            challenges: v.challenges.clone(),
            organisation: v.organisation.clone(),
            stakeholder_type: Choice(Some(v.stakeholder_type)),
            country: v.country.clone(),
            region: Choice(Some(v.region)),
            website: v.website.clone(),
            contact: v.contact.clone(),
        }
    }
}

/// A draft's choice from a list: empty, or one of the list (else a field error).
fn choice<T>(errors: &mut FieldErrors, name: &str, value: &str, parse: fn(&str) -> Option<T>, message: &str) -> Choice<T> {
    match value.trim() {
        "" => Choice(None),
        v => {
            let c = parse(v);
            if c.is_none() {
                errors.push((name.to_string(), message.to_string()));
            }
            Choice(c)
        }
    }
}

/// What a draft must already satisfy: known category and choices, no overlong or
/// malformed text. Empty fields are allowed.
pub fn check_draft(input: &NominationInput) -> Result<DraftNomination, FieldErrors> {
    let mut e = Vec::new();
    let category = field(&mut e, "category", parse_category(&input.category).ok_or_else(|| "Please choose one of the 18 categories.".to_string()));
    let mut text = |name: &str, label: &str, value: &str, max: usize| {
        field(&mut e, name, crate::account::check_text(label, value, false, max)).unwrap_or_default()
    };
    let title = text("title", "The title", &input.title, TITLE_MAX);
    let short_description = text("short_description", "The short description", &input.short_description, LONG_TEXT_MAX);
    let action_line_linkage = text("action_line_linkage", "The linkage with the Action Line", &input.action_line_linkage, LONG_TEXT_MAX);
    let impact_qualitative = text("impact_qualitative", "The qualitative impact", &input.impact_qualitative, LONG_TEXT_MAX);
    let impact_quantitative = text("impact_quantitative", "The quantitative impact", &input.impact_quantitative, LONG_TEXT_MAX);
    let partnerships = text("partnerships", "The partnerships", &input.partnerships, LONG_TEXT_MAX);
    let challenges = text("challenges", "The challenges and future perspectives", &input.challenges, LONG_TEXT_MAX);
    let organisation = text("organisation", "The organisation", &input.organisation, 200);
    let country = text("country", "The country", &input.country, 100);
    let website = text("website", "The website", &input.website, 500);
    let contact = text("contact", "The contact", &input.contact, 254);
    let sdgs = field(&mut e, "sdgs", SdgList::parse(&input.sdgs)).unwrap_or_default();
    let stakeholder_type = choice(&mut e, "stakeholder_type", &input.stakeholder_type, StakeholderType::parse, "Please choose a stakeholder type from the list.");
    let region = choice(&mut e, "region", &input.region, Region::parse, "Please choose a region from the list.");
    match category {
        Some(category) if e.is_empty() => Ok(DraftNomination {
            category,
            title,
            short_description,
            action_line_linkage,
            sdgs,
            impact_qualitative,
            impact_quantitative,
            partnerships,
            challenges,
            organisation,
            stakeholder_type,
            country,
            region,
            website,
            contact,
        }),
        _ => Err(e),
    }
}

/// Every rule a submission must pass; each failing field is named.
pub fn check_submission(input: &NominationInput) -> Result<ValidNomination, FieldErrors> {
    use crate::account::check_text;
    let mut e = Vec::new();
    let category = field(&mut e, "category", parse_category(&input.category).ok_or_else(|| "Please choose one of the 18 categories.".to_string()));
    let title = field(&mut e, "title", check_text("The title", &input.title, true, TITLE_MAX));
    let short = field(&mut e, "short_description", check_text("The short description", &input.short_description, true, LONG_TEXT_MAX))
        .and_then(|t| field(&mut e, "short_description", ShortDescription::parse(&t)));
    let long = |e: &mut FieldErrors, name: &str, label: &str, v: &str| field(e, name, check_text(label, v, true, LONG_TEXT_MAX));
    let linkage = long(&mut e, "action_line_linkage", "The linkage with the Action Line", &input.action_line_linkage);
    let sdgs = field(&mut e, "sdgs", SdgList::parse(&input.sdgs).and_then(|v| {
        if v.is_empty() { Err("Please choose at least one Sustainable Development Goal.".to_string()) } else { Ok(v) }
    }));
    let qual = long(&mut e, "impact_qualitative", "The qualitative impact", &input.impact_qualitative);
    let quant = long(&mut e, "impact_quantitative", "The quantitative impact", &input.impact_quantitative);
    let partnerships = long(&mut e, "partnerships", "The partnerships", &input.partnerships);
    let challenges = long(&mut e, "challenges", "The challenges and future perspectives", &input.challenges);
    let organisation = field(&mut e, "organisation", check_text("The organisation", &input.organisation, true, 200));
    let stakeholder = field(&mut e, "stakeholder_type", StakeholderType::parse(input.stakeholder_type.trim()).ok_or_else(|| "Please choose a stakeholder type.".to_string()));
    let country = field(&mut e, "country", check_text("The country", &input.country, true, 100));
    let region = field(&mut e, "region", Region::parse(input.region.trim()).ok_or_else(|| "Please choose a region.".to_string()));
    let website = field(&mut e, "website", check_website(&input.website));
    let contact = field(&mut e, "contact", check_contact(&input.contact));
    if !e.is_empty() {
        return Err(e);
    }
    match (category, title, short, linkage, sdgs, qual, quant, partnerships, challenges, organisation, stakeholder, country, region, website, contact) {
        (Some(category), Some(title), Some(short), Some(linkage), Some(sdgs), Some(qual), Some(quant), Some(partnerships), Some(challenges), Some(organisation), Some(stakeholder_type), Some(country), Some(region), Some(website), Some(contact)) => {
            Ok(ValidNomination {
                category,
                title,
                short_description: short.as_str().to_string(),
                action_line_linkage: linkage,
                sdgs,
                impact_qualitative: qual,
                impact_quantitative: quant,
                partnerships,
                challenges,
                organisation,
                stakeholder_type,
                country,
                region,
                website,
                contact,
            })
        }
        _ => Err(vec![("form".into(), "The form is incomplete.".into())]),
    }
}

/// Names compared as people read them: case, surrounding and repeated spaces ignored.
pub fn same_name(a: &str, b: &str) -> bool {
    normalise_name(a) == normalise_name(b)
}

pub fn normalise_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A project already in the database, as eligibility sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorEntry {
    pub edition_year: i32,
    pub category: u8,
    pub title: String,
    pub organisation: String,
    pub status: NominationStatus,
}

/// Eligibility of a submission among the projects already submitted: the organisation's
/// quota per category in this edition, a title already submitted in this edition, and a
/// project that won in an earlier edition. `prior` excludes the submission itself and
/// drafts; each refusal names its field and says why.
pub fn check_eligibility(
    candidate: &ValidNomination,
    edition_year: i32,
    submissions_per_entity: u32,
    prior: &[PriorEntry],
) -> Result<(), FieldErrors> {
    let mut e = Vec::new();
    let same_edition = prior.iter().filter(|p| p.edition_year == edition_year && p.status != NominationStatus::Draft);
    let quota_used = same_edition
        .clone()
        .filter(|p| p.category == candidate.category && same_name(&p.organisation, &candidate.organisation))
        .count();
    if quota_used >= submissions_per_entity as usize {
        let code = crate::category::CATEGORIES.get(usize::from(candidate.category).saturating_sub(1)).map_or("", |c| c.code);
        e.push((
            "organisation".into(),
            format!(
                "{} has already submitted {quota_used} project(s) in category {code} this year; the limit is {submissions_per_entity} per organisation and category.",
                candidate.organisation
            ),
        ));
    }
    if same_edition.clone().any(|p| same_name(&p.title, &candidate.title)) {
        e.push(("title".into(), format!("A project titled “{}” has already been submitted this year.", candidate.title)));
    }
    if let Some(w) = prior
        .iter()
        .filter(|p| p.edition_year < edition_year && p.status == NominationStatus::Winner)
        .find(|p| same_name(&p.title, &candidate.title))
    {
        e.push((
            "title".into(),
            format!("“{}” already won the WSIS Prizes {}; winning projects cannot be submitted again.", w.title, w.edition_year),
        ));
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// Standard reasons for refusing a submission at screening (key, text).
pub const REJECTION_REASONS: [(&str, &str); 6] = [
    ("incomplete", "The description is incomplete or does not describe a project."),
    ("category", "The project does not fit the chosen category."),
    ("not-implemented", "The project has not yet been implemented."),
    ("promotional", "The description promotes a product rather than describing a project."),
    ("ineligible", "The organisation or project does not meet the eligibility criteria."),
    ("other", "Other reason."),
];

/// The reason stored and e-mailed for a rejection: the chosen standard reason and the
/// screener's words. At least one of them is needed.
pub fn rejection_text(reason_key: &str, free_text: &str) -> Result<String, String> {
    let free = crate::account::check_text("The reason", free_text, false, 1000)?;
    let standard = REJECTION_REASONS.iter().find(|(k, _)| *k == reason_key.trim()).filter(|(k, _)| *k != "other").map(|(_, t)| *t);
    match (standard, free.is_empty()) {
        (None, true) => Err("Please give a reason for the rejection.".into()),
        (Some(s), true) => Ok(s.to_string()),
        (None, false) => Ok(free),
        (Some(s), false) => Ok(format!("{s} {free}")),
    }
}

/// A screening decision as the screening form sends it: the decision (`nominee`/`accept`
/// or `rejected`/`reject`), a standard reason's key and the screener's own words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub reason_text: String,
}

impl DecisionForm {
    /// The decision and, for a rejection, the reason to store and e-mail.
    pub fn parse(&self) -> Result<(Decision, Option<String>), Vec<(String, String)>> {
        let d = Decision::from_form(&self.decision)
            .ok_or_else(|| vec![("decision".to_string(), "Choose to accept the project as a nominee or to reject it.".to_string())])?;
        let reason = match d {
            Decision::Nominee => None,
            Decision::Rejected => Some(rejection_text(&self.reason, &self.reason_text).map_err(|m| vec![("reason".to_string(), m)])?),
        };
        Ok((d, reason))
    }
}

/// Most characters of the reason for an extension or a submission on a team's behalf.
pub const ADMIN_REASON_CHARS: usize = 500;

/// An admin's extension of one draft's deadline, as the form sends it: the new deadline
/// (Geneva time, as the schedule's fields) and the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

impl ExtensionForm {
    /// The draft's own deadline and the reason: later than the edition's deadline and than
    /// now, and no later than screening closes (the screeners need the project in time).
    pub fn parse(
        &self,
        submission_closes: chrono::DateTime<chrono::Utc>,
        screening_closes: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(chrono::DateTime<chrono::Utc>, String), Vec<(String, String)>> {
        let mut errors = Vec::new();
        let reason = admin_reason(&self.reason).map_err(|m| errors.push(("reason".to_string(), m))).ok();
        let until = match crate::time::parse_geneva(&self.until) {
            Err(_) => {
                errors.push(("until".to_string(), "Give the new deadline as a date and time.".to_string()));
                None
            }
            Ok(t) if t <= submission_closes || t <= now => {
                errors.push(("until".to_string(), format!("The new deadline must be later than the edition's deadline ({}) and than now.", crate::time::geneva_label(submission_closes))));
                None
            }
            Ok(t) if t > screening_closes => {
                errors.push(("until".to_string(), format!("The new deadline can be no later than screening closes ({}).", crate::time::geneva_label(screening_closes))));
                None
            }
            Ok(t) => Some(t),
        };
        match (until, reason) {
            (Some(u), Some(r)) if errors.is_empty() => Ok((u, r)),
            _ => Err(errors),
        }
    }
}

/// The reason an admin gives for acting on one project: required, at most
/// [`ADMIN_REASON_CHARS`] characters.
pub fn admin_reason(input: &str) -> Result<String, String> {
    let r = input.trim();
    if r.is_empty() {
        return Err("Give the reason (the team's request, for the record).".to_string());
    }
    if r.chars().count() > ADMIN_REASON_CHARS {
        return Err(format!("The reason may have at most {ADMIN_REASON_CHARS} characters."));
    }
    Ok(r.to_string())
}

/// Whether a team may still change and submit its draft at `now`: the edition's
/// submission window is open, or the draft's own extended deadline is ahead — never past
/// the close of screening (`latest`), even when the schedule moved it earlier since.
pub fn team_may_edit(
    opens: chrono::DateTime<chrono::Utc>,
    closes: chrono::DateTime<chrono::Utc>,
    extended_until: Option<chrono::DateTime<chrono::Utc>>,
    latest: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    now >= opens && (now < closes || extended_until.is_some_and(|u| now < u.min(latest)))
}

crate::keyed_enum! {
    /// A screening decision.
    pub enum Decision {
        Nominee = "nominee",
        Rejected = "rejected",
    }
}

impl Decision {
    /// A decision as the screening form names it (its key, or `accept` / `reject`).
    pub fn from_form(s: &str) -> Option<Self> {
        match s.trim() {
            "accept" => Some(Decision::Nominee),
            "reject" => Some(Decision::Rejected),
            other => Decision::parse(other),
        }
    }

    pub fn status(self) -> NominationStatus {
        match self {
            Decision::Nominee => NominationStatus::Nominee,
            Decision::Rejected => NominationStatus::Rejected,
        }
    }
}

/// One project as its submitter (or a screener) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionView {
    pub id: Uuid,
    pub edition_year: i32,
    pub category_slug: String,
    pub category_code: String,
    pub category_name: String,
    pub input: NominationInput,
    pub status: NominationStatus,
    pub rejection_reason: Option<String>,
    /// Still a draft and the submission window of its edition is open.
    pub editable: bool,
    pub submission_closes: chrono::DateTime<chrono::Utc>,
    /// This project's own deadline, when an admin extended it.
    #[serde(default)]
    pub extended_until: Option<chrono::DateTime<chrono::Utc>>,
    /// For a champion's or winner's team, once the results are released.
    #[serde(default)]
    pub feedback: Option<crate::review::Feedback>,
    /// The project's team, for its members.
    #[serde(default)]
    pub team: Option<crate::team::TeamView>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A draft not submitted, as the secretariat sees it (to extend its deadline or submit it
/// on the team's behalf).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftItem {
    pub id: Uuid,
    pub title: String,
    pub organisation: String,
    pub owner_email: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub extended_until: Option<chrono::DateTime<chrono::Utc>>,
    pub extension_reason: Option<String>,
}

/// Where submission stands now, for the form page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionWindow {
    /// The edition whose submission phase is open now, with its deadline.
    pub open: Option<(i32, chrono::DateTime<chrono::Utc>)>,
    /// Otherwise the next edition's opening, if one is scheduled.
    pub next_opens: Option<(i32, chrono::DateTime<chrono::Utc>)>,
    /// Otherwise the deadline that passed most recently.
    pub last_closed: Option<(i32, chrono::DateTime<chrono::Utc>)>,
}

/// A submission in the screening queue, with its staged (unreleased) decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningItem {
    pub submission: SubmissionView,
    pub pending_decision: Option<Decision>,
    pub pending_reason: Option<String>,
    /// The expert group's opinions on the project, and how they stand.
    #[serde(default)]
    pub opinions: Vec<crate::screening::OpinionView>,
    #[serde(default)]
    pub agreement: crate::screening::Agreement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningCategory {
    pub slug: String,
    pub code: String,
    pub name: String,
    /// Every project submitted (whatever became of it).
    pub submitted: u32,
    /// Released as nominee (or later champion or winner).
    pub accepted: u32,
    /// Released as rejected.
    pub rejected: u32,
    /// Decisions staged and not yet released.
    pub pending: u32,
    /// Submitted and not yet decided.
    pub undecided: u32,
    pub items: Vec<ScreeningItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningQueue {
    pub edition_year: i32,
    pub submission_closes: chrono::DateTime<chrono::Utc>,
    /// Decisions may be staged now (submission closed, voting not open).
    pub screening_open: bool,
    /// Every category with its counters; only the one named by `category` lists its items
    /// (a real edition has about a thousand submissions: the page loads one category).
    pub categories: Vec<ScreeningCategory>,
    /// The slug of the category whose items are listed.
    pub category: String,
    /// The drafts of that category not submitted.
    #[serde(default)]
    pub drafts: Vec<DraftItem>,
    /// The screening phase's end: the latest a draft's deadline can be extended to.
    pub screening_closes: chrono::DateTime<chrono::Utc>,
}

impl ScreeningQueue {
    pub fn pending_total(&self) -> u32 {
        self.categories.iter().map(|c| c.pending).sum()
    }
}

/// The category the screening page lists: the one asked for (an unknown slug is refused),
/// otherwise the first with undecided submissions, then the first with staged decisions,
/// then the first with any submission, then the first category.
pub fn screening_category<'a>(categories: &'a [ScreeningCategory], asked: &str) -> Result<&'a ScreeningCategory, String> {
    let asked = asked.trim();
    if !asked.is_empty() {
        return categories.iter().find(|c| c.slug == asked).ok_or_else(|| format!("There is no category “{asked}”."));
    }
    categories
        .iter()
        .find(|c| c.undecided > 0)
        .or_else(|| categories.iter().find(|c| c.pending > 0))
        .or_else(|| categories.iter().find(|c| c.submitted > 0))
        .or_else(|| categories.first())
        .ok_or_else(|| format!("There is no category “{asked}”."))
}

#[cfg(test)]
mod extension_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    #[test]
    fn an_extension_is_after_the_deadline_and_before_screening_closes() {
        let closes = Utc.with_ymd_and_hms(2027, 2, 1, 22, 0, 0).unwrap();
        let screening = closes + Duration::days(30);
        let now = closes - Duration::hours(2);
        let form = |until: chrono::DateTime<Utc>, reason: &str| ExtensionForm { until: crate::time::geneva_input_value(until), reason: reason.into() };
        let (u, r) = form(closes + Duration::days(3), " Power cut at the team's office ").parse(closes, screening, now).unwrap();
        assert_eq!((u, r.as_str()), (closes + Duration::days(3), "Power cut at the team's office"));
        let fields = |f: ExtensionForm| f.parse(closes, screening, now).unwrap_err().into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(fields(form(closes, "x")), ["until"], "not the same deadline");
        assert_eq!(fields(form(screening + Duration::hours(1), "x")), ["until"], "not past screening");
        assert_eq!(fields(form(closes + Duration::days(1), "  ")), ["reason"]);
        assert_eq!(fields(ExtensionForm { until: "tomorrow".into(), reason: "x".repeat(501) }), ["reason", "until"]);
        // later than now too: an extension given after the deadline ends in the future
        let late = closes + Duration::days(2);
        assert!(form(closes + Duration::days(1), "x").parse(closes, screening, late).is_err());
    }

    proptest! {
        /// A team edits inside the window, or before its own later deadline and the close of
        /// screening; never before the window opens, never after both.
        #[test]
        fn teams_edit_inside_the_window_or_their_extension(now_h in -100i64..400, ext_h in proptest::option::of(-50i64..400), latest_h in 150i64..350) {
            let opens = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
            let closes = opens + Duration::hours(200);
            let now = opens + Duration::hours(now_h);
            let ext = ext_h.map(|h| opens + Duration::hours(h));
            let latest = opens + Duration::hours(latest_h);
            let expected = now_h >= 0 && (now_h < 200 || ext_h.is_some_and(|h| now_h < h.min(latest_h)));
            prop_assert_eq!(team_may_edit(opens, closes, ext, latest, now), expected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(n: usize) -> String {
        vec!["word"; n].join(" ")
    }


    fn complete() -> NominationInput {
        NominationInput {
            category: "c4".into(),
            title: "Rural Coding Clubs".into(),
            short_description: words(160),
            action_line_linkage: "Builds digital skills (C4).".into(),
            sdgs: vec!["4".into(), "5,10".into()],
            impact_qualitative: "Confidence.".into(),
            impact_quantitative: "2,000 pupils.".into(),
            partnerships: "Schools.".into(),
            challenges: "Connectivity.".into(),
            organisation: "Coding Foundation".into(),
            stakeholder_type: "civil-society".into(),
            country: "Kenya".into(),
            region: "africa".into(),
            website: "https://example.org".into(),
            contact: "team@example.org".into(),
        }
    }

    fn fields_of(e: &[(String, String)]) -> Vec<&str> {
        e.iter().map(|(f, _)| f.as_str()).collect()
    }

    #[test]
    fn word_count_counts_words_between_any_whitespace() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  one\ttwo\n\nthree  "), 3);
        assert_eq!(word_count("e-government, ICT4D!"), 2);
    }

    #[test]
    fn complete_submission_passes() {
        let v = check_submission(&complete()).unwrap();
        assert_eq!(v.category, 4);
        assert_eq!(v.sdgs.goals(), [4, 5, 10]);
        assert_eq!(v.sdgs.to_string(), "4,5,10");
        assert_eq!("4,5,10".parse::<SdgList>().unwrap(), v.sdgs);
        assert_eq!(v.region, Region::Africa);
        assert_eq!(v.contact, "team@example.org");
    }

    #[test]
    fn every_field_rule_names_its_field() {
        let e = check_submission(&NominationInput::default()).unwrap_err();
        let names = fields_of(&e);
        for f in [
            "category", "title", "short_description", "action_line_linkage", "sdgs", "impact_qualitative",
            "impact_quantitative", "partnerships", "challenges", "organisation", "stakeholder_type", "country",
            "region", "website", "contact",
        ] {
            assert!(names.contains(&f), "{f} missing from {names:?}");
        }
        let cases: Vec<(&str, Box<dyn Fn(&mut NominationInput)>)> = vec![
            ("category", Box::new(|i| i.category = "c99".into())),
            ("title", Box::new(|i| i.title = "x".repeat(TITLE_MAX + 1))),
            ("title", Box::new(|i| i.title = "bad\u{7}".into())),
            ("short_description", Box::new(|i| i.short_description = words(149))),
            ("short_description", Box::new(|i| i.short_description = words(201))),
            ("sdgs", Box::new(|i| i.sdgs = vec!["18".into()])),
            ("sdgs", Box::new(|i| i.sdgs = vec![])),
            ("impact_quantitative", Box::new(|i| i.impact_quantitative = "x".repeat(LONG_TEXT_MAX + 1))),
            ("stakeholder_type", Box::new(|i| i.stakeholder_type = "lobby".into())),
            ("region", Box::new(|i| i.region = "mars".into())),
            ("website", Box::new(|i| i.website = "example.org".into())),
            ("website", Box::new(|i| i.website = "https://exa mple.org".into())),
            ("contact", Box::new(|i| i.contact = "nobody".into())),
        ];
        for (name, change) in cases {
            let mut i = complete();
            change(&mut i);
            let e = check_submission(&i).unwrap_err();
            assert_eq!(fields_of(&e), vec![name], "{e:?}");
        }
        let mut i = complete();
        i.short_description = words(120);
        let e = check_submission(&i).unwrap_err();
        assert!(e[0].1.contains("120"), "the message gives the count: {}", e[0].1);
    }

    #[test]
    fn drafts_accept_partial_content_but_not_wrong_choices() {
        let partial = NominationInput { category: "c7-e-health".into(), title: "Half done".into(), ..Default::default() };
        assert_eq!(check_draft(&partial).map(|d| d.category), Ok(10));
        assert_eq!(check_draft(&NominationInput { category: "3".into(), ..Default::default() }).map(|d| d.category), Ok(3));
        let e = check_draft(&NominationInput { category: "".into(), region: "mars".into(), sdgs: vec!["0".into()], ..Default::default() }).unwrap_err();
        assert_eq!(fields_of(&e), vec!["category", "sdgs", "region"]);
        let e = check_draft(&NominationInput { category: "c1".into(), title: "x".repeat(201), ..Default::default() }).unwrap_err();
        assert_eq!(fields_of(&e), vec!["title"]);
    }

    fn prior(year: i32, category: u8, title: &str, org: &str, status: NominationStatus) -> PriorEntry {
        PriorEntry { edition_year: year, category, title: title.into(), organisation: org.into(), status }
    }

    #[test]
    fn eligibility_quota_per_organisation_and_category() {
        let v = check_submission(&complete()).unwrap();
        assert_eq!(check_eligibility(&v, 2027, 1, &[]), Ok(()));
        let same_org = [prior(2027, 4, "Another project", "  coding   FOUNDATION ", NominationStatus::Submitted)];
        let e = check_eligibility(&v, 2027, 1, &same_org).unwrap_err();
        assert_eq!(fields_of(&e), vec!["organisation"]);
        assert!(e[0].1.contains("limit is 1"), "{}", e[0].1);
        assert_eq!(check_eligibility(&v, 2027, 2, &same_org), Ok(()), "a higher edition rule allows it");
        // other category, other edition, drafts: do not count
        let others = [
            prior(2027, 5, "Another project", "Coding Foundation", NominationStatus::Submitted),
            prior(2026, 4, "Old project", "Coding Foundation", NominationStatus::Nominee),
            prior(2027, 4, "My draft", "Coding Foundation", NominationStatus::Draft),
        ];
        assert_eq!(check_eligibility(&v, 2027, 1, &others), Ok(()));
    }

    #[test]
    fn eligibility_duplicate_title_and_past_winner() {
        let v = check_submission(&complete()).unwrap();
        let dup = [prior(2027, 9, "RURAL coding clubs", "Someone else", NominationStatus::Submitted)];
        let e = check_eligibility(&v, 2027, 1, &dup).unwrap_err();
        assert_eq!(fields_of(&e), vec!["title"]);
        assert!(e[0].1.contains("already been submitted"));
        let won = [prior(2024, 4, "Rural Coding Clubs", "Someone", NominationStatus::Winner)];
        let e = check_eligibility(&v, 2027, 1, &won).unwrap_err();
        assert!(e[0].1.contains("already won the WSIS Prizes 2024"), "{}", e[0].1);
        let not_won = [prior(2024, 4, "Rural Coding Clubs", "Someone", NominationStatus::Champion)];
        assert_eq!(check_eligibility(&v, 2027, 1, &not_won), Ok(()), "a champion that did not win may return");
    }

    #[test]
    fn rejection_reasons() {
        assert!(rejection_text("", "  ").is_err());
        assert!(rejection_text("other", "").is_err());
        assert_eq!(rejection_text("category", "").unwrap(), REJECTION_REASONS[1].1);
        assert!(rejection_text("category", "Belongs in C7 e-health.").unwrap().ends_with("Belongs in C7 e-health."));
        assert_eq!(rejection_text("other", "Spam.").unwrap(), "Spam.");
        assert_eq!(Decision::from_form("accept"), Some(Decision::Nominee));
        assert_eq!(Decision::from_form("x"), None);
    }

    #[test]
    fn short_description_bounds() {
        assert!(ShortDescription::parse(&words(149)).is_err());
        assert!(ShortDescription::parse(&words(150)).is_ok());
        assert!(ShortDescription::parse(&words(200)).is_ok());
        let e = ShortDescription::parse(&words(201)).unwrap_err();
        assert!(e.contains("201"), "{e}");
    }

    #[test]
    fn sdg_parsing() {
        assert_eq!(parse_sdgs("17, 3 4,3").unwrap(), vec![3, 4, 17]);
        assert!(parse_sdgs("18").is_err());
        assert!(parse_sdgs("x").is_err());
        assert_eq!(parse_sdgs("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn keys_round_trip() {
        for s in NominationStatus::ALL {
            assert_eq!(NominationStatus::parse(s.key()), Some(s));
        }
        for r in Region::ALL {
            assert_eq!(Region::parse(r.key()), Some(r));
        }
        for t in StakeholderType::ALL {
            assert_eq!(StakeholderType::parse(t.key()), Some(t));
        }
    }

    proptest! {
        #[test]
        fn word_count_ignores_spacing(ws in proptest::collection::vec("[a-z]{1,8}", 0..300), sep in "[ \t\n]{1,3}") {
            let text = ws.join(&sep);
            prop_assert_eq!(word_count(&text), ws.len());
            let ok = ShortDescription::parse(&text).is_ok();
            prop_assert_eq!(ok, (150..=200).contains(&ws.len()));
        }

        #[test]
        fn excerpt_never_longer_than_asked(ws in proptest::collection::vec("[a-z]{1,8}", 0..60), n in 1usize..40) {
            let e = excerpt(&ws.join(" "), n);
            prop_assert!(word_count(&e) <= n);
        }
    }

    fn counted(slug: &str, submitted: u32, pending: u32, undecided: u32) -> ScreeningCategory {
        ScreeningCategory { slug: slug.into(), code: slug.into(), name: slug.into(), submitted, accepted: submitted - pending - undecided, rejected: 0, pending, undecided, items: Vec::new() }
    }

    #[test]
    fn screening_lists_the_asked_category_or_the_first_with_work_left() {
        let cats = vec![counted("c1", 3, 0, 0), counted("c2", 2, 1, 0), counted("c3", 4, 0, 2), counted("c4", 0, 0, 0)];
        assert_eq!(screening_category(&cats, "").unwrap().slug, "c3", "undecided work first");
        assert_eq!(screening_category(&cats, " c4 ").unwrap().slug, "c4");
        assert!(screening_category(&cats, "c9").unwrap_err().contains("c9"));
        let staged = vec![counted("c1", 3, 0, 0), counted("c2", 2, 1, 0)];
        assert_eq!(screening_category(&staged, "").unwrap().slug, "c2", "then staged decisions");
        let done = vec![counted("c1", 0, 0, 0), counted("c2", 2, 0, 0)];
        assert_eq!(screening_category(&done, "").unwrap().slug, "c2", "then any submission");
        let empty = vec![counted("c1", 0, 0, 0), counted("c2", 0, 0, 0)];
        assert_eq!(screening_category(&empty, "").unwrap().slug, "c1");
        assert!(screening_category(&[], "").is_err());
    }
}
