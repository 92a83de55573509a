//! Counting: ranks with ties, the champions cut-off and the complete-ballot rule.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// One category's tally: (nominee id, title) ranked by valid votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTally {
    pub slug: String,
    pub code: String,
    pub total: u64,
    pub lines: Vec<Ranked<(uuid::Uuid, String)>>,
}

/// One line of a category's tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked<K> {
    pub key: K,
    pub votes: u64,
    /// Competition rank: equal counts share a rank, the next rank skips (1, 2, 2, 4).
    pub rank: u32,
    pub tied: bool,
}

/// Sorts by votes (descending, then by key for a stable display) and assigns ranks.
pub fn rank<K: Clone + Ord>(counts: &[(K, u64)]) -> Vec<Ranked<K>> {
    let mut v: Vec<(K, u64)> = counts.to_vec();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out: Vec<Ranked<K>> = Vec::with_capacity(v.len());
    for (i, (k, votes)) in v.iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.votes == *votes => prev.rank,
            _ => i as u32 + 1,
        };
        out.push(Ranked { key: k.clone(), votes: *votes, rank, tied: false });
    }
    for i in 0..out.len() {
        let tied = (i > 0 && out[i - 1].votes == out[i].votes)
            || (i + 1 < out.len() && out[i + 1].votes == out[i].votes);
        out[i].tied = tied;
    }
    out
}

/// The champions of a category: the `n` nominees with the most votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cutoff<K> {
    /// Nominees certainly in the top `n`.
    pub certain: Vec<K>,
    /// Nominees tied across the cut-off: some but not all of them fit in the remaining
    /// places, so an admin includes all or breaks the tie with a reason.
    pub tied_at_cutoff: Vec<K>,
    /// Places left for the tied group.
    pub open_places: usize,
}

pub fn top_n<K: Clone + Ord>(counts: &[(K, u64)], n: usize) -> Cutoff<K> {
    let ranked = rank(counts);
    if ranked.len() <= n {
        return Cutoff { certain: ranked.into_iter().map(|r| r.key).collect(), tied_at_cutoff: vec![], open_places: 0 };
    }
    if n == 0 {
        return Cutoff { certain: vec![], tied_at_cutoff: vec![], open_places: 0 };
    }
    let boundary_votes = ranked[n - 1].votes;
    if ranked[n].votes != boundary_votes {
        return Cutoff { certain: ranked.into_iter().take(n).map(|r| r.key).collect(), tied_at_cutoff: vec![], open_places: 0 };
    }
    let certain: Vec<K> = ranked.iter().filter(|r| r.votes > boundary_votes).map(|r| r.key.clone()).collect();
    let tied: Vec<K> = ranked.iter().filter(|r| r.votes == boundary_votes).map(|r| r.key.clone()).collect();
    let open_places = n - certain.len();
    Cutoff { certain, tied_at_cutoff: tied, open_places }
}

/// Whether a ballot is complete: the voter voted (validly) in every category.
pub fn ballot_complete(categories_voted: usize, categories: usize) -> bool {
    categories_voted >= categories
}

/// Under the complete-ballot rule, only voters who voted in every category count.
/// `ballots` maps a voter to the categories they voted in.
pub fn complete_voters<V: Clone + Eq + Hash, C: Eq + Hash>(
    ballots: &HashMap<V, HashSet<C>>,
    categories: usize,
) -> HashSet<V> {
    ballots.iter().filter(|(_, cs)| ballot_complete(cs.len(), categories)).map(|(v, _)| v.clone()).collect()
}

/// The voters of `votes` (voter, category, nominee) whose ballot is complete.
pub fn complete_voters_of<V: Clone + Eq + Hash, C: Clone + Eq + Hash, K>(votes: &[(V, C, K)], categories: usize) -> HashSet<V> {
    let mut ballots: HashMap<V, HashSet<C>> = HashMap::new();
    for (v, c, _) in votes {
        ballots.entry(v.clone()).or_default().insert(c.clone());
    }
    complete_voters(&ballots, categories)
}

/// The count of an edition, the one rule the champions, the results and the ledger use:
/// the valid votes `(voter, category, nominee)` per nominee, and under the complete-ballot
/// rule (`complete_ballot = Some(number of categories)`) only those of voters whose
/// ballot is complete.
pub fn count_votes<V: Clone + Eq + Hash, C: Clone + Eq + Hash, K: Clone + Eq + Hash>(
    valid_votes: &[(V, C, K)],
    complete_ballot: Option<usize>,
) -> HashMap<K, u64> {
    let counted = complete_ballot.map(|n| complete_voters_of(valid_votes, n));
    let records: Vec<(V, K, bool)> = valid_votes.iter().map(|(v, _, k)| (v.clone(), k.clone(), true)).collect();
    count(&records, counted.as_ref())
}

/// Counts votes per nominee from (voter, nominee, valid) records, optionally counting only
/// voters in `counted` (the complete-ballot rule).
pub fn count<V: Eq + Hash, K: Clone + Eq + Hash>(
    votes: &[(V, K, bool)],
    counted: Option<&HashSet<V>>,
) -> HashMap<K, u64> {
    let mut out: HashMap<K, u64> = HashMap::new();
    for (voter, key, valid) in votes {
        if !valid {
            continue;
        }
        if let Some(set) = counted {
            if !set.contains(voter) {
                continue;
            }
        }
        *out.entry(key.clone()).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn competition_ranks() {
        let r = rank(&[("a", 5), ("b", 9), ("c", 5), ("d", 1)]);
        let got: Vec<_> = r.iter().map(|x| (x.key, x.rank, x.tied)).collect();
        assert_eq!(got, vec![("b", 1, false), ("a", 2, true), ("c", 2, true), ("d", 4, false)]);
    }

    #[test]
    fn cutoff_without_and_with_tie() {
        let c = top_n(&[("a", 10), ("b", 9), ("c", 8), ("d", 1)], 2);
        assert_eq!(c.certain, vec!["a", "b"]);
        assert!(c.tied_at_cutoff.is_empty());

        let c = top_n(&[("a", 10), ("b", 8), ("c", 8), ("d", 8), ("e", 1)], 2);
        assert_eq!(c.certain, vec!["a"]);
        assert_eq!(c.tied_at_cutoff, vec!["b", "c", "d"]);
        assert_eq!(c.open_places, 1);

        let c = top_n(&[("a", 3)], 5);
        assert_eq!(c.certain, vec!["a"]);
    }

    #[test]
    fn complete_ballot_excludes_partial_voters() {
        let mut ballots: HashMap<&str, HashSet<u8>> = HashMap::new();
        ballots.insert("full", (1..=18).collect());
        ballots.insert("partial", (1..=17).collect());
        let ok = complete_voters(&ballots, 18);
        assert!(ok.contains("full") && !ok.contains("partial"));
        let votes = vec![("full", 'x', true), ("partial", 'x', true), ("full", 'y', false)];
        let c = count(&votes, Some(&ok));
        assert_eq!(c.get(&'x'), Some(&1));
        assert_eq!(c.get(&'y'), None);
        assert_eq!(count(&votes, None).get(&'x'), Some(&2));
    }

    proptest! {
        #[test]
        fn ranks_are_consistent(counts in proptest::collection::vec(0u64..20, 0..40)) {
            let input: Vec<(usize, u64)> = counts.iter().copied().enumerate().collect();
            let r = rank(&input);
            prop_assert_eq!(r.len(), input.len());
            for w in r.windows(2) {
                prop_assert!(w[0].votes >= w[1].votes);
                if w[0].votes == w[1].votes {
                    prop_assert_eq!(w[0].rank, w[1].rank);
                    prop_assert!(w[0].tied && w[1].tied);
                } else {
                    prop_assert!(w[0].rank < w[1].rank);
                }
            }
            for (i, x) in r.iter().enumerate() {
                // rank = 1 + number of nominees with strictly more votes
                let more = r.iter().filter(|y| y.votes > x.votes).count() as u32;
                prop_assert_eq!(x.rank, more + 1);
                prop_assert!(x.rank as usize <= i + 1);
            }
        }

        #[test]
        fn cutoff_is_exact(counts in proptest::collection::vec(0u64..10, 0..30), n in 0usize..8) {
            let input: Vec<(usize, u64)> = counts.iter().copied().enumerate().collect();
            let c = top_n(&input, n);
            // never more certain champions than places; everything certain beats everything outside
            prop_assert!(c.certain.len() <= n);
            let votes = |k: &usize| input[*k].1;
            let inside: HashSet<usize> = c.certain.iter().chain(c.tied_at_cutoff.iter()).copied().collect();
            for k in &c.certain {
                for (o, v) in &input {
                    if !inside.contains(o) { prop_assert!(votes(k) > *v); }
                }
            }
            if c.tied_at_cutoff.is_empty() {
                prop_assert_eq!(c.certain.len(), n.min(input.len()));
            } else {
                prop_assert_eq!(c.certain.len() + c.open_places, n);
                prop_assert!(c.tied_at_cutoff.len() > c.open_places);
                let v0 = votes(&c.tied_at_cutoff[0]);
                prop_assert!(c.tied_at_cutoff.iter().all(|k| votes(k) == v0));
            }
        }

        /// The edition's count equals a naive count under both rules.
        #[test]
        fn the_count_of_an_edition_matches_a_naive_count(votes in proptest::collection::vec((0u8..12, 0u8..3, 0u8..6), 0..300)) {
            let mut seen = HashSet::new();
            // one vote per voter and category, as the database keeps it
            let votes: Vec<(u8, u8, u8)> = votes.into_iter().filter(|(v, c, _)| seen.insert((*v, *c))).collect();
            let plain = count_votes(&votes, None);
            let complete = count_votes(&votes, Some(3));
            for k in 0u8..6 {
                let naive = votes.iter().filter(|(_, _, n)| *n == k).count() as u64;
                prop_assert_eq!(plain.get(&k).copied().unwrap_or(0), naive);
                let full = |v: u8| votes.iter().filter(|(w, _, _)| *w == v).count() == 3;
                let naive_complete = votes.iter().filter(|(v, _, n)| *n == k && full(*v)).count() as u64;
                prop_assert_eq!(complete.get(&k).copied().unwrap_or(0), naive_complete);
            }
        }

        #[test]
        fn counting_matches_naive(records in proptest::collection::vec((0u8..10, 0u8..5, any::<bool>()), 0..200)) {
            let c = count(&records, None);
            for k in 0u8..5 {
                let naive = records.iter().filter(|(_, n, ok)| *n == k && *ok).count() as u64;
                prop_assert_eq!(c.get(&k).copied().unwrap_or(0), naive);
            }
        }
    }
}
