//! Which phase an edition is in, computed from its schedule and a clock.
//!
//! A window is open from its opening instant (inclusive) to its closing instant
//! (exclusive): at 23:00:00 Geneva time on the deadline the form is already closed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A phase with a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhaseKind {
    Submission,
    Screening,
    Voting,
    Review,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 4] = [PhaseKind::Submission, PhaseKind::Screening, PhaseKind::Voting, PhaseKind::Review];

    pub fn key(self) -> &'static str {
        match self {
            PhaseKind::Submission => "submission",
            PhaseKind::Screening => "screening",
            PhaseKind::Voting => "voting",
            PhaseKind::Review => "review",
        }
    }
}

/// Where an edition stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Before the submission phase opens.
    Upcoming,
    /// Inside a phase's window.
    Open(PhaseKind),
    /// After a phase closed and before the next one (or the announcement) starts.
    Between { after: PhaseKind },
    /// At or after the announcement instant.
    Announced,
}

impl Phase {
    pub fn key(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Open(k) => k.key(),
            Phase::Between { .. } => "between",
            Phase::Announced => "announced",
        }
    }

    pub fn is_open(self, kind: PhaseKind) -> bool {
        self == Phase::Open(kind)
    }
}

/// The opening (inclusive) and closing (exclusive) instants of a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

impl Window {
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.opens <= now && now < self.closes
    }
}

/// The dates of one edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub submission: Window,
    pub screening: Window,
    pub voting: Window,
    pub review: Window,
    pub announcement: DateTime<Utc>,
}

/// A named instant of the schedule, used for "next deadline" displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Milestone {
    Opens(PhaseKind),
    Closes(PhaseKind),
    Announcement,
}

impl Milestone {
    pub fn key(self) -> String {
        match self {
            Milestone::Opens(k) => format!("{}_opens", k.key()),
            Milestone::Closes(k) => format!("{}_closes", k.key()),
            Milestone::Announcement => "announcement".to_string(),
        }
    }
}

/// Why a schedule is refused; each variant names the conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ScheduleError {
    #[error("the {0:?} phase must close after it opens")]
    Empty(PhaseKind),
    #[error("the {later:?} phase opens before the {earlier:?} phase closes")]
    Overlap { earlier: PhaseKind, later: PhaseKind },
    #[error("the announcement comes before the review phase closes")]
    AnnouncementBeforeReview,
}

impl Schedule {
    pub fn window(&self, kind: PhaseKind) -> Window {
        match kind {
            PhaseKind::Submission => self.submission,
            PhaseKind::Screening => self.screening,
            PhaseKind::Voting => self.voting,
            PhaseKind::Review => self.review,
        }
    }

    /// Every window non-empty, in pipeline order, without overlap; phases may touch.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        for kind in PhaseKind::ALL {
            let w = self.window(kind);
            if w.closes <= w.opens {
                return Err(ScheduleError::Empty(kind));
            }
        }
        for pair in PhaseKind::ALL.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            if self.window(later).opens < self.window(earlier).closes {
                return Err(ScheduleError::Overlap { earlier, later });
            }
        }
        if self.announcement < self.review.closes {
            return Err(ScheduleError::AnnouncementBeforeReview);
        }
        Ok(())
    }

    /// The phase at `now`. Assumes a validated schedule.
    pub fn phase_at(&self, now: DateTime<Utc>) -> Phase {
        if now >= self.announcement {
            return Phase::Announced;
        }
        if now < self.submission.opens {
            return Phase::Upcoming;
        }
        let mut last_closed = PhaseKind::Submission;
        for kind in PhaseKind::ALL {
            let w = self.window(kind);
            if w.contains(now) {
                return Phase::Open(kind);
            }
            if now >= w.closes {
                last_closed = kind;
            }
        }
        Phase::Between { after: last_closed }
    }

    /// The instant of one milestone.
    pub fn instant(&self, m: Milestone) -> DateTime<Utc> {
        match m {
            Milestone::Opens(k) => self.window(k).opens,
            Milestone::Closes(k) => self.window(k).closes,
            Milestone::Announcement => self.announcement,
        }
    }

    /// The nine instants in pipeline order (not sorted by time, so that two schedules
    /// compare instant by instant).
    pub fn instants(&self) -> [(Milestone, DateTime<Utc>); 9] {
        let w = |k: PhaseKind| self.window(k);
        [
            (Milestone::Opens(PhaseKind::Submission), w(PhaseKind::Submission).opens),
            (Milestone::Closes(PhaseKind::Submission), w(PhaseKind::Submission).closes),
            (Milestone::Opens(PhaseKind::Screening), w(PhaseKind::Screening).opens),
            (Milestone::Closes(PhaseKind::Screening), w(PhaseKind::Screening).closes),
            (Milestone::Opens(PhaseKind::Voting), w(PhaseKind::Voting).opens),
            (Milestone::Closes(PhaseKind::Voting), w(PhaseKind::Voting).closes),
            (Milestone::Opens(PhaseKind::Review), w(PhaseKind::Review).opens),
            (Milestone::Closes(PhaseKind::Review), w(PhaseKind::Review).closes),
            (Milestone::Announcement, self.announcement),
        ]
    }

    /// All instants of the schedule in chronological order.
    pub fn milestones(&self) -> Vec<(Milestone, DateTime<Utc>)> {
        let mut out = self.instants().to_vec();
        out.sort_by_key(|(_, t)| *t);
        out
    }

    /// The first milestone strictly after `now`.
    pub fn next_milestone(&self, now: DateTime<Utc>) -> Option<(Milestone, DateTime<Utc>)> {
        self.milestones().into_iter().find(|(_, t)| *t > now)
    }

    /// The same schedule shifted by a number of whole years (for cloning an edition).
    pub fn shifted_years(&self, years: i32) -> Schedule {
        let shift = |t: DateTime<Utc>| crate::time::add_years_geneva(t, years);
        let win = |w: Window| Window { opens: shift(w.opens), closes: shift(w.closes) };
        Schedule {
            submission: win(self.submission),
            screening: win(self.screening),
            voting: win(self.voting),
            review: win(self.review),
            announcement: shift(self.announcement),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    /// 22:00 UTC on a day of 2026.
    pub(crate) fn t(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 22, 0, 0).unwrap()
    }

    fn schedule() -> Schedule {
        sample()
    }

    /// The schedule of the phase tests (and the edition tests).
    pub(crate) fn sample() -> Schedule {
        Schedule {
            submission: Window { opens: t(1, 5), closes: t(2, 20) },
            screening: Window { opens: t(2, 21), closes: t(3, 1) },
            voting: Window { opens: t(3, 1), closes: t(4, 10) },
            review: Window { opens: t(4, 12), closes: t(4, 30) },
            announcement: t(5, 5),
        }
    }

    const S: Duration = Duration::seconds(1);

    #[test]
    fn valid_schedule_validates() {
        assert_eq!(schedule().validate(), Ok(()));
    }

    #[test]
    fn every_boundary() {
        let s = schedule();
        assert_eq!(s.phase_at(t(1, 5) - S), Phase::Upcoming);
        assert_eq!(s.phase_at(t(1, 5)), Phase::Open(PhaseKind::Submission));
        assert_eq!(s.phase_at(t(2, 20) - S), Phase::Open(PhaseKind::Submission));
        assert_eq!(s.phase_at(t(2, 20)), Phase::Between { after: PhaseKind::Submission });
        assert_eq!(s.phase_at(t(2, 21) - S), Phase::Between { after: PhaseKind::Submission });
        assert_eq!(s.phase_at(t(2, 21)), Phase::Open(PhaseKind::Screening));
        assert_eq!(s.phase_at(t(3, 1) - S), Phase::Open(PhaseKind::Screening));
        // screening closes exactly when voting opens: no gap
        assert_eq!(s.phase_at(t(3, 1)), Phase::Open(PhaseKind::Voting));
        assert_eq!(s.phase_at(t(4, 10) - S), Phase::Open(PhaseKind::Voting));
        assert_eq!(s.phase_at(t(4, 10)), Phase::Between { after: PhaseKind::Voting });
        assert_eq!(s.phase_at(t(4, 12)), Phase::Open(PhaseKind::Review));
        assert_eq!(s.phase_at(t(4, 30) - S), Phase::Open(PhaseKind::Review));
        assert_eq!(s.phase_at(t(4, 30)), Phase::Between { after: PhaseKind::Review });
        assert_eq!(s.phase_at(t(5, 5) - S), Phase::Between { after: PhaseKind::Review });
        assert_eq!(s.phase_at(t(5, 5)), Phase::Announced);
        assert_eq!(s.phase_at(t(12, 31)), Phase::Announced);
    }

    #[test]
    fn refuses_empty_overlapping_and_out_of_order() {
        let mut s = schedule();
        s.voting.closes = s.voting.opens;
        assert_eq!(s.validate(), Err(ScheduleError::Empty(PhaseKind::Voting)));

        let mut s = schedule();
        s.voting.opens = t(2, 28);
        assert_eq!(
            s.validate(),
            Err(ScheduleError::Overlap { earlier: PhaseKind::Screening, later: PhaseKind::Voting })
        );

        let mut s = schedule();
        s.announcement = t(4, 29);
        assert_eq!(s.validate(), Err(ScheduleError::AnnouncementBeforeReview));

        let mut s = schedule();
        s.submission = Window { opens: t(6, 1), closes: t(6, 2) };
        assert!(matches!(s.validate(), Err(ScheduleError::Overlap { earlier: PhaseKind::Submission, .. })));
    }

    #[test]
    fn next_milestone_is_strictly_after_now() {
        let s = schedule();
        assert_eq!(s.next_milestone(t(1, 1)), Some((Milestone::Opens(PhaseKind::Submission), t(1, 5))));
        assert_eq!(s.next_milestone(t(1, 5)), Some((Milestone::Closes(PhaseKind::Submission), t(2, 20))));
        assert_eq!(s.next_milestone(t(4, 30)), Some((Milestone::Announcement, t(5, 5))));
        assert_eq!(s.next_milestone(t(5, 5)), None);
    }

    #[test]
    fn shifting_by_a_year_keeps_geneva_wall_clock() {
        let s = schedule();
        let n = s.shifted_years(1);
        assert_eq!(n.validate(), Ok(()));
        assert_eq!(crate::time::geneva_local(n.voting.opens), {
            let mut v = crate::time::geneva_local(s.voting.opens);
            v.replace_range(0..4, "2027");
            v
        });
    }
}
