//! Technology contracts (技术合同) and their registration (认定登记): the contract types of the
//! Civil Code's chapter 20, the classifications the statistics break turnover down by, the
//! registration state machine, and the amount rules (技术交易额 ≤ 合同成交额, both in fen).
use super::money::{Fen, MoneyError};
use super::text::fullwidth_to_ascii;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 技术开发 (委托 / 合作), 技术转让, 技术许可, 技术咨询, 技术服务.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    DevelopmentCommissioned,
    DevelopmentCooperative,
    Transfer,
    Licence,
    Consulting,
    Service,
}

/// The kind of intellectual property a contract is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IpType {
    Patent,
    SoftwareCopyright,
    TechnicalSecret,
    PlantVariety,
    Other,
}

/// The government science plan a contract comes from (政府计划来源), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanOrigin {
    None,
    National,
    Provincial,
    Municipal,
}

/// One closed list of codes with labels in both languages, parsed from its code or from either
/// label (registry spreadsheets carry the Chinese names).
macro_rules! coded {
    ($t:ident { $($v:ident => $code:literal, $zh:literal, $en:literal;)* }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $code),* }
            }
            pub fn label_zh(self) -> &'static str {
                match self { $($t::$v => $zh),* }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($t::$v => $en),* }
            }
            /// By code, Chinese or English label (trimmed, case-insensitive for ASCII).
            pub fn parse(s: &str) -> Option<$t> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| {
                    v.as_str() == s || v.label_zh() == s || v.label_en().eq_ignore_ascii_case(s)
                })
            }
        }
    };
}

pub(crate) use coded;

coded!(ContractType {
    DevelopmentCommissioned => "development_commissioned", "技术开发（委托）", "Development (commissioned)";
    DevelopmentCooperative => "development_cooperative", "技术开发（合作）", "Development (cooperative)";
    Transfer => "transfer", "技术转让", "Transfer";
    Licence => "licence", "技术许可", "Licence";
    Consulting => "consulting", "技术咨询", "Consulting";
    Service => "service", "技术服务", "Service";
});

coded!(IpType {
    Patent => "patent", "专利", "Patent";
    SoftwareCopyright => "software_copyright", "计算机软件著作权", "Software copyright";
    TechnicalSecret => "technical_secret", "技术秘密", "Technical secret";
    PlantVariety => "plant_variety", "植物新品种", "New plant variety";
    Other => "other", "其他", "Other";
});

coded!(PlanOrigin {
    None => "none", "无", "None";
    National => "national", "国家级计划", "National plan";
    Provincial => "provincial", "省部级计划", "Provincial plan";
    Municipal => "municipal", "市级计划", "Municipal plan";
});

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Draft,
    /// 申请认定登记: waiting for a clerk.
    Submitted,
    /// 补正: returned to the applicant with a reason; the clock restarts on resubmission.
    Returned,
    /// 受理: a clerk is examining it.
    Accepted,
    /// Sent for expert review (技术交易额 ≥ ¥5m, or disputed).
    ExpertReview,
    /// 登记: it has a registration number and counts in the statistics.
    Registered,
    /// 不予登记.
    Refused,
    /// 注销.
    Cancelled,
    /// The applicant gave up before a decision.
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractAction {
    Submit,
    Receive,
    Return,
    SendToExperts,
    Register,
    Refuse,
    Cancel,
    Withdraw,
}

impl ContractStatus {
    pub const ALL: &'static [ContractStatus] = &[
        Self::Draft,
        Self::Submitted,
        Self::Returned,
        Self::Accepted,
        Self::ExpertReview,
        Self::Registered,
        Self::Refused,
        Self::Cancelled,
        Self::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
            Self::ExpertReview => "expert_review",
            Self::Registered => "registered",
            Self::Refused => "refused",
            Self::Cancelled => "cancelled",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已申请",
            Self::Returned => "待补正",
            Self::Accepted => "已受理",
            Self::ExpertReview => "专家评审中",
            Self::Registered => "已登记",
            Self::Refused => "不予登记",
            Self::Cancelled => "已注销",
            Self::Withdrawn => "已撤回",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Applied",
            Self::Returned => "Returned for correction",
            Self::Accepted => "Accepted for examination",
            Self::ExpertReview => "In expert review",
            Self::Registered => "Registered",
            Self::Refused => "Refused",
            Self::Cancelled => "Cancelled",
            Self::Withdrawn => "Withdrawn",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Draft | Self::Withdrawn => "grey",
            Self::Submitted | Self::Accepted => "blue",
            Self::Returned | Self::ExpertReview => "orange",
            Self::Registered => "green",
            Self::Refused | Self::Cancelled => "red",
        }
    }
}

impl ContractAction {
    pub const ALL: &'static [ContractAction] = &[
        Self::Submit,
        Self::Receive,
        Self::Return,
        Self::SendToExperts,
        Self::Register,
        Self::Refuse,
        Self::Cancel,
        Self::Withdraw,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Receive => "receive",
            Self::Return => "return",
            Self::SendToExperts => "send_to_experts",
            Self::Register => "register",
            Self::Refuse => "refuse",
            Self::Cancel => "cancel",
            Self::Withdraw => "withdraw",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submit => "申请认定登记",
            Self::Receive => "受理",
            Self::Return => "退回补正",
            Self::SendToExperts => "提交专家评审",
            Self::Register => "登记",
            Self::Refuse => "不予登记",
            Self::Cancel => "注销",
            Self::Withdraw => "撤回申请",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submit => "Apply for registration",
            Self::Receive => "Accept for examination",
            Self::Return => "Return for correction",
            Self::SendToExperts => "Send to expert review",
            Self::Register => "Register",
            Self::Refuse => "Refuse",
            Self::Cancel => "Cancel the registration",
            Self::Withdraw => "Withdraw the application",
        }
    }
    /// Whether the applicant (not a clerk) takes this action.
    pub fn by_applicant(self) -> bool {
        matches!(self, Self::Submit | Self::Withdraw)
    }
}

pub type ContractTransitionError =
    super::lifecycle::TransitionError<ContractStatus, ContractAction>;

crate::status_labelled!(ContractStatus);
crate::labelled!(ContractAction);

pub struct ContractLifecycle;

impl super::lifecycle::Lifecycle for ContractLifecycle {
    type Status = ContractStatus;
    type Action = ContractAction;
    const ENTITY: &'static str = "contract";
    const NOUN_ZH: &'static str = "技术合同";
    const NOUN_EN: &'static str = "technology contract";
    fn transition(
        from: ContractStatus,
        action: ContractAction,
    ) -> Result<ContractStatus, ContractTransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: ContractAction) -> bool {
        matches!(
            action,
            ContractAction::Return | ContractAction::Refuse | ContractAction::Cancel
        )
    }
    /// Contracts are confidential to their parties and clerks; the public sees aggregates.
    fn is_public(_: ContractStatus) -> bool {
        false
    }
    fn publishes(_: ContractStatus) -> bool {
        false
    }
    fn is_editable(status: ContractStatus) -> bool {
        matches!(status, ContractStatus::Draft | ContractStatus::Returned)
    }
}

pub fn transition(
    from: ContractStatus,
    action: ContractAction,
) -> Result<ContractStatus, ContractTransitionError> {
    use ContractAction as A;
    use ContractStatus as S;
    Ok(match (from, action) {
        (S::Draft | S::Returned, A::Submit) => S::Submitted,
        (S::Submitted, A::Receive) => S::Accepted,
        (S::Submitted | S::Accepted, A::Return) => S::Returned,
        (S::Accepted, A::SendToExperts) => S::ExpertReview,
        (S::Accepted | S::ExpertReview, A::Register) => S::Registered,
        (S::Accepted | S::ExpertReview, A::Refuse) => S::Refused,
        (S::Registered, A::Cancel) => S::Cancelled,
        (S::Draft | S::Submitted | S::Returned, A::Withdraw) => S::Withdrawn,
        _ => return Err(ContractTransitionError { from, action }),
    })
}

/// What one winner of a 揭榜挂帅 call is paid, the amount of the 技术开发 contract drafted from
/// the award: an equal share of the call's funding (city and enterprise together, rounded down
/// to the fen), never more than the winner's bid asked for. Zero when there is nothing to pay.
pub fn award_amount(city_fen: i64, enterprise_fen: i64, winners: u32, bid_budget_fen: i64) -> Fen {
    let total = city_fen.max(0).saturating_add(enterprise_fen.max(0));
    let share = total / i64::from(winners.max(1));
    Fen(share.min(bid_budget_fen.max(0)))
}

/// 技术交易额 from which a contract goes to expert review before it is registered: ¥5m.
pub const EXPERT_REVIEW_FROM: Fen = Fen(5_000_000 * 100);

/// Whether a contract with this 技术交易额 must pass expert review before registration.
pub fn needs_expert_review(tech_amount: Fen) -> bool {
    tech_amount >= EXPERT_REVIEW_FROM
}

/// Parses an amount as registry clerks and applicants write it: ASCII or full-width digits,
/// thousands separators in threes, an optional `¥`/`￥` in front and an optional unit behind
/// (`元`, `万`/`万元`, `亿`/`亿元`); without a unit, `default_wan` decides (the form's field
/// says which: 万元 or 元). The amount must be above zero and fit in i64 fen.
pub fn parse_amount(input: &str, default_wan: bool) -> Result<Fen, MoneyError> {
    let s = fullwidth_to_ascii(input);
    let s = s.trim();
    let s = s
        .strip_prefix('¥')
        .or_else(|| s.strip_prefix('￥'))
        .or_else(|| s.strip_prefix("RMB"))
        .or_else(|| s.strip_prefix("CNY"))
        .unwrap_or(s)
        .trim();
    let (number, unit) = if let Some(n) = s.strip_suffix("亿元").or_else(|| s.strip_suffix('亿'))
    {
        (n, 100_000_000i64)
    } else if let Some(n) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万')) {
        (n, 10_000)
    } else if let Some(n) = s.strip_suffix('元') {
        (n, 1)
    } else if default_wan {
        (s, 10_000)
    } else {
        (s, 1)
    };
    let max_decimals = if unit == 1 { 2 } else { 6 };
    // The number in millionths (what `parse_wan` reads: up to 6 decimals, exactly).
    let millionths = Fen::parse_wan(number.trim()).map_err(|e| match e {
        MoneyError::TooManyDecimals { .. } => MoneyError::TooManyDecimals { max: max_decimals },
        MoneyError::NotANumber => MoneyError::NotAnAmount,
        e => e,
    })?;
    // fen = number × unit × 100 = millionths × unit / 10^4, which must be whole.
    let scaled = i128::from(millionths.0) * i128::from(unit);
    if scaled % 10_000 != 0 {
        return Err(MoneyError::TooManyDecimals { max: max_decimals });
    }
    let fen = i64::try_from(scaled / 10_000).map_err(|_| MoneyError::TooLarge)?;
    if fen == 0 {
        return Err(MoneyError::NotPositive);
    }
    Ok(Fen(fen))
}

/// Why a contract's amounts or dates do not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractRuleError {
    /// 技术交易额 above 合同成交额.
    TechAboveContract,
    /// The non-technical items do not add up to 成交额 − 交易额.
    NonTechnicalMismatch {
        expected: Fen,
        listed: Fen,
    },
    SignedInFuture,
    SignedBefore2000,
    EndsBeforeSigning,
    SameParty,
}

impl ContractRuleError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::TechAboveContract => "tech_amount",
            Self::NonTechnicalMismatch { .. } => "non_technical",
            Self::SignedInFuture | Self::SignedBefore2000 => "signed_on",
            Self::EndsBeforeSigning => "ends_on",
            Self::SameParty => "counterpart_credit_code",
        }
    }
    pub fn message_zh(&self) -> String {
        match self {
            Self::TechAboveContract => "技术交易额不能超过合同成交额".into(),
            Self::NonTechnicalMismatch { expected, listed } => format!(
                "非技术性款项合计 {} 万元，应等于合同成交额减技术交易额 {} 万元",
                listed.format_wan(),
                expected.format_wan()
            ),
            Self::SignedInFuture => "签订日期不能晚于今天".into(),
            Self::SignedBefore2000 => "签订日期不能早于 2000 年".into(),
            Self::EndsBeforeSigning => "合同有效期截止日不能早于签订日期".into(),
            Self::SameParty => "买方与卖方不能是同一单位".into(),
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            Self::TechAboveContract => {
                "The technology transaction amount cannot exceed the contract amount".into()
            }
            Self::NonTechnicalMismatch { expected, listed } => format!(
                "The non-technical items add up to {} ten-thousand yuan; they must equal the contract amount minus the technology amount, {}",
                listed.format_wan(),
                expected.format_wan()
            ),
            Self::SignedInFuture => "The signing date cannot be in the future".into(),
            Self::SignedBefore2000 => "The signing date cannot be before 2000".into(),
            Self::EndsBeforeSigning => "The contract's term cannot end before it is signed".into(),
            Self::SameParty => "The buyer and the seller cannot be the same organization".into(),
        }
    }
}

/// What the rules look at in a contract.
pub struct Terms<'a> {
    pub contract_amount: Fen,
    pub tech_amount: Fen,
    /// The non-technical items (equipment, materials, …) with their amounts.
    pub non_technical: &'a [(String, Fen)],
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The parties' credit codes (or names, for parties without one).
    pub buyer: &'a str,
    pub seller: &'a str,
}

/// The rules every contract keeps, wherever it comes from (form, import, seed): amounts,
/// non-technical items (when listed, they account for the whole difference), dates (`today`
/// in Beijing), parties.
pub fn check_rules(t: &Terms, today: NaiveDate) -> Vec<ContractRuleError> {
    let Terms {
        contract_amount,
        tech_amount,
        non_technical,
        signed_on,
        ends_on,
        buyer,
        seller,
    } = *t;
    let mut errs = vec![];
    if tech_amount > contract_amount {
        errs.push(ContractRuleError::TechAboveContract);
    } else if !non_technical.is_empty() {
        let listed = non_technical
            .iter()
            .try_fold(0i64, |acc, (_, f)| acc.checked_add(f.0))
            .unwrap_or(i64::MAX);
        let expected = contract_amount.0 - tech_amount.0;
        if listed != expected {
            errs.push(ContractRuleError::NonTechnicalMismatch {
                expected: Fen(expected),
                listed: Fen(listed),
            });
        }
    }
    if signed_on > today {
        errs.push(ContractRuleError::SignedInFuture);
    }
    if signed_on < NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date") {
        errs.push(ContractRuleError::SignedBefore2000);
    }
    if ends_on.is_some_and(|e| e < signed_on) {
        errs.push(ContractRuleError::EndsBeforeSigning);
    }
    if !buyer.trim().is_empty() && buyer.trim().eq_ignore_ascii_case(seller.trim()) {
        errs.push(ContractRuleError::SameParty);
    }
    errs
}

/// A registration number: the year, Nanning's administrative code 450100 and a six-digit
/// sequence within the year, e.g. `2026450100000123`.
pub fn registration_number(year: i32, seq: u32) -> String {
    format!("{year}450100{seq:06}")
}

/// Whether an imported registration number is acceptable: 6–32 ASCII letters, digits or `-`.
/// The year and sequence of a number in this registry's own format (`2026450100000001`).
pub fn own_registration_seq(s: &str) -> Option<(i32, u32)> {
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_digit()) || &s[4..10] != "450100" {
        return None;
    }
    Some((s[..4].parse().ok()?, s[10..].parse().ok()?))
}

pub fn valid_registration_number(s: &str) -> bool {
    (6..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Where a party to a contract is, as the flow statistics need it (输出 / 吸纳; within Guangxi,
/// the rest of China, abroad with ASEAN apart).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "region", rename_all = "snake_case")]
pub enum Place {
    /// In Nanning, in one of its districts or zones (the reference data's codes).
    Nanning { district: String },
    /// Elsewhere in Guangxi.
    Guangxi,
    /// Another province of China (by its name, from [`PROVINCES`]).
    Domestic { province: String },
    /// Abroad, by ISO 3166 alpha-2 code.
    Abroad { country: String },
}

/// Provincial-level divisions other than Guangxi.
pub const PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
];

/// The ten ASEAN members, by ISO code.
pub const ASEAN: &[&str] = &["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"];

/// Countries a counterpart abroad is most often in: ASEAN first, then the usual partners.
pub const COUNTRY_NAMES: &[(&str, &str, &str)] = &[
    ("VN", "越南", "Vietnam"),
    ("TH", "泰国", "Thailand"),
    ("MY", "马来西亚", "Malaysia"),
    ("SG", "新加坡", "Singapore"),
    ("ID", "印度尼西亚", "Indonesia"),
    ("PH", "菲律宾", "Philippines"),
    ("LA", "老挝", "Laos"),
    ("KH", "柬埔寨", "Cambodia"),
    ("MM", "缅甸", "Myanmar"),
    ("BN", "文莱", "Brunei"),
    ("US", "美国", "United States"),
    ("DE", "德国", "Germany"),
    ("JP", "日本", "Japan"),
    ("KR", "韩国", "South Korea"),
    ("GB", "英国", "United Kingdom"),
    ("FR", "法国", "France"),
    ("RU", "俄罗斯", "Russia"),
    ("AU", "澳大利亚", "Australia"),
];

/// Where a counterpart is, for the flow breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Nanning,
    Guangxi,
    Domestic,
    Asean,
    Abroad,
}

impl Place {
    pub fn area(&self) -> Area {
        match self {
            Place::Nanning { .. } => Area::Nanning,
            Place::Guangxi => Area::Guangxi,
            Place::Domestic { .. } => Area::Domestic,
            Place::Abroad { country } if ASEAN.contains(&country.as_str()) => Area::Asean,
            Place::Abroad { .. } => Area::Abroad,
        }
    }
    /// The region code a form and a table column carry: `nanning`, `guangxi`, `domestic`,
    /// `abroad`.
    pub fn region(&self) -> &'static str {
        match self {
            Place::Nanning { .. } => "nanning",
            Place::Guangxi => "guangxi",
            Place::Domestic { .. } => "domestic",
            Place::Abroad { .. } => "abroad",
        }
    }
    /// The district, province or country beside the region ("" for elsewhere in Guangxi).
    pub fn detail(&self) -> &str {
        match self {
            Place::Nanning { district } => district,
            Place::Guangxi => "",
            Place::Domestic { province } => province,
            Place::Abroad { country } => country,
        }
    }
    /// Reads a region and its detail back; `is_district` names Nanning's district codes. An
    /// empty region is told from the detail (a district code, `guangxi`, a province, a country
    /// code), as the form's one location list and registry sheets give it.
    pub fn from_parts(
        region: &str,
        detail: &str,
        is_district: impl Fn(&str) -> bool,
    ) -> Option<Place> {
        let detail = detail.trim();
        if region.trim().is_empty() {
            let inferred = if is_district(detail) {
                "nanning"
            } else if detail == "guangxi" || detail.starts_with("广西") {
                "guangxi"
            } else if PROVINCES.iter().any(|p| detail.starts_with(p)) {
                "domestic"
            } else {
                "abroad"
            };
            return Place::from_parts(inferred, detail, is_district);
        }
        match region.trim() {
            "nanning" if is_district(detail) => Some(Place::Nanning {
                district: detail.to_string(),
            }),
            "guangxi" => Some(Place::Guangxi),
            "domestic" => {
                PROVINCES
                    .iter()
                    .find(|p| detail.starts_with(**p))
                    .map(|p| Place::Domestic {
                        province: p.to_string(),
                    })
            }
            "abroad" => {
                let c = detail.to_ascii_uppercase();
                (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) && c != "CN")
                    .then_some(Place::Abroad { country: c })
            }
            _ => None,
        }
    }
}

/// A date as forms (`2026-03-01`) and registry sheets (`2026/3/1`, `2026年3月1日`, `20260301`)
/// write it.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = fullwidth_to_ascii(s);
    let t = t.trim().trim_end_matches('日');
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let norm: String = t
        .chars()
        .map(|c| {
            if matches!(c, '/' | '.' | '年' | '月') {
                '-'
            } else {
                c
            }
        })
        .collect();
    NaiveDate::parse_from_str(&norm, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_winner_is_paid_its_share_of_the_funding_at_most_what_it_asked() {
        // ¥8m city + ¥2m enterprise for two teams: ¥5m each, unless a team asked for less.
        let wan = |w: i64| w * 1_000_000;
        assert_eq!(award_amount(wan(800), wan(200), 2, wan(600)), Fen(wan(500)));
        assert_eq!(award_amount(wan(800), wan(200), 2, wan(450)), Fen(wan(450)));
        assert_eq!(award_amount(wan(1000), 0, 1, wan(1000)), Fen(wan(1000)));
        // Three winners of 100 fen: 33 fen each, the fen left over is nobody's.
        assert_eq!(award_amount(100, 0, 3, 1_000), Fen(33));
        // Nothing to share, or a nonsensical count of winners.
        assert_eq!(award_amount(0, 0, 2, wan(10)), Fen(0));
        assert_eq!(award_amount(wan(10), 0, 0, wan(10)), Fen(wan(10)));
        assert_eq!(award_amount(i64::MAX, i64::MAX, 1, i64::MAX), Fen(i64::MAX));
    }
    use ContractAction as A;
    use ContractStatus as S;

    const LEGAL: &[(ContractStatus, ContractAction, ContractStatus)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Returned, A::Submit, S::Submitted),
        (S::Submitted, A::Receive, S::Accepted),
        (S::Submitted, A::Return, S::Returned),
        (S::Accepted, A::Return, S::Returned),
        (S::Accepted, A::SendToExperts, S::ExpertReview),
        (S::Accepted, A::Register, S::Registered),
        (S::ExpertReview, A::Register, S::Registered),
        (S::Accepted, A::Refuse, S::Refused),
        (S::ExpertReview, A::Refuse, S::Refused),
        (S::Registered, A::Cancel, S::Cancelled),
        (S::Draft, A::Withdraw, S::Withdrawn),
        (S::Submitted, A::Withdraw, S::Withdrawn),
        (S::Returned, A::Withdraw, S::Withdrawn),
    ];

    #[test]
    fn every_status_and_action_pair_is_legal_exactly_when_listed() {
        for &from in ContractStatus::ALL {
            for &action in ContractAction::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                match (transition(from, action), expected) {
                    (Ok(to), Some(e)) => assert_eq!(to, e, "{from:?} {action:?}"),
                    (Err(err), None) => {
                        assert_eq!((err.from, err.action), (from, action));
                        assert!(err.message_zh().contains(from.label_zh()));
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn codes_and_labels_read_back() {
        for t in ContractType::ALL {
            assert_eq!(ContractType::parse(t.as_str()), Some(*t));
            assert_eq!(ContractType::parse(t.label_zh()), Some(*t));
            assert_eq!(ContractType::parse(&t.label_en().to_uppercase()), Some(*t));
        }
        assert_eq!(IpType::parse(" 专利 "), Some(IpType::Patent));
        assert_eq!(PlanOrigin::parse("市级计划"), Some(PlanOrigin::Municipal));
        assert_eq!(ContractType::parse("技术买卖"), None);
        for s in ContractStatus::ALL {
            assert_eq!(ContractStatus::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn amounts_accept_the_ways_people_write_them_and_refuse_the_rest() {
        let ok = |s: &str, wan: bool| parse_amount(s, wan).unwrap().0;
        assert_eq!(ok("1,200,000", false), 120_000_000);
        assert_eq!(
            ok("１２０万", false),
            120_000_000,
            "full-width digits and a unit"
        );
        assert_eq!(ok("120万元", false), 120_000_000);
        assert_eq!(ok("¥1,200,000.50元", false), 120_000_050);
        assert_eq!(ok("1.5亿", false), 15_000_000_000);
        assert_eq!(ok("85.5", true), 85_500_000, "a 万元 field without a unit");
        assert_eq!(ok("85.5元", true), 8_550, "an explicit unit wins");
        assert_eq!(parse_amount("0", false), Err(MoneyError::NotPositive));
        assert_eq!(parse_amount("0.00万", false), Err(MoneyError::NotPositive));
        assert_eq!(parse_amount("-5万", false), Err(MoneyError::Negative));
        assert_eq!(parse_amount("", false), Err(MoneyError::Empty));
        assert_eq!(parse_amount("12,34", false), Err(MoneyError::NotAnAmount));
        assert_eq!(parse_amount("1e6", false), Err(MoneyError::NotAnAmount));
        assert_eq!(parse_amount("约100万", false), Err(MoneyError::NotAnAmount));
        assert!(MoneyError::NotAnAmount.message_zh().contains("120万"));
        assert_eq!(
            parse_amount("1.001", false),
            Err(MoneyError::TooManyDecimals { max: 2 })
        );
        assert_eq!(
            parse_amount("99999999999999999999", false),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            parse_amount("1000000000000亿", false),
            Err(MoneyError::TooLarge),
            "beyond i64 fen"
        );
    }

    #[test]
    fn amounts_dates_and_parties_hold_together() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let today = d(2026, 12, 2);
        let items = [("设备".to_string(), Fen(200))];
        let fine = check_rules(
            &Terms {
                contract_amount: Fen(1000),
                tech_amount: Fen(800),
                non_technical: &items,
                signed_on: d(2026, 3, 1),
                ends_on: Some(d(2027, 3, 1)),
                buyer: "91450100AAA",
                seller: "12450100BBB",
            },
            today,
        );
        assert!(fine.is_empty(), "{fine:?}");
        let errs = check_rules(
            &Terms {
                contract_amount: Fen(1000),
                tech_amount: Fen(1200),
                non_technical: &[],
                signed_on: d(2027, 1, 1),
                ends_on: Some(d(2026, 1, 1)),
                buyer: "91450100AAA",
                seller: "91450100aaa",
            },
            today,
        );
        let fields: Vec<&str> = errs.iter().map(|e| e.field()).collect();
        assert_eq!(
            fields,
            vec![
                "tech_amount",
                "signed_on",
                "ends_on",
                "counterpart_credit_code"
            ]
        );
        let short = [("设备".to_string(), Fen(100))];
        let errs = check_rules(
            &Terms {
                contract_amount: Fen(1000),
                tech_amount: Fen(800),
                non_technical: &short,
                signed_on: d(1999, 12, 31),
                ends_on: None,
                buyer: "a",
                seller: "b",
            },
            today,
        );
        assert_eq!(
            errs,
            vec![
                ContractRuleError::NonTechnicalMismatch {
                    expected: Fen(200),
                    listed: Fen(100)
                },
                ContractRuleError::SignedBefore2000
            ]
        );
        assert!(errs[0].message_zh().contains("非技术性款项"));
    }

    #[test]
    fn places_and_dates_read_the_way_registries_write_them() {
        let is_d = |c: &str| c == "qingxiu";
        assert_eq!(
            Place::from_parts("nanning", "qingxiu", is_d).map(|p| p.area()),
            Some(Area::Nanning)
        );
        assert_eq!(Place::from_parts("nanning", "beijing", is_d), None);
        assert_eq!(
            Place::from_parts("domestic", "广东省", is_d),
            Some(Place::Domestic {
                province: "广东".into()
            })
        );
        assert_eq!(Place::from_parts("domestic", "火星", is_d), None);
        assert_eq!(
            Place::from_parts("abroad", "vn", is_d).map(|p| p.area()),
            Some(Area::Asean)
        );
        assert_eq!(
            Place::from_parts("abroad", "DE", is_d).map(|p| p.area()),
            Some(Area::Abroad)
        );
        assert_eq!(Place::from_parts("abroad", "CN", is_d), None);
        // Without a region, the detail says where.
        assert_eq!(
            Place::from_parts("", "qingxiu", is_d).map(|p| p.area()),
            Some(Area::Nanning)
        );
        assert_eq!(Place::from_parts("", "guangxi", is_d), Some(Place::Guangxi));
        assert_eq!(
            Place::from_parts("", "上海", is_d).map(|p| p.area()),
            Some(Area::Domestic)
        );
        assert_eq!(
            Place::from_parts("", "th", is_d).map(|p| p.area()),
            Some(Area::Asean)
        );
        assert_eq!(Place::from_parts("", "", is_d), None);
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        for s in [
            "2026-03-01",
            "2026/3/1",
            "2026年3月1日",
            "20260301",
            "２０２６-０３-０１",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(
            parse_date("45000"),
            None,
            "a spreadsheet serial is not a date here"
        );
    }

    #[test]
    fn large_contracts_go_to_experts_and_numbers_have_one_shape() {
        assert!(!needs_expert_review(Fen(499_999_999)));
        assert!(needs_expert_review(Fen(500_000_000)));
        assert_eq!(registration_number(2026, 123), "2026450100000123");
        assert!(valid_registration_number("2026450100000123"));
        assert!(!valid_registration_number("12345"));
        assert!(!valid_registration_number("2026 4501"));
        assert!(!valid_registration_number("<script>"));
    }
}
