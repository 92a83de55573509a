//! Participation figures of an edition, public once its results are released: voters and
//! valid votes per category and by the voters' region and country, nominees by stakeholder
//! type and region, and the votes the vote audit removed per category with the category of
//! its reason (never an account, never the raw signal).
//!
//! A voter's country is what their profile says; only the names of [`COUNTRIES`] (and
//! their usual short names) are published, every other text counts as "not stated", so
//! that nothing a voter typed reaches a public page.

use serde::{Deserialize, Serialize};

use crate::nomination::Region;

crate::keyed_enum! {
    /// Why the vote audit removed a vote, as the public sees it.
    pub enum RemovalReason {
        /// Held with every vote from one origin (device and network).
        SharedOrigin = "shared_origin",
        /// Held with a burst of votes for one nominee.
        Burst = "burst",
        /// Held with accounts that voted minutes after they were made.
        NewAccounts = "new_accounts",
        /// Held with one account's votes.
        Account = "account",
        /// Invalidated one by one by the vote audit.
        AuditDecision = "audit_decision",
    }
}

impl RemovalReason {
    /// The reason of a removed vote held by a frozen cluster of `kind`, or of one
    /// invalidated on its own (`None`).
    pub fn of_freeze(kind: Option<&str>) -> RemovalReason {
        use crate::champion::ClusterKind;
        match kind.and_then(ClusterKind::parse) {
            Some(ClusterKind::Origin) => RemovalReason::SharedOrigin,
            Some(ClusterKind::Burst) => RemovalReason::Burst,
            Some(ClusterKind::NewAccounts) => RemovalReason::NewAccounts,
            Some(ClusterKind::Account) => RemovalReason::Account,
            None => RemovalReason::AuditDecision,
        }
    }
}

/// One category's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFigures {
    pub code: String,
    pub slug: String,
    /// Accounts with a valid vote in the category.
    pub voters: u64,
    pub valid_votes: u64,
    /// Votes the vote audit removed.
    pub removed_votes: u64,
    /// Removed votes by reason, most first.
    pub reasons: Vec<(RemovalReason, u64)>,
}

/// Voters and their valid votes from one region or country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaFigures {
    /// A region's key, a country of [`COUNTRIES`], or [`NOT_STATED`].
    pub area: String,
    pub voters: u64,
    pub valid_votes: u64,
}

/// The area of voters whose profile names no country of [`COUNTRIES`].
pub const NOT_STATED: &str = "not_stated";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    pub year: i32,
    pub title: String,
    pub released_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Accounts with at least one valid vote.
    pub voters: u64,
    pub valid_votes: u64,
    pub removed_votes: u64,
    pub categories: Vec<CategoryFigures>,
    /// By the voters' region (keys of [`Region`], then [`NOT_STATED`]), most voters first.
    pub regions: Vec<AreaFigures>,
    /// By the voters' country, most voters first ([`NOT_STATED`] last).
    pub countries: Vec<AreaFigures>,
    pub nominees: u64,
    /// Nominees by stakeholder type key, and by region key, most first.
    pub nominees_by_stakeholder: Vec<(String, u64)>,
    pub nominees_by_region: Vec<(String, u64)>,
}

/// Voters and valid votes per stated country (as profiles spell it) → the published
/// figures per country and per region. Names outside [`COUNTRIES`] merge into
/// [`NOT_STATED`]; every voter counts once, in one country.
pub fn areas(by_profile: &[(String, u64, u64)]) -> (Vec<AreaFigures>, Vec<AreaFigures>) {
    use std::collections::BTreeMap;
    let mut countries: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut regions: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (stated, voters, votes) in by_profile {
        let (country, region) = match country_of(stated) {
            Some((name, region)) => (name.to_string(), region.key().to_string()),
            None => (NOT_STATED.to_string(), NOT_STATED.to_string()),
        };
        for (map, key) in [(&mut countries, country), (&mut regions, region)] {
            let e = map.entry(key).or_default();
            e.0 += voters;
            e.1 += votes;
        }
    }
    let sorted = |m: BTreeMap<String, (u64, u64)>| {
        let mut v: Vec<AreaFigures> = m.into_iter().map(|(area, (voters, valid_votes))| AreaFigures { area, voters, valid_votes }).collect();
        v.sort_by(|a, b| (a.area == NOT_STATED).cmp(&(b.area == NOT_STATED)).then(b.voters.cmp(&a.voters)).then(a.area.cmp(&b.area)));
        v
    };
    (sorted(regions), sorted(countries))
}

/// Counts by key, most first, then by key.
pub fn ranked(counts: impl IntoIterator<Item = (String, u64)>) -> Vec<(String, u64)> {
    let mut m: std::collections::BTreeMap<String, u64> = Default::default();
    for (k, n) in counts {
        *m.entry(k).or_default() += n;
    }
    let mut v: Vec<(String, u64)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The country of [`COUNTRIES`] a profile's text names, with its region.
pub fn country_of(stated: &str) -> Option<(&'static str, Region)> {
    let s = stated.trim().trim_end_matches('.').to_lowercase();
    if s.is_empty() {
        return None;
    }
    let s = ALIASES.iter().find(|(alias, _)| *alias == s).map_or(s.clone(), |(_, name)| name.to_lowercase());
    COUNTRIES.iter().find(|(name, _)| name.to_lowercase() == s).map(|(name, r)| (*name, *r))
}

pub const CSV_HEADERS: [&str; 7] = ["section", "category", "group", "voters", "valid_votes", "removed_votes", "nominees"];

/// The figures as CSV: one row per total, category, removal reason, region, country and
/// nominee group; a cell that does not apply is empty.
pub fn to_csv(p: &Participation) -> String {
    let mut rows: Vec<[String; 7]> = Vec::new();
    let n = |v: u64| v.to_string();
    let e = String::new;
    rows.push(["total".into(), e(), e(), n(p.voters), n(p.valid_votes), n(p.removed_votes), n(p.nominees)]);
    for c in &p.categories {
        rows.push(["category".into(), c.code.clone(), e(), n(c.voters), n(c.valid_votes), n(c.removed_votes), e()]);
        for (r, k) in &c.reasons {
            rows.push(["removed".into(), c.code.clone(), r.key().into(), e(), e(), n(*k), e()]);
        }
    }
    for a in &p.regions {
        rows.push(["voter_region".into(), e(), a.area.clone(), n(a.voters), n(a.valid_votes), e(), e()]);
    }
    for a in &p.countries {
        rows.push(["voter_country".into(), e(), a.area.clone(), n(a.voters), n(a.valid_votes), e(), e()]);
    }
    for (k, v) in &p.nominees_by_stakeholder {
        rows.push(["nominee_stakeholder".into(), e(), k.clone(), e(), e(), e(), n(*v)]);
    }
    for (k, v) in &p.nominees_by_region {
        rows.push(["nominee_region".into(), e(), k.clone(), e(), e(), e(), n(*v)]);
    }
    let mut out = CSV_HEADERS.join(",");
    out.push_str("\r\n");
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| crate::results::csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The member states of ITU by the regions of the WSIS Prizes (the ITU Development
/// Sector's regions), as a voter's profile names them; a few common short names follow.
pub const COUNTRIES: &[(&str, Region)] = {
    use Region::*;
    &[
        // Africa
        ("Angola", Africa), ("Benin", Africa), ("Botswana", Africa), ("Burkina Faso", Africa), ("Burundi", Africa),
        ("Cabo Verde", Africa), ("Cameroon", Africa), ("Central African Republic", Africa), ("Chad", Africa),
        ("Congo", Africa), ("Côte d'Ivoire", Africa), ("Democratic Republic of the Congo", Africa), ("Equatorial Guinea", Africa),
        ("Eritrea", Africa), ("Eswatini", Africa), ("Ethiopia", Africa), ("Gabon", Africa), ("Gambia", Africa), ("Ghana", Africa),
        ("Guinea", Africa), ("Guinea-Bissau", Africa), ("Kenya", Africa), ("Lesotho", Africa), ("Liberia", Africa),
        ("Madagascar", Africa), ("Malawi", Africa), ("Mali", Africa), ("Mauritius", Africa), ("Mozambique", Africa),
        ("Namibia", Africa), ("Niger", Africa), ("Nigeria", Africa), ("Rwanda", Africa), ("Sao Tome and Principe", Africa),
        ("Senegal", Africa), ("Seychelles", Africa), ("Sierra Leone", Africa), ("South Africa", Africa), ("South Sudan", Africa),
        ("Tanzania", Africa), ("Togo", Africa), ("Uganda", Africa), ("Zambia", Africa), ("Zimbabwe", Africa),
        // Americas
        ("Antigua and Barbuda", Americas), ("Argentina", Americas), ("Bahamas", Americas), ("Barbados", Americas),
        ("Belize", Americas), ("Bolivia", Americas), ("Brazil", Americas), ("Canada", Americas), ("Chile", Americas),
        ("Colombia", Americas), ("Costa Rica", Americas), ("Cuba", Americas), ("Dominica", Americas),
        ("Dominican Republic", Americas), ("Ecuador", Americas), ("El Salvador", Americas), ("Grenada", Americas),
        ("Guatemala", Americas), ("Guyana", Americas), ("Haiti", Americas), ("Honduras", Americas), ("Jamaica", Americas),
        ("Mexico", Americas), ("Nicaragua", Americas), ("Panama", Americas), ("Paraguay", Americas), ("Peru", Americas),
        ("Saint Kitts and Nevis", Americas), ("Saint Lucia", Americas), ("Saint Vincent and the Grenadines", Americas),
        ("Suriname", Americas), ("Trinidad and Tobago", Americas), ("United States", Americas), ("Uruguay", Americas),
        ("Venezuela", Americas),
        // Arab States
        ("Algeria", ArabStates), ("Bahrain", ArabStates), ("Comoros", ArabStates), ("Djibouti", ArabStates),
        ("Egypt", ArabStates), ("Iraq", ArabStates), ("Jordan", ArabStates), ("Kuwait", ArabStates), ("Lebanon", ArabStates),
        ("Libya", ArabStates), ("Mauritania", ArabStates), ("Morocco", ArabStates), ("Oman", ArabStates),
        ("Palestine", ArabStates), ("Qatar", ArabStates), ("Saudi Arabia", ArabStates), ("Somalia", ArabStates),
        ("Sudan", ArabStates), ("Syria", ArabStates), ("Tunisia", ArabStates), ("United Arab Emirates", ArabStates),
        ("Yemen", ArabStates),
        // Asia & Pacific
        ("Afghanistan", AsiaPacific), ("Australia", AsiaPacific), ("Bangladesh", AsiaPacific), ("Bhutan", AsiaPacific),
        ("Brunei Darussalam", AsiaPacific), ("Cambodia", AsiaPacific), ("China", AsiaPacific), ("Fiji", AsiaPacific),
        ("India", AsiaPacific), ("Indonesia", AsiaPacific), ("Iran", AsiaPacific), ("Japan", AsiaPacific),
        ("Kiribati", AsiaPacific), ("Korea", AsiaPacific), ("Lao People's Democratic Republic", AsiaPacific),
        ("Malaysia", AsiaPacific), ("Maldives", AsiaPacific), ("Marshall Islands", AsiaPacific), ("Micronesia", AsiaPacific),
        ("Mongolia", AsiaPacific), ("Myanmar", AsiaPacific), ("Nauru", AsiaPacific), ("Nepal", AsiaPacific),
        ("New Zealand", AsiaPacific), ("Pakistan", AsiaPacific), ("Papua New Guinea", AsiaPacific), ("Philippines", AsiaPacific),
        ("Samoa", AsiaPacific), ("Singapore", AsiaPacific), ("Solomon Islands", AsiaPacific), ("Sri Lanka", AsiaPacific),
        ("Thailand", AsiaPacific), ("Timor-Leste", AsiaPacific), ("Tonga", AsiaPacific), ("Tuvalu", AsiaPacific),
        ("Vanuatu", AsiaPacific), ("Viet Nam", AsiaPacific), ("Democratic People's Republic of Korea", AsiaPacific),
        // CIS
        ("Armenia", Cis), ("Azerbaijan", Cis), ("Belarus", Cis), ("Kazakhstan", Cis), ("Kyrgyzstan", Cis),
        ("Russian Federation", Cis), ("Tajikistan", Cis), ("Turkmenistan", Cis), ("Uzbekistan", Cis),
        // Europe
        ("Albania", Europe), ("Andorra", Europe), ("Austria", Europe), ("Belgium", Europe), ("Bosnia and Herzegovina", Europe),
        ("Bulgaria", Europe), ("Croatia", Europe), ("Cyprus", Europe), ("Czech Republic", Europe), ("Denmark", Europe),
        ("Estonia", Europe), ("Finland", Europe), ("France", Europe), ("Georgia", Europe), ("Germany", Europe),
        ("Greece", Europe), ("Hungary", Europe), ("Iceland", Europe), ("Ireland", Europe), ("Israel", Europe),
        ("Italy", Europe), ("Latvia", Europe), ("Liechtenstein", Europe), ("Lithuania", Europe), ("Luxembourg", Europe),
        ("Malta", Europe), ("Moldova", Europe), ("Monaco", Europe), ("Montenegro", Europe), ("Netherlands", Europe),
        ("North Macedonia", Europe), ("Norway", Europe), ("Poland", Europe), ("Portugal", Europe), ("Romania", Europe),
        ("San Marino", Europe), ("Serbia", Europe), ("Slovakia", Europe), ("Slovenia", Europe), ("Spain", Europe),
        ("Sweden", Europe), ("Switzerland", Europe), ("Türkiye", Europe), ("Ukraine", Europe), ("United Kingdom", Europe),
        ("Vatican", Europe),
    ]
};

/// Other names voters type for a country of [`COUNTRIES`].
const ALIASES: &[(&str, &str)] = &[
    ("usa", "United States"), ("us", "United States"), ("united states of america", "United States"),
    ("uk", "United Kingdom"), ("great britain", "United Kingdom"), ("england", "United Kingdom"),
    ("russia", "Russian Federation"), ("turkey", "Türkiye"), ("turkiye", "Türkiye"), ("vietnam", "Viet Nam"),
    ("south korea", "Korea"), ("republic of korea", "Korea"), ("north korea", "Democratic People's Republic of Korea"),
    ("laos", "Lao People's Democratic Republic"), ("czechia", "Czech Republic"), ("ivory coast", "Côte d'Ivoire"),
    ("cote d'ivoire", "Côte d'Ivoire"), ("swaziland", "Eswatini"), ("cape verde", "Cabo Verde"), ("drc", "Democratic Republic of the Congo"),
    ("dr congo", "Democratic Republic of the Congo"), ("uae", "United Arab Emirates"), ("holland", "Netherlands"),
    ("the netherlands", "Netherlands"), ("brunei", "Brunei Darussalam"), ("east timor", "Timor-Leste"),
    ("the gambia", "Gambia"), ("holy see", "Vatican"), ("macedonia", "North Macedonia"), ("moldova, republic of", "Moldova"),
    ("iran (islamic republic of)", "Iran"), ("syrian arab republic", "Syria"), ("state of palestine", "Palestine"),
    ("united republic of tanzania", "Tanzania"), ("bolivia (plurinational state of)", "Bolivia"), ("venezuela (bolivarian republic of)", "Venezuela"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn profiles_name_countries_in_many_spellings_and_nothing_else_is_published() {
        assert_eq!(country_of(" senegal "), Some(("Senegal", Region::Africa)));
        assert_eq!(country_of("USA"), Some(("United States", Region::Americas)));
        assert_eq!(country_of("Russia"), Some(("Russian Federation", Region::Cis)));
        assert_eq!(country_of("Côte d'Ivoire"), Some(("Côte d'Ivoire", Region::Africa)));
        for junk in ["", "Vote for project X at evil.example", "<script>", "Atlantis"] {
            assert_eq!(country_of(junk), None, "{junk}");
        }
        let (regions, countries) = areas(&[
            ("Senegal".into(), 3, 9),
            ("senegal".into(), 1, 2),
            ("Kenya".into(), 5, 5),
            ("France".into(), 2, 4),
            ("call me maybe".into(), 7, 7),
        ]);
        assert_eq!(countries[0], AreaFigures { area: "Kenya".into(), voters: 5, valid_votes: 5 });
        assert_eq!(countries[1], AreaFigures { area: "Senegal".into(), voters: 4, valid_votes: 11 });
        assert_eq!(countries.last().unwrap().area, NOT_STATED, "not stated comes last, whatever its size");
        assert_eq!(regions[0], AreaFigures { area: "africa".into(), voters: 9, valid_votes: 16 });
        assert!(countries.iter().all(|c| c.area == NOT_STATED || COUNTRIES.iter().any(|(n, _)| *n == c.area)));
    }

    #[test]
    fn every_member_state_is_named_once_and_the_reasons_follow_the_freezes() {
        let mut names: Vec<&str> = COUNTRIES.iter().map(|c| c.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COUNTRIES.len());
        assert!(ALIASES.iter().all(|(_, to)| COUNTRIES.iter().any(|(n, _)| n == to)), "every alias names a listed country");
        assert_eq!(RemovalReason::of_freeze(Some("origin")), RemovalReason::SharedOrigin);
        assert_eq!(RemovalReason::of_freeze(None), RemovalReason::AuditDecision);
        assert_eq!(RemovalReason::of_freeze(Some("nonsense")), RemovalReason::AuditDecision);
    }

    #[test]
    fn the_csv_has_a_row_per_figure() {
        let p = Participation {
            year: 2027,
            title: "WSIS Prizes 2027".into(),
            released_at: None,
            voters: 10,
            valid_votes: 25,
            removed_votes: 3,
            categories: vec![CategoryFigures { code: "C1".into(), slug: "c1".into(), voters: 10, valid_votes: 10, removed_votes: 3, reasons: vec![(RemovalReason::Burst, 3)] }],
            regions: vec![AreaFigures { area: "africa".into(), voters: 10, valid_votes: 25 }],
            countries: vec![AreaFigures { area: "Côte d'Ivoire".into(), voters: 10, valid_votes: 25 }],
            nominees: 4,
            nominees_by_stakeholder: vec![("government".into(), 4)],
            nominees_by_region: vec![("africa".into(), 4)],
        };
        let csv = to_csv(&p);
        let rows = crate::results::parse_csv(&csv);
        assert_eq!(rows[0], CSV_HEADERS.map(String::from).to_vec());
        assert_eq!(rows.len(), 1 + 7);
        assert_eq!(rows[1], ["total", "", "", "10", "25", "3", "4"].map(String::from).to_vec());
        assert_eq!(rows[3], ["removed", "C1", "burst", "", "", "3", ""].map(String::from).to_vec());
        assert!(rows.iter().any(|r| r[2] == "Côte d'Ivoire"));
    }

    proptest! {
        /// Grouping by country and by region never loses or makes a voter.
        #[test]
        fn areas_keep_every_voter(rows in proptest::collection::vec(("[A-Za-z ]{0,12}|Senegal|Kenya|USA|France", 0u64..50, 0u64..200), 0..30)) {
            let rows: Vec<(String, u64, u64)> = rows;
            let (regions, countries) = areas(&rows);
            let total: u64 = rows.iter().map(|r| r.1).sum();
            prop_assert_eq!(regions.iter().map(|a| a.voters).sum::<u64>(), total);
            prop_assert_eq!(countries.iter().map(|a| a.voters).sum::<u64>(), total);
            prop_assert_eq!(countries.iter().map(|a| a.valid_votes).sum::<u64>(), rows.iter().map(|r| r.2).sum::<u64>());
        }
    }
}
