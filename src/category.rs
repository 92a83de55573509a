//! The 18 prize categories: one per WSIS Action Line, with C7 split in eight.

use serde::{Deserialize, Serialize};

/// A category as seeded in every database and known to the browser build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryDef {
    /// Position in the official list (1–18).
    pub position: u8,
    /// The code shown on ITU's pages, e.g. `C7 e-health`.
    pub code: &'static str,
    /// URL-safe form of the code, e.g. `c7-e-health`.
    pub slug: &'static str,
    /// The Action Line the category belongs to (`C1` … `C11`).
    pub action_line: &'static str,
    pub name: &'static str,
}

const C7: &str = "ICT applications: benefits in all aspects of life";

pub const CATEGORIES: [CategoryDef; 18] = [
    CategoryDef { position: 1, code: "C1", slug: "c1", action_line: "C1", name: "The role of public governance authorities and all stakeholders in the promotion of ICTs for development" },
    CategoryDef { position: 2, code: "C2", slug: "c2", action_line: "C2", name: "Information and communication infrastructure" },
    CategoryDef { position: 3, code: "C3", slug: "c3", action_line: "C3", name: "Access to information and knowledge" },
    CategoryDef { position: 4, code: "C4", slug: "c4", action_line: "C4", name: "Capacity building" },
    CategoryDef { position: 5, code: "C5", slug: "c5", action_line: "C5", name: "Building confidence and security in the use of ICTs" },
    CategoryDef { position: 6, code: "C6", slug: "c6", action_line: "C6", name: "Enabling environment" },
    CategoryDef { position: 7, code: "C7 e-government", slug: "c7-e-government", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-government" },
    CategoryDef { position: 8, code: "C7 e-business", slug: "c7-e-business", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-business" },
    CategoryDef { position: 9, code: "C7 e-learning", slug: "c7-e-learning", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-learning" },
    CategoryDef { position: 10, code: "C7 e-health", slug: "c7-e-health", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-health" },
    CategoryDef { position: 11, code: "C7 e-employment", slug: "c7-e-employment", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-employment" },
    CategoryDef { position: 12, code: "C7 e-environment", slug: "c7-e-environment", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-environment" },
    CategoryDef { position: 13, code: "C7 e-agriculture", slug: "c7-e-agriculture", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-agriculture" },
    CategoryDef { position: 14, code: "C7 e-science", slug: "c7-e-science", action_line: "C7", name: "ICT applications: benefits in all aspects of life – E-science" },
    CategoryDef { position: 15, code: "C8", slug: "c8", action_line: "C8", name: "Cultural diversity and identity, linguistic diversity and local content" },
    CategoryDef { position: 16, code: "C9", slug: "c9", action_line: "C9", name: "Media" },
    CategoryDef { position: 17, code: "C10", slug: "c10", action_line: "C10", name: "Ethical dimensions of the Information Society" },
    CategoryDef { position: 18, code: "C11", slug: "c11", action_line: "C11", name: "International and regional cooperation" },
];

/// Shared prefix of the eight C7 names, kept for displays that shorten them.
pub const C7_PREFIX: &str = C7;

pub fn by_slug(slug: &str) -> Option<&'static CategoryDef> {
    CATEGORIES.iter().find(|c| c.slug.eq_ignore_ascii_case(slug))
}

pub fn by_code(code: &str) -> Option<&'static CategoryDef> {
    CATEGORIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn exactly_eighteen_distinct_codes_in_order() {
        let codes: Vec<_> = CATEGORIES.iter().map(|c| c.code).collect();
        assert_eq!(
            codes,
            [
                "C1", "C2", "C3", "C4", "C5", "C6", "C7 e-government", "C7 e-business",
                "C7 e-learning", "C7 e-health", "C7 e-employment", "C7 e-environment",
                "C7 e-agriculture", "C7 e-science", "C8", "C9", "C10", "C11"
            ]
        );
        let slugs: HashSet<_> = CATEGORIES.iter().map(|c| c.slug).collect();
        assert_eq!(slugs.len(), 18);
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert_eq!(c.position as usize, i + 1);
        }
    }

    #[test]
    fn c7_is_split_in_eight() {
        assert_eq!(CATEGORIES.iter().filter(|c| c.action_line == "C7").count(), 8);
        assert!(CATEGORIES.iter().filter(|c| c.action_line == "C7").all(|c| c.name.starts_with(C7_PREFIX)));
    }

    #[test]
    fn lookup_by_slug_and_code() {
        assert_eq!(by_slug("C7-E-HEALTH").unwrap().code, "C7 e-health");
        assert_eq!(by_code("c11").unwrap().position, 18);
        assert!(by_slug("c12").is_none());
    }
}

/// A category with its number of nominees in an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub slug: String,
    pub code: String,
    pub action_line: String,
    pub name: String,
    pub nominees: u64,
}

/// Filters of a category page and of the public API; empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomineeFilter {
    pub q: String,
    pub region: String,
    pub country: String,
    pub stakeholder: String,
}

/// What the search reads of a nominee.
#[derive(Debug, Clone, Copy)]
pub struct Searchable<'a> {
    pub title: &'a str,
    pub organisation: &'a str,
    pub country: &'a str,
    pub short_description: &'a str,
    pub region: Option<crate::nomination::Region>,
    pub stakeholder_type: Option<crate::nomination::StakeholderType>,
}

impl NomineeFilter {
    /// The one search rule of the platform: every word of `q` appears (in any case) in
    /// the title, the organisation, the country or the short description; a chosen region
    /// and stakeholder type match exactly; a chosen country matches its name.
    pub fn matches(&self, n: Searchable<'_>) -> bool {
        use crate::nomination::{Region, StakeholderType};
        if let Some(r) = Region::parse(&self.region) {
            if n.region != Some(r) {
                return false;
            }
        }
        if let Some(t) = StakeholderType::parse(&self.stakeholder) {
            if n.stakeholder_type != Some(t) {
                return false;
            }
        }
        let country = self.country.trim();
        if !country.is_empty() && !n.country.eq_ignore_ascii_case(country) {
            return false;
        }
        let hay = format!("{} {} {} {}", n.title, n.organisation, n.country, n.short_description).to_lowercase();
        self.q.to_lowercase().split_whitespace().all(|w| hay.contains(w))
    }

    pub fn is_empty(&self) -> bool {
        [&self.q, &self.region, &self.country, &self.stakeholder].iter().all(|s| s.trim().is_empty())
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use crate::nomination::{Region, StakeholderType};

    fn kenya() -> Searchable<'static> {
        Searchable {
            title: "Rural Schools Network",
            organisation: "Kenya ICT Agency",
            country: "Kenya",
            short_description: "Solar-powered classrooms for remote districts.",
            region: Some(Region::Africa),
            stakeholder_type: Some(StakeholderType::Government),
        }
    }

    #[test]
    fn every_word_anywhere_and_exact_choices() {
        let f = |q: &str| NomineeFilter { q: q.into(), ..Default::default() };
        assert!(f("").matches(kenya()));
        assert!(f("rural").matches(kenya()) && f("SOLAR").matches(kenya()));
        assert!(f("kenya schools").matches(kenya()), "words in different fields");
        assert!(!f("kenya hospitals").matches(kenya()), "every word must appear");
        let region = NomineeFilter { region: "africa".into(), ..Default::default() };
        assert!(region.matches(kenya()));
        assert!(!NomineeFilter { region: "europe".into(), ..Default::default() }.matches(kenya()));
        assert!(!NomineeFilter { stakeholder: "academia".into(), ..Default::default() }.matches(kenya()));
        assert!(NomineeFilter { country: "kenya".into(), ..Default::default() }.matches(kenya()));
        assert!(!NomineeFilter { country: "Ken".into(), ..Default::default() }.matches(kenya()));
        assert!(NomineeFilter::default().is_empty() && !region.is_empty());
    }
}
