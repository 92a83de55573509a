//! An edition (one year of the Prizes): its schedule and its rules as data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::phase::{Phase, Schedule};

/// Rules that varied between editions, kept per edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionRules {
    /// Nominees with the most valid votes per category who become champions (5 since 2016).
    pub champions_per_category: u32,
    /// Votes count only for voters who voted in every category (2013–2017).
    pub complete_ballot: bool,
    /// How many projects one organisation may submit in one category.
    pub submissions_per_entity: u32,
    /// Winners per category (2025 had two in C5); 0 allows a category without a winner only.
    pub max_winners_per_category: u32,
    /// Whether experts see each other's scores once they submitted their own.
    pub experts_see_scores: bool,
    /// Whether per-nominee vote counts are published with the results.
    pub publish_vote_counts: bool,
}

impl Default for EditionRules {
    fn default() -> Self {
        EditionRules {
            champions_per_category: 5,
            complete_ballot: false,
            submissions_per_entity: 1,
            max_winners_per_category: 1,
            experts_see_scores: true,
            publish_vote_counts: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RulesError {
    #[error("champions per category must be between 1 and 20")]
    Champions,
    #[error("submissions per organisation and category must be between 1 and 10")]
    Submissions,
    #[error("winners per category must be between 1 and 5")]
    Winners,
}

impl EditionRules {
    pub fn validate(&self) -> Result<(), RulesError> {
        if !(1..=20).contains(&self.champions_per_category) {
            return Err(RulesError::Champions);
        }
        if !(1..=10).contains(&self.submissions_per_entity) {
            return Err(RulesError::Submissions);
        }
        if !(1..=5).contains(&self.max_winners_per_category) {
            return Err(RulesError::Winners);
        }
        Ok(())
    }
}

/// An edition as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionView {
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    pub schedule: Schedule,
    pub rules: EditionRules,
    pub results_released_at: Option<DateTime<Utc>>,
    pub is_current: bool,
}

impl EditionView {
    pub fn phase_at(&self, now: DateTime<Utc>) -> Phase {
        self.schedule.phase_at(now)
    }

    /// Results are public once released by an admin or once the announcement instant passed.
    pub fn results_public(&self, now: DateTime<Utc>) -> bool {
        self.results_released_at.is_some_and(|t| t <= now) || now >= self.schedule.announcement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_are_the_recent_editions() {
        let r = EditionRules::default();
        assert_eq!(r.champions_per_category, 5);
        assert!(!r.complete_ballot);
        assert_eq!(r.submissions_per_entity, 1);
        assert_eq!(r.max_winners_per_category, 1);
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn rules_out_of_range_are_refused() {
        let r = EditionRules { champions_per_category: 0, ..Default::default() };
        assert_eq!(r.validate(), Err(RulesError::Champions));
        let r = EditionRules { max_winners_per_category: 6, ..Default::default() };
        assert_eq!(r.validate(), Err(RulesError::Winners));
    }
}
