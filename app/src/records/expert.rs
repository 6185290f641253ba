//! An expert profile's content: the profile form, the expert import and the demo seeds.
use crate::domain::text::{clean_text, parse_keywords};
use crate::error::{AppError, Errors};
use crate::model::ExpertForm;

pub const TITLE: (usize, usize) = (2, 30);
pub const BIO_MAX: usize = 2000;

/// What a profile says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertContent {
    pub title: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub bio: String,
    pub accepts_review: bool,
    pub is_public: bool,
}

/// Every problem at once, under the form's field names (the title is `pro_title`).
pub fn parse(f: &ExpertForm) -> Result<ExpertContent, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("pro_title", clean_text(&f.title, TITLE.0, TITLE.1));
    let fields = errs.take("fields", parse_keywords(&f.fields));
    if fields.as_ref().is_some_and(|v| v.is_empty()) {
        errs.push(
            "fields",
            "请至少填写一个专业领域",
            "Give at least one field of expertise",
        );
    }
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let bio = super::optional_text(&mut errs, "bio", &f.bio, BIO_MAX);
    errs.finish()?;
    match (title, fields, keywords, bio) {
        (Some(title), Some(fields), Some(keywords), Some(bio)) => Ok(ExpertContent {
            title,
            fields,
            keywords,
            bio,
            accepts_review: f.accepts_review,
            is_public: f.is_public,
        }),
        _ => Err(AppError::Internal),
    }
}
