//! An organization's registration details: the registration form, the organization import and
//! the demo seeds.
use super::Catalog;
use crate::domain::text::{clean_text, validate_phone};
use crate::domain::{CreditCode, OrgType};
use crate::error::{AppError, Errors};
use crate::model::OrgForm;

pub const NAME: (usize, usize) = (2, 100);
pub const CONTACT_NAME: (usize, usize) = (1, 50);

/// An organization as registered, validated (uniqueness of the credit code is the caller's).
#[derive(Debug, Clone, PartialEq)]
pub struct OrgContent {
    pub name: String,
    pub org_type: OrgType,
    pub credit_code: CreditCode,
    pub district_code: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Every problem at once, under the registration form's field names (the name is `org_name`).
pub fn parse(f: &OrgForm, cat: &dyn Catalog) -> Result<OrgContent, AppError> {
    let mut errs = Errors::default();
    let name = errs.take("org_name", clean_text(&f.name, NAME.0, NAME.1));
    let org_type = OrgType::parse(f.org_type.trim());
    if org_type.is_none() {
        let list = |zh: bool| {
            OrgType::ALL
                .iter()
                .map(|o| {
                    let label = if zh { o.label_zh() } else { o.label_en() };
                    format!("{label} ({})", o.as_str())
                })
                .collect::<Vec<_>>()
                .join(if zh { "、" } else { ", " })
        };
        errs.push(
            "org_type",
            format!("请选择机构类型：{}", list(true)),
            format!("Choose the organization type: {}", list(false)),
        );
    }
    let credit_code = errs.take("credit_code", CreditCode::parse(&f.credit_code));
    let district = f.district.trim();
    if !cat.is_district(district) {
        errs.push(
            "district",
            "请从列表中选择所在区域",
            "Choose a district from the list",
        );
    }
    let contact_name = errs.take(
        "contact_name",
        clean_text(&f.contact_name, CONTACT_NAME.0, CONTACT_NAME.1),
    );
    let contact_phone = errs.take("contact_phone", validate_phone(&f.contact_phone));
    errs.finish()?;
    match (name, org_type, credit_code, contact_name, contact_phone) {
        (
            Some(name),
            Some(org_type),
            Some(credit_code),
            Some(contact_name),
            Some(contact_phone),
        ) => Ok(OrgContent {
            name,
            org_type,
            credit_code,
            district_code: district.to_string(),
            contact_name,
            contact_phone,
        }),
        _ => Err(AppError::Internal),
    }
}
