//! Instants (epoch milliseconds, UTC) and calendar dates (UTC), via chrono.

use chrono::{DateTime, Datelike, NaiveDate};

pub(crate) const DAY_MS: i64 = 86_400_000;
pub(crate) const HOUR_MS: f64 = 3_600_000.0;
pub(crate) const MINUTE_MS: f64 = 60_000.0;

/// A UTC calendar date as a day number: days since 1970-01-01.
pub type Day = i64;

/// The range of instants the core accepts: what chrono can turn into a calendar date.
pub(crate) fn instant_range() -> (i64, i64) {
    (DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis(), DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis())
}

/// The UTC date an instant falls on.
pub fn day_of(instant_ms: i64) -> Day {
    instant_ms.div_euclid(DAY_MS)
}

/// The first millisecond of a date (00:00:00.000 UTC).
pub(crate) fn start_of_day(day: Day) -> i64 {
    day * DAY_MS
}

/// The last millisecond of a date (23:59:59.999 UTC).
pub(crate) fn end_of_day(day: Day) -> i64 {
    day * DAY_MS + (DAY_MS - 1)
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// `YYYY-MM-DD` for a day number (days of instants the core accepted are always in range).
pub fn format_day(day: Day) -> String {
    epoch()
        .checked_add_signed(chrono::TimeDelta::days(day))
        .map(|d| match d.year() {
            // ISO 8601 writes years outside 0000..=9999 with a sign.
            year @ 0..=9999 => format!("{year:04}-{:02}-{:02}", d.month(), d.day()),
            year => format!(
                "{}{:06}-{:02}-{:02}",
                if year < 0 { '-' } else { '+' },
                year.unsigned_abs(),
                d.month(),
                d.day()
            ),
        })
        .unwrap_or_default()
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, zero-padded month and day, a real date).
pub fn parse_day(text: &str) -> Option<Day> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    Some((date - epoch()).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_round_trip() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2026-11-28"), Some(20_785));
        assert_eq!(format_day(20_785), "2026-11-28");
        assert_eq!(format_day(-1), "1969-12-31");
        assert_eq!(format_day(-719_529), "-000001-12-31");
        assert_eq!(format_day(2_932_897), "+010000-01-01");
        for bad in [
            "2026-02-30",
            "2026-1-05",
            "2026-01-5",
            "26-01-05",
            "2026/01/05",
            " 2026-01-05",
            "",
            "2026-13-01",
            "+026-01-05",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn instants_fall_on_utc_dates() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(DAY_MS - 1), 0);
        assert_eq!(day_of(-1), -1);
        assert_eq!((start_of_day(1), end_of_day(0)), (DAY_MS, DAY_MS - 1));
        let (min, max) = instant_range();
        assert!(min < -8_000_000_000_000_000 && max > 8_000_000_000_000_000);
        assert!(!format_day(day_of(min)).is_empty() && !format_day(day_of(max)).is_empty());
    }
}
