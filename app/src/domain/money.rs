//! Money as integer fen (分), so sums and comparisons are exact.

use serde::{Deserialize, Serialize};

use super::text::fullwidth_to_ascii;

const FEN_PER_YUAN: i64 = 100;
/// Input in yuan may carry fen, i.e. 2 decimal places.
const YUAN_DECIMALS: u32 = 2;
/// Input in 万元 may still go down to 1 fen: 1 万元 = 10^6 fen.
const WAN_DECIMALS: u32 = 6;
/// Fen per 0.01 万元, the display precision of [`Fen::format_wan`].
const FEN_PER_CENTI_WAN: i128 = 10_000;
/// Fen per 0.01 亿元, the display precision of [`Fen::format_yi`].
const FEN_PER_CENTI_YI: i128 = 100_000_000;

/// An amount of money in fen (1 yuan = 100 fen).
///
/// Serialized as a bare integer. Negative values are representable (e.g.
/// differences), but the parsers only produce non-negative amounts.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Why an amount was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum MoneyError {
    /// Nothing entered.
    #[error("Please enter an amount")]
    Empty,
    /// A minus sign was entered.
    #[error("The amount cannot be negative")]
    Negative,
    /// Not a plain number (letters, units, currency symbols, bad grouping…).
    #[error("Enter a plain number without units or symbols such as 万, 元 or ¥")]
    NotANumber,
    /// More decimal places than the unit allows.
    #[error("At most {max} decimal places")]
    TooManyDecimals { max: u32 },
    /// Does not fit in an `i64` number of fen.
    #[error("The amount is too large")]
    TooLarge,
    /// Budget minimum is greater than the maximum.
    #[error("The minimum budget cannot exceed the maximum budget")]
    MinAboveMax,
    /// Budget maximum is zero.
    #[error("The maximum budget must be greater than zero")]
    Zero,
    /// An amount that must be above zero is zero.
    #[error("The amount must be greater than zero")]
    NotPositive,
    /// Not an amount, where units are allowed (contracts).
    #[error("Enter an amount such as 1,200,000, 120万 or 1.5亿 (yuan unless a unit is given)")]
    NotAnAmount,
}

impl MoneyError {
    /// User-facing Chinese message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "请输入金额".to_string(),
            Self::Negative => "金额不能为负数".to_string(),
            Self::NotANumber => "请输入纯数字，不要包含“万”“元”“¥”等单位或符号".to_string(),
            Self::TooManyDecimals { max } => format!("最多 {max} 位小数"),
            Self::TooLarge => "金额过大".to_string(),
            Self::MinAboveMax => "最低预算不能高于最高预算".to_string(),
            Self::Zero => "最高预算必须大于 0".to_string(),
            Self::NotPositive => "金额必须大于 0".to_string(),
            Self::NotAnAmount => {
                "请输入金额，如 1,200,000、120万 或 1.5亿（未写单位时按元计）".to_string()
            }
        }
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Checks thousands grouping ("1,234,567") and returns the bare digits.
fn integer_digits(int_part: &str) -> Option<String> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !int_part.contains(',') {
        return all_digits(int_part).then(|| int_part.to_string());
    }
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    if !all_digits(first) || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Accumulates ASCII digits into an `i64`, failing on overflow.
fn digits_to_i64(digits: &str) -> Option<i64> {
    digits.bytes().try_fold(0i64, |acc, b| {
        acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
    })
}

/// Parses a non-negative decimal whose smallest unit (10^-decimals) is 1 fen.
fn parse_scaled(input: &str, decimals: u32) -> Result<Fen, MoneyError> {
    let normalized = fullwidth_to_ascii(input);
    let s = normalized.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    // U+2212 is the typographic minus that word processors substitute.
    if s.starts_with('-') || s.starts_with('\u{2212}') {
        return Err(MoneyError::Negative);
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((int_part, frac)) => (int_part, Some(frac)),
        None => (s, None),
    };
    let int_digits = integer_digits(int_part).ok_or(MoneyError::NotANumber)?;
    let frac_digits = frac_part.unwrap_or("");
    let frac_ok = frac_digits.bytes().all(|b| b.is_ascii_digit())
        && (frac_part.is_none() || !frac_digits.is_empty());
    if !frac_ok {
        return Err(MoneyError::NotANumber);
    }
    if frac_digits.len() > decimals as usize {
        return Err(MoneyError::TooManyDecimals { max: decimals });
    }

    let scale = 10i64.pow(decimals);
    let whole = digits_to_i64(&int_digits)
        .and_then(|v| v.checked_mul(scale))
        .ok_or(MoneyError::TooLarge)?;
    // Right-pad so "12.5" in yuan becomes 50 fen rather than 5.
    let padded = format!("{frac_digits:0<width$}", width = decimals as usize);
    let frac = digits_to_i64(&padded).ok_or(MoneyError::TooLarge)?;
    whole.checked_add(frac).map(Fen).ok_or(MoneyError::TooLarge)
}

/// Rounds `fen / unit` half away from zero and formats it with 2 decimals.
fn format_scaled(fen: i64, unit: i128) -> String {
    let value = i128::from(fen);
    let hundredths = (value.abs() + unit / 2) / unit;
    let sign = if value < 0 && hundredths != 0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Parses an amount in yuan (元), e.g. "1,200,000" or "12.5".
    ///
    /// Accepts ASCII or full-width digits, `.` and `,` (grouping must be in
    /// threes), at most 2 decimals. Anything with a unit, currency sign,
    /// exponent or letters is rejected rather than guessed at: "12.5万"
    /// silently read as 12.5 yuan would understate a budget 10,000-fold.
    pub fn parse_yuan(input: &str) -> Result<Fen, MoneyError> {
        parse_scaled(input, YUAN_DECIMALS)
    }

    /// Parses an amount in 万元 (10,000 yuan), e.g. "85.5" → 855,000 yuan.
    ///
    /// Same rules as [`Fen::parse_yuan`] but up to 6 decimals, because the
    /// smallest representable unit is still 1 fen.
    pub fn parse_wan(input: &str) -> Result<Fen, MoneyError> {
        parse_scaled(input, WAN_DECIMALS)
    }

    /// Whole yuan to fen; `None` on overflow.
    pub fn from_yuan(yuan: i64) -> Option<Fen> {
        yuan.checked_mul(FEN_PER_YUAN).map(Fen)
    }

    /// The raw amount in fen.
    pub fn fen(&self) -> i64 {
        self.0
    }

    /// Amount in 万元 with 2 decimals, e.g. 855,000 yuan → "85.50".
    /// Rounds half away from zero.
    pub fn format_wan(&self) -> String {
        format_scaled(self.0, FEN_PER_CENTI_WAN)
    }

    /// The exact amount in 万元 with only the decimals it needs (at most 6: one fen), for a
    /// form field read back with [`Fen::parse_wan`]: 1,462,500 yuan → "146.25".
    pub fn format_wan_exact(&self) -> String {
        let v = i128::from(self.0);
        let abs = v.abs();
        let sign = if v < 0 { "-" } else { "" };
        let (int, frac) = (abs / 1_000_000, abs % 1_000_000);
        if frac == 0 {
            format!("{sign}{int}")
        } else {
            let f = format!("{frac:06}");
            format!("{sign}{int}.{}", f.trim_end_matches('0'))
        }
    }

    /// Amount in 亿元 (10^8 yuan) with 2 decimals, rounding half away from zero.
    pub fn format_yi(&self) -> String {
        format_scaled(self.0, FEN_PER_CENTI_YI)
    }

    /// Exact English display, e.g. "CNY 1,234,567.89".
    pub fn format_yuan_en(&self) -> String {
        let value = i128::from(self.0);
        let abs = value.abs();
        let sign = if value < 0 { "-" } else { "" };
        let yuan = (abs / 100).to_string();
        format!("CNY {sign}{}.{:02}", group_thousands(&yuan), abs % 100)
    }
}

/// A validated budget range: `0 <= min <= max` and `max > 0`.
///
/// Fields are private so every value, including deserialized ones, has
/// passed [`BudgetRange::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "BudgetRangeFields")]
pub struct BudgetRange {
    min: Fen,
    max: Fen,
}

/// Unvalidated wire form of [`BudgetRange`].
#[derive(Deserialize)]
struct BudgetRangeFields {
    min: Fen,
    max: Fen,
}

impl TryFrom<BudgetRangeFields> for BudgetRange {
    type Error = MoneyError;

    fn try_from(fields: BudgetRangeFields) -> Result<Self, Self::Error> {
        Self::new(fields.min, fields.max)
    }
}

impl BudgetRange {
    /// Validates a range. A zero minimum is allowed ("up to max").
    pub fn new(min: Fen, max: Fen) -> Result<Self, MoneyError> {
        if min.0 < 0 || max.0 < 0 {
            return Err(MoneyError::Negative);
        }
        if max.0 == 0 {
            return Err(MoneyError::Zero);
        }
        if min > max {
            return Err(MoneyError::MinAboveMax);
        }
        Ok(Self { min, max })
    }

    /// Lower bound.
    pub fn min(&self) -> Fen {
        self.min
    }

    /// Upper bound.
    pub fn max(&self) -> Fen {
        self.max
    }

    /// Whether `amount` lies within the range (inclusive).
    pub fn contains(&self, amount: Fen) -> bool {
        self.min <= amount && amount <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, I64Deserializer, MapDeserializer};

    #[test]
    fn parse_yuan_accepts_plain_and_grouped() {
        assert_eq!(Fen::parse_yuan("1200000"), Ok(Fen(120_000_000)));
        assert_eq!(Fen::parse_yuan("1,200,000"), Ok(Fen(120_000_000)));
        assert_eq!(Fen::parse_yuan("12.5"), Ok(Fen(1_250)));
        assert_eq!(Fen::parse_yuan("12.50"), Ok(Fen(1_250)));
        assert_eq!(Fen::parse_yuan("0.05"), Ok(Fen(5)));
        assert_eq!(Fen::parse_yuan("0"), Ok(Fen(0)));
        assert_eq!(Fen::parse_yuan("999"), Ok(Fen(99_900)));
        assert_eq!(Fen::parse_yuan("1,000.99"), Ok(Fen(100_099)));
        assert_eq!(Fen::parse_yuan("  42 "), Ok(Fen(4_200)));
        assert_eq!(Fen::parse_yuan("007"), Ok(Fen(700)));
    }

    #[test]
    fn parse_yuan_accepts_full_width() {
        assert_eq!(Fen::parse_yuan("１，２００，０００"), Ok(Fen(120_000_000)));
        assert_eq!(Fen::parse_yuan("１２．５"), Ok(Fen(1_250)));
        assert_eq!(Fen::parse_yuan("\u{3000}３\u{3000}"), Ok(Fen(300)));
    }

    #[test]
    fn parse_yuan_rejects_empty_and_negative() {
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::Empty));
        assert_eq!(Fen::parse_yuan("   "), Err(MoneyError::Empty));
        assert_eq!(Fen::parse_yuan("-5"), Err(MoneyError::Negative));
        assert_eq!(Fen::parse_yuan("－5"), Err(MoneyError::Negative));
        assert_eq!(Fen::parse_yuan("\u{2212}5"), Err(MoneyError::Negative));
    }

    #[test]
    fn parse_yuan_rejects_units_and_letters() {
        // The important one: "12.5万" must not become 12.5 yuan.
        assert_eq!(Fen::parse_yuan("12.5万"), Err(MoneyError::NotANumber));
        for bad in [
            "12万元",
            "12元",
            "1e5",
            "abc",
            "¥100",
            "￥100",
            "100 yuan",
            "+5",
            "0x10",
            "1 000",
            "1_000",
            "12.",
            ".5",
            "1.2.3",
            "１２万",
        ] {
            assert_eq!(Fen::parse_yuan(bad), Err(MoneyError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn parse_yuan_rejects_bad_grouping() {
        for bad in [
            "1,20,000",
            "1,2000",
            "1234,567",
            ",123",
            "123,",
            "1,,234",
            "1,234.5,6",
        ] {
            assert_eq!(Fen::parse_yuan(bad), Err(MoneyError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn parse_yuan_rejects_too_many_decimals() {
        assert_eq!(
            Fen::parse_yuan("1.234"),
            Err(MoneyError::TooManyDecimals { max: 2 })
        );
        assert_eq!(
            Fen::parse_yuan("0.001"),
            Err(MoneyError::TooManyDecimals { max: 2 })
        );
    }

    #[test]
    fn parse_yuan_boundary_at_i64_max() {
        assert_eq!(i64::MAX, 9_223_372_036_854_775_807);
        assert_eq!(Fen::parse_yuan("92233720368547758.07"), Ok(Fen(i64::MAX)));
        assert_eq!(
            Fen::parse_yuan("92,233,720,368,547,758.07"),
            Ok(Fen(i64::MAX))
        );
        assert_eq!(
            Fen::parse_yuan("92233720368547758.08"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Fen::parse_yuan("92233720368547759"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Fen::parse_yuan("99999999999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn parse_wan_scales_to_fen() {
        assert_eq!(Fen::parse_wan("1"), Ok(Fen(1_000_000)));
        assert_eq!(Fen::parse_wan("85.5"), Ok(Fen(85_500_000)));
        assert_eq!(Fen::parse_wan("1,200"), Ok(Fen(1_200_000_000)));
        assert_eq!(Fen::parse_wan("0.000001"), Ok(Fen(1)));
        assert_eq!(Fen::parse_wan("１２．５"), Ok(Fen(12_500_000)));
        assert_eq!(
            Fen::parse_wan("0.0000001"),
            Err(MoneyError::TooManyDecimals { max: 6 })
        );
        assert_eq!(Fen::parse_wan("12.5万"), Err(MoneyError::NotANumber));
        assert_eq!(Fen::parse_wan(""), Err(MoneyError::Empty));
        assert_eq!(Fen::parse_wan("-1"), Err(MoneyError::Negative));
    }

    #[test]
    fn parse_wan_boundary_at_i64_max() {
        assert_eq!(Fen::parse_wan("9223372036854.775807"), Ok(Fen(i64::MAX)));
        assert_eq!(
            Fen::parse_wan("9223372036854.775808"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Fen::parse_wan("9223372036855"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn from_yuan_checks_overflow() {
        assert_eq!(Fen::from_yuan(12), Some(Fen(1_200)));
        assert_eq!(Fen::from_yuan(0), Some(Fen::ZERO));
        assert_eq!(
            Fen::from_yuan(i64::MAX / 100),
            Some(Fen(i64::MAX / 100 * 100))
        );
        assert_eq!(Fen::from_yuan(i64::MAX / 100 + 1), None);
        assert_eq!(Fen::from_yuan(i64::MAX), None);
        assert_eq!(Fen(1_234).fen(), 1_234);
    }

    #[test]
    fn format_wan_rounds_half_away_from_zero() {
        assert_eq!(Fen(85_500_000).format_wan(), "85.50");
        assert_eq!(Fen(0).format_wan(), "0.00");
        assert_eq!(Fen(1_000_000).format_wan(), "1.00");
        // 0.005 万元 = 50 yuan = 5,000 fen rounds up; one fen less rounds down.
        assert_eq!(Fen(5_000).format_wan(), "0.01");
        assert_eq!(Fen(4_999).format_wan(), "0.00");
        assert_eq!(Fen(-5_000).format_wan(), "-0.01");
        assert_eq!(Fen(-4_999).format_wan(), "0.00");
        assert_eq!(Fen(123_456_789_000).format_wan(), "123456.79");
        assert_eq!(Fen(i64::MAX).format_wan(), "9223372036854.78");
        assert_eq!(Fen(i64::MIN).format_wan(), "-9223372036854.78");
    }

    #[test]
    fn format_yi_two_decimals() {
        assert_eq!(Fen(10_000_000_000).format_yi(), "1.00");
        assert_eq!(Fen(12_345_000_000).format_yi(), "1.23");
        assert_eq!(Fen(12_350_000_000).format_yi(), "1.24");
        assert_eq!(Fen(50_000_000).format_yi(), "0.01");
        assert_eq!(Fen(49_999_999).format_yi(), "0.00");
        assert_eq!(Fen(0).format_yi(), "0.00");
    }

    #[test]
    fn format_yuan_en_groups_thousands() {
        assert_eq!(Fen(123_456_789).format_yuan_en(), "CNY 1,234,567.89");
        assert_eq!(Fen(0).format_yuan_en(), "CNY 0.00");
        assert_eq!(Fen(5).format_yuan_en(), "CNY 0.05");
        assert_eq!(Fen(100_000).format_yuan_en(), "CNY 1,000.00");
        assert_eq!(Fen(99_999).format_yuan_en(), "CNY 999.99");
        assert_eq!(Fen(-123_456).format_yuan_en(), "CNY -1,234.56");
        assert_eq!(
            Fen(i64::MAX).format_yuan_en(),
            "CNY 92,233,720,368,547,758.07"
        );
        assert_eq!(
            Fen(i64::MIN).format_yuan_en(),
            "CNY -92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn budget_range_validation() {
        let range = BudgetRange::new(Fen(0), Fen(100)).expect("valid range");
        assert_eq!((range.min(), range.max()), (Fen(0), Fen(100)));
        assert!(range.contains(Fen(100)));
        assert!(!range.contains(Fen(101)));
        assert!(BudgetRange::new(Fen(100), Fen(100)).is_ok());
        assert_eq!(
            BudgetRange::new(Fen(101), Fen(100)),
            Err(MoneyError::MinAboveMax)
        );
        assert_eq!(BudgetRange::new(Fen(0), Fen(0)), Err(MoneyError::Zero));
        assert_eq!(BudgetRange::new(Fen(-1), Fen(5)), Err(MoneyError::Negative));
    }

    #[test]
    fn serde_fen_is_bare_integer_and_range_validates() {
        let de = I64Deserializer::<DeError>::new(1_250i64);
        assert_eq!(Fen::deserialize(de), Ok(Fen(1_250)));

        let fields = |min: i64, max: i64| {
            let map: MapDeserializer<_, DeError> =
                MapDeserializer::new(vec![("min", min), ("max", max)].into_iter());
            BudgetRange::deserialize(map)
        };
        assert_eq!(
            fields(1, 2).map(|r| (r.min(), r.max())),
            Ok((Fen(1), Fen(2)))
        );
        assert!(fields(3, 2).is_err());
        assert!(fields(0, 0).is_err());
    }

    #[test]
    fn messages_in_both_languages() {
        for err in [
            MoneyError::Empty,
            MoneyError::Negative,
            MoneyError::NotANumber,
            MoneyError::TooManyDecimals { max: 2 },
            MoneyError::TooLarge,
            MoneyError::MinAboveMax,
            MoneyError::Zero,
        ] {
            assert!(!err.message_zh().is_empty());
            assert!(!err.message_en().is_empty());
        }
        assert_eq!(
            MoneyError::TooManyDecimals { max: 2 }.message_zh(),
            "最多 2 位小数"
        );
    }
}
