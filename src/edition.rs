//! An edition (one year of the Prizes): its schedule and its rules as data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::phase::{Milestone, Phase, PhaseKind, Schedule, Window};
use crate::AppError;

/// Rules that varied between editions, kept per edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionRules {
    /// Nominees with the most valid votes per category who become champions (5 since 2016).
    pub champions_per_category: u32,
    /// Votes count only for voters who voted in every category (2013–2017).
    pub complete_ballot: bool,
    /// How many projects one organisation may submit in one category.
    pub submissions_per_entity: u32,
    /// Winners per category (2025 had two in C5); 0 allows a category without a winner only.
    pub max_winners_per_category: u32,
    /// Whether experts see each other's scores once they submitted their own.
    pub experts_see_scores: bool,
    /// Whether per-nominee vote counts are published with the results.
    pub publish_vote_counts: bool,
    /// Friction: votes per hour from one client address, and from one network (/24 or
    /// /48), past which each vote needs a proof of work; failed sign-ins per 15 minutes
    /// from one address past which each sign-in needs one.
    pub friction_votes_per_address: u32,
    pub friction_votes_per_network: u32,
    pub friction_sign_ins_per_address: u32,
    /// Screening: independent opinions of the expert group asked for each project.
    #[serde(default = "default_opinions")]
    pub opinions_per_project: u32,
    /// Automatic reminders, hours before the deadline (0: off, at most
    /// [`crate::broadcast::MAX_REMINDER_HOURS`]): drafts not submitted, reviews not submitted.
    #[serde(default = "default_reminder")]
    pub remind_drafts_hours: u32,
    #[serde(default = "default_reminder")]
    pub remind_reviews_hours: u32,
}

fn default_reminder() -> u32 {
    crate::broadcast::DEFAULT_REMINDER_HOURS
}

fn default_opinions() -> u32 {
    crate::screening::DEFAULT_OPINIONS as u32
}

impl Default for EditionRules {
    fn default() -> Self {
        EditionRules {
            champions_per_category: 5,
            complete_ballot: false,
            submissions_per_entity: 1,
            max_winners_per_category: 1,
            experts_see_scores: true,
            publish_vote_counts: true,
            friction_votes_per_address: 200,
            friction_votes_per_network: 2000,
            friction_sign_ins_per_address: 20,
            opinions_per_project: default_opinions(),
            remind_drafts_hours: default_reminder(),
            remind_reviews_hours: default_reminder(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RulesError {
    #[error("champions per category must be between 1 and 20")]
    Champions,
    #[error("submissions per organisation and category must be between 1 and 10")]
    Submissions,
    #[error("winners per category must be between 1 and 5")]
    Winners,
    #[error("friction thresholds must be between 1 and 1000000")]
    Friction,
    #[error("opinions per project must be between 1 and 5")]
    Opinions,
    #[error("reminders must be between 0 (off) and 720 hours before the deadline")]
    Reminders,
}

impl EditionRules {
    pub fn validate(&self) -> Result<(), RulesError> {
        if !(1..=20).contains(&self.champions_per_category) {
            return Err(RulesError::Champions);
        }
        if !(1..=10).contains(&self.submissions_per_entity) {
            return Err(RulesError::Submissions);
        }
        if !(1..=5).contains(&self.max_winners_per_category) {
            return Err(RulesError::Winners);
        }
        if !(1..=crate::screening::MAX_OPINIONS as u32).contains(&self.opinions_per_project) {
            return Err(RulesError::Opinions);
        }
        if self.remind_drafts_hours > crate::broadcast::MAX_REMINDER_HOURS || self.remind_reviews_hours > crate::broadcast::MAX_REMINDER_HOURS {
            return Err(RulesError::Reminders);
        }
        let friction = [self.friction_votes_per_address, self.friction_votes_per_network, self.friction_sign_ins_per_address];
        if friction.iter().any(|n| !(1..=1_000_000).contains(n)) {
            return Err(RulesError::Friction);
        }
        Ok(())
    }
}

/// An edition as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionView {
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    pub schedule: Schedule,
    pub rules: EditionRules,
    pub results_released_at: Option<DateTime<Utc>>,
    pub is_current: bool,
}

impl EditionView {
    pub fn phase_at(&self, now: DateTime<Utc>) -> Phase {
        self.schedule.phase_at(now)
    }

    /// Results are public once released: by an admin, or by the platform at the
    /// announcement instant when every category's winner choice is made (see
    /// `db::results::release_due`). An announcement instant alone publishes nothing.
    pub fn results_public(&self) -> bool {
        self.results_released_at.is_some()
    }

    /// The one check of "is this phase open now", with the one refusal of each side:
    /// not opened yet (and when it opens), or closed (and when it closed).
    pub fn require_open(&self, kind: PhaseKind, now: DateTime<Utc>) -> Result<(), AppError> {
        let w = self.schedule.window(kind);
        if now < w.opens {
            return Err(AppError::Closed(format!(
                "{} has not opened yet: it opens on {} (Geneva time).",
                phase_name(kind),
                crate::time::geneva_label(w.opens)
            )));
        }
        if now >= w.closes {
            return Err(AppError::Closed(format!(
                "{} closed on {} (Geneva time): its deadline has passed.",
                phase_name(kind),
                crate::time::geneva_label(w.closes)
            )));
        }
        Ok(())
    }

    /// Refuses before the instant of `m` ("possible once voting has closed, on …").
    pub fn require_after(&self, m: Milestone, now: DateTime<Utc>) -> Result<(), AppError> {
        let at = self.schedule.instant(m);
        if now < at {
            return Err(AppError::Closed(format!(
                "This is possible once {}, on {} (Geneva time).",
                milestone_clause(m),
                crate::time::geneva_label(at)
            )));
        }
        Ok(())
    }

    /// Refuses from the instant of `m` on ("no longer possible: voting has opened, on …").
    pub fn require_before(&self, m: Milestone, now: DateTime<Utc>) -> Result<(), AppError> {
        let at = self.schedule.instant(m);
        if now >= at {
            return Err(AppError::Closed(format!(
                "This is no longer possible: {}, on {} (Geneva time).",
                milestone_clause(m),
                crate::time::geneva_label(at)
            )));
        }
        Ok(())
    }

    /// Refuses once the results are released: nothing that shaped them changes after.
    pub fn require_unreleased(&self) -> Result<(), AppError> {
        if self.results_public() {
            return Err(AppError::Conflict(format!("The results of the {} edition are released: they can no longer change.", self.year)));
        }
        Ok(())
    }
}

/// A phase as refusals name it.
pub fn phase_name(kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::Submission => "Submission",
        PhaseKind::Screening => "Screening",
        PhaseKind::Voting => "Voting",
        PhaseKind::Review => "The expert review",
    }
}

/// A milestone as a clause ("voting has closed").
pub fn milestone_clause(m: Milestone) -> &'static str {
    match m {
        Milestone::Opens(PhaseKind::Submission) => "submission has opened",
        Milestone::Closes(PhaseKind::Submission) => "submission has closed",
        Milestone::Opens(PhaseKind::Screening) => "screening has opened",
        Milestone::Closes(PhaseKind::Screening) => "screening has closed",
        Milestone::Opens(PhaseKind::Voting) => "voting has opened",
        Milestone::Closes(PhaseKind::Voting) => "voting has closed",
        Milestone::Opens(PhaseKind::Review) => "the expert review has opened",
        Milestone::Closes(PhaseKind::Review) => "the expert review has closed",
        Milestone::Announcement => "the results have been announced",
    }
}

// ---------------------------------------------------------------------------------------
// Changing an edition: which changes are refused, and what the secretariat does next.

/// The proposed schedule with every instant that the form shows unchanged (same Geneva
/// wall-clock minute) kept exactly as stored: the form has minute precision, and an
/// instant in the repeated autumn hour reads back as its first occurrence, so resending an
/// untouched form must not move anything.
pub fn keep_untouched(current: &Schedule, proposed: &Schedule) -> Schedule {
    let shown = crate::time::geneva_input_value;
    let mut kept = proposed.instants().map(|(_, t)| t);
    for (i, (_, old)) in current.instants().into_iter().enumerate() {
        if shown(old) == shown(kept[i]) {
            kept[i] = old;
        }
    }
    let [a, b, c, d, e, f, g, h, i] = kept;
    Schedule {
        submission: Window { opens: a, closes: b },
        screening: Window { opens: c, closes: d },
        voting: Window { opens: e, closes: f },
        review: Window { opens: g, closes: h },
        announcement: i,
    }
}

/// "the closing of the voting phase", for messages.
pub fn milestone_phrase(m: Milestone) -> String {
    match m {
        Milestone::Opens(k) => format!("opening of the {} phase", k.key()),
        Milestone::Closes(k) => format!("closing of the {} phase", k.key()),
        Milestone::Announcement => "announcement".to_string(),
    }
}

/// Why a change to an edition is refused: a rule that already shaped results, or a
/// deadline that already passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChangeRefused {
    #[error("champions per category cannot change any more: the champions were computed with {0} per category")]
    ChampionsComputed(u32),
    #[error("the complete-ballot rule cannot change any more: voting opened on {}", crate::time::geneva_label(*.0))]
    VotingOpened(DateTime<Utc>),
    #[error(
        "the {} ({}) has passed and cannot move unless it is reopened with a reason",
        milestone_phrase(*.milestone),
        crate::time::geneva_label(*.at)
    )]
    DeadlinePassed { milestone: Milestone, at: DateTime<Utc> },
    #[error("reopening a deadline needs a reason, which goes to the audit log")]
    ReasonRequired,
}

/// A change of rules is refused when it would rewrite something that already happened:
/// the number of champions once they are computed, the complete-ballot rule once voting
/// opened (votes already cast were counted under it).
pub fn check_rules_change(
    current: &EditionRules,
    proposed: &EditionRules,
    schedule: &Schedule,
    champions_computed: bool,
    now: DateTime<Utc>,
) -> Result<(), ChangeRefused> {
    if champions_computed && proposed.champions_per_category != current.champions_per_category {
        return Err(ChangeRefused::ChampionsComputed(current.champions_per_category));
    }
    if now >= schedule.voting.opens && proposed.complete_ballot != current.complete_ballot {
        return Err(ChangeRefused::VotingOpened(schedule.voting.opens));
    }
    Ok(())
}

/// A change of schedule may move any instant still in the future. An instant already
/// passed (at or before `now`) moves only on an explicit reopen, `reopen = Some(reason)`,
/// with a non-empty reason. Returns the passed instants that the change moves.
pub fn check_schedule_change(
    current: &Schedule,
    proposed: &Schedule,
    now: DateTime<Utc>,
    reopen: Option<&str>,
) -> Result<Vec<Milestone>, ChangeRefused> {
    if reopen.is_some_and(|r| r.trim().is_empty()) {
        return Err(ChangeRefused::ReasonRequired);
    }
    let mut moved = Vec::new();
    for ((m, old), (_, new)) in current.instants().into_iter().zip(proposed.instants()) {
        if old <= now && new != old {
            if reopen.is_none() {
                return Err(ChangeRefused::DeadlinePassed { milestone: m, at: old });
            }
            moved.push(m);
        }
    }
    Ok(moved)
}

/// A starting schedule for a new edition of `year`, in Geneva time, to be adjusted by the
/// secretariat: deadlines at 23:00, openings at 09:00, the announcement in the evening.
pub fn default_schedule(year: i32) -> Option<Schedule> {
    let at = |md: &str, hm: &str| crate::time::parse_geneva(&format!("{year:04}-{md}T{hm}")).ok();
    let win = |o: &str, c: &str| Some(Window { opens: at(o, "09:00")?, closes: at(c, "23:00")? });
    Some(Schedule {
        submission: win("01-05", "02-20")?,
        screening: win("02-21", "03-01")?,
        voting: win("03-02", "04-10")?,
        review: win("04-12", "04-30")?,
        announcement: at("05-05", "18:00")?,
    })
}

/// What the schedule form posts: nine Geneva wall-clock times (`YYYY-MM-DDTHH:MM`), keyed
/// like [`Milestone::key`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleForm {
    pub submission_opens: String,
    pub submission_closes: String,
    pub screening_opens: String,
    pub screening_closes: String,
    pub voting_opens: String,
    pub voting_closes: String,
    pub review_opens: String,
    pub review_closes: String,
    pub announcement: String,
    /// Instants already passed move only with `reopen` and a reason (kept in the log).
    #[serde(default)]
    pub reopen: bool,
    #[serde(default)]
    pub reason: String,
}

impl ScheduleForm {
    /// Every field parsed as Geneva time; the errors name their fields.
    pub fn parse(&self) -> Result<Schedule, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut field = |name: &str, value: &str| match crate::time::parse_geneva(value) {
            Ok(t) => Some(t),
            Err(e) => {
                let mut m = e.to_string();
                if value.trim().is_empty() {
                    m = "a date and time is required (YYYY-MM-DDTHH:MM)".to_string();
                }
                errors.push((name.to_string(), sentence(&format!("{}: {m}", name.replace('_', " ")))));
                None
            }
        };
        let parsed = [
            field("submission_opens", &self.submission_opens),
            field("submission_closes", &self.submission_closes),
            field("screening_opens", &self.screening_opens),
            field("screening_closes", &self.screening_closes),
            field("voting_opens", &self.voting_opens),
            field("voting_closes", &self.voting_closes),
            field("review_opens", &self.review_opens),
            field("review_closes", &self.review_closes),
            field("announcement", &self.announcement),
        ];
        match parsed {
            [Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(g), Some(h), Some(i)] => Ok(Schedule {
                submission: Window { opens: a, closes: b },
                screening: Window { opens: c, closes: d },
                voting: Window { opens: e, closes: f },
                review: Window { opens: g, closes: h },
                announcement: i,
            }),
            _ => Err(errors),
        }
    }

    /// The form's values for a stored schedule.
    pub fn from_schedule(s: &Schedule) -> Self {
        let v = crate::time::geneva_input_value;
        ScheduleForm {
            submission_opens: v(s.submission.opens),
            submission_closes: v(s.submission.closes),
            screening_opens: v(s.screening.opens),
            screening_closes: v(s.screening.closes),
            voting_opens: v(s.voting.opens),
            voting_closes: v(s.voting.closes),
            review_opens: v(s.review.opens),
            review_closes: v(s.review.closes),
            announcement: v(s.announcement),
            reopen: false,
            reason: String::new(),
        }
    }
}

/// What the rules form posts: numbers as typed, check boxes as booleans (absent = false).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesForm {
    pub champions_per_category: String,
    pub complete_ballot: bool,
    pub submissions_per_entity: String,
    pub max_winners_per_category: String,
    pub experts_see_scores: bool,
    pub publish_vote_counts: bool,
    #[serde(default)]
    pub friction_votes_per_address: String,
    #[serde(default)]
    pub friction_votes_per_network: String,
    #[serde(default)]
    pub friction_sign_ins_per_address: String,
    /// Empty: the default ([`crate::screening::DEFAULT_OPINIONS`]).
    #[serde(default)]
    pub opinions_per_project: String,
    /// Empty: the default ([`crate::broadcast::DEFAULT_REMINDER_HOURS`]); 0 is off.
    #[serde(default)]
    pub remind_drafts_hours: String,
    #[serde(default)]
    pub remind_reviews_hours: String,
}

impl RulesForm {
    /// Parsed and validated rules; the errors name their fields.
    pub fn parse(&self) -> Result<EditionRules, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut number = |name: &str, label: &str, value: &str| match value.trim().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                errors.push((name.to_string(), format!("{label} must be a whole number.")));
                0
            }
        };
        let rules = EditionRules {
            champions_per_category: number("champions_per_category", "Champions per category", &self.champions_per_category),
            complete_ballot: self.complete_ballot,
            submissions_per_entity: number("submissions_per_entity", "Submissions per organisation", &self.submissions_per_entity),
            max_winners_per_category: number("max_winners_per_category", "Winners per category", &self.max_winners_per_category),
            experts_see_scores: self.experts_see_scores,
            publish_vote_counts: self.publish_vote_counts,
            friction_votes_per_address: number("friction_votes_per_address", "Votes per hour from one address", &self.friction_votes_per_address),
            friction_votes_per_network: number("friction_votes_per_network", "Votes per hour from one network", &self.friction_votes_per_network),
            friction_sign_ins_per_address: number("friction_sign_ins_per_address", "Failed sign-ins from one address", &self.friction_sign_ins_per_address),
            opinions_per_project: if self.opinions_per_project.trim().is_empty() {
                default_opinions()
            } else {
                number("opinions_per_project", "Opinions per project", &self.opinions_per_project)
            },
            remind_drafts_hours: if self.remind_drafts_hours.trim().is_empty() {
                default_reminder()
            } else {
                number("remind_drafts_hours", "The reminder of drafts", &self.remind_drafts_hours)
            },
            remind_reviews_hours: if self.remind_reviews_hours.trim().is_empty() {
                default_reminder()
            } else {
                number("remind_reviews_hours", "The reminder of reviews", &self.remind_reviews_hours)
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.validate().map_err(|e| {
            let field = match e {
                RulesError::Champions => "champions_per_category",
                RulesError::Submissions => "submissions_per_entity",
                RulesError::Winners => "max_winners_per_category",
                RulesError::Friction => "friction_votes_per_address",
                RulesError::Opinions => "opinions_per_project",
                RulesError::Reminders => "remind_drafts_hours",
            };
            vec![(field.to_string(), sentence(&e.to_string()))]
        })?;
        Ok(rules)
    }
}

/// "the voting phase …" → "The voting phase ….": messages of the domain's errors are
/// clauses; the pages show sentences.
pub fn sentence(clause: &str) -> String {
    let mut c = clause.chars();
    let mut out = match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The next thing the secretariat has to do, derived from the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextAction {
    /// Before submissions open: check the schedule and the rules.
    PrepareEdition,
    /// Submissions are open: answer submitters, watch the deadline.
    FollowSubmissions,
    /// Submissions closed: screen them into nominees.
    ScreenSubmissions,
    /// Screening closed, voting not open yet: check the ballot.
    CheckBallot,
    /// Voting is open: watch the vote and audit suspicious votes.
    MonitorVoting,
    /// Voting closed and champions not computed yet.
    ComputeChampions,
    /// Champions computed: experts review them.
    FollowReview,
    /// Review closed: release the results.
    ReleaseResults,
    /// Results out: prepare the next edition.
    PrepareNextEdition,
}

impl NextAction {
    pub fn key(self) -> &'static str {
        match self {
            NextAction::PrepareEdition => "prepare_edition",
            NextAction::FollowSubmissions => "follow_submissions",
            NextAction::ScreenSubmissions => "screen_submissions",
            NextAction::CheckBallot => "check_ballot",
            NextAction::MonitorVoting => "monitor_voting",
            NextAction::ComputeChampions => "compute_champions",
            NextAction::FollowReview => "follow_review",
            NextAction::ReleaseResults => "release_results",
            NextAction::PrepareNextEdition => "prepare_next_edition",
        }
    }
}

pub fn next_action(phase: Phase, champions_computed: bool, results_released: bool) -> NextAction {
    use PhaseKind::*;
    match phase {
        Phase::Upcoming => NextAction::PrepareEdition,
        Phase::Open(Submission) => NextAction::FollowSubmissions,
        Phase::Between { after: Submission } | Phase::Open(Screening) => NextAction::ScreenSubmissions,
        Phase::Between { after: Screening } => NextAction::CheckBallot,
        Phase::Open(Voting) => NextAction::MonitorVoting,
        Phase::Between { after: Voting } | Phase::Open(Review) if !champions_computed => NextAction::ComputeChampions,
        Phase::Between { after: Voting } | Phase::Open(Review) => NextAction::FollowReview,
        Phase::Between { after: Review } if !results_released => NextAction::ReleaseResults,
        Phase::Between { after: Review } | Phase::Announced => NextAction::PrepareNextEdition,
    }
}

/// Figures for the secretariat's dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionCounts {
    /// Nominations past the draft stage.
    pub submissions: u64,
    /// Nominations on the ballot (nominee, champion or winner).
    pub nominees: u64,
    pub votes: u64,
    pub reviews: u64,
}

/// One audit-log entry about an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionChange {
    pub at: DateTime<Utc>,
    pub action: crate::audit::AuditAction,
    pub actor: Option<String>,
    /// The reason given for a reopen.
    pub reason: Option<String>,
}

/// An edition as the secretariat's editor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionDetail {
    pub now: DateTime<Utc>,
    pub edition: EditionView,
    pub champions_computed_at: Option<DateTime<Utc>>,
    pub history: Vec<EditionChange>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    use crate::phase::tests::{sample as schedule, t};

    #[test]
    fn edition_champions_fixed_once_computed() {
        let s = schedule();
        let cur = EditionRules::default();
        let more = EditionRules { champions_per_category: 6, ..cur };
        assert_eq!(check_rules_change(&cur, &more, &s, false, t(4, 20)), Ok(()));
        assert_eq!(check_rules_change(&cur, &more, &s, true, t(4, 20)), Err(ChangeRefused::ChampionsComputed(5)));
        // other rules may still change after the champions are computed
        let other = EditionRules { publish_vote_counts: false, ..cur };
        assert_eq!(check_rules_change(&cur, &other, &s, true, t(4, 20)), Ok(()));
    }

    #[test]
    fn edition_complete_ballot_fixed_once_voting_opened() {
        let s = schedule();
        let cur = EditionRules::default();
        let complete = EditionRules { complete_ballot: true, ..cur };
        let before = s.voting.opens - Duration::seconds(1);
        assert_eq!(check_rules_change(&cur, &complete, &s, false, before), Ok(()));
        assert_eq!(check_rules_change(&cur, &complete, &s, false, s.voting.opens), Err(ChangeRefused::VotingOpened(s.voting.opens)));
        assert_eq!(check_rules_change(&cur, &complete, &s, false, t(12, 1)), Err(ChangeRefused::VotingOpened(s.voting.opens)));
        let other = EditionRules { submissions_per_entity: 2, ..cur };
        assert_eq!(check_rules_change(&cur, &other, &s, false, t(12, 1)), Ok(()));
    }

    #[test]
    fn edition_future_instants_move_freely() {
        let s = schedule();
        let mut p = s;
        p.voting.closes = t(4, 11);
        p.announcement = t(5, 6);
        assert_eq!(check_schedule_change(&s, &p, t(3, 15), None), Ok(vec![]));
        assert_eq!(check_schedule_change(&s, &s, t(12, 1), None), Ok(vec![]), "an unchanged schedule is never refused");
    }

    #[test]
    fn edition_passed_deadline_needs_reopen_with_reason() {
        let s = schedule();
        let now = t(4, 11);
        let mut p = s;
        p.voting.closes = t(4, 11) + Duration::hours(2);
        assert_eq!(
            check_schedule_change(&s, &p, now, None),
            Err(ChangeRefused::DeadlinePassed { milestone: Milestone::Closes(PhaseKind::Voting), at: s.voting.closes })
        );
        assert_eq!(check_schedule_change(&s, &p, now, Some("  ")), Err(ChangeRefused::ReasonRequired));
        assert_eq!(
            check_schedule_change(&s, &p, now, Some("Outage on 10 April")),
            Ok(vec![Milestone::Closes(PhaseKind::Voting)])
        );
        // the instant itself counts as passed: at the deadline the window is closed
        assert!(check_schedule_change(&s, &p, s.voting.closes, None).is_err());
        assert_eq!(check_schedule_change(&s, &p, s.voting.closes - Duration::seconds(1), None), Ok(vec![]));
        let msg = sentence(&check_schedule_change(&s, &p, now, None).unwrap_err().to_string());
        assert!(msg.starts_with("The closing of the voting phase (2026-04-11 00:00 CEST) has passed"), "{msg}");
    }

    #[test]
    fn edition_untouched_form_moves_nothing() {
        let mut s = schedule();
        s.voting.closes += Duration::seconds(42);
        // 02:30 CET on 25 October 2026, the second 02:30 of that night
        s.announcement = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
        let resent = ScheduleForm::from_schedule(&s).parse().unwrap();
        assert_ne!(resent, s, "the form alone would move both instants");
        assert_eq!(keep_untouched(&s, &resent), s);
        assert_eq!(check_schedule_change(&s, &keep_untouched(&s, &resent), t(12, 31), None), Ok(vec![]));
        let mut moved = resent;
        moved.voting.closes += Duration::minutes(1);
        assert_eq!(keep_untouched(&s, &moved).voting.closes, moved.voting.closes);
    }

    #[test]
    fn edition_default_schedule_validates() {
        for year in [2026, 2027, 2028, 2100] {
            let s = default_schedule(year).unwrap();
            assert_eq!(s.validate(), Ok(()));
            assert_eq!(crate::time::geneva_local(s.submission.closes), format!("{year}-02-20 23:00"));
        }
    }

    #[test]
    fn edition_schedule_form_round_trip_and_errors() {
        let s = schedule();
        let f = ScheduleForm::from_schedule(&s);
        assert_eq!(f.parse(), Ok(s));
        let bad = ScheduleForm { voting_opens: "tomorrow".into(), announcement: String::new(), ..f };
        let errs = bad.parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["voting_opens", "announcement"]);
    }

    #[test]
    fn edition_rules_form_parses_and_validates() {
        let f = RulesForm {
            champions_per_category: "5".into(),
            complete_ballot: true,
            submissions_per_entity: " 2 ".into(),
            max_winners_per_category: "1".into(),
            experts_see_scores: false,
            publish_vote_counts: true,
            friction_votes_per_address: "200".into(),
            friction_votes_per_network: "2000".into(),
            friction_sign_ins_per_address: "20".into(),
            opinions_per_project: String::new(),
            remind_drafts_hours: String::new(),
            remind_reviews_hours: "0".into(),
        };
        let r = f.parse().unwrap();
        assert!(r.complete_ballot && !r.experts_see_scores);
        assert_eq!(r.submissions_per_entity, 2);
        assert_eq!(r.opinions_per_project, 2, "an empty field keeps the default");
        assert_eq!((r.remind_drafts_hours, r.remind_reviews_hours), (48, 0), "the default, and off");
        let bad = RulesForm { remind_drafts_hours: "721".into(), ..f.clone() };
        assert_eq!(bad.parse().unwrap_err()[0].0, "remind_drafts_hours");
        let three = RulesForm { opinions_per_project: "3".into(), ..f.clone() };
        assert_eq!(three.parse().unwrap().opinions_per_project, 3);
        for bad in ["0", "6", "two"] {
            let form = RulesForm { opinions_per_project: bad.into(), ..f.clone() };
            assert_eq!(form.parse().unwrap_err()[0].0, "opinions_per_project", "{bad}");
        }
        let bad = RulesForm { champions_per_category: "five".into(), ..f.clone() };
        assert_eq!(bad.parse().unwrap_err()[0].0, "champions_per_category");
        let bad = RulesForm { max_winners_per_category: "9".into(), ..f };
        assert_eq!(bad.parse().unwrap_err()[0].0, "max_winners_per_category");
    }

    #[test]
    fn edition_next_action_follows_the_phase() {
        let s = schedule();
        let at = |now| next_action(s.phase_at(now), false, false);
        assert_eq!(at(t(1, 1)), NextAction::PrepareEdition);
        assert_eq!(at(t(1, 10)), NextAction::FollowSubmissions);
        assert_eq!(at(t(2, 25)), NextAction::ScreenSubmissions);
        assert_eq!(at(t(3, 15)), NextAction::MonitorVoting);
        assert_eq!(at(t(4, 11)), NextAction::ComputeChampions);
        assert_eq!(next_action(s.phase_at(t(4, 20)), true, false), NextAction::FollowReview);
        assert_eq!(next_action(s.phase_at(t(5, 1)), true, false), NextAction::ReleaseResults);
        assert_eq!(next_action(s.phase_at(t(5, 1)), true, true), NextAction::PrepareNextEdition);
        assert_eq!(next_action(s.phase_at(t(6, 1)), true, true), NextAction::PrepareNextEdition);
        assert_eq!(next_action(Phase::Between { after: PhaseKind::Screening }, false, false), NextAction::CheckBallot);
    }

    #[test]
    fn default_rules_are_the_recent_editions() {
        let r = EditionRules::default();
        assert_eq!(r.champions_per_category, 5);
        assert!(!r.complete_ballot);
        assert_eq!(r.submissions_per_entity, 1);
        assert_eq!(r.max_winners_per_category, 1);
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn rules_out_of_range_are_refused() {
        let r = EditionRules { champions_per_category: 0, ..Default::default() };
        assert_eq!(r.validate(), Err(RulesError::Champions));
        let r = EditionRules { max_winners_per_category: 6, ..Default::default() };
        assert_eq!(r.validate(), Err(RulesError::Winners));
    }
}
