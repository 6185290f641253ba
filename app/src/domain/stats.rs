//! Technology-contract statistics: the dimensions a registered contract is counted by (as the
//! official registry statistics break turnover down), a dashboard view's filters (kept in the
//! URL so a view can be bookmarked), and the projection toward a cumulative target such as G6
//! (400亿元 of 合同成交额 since 2021-01-01). Pure: the store sums, this decides what the sums mean.
use super::contract::{coded, Area, ContractType, IpType, Place};
use super::money::Fen;
use super::OrgType;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a breakdown groups registered contracts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Year,
    Month,
    District,
    Type,
    Chain,
    SellerType,
    Flow,
    IpType,
}

coded!(Dimension {
    Year => "year", "年度", "Year";
    Month => "month", "月份", "Month";
    District => "district", "县区及开发区", "District / zone";
    Type => "type", "合同类型", "Contract type";
    Chain => "chain", "产业链", "Industry chain";
    SellerType => "seller_type", "卖方类型", "Seller type";
    Flow => "flow", "技术流向", "Flow";
    IpType => "ip_type", "知识产权类型", "IP type";
});

/// The seller's kind as the registry statistics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SellerType {
    Enterprise,
    University,
    Institute,
    Other,
}

coded!(SellerType {
    Enterprise => "enterprise", "企业", "Enterprise";
    University => "university", "高等院校", "University";
    Institute => "institute", "科研机构", "Research institute";
    Other => "other", "其他", "Other";
});

impl SellerType {
    pub fn of(t: OrgType) -> SellerType {
        match t {
            OrgType::Enterprise => SellerType::Enterprise,
            OrgType::University => SellerType::University,
            OrgType::Institute => SellerType::Institute,
            OrgType::ServiceAgency | OrgType::Government => SellerType::Other,
        }
    }
}

/// Which way the technology flows, seen from Nanning: 输出 (the seller is in Nanning) to where
/// the buyer is, or 吸纳 (the buyer is in Nanning) from where the seller is; both in Nanning is
/// 市内. ASEAN is counted apart from the rest of abroad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Local,
    OutputGuangxi,
    OutputDomestic,
    OutputAsean,
    OutputAbroad,
    AbsorbGuangxi,
    AbsorbDomestic,
    AbsorbAsean,
    AbsorbAbroad,
    /// Neither party in Nanning (only an imported row can say so).
    Outside,
}

coded!(Flow {
    Local => "local", "市内交易", "Within Nanning";
    OutputGuangxi => "output_guangxi", "输出·区内（广西其他市）", "Output · rest of Guangxi";
    OutputDomestic => "output_domestic", "输出·区外（国内）", "Output · rest of China";
    OutputAsean => "output_asean", "输出·东盟", "Output · ASEAN";
    OutputAbroad => "output_abroad", "输出·其他境外", "Output · other abroad";
    AbsorbGuangxi => "absorb_guangxi", "吸纳·区内（广西其他市）", "Intake · rest of Guangxi";
    AbsorbDomestic => "absorb_domestic", "吸纳·区外（国内）", "Intake · rest of China";
    AbsorbAsean => "absorb_asean", "吸纳·东盟", "Intake · ASEAN";
    AbsorbAbroad => "absorb_abroad", "吸纳·其他境外", "Intake · other abroad";
    Outside => "outside", "非本市交易", "Neither party in Nanning";
});

impl Flow {
    pub fn of(seller: &Place, buyer: &Place) -> Flow {
        let out = |a: Area| match a {
            Area::Nanning => Flow::Local,
            Area::Guangxi => Flow::OutputGuangxi,
            Area::Domestic => Flow::OutputDomestic,
            Area::Asean => Flow::OutputAsean,
            Area::Abroad => Flow::OutputAbroad,
        };
        let intake = |a: Area| match a {
            Area::Nanning => Flow::Local,
            Area::Guangxi => Flow::AbsorbGuangxi,
            Area::Domestic => Flow::AbsorbDomestic,
            Area::Asean => Flow::AbsorbAsean,
            Area::Abroad => Flow::AbsorbAbroad,
        };
        match (seller.area(), buyer.area()) {
            (Area::Nanning, b) => out(b),
            (s, Area::Nanning) => intake(s),
            _ => Flow::Outside,
        }
    }
}

/// The district or zone a contract counts for: the seller's when it is in Nanning (a
/// registration is made where the seller is), else the buyer's.
pub fn district_of(seller: &Place, buyer: &Place) -> Option<String> {
    match (seller, buyer) {
        (Place::Nanning { district }, _) | (_, Place::Nanning { district }) => {
            Some(district.clone())
        }
        _ => None,
    }
}

/// The top-level industry chain of a chain code (`electronic_info.smart_terminal` →
/// `electronic_info`).
pub fn chain_top(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// The keys a contract is counted under, decided once when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatKeys {
    pub district: Option<String>,
    pub flow: Flow,
    pub chain_top: String,
    pub seller_type: SellerType,
}

impl StatKeys {
    pub fn of(seller_type: OrgType, seller: &Place, buyer: &Place, chain_code: &str) -> StatKeys {
        StatKeys {
            district: district_of(seller, buyer),
            flow: Flow::of(seller, buyer),
            chain_top: chain_top(chain_code).to_string(),
            seller_type: SellerType::of(seller_type),
        }
    }
}

/// The first day counted toward the plan's cumulative targets.
pub fn plan_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1).expect("valid date")
}

/// The last day of the plan's period (its targets are "by 2023", cumulative over 2021–2023).
pub fn plan_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 12, 31).expect("valid date")
}

/// A catalog target's value in fen, for the money targets (`400` with unit `亿元`).
pub fn target_fen(value: &str, unit: &str) -> Option<Fen> {
    let per_unit: i64 = match unit.trim() {
        "亿元" => 100_000_000 * 100,
        "万元" => 10_000 * 100,
        "元" => 100,
        _ => return None,
    };
    let v = Fen::parse_yuan(value.trim()).ok()?;
    // parse_yuan reads "400" as 400 yuan (40,000 fen); scale by the unit's size in yuan.
    v.fen().checked_mul(per_unit / 100).map(Fen)
}

/// The district or zone whose figures a government official's dashboard opens on: a district
/// or county government unit (its credit code's division is not the city's own, 450100), or a
/// development zone's committee (registered as being in a zone). City units open on the city.
pub fn home_district(
    org_type: OrgType,
    division: &str,
    district_code: &str,
    district_is_zone: bool,
) -> Option<String> {
    (org_type == OrgType::Government
        && (district_is_zone || (division.starts_with("4501") && division != "450100")))
        .then(|| district_code.to_string())
}

/// One dashboard view: which registered contracts count. Every field is optional; the URL
/// carries it (`?from=2024-01-01&district=qingxiu&type=transfer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnoverFilter {
    /// First registration day counted (Beijing date), inclusive.
    pub from: Option<NaiveDate>,
    /// Last registration day counted, inclusive.
    pub to: Option<NaiveDate>,
    pub district: Option<String>,
    pub contract_type: Option<ContractType>,
    /// A top-level chain code.
    pub chain: Option<String>,
    pub seller_type: Option<SellerType>,
    pub flow: Option<Flow>,
    pub ip_type: Option<IpType>,
}

/// A filter value that is not one of ours: the field, and what was given (cut short).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FilterError {
    pub field: String,
    pub value: String,
}

impl FilterError {
    pub fn message_zh(&self) -> String {
        format!("筛选条件“{}”的值“{}”无效，已忽略", self.field, self.value)
    }
    pub fn message_en(&self) -> String {
        format!(
            "The filter “{}” has an invalid value “{}” and was ignored",
            self.field, self.value
        )
    }
}

impl TurnoverFilter {
    /// Reads a query string's pairs. Unknown keys are ignored (a shared link may carry other
    /// parameters); a known key with a bad value is reported and left out, so a mistyped link
    /// still shows figures, and says which part it ignored. `known_district` and `known_chain`
    /// check codes against the reference data.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        known_district: impl Fn(&str) -> bool,
        known_chain: impl Fn(&str) -> bool,
    ) -> (TurnoverFilter, Vec<FilterError>) {
        let mut f = TurnoverFilter::default();
        let mut errors = Vec::new();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let ok = match k {
                "from" => super::contract::parse_date(v).map(|d| f.from = Some(d)),
                "to" => super::contract::parse_date(v).map(|d| f.to = Some(d)),
                "district" => known_district(v).then(|| f.district = Some(v.to_string())),
                "type" => ContractType::parse(v).map(|t| f.contract_type = Some(t)),
                "chain" => known_chain(v).then(|| f.chain = Some(v.to_string())),
                "seller_type" => SellerType::parse(v).map(|t| f.seller_type = Some(t)),
                "flow" => Flow::parse(v).map(|t| f.flow = Some(t)),
                "ip_type" => IpType::parse(v).map(|t| f.ip_type = Some(t)),
                _ => Some(()),
            };
            if ok.is_none() {
                errors.push(FilterError {
                    field: k.to_string(),
                    value: v.chars().take(40).collect(),
                });
            }
        }
        if let (Some(a), Some(b)) = (f.from, f.to) {
            if a > b {
                errors.push(FilterError {
                    field: "to".into(),
                    value: b.to_string(),
                });
                f.to = None;
            }
        }
        (f, errors)
    }

    /// The pairs of a URL that shows this view (the inverse of `from_pairs`).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if let Some(d) = self.from {
            p.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            p.push(("to", d.to_string()));
        }
        if let Some(v) = &self.district {
            p.push(("district", v.clone()));
        }
        if let Some(v) = self.contract_type {
            p.push(("type", v.as_str().to_string()));
        }
        if let Some(v) = &self.chain {
            p.push(("chain", v.clone()));
        }
        if let Some(v) = self.seller_type {
            p.push(("seller_type", v.as_str().to_string()));
        }
        if let Some(v) = self.flow {
            p.push(("flow", v.as_str().to_string()));
        }
        if let Some(v) = self.ip_type {
            p.push(("ip_type", v.as_str().to_string()));
        }
        p
    }

    /// The view narrowed to one row of a breakdown: the drill-down behind a figure. `None`
    /// when the key is not one of the dimension's.
    pub fn narrowed(&self, dim: Dimension, key: &str) -> Option<TurnoverFilter> {
        let mut f = self.clone();
        match dim {
            Dimension::Year => {
                let y: i32 = key.parse().ok()?;
                let (a, b) = (
                    NaiveDate::from_ymd_opt(y, 1, 1)?,
                    NaiveDate::from_ymd_opt(y, 12, 31)?,
                );
                f.from = Some(f.from.map_or(a, |x| x.max(a)));
                f.to = Some(f.to.map_or(b, |x| x.min(b)));
            }
            Dimension::Month => {
                let (y, m) = key.split_once('-')?;
                let a = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
                let b = next_month(a).pred_opt()?;
                f.from = Some(f.from.map_or(a, |x| x.max(a)));
                f.to = Some(f.to.map_or(b, |x| x.min(b)));
            }
            Dimension::District => f.district = Some(key.to_string()),
            Dimension::Type => f.contract_type = Some(ContractType::parse(key)?),
            Dimension::Chain => f.chain = Some(key.to_string()),
            Dimension::SellerType => f.seller_type = Some(SellerType::parse(key)?),
            Dimension::Flow => f.flow = Some(Flow::parse(key)?),
            Dimension::IpType => f.ip_type = Some(IpType::parse(key)?),
        }
        Some(f)
    }

    pub fn is_empty(&self) -> bool {
        self == &TurnoverFilter::default()
    }
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid date")
}

/// One row of a breakdown: the key (a code of the dimension; `2024` or `2024-03` for time) and
/// what the registered contracts under it add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnoverRow {
    pub key: String,
    pub contract_amount_fen: i64,
    pub tech_amount_fen: i64,
    pub count: i64,
}

/// Fewer contracts than this behind a figure and the public sees the count only: an amount of
/// one or two contracts would disclose what parties agreed.
pub const PUBLIC_MIN_COUNT: i64 = 3;

/// How a cumulative target is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// Already reached.
    Reached,
    /// The run-rate reaches it by the deadline.
    OnTrack,
    /// The run-rate is at least 80% of what is needed.
    AtRisk,
    OffTrack,
    /// The deadline has passed without reaching it.
    Missed,
}

coded!(Pace {
    Reached => "reached", "已完成", "Reached";
    OnTrack => "on_track", "进度正常", "On track";
    AtRisk => "at_risk", "存在风险", "At risk";
    OffTrack => "off_track", "进度滞后", "Off track";
    Missed => "missed", "逾期未完成", "Missed";
});

impl Pace {
    pub fn color(self) -> &'static str {
        match self {
            Pace::Reached | Pace::OnTrack => "green",
            Pace::AtRisk => "amber",
            Pace::OffTrack | Pace::Missed => "red",
        }
    }
}

/// Where a cumulative amount stands against its target, and where it is heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Projection {
    pub cumulative_fen: i64,
    pub target_fen: i64,
    /// Hundredths of a percent (10000 = 100%), not capped.
    pub percent_bp: i64,
    /// The mean of the last twelve complete months (fewer when the data is younger).
    pub run_rate_monthly_fen: i64,
    /// The months that mean covers.
    pub run_rate_months: u32,
    /// What each month from this one to the deadline's must bring to reach the target.
    pub needed_monthly_fen: Option<i64>,
    /// The month the target was reached, or is reached at the run-rate (`None`: never, the
    /// run-rate is zero).
    pub reached_month: Option<String>,
    pub deadline: NaiveDate,
    pub pace: Pace,
}

fn month_index(d: NaiveDate) -> i64 {
    d.year() as i64 * 12 + d.month0() as i64
}

fn month_key(idx: i64) -> String {
    format!("{:04}-{:02}", idx.div_euclid(12), idx.rem_euclid(12) + 1)
}

fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1) / b
}

/// Computes the projection from a monthly series (`YYYY-MM` keys, amounts in fen; months with
/// nothing may be missing), the target, its deadline and today (Beijing date).
pub fn project(
    monthly: &[TurnoverRow],
    target: Fen,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Projection {
    let by_month: BTreeMap<i64, i128> = monthly
        .iter()
        .filter_map(|r| {
            let (y, m) = r.key.split_once('-')?;
            let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
            Some((month_index(d), r.contract_amount_fen as i128))
        })
        .fold(BTreeMap::new(), |mut acc, (k, v)| {
            *acc.entry(k).or_insert(0) += v;
            acc
        });
    let cumulative: i128 = by_month.values().sum();
    let target_fen = target.fen().max(1) as i128;
    let this_month = month_index(today);
    // Run-rate: the last twelve complete months, or as many as there are since the first.
    let first = by_month.keys().next().copied().unwrap_or(this_month);
    let months = (this_month - first).clamp(0, 12);
    let run_rate: i128 = if months == 0 {
        0
    } else {
        by_month
            .range(this_month - months..this_month)
            .map(|(_, v)| *v)
            .sum::<i128>()
            / months as i128
    };
    let deadline_month = month_index(deadline);
    let mut reached_month = None;
    let mut running = 0i128;
    for (k, v) in &by_month {
        running += v;
        if running >= target_fen {
            reached_month = Some(month_key(*k));
            break;
        }
    }
    let remaining = target_fen - cumulative;
    let needed = (remaining > 0 && today <= deadline)
        .then(|| ceil_div(remaining, (deadline_month - this_month + 1) as i128));
    if reached_month.is_none() && remaining > 0 && run_rate > 0 {
        reached_month = Some(month_key(
            this_month + ceil_div(remaining, run_rate) as i64 - 1,
        ));
    }
    let pace = if remaining <= 0 {
        Pace::Reached
    } else if today > deadline {
        Pace::Missed
    } else {
        let need = needed.unwrap_or(0);
        if run_rate >= need {
            Pace::OnTrack
        } else if run_rate * 10 >= need * 8 {
            Pace::AtRisk
        } else {
            Pace::OffTrack
        }
    };
    let clamp = |v: i128| v.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    Projection {
        cumulative_fen: clamp(cumulative),
        target_fen: clamp(target_fen),
        percent_bp: clamp(cumulative * 10_000 / target_fen),
        run_rate_monthly_fen: clamp(run_rate),
        run_rate_months: months as u32,
        needed_monthly_fen: needed.map(clamp),
        reached_month,
        deadline,
        pace,
    }
}

/// Fills the months between the first and last of a monthly series that had nothing, so a
/// chart's bars stand for equal spans of time.
pub fn fill_months(monthly: &[TurnoverRow], from: NaiveDate, to: NaiveDate) -> Vec<TurnoverRow> {
    let have: BTreeMap<&str, &TurnoverRow> = monthly.iter().map(|r| (r.key.as_str(), r)).collect();
    let (a, b) = (month_index(from), month_index(to));
    (a..=b.max(a))
        .take(600)
        .map(|i| {
            let k = month_key(i);
            have.get(k.as_str())
                .map(|r| (*r).clone())
                .unwrap_or(TurnoverRow {
                    key: k,
                    contract_amount_fen: 0,
                    tech_amount_fen: 0,
                    count: 0,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn row(key: &str, yuan: i64) -> TurnoverRow {
        TurnoverRow {
            key: key.into(),
            contract_amount_fen: yuan * 100,
            tech_amount_fen: yuan * 50,
            count: 1,
        }
    }
    fn nanning(d: &str) -> Place {
        Place::Nanning { district: d.into() }
    }

    #[test]
    fn flow_is_seen_from_nanning_with_asean_apart() {
        let vn = Place::Abroad {
            country: "VN".into(),
        };
        let us = Place::Abroad {
            country: "US".into(),
        };
        let gd = Place::Domestic {
            province: "广东".into(),
        };
        assert_eq!(
            Flow::of(&nanning("qingxiu"), &nanning("wuming")),
            Flow::Local
        );
        assert_eq!(Flow::of(&nanning("qingxiu"), &vn), Flow::OutputAsean);
        assert_eq!(Flow::of(&nanning("qingxiu"), &us), Flow::OutputAbroad);
        assert_eq!(
            Flow::of(&nanning("qingxiu"), &Place::Guangxi),
            Flow::OutputGuangxi
        );
        assert_eq!(Flow::of(&gd, &nanning("qingxiu")), Flow::AbsorbDomestic);
        assert_eq!(Flow::of(&vn, &nanning("qingxiu")), Flow::AbsorbAsean);
        assert_eq!(Flow::of(&gd, &us), Flow::Outside);
        // The district counted is the seller's when both are in Nanning.
        assert_eq!(
            district_of(&nanning("qingxiu"), &nanning("wuming")).as_deref(),
            Some("qingxiu")
        );
        assert_eq!(
            district_of(&gd, &nanning("wuming")).as_deref(),
            Some("wuming")
        );
        assert_eq!(district_of(&gd, &us), None);
        assert_eq!(
            chain_top("electronic_info.smart_terminal"),
            "electronic_info"
        );
        assert_eq!(chain_top("biomedicine"), "biomedicine");
    }

    #[test]
    fn money_targets_and_home_districts() {
        assert_eq!(target_fen("400", "亿元"), Some(Fen(4_000_000_000_000)));
        assert_eq!(target_fen("700", "万元"), Some(Fen(700_000_000)));
        assert_eq!(target_fen("1800", "家"), None);
        assert_eq!(target_fen("abc", "亿元"), None);
        let g = OrgType::Government;
        assert_eq!(
            home_district(g, "450103", "qingxiu", false).as_deref(),
            Some("qingxiu")
        );
        assert_eq!(home_district(g, "450100", "qingxiu", false), None);
        assert_eq!(
            home_district(g, "450100", "nanning_hitech", true).as_deref(),
            Some("nanning_hitech")
        );
        assert_eq!(
            home_district(OrgType::University, "450103", "qingxiu", false),
            None
        );
    }

    #[test]
    fn filter_round_trips_through_the_url_and_reports_what_it_ignores() {
        let districts = |s: &str| s == "qingxiu";
        let chains = |s: &str| s == "electronic_info";
        let (f, errs) = TurnoverFilter::from_pairs(
            [
                ("from", "2024-01-01"),
                ("to", "2024年12月31日"),
                ("district", "qingxiu"),
                ("type", "技术转让"),
                ("chain", "electronic_info"),
                ("seller_type", "university"),
                ("flow", "output_asean"),
                ("ip_type", "patent"),
                ("utm_source", "wechat"),
            ],
            districts,
            chains,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.contract_type, Some(ContractType::Transfer));
        assert_eq!(f.to, Some(d(2024, 12, 31)));
        let pairs = f.pairs();
        let back = TurnoverFilter::from_pairs(
            pairs.iter().map(|(k, v)| (*k, v.as_str())),
            districts,
            chains,
        );
        assert_eq!(back, (f, vec![]));

        let (f, errs) = TurnoverFilter::from_pairs(
            [
                ("district", "<script>"),
                ("type", "gift"),
                ("from", "2025-02-30"),
                ("flow", "x"),
            ],
            districts,
            chains,
        );
        assert!(f.is_empty());
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["district", "type", "from", "flow"]);
        assert!(errs[0].message_zh().contains("district"));
        // A reversed range keeps its start and drops the end, saying so.
        let (f, errs) = TurnoverFilter::from_pairs(
            [("from", "2025-01-01"), ("to", "2024-01-01")],
            districts,
            chains,
        );
        assert_eq!((f.from, f.to), (Some(d(2025, 1, 1)), None));
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn drilling_into_a_row_narrows_the_view_within_its_range() {
        let f = TurnoverFilter {
            from: Some(d(2024, 3, 15)),
            ..Default::default()
        };
        let m = f.narrowed(Dimension::Month, "2024-03").unwrap();
        assert_eq!((m.from, m.to), (Some(d(2024, 3, 15)), Some(d(2024, 3, 31))));
        let y = TurnoverFilter::default()
            .narrowed(Dimension::Year, "2024")
            .unwrap();
        assert_eq!((y.from, y.to), (Some(d(2024, 1, 1)), Some(d(2024, 12, 31))));
        let feb = TurnoverFilter::default()
            .narrowed(Dimension::Month, "2024-02")
            .unwrap();
        assert_eq!(feb.to, Some(d(2024, 2, 29)));
        let dec = TurnoverFilter::default()
            .narrowed(Dimension::Month, "2023-12")
            .unwrap();
        assert_eq!(dec.to, Some(d(2023, 12, 31)));
        assert_eq!(
            f.narrowed(Dimension::Type, "licence")
                .unwrap()
                .contract_type,
            Some(ContractType::Licence)
        );
        assert!(f.narrowed(Dimension::Type, "gift").is_none());
        assert!(f.narrowed(Dimension::Month, "2024-13").is_none());
    }

    #[test]
    fn projection_reached_on_track_at_risk_off_track_and_missed() {
        let target = Fen(1_200 * 100);
        // 100 yuan a month through 2025: 1,200 needed by the end of 2026, 1,200 there by 2025-12.
        let series: Vec<_> = (1..=12)
            .map(|m| row(&format!("2025-{m:02}"), 100))
            .collect();
        let p = project(&series, target, d(2026, 12, 31), d(2026, 1, 10));
        assert_eq!(p.pace, Pace::Reached);
        assert_eq!(p.reached_month.as_deref(), Some("2025-12"));
        assert_eq!(p.percent_bp, 10_000);

        let target = Fen(2_400 * 100);
        // 1,200 left, 12 months left (2026-01..2026-12): 100 a month needed, run-rate 100.
        let p = project(&series, target, d(2026, 12, 31), d(2026, 1, 10));
        assert_eq!(p.needed_monthly_fen, Some(100 * 100));
        assert_eq!(p.run_rate_monthly_fen, 100 * 100);
        assert_eq!(p.run_rate_months, 12);
        assert_eq!(p.pace, Pace::OnTrack);
        assert_eq!(p.reached_month.as_deref(), Some("2026-12"));
        assert_eq!(p.percent_bp, 5_000);
        // 10 months left: 120 needed, 100 is 83%.
        let p = project(&series, target, d(2026, 10, 31), d(2026, 1, 10));
        assert_eq!(p.needed_monthly_fen, Some(120 * 100));
        assert_eq!(p.pace, Pace::AtRisk);
        // 6 months left: 200 needed.
        let p = project(&series, target, d(2026, 6, 30), d(2026, 1, 10));
        assert_eq!(p.pace, Pace::OffTrack);
        // After the deadline.
        let p = project(&series, target, d(2025, 12, 31), d(2026, 1, 10));
        assert_eq!(p.pace, Pace::Missed);
        assert_eq!(p.needed_monthly_fen, None);
        // Only two months of data: the run-rate is over those two (the current month, still
        // running, is left out).
        let young = [
            row("2026-01", 300),
            row("2026-02", 100),
            row("2026-03", 999),
        ];
        let p = project(&young, target, d(2026, 12, 31), d(2026, 3, 5));
        assert_eq!((p.run_rate_monthly_fen, p.run_rate_months), (200 * 100, 2));
        // Nothing registered: no projected month, and off track.
        let p = project(&[], target, d(2026, 12, 31), d(2026, 3, 5));
        assert_eq!((p.reached_month, p.pace), (None, Pace::OffTrack));
    }

    #[test]
    fn projection_does_not_overflow_at_the_limits() {
        let big = [
            TurnoverRow {
                key: "2025-01".into(),
                contract_amount_fen: i64::MAX,
                tech_amount_fen: 0,
                count: 1,
            },
            TurnoverRow {
                key: "2025-02".into(),
                contract_amount_fen: i64::MAX,
                tech_amount_fen: 0,
                count: 1,
            },
        ];
        let p = project(&big, Fen(1), d(2026, 1, 1), d(2025, 6, 1));
        assert_eq!(p.cumulative_fen, i64::MAX);
        assert_eq!(p.pace, Pace::Reached);
        let filled = fill_months(&big[..1], d(2024, 11, 1), d(2025, 2, 1));
        let keys: Vec<_> = filled.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(filled[2].contract_amount_fen, i64::MAX);
    }
}
