//! Screening by the expert group: screeners are assigned to categories, each submitted
//! project gets a number of independent opinions (an edition rule, [`DEFAULT_OPINIONS`]),
//! spread by [`auto_assign`] over the screeners with the least work and never to a screener
//! with a conflict; a screener sees the others' opinions only after giving theirs. The
//! admin's staged decision stays the final word.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::nomination::same_name;

/// Opinions asked for each project when the edition says nothing else.
pub const DEFAULT_OPINIONS: i32 = 2;
/// The most opinions an edition may ask for each project.
pub const MAX_OPINIONS: i32 = 5;
/// Most characters of a screener's comment.
pub const COMMENT_CHARS: usize = 2000;

crate::keyed_enum! {
    /// What a screener says of a project.
    pub enum Verdict {
        Accept = "accept",
        Reject = "reject",
        /// The screener may not judge it (same organisation, a relation, …); another
        /// screener is assigned in their place.
        Conflict = "conflict",
    }
}

/// A screener's opinion as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionForm {
    #[serde(default)]
    pub verdict: String,
    /// A standard rejection reason's key ([`crate::nomination::REJECTION_REASONS`]).
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

/// A checked opinion: the verdict, the reason (for a rejection) and the comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opinion {
    pub verdict: Verdict,
    pub reason: Option<String>,
    pub comment: String,
}

impl OpinionForm {
    /// A rejection needs a reason (a standard one or the comment), a conflict needs the
    /// comment that declares it; comments are at most [`COMMENT_CHARS`].
    pub fn parse(&self) -> Result<Opinion, Vec<(String, String)>> {
        let verdict = Verdict::parse(&self.verdict).ok_or_else(|| {
            vec![("verdict".to_string(), "Choose to accept the project, to reject it, or to declare a conflict of interest.".to_string())]
        })?;
        let comment = crate::account::check_text("The comment", &self.comment, false, COMMENT_CHARS).map_err(|m| vec![("comment".to_string(), m)])?;
        let reason = match verdict {
            Verdict::Reject => Some(crate::nomination::rejection_text(&self.reason, &comment).map_err(|m| vec![("reason".to_string(), m)])?),
            Verdict::Conflict if comment.is_empty() => {
                return Err(vec![("comment".to_string(), "Say in the comment why you cannot judge this project.".to_string())]);
            }
            _ => None,
        };
        Ok(Opinion { verdict, reason, comment })
    }
}

/// Who a screener is, as the conflict rule sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screener {
    pub id: i32,
    /// Category positions the screener is assigned to.
    pub categories: Vec<i32>,
    pub organisation: String,
    pub country: String,
}

/// A submitted project, as the assignment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: i32,
    pub category: i32,
    pub organisation: String,
    pub country: String,
}

/// Whether `s` may not screen `p`: same organisation or same country (names compared as
/// people read them; an empty one matches nothing).
pub fn conflicted(s: &Screener, p: &Project) -> bool {
    let same = |a: &str, b: &str| !a.trim().is_empty() && same_name(a, b);
    same(&s.organisation, &p.organisation) || same(&s.country, &p.country)
}

/// An assignment already made: (project, screener, declared a conflict).
pub type Assigned = (i32, i32, bool);

/// The new (project, screener) pairs that give every project `per_project` opinions where
/// it can: among the screeners of its category without a conflict, not yet assigned to it
/// and without a declared conflict on it, the least loaded first (then the lowest id).
/// Assignments made before are kept and count; a declared conflict does not count as an
/// opinion. Deterministic: the same input gives the same pairs.
pub fn auto_assign(projects: &[Project], screeners: &[Screener], existing: &[Assigned], per_project: i32) -> Vec<(i32, i32)> {
    use std::collections::{HashMap, HashSet};
    let per_project = per_project.clamp(1, MAX_OPINIONS) as usize;
    let mut load: HashMap<i32, usize> = screeners.iter().map(|s| (s.id, 0)).collect();
    let mut taken: HashSet<(i32, i32)> = HashSet::new();
    let mut counted: HashMap<i32, usize> = HashMap::new();
    for &(p, s, conflict) in existing {
        taken.insert((p, s));
        if !conflict {
            *load.entry(s).or_default() += 1;
            *counted.entry(p).or_default() += 1;
        }
    }
    let mut order: Vec<&Project> = projects.iter().collect();
    order.sort_by_key(|p| (p.category, p.id));
    let mut made = Vec::new();
    for p in order {
        let have = counted.get(&p.id).copied().unwrap_or(0);
        for _ in have..per_project {
            let pick = screeners
                .iter()
                .filter(|s| s.categories.contains(&p.category) && !taken.contains(&(p.id, s.id)) && !conflicted(s, p))
                .min_by_key(|s| (load.get(&s.id).copied().unwrap_or(0), s.id));
            let Some(s) = pick else { break };
            taken.insert((p.id, s.id));
            *load.entry(s.id).or_default() += 1;
            made.push((p.id, s.id));
        }
    }
    made
}

/// How the opinions on one project stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub accept: u32,
    pub reject: u32,
    pub conflict: u32,
    /// Assigned and not given yet.
    pub waiting: u32,
}

impl Agreement {
    pub fn of(verdicts: impl IntoIterator<Item = Option<Verdict>>) -> Agreement {
        let mut a = Agreement::default();
        for v in verdicts {
            match v {
                Some(Verdict::Accept) => a.accept += 1,
                Some(Verdict::Reject) => a.reject += 1,
                Some(Verdict::Conflict) => a.conflict += 1,
                None => a.waiting += 1,
            }
        }
        a
    }

    /// Screeners disagree: some accept and some reject.
    pub fn split(&self) -> bool {
        self.accept > 0 && self.reject > 0
    }

    /// The order of the admin's list: disagreements first, then projects with opinions
    /// still missing, then agreed ones.
    pub fn rank(&self) -> u8 {
        if self.split() {
            0
        } else if self.waiting > 0 || self.accept + self.reject == 0 {
            1
        } else {
            2
        }
    }
}

/// One opinion as admins see it (and a screener, once they gave theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionView {
    pub screener: String,
    pub verdict: Option<Verdict>,
    pub reason: Option<String>,
    pub comment: String,
    pub given_at: Option<DateTime<Utc>>,
}

/// A project in a screener's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub submission: crate::nomination::SubmissionView,
    pub category: String,
    pub mine: Option<OpinionView>,
    /// The other screeners' opinions: empty until this screener gave theirs.
    pub others: Vec<OpinionView>,
}

/// A screener's queue in one edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenerQueue {
    pub edition_year: i32,
    /// Opinions may be given now (the screening phase is open).
    pub open: bool,
    pub closes: DateTime<Utc>,
    pub given: u32,
    pub items: Vec<QueueItem>,
}

impl ScreenerQueue {
    pub fn left(&self) -> usize {
        self.items.iter().filter(|i| i.mine.as_ref().is_none_or(|m| m.verdict.is_none())).count()
    }
}

/// A screener's progress, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenerProgress {
    pub account: Uuid,
    pub email: String,
    pub name: String,
    /// Category codes the screener is assigned to.
    pub categories: Vec<String>,
    pub assigned: u32,
    pub given: u32,
    pub conflicts: u32,
}

/// A category's progress: projects submitted, opinions asked and given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryProgress {
    pub code: String,
    pub slug: String,
    pub screeners: u32,
    pub projects: u32,
    pub assigned: u32,
    pub given: u32,
}

/// The expert group's screening of an edition, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningGroup {
    pub edition_year: i32,
    pub opinions_per_project: i32,
    pub screeners: Vec<ScreenerProgress>,
    pub categories: Vec<CategoryProgress>,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn screener(id: i32, cats: &[i32], org: &str, country: &str) -> Screener {
        Screener { id, categories: cats.to_vec(), organisation: org.into(), country: country.into() }
    }

    fn project(id: i32, category: i32, org: &str, country: &str) -> Project {
        Project { id, category, organisation: org.into(), country: country.into() }
    }

    #[test]
    fn a_rejection_needs_a_reason_and_a_conflict_its_declaration() {
        let f = |v: &str, r: &str, c: &str| OpinionForm { verdict: v.into(), reason: r.into(), comment: c.into() }.parse();
        assert!(f("accept", "", "").is_ok());
        assert_eq!(f("reject", "", "").unwrap_err()[0].0, "reason");
        assert_eq!(f("reject", "category", "").unwrap().reason.as_deref(), Some(crate::nomination::REJECTION_REASONS[1].1));
        assert_eq!(f("conflict", "", " ").unwrap_err()[0].0, "comment");
        assert!(f("conflict", "", "I advised this team").is_ok());
        assert_eq!(f("maybe", "", "").unwrap_err()[0].0, "verdict");
        assert_eq!(f("accept", "", &"x".repeat(COMMENT_CHARS + 1)).unwrap_err()[0].0, "comment");
    }

    #[test]
    fn conflicts_skip_the_screener_and_another_takes_the_place() {
        let screeners = [screener(1, &[1], "ITU", "Kenya"), screener(2, &[1], "UNESCO", "Chile"), screener(3, &[1], "", "")];
        let projects = [project(10, 1, "itu ", "Peru"), project(11, 1, "Acme", "kenya")];
        let made = auto_assign(&projects, &screeners, &[], 2);
        assert!(!made.contains(&(10, 1)) && !made.contains(&(11, 1)), "{made:?}");
        assert_eq!(made.iter().filter(|(p, _)| *p == 10).count(), 2);
        // a declared conflict does not count: a new screener is found if there is one
        let made = auto_assign(&projects, &screeners, &[(10, 2, true), (10, 3, false)], 2);
        assert!(!made.iter().any(|(p, _)| *p == 10), "no third screener without a conflict is left for 10: {made:?}");
        assert_eq!(made, vec![(11, 2), (11, 3)]);
        // with a fourth screener, the declared conflict is replaced
        let more = [screeners.to_vec(), vec![screener(4, &[1], "WHO", "Chile")]].concat();
        let made = auto_assign(&projects[..1], &more, &[(10, 2, true), (10, 3, false)], 2);
        assert_eq!(made, vec![(10, 4)]);
    }

    #[test]
    fn screeners_only_get_their_categories_and_nothing_twice() {
        let screeners = [screener(1, &[1], "", ""), screener(2, &[2], "", "")];
        let projects = [project(10, 1, "", ""), project(20, 2, "", "")];
        let made = auto_assign(&projects, &screeners, &[], 2);
        assert_eq!(made, vec![(10, 1), (20, 2)]);
        assert!(auto_assign(&projects, &screeners, &[(10, 1, false), (20, 2, false)], 2).is_empty(), "running it again adds nothing");
    }

    proptest! {
        #[test]
        fn assignment_is_conflict_free_complete_and_balanced(
            n_projects in 1usize..60,
            n_screeners in 1usize..12,
            per in 1i32..4,
            seed in any::<u64>(),
        ) {
            let orgs = ["ITU", "UNESCO", "Acme", ""];
            let countries = ["Kenya", "Chile", "Peru", ""];
            let pick = |i: usize, k: u64, m: usize| ((seed.wrapping_mul(6364136223846793005).wrapping_add(k * 1442695040888963407 + i as u64)) >> 33) as usize % m;
            let screeners: Vec<Screener> = (0..n_screeners)
                .map(|i| screener(i as i32 + 1, &[1, 2], orgs[pick(i, 1, 4)], countries[pick(i, 2, 4)]))
                .collect();
            let projects: Vec<Project> = (0..n_projects)
                .map(|i| project(100 + i as i32, 1 + (i % 2) as i32, orgs[pick(i, 3, 4)], countries[pick(i, 4, 4)]))
                .collect();
            let made = auto_assign(&projects, &screeners, &[], per);
            let mut seen = std::collections::HashSet::new();
            for (p, s) in &made {
                prop_assert!(seen.insert((*p, *s)), "assigned twice");
                let p = projects.iter().find(|x| x.id == *p).unwrap();
                let s = screeners.iter().find(|x| x.id == *s).unwrap();
                prop_assert!(!conflicted(s, p), "a conflicted screener was assigned");
            }
            for p in &projects {
                let eligible = screeners.iter().filter(|s| !conflicted(s, p)).count();
                let got = made.iter().filter(|(x, _)| *x == p.id).count();
                prop_assert_eq!(got, eligible.min(per as usize), "every project gets its opinions where it can");
            }
            // without conflicts the load of any two screeners differs by at most one
            let free: Vec<Screener> = screeners.iter().map(|s| screener(s.id, &[1, 2], "", "")).collect();
            let plain: Vec<Project> = projects.iter().map(|p| project(p.id, p.category, "", "")).collect();
            let made = auto_assign(&plain, &free, &[], per);
            let loads: Vec<usize> = free.iter().map(|s| made.iter().filter(|(_, x)| *x == s.id).count()).collect();
            prop_assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1, "{:?}", loads);
        }
    }
}
