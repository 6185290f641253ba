//! Synthetic registered technology contracts, shaped like a city registry's: many small
//! service and consulting contracts, fewer large development and transfer ones; amounts from
//! ¥10k to ¥50m (a handful above, as real registries have); most sellers in Nanning (输出),
//! some buyers in Nanning buying from elsewhere (吸纳); registrations growing year on year from
//! 2021. Deterministic for a seed. The demo seeds use it (development mode only: a production
//! install never holds invented contracts) and so does `server bench-data --contracts`.
use crate::bench::Rng;
use app::domain::contract::{
    registration_number, ContractStatus, ContractType, IpType, Place, PlanOrigin,
};
use app::domain::OrgType;
use app::ports::{ContractRecord, PartyRecord};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// Nanning's districts and zones with the share of contracts registered there (the zones and
/// the central districts, where universities and firms sit, carry most).
const DISTRICTS: &[(&str, u32)] = &[
    ("qingxiu", 18),
    ("xixiangtang", 16),
    ("nanning_hitech", 20),
    ("nanning_etdz", 7),
    ("asean_etdz", 4),
    ("ftz_nanning", 4),
    ("xingning", 6),
    ("jiangnan", 7),
    ("liangqing", 6),
    ("yongning", 3),
    ("wuming", 3),
    ("hengzhou", 2),
    ("binyang", 2),
    ("shanglin", 1),
    ("mashan", 1),
    ("longan", 1),
];

const TYPES: &[(ContractType, u32, f64, f64, f64)] = &[
    // type, weight, min yuan, max yuan, skew (higher: more small ones)
    (ContractType::Service, 44, 1e4, 1e7, 2.0),
    (ContractType::Consulting, 14, 1e4, 3e6, 2.2),
    (ContractType::DevelopmentCommissioned, 21, 5e4, 5e7, 1.0),
    (ContractType::DevelopmentCooperative, 7, 1e5, 5e7, 1.0),
    (ContractType::Transfer, 8, 5e4, 5e7, 1.0),
    (ContractType::Licence, 6, 2e4, 3e7, 1.2),
];

const UNIVERSITIES: &[&str] = &[
    "广西大学",
    "广西民族大学",
    "南宁师范大学",
    "广西医科大学",
    "广西中医药大学",
    "广西财经学院",
    "南宁学院",
];
const INSTITUTES: &[&str] = &[
    "广西科学院",
    "广西农业科学院",
    "广西壮族自治区林业科学研究院",
    "广西壮族自治区中国科学院广西植物研究所",
    "南宁市农业科学研究所",
];
const PREFIX: &[&str] = &[
    "南宁",
    "广西",
    "邕江",
    "青秀",
    "东盟",
    "绿城",
    "朱槿",
    "相思湖",
];
const WORD: &[&str] = &[
    "智联", "铝业", "精工", "生物", "数科", "新材", "电力", "农业", "医药", "环保", "汽车", "云图",
    "北斗", "糖业", "装备", "信息", "能源", "检测",
];
const SUFFIX: &[&str] = &[
    "科技有限公司",
    "股份有限公司",
    "技术有限公司",
    "集团有限公司",
];
const TOPICS: &[&str] = &[
    "铝型材表面缺陷机器视觉检测",
    "甘蔗收获机械智能控制",
    "中药材指纹图谱质量控制",
    "5G 工业网关边缘计算",
    "新能源汽车电池热管理",
    "桑蚕品种选育与繁育",
    "城市内涝智能预警",
    "工业互联网标识解析",
    "北斗高精度定位终端",
    "木材改性与人造板环保胶黏剂",
    "糖蜜发酵制备生物基材料",
    "医疗器械无菌包装验证",
    "智慧水务管网漏损监测",
    "工程机械液压系统可靠性",
    "芒果采后保鲜",
    "区块链电子证照共享",
    "氢燃料电池双极板",
    "壮瑶医药有效成分提取",
    "高端铝箔轧制工艺",
    "数控机床故障诊断",
];
const FIELDS: &[&str] = &[
    "电子信息",
    "先进制造与自动化",
    "生物医药和医疗器械",
    "新材料及其应用",
    "新能源与高效节能",
    "环境保护与资源综合利用",
    "现代农业",
    "城市建设与社会发展",
];
const PROVINCES: &[(&str, u32)] = &[
    ("广东", 30),
    ("北京", 14),
    ("上海", 12),
    ("江苏", 10),
    ("浙江", 10),
    ("湖南", 8),
    ("四川", 5),
    ("云南", 5),
    ("贵州", 3),
    ("湖北", 3),
];
const COUNTRIES: &[(&str, u32)] = &[
    ("VN", 30),
    ("TH", 15),
    ("MY", 12),
    ("ID", 10),
    ("SG", 8),
    ("LA", 6),
    ("KH", 5),
    ("US", 5),
    ("DE", 5),
    ("JP", 4),
];
/// Share of the contracts registered in each year, 2021 onward (growing).
const YEARS: &[(i32, u32)] = &[
    (2021, 12),
    (2022, 14),
    (2023, 16),
    (2024, 18),
    (2025, 20),
    (2026, 20),
];
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn pick_w<'a, T>(rng: &mut Rng, v: &'a [(T, u32)]) -> &'a T {
    let w: Vec<u32> = v.iter().map(|x| x.1).collect();
    &v[rng.weighted(&w)].0
}

fn credit_code(rng: &mut Rng, kind: &str, division: &str) -> String {
    let mut s = format!("{kind}{division}");
    while s.len() < 17 {
        s.push(ALPHABET[rng.below(ALPHABET.len())] as char);
    }
    let check = app::domain::credit_code::compute_check_char(&s).unwrap_or('0');
    s.push(check);
    s
}

fn company(rng: &mut Rng) -> String {
    format!("{}{}{}", rng.pick(PREFIX), rng.pick(WORD), rng.pick(SUFFIX))
}

/// A Nanning party of this kind.
fn local_party(rng: &mut Rng, t: OrgType) -> PartyRecord {
    let district = pick_w(rng, DISTRICTS).to_string();
    let (name, kind) = match t {
        OrgType::University => (rng.pick(UNIVERSITIES).to_string(), "12"),
        OrgType::Institute => (rng.pick(INSTITUTES).to_string(), "12"),
        OrgType::ServiceAgency => (
            format!("{}{}技术转移中心", rng.pick(PREFIX), rng.pick(WORD)),
            "52",
        ),
        _ => (company(rng), "91"),
    };
    PartyRecord {
        credit_code: Some(credit_code(rng, kind, "450100")),
        name,
        org_id: None,
        org_type: t,
        place: Place::Nanning { district },
    }
}

/// A party outside Nanning: elsewhere in Guangxi, another province, or abroad.
fn outside_party(rng: &mut Rng) -> PartyRecord {
    let r = rng.weighted(&[45, 45, 10]);
    let (place, name, code) = match r {
        0 => (
            Place::Guangxi,
            format!(
                "{}{}{}",
                rng.pick(&["柳州", "桂林", "玉林", "钦州", "北海", "百色"]),
                rng.pick(WORD),
                rng.pick(SUFFIX)
            ),
            Some(credit_code(rng, "91", "450200")),
        ),
        1 => {
            let p = pick_w(rng, PROVINCES).to_string();
            (
                Place::Domestic {
                    province: p.clone(),
                },
                format!("{p}{}{}", rng.pick(WORD), rng.pick(SUFFIX)),
                Some(credit_code(rng, "91", "440100")),
            )
        }
        _ => {
            let c = pick_w(rng, COUNTRIES).to_string();
            (
                Place::Abroad { country: c.clone() },
                format!(
                    "{c} {} Co., Ltd.",
                    rng.pick(&["Tech", "Industrial", "Agro", "Medical", "Energy"])
                ),
                None,
            )
        }
    };
    PartyRecord {
        name,
        credit_code: code,
        org_id: None,
        org_type: OrgType::Enterprise,
        place,
    }
}

/// `n` registered contracts, registered from 2021-01-01 up to `until`, with registration
/// numbers in this registry's format, numbered per year in order of registration.
pub fn generate(
    n: usize,
    seed: u64,
    chains: &[String],
    until: DateTime<Utc>,
) -> Vec<ContractRecord> {
    let mut rng = Rng(seed.max(1));
    let bj = app::domain::time::shanghai();
    let end_day = until.with_timezone(&bj).date_naive();
    let mut out: Vec<ContractRecord> = (0..n)
        .map(|_| {
            let year = *pick_w(&mut rng, YEARS);
            let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
            let last = NaiveDate::from_ymd_opt(year, 12, 31)
                .expect("date")
                .min(end_day);
            let span = (last - start).num_days().max(0) + 1;
            let day = start + Duration::days(rng.below(span as usize) as i64);
            let at = bj
                .from_local_datetime(
                    &day.and_hms_opt(9 + rng.below(8) as u32, rng.below(60) as u32, 0)
                        .expect("time"),
                )
                .single()
                .expect("fixed offset")
                .with_timezone(&Utc)
                .min(until);
            let (t, _, min, max, skew) =
                TYPES[rng.weighted(&TYPES.iter().map(|t| t.1).collect::<Vec<_>>())];
            let u = rng.unit().powf(skew);
            let yuan = (min.ln() + (max.ln() - min.ln()) * u).exp();
            let amount = ((yuan / 100.0).round() as i64).max(100) * 100 * 100;
            let tech = match t {
                ContractType::DevelopmentCommissioned
                | ContractType::DevelopmentCooperative
                | ContractType::Service => {
                    let pct = 60 + rng.below(41) as i64;
                    (amount * pct / 100 / 10_000).max(1) * 10_000
                }
                _ => amount,
            }
            .min(amount);
            let seller_type = [
                OrgType::Enterprise,
                OrgType::University,
                OrgType::Institute,
                OrgType::ServiceAgency,
            ][rng.weighted(&[70, 15, 10, 5])];
            // 85% 输出 (the seller in Nanning), 15% 吸纳 (a Nanning buyer of outside technology).
            let (seller, buyer) = if rng.below(100) < 85 {
                let seller = local_party(&mut rng, seller_type);
                let buyer = if rng.below(100) < 40 {
                    local_party(&mut rng, OrgType::Enterprise)
                } else {
                    outside_party(&mut rng)
                };
                (seller, buyer)
            } else {
                (
                    outside_party(&mut rng),
                    local_party(&mut rng, OrgType::Enterprise),
                )
            };
            let non_technical = if tech < amount {
                vec![("设备、材料".to_string(), amount - tech)]
            } else {
                vec![]
            };
            let chain = chains
                .get(rng.below(chains.len().max(1)))
                .cloned()
                .unwrap_or_else(|| "electronic_info".into());
            let ip = [
                IpType::Patent,
                IpType::SoftwareCopyright,
                IpType::TechnicalSecret,
                IpType::PlantVariety,
                IpType::Other,
            ][rng.weighted(&[30, 25, 30, 3, 12])];
            let origin = [
                PlanOrigin::None,
                PlanOrigin::National,
                PlanOrigin::Provincial,
                PlanOrigin::Municipal,
            ][rng.weighted(&[80, 4, 9, 7])];
            let signed = day - Duration::days(5 + rng.below(60) as i64);
            let title = format!(
                "{}{}合同",
                rng.pick(TOPICS),
                t.label_zh().trim_start_matches("技术")
            );
            ContractRecord {
                id: Uuid::nil(),
                registration_number: None,
                applicant_user_id: None,
                applicant_org_id: None,
                applicant_side: if matches!(seller.place, Place::Nanning { .. }) {
                    "seller"
                } else {
                    "buyer"
                }
                .into(),
                contract_type: t,
                title,
                seller,
                buyer,
                contract_amount_fen: amount,
                tech_amount_fen: tech,
                non_technical,
                signed_on: signed,
                ends_on: Some(signed + Duration::days(180 + rng.below(900) as i64)),
                chain_code: chain,
                field: rng.pick(FIELDS).to_string(),
                ip_type: ip,
                plan_origin: origin,
                demand_id: None,
                call_id: None,
                achievement_id: None,
                status: ContractStatus::Registered,
                status_reason: None,
                submitted_at: Some(at - Duration::days(3 + rng.below(12) as i64)),
                registered_at: Some(at),
                source: "seed".into(),
                version: 0,
                created_at: at - Duration::days(20),
                updated_at: at,
            }
        })
        .collect();
    out.sort_by_key(|c| c.registered_at);
    let mut seq: std::collections::BTreeMap<i32, u32> = Default::default();
    for c in &mut out {
        let at = c.registered_at.expect("registered");
        let year = at
            .with_timezone(&bj)
            .date_naive()
            .format("%Y")
            .to_string()
            .parse()
            .unwrap_or(2021);
        let s = seq.entry(year).or_insert(0);
        *s += 1;
        let number = registration_number(year, *s);
        c.id = Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("jiebang:contract:{seed}:{number}").as_bytes(),
        );
        c.registration_number = Some(number);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_contracts_are_valid_registered_and_spread_like_a_registry() {
        let until = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let chains = vec![
            "electronic_info.smart_terminal".to_string(),
            "biomedicine_health".into(),
        ];
        let v = generate(5_000, 7, &chains, until);
        assert_eq!(v, generate(5_000, 7, &chains, until), "deterministic");
        let mut numbers = std::collections::HashSet::new();
        for c in &v {
            assert!(c.tech_amount_fen > 0 && c.tech_amount_fen <= c.contract_amount_fen);
            assert!(c.registered_at.unwrap() <= until);
            assert!(c.signed_on < c.registered_at.unwrap().date_naive());
            assert!(numbers.insert(c.registration_number.clone().unwrap()));
            for p in [&c.seller, &c.buyer] {
                if let Some(code) = &p.credit_code {
                    app::domain::CreditCode::parse(code).expect("valid credit code");
                }
            }
            let non_tech: i64 = c.non_technical.iter().map(|x| x.1).sum();
            assert_eq!(c.tech_amount_fen + non_tech, c.contract_amount_fen);
        }
        let small = v
            .iter()
            .filter(|c| c.contract_amount_fen < 100 * 10_000 * 100)
            .count();
        let large = v
            .iter()
            .filter(|c| c.contract_amount_fen >= 1_000 * 10_000 * 100)
            .count();
        assert!(small > v.len() / 2, "most contracts are under ¥1m: {small}");
        assert!(
            large > 0 && large < v.len() / 10,
            "few are ¥10m or more: {large}"
        );
        let services = v
            .iter()
            .filter(|c| c.contract_type == ContractType::Service)
            .count();
        let transfers = v
            .iter()
            .filter(|c| c.contract_type == ContractType::Transfer)
            .count();
        assert!(services > 3 * transfers);
        let y21 = v
            .iter()
            .filter(|c| {
                c.registration_number
                    .as_deref()
                    .unwrap()
                    .starts_with("2021")
            })
            .count();
        let y25 = v
            .iter()
            .filter(|c| {
                c.registration_number
                    .as_deref()
                    .unwrap()
                    .starts_with("2025")
            })
            .count();
        assert!(y25 > y21, "registrations grow");
    }
}
