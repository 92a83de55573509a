//! Champions and the vote audit, as the admin pages see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionLine {
    pub nominee: Uuid,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub votes: u64,
    pub tied_at_cutoff: bool,
    /// Set when an admin left a tied nominee out, with the reason.
    pub excluded_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChampions {
    pub slug: String,
    pub code: String,
    pub name: String,
    /// The edition's champions per category.
    pub places: u32,
    pub lines: Vec<ChampionLine>,
}

impl CategoryChampions {
    pub fn included(&self) -> usize {
        self.lines.iter().filter(|l| l.excluded_reason.is_none()).count()
    }

    /// More nominees are included than places because of a tie across the cut-off.
    pub fn unresolved_tie(&self) -> bool {
        self.included() > self.places as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionsView {
    pub computed_at: Option<DateTime<Utc>>,
    pub categories: Vec<CategoryChampions>,
}

/// Many votes for one nominee inside a short window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Burst {
    pub nominee: Uuid,
    pub title: String,
    pub category_code: String,
    pub window_start: DateTime<Utc>,
    pub votes: u64,
}

/// Several accounts voting from the same network origin (address + user agent hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedOrigin {
    /// The keyed hash of the origin (it names the cluster to freeze).
    pub key: String,
    pub origin: String,
    pub accounts: u64,
    pub votes: u64,
}

/// An account that voted within minutes of being created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastAccount {
    pub account: Uuid,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub first_vote_at: DateTime<Utc>,
    pub votes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSignals {
    pub bursts: Vec<Burst>,
    pub shared_origins: Vec<SharedOrigin>,
    pub fast_accounts: Vec<FastAccount>,
    pub votes_per_hour: Vec<(DateTime<Utc>, u64)>,
    pub total_votes: u64,
    pub invalid_votes: u64,
    /// Clusters frozen pending review, newest first.
    pub freezes: Vec<FreezeLine>,
    /// Set once the champions are computed: the count is frozen until the audit reopens.
    pub count_frozen: bool,
}

crate::keyed_enum! {
    /// What a freeze holds: the accounts behind one signal of the audit.
    pub enum ClusterKind {
        /// Every account that voted from one origin.
        Origin = "origin",
        /// The voters of one nominee inside one burst window.
        Burst = "burst",
        /// Accounts that voted within minutes of being created.
        NewAccounts = "new_accounts",
        /// One account.
        Account = "account",
    }
}

crate::keyed_enum! {
    /// A computed champion: staged until the results are released.
    pub enum ChampionStatus {
        Pending = "pending",
        Released = "released",
    }
}

/// A frozen cluster on the audit page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeLine {
    pub id: Uuid,
    pub kind: ClusterKind,
    pub label: String,
    pub reason: String,
    pub accounts: u64,
    pub votes: u64,
    pub created_at: DateTime<Utc>,
    pub lifted_at: Option<DateTime<Utc>>,
    pub lift_reason: Option<String>,
}

/// One stored vote as the audit sees it (never shown outside the admin pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVote {
    pub id: Uuid,
    pub category_code: String,
    pub nominee_title: String,
    pub cast_at: DateTime<Utc>,
    pub origin: String,
    pub valid: bool,
    pub reason: Option<String>,
    /// The category published with the receipt when invalid.
    pub category: Option<crate::vote::NotCountedReason>,
}

/// The largest number of instants inside any window of `window_secs` (instants sorted).
pub fn max_in_window(sorted: &[DateTime<Utc>], window_secs: i64) -> (usize, Option<DateTime<Utc>>) {
    let mut best = (0, None);
    let mut start = 0;
    for end in 0..sorted.len() {
        while (sorted[end] - sorted[start]).num_seconds() >= window_secs {
            start += 1;
        }
        let n = end - start + 1;
        if n > best.0 {
            best = (n, Some(sorted[start]));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    #[test]
    fn window_counts() {
        let t0 = Utc::now();
        let ts: Vec<_> = [0, 10, 20, 700, 701, 702, 703].iter().map(|s| t0 + Duration::seconds(*s)).collect();
        let (n, at) = max_in_window(&ts, 600);
        assert_eq!(n, 4);
        assert_eq!(at, Some(t0 + Duration::seconds(700)));
        assert_eq!(max_in_window(&[], 600).0, 0);
    }

    proptest! {
        #[test]
        fn window_matches_naive(mut secs in proptest::collection::vec(0i64..5000, 0..60), w in 1i64..900) {
            secs.sort();
            let t0 = Utc::now();
            let ts: Vec<_> = secs.iter().map(|s| t0 + Duration::seconds(*s)).collect();
            let naive = secs.iter().map(|a| secs.iter().filter(|b| **b >= *a && **b - *a < w).count()).max().unwrap_or(0);
            prop_assert_eq!(max_in_window(&ts, w).0, naive);
        }
    }
}
