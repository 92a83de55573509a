//! Dates and numbers as each of the six UN languages writes them.
//!
//! The tables follow the Unicode CLDR conventions for `ar`, `en`, `es`, `fr`, `ru` and
//! `zh`, with one deliberate choice: Arabic pages use Western digits (0–9), as the UN's
//! and ITU's Arabic sites do. An unknown language code formats as English.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use chrono_tz::Europe::Zurich;

const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MONTHS_FR: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const MONTHS_ES: [&str; 12] =
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];
// Russian dates use the genitive: "31 марта".
const MONTHS_RU: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
const MONTHS_AR: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

/// `31 March 2026, 23:00` and its equivalents, with the zone's name after it.
fn date_time(t: NaiveDateTime, zone: &str, lang: &str) -> String {
    let (d, m, y) = (t.day(), t.month0() as usize, t.year());
    let hm = format!("{:02}:{:02}", t.hour(), t.minute());
    match lang {
        "fr" => format!("{d} {} {y} à {hm} {zone}", MONTHS_FR[m]),
        "es" => format!("{d} de {} de {y}, {hm} {zone}", MONTHS_ES[m]),
        "ru" => format!("{d} {} {y} г., {hm} {zone}", MONTHS_RU[m]),
        "zh" => format!("{y}年{}月{d}日 {hm} {zone}", m + 1),
        "ar" => format!("{d} {} {y}، {hm} {zone}", MONTHS_AR[m]),
        _ => format!("{d} {} {y}, {hm} {zone}", MONTHS_EN[m]),
    }
}

/// An instant in Geneva time, written for `lang`: `31 March 2026, 23:00 CEST`.
pub fn geneva(t: DateTime<Utc>, lang: &str) -> String {
    let local = t.with_timezone(&Zurich);
    let zone = local.format("%Z").to_string();
    date_time(local.naive_local(), &zone, lang)
}

/// A wall-clock time already in `zone` (`CET`, `CEST`, `UTC`), written for `lang`.
pub fn naive(t: NaiveDateTime, zone: &str, lang: &str) -> String {
    date_time(t, zone, lang)
}

/// An instant in UTC, written for `lang`: `31 March 2026, 21:00 UTC`.
pub fn utc(t: DateTime<Utc>, lang: &str) -> String {
    date_time(t.naive_utc(), "UTC", lang)
}

/// (group separator, decimal separator, smallest number of digits that is grouped).
fn separators(lang: &str) -> (&'static str, &'static str, usize) {
    match lang {
        // narrow no-break space
        "fr" => ("\u{202f}", ",", 4),
        // no-break space
        "ru" => ("\u{a0}", ",", 4),
        // Spanish groups only from five digits: 1234 but 12.345
        "es" => (".", ",", 5),
        _ => (",", ".", 4),
    }
}

/// A whole number with the language's digit grouping: `1,234,567`, `1 234 567`, `1.234.567`.
pub fn count(n: u64, lang: &str) -> String {
    let digits = n.to_string();
    let (group, _, min) = separators(lang);
    if digits.len() < min {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * group.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(c);
    }
    out
}

/// A number with `decimals` digits after the language's decimal separator: `72.5`, `72,5`.
pub fn decimal(x: f64, decimals: usize, lang: &str) -> String {
    let (_, point, _) = separators(lang);
    let fixed = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    let whole = count(whole.parse().unwrap_or(0), lang);
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{point}{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    const LANGS: [&str; 6] = ["ar", "en", "es", "fr", "ru", "zh"];

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn dates_in_each_language() {
        // 21:00 UTC on 31 March is 23:00 in Geneva (summer time)
        let t = at(2026, 3, 31, 21, 0);
        assert_eq!(geneva(t, "en"), "31 March 2026, 23:00 CEST");
        assert_eq!(geneva(t, "fr"), "31 mars 2026 à 23:00 CEST");
        assert_eq!(geneva(t, "es"), "31 de marzo de 2026, 23:00 CEST");
        assert_eq!(geneva(t, "ru"), "31 марта 2026 г., 23:00 CEST");
        assert_eq!(geneva(t, "zh"), "2026年3月31日 23:00 CEST");
        assert_eq!(geneva(t, "ar"), "31 مارس 2026، 23:00 CEST");
        assert_eq!(utc(t, "en"), "31 March 2026, 21:00 UTC");
        // winter time, and an instant whose Geneva date is the next day
        assert_eq!(geneva(at(2026, 12, 31, 23, 30), "en"), "1 January 2027, 00:30 CET");
        assert_eq!(geneva(t, "xx"), geneva(t, "en"), "unknown languages read as English");
    }

    #[test]
    fn numbers_in_each_language() {
        assert_eq!(count(2_000_000, "en"), "2,000,000");
        assert_eq!(count(2_000_000, "zh"), "2,000,000");
        assert_eq!(count(2_000_000, "ar"), "2,000,000");
        assert_eq!(count(2_000_000, "fr"), "2\u{202f}000\u{202f}000");
        assert_eq!(count(2_000_000, "ru"), "2\u{a0}000\u{a0}000");
        assert_eq!(count(2_000_000, "es"), "2.000.000");
        assert_eq!(count(1234, "es"), "1234", "Spanish does not group four digits");
        assert_eq!(count(1234, "en"), "1,234");
        assert_eq!(count(999, "fr"), "999");
        assert_eq!(count(0, "en"), "0");
        assert_eq!(decimal(72.46, 1, "en"), "72.5");
        assert_eq!(decimal(72.46, 1, "fr"), "72,5");
        assert_eq!(decimal(12345.5, 2, "es"), "12.345,50");
        assert_eq!(decimal(-0.01, 1, "en"), "0.0", "no negative zero");
        assert_eq!(decimal(-1.26, 1, "ru"), "-1,3");
        assert_eq!(decimal(3.0, 0, "en"), "3");
    }

    proptest! {
        #[test]
        fn grouping_only_adds_separators(n in any::<u64>(), l in 0usize..6) {
            let lang = LANGS[l];
            let s = count(n, lang);
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert_eq!(digits.parse::<u64>().unwrap(), n);
            // every group after the first has exactly three digits
            let (group, _, _) = separators(lang);
            let parts: Vec<&str> = s.split(group).collect();
            prop_assert!(parts[0].len() <= 3 || parts.len() == 1);
            prop_assert!(parts[1..].iter().all(|p| p.len() == 3));
        }

        #[test]
        fn every_instant_has_a_label_with_its_year(secs in 0i64..4_102_444_800, l in 0usize..6) {
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let label = utc(t, LANGS[l]);
            prop_assert!(label.contains(&t.year().to_string()));
            prop_assert!(label.ends_with("UTC"));
        }
    }
}
