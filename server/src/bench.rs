//! Synthetic data and the search benchmark (`server bench-data`, `server bench-search`).
//! Figures are printed, never asserted: results go to BENCHMARKS.md by hand.
use app::model::{SearchDoc, SearchKind, SearchParams, SearchSort};
use app::ports::SearchIndex;
use chrono::{Duration, TimeZone, Utc};
use std::io::{BufRead, Write};
use std::time::Instant;

/// A small deterministic generator, so every run benchmarks the same documents and queries.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index drawn with these weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total.max(1) as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const TERMS: &[&str] = &[
    "铝合金",
    "热处理",
    "挤压型材",
    "表面处理",
    "动力电池",
    "热管理",
    "储能",
    "磷酸铁锂",
    "氢能",
    "燃料电池",
    "电机控制器",
    "功率模块",
    "汽车电子",
    "新能源汽车",
    "工程机械",
    "液压系统",
    "轨道交通",
    "节能环保",
    "污水处理",
    "固废利用",
    "5G基站",
    "工业互联网",
    "物联网",
    "北斗定位",
    "区块链",
    "人工智能",
    "机器视觉",
    "视觉检测",
    "大数据",
    "边缘计算",
    "集成电路",
    "封装测试",
    "新型显示",
    "Mini LED",
    "智能终端",
    "中药",
    "民族药",
    "壮药",
    "瑶药",
    "医疗器械",
    "体外诊断",
    "生物技术药",
    "疫苗",
    "基因检测",
    "甘蔗",
    "糖业",
    "种业",
    "水稻育种",
    "农产品保鲜",
    "冷链物流",
    "智慧农业",
    "水肥一体化",
    "病虫害识别",
    "茉莉花",
    "火龙果",
    "沃柑",
    "桑蚕",
    "食品安全",
    "检测试剂",
    "复合材料",
    "石墨烯",
    "稀土",
    "锰系材料",
    "碳酸钙",
    "林产化工",
    "木材加工",
    "造纸",
    "智慧城市",
    "公共安全",
    "防灾减灾",
    "量子信息",
    "生物工程",
    "传感器",
    "数控机床",
    "工业机器人",
    "激光加工",
    "焊接工艺",
    "3D打印",
    "AI算法",
    "云计算",
    "数字孪生",
];
const SUFFIX: &[&str] = &[
    "关键技术研究",
    "工艺优化",
    "系统开发",
    "产业化应用",
    "性能提升",
    "国产化替代",
    "质量控制",
    "检测方法",
    "装备研制",
    "平台建设",
];
const SENTENCES: &[&str] = &[
    "企业现有产线在{a}环节存在瓶颈，良率和成本制约了规模化生产。",
    "需要围绕{a}与{b}开展联合攻关，形成可在南宁落地的解决方案。",
    "目标是在两年内完成{a}中试验证，并实现{b}指标提升百分之二十以上。",
    "项目将结合{a}技术，对{b}进行系统化改进，降低能耗与排放。",
    "希望与高校、科研院所合作，共建{a}联合实验室，培养专业人才。",
    "现有{a}设备依赖进口，亟需开发具有自主知识产权的{b}方案。",
    "成果已在实验室完成{a}原理验证，下一步开展{b}工程化放大。",
    "面向东盟市场，推动{a}相关产品和{b}服务走出去。",
];
const INSTITUTIONS: &[&str] = &[
    "广西大学",
    "广西科学院",
    "广西中医药大学",
    "桂林电子科技大学",
    "桂林理工大学",
    "广西民族大学",
    "南宁师范大学",
    "广西医科大学",
];
const ENTERPRISE: &[&str] = &[
    "南宁",
    "广西",
    "邕江",
    "青秀",
    "五象",
    "东盟",
    "北部湾",
    "八桂",
];
const ENTERPRISE_TAIL: &[&str] = &[
    "科技有限公司",
    "新材料有限公司",
    "智能装备有限公司",
    "生物科技有限公司",
    "农业发展有限公司",
    "电子有限公司",
];
const DISTRICTS: &[&str] = &[
    "xingning",
    "qingxiu",
    "jiangnan",
    "xixiangtang",
    "liangqing",
    "yongning",
    "wuming",
    "hengzhou",
    "binyang",
    "shanglin",
    "mashan",
    "longan",
    "nanning_hitech",
    "nanning_etdz",
    "asean_etdz",
    "ftz_nanning",
    "guangxi_other",
];
const CHAINS: &[&str] = &[
    "electronic_info.network_equipment",
    "electronic_info.new_display",
    "advanced_manufacturing.new_energy_vehicle",
    "advanced_manufacturing.automotive_electronics",
    "advanced_manufacturing.construction_machinery",
    "biomedicine_health.tcm_ethnic",
    "biomedicine_health.medical_devices",
    "modern_agriculture.seed_industry",
    "modern_agriculture.smart_agriculture",
    "strategic_emerging.high_end_aluminum",
    "strategic_emerging.new_energy",
    "new_tech_application.mobile_5g",
    "new_tech_application.artificial_intelligence",
    "future_industries.hydrogen_storage",
    "urban_livelihood.pollution_control",
];
const ORG_TYPES: &[&str] = &["enterprise", "university", "institute", "service_agency"];
const MODES: &[&str] = &["transfer", "license", "equity", "joint_development"];

pub fn generate(n: usize, seed: u64) -> Vec<SearchDoc> {
    let mut r = Rng(seed.max(1));
    let base = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    (0..n)
        .map(|i| {
            let kind = match r.below(10) {
                0..=4 => SearchKind::Demand,
                5..=7 => SearchKind::Achievement,
                8 => SearchKind::Expert,
                _ => SearchKind::Organization,
            };
            let (a, b) = (r.pick(TERMS), r.pick(TERMS));
            let title = format!(
                "{a}{}{}",
                if r.below(2) == 0 { r.pick(TERMS) } else { "" },
                r.pick(SUFFIX)
            );
            let sentences = 3 + r.below(4);
            let body: String = (0..sentences)
                .map(|_| {
                    r.pick(SENTENCES)
                        .replace("{a}", r.pick(TERMS))
                        .replace("{b}", if r.below(2) == 0 { a } else { b })
                })
                .collect();
            let org_type = r.pick(ORG_TYPES);
            let org_name = if org_type == "enterprise" {
                format!(
                    "{}{}{}",
                    r.pick(ENTERPRISE),
                    r.pick(TERMS).chars().take(2).collect::<String>(),
                    r.pick(ENTERPRISE_TAIL)
                )
            } else {
                r.pick(INSTITUTIONS).to_string()
            };
            SearchDoc {
                kind,
                id: format!("bench-{i}"),
                title,
                body,
                keywords: vec![a.to_string(), b.to_string()],
                org_name,
                chain: Some(r.pick(CHAINS).to_string()),
                district: Some(r.pick(DISTRICTS).to_string()),
                org_type: Some(org_type.to_string()),
                transfer_modes: if kind == SearchKind::Achievement {
                    vec![r.pick(MODES).to_string()]
                } else {
                    vec![]
                },
                trl: Some(1 + r.below(9) as u8),
                budget_fen: Some((5 + r.below(500)) as i64 * 1_000_000),
                published_at: base + Duration::minutes(r.below(1_000_000) as i64),
            }
        })
        .collect()
}

/// The fixed query mix: 1–4 words from the vocabulary, a third of them with filters.
pub fn queries(seed: u64) -> Vec<SearchParams> {
    let mut r = Rng(seed.max(1) ^ 0x9E37_79B9_7F4A_7C15);
    (0..200)
        .map(|i| {
            let words = 1 + r.below(4);
            let q: Vec<String> = (0..words)
                .map(|_| {
                    let t = r.pick(TERMS);
                    // Some single characters and two-character words, as people type them.
                    match r.below(6) {
                        0 => t.chars().take(1).collect(),
                        1 => t.chars().take(2).collect(),
                        _ => t.to_string(),
                    }
                })
                .collect();
            let mut p = SearchParams {
                q: q.join(" "),
                page: 1,
                per_page: 10,
                ..Default::default()
            };
            match i % 6 {
                1 => p.chain = Some(r.pick(CHAINS).split('.').next().unwrap_or("").to_string()),
                3 => p.district = Some(r.pick(DISTRICTS).to_string()),
                5 => {
                    p.kind = Some(SearchKind::Demand);
                    p.trl_min = Some(3);
                    p.trl_max = Some(7);
                }
                _ => {}
            }
            if i % 20 == 7 {
                p.sort = SearchSort::Newest;
            }
            p
        })
        .collect()
}

pub fn write_jsonl(path: &std::path::Path, docs: &[SearchDoc]) -> anyhow::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for d in docs {
        serde_json::to_writer(&mut f, d)?;
        f.write_all(b"\n")?;
    }
    Ok(())
}

pub fn read_jsonl(path: &std::path::Path) -> anyhow::Result<Vec<SearchDoc>> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    f.lines().map(|l| Ok(serde_json::from_str(&l?)?)).collect()
}

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

pub async fn run(
    index: &dyn SearchIndex,
    docs: Vec<SearchDoc>,
    rounds: usize,
) -> anyhow::Result<()> {
    let n = docs.len();
    let started = Instant::now();
    for chunk in docs.chunks(5_000) {
        index.apply(chunk.to_vec(), vec![]).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("engine: {}", index.engine());
    if n > 0 {
        println!("documents: {n}");
        println!(
            "indexing: {:.1} s, {:.0} documents/s",
            secs,
            n as f64 / secs
        );
    }
    let qs = queries(42);
    // One warm-up pass, then `rounds` measured passes over the same 200 queries.
    for q in &qs {
        index.search(q).await?;
    }
    let mut lat = Vec::with_capacity(qs.len() * rounds);
    let mut hits = 0u64;
    for _ in 0..rounds {
        for q in &qs {
            let t = Instant::now();
            let r = index.search(q).await?;
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += r.total;
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "search latency over {} queries: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (mean matches per query {:.0})",
        lat.len(),
        percentile(&lat, 50.0),
        percentile(&lat, 95.0),
        percentile(&lat, 99.0),
        lat.last().copied().unwrap_or(0.0),
        hits as f64 / lat.len().max(1) as f64
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak RSS: {m:.0} MiB");
    }
    Ok(())
}

/// What `write_import_files` wrote.
#[derive(Debug, Default)]
pub struct ImportFiles {
    pub organizations: usize,
    pub experts: usize,
    pub demands: usize,
    pub achievements: usize,
    /// In the order they must be imported: `(kind, path)`.
    pub files: Vec<(&'static str, std::path::PathBuf)>,
}

/// Rows per file: keeps every file under the import's 20 MB and 50,000-row limits.
const ROWS_PER_FILE: usize = 20_000;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The same synthetic documents as importable files (organizations, experts, demands,
/// achievements), so a whole server can be loaded through the real import path and measured.
/// Each distinct organization name becomes one verified organization with a valid credit code.
pub fn write_import_files(
    docs: &[SearchDoc],
    dir: &std::path::Path,
) -> anyhow::Result<ImportFiles> {
    use std::collections::HashMap;
    std::fs::create_dir_all(dir)?;
    let mut out = ImportFiles::default();
    // Organizations, first seen first.
    let mut orgs: HashMap<&str, String> = HashMap::new();
    let mut org_rows =
        String::from("name,org_type,credit_code,district,contact_name,contact_phone,verified\n");
    for d in docs {
        if orgs.contains_key(d.org_name.as_str()) {
            continue;
        }
        let n = orgs.len();
        let body = format!("91450100BH{n:07}");
        let check = app::domain::credit_code::compute_check_char(&body)
            .ok_or_else(|| anyhow::anyhow!("no check character for {body}"))?;
        let code = format!("{body}{check}");
        let org_type = if d.org_name.ends_with("公司") {
            "enterprise"
        } else {
            d.org_type
                .as_deref()
                .filter(|t| *t != "enterprise")
                .unwrap_or("university")
        };
        org_rows.push_str(&format!(
            "{},{org_type},{code},{},联系人,0771-{:07},true\n",
            csv_field(&d.org_name),
            d.district.as_deref().unwrap_or("qingxiu"),
            5_000_000 + n
        ));
        orgs.insert(&d.org_name, code);
    }
    out.organizations = orgs.len();
    let path = dir.join("organizations.csv");
    std::fs::write(&path, org_rows)?;
    out.files.push(("organizations", path));
    let mut write_parts = |kind: &'static str,
                           header: Option<&str>,
                           ext: &str,
                           rows: Vec<String>|
     -> anyhow::Result<usize> {
        let n = rows.len();
        for (i, chunk) in rows.chunks(ROWS_PER_FILE).enumerate() {
            let path = dir.join(format!("{kind}-{:02}.{ext}", i + 1));
            let mut body = header.map(str::to_string).unwrap_or_default();
            for r in chunk {
                body.push_str(r);
                body.push('\n');
            }
            std::fs::write(&path, body)?;
            out.files.push((kind, path));
        }
        Ok(n)
    };
    let code_of = |d: &SearchDoc| orgs[d.org_name.as_str()].clone();
    let experts: Vec<String> = docs
        .iter()
        .filter(|d| d.kind == SearchKind::Expert)
        .map(|d| {
            let name: String = format!("专家{}", d.id.trim_start_matches("bench-"));
            [
                name,
                format!("{}@bench.example.org", d.id),
                "研究员".into(),
                csv_field(&d.keywords[0]),
                csv_field(&d.keywords.join("、")),
                code_of(d),
                csv_field(&d.body),
                "true".into(),
                "true".into(),
            ]
            .join(",")
        })
        .collect();
    let experts_n = write_parts(
        "experts",
        Some("name,email,title,fields,keywords,org_credit_code,bio,accepts_review,is_public\n"),
        "csv",
        experts,
    )?;
    let demands: Vec<String> = docs
        .iter()
        .filter(|d| d.kind == SearchKind::Demand)
        .map(|d| {
            let wan = d.budget_fen.unwrap_or(10_000_000) / 1_000_000;
            [
                d.id.clone(),
                code_of(d),
                csv_field(&d.title),
                csv_field(&d.body),
                d.chain.clone().unwrap_or_default(),
                csv_field(&d.keywords[0]),
                csv_field(&d.keywords.join("、")),
                (wan / 2).max(1).to_string(),
                wan.max(1).to_string(),
                d.trl.unwrap_or(5).to_string(),
                "2030-12-31".into(),
                "negotiable".into(),
            ]
            .join(",")
        })
        .collect();
    let demands_n = write_parts(
        "demands",
        Some("id,org_credit_code,title,description,chain,field,keywords,budget_min_wan,budget_max_wan,trl,deadline,ip_preference\n"),
        "csv",
        demands,
    )?;
    let achievements: Vec<String> = docs
        .iter()
        .filter(|d| d.kind == SearchKind::Achievement)
        .map(|d| {
            serde_json::json!({
                "id": d.id,
                "org_credit_code": code_of(d),
                "title": d.title,
                "summary": d.body,
                "chain": d.chain,
                "field": d.keywords[0],
                "keywords": d.keywords,
                "trl": d.trl.unwrap_or(5),
                "transfer_modes": d.transfer_modes,
                "price_wan": (d.budget_fen.unwrap_or(0) / 1_000_000).to_string(),
            })
            .to_string()
        })
        .collect();
    let achievements_n = write_parts("achievements", None, "jsonl", achievements)?;
    out.experts = experts_n;
    out.demands = demands_n;
    out.achievements = achievements_n;
    Ok(out)
}

/// The same 200 queries through `GET /api/v1/search` of a running server; with `pid`, that
/// server's memory (peak and current, from /proc) is printed afterwards.
pub async fn run_http(base: &str, pid: Option<u32>, rounds: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let base = base.trim_end_matches('/');
    let url_of = |p: &SearchParams| {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", p.q.clone()),
            ("page", p.page.to_string()),
            ("per_page", p.per_page.to_string()),
        ];
        if let Some(k) = p.kind {
            pairs.push(("kind", k.as_str().into()));
        }
        if let Some(c) = &p.chain {
            pairs.push(("chain", c.clone()));
        }
        if let Some(d) = &p.district {
            pairs.push(("district", d.clone()));
        }
        if let Some(t) = p.trl_min {
            pairs.push(("trl_min", t.to_string()));
        }
        if let Some(t) = p.trl_max {
            pairs.push(("trl_max", t.to_string()));
        }
        if p.sort == SearchSort::Newest {
            pairs.push(("sort", "newest".into()));
        }
        let qs: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", urlencoding(&v)))
            .collect();
        format!("{base}/api/v1/search?{}", qs.join("&"))
    };
    let qs = queries(42);
    let mut lat = Vec::with_capacity(qs.len() * rounds);
    let mut total = 0u64;
    for round in 0..=rounds {
        for q in &qs {
            let t = Instant::now();
            let resp = client.get(url_of(q)).send().await?;
            let status = resp.status();
            let body = resp.text().await?;
            if !status.is_success() {
                anyhow::bail!("HTTP {status} for {:?}: {body}", q.q);
            }
            let v: serde_json::Value = serde_json::from_str(&body)?;
            // Round 0 warms up.
            if round > 0 {
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                total += v["total"].as_u64().unwrap_or(0);
            }
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "HTTP search latency over {} requests: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (mean matches per query {:.0})",
        lat.len(),
        percentile(&lat, 50.0),
        percentile(&lat, 95.0),
        percentile(&lat, 99.0),
        lat.last().copied().unwrap_or(0.0),
        total as f64 / lat.len().max(1) as f64
    );
    if let Some(pid) = pid {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
        };
        if let (Some(peak), Some(now), Some(anon), Some(file)) = (
            field("VmHWM:"),
            field("VmRSS:"),
            field("RssAnon:"),
            field("RssFile:"),
        ) {
            println!(
                "server RSS: peak {peak:.0} MiB, now {now:.0} MiB (heap and stacks {anon:.0} MiB, mapped files such as the index {file:.0} MiB)"
            );
        }
    }
    Ok(())
}

fn urlencoding(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Runs the 200 benchmark queries on two engines and prints those whose totals differ, with
/// both totals (a check of the conformance promise at scale; prints, never asserts).
pub async fn compare(a: &dyn SearchIndex, b: &dyn SearchIndex) -> anyhow::Result<usize> {
    let mut differ = 0;
    for q in queries(42) {
        let (ra, rb) = (a.search(&q).await?, b.search(&q).await?);
        if ra.total != rb.total {
            differ += 1;
            println!(
                "{:?} kind={:?} chain={:?} district={:?} sort={:?}: {} {} vs {} {}",
                q.q,
                q.kind,
                q.chain,
                q.district,
                q.sort,
                a.engine(),
                ra.total,
                b.engine(),
                rb.total
            );
        }
    }
    println!("{differ} of 200 queries differ in their totals");
    Ok(differ)
}
