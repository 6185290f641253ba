//! Working days in mainland China: weekends off, official holidays off, and the make-up working
//! days (调休上班) on. Used for the 5-working-day 公示 of an award.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How many working days an award notice (公示) stays up.
pub const PUBLICITY_WORKING_DAYS: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日（含调休放假）
    Holiday,
    /// 调休上班 (a weekend day worked)
    Workday,
}

impl DayKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(Self::Holiday),
            "workday" => Some(Self::Workday),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut c = Calendar::default();
        for (d, k) in days {
            match k {
                DayKind::Holiday => c.holidays.insert(d),
                DayKind::Workday => c.workdays.insert(d),
            };
        }
        c
    }

    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The end of a notice opened at `opened`: it runs for `days` working days counted from the
    /// day after opening (Beijing dates) and ends at 24:00 Beijing time of the last one.
    pub fn period_end(&self, opened: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let tz = super::time::shanghai();
        let mut d = opened.with_timezone(&tz).date_naive();
        let mut left = days.max(1);
        // At most a few years of holidays lie between: bounded, whatever the calendar says.
        for _ in 0..3660 {
            d += Duration::days(1);
            if self.is_working(d) {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        let next = d + Duration::days(1);
        next.and_hms_opt(0, 0, 0)
            .and_then(|n| n.and_local_timezone(tz).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(opened + Duration::days(i64::from(days) * 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weekends_are_off_make_up_days_are_on_and_holidays_are_off() {
        let c = Calendar::new([
            (day(2026, 10, 1), DayKind::Holiday),
            (day(2026, 10, 10), DayKind::Workday),
        ]);
        assert!(!c.is_working(day(2026, 10, 1)), "a Thursday holiday");
        assert!(c.is_working(day(2026, 10, 10)), "a Saturday worked");
        assert!(!c.is_working(day(2026, 10, 11)), "a Sunday");
        assert!(c.is_working(day(2026, 10, 12)), "a Monday");
    }

    #[test]
    fn five_working_days_skip_weekends_and_holidays() {
        // Opened Thursday 2026-12-03 15:00 Beijing: Fri 4, Mon 7, Tue 8, Wed 9, Thu 10 → ends at
        // 24:00 on the 10th (16:00 UTC).
        let opened = Utc.with_ymd_and_hms(2026, 12, 3, 7, 0, 0).unwrap();
        let plain = Calendar::default();
        assert_eq!(
            plain.period_end(opened, 5),
            Utc.with_ymd_and_hms(2026, 12, 10, 16, 0, 0).unwrap()
        );
        // With Tuesday the 8th a holiday and Saturday the 5th worked: Fri 4, Sat 5, Mon 7,
        // Wed 9, Thu 10.
        let c = Calendar::new([
            (day(2026, 12, 8), DayKind::Holiday),
            (day(2026, 12, 5), DayKind::Workday),
        ]);
        assert_eq!(
            c.period_end(opened, 5),
            Utc.with_ymd_and_hms(2026, 12, 10, 16, 0, 0).unwrap()
        );
        // Over the National Day week: opened Wed 2026-09-30, holidays Oct 1–7, Sat Oct 10 worked:
        // Thu 8, Fri 9, Sat 10, Mon 12, Tue 13.
        let golden = Calendar::new(
            (1..=7)
                .map(|d| (day(2026, 10, d), DayKind::Holiday))
                .chain([(day(2026, 10, 10), DayKind::Workday)]),
        );
        let opened = Utc.with_ymd_and_hms(2026, 9, 30, 2, 0, 0).unwrap();
        assert_eq!(
            golden.period_end(opened, 5),
            Utc.with_ymd_and_hms(2026, 10, 13, 16, 0, 0).unwrap()
        );
    }
}
