//! Instants are stored in UTC and shown in Geneva time (Europe/Zurich), where ITU states
//! its deadlines.

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Zurich;

/// The time zone in which deadlines are stated.
pub const GENEVA_TZ: &str = "Europe/Zurich";

/// `2026-03-31 23:00` in Geneva wall-clock time.
pub fn geneva_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Zurich).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-03-31 23:00 CEST` — Geneva time with its abbreviation.
pub fn geneva_label(t: DateTime<Utc>) -> String {
    t.with_timezone(&Zurich).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// `2026-03-31 21:00 UTC`.
pub fn utc_label(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Value for an `<input type="datetime-local">` showing Geneva time.
pub fn geneva_input_value(t: DateTime<Utc>) -> String {
    t.with_timezone(&Zurich).format("%Y-%m-%dT%H:%M").to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeInputError {
    #[error("“{0}” is not a date and time (expected YYYY-MM-DDTHH:MM)")]
    Malformed(String),
    #[error("{0} does not exist in Geneva (the clocks jump forward then)")]
    Skipped(String),
}

/// Parses a Geneva wall-clock time (`2026-03-31T23:00`, seconds optional) into UTC.
/// An ambiguous autumn hour resolves to its first occurrence.
pub fn parse_geneva(input: &str) -> Result<DateTime<Utc>, TimeInputError> {
    let s = input.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| TimeInputError::Malformed(s.to_string()))?;
    match Zurich.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Ok(a.with_timezone(&Utc)),
        LocalResult::None => Err(TimeInputError::Skipped(s.to_string())),
    }
}

/// Shifts an instant by whole years keeping its Geneva wall-clock time
/// (29 February becomes 28 February).
pub fn add_years_geneva(t: DateTime<Utc>, years: i32) -> DateTime<Utc> {
    let local = t.with_timezone(&Zurich).naive_local();
    let target_year = local.year() + years;
    let shifted = local
        .with_year(target_year)
        .or_else(|| local.with_day(28).and_then(|d| d.with_year(target_year)))
        .unwrap_or(local);
    match Zurich.from_local_datetime(&shifted) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.with_timezone(&Utc),
        LocalResult::None => Zurich
            .from_local_datetime(&(shifted + chrono::Duration::hours(1)))
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .unwrap_or(t),
    }
}

/// Whole days, hours, minutes and seconds from `now` until `then` (zero if past).
pub fn countdown(now: DateTime<Utc>, then: DateTime<Utc>) -> (i64, i64, i64, i64) {
    let secs = (then - now).num_seconds().max(0);
    (secs / 86_400, (secs % 86_400) / 3_600, (secs % 3_600) / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geneva_deadline_in_summer_and_winter() {
        // 23:00 CEST = 21:00 UTC; 23:00 CET = 22:00 UTC
        let summer = parse_geneva("2026-04-10T23:00").unwrap();
        assert_eq!(utc_label(summer), "2026-04-10 21:00 UTC");
        assert_eq!(geneva_label(summer), "2026-04-10 23:00 CEST");
        let winter = parse_geneva("2026-02-20T23:00").unwrap();
        assert_eq!(utc_label(winter), "2026-02-20 22:00 UTC");
        assert_eq!(geneva_input_value(winter), "2026-02-20T23:00");
    }

    #[test]
    fn refuses_malformed_and_skipped_times() {
        assert!(matches!(parse_geneva("31/03/2026"), Err(TimeInputError::Malformed(_))));
        assert!(matches!(parse_geneva("2026-03-29T02:30"), Err(TimeInputError::Skipped(_))));
    }

    #[test]
    fn countdown_parts() {
        let now = parse_geneva("2026-01-01T00:00").unwrap();
        let then = now + chrono::Duration::seconds(90_061);
        assert_eq!(countdown(now, then), (1, 1, 1, 1));
        assert_eq!(countdown(then, now), (0, 0, 0, 0));
    }

    #[test]
    fn leap_day_shift() {
        let t = parse_geneva("2028-02-29T12:00").unwrap();
        assert_eq!(geneva_local(add_years_geneva(t, 1)), "2029-02-28 12:00");
    }
}
