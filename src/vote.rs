//! Votes as the voter sees them: progress, choices and receipts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One category on the voter's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotLine {
    pub category_slug: String,
    pub category_code: String,
    pub category_name: String,
    pub nominees: u64,
    /// The nominee the voter chose, if any.
    pub choice: Option<Uuid>,
    pub choice_title: Option<String>,
}

/// One vote on the "My votes" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyVote {
    pub category_code: String,
    pub category_name: String,
    pub category_slug: String,
    pub nominee_id: Uuid,
    pub nominee_title: String,
    pub cast_at: DateTime<Utc>,
    pub receipt: String,
    pub valid: bool,
}

/// What a public receipt check answers. "Counted" only ever means counted in the
/// published results: before they are released a stored vote is "recorded".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceiptStatus {
    /// Stored and valid so far; the audit may still find it invalid before the release.
    /// Before the release, whatever the audit decides (so that nobody learns from a receipt
    /// which of their votes the audit holds).
    Recorded { edition_year: i32, category_code: String, category_name: String, inclusion: Option<crate::commitment::Inclusion> },
    /// In the published count.
    Counted { edition_year: i32, category_code: String, category_name: String, inclusion: Option<crate::commitment::Inclusion> },
    /// Left out of the published count, for the reason published with the receipt.
    NotCounted {
        edition_year: i32,
        category_code: String,
        category_name: String,
        reason: NotCountedReason,
        inclusion: Option<crate::commitment::Inclusion>,
    },
    Unknown,
}

impl ReceiptStatus {
    /// The vote's place in the commitment made at the close of voting, once made.
    pub fn inclusion(&self) -> Option<&crate::commitment::Inclusion> {
        match self {
            ReceiptStatus::Recorded { inclusion, .. } | ReceiptStatus::Counted { inclusion, .. } | ReceiptStatus::NotCounted { inclusion, .. } => {
                inclusion.as_ref()
            }
            ReceiptStatus::Unknown => None,
        }
    }
}

crate::keyed_enum! {
    /// Why a cast vote is not in the published count: the reason category published with
    /// its receipt after the release (never the account, never the signal behind it). The
    /// first five are chosen by the admin who invalidates; the others follow from the rules.
    pub enum NotCountedReason {
        /// One of many accounts acting together (one origin, a farm, a burst).
        CoordinatedAccounts = "coordinated_accounts",
        /// Cast by a script or a bot.
        Automated = "automated",
        /// Bought, sold or traded.
        VoteBuying = "vote_buying",
        /// The account was not eligible (a false or duplicated identity).
        Ineligible = "ineligible",
        /// Another breach of the voting rules.
        OtherBreach = "other",
        /// Held with a cluster under review, and not restored before the release.
        Held = "held",
        /// The edition counts complete ballots only, and this voter's was not.
        IncompleteBallot = "incomplete_ballot",
        /// The project was taken off the ballot after the vote (a corrected screening).
        NotOnBallot = "not_on_ballot",
    }
}

impl NotCountedReason {
    /// The categories an admin chooses from when invalidating votes.
    pub const CHOSEN: [NotCountedReason; 5] = [
        NotCountedReason::CoordinatedAccounts,
        NotCountedReason::Automated,
        NotCountedReason::VoteBuying,
        NotCountedReason::Ineligible,
        NotCountedReason::OtherBreach,
    ];

    /// Whether an admin may give this category to an invalidation.
    pub fn chosen_by_admin(self) -> bool {
        Self::CHOSEN.contains(&self)
    }
}

/// The one rule of why a cast vote is left out of the published count (`None`: counted),
/// in order: invalid (for its stored category; "another breach" when none was stored),
/// for a project no longer on the ballot, of an incomplete ballot where the edition counts
/// complete ones only. The receipt check and the published bulletin both use it.
pub fn not_counted_reason(valid: bool, stored: Option<NotCountedReason>, on_ballot: bool, ballot_complete: bool) -> Option<NotCountedReason> {
    if !valid {
        Some(stored.unwrap_or(NotCountedReason::OtherBreach))
    } else if !on_ballot {
        Some(NotCountedReason::NotOnBallot)
    } else if !ballot_complete {
        Some(NotCountedReason::IncompleteBallot)
    } else {
        None
    }
}

/// Receipts are shown in groups of four upper-case hex digits.
pub fn format_receipt(hex: &str) -> String {
    hex.to_uppercase().as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect::<Vec<_>>().join("-")
}

/// Accepts a receipt as typed (any case, with or without dashes/spaces).
pub fn normalise_receipt(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
    if s.len() == 20 && s.chars().all(|c| c.is_ascii_hexdigit()) { Some(s) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_format_round_trip() {
        let r = "0123456789abcdef0123";
        let shown = format_receipt(r);
        assert_eq!(shown, "0123-4567-89AB-CDEF-0123");
        assert_eq!(normalise_receipt(&shown).as_deref(), Some(r));
        assert_eq!(normalise_receipt(" 0123 4567 89ab cdef 0123 ").as_deref(), Some(r));
        assert_eq!(normalise_receipt("xyz"), None);
        assert_eq!(normalise_receipt("0123-4567"), None);
    }
}

/// How long before voting closes the voters who asked for it get their one reminder.
pub const REMINDER_HOURS_BEFORE_CLOSE: i64 = 48;

/// Whether reminders go out at `now` for a vote closing at `closes`: from
/// [`REMINDER_HOURS_BEFORE_CLOSE`] before the close until the close.
pub fn reminders_due(now: chrono::DateTime<chrono::Utc>, closes: chrono::DateTime<chrono::Utc>) -> bool {
    now >= closes - chrono::Duration::hours(REMINDER_HOURS_BEFORE_CLOSE) && now < closes
}

/// Whether a voter who asked for a reminder gets one: they voted in some categories, not all.
pub fn needs_reminder(categories_voted: usize, categories: usize) -> bool {
    categories_voted > 0 && categories_voted < categories
}

/// The reminder's subject and body; `closes` as messages name instants (Geneva time).
pub fn reminder_mail(categories_voted: usize, categories: usize, closes: &str, public_url: &str) -> (String, String) {
    (
        format!("You voted in {categories_voted} of {categories} categories of the WSIS Prizes"),
        format!(
            "You voted in {categories_voted} of {categories} categories of the WSIS Prizes. Voting closes on {closes} (Geneva time).\n\n\
             The other categories are waiting for your vote: {public_url}/categories\n\n\
             You asked for this one reminder; no other will follow. Your votes and their receipts: {public_url}/my-votes\n"
        ),
    )
}

#[cfg(test)]
mod reminder_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    #[test]
    fn reminders_go_out_in_the_last_two_days_only() {
        let closes = Utc.with_ymd_and_hms(2027, 3, 31, 21, 0, 0).unwrap();
        assert!(!reminders_due(closes - Duration::hours(48) - Duration::seconds(1), closes));
        assert!(reminders_due(closes - Duration::hours(48), closes));
        assert!(reminders_due(closes - Duration::seconds(1), closes));
        assert!(!reminders_due(closes, closes), "not once voting is closed");
        assert!(!needs_reminder(0, 18) && needs_reminder(1, 18) && needs_reminder(17, 18) && !needs_reminder(18, 18));
        let (subject, body) = reminder_mail(7, 18, "2027-03-31 23:00 CEST", "https://prizes.example");
        assert!(subject.contains("7 of 18") && body.contains("2027-03-31 23:00 CEST") && body.contains("https://prizes.example/categories"));
        for lang in ["ar", "es", "fr", "ru", "zh"] {
            let b = crate::messages::translate(&body, lang);
            assert!(b != body && b.contains("https://prizes.example/my-votes"), "{lang}: {b}");
            assert_ne!(crate::messages::translate(&subject, lang), subject, "{lang}");
        }
    }

    proptest! {
        /// A complete ballot, or an empty one, never gets a reminder.
        #[test]
        fn only_partial_ballots_are_reminded(voted in 0usize..40, categories in 1usize..30) {
            prop_assert_eq!(needs_reminder(voted, categories), voted > 0 && voted < categories);
        }
    }
}
