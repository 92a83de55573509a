//! A fair ballot: the nominees of a category are listed in an order of their own for each
//! voter — stable for that voter, so the page never reshuffles — so that no place on the
//! list favours anybody (the first places of a long list draw more votes). Alphabetical
//! order stays a choice.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a category's nominees are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BallotOrder {
    /// An order of the voter's own (the default).
    #[default]
    Shuffled,
    /// By title.
    Alphabetical,
}

impl BallotOrder {
    /// The order a request names (`order=` in the address): `alpha` or nothing.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "random" => Ok(BallotOrder::Shuffled),
            "alpha" => Ok(BallotOrder::Alphabetical),
            other => Err(format!("There is no order “{other}”.")),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            BallotOrder::Shuffled => "random",
            BallotOrder::Alphabetical => "alpha",
        }
    }
}

/// The seed of a voter's order in a category: the voter (an account's id, or a visitor's
/// random cookie) and the category, hashed.
pub fn seed(voter: &str, category: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(b"wsis-ballot-order\0");
    h.update(voter.as_bytes());
    h.update([0]);
    h.update(category.as_bytes());
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("eight bytes"))
}

/// SplitMix64: a small generator that gives the same sequence in the browser and on the
/// server for one seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (rejection sampling, no modulo bias).
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Puts `items` (listed in a fixed order first, e.g. by title) in the voter's order for
/// `seed`: a Fisher–Yates shuffle, every order equally likely over seeds.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix64(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn orders_are_named_in_addresses() {
        assert_eq!(BallotOrder::parse(""), Ok(BallotOrder::Shuffled));
        assert_eq!(BallotOrder::parse("alpha"), Ok(BallotOrder::Alphabetical));
        assert_eq!(BallotOrder::parse(BallotOrder::Shuffled.key()), Ok(BallotOrder::Shuffled));
        assert!(BallotOrder::parse("votes").unwrap_err().contains("votes"));
    }

    #[test]
    fn a_voter_keeps_one_order_and_voters_differ() {
        let list: Vec<u32> = (0..20).collect();
        let order = |voter: &str, cat: &str| {
            let mut l = list.clone();
            shuffle(&mut l, seed(voter, cat));
            l
        };
        assert_eq!(order("voter-a", "c1"), order("voter-a", "c1"), "stable for a voter");
        assert_ne!(order("voter-a", "c1"), order("voter-b", "c1"), "another voter, another order");
        assert_ne!(order("voter-a", "c1"), order("voter-a", "c2"), "another category, another order");
    }

    /// Over many voters every nominee is first about as often as any other (20 nominees,
    /// 20,000 voters: 1,000 each expected; a bias of a tenth would show).
    #[test]
    fn no_place_favours_a_nominee() {
        let mut first = [0u32; 20];
        let mut last = [0u32; 20];
        for v in 0..20_000 {
            let mut l: Vec<usize> = (0..20).collect();
            shuffle(&mut l, seed(&format!("voter-{v}"), "c4"));
            first[l[0]] += 1;
            last[l[19]] += 1;
        }
        for n in 0..20 {
            assert!((880..=1120).contains(&first[n]), "nominee {n} first {} times", first[n]);
            assert!((880..=1120).contains(&last[n]), "nominee {n} last {} times", last[n]);
        }
    }

    proptest! {
        #[test]
        fn a_shuffle_is_a_permutation(len in 0usize..100, s in any::<u64>()) {
            let mut l: Vec<usize> = (0..len).collect();
            shuffle(&mut l, s);
            let mut sorted = l.clone();
            sorted.sort();
            prop_assert_eq!(sorted, (0..len).collect::<Vec<_>>());
        }
    }
}
