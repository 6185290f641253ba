//! Validation of free-text form inputs.
//!
//! HTML is deliberately left untouched: it is escaped when rendered, and
//! stripping it here would silently alter what users typed (e.g. "a<b").

use serde::{Deserialize, Serialize};

/// Maximum number of keywords accepted by [`parse_keywords`].
pub const MAX_KEYWORDS: usize = 10;
/// Maximum length of a single keyword, in characters.
pub const MAX_KEYWORD_CHARS: usize = 20;
/// Minimum password length, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Maximum password length, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Maximum email length (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Escapes text for an HTML text node or a quoted attribute value (`&`, `<`, `>`, `"`, `'`).
/// The view macros escape on their own; this is for HTML that is written by hand, such as the
/// page title that leptos_meta writes into `<title>` unescaped.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Why a text input was rejected. Lengths are counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TextError {
    /// Required field left blank.
    #[error("This field is required")]
    Empty,
    /// Fewer than `min` characters.
    #[error("At least {min} characters")]
    TooShort { min: usize },
    /// More than `max` characters; `found` is the actual count.
    #[error("At most {max} characters (currently {found})")]
    TooLong { max: usize, found: usize },
    /// Contains a control character (other than newline or tab), a bidirectional control or
    /// a zero-width character.
    #[error("Contains invisible characters or text-direction controls that are not allowed")]
    ControlChar,
    /// More than `max` items (keywords).
    #[error("At most {max} keywords")]
    TooMany { max: usize },
    /// Not a plausible email address.
    #[error("Please enter a valid email address")]
    InvalidEmail,
    /// Password uses fewer than two character classes.
    #[error("Password must contain at least two of: letters, digits, symbols")]
    WeakPassword,
    /// Not a plausible phone number.
    #[error("Please enter a valid phone number")]
    InvalidPhone,
}

impl TextError {
    /// User-facing Chinese message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "不能为空".to_string(),
            Self::TooShort { min } => format!("至少 {min} 个字"),
            Self::TooLong { max, found } => format!("最多 {max} 个字（当前 {found} 个）"),
            Self::ControlChar => "包含不允许的不可见字符或文字方向控制符".to_string(),
            Self::TooMany { max } => format!("最多 {max} 个关键词"),
            Self::InvalidEmail => "请输入有效的邮箱地址".to_string(),
            Self::WeakPassword => "密码需包含字母、数字、符号中的至少两类".to_string(),
            Self::InvalidPhone => "请输入有效的电话号码".to_string(),
        }
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Converts full-width ASCII variants (U+FF01–U+FF5E) and the ideographic
/// space to their ASCII forms.
///
/// Chinese input methods produce these by default, so numeric and phone
/// fields would otherwise reject input that looks correct to the user.
pub fn fullwidth_to_ascii(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Characters no text field accepts: control characters (except line breaks and tabs, where
/// a field allows them), the bidirectional formatting characters that reorder what is shown
/// (a name ending in U+202E can pass for another one in a review list), and the invisible
/// zero-width ones that make two identical-looking names differ. One rule for every field.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c)
}

/// Bidirectional controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI) and zero-width or invisible
/// characters (ZWSP, ZWNJ, ZWJ, word joiner and the invisible operators, BOM, soft hyphen,
/// Mongolian vowel separator).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Validates a free-text field and returns the cleaned text.
///
/// Trims surrounding whitespace and normalizes line endings to `\n` (a lone
/// `\r` from old clients is treated as a line break too). Rejects other
/// control characters, which are invisible and can corrupt exports. With
/// `field_min == 0` an empty input is accepted and returns `""`.
pub fn clean_text(input: &str, field_min: usize, field_max: usize) -> Result<String, TextError> {
    let text = input.trim().replace("\r\n", "\n").replace('\r', "\n");
    if text.chars().any(is_forbidden_control) {
        return Err(TextError::ControlChar);
    }
    let count = text.chars().count();
    if count == 0 {
        return if field_min == 0 {
            Ok(text)
        } else {
            Err(TextError::Empty)
        };
    }
    if count < field_min {
        return Err(TextError::TooShort { min: field_min });
    }
    if count > field_max {
        return Err(TextError::TooLong {
            max: field_max,
            found: count,
        });
    }
    Ok(text)
}

fn is_keyword_separator(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace()
}

/// Splits a keyword list typed in any common Chinese or English style.
///
/// Separators: `,` `，` `、` `;` `；` and any whitespace. Duplicates are
/// removed keeping the first occurrence; ASCII case is ignored when comparing
/// so "AI" and "ai" count once. An empty input yields an empty list — callers
/// decide whether keywords are required.
pub fn parse_keywords(input: &str) -> Result<Vec<String>, TextError> {
    let mut keywords: Vec<String> = Vec::new();
    for raw in input.split(is_keyword_separator) {
        let keyword = raw.trim();
        if keyword.is_empty() {
            continue;
        }
        if keyword.chars().any(is_forbidden_control) {
            return Err(TextError::ControlChar);
        }
        let found = keyword.chars().count();
        if found > MAX_KEYWORD_CHARS {
            return Err(TextError::TooLong {
                max: MAX_KEYWORD_CHARS,
                found,
            });
        }
        if !keywords.iter().any(|k| k.eq_ignore_ascii_case(keyword)) {
            keywords.push(keyword.to_string());
        }
    }
    if keywords.len() > MAX_KEYWORDS {
        return Err(TextError::TooMany { max: MAX_KEYWORDS });
    }
    Ok(keywords)
}

/// Validates an email address and returns it trimmed and lowercased.
///
/// This is a plausibility check, not RFC 5322 parsing: the only real proof
/// is a confirmation mail, so the goal is just to catch typos.
pub fn validate_email(input: &str) -> Result<String, TextError> {
    // Refused before any copy is made, however long what was sent.
    if input.len() > 4 * MAX_EMAIL_CHARS + 64 {
        return Err(TextError::InvalidEmail);
    }
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(TextError::Empty);
    }
    if email.chars().count() > MAX_EMAIL_CHARS
        || email
            .chars()
            .any(|c| c.is_whitespace() || is_forbidden_control(c))
    {
        return Err(TextError::InvalidEmail);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(TextError::InvalidEmail);
    };
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty() || !domain_ok {
        return Err(TextError::InvalidEmail);
    }
    Ok(email)
}

/// Checks password strength. The password is not trimmed: spaces are
/// legitimate password characters.
///
/// Requires 10..=128 characters and at least two of {letters, digits,
/// other}, which blocks the most common all-digit and all-letter passwords
/// without imposing rules users work around.
pub fn validate_password(input: &str) -> Result<(), TextError> {
    let count = input.chars().count();
    if count == 0 {
        return Err(TextError::Empty);
    }
    if count < MIN_PASSWORD_CHARS {
        return Err(TextError::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if count > MAX_PASSWORD_CHARS {
        return Err(TextError::TooLong {
            max: MAX_PASSWORD_CHARS,
            found: count,
        });
    }
    let has_letter = input.chars().any(char::is_alphabetic);
    let has_digit = input.chars().any(char::is_numeric);
    let has_other = input.chars().any(|c| !c.is_alphabetic() && !c.is_numeric());
    let classes = [has_letter, has_digit, has_other]
        .iter()
        .filter(|&&present| present)
        .count();
    if classes < 2 {
        return Err(TextError::WeakPassword);
    }
    Ok(())
}

/// Validates a phone number and returns it trimmed, with full-width
/// characters converted to ASCII.
///
/// Allows digits, spaces, `-`, parentheses and a leading `+`, 5..=20
/// characters with at least 5 digits. Formats vary too much (landlines with
/// area codes and extensions, mobiles, foreign numbers) for stricter rules.
pub fn validate_phone(input: &str) -> Result<String, TextError> {
    let phone = fullwidth_to_ascii(input).trim().to_string();
    if phone.is_empty() {
        return Err(TextError::Empty);
    }
    let count = phone.chars().count();
    let allowed = phone.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(5..=20).contains(&count) || digits < 5 {
        return Err(TextError::InvalidPhone);
    }
    Ok(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_leaves_no_markup_and_keeps_the_text() {
        let attack = "测试</title><script>window.__pwned=1</script> \"x\" 'y' & z";
        let escaped = escape_html(attack);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"'));
        assert_eq!(
            escaped,
            "测试&lt;/title&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;x&quot; &#39;y&#39; &amp; z"
        );
        assert_eq!(escape_html("南宁 AI"), "南宁 AI");
    }

    #[test]
    fn clean_text_trims_and_normalizes_newlines() {
        assert_eq!(
            clean_text("  第一行\r\n第二行\r第三行\t尾  ", 1, 100),
            Ok("第一行\n第二行\n第三行\t尾".to_string())
        );
    }

    #[test]
    fn clean_text_keeps_html_unchanged() {
        let input = "<script>alert('x')</script> & <b>粗体</b>";
        assert_eq!(clean_text(input, 1, 200), Ok(input.to_string()));
    }

    #[test]
    fn clean_text_rejects_control_chars() {
        assert_eq!(
            clean_text("abc\u{0}def", 1, 100),
            Err(TextError::ControlChar)
        );
        assert_eq!(
            clean_text("abc\u{1b}[31m", 1, 100),
            Err(TextError::ControlChar)
        );
        assert_eq!(clean_text("abc\u{7f}", 1, 100), Err(TextError::ControlChar));
        // Text that reorders or hides itself: a name ending in RLO, a zero-width space between
        // two look-alike names, an isolate, a BOM. Each is refused, one rule for every field.
        for spoof in [
            "张三\u{202E}txt.exe",
            "张\u{200B}三",
            "李四\u{2067}",
            "\u{FEFF}王五",
            "赵\u{200D}六",
            "a\u{061C}b",
        ] {
            assert_eq!(
                clean_text(spoof, 1, 100),
                Err(TextError::ControlChar),
                "{spoof:?}"
            );
        }
        assert_eq!(
            parse_keywords("机器视觉，缺陷\u{200B}检测"),
            Err(TextError::ControlChar)
        );
        assert_eq!(
            validate_email("a\u{202E}@b.cn"),
            Err(TextError::InvalidEmail)
        );
        // Ordinary Chinese, English, full-width punctuation and symbols stay as typed.
        assert_eq!(
            clean_text("南宁·高新区（ABC）— 甘蔗收获机 №2 ✓", 1, 100).as_deref(),
            Ok("南宁·高新区（ABC）— 甘蔗收获机 №2 ✓")
        );
        assert_eq!(
            clean_text("abc\u{85}def", 1, 100),
            Err(TextError::ControlChar)
        );
    }

    #[test]
    fn clean_text_lengths_count_chars() {
        assert_eq!(clean_text("   ", 1, 10), Err(TextError::Empty));
        assert_eq!(clean_text("", 0, 10), Ok(String::new()));
        assert_eq!(clean_text("ab", 3, 10), Err(TextError::TooShort { min: 3 }));
        // 5 Chinese characters are 15 bytes but must count as 5.
        assert_eq!(clean_text("人工智能化", 1, 5), Ok("人工智能化".to_string()));
        assert_eq!(
            clean_text("人工智能化工", 1, 5),
            Err(TextError::TooLong { max: 5, found: 6 })
        );
        assert_eq!(clean_text("人工", 2, 5), Ok("人工".to_string()));
    }

    #[test]
    fn keywords_split_on_all_separators() {
        let parsed =
            parse_keywords(" 新材料，人工智能、储能;电池；氢能 , 光伏\u{3000}碳捕集\t芯片\n")
                .expect("valid keywords");
        assert_eq!(
            parsed,
            vec![
                "新材料",
                "人工智能",
                "储能",
                "电池",
                "氢能",
                "光伏",
                "碳捕集",
                "芯片"
            ]
        );
    }

    #[test]
    fn keywords_dedupe_keeping_order_and_drop_empties() {
        assert_eq!(
            parse_keywords("AI,,储能, ai ,储能,,，、"),
            Ok(vec!["AI".to_string(), "储能".to_string()])
        );
        assert_eq!(parse_keywords("  ,，、 "), Ok(vec![]));
        assert_eq!(parse_keywords(""), Ok(vec![]));
    }

    #[test]
    fn keywords_limits() {
        let ten: Vec<String> = (0..10).map(|i| format!("k{i}")).collect();
        assert_eq!(parse_keywords(&ten.join(",")), Ok(ten.clone()));
        let eleven = format!("{},k10", ten.join(","));
        assert_eq!(
            parse_keywords(&eleven),
            Err(TextError::TooMany { max: MAX_KEYWORDS })
        );
        // Duplicates do not count toward the limit.
        let with_dupes = format!("{},k0,k1", ten.join(","));
        assert_eq!(parse_keywords(&with_dupes), Ok(ten));

        let twenty = "字".repeat(20);
        assert_eq!(parse_keywords(&twenty), Ok(vec![twenty.clone()]));
        assert_eq!(
            parse_keywords(&"字".repeat(21)),
            Err(TextError::TooLong { max: 20, found: 21 })
        );
        assert_eq!(parse_keywords("a\u{7}b"), Err(TextError::ControlChar));
    }

    #[test]
    fn email_accepts_and_normalizes() {
        assert_eq!(
            validate_email("  Zhang.San@Example.COM.cn "),
            Ok("zhang.san@example.com.cn".to_string())
        );
        assert_eq!(validate_email("a+tag@b.io"), Ok("a+tag@b.io".to_string()));
    }

    #[test]
    fn email_rejects_malformed() {
        assert_eq!(validate_email(""), Err(TextError::Empty));
        for bad in [
            "plainaddress",
            "@example.com",
            "user@",
            "user@localhost",
            "user@@example.com",
            "a@b@example.com",
            "user name@example.com",
            "user@exa mple.com",
            "user@.example.com",
            "user@example.com.",
            "user@example..com",
        ] {
            assert_eq!(validate_email(bad), Err(TextError::InvalidEmail), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert_eq!(validate_email(&long), Err(TextError::InvalidEmail));
        let max = format!("{}@example.com", "a".repeat(242));
        assert!(validate_email(&max).is_ok());
    }

    #[test]
    fn password_rules() {
        assert_eq!(validate_password(""), Err(TextError::Empty));
        assert_eq!(
            validate_password("abc123"),
            Err(TextError::TooShort { min: 10 })
        );
        assert_eq!(
            validate_password("abcdefghij"),
            Err(TextError::WeakPassword)
        );
        assert_eq!(
            validate_password("1234567890"),
            Err(TextError::WeakPassword)
        );
        assert_eq!(
            validate_password("!@#$%^&*()"),
            Err(TextError::WeakPassword)
        );
        assert_eq!(validate_password("abcdefghi1"), Ok(()));
        assert_eq!(validate_password("1234567890!"), Ok(()));
        assert_eq!(validate_password("correct horse"), Ok(()));
        assert_eq!(validate_password("密码密码密码密码密码1"), Ok(()));
        assert_eq!(validate_password(&"a1".repeat(64)), Ok(()));
        assert_eq!(
            validate_password(&format!("{}b", "a1".repeat(64))),
            Err(TextError::TooLong {
                max: 128,
                found: 129
            })
        );
    }

    #[test]
    fn phone_rules() {
        assert_eq!(
            validate_phone(" 13800138000 "),
            Ok("13800138000".to_string())
        );
        assert_eq!(
            validate_phone("+86 (771) 555-1234"),
            Ok("+86 (771) 555-1234".to_string())
        );
        assert_eq!(
            validate_phone("０７７１－１２３４５６７"),
            Ok("0771-1234567".to_string())
        );
        assert_eq!(validate_phone("12345"), Ok("12345".to_string()));
        assert_eq!(validate_phone(""), Err(TextError::Empty));
        for bad in [
            "1234",
            "123456789012345678901",
            "138-0013-abcd",
            "86+13800138000",
            "-----",
            "(+) --- 12",
            "电话13800138000",
        ] {
            assert_eq!(validate_phone(bad), Err(TextError::InvalidPhone), "{bad}");
        }
    }

    #[test]
    fn fullwidth_conversion() {
        assert_eq!(fullwidth_to_ascii("１２，３４５．６７"), "12,345.67");
        assert_eq!(fullwidth_to_ascii("ＡＢ\u{3000}中文"), "AB 中文");
    }

    #[test]
    fn messages_in_both_languages() {
        let err = TextError::TooLong {
            max: 200,
            found: 230,
        };
        assert!(err.message_zh().starts_with("最多 200 个字"));
        assert!(err.message_en().starts_with("At most 200 characters"));
        assert_eq!(TextError::Empty.message_zh(), "不能为空");
        assert_eq!(TextError::Empty.message_en(), "This field is required");
        for err in [
            TextError::TooShort { min: 3 },
            TextError::ControlChar,
            TextError::TooMany { max: 10 },
            TextError::InvalidEmail,
            TextError::WeakPassword,
            TextError::InvalidPhone,
        ] {
            assert!(!err.message_zh().is_empty());
            assert!(!err.message_en().is_empty());
        }
    }
}

/// Percent-encodes a query value (unreserved characters and `/` are kept).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Reads a query string (`a=1&b=%E5%8D%97`, `+` for space) into its pairs; malformed escapes
/// are kept as written and invalid UTF-8 is replaced, so any input gives pairs.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(b[i + 1]), hex(b[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(test)]
mod query_tests {
    use super::*;

    #[test]
    fn query_strings_round_trip_and_survive_garbage() {
        let q = format!(
            "district={}&type=%E6%8A%80%E6%9C%AF%E8%BD%AC%E8%AE%A9&x=a+b",
            urlencode("青秀 区")
        );
        assert_eq!(
            parse_query(&q),
            [
                ("district".to_string(), "青秀 区".to_string()),
                ("type".into(), "技术转让".into()),
                ("x".into(), "a b".into())
            ]
        );
        assert_eq!(
            parse_query("?a=%zz&b=%E5&c=%&d"),
            [
                ("a".to_string(), "%zz".to_string()),
                ("b".into(), "\u{FFFD}".into()),
                ("c".into(), "%".into()),
                ("d".into(), "".into())
            ]
        );
        assert!(parse_query("").is_empty());
    }
}

/// What was pasted names no record of the kind asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotARecord;

/// The record a person points to by pasting its page address (`https://…/demands/<id>`, a
/// path, with or without a query) or its id. `Ok(None)` when nothing was given, `Err(NotARecord)` when
/// what was given names no record of the kind whose pages live under `/{segment}/`.
pub fn record_ref(input: &str, segment: &str) -> Result<Option<uuid::Uuid>, NotARecord> {
    let s = fullwidth_to_ascii(input.trim());
    if s.is_empty() {
        return Ok(None);
    }
    let marker = format!("/{segment}/");
    let id = match s.find(&marker) {
        Some(at) => {
            let rest = &s[at + marker.len()..];
            rest.split(['/', '?', '#']).next().unwrap_or("")
        }
        // A bare id; an address of another kind of page names nothing here.
        None if s.contains('/') => return Err(NotARecord),
        None => s.as_str(),
    };
    uuid::Uuid::try_parse(id).map(Some).map_err(|_| NotARecord)
}

#[cfg(test)]
mod record_ref_tests {
    use super::*;

    #[test]
    fn a_record_is_named_by_its_address_or_its_id() {
        let id = uuid::Uuid::new_v4();
        for input in [
            id.to_string(),
            format!("  {id}  "),
            format!("https://jiebang.nanning.gov.cn/demands/{id}"),
            format!("http://127.0.0.1:3000/demands/{id}?lang=en#top"),
            format!("/demands/{id}/edit"),
            id.simple().to_string(),
        ] {
            assert_eq!(record_ref(&input, "demands"), Ok(Some(id)), "{input}");
        }
        assert_eq!(record_ref("", "demands"), Ok(None));
        assert_eq!(record_ref("   ", "demands"), Ok(None));
        for bad in [
            format!("/achievements/{id}"),
            "/demands/".to_string(),
            "/demands/not-an-id".to_string(),
            "需求 123".to_string(),
            format!("{id}x"),
            "<script>".to_string(),
        ] {
            assert_eq!(record_ref(&bad, "demands"), Err(NotARecord), "{bad}");
        }
    }
}
