//! The commitment published when voting closes: per category, the number of votes cast and
//! the root of a Merkle tree over the category's ledger of every cast vote — the lines
//! `RECEIPT NOMINEE` (the receipt as printed, the nominee's id), sorted — so that one vote's
//! inclusion can be proven with a path of hashes, without the whole ledger.
//!
//! The tree (as RFC 6962's, with SHA-256): a leaf is `SHA-256(0x00 ‖ line)`, an inner node
//! `SHA-256(0x01 ‖ left ‖ right)`; on a level with an odd number of nodes the last one
//! moves up unchanged. The root of an empty ledger is `SHA-256("")`. Hashes print as
//! lower-case hex.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// One line of a category's ledger.
pub fn ledger_line(receipt: &str, nominee: uuid::Uuid) -> String {
    format!("{receipt} {nominee}")
}

pub fn leaf(line: &str) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(line.as_bytes());
    h.finalize().into()
}

fn node(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Every level of the tree over `leaves` (in ledger order), the leaves first, the root last.
pub fn levels(leaves: &[Hash]) -> Vec<Vec<Hash>> {
    let mut out = vec![leaves.to_vec()];
    while out.last().is_some_and(|l| l.len() > 1) {
        let next = out.last().map(|l| l.chunks(2).map(|p| if p.len() == 2 { node(&p[0], &p[1]) } else { p[0] }).collect()).unwrap_or_default();
        out.push(next);
    }
    out
}

/// The root of the tree over `leaves` (in ledger order).
pub fn root(leaves: &[Hash]) -> Hash {
    if leaves.is_empty() {
        return Sha256::digest(b"").into();
    }
    levels(leaves).last().and_then(|l| l.first().copied()).unwrap_or_default()
}

/// The root of a tree's [`levels`].
pub fn root_of_levels(levels: &[Vec<Hash>]) -> Hash {
    match levels.last().and_then(|l| l.first()) {
        Some(r) => *r,
        None => Sha256::digest(b"").into(),
    }
}

/// One step of an inclusion proof: the sibling's hash and whether it stands on the left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub left: bool,
    pub hash: String,
}

/// The path from leaf `index` to the root: the siblings, bottom up (a level where the node
/// has none adds no step).
pub fn proof(leaves: &[Hash], index: usize) -> Vec<Step> {
    proof_in(&levels(leaves), index)
}

/// [`proof`] from the tree's [`levels`], made once.
pub fn proof_in(levels: &[Vec<Hash>], index: usize) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut i = index;
    for level in levels.iter().take(levels.len().saturating_sub(1)) {
        let sibling = i ^ 1;
        if sibling < level.len() {
            steps.push(Step { left: sibling < i, hash: to_hex(&level[sibling]) });
        }
        i /= 2;
    }
    steps
}

/// Whether `line` is in the tree of `root_hex` by the path `steps`.
pub fn verify(line: &str, steps: &[Step], root_hex: &str) -> bool {
    let mut h = leaf(line);
    for s in steps {
        let Some(sibling) = from_hex(&s.hash) else { return false };
        h = if s.left { node(&sibling, &h) } else { node(&h, &sibling) };
    }
    to_hex(&h) == root_hex
}

/// `bytes` as lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash from 64 hex digits.
pub fn from_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A category's commitment as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCommitment {
    /// The category's code (`C1` … `C7 E-science`).
    pub category: String,
    pub votes: u64,
    /// The Merkle root, hex.
    pub root: String,
}

/// The commitment of an edition, made at the close of its voting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub edition: i32,
    pub committed_at: chrono::DateTime<chrono::Utc>,
    pub categories: Vec<CategoryCommitment>,
}

/// A vote's inclusion in its category's commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    pub category: String,
    /// The ledger line (the receipt and the nominee's id).
    pub line: String,
    /// Its place in the category's ledger (from 0) and the ledger's length.
    pub index: u64,
    pub votes: u64,
    pub steps: Vec<Step>,
    pub root: String,
    pub committed_at: chrono::DateTime<chrono::Utc>,
}

/// An address registered to receive an edition's commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observer {
    pub email: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf(&format!("R{i:04} n{i}"))).collect()
    }

    #[test]
    fn small_trees_are_built_as_documented() {
        assert_eq!(to_hex(&root(&[])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let l = leaves(3);
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&l), node(&node(&l[0], &l[1]), &l[2]), "the odd last node moves up");
        assert_ne!(leaf("a"), Sha256::digest(b"a").as_slice(), "leaves are domain-separated from plain hashes");
    }

    proptest! {
        #[test]
        fn every_vote_proves_its_inclusion_and_no_other_line_does(n in 1usize..70, pick in 0usize..70, other in "[A-Z0-9]{1,8}") {
            let l = leaves(n);
            let i = pick % n;
            let r = to_hex(&root(&l));
            let p = proof(&l, i);
            let line = format!("R{i:04} n{i}");
            prop_assert!(verify(&line, &p, &r));
            let changed = format!("{line}x");
            prop_assert!(!verify(&changed, &p, &r), "a changed line");
            prop_assert!(!verify(&other, &p, &r) || other == line);
            // a dropped or moved vote changes the root
            if n > 1 {
                let mut fewer = l.clone();
                fewer.remove(i);
                prop_assert_ne!(to_hex(&root(&fewer)), r.clone());
                let mut swapped = l.clone();
                swapped.swap(i, (i + 1) % n);
                prop_assert_ne!(to_hex(&root(&swapped)), r);
            }
        }
    }
}
