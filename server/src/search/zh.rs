//! Chinese text for search: traditional characters folded to simplified, ASCII lower-cased,
//! words cut by jieba in search mode, plus single CJK characters so a one-character query
//! (铝) finds words that contain it (铝合金).
use jieba_rs::Jieba;
use std::sync::LazyLock;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Folds one character: traditional → simplified, ASCII → lower case. Always one char out, so
/// character positions in the original and the folded text are the same.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if !is_cjk(c) {
        return c;
    }
    let mut buf = [0u8; 4];
    let s = fast2s::convert(c.encode_utf8(&mut buf));
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word(w: &str) -> bool {
    w.chars().any(|c| c.is_alphanumeric())
}

/// Tokens to index: (text, byte start, byte end, position) over the folded text.
pub fn index_tokens(folded: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for t in JIEBA.cut_for_search(folded, false) {
        if !is_word(t.word) {
            continue;
        }
        out.push((t.word.to_string(), t.byte_start, t.byte_end, pos));
        let n = t.word.chars().count();
        if n > 1 {
            for (i, c) in t.word.char_indices() {
                if is_cjk(c) {
                    let s = t.byte_start + i;
                    out.push((c.to_string(), s, s + c.len_utf8(), pos));
                }
            }
        }
        pos += 1;
    }
    out
}

/// One word of a query, with the smaller words it may be found as.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWord {
    pub word: String,
    /// Dictionary sub-words (search mode), e.g. 新能源汽车 → 新能源, 汽车.
    pub parts: Vec<String>,
}

/// Cuts a query into words. Punctuation, emoji and operator characters simply disappear, so
/// no query text is ever interpreted as syntax.
pub fn query_words(q: &str) -> Vec<QueryWord> {
    let folded = fold(q);
    let mut out: Vec<QueryWord> = Vec::new();
    for t in JIEBA.cut(&folded, false) {
        if !is_word(t.word) {
            continue;
        }
        let word = t.word.to_string();
        if out.iter().any(|w| w.word == word) {
            continue;
        }
        let parts: Vec<String> = if word.chars().count() > 2 {
            JIEBA
                .cut_for_search(&word, false)
                .into_iter()
                .map(|p| p.word.to_string())
                .filter(|p| p != &word && is_word(p))
                .collect()
        } else {
            vec![]
        };
        out.push(QueryWord { word, parts });
        if out.len() >= 16 {
            break;
        }
    }
    out
}

/// Character ranges of `text` where any of `terms` occurs (after folding both).
pub fn highlight(text: &str, terms: &[String]) -> Vec<[usize; 2]> {
    let hay: Vec<char> = text.chars().map(fold_char).collect();
    let mut marks = vec![false; hay.len()];
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > hay.len() {
            continue;
        }
        for i in 0..=hay.len() - needle.len() {
            if hay[i..i + needle.len()] == needle[..] {
                for m in &mut marks[i..i + needle.len()] {
                    *m = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < marks.len() {
        if marks[i] {
            let s = i;
            while i < marks.len() && marks[i] {
                i += 1;
            }
            out.push([s, i]);
        } else {
            i += 1;
        }
    }
    out
}

/// A window of about `len` characters around the first match, and the highlights inside it.
pub fn snippet(text: &str, terms: &[String], len: usize) -> (String, Vec<[usize; 2]>) {
    let chars: Vec<char> = text.chars().collect();
    let all = highlight(text, terms);
    let start = all
        .first()
        .map(|r| r[0].saturating_sub(len / 4))
        .unwrap_or(0);
    let start = start.min(chars.len().saturating_sub(len));
    let end = (start + len).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    let mut shift = 0;
    if start > 0 {
        s.insert(0, '…');
        shift = 1;
    }
    if end < chars.len() {
        s.push('…');
    }
    let hl = all
        .into_iter()
        .filter(|r| r[0] >= start && r[1] <= end)
        .map(|r| [r[0] - start + shift, r[1] - start + shift])
        .collect();
    (s, hl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_to_simplified_and_ascii_to_lower_case() {
        assert_eq!(fold("農業 AI視覺檢測"), "农业 ai视觉检测");
    }

    #[test]
    fn compounds_are_indexed_with_their_parts_and_characters() {
        let toks: Vec<String> = index_tokens(&fold("中国农业发展银行"))
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert!(toks.contains(&"农业".to_string()), "{toks:?}");
        assert!(toks.contains(&"银".to_string()), "{toks:?}");
        let toks: Vec<String> = index_tokens(&fold("5G基站与AI视觉检测"))
            .into_iter()
            .map(|t| t.0)
            .collect();
        for w in ["5g", "基站", "ai", "视觉", "检测"] {
            assert!(toks.contains(&w.to_string()), "{w} in {toks:?}");
        }
    }

    #[test]
    fn queries_lose_syntax_and_keep_words() {
        let w = query_words("status = 'x' OR 1=1; -- 🚀 !!!");
        assert!(
            w.iter()
                .all(|q| q.word.chars().all(|c| c.is_alphanumeric())),
            "{w:?}"
        );
        assert!(query_words("!!! ？？ 🚀").is_empty());
        let w = query_words("新能源汽车");
        let all: Vec<&str> = w
            .iter()
            .flat_map(|q| {
                std::iter::once(q.word.as_str()).chain(q.parts.iter().map(|s| s.as_str()))
            })
            .collect();
        assert!(all.contains(&"汽车"), "{w:?}");
    }

    #[test]
    fn highlights_are_character_ranges_of_the_original_text() {
        let text = "高端鋁加工與铝合金";
        let h = highlight(text, &["铝".to_string()]);
        assert_eq!(h, vec![[2, 3], [6, 7]]);
        let (s, h) = snippet(&"无关内容".repeat(50), &["无关".to_string()], 20);
        assert!(s.chars().count() <= 22);
        assert!(!h.is_empty());
    }
}
