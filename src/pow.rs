//! Proof of work: friction that costs a person's browser a moment and a script farm real
//! computing, without any third-party service.
//!
//! The server issues a signed challenge naming its purpose, its difficulty in bits and the
//! instant it was issued. A browser with JavaScript finds a nonce such that
//! `SHA-256("{challenge}:{nonce}")` starts with that many zero bits; a browser without it
//! sends the challenge back with the nonce `wait` after [`WAIT_NONCE`]'s delay has passed
//! (a time lock: slower for the person, still one challenge per request). Each challenge
//! works once and for [`CHALLENGE_TTL_SECS`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The nonce of the no-JavaScript path.
pub const WAIT_NONCE: &str = "wait";
/// How long a challenge can be answered.
pub const CHALLENGE_TTL_SECS: i64 = 600;

/// What a challenge protects (it cannot be spent on another purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    SignUp,
    SignIn,
    Vote,
    /// Asking for an e-mail (a new confirmation link, a password reset).
    Mail,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [Purpose::SignUp, Purpose::SignIn, Purpose::Vote, Purpose::Mail];

    pub fn key(self) -> &'static str {
        match self {
            Purpose::SignUp => "sign_up",
            Purpose::SignIn => "sign_in",
            Purpose::Vote => "vote",
            Purpose::Mail => "mail",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Self::ALL.into_iter().find(|p| p.key() == s.trim())
    }
}

/// A challenge as the browser receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The signed challenge string, sent back as is.
    pub challenge: String,
    pub bits: u8,
    /// Seconds after which the no-JavaScript answer ([`WAIT_NONCE`]) is accepted.
    pub wait_secs: u32,
}

/// The fields a form posts: the challenge and its answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    #[serde(default)]
    pub challenge: String,
    #[serde(default)]
    pub nonce: String,
}

impl Solution {
    pub fn is_empty(&self) -> bool {
        self.challenge.is_empty()
    }
}

/// The parts of a challenge string `v1.{purpose}.{bits}.{issued}.{id}.{mac}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    pub purpose: Purpose,
    pub bits: u8,
    pub issued: i64,
    pub id: &'a str,
    /// Everything before the last dot: what the MAC signs.
    pub signed: &'a str,
    pub mac: &'a str,
}

pub fn parse(challenge: &str) -> Option<Parsed<'_>> {
    let (signed, mac) = challenge.rsplit_once('.')?;
    let mut parts = signed.split('.');
    if parts.next()? != "v1" {
        return None;
    }
    let purpose = Purpose::parse(parts.next()?)?;
    let bits = parts.next()?.parse().ok()?;
    let issued = parts.next()?.parse().ok()?;
    let id = parts.next()?;
    if parts.next().is_some() || id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) || bits > 32 {
        return None;
    }
    Some(Parsed { purpose, bits, issued, id, signed, mac })
}

/// Zero bits at the start of `hash`.
pub fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut n = 0;
    for b in hash {
        if *b == 0 {
            n += 8;
        } else {
            return n + b.leading_zeros();
        }
    }
    n
}

fn work(challenge: &str, nonce: u64) -> u32 {
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(nonce.to_string().as_bytes());
    leading_zero_bits(&h.finalize())
}

/// Whether `nonce` answers `challenge` with at least `bits` zero bits.
pub fn check(challenge: &str, nonce: &str, bits: u8) -> bool {
    match nonce.trim().parse::<u64>() {
        Ok(n) if nonce.trim() == n.to_string() => work(challenge, n) >= u32::from(bits),
        _ => false,
    }
}

/// Searches nonces `from..from + count`; the first answer, if any (the browser calls it
/// in slices so that the page stays responsive).
pub fn solve_range(challenge: &str, bits: u8, from: u64, count: u64) -> Option<u64> {
    (from..from.saturating_add(count)).find(|n| work(challenge, *n) >= u32::from(bits))
}

/// The answer to a challenge (for tests and tools; expected 2^bits tries).
pub fn solve(challenge: &str, bits: u8) -> u64 {
    solve_range(challenge, bits, 0, u64::MAX).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn zero_bits_are_counted_from_the_start() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10, 0xff]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
    }

    #[test]
    fn a_solution_checks_and_a_wrong_one_does_not() {
        let c = "v1.vote.8.1700000000.0123456789abcdef0123456789abcdef.aa";
        let n = solve(c, 8);
        assert!(check(c, &n.to_string(), 8));
        assert!(!check(c, "not a number", 8));
        assert!(!check(c, &format!("0{n}"), 8), "one spelling per nonce");
        // the same nonce does not answer another challenge (with overwhelming likelihood)
        let other = "v1.vote.8.1700000000.ffffffffffffffffffffffffffffffff.aa";
        assert!(!check(other, &n.to_string(), 20));
    }

    #[test]
    fn challenges_parse_only_in_their_shape() {
        let p = parse("v1.sign_up.18.1700000000.0123456789abcdef0123456789abcdef.00ff").unwrap();
        assert_eq!((p.purpose, p.bits, p.issued, p.mac), (Purpose::SignUp, 18, 1_700_000_000, "00ff"));
        assert_eq!(p.signed, "v1.sign_up.18.1700000000.0123456789abcdef0123456789abcdef");
        for bad in ["", "v2.vote.8.1.0123456789abcdef0123456789abcdef.aa", "v1.nope.8.1.0123456789abcdef0123456789abcdef.aa", "v1.vote.x.1.0123456789abcdef0123456789abcdef.aa", "v1.vote.8.1.short.aa", "v1.vote.40.1.0123456789abcdef0123456789abcdef.aa"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    proptest! {
        /// The solver's answer always checks, for any challenge text.
        #[test]
        fn solutions_check(c in "[a-z0-9.]{1,40}", bits in 0u8..10) {
            let n = solve(&c, bits);
            prop_assert!(check(&c, &n.to_string(), bits));
        }
    }
}
