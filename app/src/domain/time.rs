//! Time handling for deadlines and display.
//!
//! Instants are stored in UTC; everything users see or type is China
//! Standard Time. A fixed UTC+8 offset is correct because China has not
//! observed daylight saving time since 1991, and it avoids shipping a
//! timezone database to the browser.

use chrono::{DateTime, FixedOffset, Months, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// How far ahead a deadline may be set, in years.
pub const MAX_DEADLINE_YEARS: u32 = 5;

// Evaluated at compile time, so an invalid offset fails the build instead
// of panicking at run time.
const SHANGHAI_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// China Standard Time (UTC+8), used for all user-facing dates.
pub fn shanghai() -> FixedOffset {
    SHANGHAI_OFFSET
}

/// "2026-11-28 14:30" in Shanghai time.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "2026-11-28" in Shanghai time.
pub fn format_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai()).format("%Y-%m-%d").to_string()
}

/// Why a deadline date was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum DeadlineError {
    /// Not a real date in `YYYY-MM-DD` form.
    #[error("Enter a valid date in YYYY-MM-DD format")]
    Invalid,
    /// The deadline has already passed.
    #[error("The deadline cannot be in the past")]
    InPast,
    /// The deadline is more than five years away.
    #[error("The deadline cannot be more than 5 years from today")]
    TooFar,
}

impl DeadlineError {
    /// User-facing Chinese message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Invalid => "请输入有效日期，格式为 YYYY-MM-DD".to_string(),
            Self::InPast => "截止日期不能早于今天".to_string(),
            Self::TooFar => "截止日期不能晚于 5 年后".to_string(),
        }
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Parses exactly `YYYY-MM-DD`; chrono's `%Y-%m-%d` is laxer (signs,
/// single-digit months) than what a date picker ever sends.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let bytes = s.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    let year = s.get(0..4)?.parse().ok()?;
    let month = s.get(5..7)?.parse().ok()?;
    let day = s.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Parses a Beijing-time instant as a `datetime-local` input sends it (`YYYY-MM-DDTHH:MM`,
/// optionally with `:SS`; a space instead of `T` is accepted).
pub fn parse_local_datetime(input: &str) -> Option<DateTime<Utc>> {
    let s = input.trim();
    let (date, time) = s.split_once(['T', ' '])?;
    let date = parse_iso_date(date)?;
    let parts: Vec<&str> = time.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    date.and_hms_opt(num(0), num(1), num(2))?
        .and_local_timezone(shanghai())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The value a `datetime-local` input shows for `at`, in Beijing time.
pub fn format_local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Parses a deadline date typed by a user.
///
/// "YYYY-MM-DD" means the end of that day in Shanghai (23:59:59 CST =
/// 15:59:59 UTC), because "deadline 11-28" is universally read as "still
/// open on the 28th". Rejects dates whose end has passed and dates more
/// than [`MAX_DEADLINE_YEARS`] after today's Shanghai date.
pub fn parse_deadline_date(
    input: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DeadlineError> {
    let date = parse_iso_date(input.trim()).ok_or(DeadlineError::Invalid)?;
    let deadline = date
        .and_hms_opt(23, 59, 59)
        .and_then(|naive| naive.and_local_timezone(shanghai()).single())
        .ok_or(DeadlineError::Invalid)?
        .with_timezone(&Utc);
    if deadline <= now {
        return Err(DeadlineError::InPast);
    }
    let today = now.with_timezone(&shanghai()).date_naive();
    // Compare calendar dates so the last allowed day is the same date five
    // years on, regardless of the time of day the form is submitted.
    let within_limit = today
        .checked_add_months(Months::new(MAX_DEADLINE_YEARS * 12))
        .is_some_and(|last| date <= last);
    if !within_limit {
        return Err(DeadlineError::TooFar);
    }
    Ok(deadline)
}

/// Whole days, hours and minutes left, or `None` once closed.
fn remaining_parts(deadline: DateTime<Utc>, now: DateTime<Utc>) -> Option<(i64, i64, i64)> {
    let left: TimeDelta = deadline.signed_duration_since(now);
    if left <= TimeDelta::zero() {
        return None;
    }
    Some((
        left.num_days(),
        left.num_hours() % 24,
        left.num_minutes() % 60,
    ))
}

/// Time left in Chinese, e.g. "剩余 3 天 4 小时", or "已截止" once passed.
///
/// Rounds down, so the display never promises more time than remains.
pub fn remaining_zh(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match remaining_parts(deadline, now) {
        None => "已截止".to_string(),
        Some((0, 0, 0)) => "剩余不到 1 分钟".to_string(),
        Some((0, 0, minutes)) => format!("剩余 {minutes} 分钟"),
        Some((0, hours, _)) => format!("剩余 {hours} 小时"),
        Some((days, 0, _)) => format!("剩余 {days} 天"),
        Some((days, hours, _)) => format!("剩余 {days} 天 {hours} 小时"),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Time left in English, e.g. "3 days 4 hours left", or "Closed".
pub fn remaining_en(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match remaining_parts(deadline, now) {
        None => "Closed".to_string(),
        Some((0, 0, 0)) => "Less than a minute left".to_string(),
        Some((0, 0, minutes)) => format!("{} left", plural(minutes, "minute")),
        Some((0, hours, _)) => format!("{} left", plural(hours, "hour")),
        Some((days, 0, _)) => format!("{} left", plural(days, "day")),
        Some((days, hours, _)) => {
            format!("{} {} left", plural(days, "day"), plural(hours, "hour"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("valid test timestamp")
    }

    /// A Shanghai wall-clock time as a UTC instant.
    fn cst(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        shanghai()
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("valid test timestamp")
            .with_timezone(&Utc)
    }

    #[test]
    fn offset_is_utc_plus_8() {
        assert_eq!(shanghai().local_minus_utc(), 8 * 3600);
    }

    #[test]
    fn formats_in_shanghai_time() {
        let at = utc(2026, 11, 28, 6, 30, 59);
        assert_eq!(format_datetime(at), "2026-11-28 14:30");
        assert_eq!(format_date(at), "2026-11-28");
        // 16:00 UTC is already the next day in Shanghai.
        let late = utc(2026, 11, 28, 16, 0, 0);
        assert_eq!(format_datetime(late), "2026-11-29 00:00");
        assert_eq!(format_date(late), "2026-11-29");
        assert_eq!(format_date(utc(2026, 12, 31, 15, 59, 59)), "2026-12-31");
        assert_eq!(format_date(utc(2026, 12, 31, 16, 0, 0)), "2027-01-01");
    }

    #[test]
    fn deadline_is_end_of_day_in_shanghai() {
        let now = cst(2026, 11, 1, 9, 0, 0);
        let deadline = parse_deadline_date("2026-11-28", now).expect("future date");
        assert_eq!(deadline, utc(2026, 11, 28, 15, 59, 59));
        assert_eq!(format_datetime(deadline), "2026-11-28 23:59");
        assert_eq!(parse_deadline_date(" 2026-11-28 ", now), Ok(deadline));
    }

    #[test]
    fn deadline_day_boundary() {
        // 23:00 Shanghai on the 28th is 15:00 UTC on the same day.
        let now = cst(2026, 11, 28, 23, 0, 0);
        assert!(parse_deadline_date("2026-11-28", now).is_ok());
        assert_eq!(
            parse_deadline_date("2026-11-27", now),
            Err(DeadlineError::InPast)
        );
        // Just after midnight Shanghai the previous day is closed even
        // though it is still the 28th in UTC.
        let after_midnight = cst(2026, 11, 29, 0, 0, 1);
        assert_eq!(after_midnight, utc(2026, 11, 28, 16, 0, 1));
        assert_eq!(
            parse_deadline_date("2026-11-28", after_midnight),
            Err(DeadlineError::InPast)
        );
        // At the very last second the deadline is no longer after now.
        assert_eq!(
            parse_deadline_date("2026-11-28", cst(2026, 11, 28, 23, 59, 59)),
            Err(DeadlineError::InPast)
        );
    }

    #[test]
    fn deadline_rejects_invalid() {
        let now = cst(2026, 1, 1, 12, 0, 0);
        for bad in [
            "",
            "2026/11/28",
            "2026-2-3",
            "26-11-28",
            "2026-13-01",
            "2026-02-30",
            "2026-11-28T00:00",
            "+2026-11-28",
            "２０２６-１１-２８",
            "tomorrow",
        ] {
            assert_eq!(
                parse_deadline_date(bad, now),
                Err(DeadlineError::Invalid),
                "{bad}"
            );
        }
        assert!(parse_deadline_date("2028-02-29", now).is_ok());
    }

    #[test]
    fn deadline_rejects_too_far() {
        let now = cst(2026, 3, 15, 10, 0, 0);
        assert!(parse_deadline_date("2031-03-15", now).is_ok());
        assert_eq!(
            parse_deadline_date("2031-03-16", now),
            Err(DeadlineError::TooFar)
        );
        assert_eq!(
            parse_deadline_date("9999-12-31", now),
            Err(DeadlineError::TooFar)
        );
    }

    #[test]
    fn remaining_texts() {
        let now = cst(2026, 11, 1, 10, 0, 0);
        let deadline = now + TimeDelta::days(3) + TimeDelta::hours(4) + TimeDelta::minutes(30);
        assert_eq!(remaining_zh(deadline, now), "剩余 3 天 4 小时");
        assert_eq!(remaining_en(deadline, now), "3 days 4 hours left");

        let one_one = now + TimeDelta::days(1) + TimeDelta::hours(1);
        assert_eq!(remaining_en(one_one, now), "1 day 1 hour left");
        assert_eq!(remaining_zh(one_one, now), "剩余 1 天 1 小时");

        let two_days = now + TimeDelta::days(2) + TimeDelta::minutes(5);
        assert_eq!(remaining_zh(two_days, now), "剩余 2 天");
        assert_eq!(remaining_en(two_days, now), "2 days left");

        let hours = now + TimeDelta::hours(5) + TimeDelta::minutes(59);
        assert_eq!(remaining_zh(hours, now), "剩余 5 小时");
        assert_eq!(remaining_en(hours, now), "5 hours left");

        let minutes = now + TimeDelta::minutes(42);
        assert_eq!(remaining_zh(minutes, now), "剩余 42 分钟");
        assert_eq!(remaining_en(minutes, now), "42 minutes left");

        let seconds = now + TimeDelta::seconds(30);
        assert_eq!(remaining_zh(seconds, now), "剩余不到 1 分钟");
        assert_eq!(remaining_en(seconds, now), "Less than a minute left");

        assert_eq!(remaining_zh(now, now), "已截止");
        assert_eq!(remaining_en(now, now), "Closed");
        let past = now - TimeDelta::days(1);
        assert_eq!(remaining_zh(past, now), "已截止");
        assert_eq!(remaining_en(past, now), "Closed");
    }

    #[test]
    fn remaining_with_parsed_deadline() {
        let now = cst(2026, 11, 25, 19, 59, 59);
        let deadline = parse_deadline_date("2026-11-28", now).expect("future date");
        assert_eq!(remaining_zh(deadline, now), "剩余 3 天 4 小时");
    }

    #[test]
    fn messages_in_both_languages() {
        for err in [
            DeadlineError::Invalid,
            DeadlineError::InPast,
            DeadlineError::TooFar,
        ] {
            assert!(!err.message_zh().is_empty());
            assert!(!err.message_en().is_empty());
        }
    }
}
