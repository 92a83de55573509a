//! Broadcasts: a message the secretariat writes to a group of an edition (submitters with
//! drafts, nominees, screeners with work pending, …), previewed with its count of recipients
//! and one rendered sample, then queued once per recipient, in their language when a
//! translation is given.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::keyed_enum! {
    /// Who a broadcast goes to, in one edition.
    pub enum BroadcastGroup {
        /// Accounts with a draft not yet submitted.
        UnsubmittedDrafts = "unsubmitted_drafts",
        /// Accounts that submitted a project (whatever became of it).
        Submitters = "submitters",
        /// Teams of the projects on the ballot.
        Nominees = "nominees",
        /// Teams of the champions.
        Champions = "champions",
        /// Screeners with projects still waiting for their opinion.
        ScreenersPending = "screeners_pending",
        /// Experts of the review with champions not yet scored.
        ExpertsPending = "experts_pending",
        /// Voters who asked to be reminded before voting closes.
        VotersOptedIn = "voters_opted_in",
    }
}

/// Automatic reminders: hours before the deadline by default, and at most.
pub const DEFAULT_REMINDER_HOURS: u32 = 48;
pub const MAX_REMINDER_HOURS: u32 = 720;

/// Whether an automatic reminder `hours` before `deadline` is due at `now` (0: off; never
/// once the deadline passed).
pub fn reminder_due(now: DateTime<Utc>, deadline: DateTime<Utc>, hours: u32) -> bool {
    hours > 0 && now < deadline && now >= deadline - chrono::Duration::hours(i64::from(hours))
}

/// The reminder to a submitter with a draft not submitted.
pub fn draft_reminder(year: i32, closes: &str, public_url: &str) -> (String, String) {
    (
        format!("WSIS Prizes {year}: your project is still a draft"),
        format!(
            "Your project description for the WSIS Prizes {year} is saved as a draft and not submitted yet. Submission closes on {closes} (Geneva time).\n\n\
             Complete and submit it here: {public_url}/submissions\n"
        ),
    )
}

/// The reminder to an expert with champions not yet scored.
pub fn review_reminder(year: i32, closes: &str, public_url: &str) -> (String, String) {
    (
        format!("WSIS Prizes {year}: your reviews are waiting"),
        format!(
            "Some champions of the WSIS Prizes {year} assigned to you are not scored and submitted yet. The review closes on {closes} (Geneva time).\n\n\
             Your champions: {public_url}/review\n"
        ),
    )
}

/// Most characters of a subject and of a body.
pub const SUBJECT_CHARS: usize = 200;
pub const BODY_CHARS: usize = 10_000;
/// The languages a broadcast may carry a translation for (English is the message itself).
pub const TRANSLATED: [&str; 5] = ["ar", "es", "fr", "ru", "zh"];

/// A broadcast as the form sends it: `{name}` in the subject or body becomes each
/// recipient's display name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BroadcastForm {
    pub group: String,
    pub subject: String,
    pub body: String,
    pub ar_subject: String,
    pub ar_body: String,
    pub es_subject: String,
    pub es_body: String,
    pub fr_subject: String,
    pub fr_body: String,
    pub ru_subject: String,
    pub ru_body: String,
    pub zh_subject: String,
    pub zh_body: String,
}

/// A checked broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broadcast {
    pub group: BroadcastGroup,
    pub subject: String,
    pub body: String,
    /// (language, subject, body) for the languages translated.
    pub translations: Vec<(String, String, String)>,
}

impl BroadcastForm {
    /// The form's fields as a form posts them (`input[subject]`, …), for the send.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut out = vec![("group".to_string(), self.group.clone()), ("subject".to_string(), self.subject.clone()), ("body".to_string(), self.body.clone())];
        for lang in TRANSLATED {
            let (s, b) = self.translation(lang);
            out.push((format!("{lang}_subject"), s.to_string()));
            out.push((format!("{lang}_body"), b.to_string()));
        }
        out.into_iter().map(|(k, v)| (format!("input[{k}]"), v)).collect()
    }

    fn translation(&self, lang: &str) -> (&str, &str) {
        match lang {
            "ar" => (&self.ar_subject, &self.ar_body),
            "es" => (&self.es_subject, &self.es_body),
            "fr" => (&self.fr_subject, &self.fr_body),
            "ru" => (&self.ru_subject, &self.ru_body),
            _ => (&self.zh_subject, &self.zh_body),
        }
    }

    pub fn parse(&self) -> Result<Broadcast, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let group = BroadcastGroup::parse(&self.group);
        if group.is_none() {
            errors.push(("group".to_string(), "Choose who receives the message.".to_string()));
        }
        let text = |errors: &mut Vec<(String, String)>, field: String, label: &str, value: &str, max: usize, required: bool| {
            crate::account::check_text(label, value, required, max).unwrap_or_else(|m| {
                errors.push((field, m));
                String::new()
            })
        };
        let subject = text(&mut errors, "subject".into(), "The subject", &self.subject, SUBJECT_CHARS, true);
        let body = text(&mut errors, "body".into(), "The message", &self.body, BODY_CHARS, true);
        let mut translations = Vec::new();
        for lang in TRANSLATED {
            let (s, b) = self.translation(lang);
            let s = text(&mut errors, format!("{lang}_subject"), "The subject", s, SUBJECT_CHARS, false);
            let b = text(&mut errors, format!("{lang}_body"), "The message", b, BODY_CHARS, false);
            match (s.is_empty(), b.is_empty()) {
                (true, true) => {}
                (false, false) => translations.push((lang.to_string(), s, b)),
                _ => errors.push((format!("{lang}_body"), "A translation needs both its subject and its message.".to_string())),
            }
        }
        match group {
            Some(group) if errors.is_empty() => Ok(Broadcast { group, subject, body, translations }),
            _ => Err(errors),
        }
    }
}

impl Broadcast {
    /// The message one recipient gets: in their language when translated, else English,
    /// with `{name}` replaced by their display name.
    pub fn render(&self, lang: &str, name: &str) -> (String, String) {
        let (s, b) = self.translations.iter().find(|(l, _, _)| l == lang).map_or((&self.subject, &self.body), |(_, s, b)| (s, b));
        (s.replace("{name}", name), b.replace("{name}", name))
    }
}

/// What the preview shows before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastPreview {
    pub recipients: u64,
    /// One recipient's message as they will get it: (address, language, subject, body).
    pub sample: Option<(String, String, String, String)>,
    /// Sends this preview (once: a second send with it is refused).
    pub token: Uuid,
    /// The form previewed, for the send.
    pub form: BroadcastForm,
}

/// A broadcast sent, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentBroadcast {
    pub group: BroadcastGroup,
    pub subject: String,
    pub recipients: u64,
    pub sent_at: DateTime<Utc>,
    pub by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> BroadcastForm {
        BroadcastForm { group: "nominees".into(), subject: "Voting opens, {name}".into(), body: "Dear {name}, share your link.".into(), ..Default::default() }
    }

    #[test]
    fn a_broadcast_needs_a_group_a_subject_and_a_body() {
        assert!(form().parse().is_ok());
        let bad = BroadcastForm { group: "everyone".into(), subject: " ".into(), ..form() };
        let fields: Vec<String> = bad.parse().unwrap_err().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["group", "subject"]);
        let long = BroadcastForm { body: "x".repeat(BODY_CHARS + 1), ..form() };
        assert_eq!(long.parse().unwrap_err()[0].0, "body");
        let half = BroadcastForm { fr_subject: "Le vote est ouvert".into(), ..form() };
        assert_eq!(half.parse().unwrap_err()[0].0, "fr_body");
    }

    #[test]
    fn reminders_are_due_in_their_window_only() {
        use chrono::TimeZone;
        let closes = Utc.with_ymd_and_hms(2027, 1, 31, 22, 0, 0).unwrap();
        let h = chrono::Duration::hours;
        assert!(!reminder_due(closes - h(49), closes, 48));
        assert!(reminder_due(closes - h(48), closes, 48));
        assert!(reminder_due(closes - chrono::Duration::seconds(1), closes, 48));
        assert!(!reminder_due(closes, closes, 48), "not once the deadline passed");
        assert!(!reminder_due(closes - h(1), closes, 0), "0 is off");
    }

    #[test]
    fn each_recipient_reads_their_language_or_english_with_their_name() {
        let b = BroadcastForm { fr_subject: "Le vote est ouvert, {name}".into(), fr_body: "Bonjour {name}.".into(), ..form() }.parse().unwrap();
        assert_eq!(b.render("fr", "Ana"), ("Le vote est ouvert, Ana".to_string(), "Bonjour Ana.".to_string()));
        assert_eq!(b.render("ru", "Ivan"), ("Voting opens, Ivan".to_string(), "Dear Ivan, share your link.".to_string()));
    }
}
