//! The outgoing-mail queue as the secretariat sees it: how much waits, how much went out,
//! and every message a mail server refused, with its last error, until it is delivered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The messages listed as failing on one page at most (the counts cover all of them).
pub const FAILING_LISTED: u64 = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailQueue {
    /// "smtp" or "outbox".
    pub transport: String,
    /// Not sent yet and never refused.
    pub waiting: u64,
    /// Not sent yet, refused at least once: tried again later.
    pub retrying: u64,
    pub sent: u64,
    /// The failing messages, most tried first, at most [`FAILING_LISTED`].
    pub failing: Vec<MailFailure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailFailure {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub last_error: String,
    pub next_attempt_at: DateTime<Utc>,
}
