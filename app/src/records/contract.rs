//! A technology contract's registration application (技术合同认定登记申请) as the applicant types
//! it, or as a registry sheet's row carries it. The applicant's own organization is the other
//! party; that it exists, and the links to demands, calls and achievements, the service checks.
use super::Catalog;
use crate::domain::contract::{
    check_rules, parse_amount, parse_date, ContractType, IpType, Place, PlanOrigin, Terms,
};
use crate::domain::credit_code::CreditCode;
use crate::domain::money::Fen;
use crate::domain::text::clean_text;
use crate::domain::OrgType;
use crate::error::{AppError, Errors};
use crate::model::ContractForm;
use chrono::NaiveDate;

pub const TITLE: (usize, usize) = (4, 100);
pub const NAME: (usize, usize) = (2, 100);
pub const FIELD: (usize, usize) = (2, 50);
pub const MAX_ITEMS: usize = 20;

/// Which party applies: the seller, or (for a technology import) the domestic buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Seller,
    Buyer,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Seller => "seller",
            Side::Buyer => "buyer",
        }
    }
    pub fn parse(s: &str) -> Option<Side> {
        match s.trim() {
            "seller" | "" => Some(Side::Seller),
            "buyer" => Some(Side::Buyer),
            _ => None,
        }
    }
}

/// The party on the other side of the applicant.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterpart {
    pub name: String,
    pub credit_code: Option<String>,
    pub org_type: OrgType,
    pub place: Place,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractContent {
    pub contract_type: ContractType,
    pub title: String,
    pub applicant_side: Side,
    pub counterpart: Counterpart,
    pub contract_amount: Fen,
    pub tech_amount: Fen,
    pub non_technical: Vec<(String, Fen)>,
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub chain_code: String,
    pub field: String,
    pub ip_type: IpType,
    pub plan_origin: PlanOrigin,
}

/// Every problem at once. `today` is Beijing's date by the server clock; `applicant_code` is
/// the applicant organization's credit code (the counterpart must be someone else).
pub fn parse(
    f: &ContractForm,
    cat: &dyn Catalog,
    today: NaiveDate,
    applicant_code: &str,
) -> Result<ContractContent, AppError> {
    let mut errs = Errors::default();
    let contract_type = ContractType::parse(&f.contract_type);
    if contract_type.is_none() {
        errs.push(
            "contract_type",
            "请选择合同类型（技术开发、转让、许可、咨询或服务）",
            "Choose the contract type (development, transfer, licence, consulting or service)",
        );
    }
    let title = errs.take("title", clean_text(&f.title, TITLE.0, TITLE.1));
    let applicant_side = Side::parse(&f.applicant_side);
    if applicant_side.is_none() {
        errs.push(
            "applicant_side",
            "请选择申请方是卖方还是（技术引进时的）买方",
            "Choose whether the applicant is the seller or (for an import) the buyer",
        );
    }
    let counterpart = party(
        &mut errs,
        "counterpart",
        PartyInput {
            name: &f.counterpart_name,
            credit_code: &f.counterpart_credit_code,
            org_type: &f.counterpart_type,
            region: &f.counterpart_region,
            place: &f.counterpart_place,
        },
        cat,
    );
    let contract_amount = errs.take("contract_amount", parse_amount(&f.contract_amount, true));
    let tech_amount = errs.take("tech_amount", parse_amount(&f.tech_amount, true));
    let non_technical = non_technical(&mut errs, &f.non_technical, true);
    let (signed_on, ends_on) = dates(&mut errs, &f.signed_on, &f.ends_on);
    let chain_code = super::chain(&mut errs, cat, &f.chain);
    let field = errs.take("field", clean_text(&f.field, FIELD.0, FIELD.1));
    let (ip_type, plan_origin) = ip_and_origin(&mut errs, &f.ip_type, &f.plan_origin);
    if let (Some(c), Some(t), Some(s), Some(e), Some(cp)) = (
        contract_amount,
        tech_amount,
        signed_on,
        ends_on,
        &counterpart,
    ) {
        let counterpart = cp.credit_code.clone().unwrap_or_default();
        for r in check_rules(
            &Terms {
                contract_amount: c,
                tech_amount: t,
                non_technical: &non_technical,
                signed_on: s,
                ends_on: e,
                buyer: &counterpart,
                seller: applicant_code,
            },
            today,
        ) {
            errs.push(r.field(), r.message_zh(), r.message_en());
        }
    }
    errs.finish()?;
    let (
        Some(contract_type),
        Some(title),
        Some(applicant_side),
        Some(counterpart),
        Some(contract_amount),
        Some(tech_amount),
        Some(signed_on),
        Some(ends_on),
        Some(chain_code),
        Some(field),
        Some(ip_type),
        Some(plan_origin),
    ) = (
        contract_type,
        title,
        applicant_side,
        counterpart,
        contract_amount,
        tech_amount,
        signed_on,
        ends_on,
        chain_code,
        field,
        ip_type,
        plan_origin,
    )
    else {
        return Err(AppError::Internal);
    };
    Ok(ContractContent {
        contract_type,
        title,
        applicant_side,
        counterpart,
        contract_amount,
        tech_amount,
        non_technical,
        signed_on,
        ends_on,
        chain_code,
        field,
        ip_type,
        plan_origin,
    })
}

/// One row of a registry's sheet of registered contracts (技术合同登记台账), as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryRow {
    pub registration_number: String,
    pub title: String,
    pub contract_type: String,
    pub seller_name: String,
    pub seller_credit_code: String,
    pub seller_type: String,
    pub seller_place: String,
    pub buyer_name: String,
    pub buyer_credit_code: String,
    pub buyer_type: String,
    pub buyer_place: String,
    pub contract_amount: String,
    pub tech_amount: String,
    pub non_technical: String,
    pub signed_on: String,
    pub ends_on: String,
    pub registered_on: String,
    pub chain: String,
    pub field: String,
    pub ip_type: String,
    pub plan_origin: String,
}

/// A registered contract read from a registry's sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredContent {
    pub registration_number: String,
    pub registered_on: NaiveDate,
    pub contract_type: ContractType,
    pub title: String,
    pub seller: Counterpart,
    pub buyer: Counterpart,
    pub contract_amount: Fen,
    pub tech_amount: Fen,
    pub non_technical: Vec<(String, Fen)>,
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub chain_code: String,
    pub field: String,
    pub ip_type: IpType,
    pub plan_origin: PlanOrigin,
}

/// A date as a sheet may carry it: as the forms read dates, or as an Excel day number (a date
/// cell saved without its format), from 2000 to 2099.
pub fn sheet_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        if (36_526..=73_050).contains(&n) {
            return NaiveDate::from_ymd_opt(1899, 12, 30)?
                .checked_add_signed(chrono::Duration::days(n));
        }
        return None;
    }
    parse_date(t)
}

/// Every problem of one sheet row at once, named by column. Amounts without a unit are yuan
/// (the sheet's columns say 元); `万` and `亿` are read. `chain` is a chain code (a link or a
/// whole chain). One of the parties must be in Nanning: the registry registers its own city's
/// contracts.
pub fn parse_registered(
    r: &RegistryRow,
    cat: &dyn Catalog,
    today: NaiveDate,
) -> Result<RegisteredContent, AppError> {
    let mut errs = Errors::default();
    let number = r.registration_number.trim().to_string();
    if !crate::domain::contract::valid_registration_number(&number) {
        errs.push(
            "registration_number",
            "登记编号应为 6–32 位字母、数字或连字符",
            "The registration number must be 6–32 letters, digits or hyphens",
        );
    }
    let contract_type = ContractType::parse(&r.contract_type);
    if contract_type.is_none() {
        errs.push(
            "contract_type",
            "合同类型应为：技术开发（委托）、技术开发（合作）、技术转让、技术许可、技术咨询或技术服务",
            "The contract type must be development (commissioned or cooperative), transfer, licence, consulting or service",
        );
    }
    let title = errs.take("title", clean_text(&r.title, TITLE.0, TITLE.1));
    let seller = party(
        &mut errs,
        "seller",
        PartyInput {
            name: &r.seller_name,
            credit_code: &r.seller_credit_code,
            org_type: &r.seller_type,
            region: "",
            place: &r.seller_place,
        },
        cat,
    );
    let buyer = party(
        &mut errs,
        "buyer",
        PartyInput {
            name: &r.buyer_name,
            credit_code: &r.buyer_credit_code,
            org_type: &r.buyer_type,
            region: "",
            place: &r.buyer_place,
        },
        cat,
    );
    if let (Some(s), Some(b)) = (&seller, &buyer) {
        let local = |p: &Counterpart| matches!(p.place, Place::Nanning { .. });
        if !local(s) && !local(b) {
            errs.push(
                "seller_place",
                "卖方或买方须有一方在南宁（本登记机构只登记本市的技术合同）",
                "The seller or the buyer must be in Nanning (this registry registers the city's contracts)",
            );
        }
        if s.credit_code.is_none() && b.credit_code.is_none() && s.name == b.name {
            errs.push(
                "buyer_name",
                "买方与卖方不能是同一单位",
                "The buyer and the seller cannot be the same organization",
            );
        }
    }
    let contract_amount = errs.take("contract_amount", parse_amount(&r.contract_amount, false));
    let tech_amount = errs.take("tech_amount", parse_amount(&r.tech_amount, false));
    let non_technical = non_technical(&mut errs, &r.non_technical, false);
    let signed_on = sheet_date(&r.signed_on);
    if signed_on.is_none() {
        errs.push(
            "signed_on",
            "签订日期格式应为 2026-03-01",
            "Write the signing date as 2026-03-01",
        );
    }
    let ends_on = if r.ends_on.trim().is_empty() {
        Some(None)
    } else {
        let d = sheet_date(&r.ends_on);
        if d.is_none() {
            errs.push(
                "ends_on",
                "有效期截止日格式应为 2027-03-01",
                "Write the end of the term as 2027-03-01",
            );
        }
        d.map(Some)
    };
    let registered_on = sheet_date(&r.registered_on);
    match (registered_on, signed_on) {
        (None, _) => errs.push(
            "registered_on",
            "登记日期格式应为 2026-03-01",
            "Write the registration date as 2026-03-01",
        ),
        (Some(d), _) if d > today => errs.push(
            "registered_on",
            "登记日期不能晚于今天",
            "The registration date cannot be after today",
        ),
        (Some(d), Some(s)) if d < s => errs.push(
            "registered_on",
            "登记日期不能早于签订日期",
            "The registration date cannot be before the signing date",
        ),
        _ => {}
    }
    let code = r.chain.trim();
    let chain_code = (cat.is_chain(code) || cat.is_top_chain(code)).then(|| code.to_string());
    if chain_code.is_none() {
        errs.push(
            "chain",
            "产业链应为平台产业链目录中的名称或代码",
            "The industry chain must be a name or code from the platform's list",
        );
    }
    let field = errs.take("field", clean_text(&r.field, FIELD.0, FIELD.1));
    let (ip_type, plan_origin) = ip_and_origin(&mut errs, &r.ip_type, &r.plan_origin);
    if let (Some(c), Some(t), Some(s), Some(e), Some(sp), Some(bp)) = (
        contract_amount,
        tech_amount,
        signed_on,
        ends_on,
        &seller,
        &buyer,
    ) {
        for rule in check_rules(
            &Terms {
                contract_amount: c,
                tech_amount: t,
                non_technical: &non_technical,
                signed_on: s,
                ends_on: e,
                buyer: bp.credit_code.as_deref().unwrap_or(""),
                seller: sp.credit_code.as_deref().unwrap_or(""),
            },
            today,
        ) {
            let field = match rule.field() {
                "counterpart_credit_code" => "buyer_credit_code",
                f => f,
            };
            errs.push(field, rule.message_zh(), rule.message_en());
        }
    }
    errs.finish()?;
    match (
        contract_type,
        title,
        seller,
        buyer,
        contract_amount,
        tech_amount,
        signed_on,
        ends_on,
        registered_on,
        chain_code,
        field,
        ip_type,
        plan_origin,
    ) {
        (
            Some(contract_type),
            Some(title),
            Some(seller),
            Some(buyer),
            Some(contract_amount),
            Some(tech_amount),
            Some(signed_on),
            Some(ends_on),
            Some(registered_on),
            Some(chain_code),
            Some(field),
            Some(ip_type),
            Some(plan_origin),
        ) => Ok(RegisteredContent {
            registration_number: number,
            registered_on,
            contract_type,
            title,
            seller,
            buyer,
            contract_amount,
            tech_amount,
            non_technical,
            signed_on,
            ends_on,
            chain_code,
            field,
            ip_type,
            plan_origin,
        }),
        _ => Err(AppError::Internal),
    }
}

/// One party as typed: on the form the other party (region and place from one list), on a
/// registry sheet either party (the place alone, the region told from it).
pub struct PartyInput<'a> {
    pub name: &'a str,
    pub credit_code: &'a str,
    pub org_type: &'a str,
    pub region: &'a str,
    pub place: &'a str,
}

/// Reads a party; problems are named `{prefix}_name`, `{prefix}_credit_code`, `{prefix}_type`
/// and `{prefix}_place`. A party in China needs its credit code; one abroad may leave it out.
pub fn party(
    errs: &mut Errors,
    prefix: &str,
    p: PartyInput,
    cat: &dyn Catalog,
) -> Option<Counterpart> {
    let f = |s: &str| format!("{prefix}_{s}");
    let name = errs.take(&f("name"), clean_text(p.name, NAME.0, NAME.1));
    let place = Place::from_parts(p.region, p.place, |d| cat.is_nanning(d));
    if place.is_none() {
        errs.push(
            &f("place"),
            "请选择所在地：南宁的县区、广西其他地区、其他省份，或境外国家/地区代码（如 VN）",
            "Choose where the party is: a Nanning district, elsewhere in Guangxi, another province, or a country code abroad (e.g. VN)",
        );
    }
    let abroad = matches!(place, Some(Place::Abroad { .. }));
    let code_text = p.credit_code.trim();
    let credit_code = if code_text.is_empty() && abroad {
        Some(None)
    } else if code_text.is_empty() {
        errs.push(
            &f("credit_code"),
            "境内单位须填写统一社会信用代码",
            "A party in China needs its unified social credit code",
        );
        None
    } else {
        errs.take(&f("credit_code"), CreditCode::parse(code_text))
            .map(|c| Some(c.as_str().to_string()))
    };
    let t = p.org_type.trim();
    let org_type = OrgType::parse(t).or_else(|| {
        OrgType::ALL
            .iter()
            .copied()
            .find(|o| o.label_zh() == t || o.label_en().eq_ignore_ascii_case(t))
    });
    if org_type.is_none() {
        errs.push(
            &f("type"),
            "请选择单位类型（企业、高校、科研院所、科技服务机构、政府部门）",
            "Choose the type of organization (enterprise, university, institute, service agency, government)",
        );
    }
    Some(Counterpart {
        name: name?,
        credit_code: credit_code?,
        org_type: org_type?,
        place: place?,
    })
}

/// Non-technical items, one per line as `item | amount`.
fn non_technical(errs: &mut Errors, text: &str, default_wan: bool) -> Vec<(String, Fen)> {
    let mut out = vec![];
    for (i, line) in text
        .lines()
        .flat_map(|l| l.split(['；', ';']))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i == MAX_ITEMS {
            errs.push(
                "non_technical",
                format!("非技术性款项最多 {MAX_ITEMS} 项"),
                format!("At most {MAX_ITEMS} non-technical items"),
            );
            break;
        }
        let (item, amount) = line.split_once(['|', '｜']).unwrap_or((line, ""));
        let item = clean_text(item, 1, 50);
        let amount = parse_amount(amount, default_wan);
        match (item, amount) {
            (Ok(n), Ok(a)) => out.push((n, a)),
            (Err(e), _) => errs.push(
                "non_technical",
                format!("第 {} 项名称：{}", i + 1, e.message_zh()),
                format!("Item {}, name: {}", i + 1, e.message_en()),
            ),
            (_, Err(e)) => errs.push(
                "non_technical",
                format!(
                    "第 {} 项金额（格式：名称 | 金额）：{}",
                    i + 1,
                    e.message_zh()
                ),
                format!(
                    "Item {}, amount (as `item | amount`): {}",
                    i + 1,
                    e.message_en()
                ),
            ),
        }
    }
    out
}

/// The signing date (required) and the end of the term (optional).
fn dates(
    errs: &mut Errors,
    signed: &str,
    ends: &str,
) -> (Option<NaiveDate>, Option<Option<NaiveDate>>) {
    let signed_on = parse_date(signed);
    if signed_on.is_none() {
        errs.push(
            "signed_on",
            "请填写签订日期（如 2026-03-01）",
            "Enter the signing date (e.g. 2026-03-01)",
        );
    }
    let ends_on = if ends.trim().is_empty() {
        Some(None)
    } else {
        match parse_date(ends) {
            Some(d) => Some(Some(d)),
            None => {
                errs.push(
                    "ends_on",
                    "有效期截止日格式应为 2027-03-01",
                    "Write the end of the term as 2027-03-01",
                );
                None
            }
        }
    };
    (signed_on, ends_on)
}

fn ip_and_origin(
    errs: &mut Errors,
    ip: &str,
    origin: &str,
) -> (Option<IpType>, Option<PlanOrigin>) {
    let ip_type = IpType::parse(ip);
    if ip_type.is_none() {
        errs.push(
            "ip_type",
            "请选择知识产权类型",
            "Choose the kind of intellectual property",
        );
    }
    let plan_origin = if origin.trim().is_empty() {
        Some(PlanOrigin::None)
    } else {
        PlanOrigin::parse(origin)
    };
    if plan_origin.is_none() {
        errs.push(
            "plan_origin",
            "请选择政府计划来源",
            "Choose the government plan the contract comes from",
        );
    }
    (ip_type, plan_origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Chain, District, RefData};

    fn refs() -> RefData {
        RefData {
            districts: vec![District {
                code: "qingxiu".into(),
                name_zh: "青秀区".into(),
                name_en: "Qingxiu".into(),
                kind: "district".into(),
                sort: 1,
            }],
            chains: vec![
                Chain {
                    code: "ev".into(),
                    parent_code: None,
                    name_zh: "新能源汽车".into(),
                    name_en: "EV".into(),
                    sort: 1,
                },
                Chain {
                    code: "ev.battery".into(),
                    parent_code: Some("ev".into()),
                    name_zh: "电池".into(),
                    name_en: "Battery".into(),
                    sort: 2,
                },
            ],
        }
    }

    fn code(body17: &str) -> String {
        let c = crate::domain::credit_code::compute_check_char(body17).unwrap();
        format!("{body17}{c}")
    }

    fn good() -> ContractForm {
        ContractForm {
            contract_type: "development_commissioned".into(),
            title: "动力电池热管理系统委托开发".into(),
            applicant_side: "seller".into(),
            counterpart_name: "南宁某汽车零部件有限公司".into(),
            counterpart_credit_code: code("91450100JBCNTR001"),
            counterpart_type: "enterprise".into(),
            counterpart_region: "nanning".into(),
            counterpart_place: "qingxiu".into(),
            contract_amount: "120".into(),
            tech_amount: "100".into(),
            non_technical: "测试设备 | 15\n材料 | 5万".into(),
            signed_on: "2026-03-01".into(),
            ends_on: "2027-02-28".into(),
            chain: "ev.battery".into(),
            field: "电池热管理".into(),
            ip_type: "technical_secret".into(),
            plan_origin: "".into(),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn fields_of(f: &ContractForm) -> Vec<String> {
        match parse(f, &refs(), today(), &code("12450100JBCNTR002")) {
            Ok(_) => vec![],
            Err(e) => e.field_errors().iter().map(|x| x.field.clone()).collect(),
        }
    }

    #[test]
    fn a_good_application_parses_in_fen_with_its_place() {
        let c = parse(&good(), &refs(), today(), &code("12450100JBCNTR002")).unwrap();
        assert_eq!(c.contract_amount, Fen(120 * 1_000_000));
        assert_eq!(c.tech_amount, Fen(100 * 1_000_000));
        assert_eq!(c.non_technical.len(), 2);
        assert_eq!(c.plan_origin, PlanOrigin::None);
        assert_eq!(
            c.counterpart.place.area(),
            crate::domain::contract::Area::Nanning
        );
    }

    #[test]
    fn each_bad_input_is_named_by_its_field() {
        let case = |edit: fn(&mut ContractForm)| {
            let mut f = good();
            edit(&mut f);
            fields_of(&f)
        };
        assert_eq!(
            case(|f| f.contract_type = "技术买卖".into()),
            vec!["contract_type"]
        );
        assert_eq!(case(|f| f.tech_amount = "130".into()), vec!["tech_amount"]);
        assert_eq!(
            case(|f| f.non_technical = "设备 | 10".into()),
            vec!["non_technical"]
        );
        assert_eq!(
            case(|f| f.non_technical = "设备 10万".into()),
            vec!["non_technical"]
        );
        assert_eq!(
            case(|f| f.contract_amount = "-120".into()),
            vec!["contract_amount"]
        );
        assert_eq!(
            case(|f| f.contract_amount = "0".into()),
            vec!["contract_amount"]
        );
        assert_eq!(
            case(|f| f.signed_on = "2027-01-01".into()),
            vec!["signed_on"]
        );
        assert_eq!(
            case(|f| f.signed_on = "1999-12-31".into()),
            vec!["signed_on"]
        );
        assert_eq!(case(|f| f.ends_on = "2025-01-01".into()), vec!["ends_on"]);
        assert_eq!(
            case(|f| f.counterpart_credit_code = code("12450100JBCNTR002")),
            vec!["counterpart_credit_code"],
            "the applicant cannot contract with itself"
        );
        assert_eq!(
            case(|f| f.counterpart_credit_code = String::new()),
            vec!["counterpart_credit_code"]
        );
        assert_eq!(
            case(|f| f.counterpart_place = "nowhere".into()),
            vec!["counterpart_place"]
        );
        assert_eq!(
            case(|f| f.chain = "ev".into()),
            vec!["chain"],
            "a link, not a chain"
        );
        // Abroad, the credit code may be left out.
        assert!(case(|f| {
            f.counterpart_region = "abroad".into();
            f.counterpart_place = "VN".into();
            f.counterpart_credit_code = String::new();
        })
        .is_empty());
        // Everything wrong at once: every field named.
        let all = fields_of(&ContractForm::default());
        for f in [
            "contract_type",
            "title",
            "counterpart_name",
            "counterpart_place",
            "counterpart_type",
            "contract_amount",
            "tech_amount",
            "signed_on",
            "chain",
            "field",
            "ip_type",
        ] {
            assert!(all.iter().any(|x| x == f), "{f} in {all:?}");
        }
    }
}
