//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! Every registered organization in China has exactly one 18-character code,
//! so it is the natural key for verifying and de-duplicating organizations.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Character set of the code; a character's value is its index. I, O, Z, S
/// and V are left out because they are easily confused with 1, 0, 2, 5 and U.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for positions 1..=17 (3^(i-1) mod 31), fixed by the standard.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Allowed registration-department codes (登记管理部门), position 1.
const DEPARTMENT_CODES: &str = "123456789ABCDEFGNY";

/// Allowed organization-category codes (机构类别), position 2.
const CATEGORY_CODES: &str = "1239";

const CODE_LEN: usize = 18;

/// A validated unified social credit code, stored uppercase without spaces.
///
/// The only ways to obtain one are [`CreditCode::parse`] and deserialization,
/// which also goes through `parse`, so a value of this type is always valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// Why a string is not a valid unified social credit code.
///
/// Positions are 1-based, matching how the standard and users count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CreditCodeError {
    /// Nothing but whitespace was entered.
    #[error("The unified social credit code is required")]
    Empty,
    /// The code does not have 18 characters (counted as characters, not bytes).
    #[error("The code must be 18 characters long, found {found}")]
    Length { found: usize },
    /// A character is not allowed at its position.
    #[error(
        "Character '{ch}' at position {position} is invalid (expected {})",
        expectation_en(*position)
    )]
    InvalidChar { position: usize, ch: char },
    /// The 18th character does not match the checksum of the first 17.
    #[error("Check character mismatch: position 18 should be '{expected}', found '{found}'")]
    CheckMismatch { expected: char, found: char },
}

impl CreditCodeError {
    /// User-facing Chinese message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "请输入统一社会信用代码".to_string(),
            Self::Length { found } => format!("统一社会信用代码应为 18 位，实际为 {found} 位"),
            Self::InvalidChar { position, ch } => format!(
                "第 {position} 位字符“{ch}”不合法（应为{}）",
                expectation_zh(*position)
            ),
            Self::CheckMismatch { expected, found } => {
                format!("校验码不符：第 18 位应为 “{expected}”，实际为 “{found}”")
            }
        }
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

fn expectation_zh(position: usize) -> &'static str {
    match position {
        1 => "登记管理部门代码：1–9、A–G、N 或 Y",
        2 => "机构类别代码：1、2、3 或 9",
        3..=8 => "数字",
        _ => "数字或大写字母，且不能是 I、O、Z、S、V",
    }
}

fn expectation_en(position: usize) -> &'static str {
    match position {
        1 => "a registration department code: 1-9, A-G, N or Y",
        2 => "an organization category code: 1, 2, 3 or 9",
        3..=8 => "a digit",
        _ => "a digit or an uppercase letter other than I, O, Z, S, V",
    }
}

/// Value of a character in the code alphabet, if it belongs to it.
fn char_value(ch: char) -> Option<u32> {
    let byte = u8::try_from(ch).ok()?;
    ALPHABET
        .iter()
        .position(|&b| b == byte)
        .and_then(|i| u32::try_from(i).ok())
}

/// Check character for 17 alphabet values; callers guarantee the length.
fn check_char_from_values(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    // `check` is always in 0..31, so the index cannot go out of bounds.
    char::from(ALPHABET[check as usize])
}

/// Computes the check character (position 18) for the first 17 characters.
///
/// Returns `None` unless `first17` is exactly 17 characters from the code
/// alphabet (uppercase). Only the checksum is computed; the structure of
/// positions 1–8 is not validated here — use [`CreditCode::parse`] for that.
pub fn compute_check_char(first17: &str) -> Option<char> {
    let values: Vec<u32> = first17.chars().map(char_value).collect::<Option<_>>()?;
    if values.len() != CODE_LEN - 1 {
        return None;
    }
    Some(check_char_from_values(&values))
}

impl CreditCode {
    /// Parses and validates a code.
    ///
    /// Surrounding whitespace is trimmed and ASCII letters are uppercased
    /// first, because users commonly paste codes with stray spaces or type
    /// them in lowercase. Full-width characters are rejected rather than
    /// converted so the stored value is exactly what the registry issued.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let normalized: String = input
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if normalized.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let chars: Vec<char> = normalized.chars().collect();
        if chars.len() != CODE_LEN {
            return Err(CreditCodeError::Length { found: chars.len() });
        }

        let mut values = Vec::with_capacity(CODE_LEN);
        for (index, &ch) in chars.iter().enumerate() {
            let position = index + 1;
            let structurally_ok = match position {
                1 => DEPARTMENT_CODES.contains(ch),
                2 => CATEGORY_CODES.contains(ch),
                3..=8 => ch.is_ascii_digit(),
                _ => true,
            };
            match char_value(ch) {
                Some(value) if structurally_ok => values.push(value),
                _ => return Err(CreditCodeError::InvalidChar { position, ch }),
            }
        }

        let expected = check_char_from_values(&values[..CODE_LEN - 1]);
        let found = chars[CODE_LEN - 1];
        if expected != found {
            return Err(CreditCodeError::CheckMismatch { expected, found });
        }
        Ok(Self(normalized))
    }

    /// The normalized 18-character code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Administrative division code (行政区划码), positions 3–8.
    pub fn region_code(&self) -> &str {
        // Validation guarantees 18 ASCII characters, so byte slicing is safe.
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> Self {
        code.0
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, StringDeserializer};

    /// Realistic 17-character prefixes: enterprise (91), institution (12),
    /// social organization (51/52), farmers' cooperative (N3), other (Y1).
    const PREFIXES: &[&str] = &[
        "91450100MA5KQWQW1",
        "91110000MA01ABCD3",
        "914403001922038216",
        "12100000400000624",
        "52440300MJL123456",
        "51110000500020868",
        "N3450103MA5L0P1T2",
        "Y1330106MD0000015",
        "93320583MA1M7UJ8X",
    ];

    fn valid_codes() -> Vec<String> {
        PREFIXES
            .iter()
            .map(|p| {
                let first17: String = p.chars().take(17).collect();
                let check = compute_check_char(&first17).expect("test prefix uses the alphabet");
                format!("{first17}{check}")
            })
            .collect()
    }

    fn replace_at(s: &str, index: usize, ch: char) -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| if i == index { ch } else { c })
            .collect()
    }

    #[test]
    fn weights_follow_the_standard() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn accepts_generated_valid_codes() {
        for code in valid_codes() {
            let parsed = CreditCode::parse(&code).expect("generated code is valid");
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
            assert_eq!(parsed.region_code(), &code[2..8]);
        }
    }

    #[test]
    fn accepts_known_real_world_code() {
        // Published codes of two Shenzhen companies; one ends in a letter.
        for real in ["9144030071526726XG", "91440300708461136T"] {
            let code = CreditCode::parse(real).expect("real code is valid");
            assert_eq!(code.region_code(), "440300");
        }
    }

    #[test]
    fn lowercase_and_surrounding_whitespace_are_normalized() {
        for code in valid_codes() {
            let messy = format!("  \t{}\n ", code.to_ascii_lowercase());
            let parsed = CreditCode::parse(&messy).expect("normalized input is valid");
            assert_eq!(parsed.as_str(), code);
        }
        // Ideographic space (U+3000) from Chinese IMEs is whitespace too.
        let code = &valid_codes()[0];
        assert!(CreditCode::parse(&format!("\u{3000}{code}\u{3000}")).is_ok());
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(CreditCode::parse(""), Err(CreditCodeError::Empty));
        assert_eq!(CreditCode::parse("   "), Err(CreditCodeError::Empty));
    }

    #[test]
    fn rejects_wrong_length() {
        let code = &valid_codes()[0];
        assert_eq!(
            CreditCode::parse(&code[..17]),
            Err(CreditCodeError::Length { found: 17 })
        );
        assert_eq!(
            CreditCode::parse(&format!("{code}0")),
            Err(CreditCodeError::Length { found: 19 })
        );
        // Internal spaces are not stripped: that would hide typos.
        assert_eq!(
            CreditCode::parse(&format!("{} {}", &code[..9], &code[9..])),
            Err(CreditCodeError::Length { found: 19 })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 18 Chinese characters are 54 bytes but 18 characters.
        let chinese = "统".repeat(18);
        assert_eq!(
            CreditCode::parse(&chinese),
            Err(CreditCodeError::InvalidChar {
                position: 1,
                ch: '统'
            })
        );
        assert_eq!(
            CreditCode::parse(&"统".repeat(17)),
            Err(CreditCodeError::Length { found: 17 })
        );
    }

    #[test]
    fn rejects_letter_in_region_part_naming_position() {
        let code = &valid_codes()[0];
        let bad = replace_at(code, 4, 'A');
        let err = CreditCode::parse(&bad).unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::InvalidChar {
                position: 5,
                ch: 'A'
            }
        );
        assert_eq!(err.message_zh(), "第 5 位字符“A”不合法（应为数字）");
        assert_eq!(
            err.message_en(),
            "Character 'A' at position 5 is invalid (expected a digit)"
        );
    }

    #[test]
    fn rejects_bad_department_and_category() {
        let code = &valid_codes()[0];
        assert_eq!(
            CreditCode::parse(&replace_at(code, 0, '0')),
            Err(CreditCodeError::InvalidChar {
                position: 1,
                ch: '0'
            })
        );
        assert_eq!(
            CreditCode::parse(&replace_at(code, 0, 'H')),
            Err(CreditCodeError::InvalidChar {
                position: 1,
                ch: 'H'
            })
        );
        assert_eq!(
            CreditCode::parse(&replace_at(code, 1, '4')),
            Err(CreditCodeError::InvalidChar {
                position: 2,
                ch: '4'
            })
        );
    }

    #[test]
    fn rejects_excluded_letters_anywhere_in_body() {
        let code = &valid_codes()[0];
        for ch in ['O', 'I', 'Z', 'S', 'V'] {
            for index in 8..18 {
                assert_eq!(
                    CreditCode::parse(&replace_at(code, index, ch)),
                    Err(CreditCodeError::InvalidChar {
                        position: index + 1,
                        ch
                    }),
                    "{ch} at position {}",
                    index + 1
                );
            }
            // Lowercase is uppercased first and still rejected.
            let lower = ch.to_ascii_lowercase();
            assert_eq!(
                CreditCode::parse(&replace_at(code, 9, lower)),
                Err(CreditCodeError::InvalidChar { position: 10, ch })
            );
        }
    }

    #[test]
    fn rejects_full_width_digit_and_chinese_character() {
        let code = &valid_codes()[0];
        assert_eq!(
            CreditCode::parse(&replace_at(code, 3, '５')),
            Err(CreditCodeError::InvalidChar {
                position: 4,
                ch: '５'
            })
        );
        assert_eq!(
            CreditCode::parse(&replace_at(code, 12, '码')),
            Err(CreditCodeError::InvalidChar {
                position: 13,
                ch: '码'
            })
        );
    }

    #[test]
    fn every_substitution_of_check_char_is_a_mismatch() {
        for code in valid_codes() {
            let actual = code.chars().last().expect("code has 18 chars");
            for &b in ALPHABET.iter() {
                let ch = char::from(b);
                if ch == actual {
                    continue;
                }
                assert_eq!(
                    CreditCode::parse(&replace_at(&code, 17, ch)),
                    Err(CreditCodeError::CheckMismatch {
                        expected: actual,
                        found: ch
                    })
                );
            }
        }
    }

    #[test]
    fn every_substitution_in_body_is_detected() {
        for code in valid_codes() {
            for index in 8..17 {
                let original = code.chars().nth(index).expect("in range");
                for &b in ALPHABET.iter() {
                    let ch = char::from(b);
                    if ch == original {
                        continue;
                    }
                    assert!(matches!(
                        CreditCode::parse(&replace_at(&code, index, ch)),
                        Err(CreditCodeError::CheckMismatch { .. })
                    ));
                }
            }
        }
    }

    #[test]
    fn adjacent_transpositions_in_body_are_detected() {
        let mut checked = 0;
        for code in valid_codes() {
            let chars: Vec<char> = code.chars().collect();
            for i in 8..16 {
                if chars[i] == chars[i + 1] {
                    continue;
                }
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let swapped: String = swapped.into_iter().collect();
                assert!(
                    matches!(
                        CreditCode::parse(&swapped),
                        Err(CreditCodeError::CheckMismatch { .. })
                    ),
                    "swap at {} in {code}",
                    i + 1
                );
                checked += 1;
            }
        }
        assert!(checked > 20);
    }

    #[test]
    fn mismatch_messages_name_both_characters() {
        let err = CreditCodeError::CheckMismatch {
            expected: '7',
            found: 'X',
        };
        assert_eq!(err.message_zh(), "校验码不符：第 18 位应为 “7”，实际为 “X”");
        assert_eq!(
            err.message_en(),
            "Check character mismatch: position 18 should be '7', found 'X'"
        );
        let length_zh = CreditCodeError::Length { found: 17 }.message_zh();
        assert!(length_zh.contains("17"));
        assert!(!CreditCodeError::Empty.message_en().is_empty());
    }

    #[test]
    fn compute_check_char_rejects_bad_input() {
        assert_eq!(compute_check_char(""), None);
        assert_eq!(compute_check_char("9145010"), None);
        assert_eq!(compute_check_char("91450100MA5KQWQW1A"), None);
        assert_eq!(compute_check_char("91450100MA5KQWQWO"), None);
        assert_eq!(compute_check_char("91450100ma5kxxxx1"), None);
    }

    #[test]
    fn deserialization_validates() {
        let code = valid_codes()[0].clone();
        let de = StringDeserializer::<DeError>::new(format!(" {} ", code.to_lowercase()));
        let parsed = CreditCode::deserialize(de).expect("valid code deserializes");
        assert_eq!(parsed.as_str(), code);

        let de = StringDeserializer::<DeError>::new(replace_at(&code, 17, '#'));
        assert!(CreditCode::deserialize(de).is_err());

        assert_eq!(String::from(parsed.clone()), code);
        assert_eq!(code.parse::<CreditCode>(), Ok(parsed));
    }
}
