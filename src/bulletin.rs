//! The published bulletin of a released edition: everything an observer needs to check the
//! count without the platform's code — the ledger of every vote cast as committed at the
//! close of voting, the votes left out of the count by receipt with a reason category,
//! the counts and the champions as published, and the audit-log entry of the release. Its
//! format is described for the independent verifier in `public/verify/README.md`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vote::NotCountedReason;

/// The format's name and version, the first field of every bulletin.
pub const FORMAT: &str = "wsis-prizes-bulletin/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    pub format: String,
    pub edition: i32,
    /// When the results were released (none in an admin's preview before the release).
    pub released_at: Option<DateTime<Utc>>,
    /// The edition's rules the count follows.
    pub champions_per_category: u32,
    pub complete_ballot: bool,
    /// When the commitment was made (at the close of voting, before any audit decision).
    pub committed_at: DateTime<Utc>,
    pub categories: Vec<BulletinCategory>,
    /// The audit-log entry of the release: its place in the chain and its hash.
    pub log: Option<LogAnchor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinCategory {
    /// The category's code (`C1` … `C11`).
    pub category: String,
    /// The commitment as published at the close of voting.
    pub committed_votes: u64,
    pub committed_root: String,
    /// Every vote cast, as `RECEIPT NOMINEE` lines sorted (the committed ledger).
    pub ledger: Vec<String>,
    /// The votes left out of the count, by receipt, sorted.
    pub not_counted: Vec<NotCounted>,
    /// The projects on the ballot with the counted votes the results show.
    pub nominees: Vec<BulletinNominee>,
    /// The champions as computed (with those left out of a tie at the cut-off).
    pub champions: Vec<BulletinChampion>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotCounted {
    pub receipt: String,
    /// A key of [`NotCountedReason`] (`automated`, `held`, `incomplete_ballot`, …).
    pub reason: String,
}

impl NotCounted {
    pub fn new(receipt: String, reason: NotCountedReason) -> NotCounted {
        NotCounted { receipt, reason: reason.key().to_string() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinNominee {
    pub id: Uuid,
    pub title: String,
    pub votes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinChampion {
    pub id: Uuid,
    /// The counted votes when the champions were computed.
    pub votes: u64,
    pub tied_at_cutoff: bool,
    /// Left out by the admins to settle a tie at the cut-off.
    pub excluded: bool,
    pub winner: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogAnchor {
    pub seq: i64,
    pub hash: String,
}

/// One category's account on the results page: committed − not counted = counted, with the
/// votes not counted per reason category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryAccount {
    pub category: String,
    pub committed: u64,
    pub counted: u64,
    /// (reason category, votes), in the order of [`NotCountedReason::ALL`].
    pub not_counted: Vec<(NotCountedReason, u64)>,
}

impl Bulletin {
    /// The account of every category, from the bulletin's own lines.
    pub fn accounts(&self) -> Vec<CategoryAccount> {
        self.categories
            .iter()
            .map(|c| {
                let not_counted: Vec<(NotCountedReason, u64)> = NotCountedReason::ALL
                    .into_iter()
                    .map(|r| (r, c.not_counted.iter().filter(|n| n.reason == r.key()).count() as u64))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let left_out: u64 = not_counted.iter().map(|(_, n)| n).sum();
                CategoryAccount { category: c.category.clone(), committed: c.ledger.len() as u64, counted: (c.ledger.len() as u64).saturating_sub(left_out), not_counted }
            })
            .collect()
    }
}
