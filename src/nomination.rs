//! Project descriptions submitted to the Prizes, and the rules they must pass.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NominationStatus {
    Draft,
    Submitted,
    Nominee,
    Rejected,
    Champion,
    Winner,
}

impl NominationStatus {
    pub const ALL: [NominationStatus; 6] = [
        NominationStatus::Draft,
        NominationStatus::Submitted,
        NominationStatus::Nominee,
        NominationStatus::Rejected,
        NominationStatus::Champion,
        NominationStatus::Winner,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NominationStatus::Draft => "draft",
            NominationStatus::Submitted => "submitted",
            NominationStatus::Nominee => "nominee",
            NominationStatus::Rejected => "rejected",
            NominationStatus::Champion => "champion",
            NominationStatus::Winner => "winner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
    }

    /// Nominees, champions and winners are all on the public ballot.
    pub fn on_ballot(self) -> bool {
        matches!(self, NominationStatus::Nominee | NominationStatus::Champion | NominationStatus::Winner)
    }
}

/// ITU regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    Africa,
    Americas,
    ArabStates,
    AsiaPacific,
    Cis,
    Europe,
}

impl Region {
    pub const ALL: [Region; 6] =
        [Region::Africa, Region::Americas, Region::ArabStates, Region::AsiaPacific, Region::Cis, Region::Europe];

    pub fn key(self) -> &'static str {
        match self {
            Region::Africa => "africa",
            Region::Americas => "americas",
            Region::ArabStates => "arab-states",
            Region::AsiaPacific => "asia-pacific",
            Region::Cis => "cis",
            Region::Europe => "europe",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StakeholderType {
    Government,
    PrivateSector,
    CivilSociety,
    Academia,
    InternationalOrganisation,
}

impl StakeholderType {
    pub const ALL: [StakeholderType; 5] = [
        StakeholderType::Government,
        StakeholderType::PrivateSector,
        StakeholderType::CivilSociety,
        StakeholderType::Academia,
        StakeholderType::InternationalOrganisation,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StakeholderType::Government => "government",
            StakeholderType::PrivateSector => "private-sector",
            StakeholderType::CivilSociety => "civil-society",
            StakeholderType::Academia => "academia",
            StakeholderType::InternationalOrganisation => "international-organisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
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

pub fn format_sdgs(sdgs: &[u8]) -> String {
    sdgs.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(n: usize) -> String {
        vec!["word"; n].join(" ")
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
}
