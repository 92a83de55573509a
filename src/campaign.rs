//! Campaign links: a nominee's team names the channels it shares its page through
//! (`/nominees/{id}?via=newsletter`), and the vote audit sees, per campaign, how many
//! votes came through it and how many of those look farmed. Nobody outside the
//! secretariat sees a campaign's votes before release; the team sees its links only.
//! A flag is a lead for the audit, never a verdict: the cookie that names a campaign is
//! the visitor's, so a rival could route farmed votes through someone else's link, and a
//! farm can leave it out. The audit's other signals do not depend on it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Campaigns one nominee may have.
pub const MAX_PER_NOMINEE: usize = 20;
/// The cookie that remembers the campaign link a visitor came by (`{nominee}.{code}`).
pub const VIA_COOKIE: &str = "wsis_via";
/// How long a campaign link is remembered, in seconds (a week).
pub const VIA_COOKIE_SECS: u64 = 7 * 24 * 3600;

/// A campaign's votes from accounts made this long before their vote count as "new".
pub const NEW_ACCOUNT_HOURS: i64 = 24;
/// Below this many votes a campaign is never flagged (too few to say anything).
pub const FLAG_MIN_VOTES: u64 = 10;
/// Flagged when at least this share of its votes come from new accounts …
pub const FLAG_NEW_ACCOUNT_SHARE: f64 = 0.5;
/// … or from origins (address and browser) shared by several of its voters.
pub const FLAG_SHARED_ORIGIN_SHARE: f64 = 0.3;
/// Voters of one campaign behind one origin from which the origin counts as shared.
pub const SHARED_ORIGIN_ACCOUNTS: usize = 3;

/// A campaign code: 2–32 lower-case letters, digits and dashes, starting and ending with
/// a letter or digit (it is part of a URL people type and read aloud).
pub fn parse_code(input: &str) -> Result<String, String> {
    let c = input.trim().to_lowercase();
    let ok_chars = c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ends = c.bytes().next().is_some_and(|b| b != b'-') && c.bytes().last().is_some_and(|b| b != b'-');
    if !(2..=32).contains(&c.len()) || !ok_chars || !ends || c.contains("--") {
        return Err(format!(
            "“{}” is not a campaign code: use 2 to 32 letters, digits and single dashes, such as “newsletter” or “radio-2026”.",
            input.trim().chars().take(40).collect::<String>()
        ));
    }
    Ok(c)
}

/// The value of the [`VIA_COOKIE`] for a link of `nominee` with `code`.
pub fn via_value(nominee: Uuid, code: &str) -> String {
    format!("{}.{code}", nominee.simple())
}

/// The nominee and code a [`VIA_COOKIE`] value names, when it is well formed.
pub fn parse_via(value: &str) -> Option<(Uuid, String)> {
    let (id, code) = value.split_once('.')?;
    Some((Uuid::try_parse(id).ok()?, parse_code(code).ok()?))
}

/// A campaign as its team sees it: the link to share, no count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignLink {
    pub id: Uuid,
    pub code: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// The nominee page's address with `?via=`.
    pub url: String,
}

/// What the audit counts of one campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignCounts {
    pub votes: u64,
    /// Votes of accounts whose address was proven less than [`NEW_ACCOUNT_HOURS`] before the vote.
    pub from_new_accounts: u64,
    /// Votes from an origin that [`SHARED_ORIGIN_ACCOUNTS`] or more of its voters share.
    pub from_shared_origins: u64,
}

crate::keyed_enum! {
    /// Why a campaign's voters look farmed.
    pub enum CampaignFlag {
        NewAccounts = "new_accounts",
        SharedOrigins = "shared_origins",
    }
}

/// The flags of a campaign's counts.
pub fn flags(c: &CampaignCounts) -> Vec<CampaignFlag> {
    if c.votes < FLAG_MIN_VOTES {
        return Vec::new();
    }
    let share = |n: u64| n as f64 / c.votes as f64;
    let mut out = Vec::new();
    if share(c.from_new_accounts) >= FLAG_NEW_ACCOUNT_SHARE {
        out.push(CampaignFlag::NewAccounts);
    }
    if share(c.from_shared_origins) >= FLAG_SHARED_ORIGIN_SHARE {
        out.push(CampaignFlag::SharedOrigins);
    }
    out
}

/// One campaign on the audit page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignLine {
    pub nominee: Uuid,
    pub title: String,
    pub category_code: String,
    pub code: String,
    pub label: String,
    pub counts: CampaignCounts,
    pub flags: Vec<CampaignFlag>,
}

/// The audit's order: flagged campaigns first, then by votes, then by nominee and code.
pub fn sort_lines(lines: &mut [CampaignLine]) {
    lines.sort_by(|a, b| {
        b.flags.len().cmp(&a.flags.len()).then(b.counts.votes.cmp(&a.counts.votes)).then(a.title.cmp(&b.title)).then(a.code.cmp(&b.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes() {
        assert_eq!(parse_code(" Newsletter ").unwrap(), "newsletter");
        assert_eq!(parse_code("radio-2026").unwrap(), "radio-2026");
        for bad in ["", "a", "-x", "x-", "a--b", "a b", "café", "x/y", "<s>", &"a".repeat(33)] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
        let id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        assert_eq!(parse_via(&via_value(id, "radio")), Some((id, "radio".into())));
        assert_eq!(parse_via("nonsense"), None);
        assert_eq!(parse_via(&format!("{}.a--b", id.simple())), None);
    }

    #[test]
    fn flags_need_enough_votes_and_a_share() {
        let c = |votes, new, shared| CampaignCounts { votes, from_new_accounts: new, from_shared_origins: shared };
        assert!(flags(&c(9, 9, 9)).is_empty(), "too few to say");
        assert_eq!(flags(&c(10, 5, 0)), vec![CampaignFlag::NewAccounts]);
        assert_eq!(flags(&c(10, 4, 3)), vec![CampaignFlag::SharedOrigins]);
        assert!(flags(&c(100, 49, 29)).is_empty());
    }

    proptest! {
        #[test]
        fn more_suspicious_votes_never_remove_a_flag(votes in 0u64..500, new in 0u64..500, shared in 0u64..500, more in 0u64..50) {
            let new = new.min(votes);
            let shared = shared.min(votes);
            let before = flags(&CampaignCounts { votes, from_new_accounts: new, from_shared_origins: shared });
            let after = flags(&CampaignCounts { votes, from_new_accounts: (new + more).min(votes), from_shared_origins: (shared + more).min(votes) });
            for f in before {
                prop_assert!(after.contains(&f));
            }
        }

        #[test]
        fn any_code_that_parses_is_a_safe_url_part(s in "\\PC{0,40}") {
            if let Ok(c) = parse_code(&s) {
                prop_assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert_eq!(parse_code(&c), Ok(c.clone()));
            }
        }
    }
}
