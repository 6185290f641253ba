//! The plan's targets (监测指标): their values, how a current value compares with the target,
//! the status colour officials read, and the periods a unit reports for. Values are decimals
//! kept exactly as integers in ten-thousandths (1.94% is 19_400), never floats.
use super::stats::plan_start;
use super::text::fullwidth_to_ascii;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Ten-thousandths: the finest a reported value is kept to.
pub const SCALE: i64 = 10_000;

/// Why a reported value or period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TargetError {
    NotANumber,
    TooPrecise,
    OutOfRange,
    BadPeriod,
    FuturePeriod,
    BeforePlan,
}

impl TargetError {
    pub fn message_zh(self) -> &'static str {
        match self {
            Self::NotANumber => "请填写数值（如 1.94 或 1,800）",
            Self::TooPrecise => "最多保留 4 位小数",
            Self::OutOfRange => "数值超出范围（0 至 1 万亿）",
            Self::BadPeriod => "报告期格式应为 2026、2026-H1 或 2026-Q3",
            Self::FuturePeriod => "报告期尚未开始",
            Self::BeforePlan => "报告期不能早于 2021 年",
        }
    }
    pub fn message_en(self) -> &'static str {
        match self {
            Self::NotANumber => "Enter a number (e.g. 1.94 or 1,800)",
            Self::TooPrecise => "At most 4 decimal places",
            Self::OutOfRange => "The value is out of range (0 to one trillion)",
            Self::BadPeriod => "Write the period as 2026, 2026-H1 or 2026-Q3",
            Self::FuturePeriod => "The period has not begun",
            Self::BeforePlan => "The period cannot be before 2021",
        }
    }
}

impl crate::error::Bilingual for TargetError {
    fn message_zh(&self) -> String {
        TargetError::message_zh(*self).to_string()
    }
    fn message_en(&self) -> String {
        TargetError::message_en(*self).to_string()
    }
}

/// Reads a value as units write it: `1.94`, `1,800`, full-width digits, a trailing `%` or unit
/// word ignored only when it is the target's own unit (the caller strips it).
pub fn parse_value(input: &str) -> Result<i64, TargetError> {
    let t = fullwidth_to_ascii(input);
    let t = t.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Err(TargetError::NotANumber);
    }
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(TargetError::NotANumber);
    }
    if frac.len() > 4 {
        return Err(TargetError::TooPrecise);
    }
    if neg || int.len() > 13 {
        return Err(TargetError::OutOfRange);
    }
    let whole: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| TargetError::OutOfRange)?
    };
    let mut f = frac.to_string();
    while f.len() < 4 {
        f.push('0');
    }
    let part: i64 = f.parse().unwrap_or(0);
    let v = whole
        .checked_mul(SCALE)
        .and_then(|x| x.checked_add(part))
        .ok_or(TargetError::OutOfRange)?;
    if v > 1_000_000_000_000 * SCALE {
        return Err(TargetError::OutOfRange);
    }
    Ok(v)
}

/// A value for display: no trailing zeros (`19400` → `1.94`, `18000000` → `1800`).
pub fn format_value(v: i64) -> String {
    let (w, f) = (v / SCALE, (v % SCALE).abs());
    if f == 0 {
        return w.to_string();
    }
    let s = format!("{f:04}");
    format!("{w}.{}", s.trim_end_matches('0'))
}

/// How the current value must stand against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Comparator {
    AtLeast,
    Above,
    Exactly,
}

impl Comparator {
    pub fn parse(s: &str) -> Option<Comparator> {
        match s.trim() {
            ">=" | "≥" => Some(Comparator::AtLeast),
            ">" => Some(Comparator::Above),
            "=" => Some(Comparator::Exactly),
            _ => None,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::Exactly => "",
        }
    }
    pub fn met(self, current: i64, target: i64) -> bool {
        match self {
            Comparator::AtLeast | Comparator::Exactly => current >= target,
            Comparator::Above => current > target,
        }
    }
}

/// Where a target stands, as a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Reached,
    OnTrack,
    AtRisk,
    Behind,
    Missed,
    NoData,
}

super::contract::coded!(TargetStatus {
    Reached => "reached", "已完成", "Reached";
    OnTrack => "on_track", "进度正常", "On track";
    AtRisk => "at_risk", "存在风险", "At risk";
    Behind => "behind", "进度滞后", "Behind";
    Missed => "missed", "逾期未完成", "Missed";
    NoData => "no_data", "待填报", "Not reported";
});

impl TargetStatus {
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::Reached | Self::OnTrack => "tag tag-green",
            Self::AtRisk => "tag tag-gold",
            Self::Behind | Self::Missed => "tag tag-red",
            Self::NoData => "tag tag-grey",
        }
    }
}

/// The last day a target of this period counts to: the plan's end (2023-12-31) for
/// `by_2023` and `cumulative`; the end of the current year for `annual`.
pub fn deadline(period: &str, today: NaiveDate) -> NaiveDate {
    match period {
        "annual" => NaiveDate::from_ymd_opt(today.year(), 12, 31).expect("date"),
        _ => super::stats::plan_end(),
    }
}

/// Hundredths of a percent of the target reached (not capped; 0 when the target is 0).
pub fn progress_bp(current: i64, target: i64) -> i64 {
    if target <= 0 {
        return 0;
    }
    (current as i128 * 10_000 / target as i128).clamp(0, i64::MAX as i128) as i64
}

/// The status of a target given its current value (if any) on `today`: reached when the
/// comparator holds; missed when its deadline has passed; otherwise measured against the
/// share of its period already gone (at least 80% of it: at risk; less: behind).
pub fn status(
    current: Option<i64>,
    target: i64,
    cmp: Comparator,
    period: &str,
    today: NaiveDate,
) -> TargetStatus {
    let Some(c) = current else {
        return TargetStatus::NoData;
    };
    if cmp.met(c, target) {
        return TargetStatus::Reached;
    }
    let end = deadline(period, today);
    if today > end {
        return TargetStatus::Missed;
    }
    let start = if period == "annual" {
        NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("date")
    } else {
        plan_start()
    };
    let span = (end - start).num_days().max(1) as i128;
    let gone = (today - start).num_days().clamp(0, span as i64) as i128;
    // progress / time gone, in basis points of "on schedule".
    let done = progress_bp(c, target) as i128;
    let schedule = gone * 10_000 / span;
    if done >= schedule {
        TargetStatus::OnTrack
    } else if done * 10 >= schedule * 8 {
        TargetStatus::AtRisk
    } else {
        TargetStatus::Behind
    }
}

/// A reporting period: a year, a half or a quarter. Returns its canonical form and first day.
pub fn parse_period(input: &str, today: NaiveDate) -> Result<(String, NaiveDate), TargetError> {
    let t = fullwidth_to_ascii(input).trim().to_ascii_uppercase();
    let (year, part) = t.split_once('-').unwrap_or((&t, ""));
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TargetError::BadPeriod);
    }
    let y: i32 = year.parse().map_err(|_| TargetError::BadPeriod)?;
    let month = match part {
        "" => 1,
        "H1" | "Q1" => 1,
        "Q2" => 4,
        "H2" | "Q3" => 7,
        "Q4" => 10,
        _ => return Err(TargetError::BadPeriod),
    };
    let first = NaiveDate::from_ymd_opt(y, month, 1).ok_or(TargetError::BadPeriod)?;
    if y < 2021 {
        return Err(TargetError::BeforePlan);
    }
    if first > today {
        return Err(TargetError::FuturePeriod);
    }
    let canonical = if part.is_empty() {
        year.to_string()
    } else {
        format!("{year}-{part}")
    };
    Ok((canonical, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn values_parse_exactly_and_print_back() {
        assert_eq!(parse_value("1.94"), Ok(19_400));
        assert_eq!(parse_value("1,800"), Ok(18_000_000));
        assert_eq!(parse_value("１８００"), Ok(18_000_000));
        assert_eq!(parse_value(".5"), Ok(5_000));
        assert_eq!(parse_value("0"), Ok(0));
        assert_eq!(parse_value("1.23456"), Err(TargetError::TooPrecise));
        assert_eq!(parse_value("-3"), Err(TargetError::OutOfRange));
        assert_eq!(parse_value("99999999999999"), Err(TargetError::OutOfRange));
        for bad in ["", "abc", "1.2.3", "1e5", "."] {
            assert_eq!(parse_value(bad), Err(TargetError::NotANumber), "{bad}");
        }
        assert_eq!(format_value(19_400), "1.94");
        assert_eq!(format_value(18_000_000), "1800");
        assert_eq!(format_value(5), "0.0005");
    }

    #[test]
    fn status_is_measured_against_the_time_gone() {
        let at = Comparator::AtLeast;
        assert_eq!(
            status(None, 100, at, "cumulative", d(2022, 6, 30)),
            TargetStatus::NoData
        );
        assert_eq!(
            status(Some(100), 100, at, "cumulative", d(2022, 6, 30)),
            TargetStatus::Reached
        );
        assert_eq!(
            status(
                Some(100),
                100,
                Comparator::Above,
                "cumulative",
                d(2022, 6, 30)
            ),
            TargetStatus::OnTrack
        );
        // Half the plan's three years gone (mid-2022): half the target is on track.
        assert_eq!(
            status(Some(50), 100, at, "cumulative", d(2022, 7, 2)),
            TargetStatus::OnTrack
        );
        assert_eq!(
            status(Some(42), 100, at, "cumulative", d(2022, 7, 2)),
            TargetStatus::AtRisk
        );
        assert_eq!(
            status(Some(20), 100, at, "cumulative", d(2022, 7, 2)),
            TargetStatus::Behind
        );
        assert_eq!(
            status(Some(99), 100, at, "by_2023", d(2024, 1, 1)),
            TargetStatus::Missed
        );
        // An annual target starts again each year.
        assert_eq!(
            status(Some(5), 10, at, "annual", d(2026, 7, 2)),
            TargetStatus::OnTrack
        );
        assert_eq!(
            status(Some(1), 10, at, "annual", d(2026, 12, 1)),
            TargetStatus::Behind
        );
        assert_eq!(progress_bp(1, 3), 3_333);
        assert_eq!(progress_bp(5, 0), 0);
    }

    #[test]
    fn periods_are_years_halves_or_quarters_of_the_plan_so_far() {
        let today = d(2026, 8, 1);
        assert_eq!(
            parse_period("2025", today),
            Ok(("2025".into(), d(2025, 1, 1)))
        );
        assert_eq!(
            parse_period("2026-h1", today),
            Ok(("2026-H1".into(), d(2026, 1, 1)))
        );
        assert_eq!(
            parse_period("2026-Q3", today),
            Ok(("2026-Q3".into(), d(2026, 7, 1)))
        );
        assert_eq!(
            parse_period("2026-Q4", today),
            Err(TargetError::FuturePeriod)
        );
        assert_eq!(parse_period("2020", today), Err(TargetError::BeforePlan));
        for bad in ["", "26", "2026-Q5", "2026/1", "<b>"] {
            assert_eq!(
                parse_period(bad, today),
                Err(TargetError::BadPeriod),
                "{bad}"
            );
        }
    }
}
