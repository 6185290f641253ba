//! One parser per record kind. What a person types into a form, a row of an import file, a seed
//! and a REST import become through the same function, with the same limits and the same
//! messages in both languages. Pure (reference data comes in through [`Catalog`]), so the
//! browser can run the same checks.
//!
//! Each parser takes the form's shape (`model::DemandForm`, …) and reports problems under the
//! form's field names; the import maps them to its column names.
use crate::domain::demand::Trl;
use crate::error::Errors;
use crate::model::RefData;

pub mod account;
pub mod achievement;
pub mod bid;
pub mod call;
pub mod contract;
pub mod demand;
pub mod expert;
pub mod org;
pub mod task;

/// The reference data a record must name.
pub trait Catalog {
    /// An industry chain link (a chain with no links under it), the level records belong to.
    fn is_chain(&self, code: &str) -> bool;
    fn is_district(&self, code: &str) -> bool;
    /// A district or zone of Nanning itself (not "elsewhere in Guangxi", China or abroad).
    fn is_nanning(&self, code: &str) -> bool;
    /// A whole industry chain (the top level), which a registry's sheet may name instead of
    /// one of its links.
    fn is_top_chain(&self, _code: &str) -> bool {
        false
    }
}

impl Catalog for RefData {
    fn is_chain(&self, code: &str) -> bool {
        self.chains.iter().any(|c| c.code == code)
            && !self
                .chains
                .iter()
                .any(|c| c.parent_code.as_deref() == Some(code))
    }
    fn is_district(&self, code: &str) -> bool {
        self.districts.iter().any(|d| d.code == code)
    }
    fn is_nanning(&self, code: &str) -> bool {
        self.districts
            .iter()
            .any(|d| d.code == code && d.kind != "outside")
    }
    fn is_top_chain(&self, code: &str) -> bool {
        self.chains
            .iter()
            .any(|c| c.code == code && c.parent_code.is_none())
    }
}

/// The same reference data as sets, for checking many records (an import file) quickly.
#[derive(Debug, Clone, Default)]
pub struct RefSets {
    chains: std::collections::HashSet<String>,
    districts: std::collections::HashSet<String>,
    nanning: std::collections::HashSet<String>,
    tops: std::collections::HashSet<String>,
}

impl From<&RefData> for RefSets {
    fn from(r: &RefData) -> Self {
        Self {
            chains: r
                .chains
                .iter()
                .filter(|c| r.is_chain(&c.code))
                .map(|c| c.code.clone())
                .collect(),
            districts: r.districts.iter().map(|d| d.code.clone()).collect(),
            nanning: r
                .districts
                .iter()
                .filter(|d| d.kind != "outside")
                .map(|d| d.code.clone())
                .collect(),
            tops: r
                .chains
                .iter()
                .filter(|c| c.parent_code.is_none())
                .map(|c| c.code.clone())
                .collect(),
        }
    }
}

impl Catalog for RefSets {
    fn is_chain(&self, code: &str) -> bool {
        self.chains.contains(code)
    }
    fn is_district(&self, code: &str) -> bool {
        self.districts.contains(code)
    }
    fn is_nanning(&self, code: &str) -> bool {
        self.nanning.contains(code)
    }
    fn is_top_chain(&self, code: &str) -> bool {
        self.tops.contains(code)
    }
}

/// The industry chain field, shared by demands and achievements.
pub(crate) fn chain(errs: &mut Errors, cat: &dyn Catalog, code: &str) -> Option<String> {
    let code = code.trim();
    if cat.is_chain(code) {
        return Some(code.to_string());
    }
    errs.push(
        "chain",
        "请从列表中选择产业链环节",
        "Choose an industry chain link from the list",
    );
    None
}

/// A readiness level typed as a whole number.
pub(crate) fn trl(errs: &mut Errors, input: &str) -> Option<Trl> {
    match input.trim().parse::<u8>() {
        Ok(n) => errs.take("trl", Trl::new(n)),
        Err(_) => {
            errs.push(
                "trl",
                "请选择 1–9 的技术成熟度",
                "Choose a readiness level from 1 to 9",
            );
            None
        }
    }
}

/// An optional text: empty stays empty, anything else is cleaned within `max`.
pub(crate) fn optional_text(
    errs: &mut Errors,
    field: &str,
    input: &str,
    max: usize,
) -> Option<String> {
    if input.trim().is_empty() {
        Some(String::new())
    } else {
        errs.take(field, crate::domain::text::clean_text(input, 1, max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use crate::model::{AchievementForm, Chain, DemandForm, District, OrgForm};
    use chrono::{TimeZone, Utc};

    fn refs() -> RefData {
        let chain = |code: &str, parent: Option<&str>| Chain {
            code: code.into(),
            parent_code: parent.map(String::from),
            name_zh: code.into(),
            name_en: code.into(),
            sort: 0,
        };
        RefData {
            districts: vec![District {
                code: "qingxiu".into(),
                name_zh: "青秀区".into(),
                name_en: "Qingxiu".into(),
                kind: "district".into(),
                sort: 0,
            }],
            chains: vec![chain("agri", None), chain("agri.sugar", Some("agri"))],
        }
    }

    fn fields(r: Result<impl std::fmt::Debug, AppError>) -> Vec<String> {
        match r {
            Err(AppError::Validation(v)) => v.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn demand() -> DemandForm {
        DemandForm {
            title: "甘蔗收获机断尾率".into(),
            description: "现有甘蔗收获机在丘陵地块断尾率偏高，需要改进。".into(),
            chain: "agri.sugar".into(),
            field: "农业机械".into(),
            keywords: "甘蔗，收获机".into(),
            budget_min: "50".into(),
            budget_max: "120".into(),
            trl: "6".into(),
            deadline: "2027-06-30".into(),
            ip_preference: "negotiable".into(),
            confidential_detail: String::new(),
        }
    }

    fn achievement() -> AchievementForm {
        AchievementForm {
            title: "香蕉枯萎病生防菌剂".into(),
            summary: "筛选获得对香蕉枯萎病拮抗效果显著的芽孢杆菌菌株，田间防效达 70%。".into(),
            chain: "agri.sugar".into(),
            field: "植物保护".into(),
            keywords: "香蕉".into(),
            trl: "6".into(),
            patents: String::new(),
            transfer_modes: vec!["license".into()],
            price: "50".into(),
            negotiable: false,
        }
    }

    #[test]
    fn records_belong_to_a_chain_link_not_to_a_whole_chain() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let r = refs();
        assert!(demand::parse(&demand(), &r, now).is_ok());
        for chain in ["agri", "", "agri.unknown"] {
            let mut f = demand();
            f.chain = chain.into();
            assert_eq!(fields(demand::parse(&f, &r, now)), ["chain"], "{chain}");
            let mut a = achievement();
            a.chain = chain.into();
            assert_eq!(fields(achievement::parse(&a, &r)), ["chain"], "{chain}");
        }
        // The sets an import uses say the same.
        let sets = RefSets::from(&r);
        assert!(sets.is_chain("agri.sugar") && !sets.is_chain("agri"));
    }

    #[test]
    fn every_demand_problem_is_reported_at_once() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let mut f = demand();
        f.title = "短".into();
        f.budget_min = "12.5万".into();
        f.deadline = "2026-11-30".into();
        f.ip_preference = "mine".into();
        f.trl = "十".into();
        let got = fields(demand::parse(&f, &refs(), now));
        for want in ["title", "budget_min", "deadline", "ip_preference", "trl"] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
    }

    #[test]
    fn patents_are_normalized_deduplicated_and_capped() {
        let r = refs();
        let mut a = achievement();
        a.patents = "CN112345678B，cn 112345678 b；ZL202010123456.7".into();
        let c = achievement::parse(&a, &r).unwrap();
        assert_eq!(c.patents.len(), 2, "{:?}", c.patents);
        a.patents = (0..51)
            .map(|i| format!("CN1123456{i:02}B"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(fields(achievement::parse(&a, &r)), ["patents"]);
        a.patents = "US1234567".into();
        assert_eq!(fields(achievement::parse(&a, &r)), ["patents"]);
    }

    #[test]
    fn the_price_is_negotiable_by_checkbox_or_by_the_word() {
        let r = refs();
        for (price, box_ticked) in [("面议", false), ("Negotiable", false), ("99", true)] {
            let mut a = achievement();
            a.price = price.into();
            a.negotiable = box_ticked;
            assert_eq!(
                achievement::parse(&a, &r).unwrap().price_fen,
                None,
                "{price}"
            );
        }
        let mut a = achievement();
        a.price = "五十".into();
        assert_eq!(fields(achievement::parse(&a, &r)), ["price"]);
    }

    #[test]
    fn an_organization_type_error_names_the_codes_a_file_may_use() {
        let f = OrgForm {
            name: "南宁测试公司".into(),
            org_type: "pirate".into(),
            credit_code: "91450100JBEX000010".into(),
            district: "atlantis".into(),
            contact_name: "张三".into(),
            contact_phone: "0771-5550001".into(),
        };
        match org::parse(&f, &refs()) {
            Err(AppError::Validation(v)) => {
                let t = v.iter().find(|e| e.field == "org_type").unwrap();
                assert!(t.zh.contains("企业 (enterprise)"), "{}", t.zh);
                assert!(t.en.contains("university"), "{}", t.en);
                assert!(v.iter().any(|e| e.field == "district"));
            }
            other => panic!("{other:?}"),
        }
    }
}
