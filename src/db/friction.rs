//! Throttles and rising friction: how often a client, an address or a network may do
//! something, and what it must show (a proof of work) once past a threshold.
//!
//! Two kinds of counters:
//! - **attempts in the database** ([`reserve`]): for what must hold across app nodes and
//!   under parallel requests (failed sign-ins, mails to one address, mail requests of one
//!   client). The attempt is written *before* the costly part runs and counted after, so
//!   of any number of parallel requests at most the limit see a count within it.
//! - **rates in memory** ([`RateLimiter`]): per node, for floods of requests and for the
//!   vote friction thresholds (a node seeing a third of the traffic sees a third of it).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::auth::keyed_hash;
use super::entity::{attempt, used_challenge};
use super::Config;
use crate::pow::{self, Challenge, Purpose, Solution, CHALLENGE_TTL_SECS, WAIT_NONCE};
use crate::AppError;

/// Records one attempt under `key` and answers how many there were within `window`,
/// this one included, and the attempt's row id (to forget it after a success).
pub async fn reserve(db: &impl ConnectionTrait, key: &str, window: Duration, now: DateTime<Utc>) -> Result<(u64, i32), AppError> {
    let row = attempt::ActiveModel { key: Set(key.to_string()), at: Set(now), ..Default::default() }.insert(db).await?;
    Ok((count(db, key, window, now).await?, row.id))
}

/// Attempts under `key` within `window` before `now`.
pub async fn count(db: &impl ConnectionTrait, key: &str, window: Duration, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::Key.eq(key))
        .filter(attempt::Column::At.gt(now - window))
        .count(db)
        .await?)
}

/// Forgets every attempt under `key` (a success clears an account's failures).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    attempt::Entity::delete_many().filter(attempt::Column::Key.eq(key)).exec(db).await?;
    Ok(())
}

/// Forgets one attempt (a successful sign-in does not count against its client).
pub async fn forget(db: &impl ConnectionTrait, id: i32) -> Result<(), AppError> {
    attempt::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The key of a client address in the attempt table: a keyed hash, never the address.
pub fn address_key(secret: &[u8], addr: &str) -> String {
    keyed_hash(secret, format!("address:{addr}").as_bytes())[..32].to_string()
}

/// The network of an address: its /24 for IPv4, its /48 for IPv6 (a campus, a provider's
/// block, a data centre). Anything else is its own network.
pub fn network_of(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
        Err(_) => addr.to_string(),
    }
}

/// Mails one address may receive from the account flows (links, codes, notices): so that
/// no endpoint can be used to flood someone's inbox.
pub const MAILS_PER_ADDRESS_PER_HOUR: u64 = 3;
pub const MAILS_PER_ADDRESS_PER_DAY: u64 = 10;

/// Whether one more account mail may go to the mailbox `canonical`; records it if so.
pub async fn allow_mail_to(db: &impl ConnectionTrait, secret: &[u8], canonical: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
    let key = format!("mail_to:{}", &keyed_hash(secret, canonical.as_bytes())[..32]);
    let day = count(db, &key, Duration::days(1), now).await?;
    let hour = count(db, &key, Duration::hours(1), now).await?;
    if day >= MAILS_PER_ADDRESS_PER_DAY || hour >= MAILS_PER_ADDRESS_PER_HOUR {
        return Ok(false);
    }
    let (n, _) = reserve(db, &key, Duration::hours(1), now).await?;
    Ok(n <= MAILS_PER_ADDRESS_PER_HOUR)
}

/// The difficulty of a purpose's challenge.
pub fn bits_for(config: &Config, purpose: Purpose) -> u8 {
    match purpose {
        // a vote is made up to 18 times in a row: a little cheaper
        Purpose::Vote => config.pow_bits.saturating_sub(2),
        _ => config.pow_bits,
    }
}

fn mac(config: &Config, signed: &str) -> String {
    keyed_hash(&config.secret, format!("pow:{signed}").as_bytes())[..32].to_string()
}

/// A fresh challenge for `purpose`.
pub fn issue(config: &Config, purpose: Purpose, now: DateTime<Utc>) -> Challenge {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let bits = bits_for(config, purpose);
    let signed = format!("v1.{}.{bits}.{}.{}", purpose.key(), now.timestamp(), hex::encode(id));
    let mac = mac(config, &signed);
    Challenge { challenge: format!("{signed}.{mac}"), bits, wait_secs: config.pow_wait_secs }
}


pub const CHALLENGE_NEEDED: &str =
    "Please wait a moment: your browser is completing a security check. Send the form again in a few seconds.";

/// Checks a proof of work for `purpose` and spends its challenge (each works once).
pub async fn verify(db: &impl ConnectionTrait, config: &Config, purpose: Purpose, answer: &Solution, now: DateTime<Utc>) -> Result<(), AppError> {
    let refused = || AppError::Challenge(CHALLENGE_NEEDED.into());
    let Some(p) = pow::parse(answer.challenge.trim()) else { return Err(refused()) };
    if p.purpose != purpose || !super::auth::same_secret(&mac(config, p.signed), p.mac) || p.bits < bits_for(config, purpose) {
        return Err(refused());
    }
    let age = now.timestamp() - p.issued;
    if !(0..=CHALLENGE_TTL_SECS).contains(&age) {
        return Err(AppError::Challenge("The security check expired. Please reload the page and send the form again.".into()));
    }
    let answered = if answer.nonce.trim() == WAIT_NONCE {
        age >= i64::from(config.pow_wait_secs)
    } else {
        pow::check(answer.challenge.trim(), &answer.nonce, p.bits)
    };
    if !answered {
        return Err(refused());
    }
    let spent = used_challenge::ActiveModel {
        id: Set(p.id.to_string()),
        expires_at: Set(now + Duration::seconds(CHALLENGE_TTL_SECS)),
    }
    .insert(db)
    .await;
    match spent {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::Challenge("This security check was already used. Please reload the page and send the form again.".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes what no longer counts: attempts older than a day, spent challenges past their
/// lifetime and expired sessions.
pub async fn housekeeping(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), AppError> {
    super::auth::delete_expired_sessions(db, now).await?;
    attempt::Entity::delete_many().filter(attempt::Column::At.lt(now - Duration::days(1))).exec(db).await?;
    used_challenge::Entity::delete_many().filter(used_challenge::Column::ExpiresAt.lt(now)).exec(db).await?;
    super::sign_in_code::housekeeping(db, now).await?;
    Ok(())
}

/// Per-node rates (GCRA): each key may make `rate` calls per `period` with bursts of up
/// to `burst`. Keys that fell idle are dropped as the map grows.
#[derive(Debug, Default)]
pub struct RateLimiter {
    shards: [Mutex<HashMap<String, Instant>>; 16],
}

impl RateLimiter {
    /// Records a call under `key` and answers whether it was within the rate.
    pub fn hit(&self, key: &str, rate: u32, period: std::time::Duration, burst: u32) -> bool {
        if rate == 0 {
            return false;
        }
        let now = Instant::now();
        let interval = period / rate;
        // a burst of `burst` calls: the last of them may come `burst - 1` intervals early
        let tolerance = interval * (burst.max(1) - 1);
        let shard = &self.shards[fxhash(key) % self.shards.len()];
        let mut map = shard.lock().expect("rate limiter");
        if map.len() > 50_000 {
            map.retain(|_, tat| *tat > now);
        }
        let tat = map.get(key).copied().unwrap_or(now).max(now);
        if tat.saturating_duration_since(now) > tolerance {
            return false;
        }
        map.insert(key.to_string(), tat + interval);
        true
    }
}

fn fxhash(s: &str) -> usize {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_group_neighbours() {
        assert_eq!(network_of("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(network_of("203.0.113.250"), network_of("203.0.113.1"));
        assert_ne!(network_of("203.0.114.1"), network_of("203.0.113.1"));
        assert_eq!(network_of("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
        assert_eq!(network_of("not an address"), "not an address");
    }

    #[test]
    fn the_limiter_allows_the_burst_then_the_rate() {
        let l = RateLimiter::default();
        let period = std::time::Duration::from_secs(3600);
        let allowed = (0..50).filter(|_| l.hit("a", 10, period, 10)).count();
        assert_eq!(allowed, 10, "a burst of 10, then nothing within the hour");
        assert!(l.hit("b", 10, period, 10), "keys are independent");
        assert!(!l.hit("c", 0, period, 10), "a zero rate allows nothing");
    }
}
