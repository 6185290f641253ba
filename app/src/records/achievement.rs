//! A technology achievement's content: the achievement form, the import and the demo seeds.
use super::Catalog;
use crate::domain::achievement::{parse_patent, TransferMode};
use crate::domain::demand::Trl;
use crate::domain::money::Fen;
use crate::domain::text::{clean_text, parse_keywords};
use crate::error::{AppError, Errors};
use crate::model::AchievementForm;

pub const TITLE: (usize, usize) = (4, 100);
pub const SUMMARY: (usize, usize) = (20, 5000);
pub const FIELD: (usize, usize) = (2, 50);
pub const MAX_PATENTS: usize = 50;
/// What separates patent numbers (and, with spaces, transfer modes) in one text.
pub const LIST_SEPARATORS: [char; 6] = [',', '，', ';', '；', '\n', '、'];

/// What an achievement says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct AchievementContent {
    pub title: String,
    pub summary: String,
    pub chain_code: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub trl: Trl,
    /// Normalized, without repeats.
    pub patents: Vec<String>,
    /// At least one, without repeats.
    pub transfer_modes: Vec<TransferMode>,
    /// `None` when the price is negotiable (面议).
    pub price_fen: Option<i64>,
}

/// Whether a price text means "negotiable".
pub fn is_negotiable_word(price: &str) -> bool {
    matches!(price.trim().to_lowercase().as_str(), "面议" | "negotiable")
}

/// Every problem at once, under the form's field names.
pub fn parse(f: &AchievementForm, cat: &dyn Catalog) -> Result<AchievementContent, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, TITLE.0, TITLE.1));
    let summary = errs.take("summary", clean_text(&f.summary, SUMMARY.0, SUMMARY.1));
    let chain_code = super::chain(&mut errs, cat, &f.chain);
    let field = errs.take("field", clean_text(&f.field, FIELD.0, FIELD.1));
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let trl = super::trl(&mut errs, &f.trl);
    let mut patents = Vec::new();
    for raw in f
        .patents
        .split(LIST_SEPARATORS)
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match parse_patent(raw) {
            Some(p) if !patents.contains(&p) => patents.push(p),
            Some(_) => {}
            None => {
                let shown: String = raw.chars().take(30).collect();
                errs.push(
                    "patents",
                    format!("专利号“{shown}”格式不正确，应如 CN112345678B 或 ZL202010123456.7"),
                    format!(
                        "Patent number “{shown}” is not valid; write e.g. CN112345678B or ZL202010123456.7"
                    ),
                )
            }
        }
    }
    if patents.len() > MAX_PATENTS {
        errs.push(
            "patents",
            format!("最多填写 {MAX_PATENTS} 个专利号"),
            format!("At most {MAX_PATENTS} patent numbers"),
        );
    }
    let mut transfer_modes = Vec::new();
    for m in f.transfer_modes.iter().map(|m| m.trim()) {
        match TransferMode::parse(m) {
            Some(t) if !transfer_modes.contains(&t) => transfer_modes.push(t),
            Some(_) => {}
            None => {
                let shown: String = m.chars().take(30).collect();
                errs.push(
                    "transfer_modes",
                    format!("未知的转化方式“{shown}”"),
                    format!("Unknown transfer mode “{shown}”"),
                )
            }
        }
    }
    if f.transfer_modes.is_empty() {
        errs.push(
            "transfer_modes",
            "请至少选择一种转化方式",
            "Choose at least one transfer mode",
        );
    }
    let price_fen = if f.negotiable || is_negotiable_word(&f.price) {
        Some(None)
    } else {
        errs.take("price", Fen::parse_wan(&f.price))
            .map(|p| Some(p.fen()))
    };
    errs.finish()?;
    match (title, summary, chain_code, field, keywords, trl, price_fen) {
        (
            Some(title),
            Some(summary),
            Some(chain_code),
            Some(field),
            Some(keywords),
            Some(trl),
            Some(price_fen),
        ) => Ok(AchievementContent {
            title,
            summary,
            chain_code,
            field,
            keywords,
            trl,
            patents,
            transfer_modes,
            price_fen,
        }),
        _ => Err(AppError::Internal),
    }
}
