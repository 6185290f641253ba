//! A call's content (榜单): the call form and the demo seeds. Every problem is reported under
//! the form's field name, list problems with their line number.
use super::Catalog;
use crate::domain::call::{Criterion, Eligibility, Indicator, MilestoneTemplate};
use crate::domain::money::Fen;
use crate::domain::text::clean_text;
use crate::domain::time::parse_local_datetime;
use crate::domain::OrgType;
use crate::error::{AppError, Errors};
use crate::model::CallForm;
use chrono::{DateTime, Duration, Utc};

pub const TITLE: (usize, usize) = (4, 80);
pub const LONG_TEXT: (usize, usize) = (10, 5000);
pub const MAX_ITEMS: usize = 20;
pub const MAX_WINNERS: u32 = 5;
pub const MAX_DURATION_MONTHS: u32 = 60;
/// How far ahead a window may close.
pub const MAX_WINDOW_DAYS: i64 = 730;

/// What a call says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct CallContent {
    pub title: String,
    pub background: String,
    pub goal: String,
    pub chain_code: String,
    pub district_code: String,
    pub indicators: Vec<Indicator>,
    pub acceptance: String,
    pub city_fund: Fen,
    pub enterprise_fund: Fen,
    pub name_cofunder: bool,
    pub eligibility: Eligibility,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    pub score_scale: u32,
    pub winners: u32,
    pub duration_months: u32,
    pub milestones: Vec<MilestoneTemplate>,
    pub demand_ids: Vec<uuid::Uuid>,
}

/// The non-empty lines of a list field, split at `|` (or the full-width `｜`), numbered from 1.
fn lines(input: &str) -> Vec<(usize, Vec<String>)> {
    input
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                l.split(['|', '｜']).map(|p| p.trim().to_string()).collect(),
            )
        })
        .collect()
}

fn whole_number(s: &str) -> Option<u32> {
    let s = crate::domain::text::fullwidth_to_ascii(s.trim());
    let s = s.trim_end_matches('%').trim();
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub(crate) fn list_field<T>(
    errs: &mut Errors,
    field: &str,
    input: &str,
    parts: usize,
    (zh_shape, en_shape): (&str, &str),
    mut item: impl FnMut(&mut Errors, usize, &[String]) -> Option<T>,
) -> Vec<T> {
    let rows = lines(input);
    if rows.is_empty() {
        errs.push(
            field,
            format!("请至少填写一项，每行一项，格式：{zh_shape}"),
            format!("Enter at least one item, one per line: {en_shape}"),
        );
        return vec![];
    }
    if rows.len() > MAX_ITEMS {
        errs.push(
            field,
            format!("最多 {MAX_ITEMS} 项"),
            format!("At most {MAX_ITEMS} items"),
        );
        return vec![];
    }
    let mut out = vec![];
    for (n, p) in rows {
        if p.len() != parts || p.iter().any(|x| x.is_empty()) {
            errs.push(
                field,
                format!("第 {n} 行格式不对，应为：{zh_shape}"),
                format!("Line {n} should read: {en_shape}"),
            );
            continue;
        }
        if let Some(v) = item(errs, n, &p) {
            out.push(v);
        }
    }
    out
}

pub(crate) fn short(
    errs: &mut Errors,
    field: &str,
    n: usize,
    s: &str,
    max: usize,
) -> Option<String> {
    match clean_text(s, 1, max) {
        Ok(v) => Some(v),
        Err(e) => {
            errs.push(
                field,
                format!("第 {n} 行：{}", e.message_zh()),
                format!("Line {n}: {}", e.message_en()),
            );
            None
        }
    }
}

/// The `indicators` field of a call or a task contract: `名称 | 单位 | 目标值` per line.
pub(crate) fn indicators(errs: &mut Errors, input: &str) -> Vec<Indicator> {
    list_field(
        errs,
        "indicators",
        input,
        3,
        ("指标名称 | 单位 | 目标值", "name | unit | target value"),
        |errs, n, p| {
            Some(Indicator {
                name: short(errs, "indicators", n, &p[0], 60)?,
                unit: short(errs, "indicators", n, &p[1], 20)?,
                target: short(errs, "indicators", n, &p[2], 40)?,
            })
        },
    )
}

/// Every problem at once. `now` is the server clock's time: the window may not open in the past.
pub fn parse(f: &CallForm, cat: &dyn Catalog, now: DateTime<Utc>) -> Result<CallContent, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, TITLE.0, TITLE.1));
    let background = errs.take(
        "background",
        clean_text(&f.background, LONG_TEXT.0, LONG_TEXT.1),
    );
    let goal = errs.take("goal", clean_text(&f.goal, LONG_TEXT.0, LONG_TEXT.1));
    let chain_code = super::chain(&mut errs, cat, &f.chain);
    let district_code = if cat.is_district(f.district.trim()) {
        Some(f.district.trim().to_string())
    } else {
        errs.push("district", "请选择所在区域", "Choose a district");
        None
    };
    let indicators = indicators(&mut errs, &f.indicators);
    let acceptance = errs.take(
        "acceptance",
        clean_text(&f.acceptance, LONG_TEXT.0, LONG_TEXT.1),
    );
    let city_fund = errs.take("city_fund", Fen::parse_wan(&f.city_fund));
    let enterprise_fund = if f.enterprise_fund.trim().is_empty() {
        Some(Fen::ZERO)
    } else {
        errs.take("enterprise_fund", Fen::parse_wan(&f.enterprise_fund))
    };
    if let (Some(c), Some(e)) = (city_fund, enterprise_fund) {
        if c.fen().checked_add(e.fen()).is_none_or(|t| t <= 0) {
            errs.push(
                "city_fund",
                "榜额（财政与企业出资合计）须大于 0",
                "The funding (city and enterprise shares together) must be more than zero",
            );
        }
    }
    let mut org_types = vec![];
    for code in &f.org_types {
        match OrgType::parse(code.trim()) {
            Some(t) if t != OrgType::Government => {
                if !org_types.contains(&t) {
                    org_types.push(t)
                }
            }
            _ => errs.push(
                "org_types",
                "可揭榜的机构类型不在列表中",
                "An organization type is not in the list",
            ),
        }
    }
    if f.org_types.is_empty() {
        errs.push(
            "org_types",
            "请至少选择一类可揭榜的机构",
            "Choose at least one type of organization that may bid",
        );
    }
    let opens_at = parse_local_datetime(&f.opens_at);
    if opens_at.is_none() {
        errs.push(
            "opens_at",
            "请填写揭榜开始时间（北京时间）",
            "Enter when bidding opens (Beijing time)",
        );
    }
    let closes_at = parse_local_datetime(&f.closes_at);
    if closes_at.is_none() {
        errs.push(
            "closes_at",
            "请填写揭榜截止时间（北京时间）",
            "Enter when bidding closes (Beijing time)",
        );
    }
    // The minute being typed is not "the past".
    if opens_at.is_some_and(|o| o + Duration::minutes(1) <= now) {
        errs.push(
            "opens_at",
            "揭榜开始时间不能早于现在",
            "Bidding cannot open in the past",
        );
    }
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if c <= o {
            errs.push(
                "closes_at",
                "截止时间须晚于开始时间",
                "Bidding must close after it opens",
            );
        } else if c > now + Duration::days(MAX_WINDOW_DAYS) {
            errs.push(
                "closes_at",
                "截止时间不能晚于两年后",
                "Bidding cannot close more than two years from now",
            );
        }
    }
    let criteria = list_field(
        &mut errs,
        "criteria",
        &f.criteria,
        2,
        ("评审指标 | 权重", "criterion | weight"),
        |errs, n, p| {
            let name = short(errs, "criteria", n, &p[0], 40)?;
            match whole_number(&p[1]).filter(|w| (1..=100).contains(w)) {
                Some(weight) => Some(Criterion { name, weight }),
                None => {
                    errs.push(
                        "criteria",
                        format!("第 {n} 行：权重应为 1–100 的整数"),
                        format!("Line {n}: the weight must be a whole number from 1 to 100"),
                    );
                    None
                }
            }
        },
    );
    let weights: u32 = criteria.iter().map(|c| c.weight).sum();
    if !criteria.is_empty() && weights != 100 && !errs.0.iter().any(|e| e.field == "criteria") {
        errs.push(
            "criteria",
            format!("评审指标权重合计应为 100，现为 {weights}"),
            format!("The weights must add up to 100; they add up to {weights}"),
        );
    }
    let score_scale = match whole_number(&f.score_scale).filter(|s| (5..=100).contains(s)) {
        Some(s) => Some(s),
        None => {
            errs.push(
                "score_scale",
                "评分满分应为 5–100 的整数",
                "The top score must be a whole number from 5 to 100",
            );
            None
        }
    };
    let winners = match whole_number(&f.winners).filter(|w| (1..=MAX_WINNERS).contains(w)) {
        Some(w) => Some(w),
        None => {
            errs.push(
                "winners",
                format!("中榜团队数应为 1–{MAX_WINNERS}（赛马制可多于 1）"),
                format!("The number of winners must be from 1 to {MAX_WINNERS}"),
            );
            None
        }
    };
    let duration =
        whole_number(&f.duration_months).filter(|d| (1..=MAX_DURATION_MONTHS).contains(d));
    if duration.is_none() {
        errs.push(
            "duration_months",
            format!("攻关周期应为 1–{MAX_DURATION_MONTHS} 个月"),
            format!("The duration must be from 1 to {MAX_DURATION_MONTHS} months"),
        );
    }
    let milestones = list_field(
        &mut errs,
        "milestones",
        &f.milestones,
        3,
        (
            "交付物 | 第几个月 | 拨付比例%",
            "deliverable | month due | payment share %",
        ),
        |errs, n, p| {
            let deliverable = short(errs, "milestones", n, &p[0], 80)?;
            let due = whole_number(&p[1]);
            let share = whole_number(&p[2]).filter(|s| (1..=100).contains(s));
            match (due, share) {
                (Some(due_months), Some(share_pct)) => {
                    if duration.is_some_and(|d| due_months > d) {
                        errs.push(
                            "milestones",
                            format!("第 {n} 行：到期月份不能超出攻关周期"),
                            format!("Line {n}: the month due is after the end of the duration"),
                        );
                        return None;
                    }
                    Some(MilestoneTemplate {
                        deliverable,
                        due_months,
                        share_pct,
                    })
                }
                _ => {
                    errs.push(
                        "milestones",
                        format!("第 {n} 行：月份应为整数，拨付比例应为 1–100 的整数"),
                        format!("Line {n}: the month is a whole number and the share a whole number from 1 to 100"),
                    );
                    None
                }
            }
        },
    );
    let shares: u32 = milestones.iter().map(|m| m.share_pct).sum();
    if !milestones.is_empty() && shares != 100 && !errs.0.iter().any(|e| e.field == "milestones") {
        errs.push(
            "milestones",
            format!("各里程碑拨付比例合计应为 100%，现为 {shares}%"),
            format!("The payment shares must add up to 100%; they add up to {shares}%"),
        );
    }
    if milestones
        .windows(2)
        .any(|w| w[1].due_months < w[0].due_months)
    {
        errs.push(
            "milestones",
            "里程碑应按到期月份先后排列",
            "List the milestones in the order they fall due",
        );
    }
    let mut demand_ids = vec![];
    for d in &f.demand_ids {
        match uuid::Uuid::parse_str(d.trim()) {
            Ok(id) if !demand_ids.contains(&id) => demand_ids.push(id),
            Ok(_) => {}
            Err(_) => errs.push(
                "demand_ids",
                "所选需求不存在",
                "A chosen demand does not exist",
            ),
        }
    }
    if demand_ids.len() > MAX_ITEMS {
        errs.push(
            "demand_ids",
            format!("一个榜单最多关联 {MAX_ITEMS} 条需求"),
            format!("A call can be built from at most {MAX_ITEMS} demands"),
        );
    }
    errs.finish()?;
    let (Some(title), Some(background), Some(goal), Some(chain_code), Some(district_code)) =
        (title, background, goal, chain_code, district_code)
    else {
        return Err(AppError::Internal);
    };
    let (Some(acceptance), Some(city_fund), Some(enterprise_fund), Some(opens_at), Some(closes_at)) =
        (acceptance, city_fund, enterprise_fund, opens_at, closes_at)
    else {
        return Err(AppError::Internal);
    };
    let (Some(score_scale), Some(winners), Some(duration_months)) =
        (score_scale, winners, duration)
    else {
        return Err(AppError::Internal);
    };
    Ok(CallContent {
        title,
        background,
        goal,
        chain_code,
        district_code,
        indicators,
        acceptance,
        city_fund,
        enterprise_fund,
        name_cofunder: f.name_cofunder,
        eligibility: Eligibility {
            org_types,
            guangxi_only: f.guangxi_only,
            consortium_allowed: f.consortium_allowed,
        },
        opens_at,
        closes_at,
        criteria,
        score_scale,
        winners,
        duration_months,
        milestones,
        demand_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Chain, District, RefData};
    use chrono::TimeZone;

    fn refs() -> RefData {
        RefData {
            districts: vec![District {
                code: "450103".into(),
                name_zh: "青秀区".into(),
                name_en: "Qingxiu".into(),
                kind: "district".into(),
                sort: 0,
            }],
            chains: vec![
                Chain {
                    code: "ev".into(),
                    parent_code: None,
                    name_zh: "新能源汽车".into(),
                    name_en: "EV".into(),
                    sort: 0,
                },
                Chain {
                    code: "ev.battery".into(),
                    parent_code: Some("ev".into()),
                    name_zh: "电池".into(),
                    name_en: "Battery".into(),
                    sort: 0,
                },
            ],
        }
    }

    fn now() -> DateTime<Utc> {
        // 2026-12-01 10:00 Beijing time.
        Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
    }

    pub(crate) fn good() -> CallForm {
        CallForm {
            title: "动力电池低温性能提升".into(),
            background: "南宁新能源汽车产业链对低温续航有迫切需求。".into(),
            goal: "研发低温电解液，使 -20℃ 容量保持率达到 85% 以上。".into(),
            chain: "ev.battery".into(),
            district: "450103".into(),
            indicators: "低温容量保持率 | % | ≥ 85\n循环寿命 | 次 | ≥ 2000".into(),
            acceptance: "第三方检测机构出具检测报告，指标全部达到。".into(),
            city_fund: "300".into(),
            enterprise_fund: "200".into(),
            name_cofunder: true,
            org_types: vec!["university".into(), "institute".into()],
            guangxi_only: true,
            consortium_allowed: true,
            opens_at: "2026-12-02T09:00".into(),
            closes_at: "2027-01-15T17:00".into(),
            criteria: "技术方案 | 40\n团队能力 | 30\n经费合理性 | 30".into(),
            score_scale: "100".into(),
            winners: "1".into(),
            duration_months: "24".into(),
            milestones: "签约启动 | 0 | 65\n中期考核 | 12 | 20\n验收 | 24 | 15".into(),
            demand_ids: vec![],
        }
    }

    fn fields(f: &CallForm) -> Vec<String> {
        match parse(f, &refs(), now()) {
            Err(AppError::Validation(v)) => v.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_call_parses_in_fen_and_utc() {
        let c = parse(&good(), &refs(), now()).expect("valid");
        assert_eq!(c.city_fund, Fen(300 * 10_000 * 100));
        assert_eq!(c.enterprise_fund, Fen(200 * 10_000 * 100));
        assert_eq!(
            c.opens_at,
            Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap()
        );
        assert_eq!(c.indicators.len(), 2);
        assert_eq!(c.indicators[0].target, "≥ 85");
        assert_eq!(c.criteria.iter().map(|c| c.weight).sum::<u32>(), 100);
        assert_eq!(c.milestones[0].share_pct, 65);
        assert_eq!(
            c.eligibility.org_types,
            vec![OrgType::University, OrgType::Institute]
        );
    }

    #[test]
    fn weights_and_shares_must_sum_to_one_hundred() {
        let mut f = good();
        f.criteria = "技术方案 | 40\n团队能力 | 30".into();
        f.milestones = "签约启动 | 0 | 65\n验收 | 24 | 30".into();
        let e = parse(&f, &refs(), now()).unwrap_err();
        let v = e.field_errors();
        assert!(
            v.iter()
                .any(|e| e.field == "criteria" && e.zh.contains("现为 70")),
            "{v:?}"
        );
        assert!(
            v.iter()
                .any(|e| e.field == "milestones" && e.en.contains("95%")),
            "{v:?}"
        );
    }

    #[test]
    fn a_window_closing_before_it_opens_or_opening_in_the_past_is_refused() {
        let mut f = good();
        f.closes_at = "2026-12-02T08:00".into();
        assert_eq!(fields(&f), vec!["closes_at"]);
        let mut f = good();
        f.opens_at = "2026-11-30T09:00".into();
        assert_eq!(fields(&f), vec!["opens_at"]);
        let mut f = good();
        f.opens_at = "tomorrow".into();
        assert_eq!(fields(&f), vec!["opens_at"]);
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let mut f = good();
        f.indicators = "低温容量保持率 | %\n\n循环寿命 | 次 | ≥ 2000 | extra".into();
        let e = parse(&f, &refs(), now()).unwrap_err();
        let msgs: Vec<_> = e.field_errors().iter().map(|e| e.zh.clone()).collect();
        assert!(msgs.iter().any(|m| m.contains("第 1 行")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("第 3 行")), "{msgs:?}");
    }

    #[test]
    fn winners_scale_duration_org_types_and_funding_are_bounded() {
        let mut f = good();
        f.winners = "0".into();
        f.score_scale = "1000".into();
        f.duration_months = "-3".into();
        f.org_types = vec!["government".into()];
        f.city_fund = "0".into();
        f.enterprise_fund = "0".into();
        let mut got = fields(&f);
        got.sort();
        assert_eq!(
            got,
            vec![
                "city_fund",
                "duration_months",
                "org_types",
                "score_scale",
                "winners"
            ]
        );
    }

    #[test]
    fn a_milestone_after_the_duration_or_out_of_order_is_refused() {
        let mut f = good();
        f.milestones = "签约启动 | 0 | 65\n验收 | 36 | 35".into();
        assert_eq!(fields(&f), vec!["milestones"]);
        let mut f = good();
        f.milestones = "验收 | 24 | 35\n签约启动 | 0 | 65".into();
        assert_eq!(fields(&f), vec!["milestones"]);
    }
}
