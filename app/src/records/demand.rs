//! A technical demand's content: the demand form, the demand import and the demo seeds.
use super::Catalog;
use crate::domain::demand::{IpPreference, Trl};
use crate::domain::money::{BudgetRange, Fen};
use crate::domain::text::{clean_text, parse_keywords};
use crate::domain::time::parse_deadline_date;
use crate::error::{AppError, Errors};
use crate::model::DemandForm;
use chrono::{DateTime, Utc};

pub const TITLE: (usize, usize) = (4, 80);
pub const DESCRIPTION: (usize, usize) = (10, 5000);
pub const FIELD: (usize, usize) = (2, 50);
pub const CONFIDENTIAL_MAX: usize = 5000;

/// What a demand says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandContent {
    pub title: String,
    pub description: String,
    pub chain_code: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub budget: BudgetRange,
    pub trl: Trl,
    pub deadline: DateTime<Utc>,
    pub ip: IpPreference,
    /// Empty when none was given.
    pub confidential: String,
}

/// Every problem at once, under the form's field names. `now` is the server clock's time, for
/// the deadline.
pub fn parse(
    f: &DemandForm,
    cat: &dyn Catalog,
    now: DateTime<Utc>,
) -> Result<DemandContent, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, TITLE.0, TITLE.1));
    let description = errs.take(
        "description",
        clean_text(&f.description, DESCRIPTION.0, DESCRIPTION.1),
    );
    let chain_code = super::chain(&mut errs, cat, &f.chain);
    let field = errs.take("field", clean_text(&f.field, FIELD.0, FIELD.1));
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let min = errs.take("budget_min", Fen::parse_wan(&f.budget_min));
    let max = errs.take("budget_max", Fen::parse_wan(&f.budget_max));
    let budget = match (min, max) {
        (Some(a), Some(b)) => errs.take("budget_max", BudgetRange::new(a, b)),
        _ => None,
    };
    let trl = super::trl(&mut errs, &f.trl);
    let deadline = errs.take("deadline", parse_deadline_date(&f.deadline, now));
    let ip = IpPreference::parse(f.ip_preference.trim());
    if ip.is_none() {
        let list = |zh: bool| {
            IpPreference::ALL
                .iter()
                .map(|p| {
                    let label = if zh { p.label_zh() } else { p.label_en() };
                    format!("{label} ({})", p.as_str())
                })
                .collect::<Vec<_>>()
                .join(if zh { "、" } else { ", " })
        };
        errs.push(
            "ip_preference",
            format!("请选择知识产权归属意向：{}", list(true)),
            format!("Choose an IP preference: {}", list(false)),
        );
    }
    let confidential = super::optional_text(
        &mut errs,
        "confidential_detail",
        &f.confidential_detail,
        CONFIDENTIAL_MAX,
    );
    errs.finish()?;
    match (
        title,
        description,
        chain_code,
        field,
        keywords,
        budget,
        trl,
        deadline,
        ip,
        confidential,
    ) {
        (
            Some(title),
            Some(description),
            Some(chain_code),
            Some(field),
            Some(keywords),
            Some(budget),
            Some(trl),
            Some(deadline),
            Some(ip),
            Some(confidential),
        ) => Ok(DemandContent {
            title,
            description,
            chain_code,
            field,
            keywords,
            budget,
            trl,
            deadline,
            ip,
            confidential,
        }),
        _ => Err(AppError::Internal),
    }
}
