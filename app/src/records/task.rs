//! A task contract (任务书) as an official records it, and a milestone submission as a team
//! writes it. Every problem at once, under the form's field names, list problems with their
//! line number. The form comes pre-filled from the call's template and the winner's bid
//! ([`prefill`]), which the official adjusts to what was agreed.
use super::call::{list_field, short};
use crate::domain::call::{Indicator, MilestoneTemplate};
use crate::domain::contract::parse_date;
use crate::domain::money::Fen;
use crate::domain::task::{parse_value, MilestoneKind};
use crate::error::{AppError, Errors};
use crate::model::{MilestoneSubmission, TaskForm};
use chrono::{Months, NaiveDate};

pub const DELIVERABLE_MAX: usize = 200;
pub const REPORT: (usize, usize) = (10, 10_000);

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMilestone {
    pub kind: MilestoneKind,
    pub deliverable: String,
    pub due_on: NaiveDate,
    pub tranche: Fen,
}

/// What a task contract says, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskContent {
    pub starts_on: NaiveDate,
    pub city_fund: Fen,
    pub enterprise_fund: Fen,
    pub milestones: Vec<PlannedMilestone>,
    pub indicators: Vec<Indicator>,
}

impl TaskContent {
    pub fn funding(&self) -> i64 {
        self.city_fund
            .fen()
            .saturating_add(self.enterprise_fund.fen())
    }
}

fn wan(errs: &mut Errors, field: &str, input: &str, blank_is_zero: bool) -> Option<Fen> {
    if blank_is_zero && input.trim().is_empty() {
        return Some(Fen::ZERO);
    }
    errs.take(field, Fen::parse_wan(input))
}

/// Every problem at once.
pub fn parse(f: &TaskForm) -> Result<TaskContent, AppError> {
    let mut errs = Errors::default();
    let starts_on = parse_date(&f.starts_on);
    if starts_on.is_none() {
        errs.push(
            "starts_on",
            "请填写任务起始日期（如 2027-01-01）",
            "Enter the start date (e.g. 2027-01-01)",
        );
    }
    let city_fund = wan(&mut errs, "city_fund", &f.city_fund, true);
    let enterprise_fund = wan(&mut errs, "enterprise_fund", &f.enterprise_fund, true);
    let funding = match (city_fund, enterprise_fund) {
        (Some(c), Some(e)) => match c.fen().checked_add(e.fen()) {
            Some(t) if t > 0 => Some(t),
            _ => {
                errs.push(
                    "city_fund",
                    "资助经费合计须大于零",
                    "The funding must be above zero",
                );
                None
            }
        },
        _ => None,
    };
    let rows = list_field(
        &mut errs,
        "milestones",
        &f.milestones,
        3,
        (
            "交付物 | 到期日（YYYY-MM-DD） | 拨款（万元）",
            "deliverable | due date (YYYY-MM-DD) | tranche (10k yuan)",
        ),
        |errs, n, p| {
            let deliverable = short(errs, "milestones", n, &p[0], DELIVERABLE_MAX);
            let due = parse_date(&p[1]);
            if due.is_none() {
                errs.push(
                    "milestones",
                    format!("第 {n} 行：到期日应写作 2027-06-30"),
                    format!("Line {n}: write the due date as 2027-06-30"),
                );
            }
            let tranche = match Fen::parse_wan(&p[2]) {
                Ok(t) => Some(t),
                Err(e) => {
                    errs.push(
                        "milestones",
                        format!("第 {n} 行：{}", e.message_zh()),
                        format!("Line {n}: {}", e.message_en()),
                    );
                    None
                }
            };
            Some((n, deliverable?, due?, tranche?))
        },
    );
    let mut milestones = vec![];
    if !f.milestones.trim().is_empty() && rows.len() < 2 && !errs.has("milestones") {
        errs.push(
            "milestones",
            "至少两行：第一行为立项首期拨款，最后一行为验收",
            "At least two lines: the first is the start-up tranche, the last the final acceptance",
        );
    }
    let n = rows.len();
    let mut previous: Option<NaiveDate> = None;
    let mut total: i64 = 0;
    for (i, (line, deliverable, due_on, tranche)) in rows.into_iter().enumerate() {
        if let Some(s) = starts_on {
            if due_on < s {
                errs.push(
                    "milestones",
                    format!("第 {line} 行：到期日早于任务起始日期"),
                    format!("Line {line}: due before the task starts"),
                );
            }
        }
        if previous.is_some_and(|p| due_on < p) {
            errs.push(
                "milestones",
                format!("第 {line} 行：到期日早于上一个里程碑"),
                format!("Line {line}: due before the milestone above it"),
            );
        }
        previous = Some(due_on);
        total = total.saturating_add(tranche.fen());
        milestones.push(PlannedMilestone {
            kind: MilestoneKind::of(i, n),
            deliverable,
            due_on,
            tranche,
        });
    }
    if let Some(funding) = funding {
        if !milestones.is_empty() && !errs.has("milestones") && total != funding {
            let (t, f) = (Fen(total).format_wan(), Fen(funding).format_wan());
            if total > funding {
                errs.push(
                    "milestones",
                    format!("各期拨款合计 {t} 万元，超过资助经费 {f} 万元"),
                    format!("The tranches add up to {t} (10k yuan), more than the funding of {f}"),
                );
            } else {
                errs.push(
                    "milestones",
                    format!("各期拨款合计 {t} 万元，少于资助经费 {f} 万元：请分配全部经费"),
                    format!("The tranches add up to {t} (10k yuan), less than the funding of {f}: allocate all of it"),
                );
            }
        }
    }
    let indicators = super::call::indicators(&mut errs, &f.indicators);
    errs.finish()?;
    Ok(TaskContent {
        starts_on: starts_on.ok_or(AppError::Internal)?,
        city_fund: city_fund.ok_or(AppError::Internal)?,
        enterprise_fund: enterprise_fund.ok_or(AppError::Internal)?,
        milestones,
        indicators,
    })
}

/// The form as it opens for one winner: its share of the call's funding (as the award drafted
/// its contract: an equal share, never above what the bid asked for, split between the city
/// and the enterprise in the call's proportion), the template's milestones dated from
/// `starts_on` with the bid's plan for each, and the call's indicators.
#[allow(clippy::too_many_arguments)]
pub fn prefill(
    bid_id: uuid::Uuid,
    starts_on: NaiveDate,
    city_fen: i64,
    enterprise_fen: i64,
    winners: u32,
    bid_budget_fen: i64,
    template: &[MilestoneTemplate],
    plan: &[String],
    indicators: &[Indicator],
) -> TaskForm {
    let total =
        crate::domain::contract::award_amount(city_fen, enterprise_fen, winners, bid_budget_fen)
            .fen();
    let all = city_fen.max(0).saturating_add(enterprise_fen.max(0)).max(1);
    let city = ((i128::from(total) * i128::from(city_fen.max(0))) / i128::from(all)) as i64;
    let enterprise = total - city;
    let mut lines = vec![];
    let mut given = 0i64;
    for (i, m) in template.iter().enumerate() {
        let amount = if i + 1 == template.len() {
            total - given
        } else {
            (i128::from(total) * i128::from(m.share_pct) / 100) as i64
        };
        given += amount;
        let due = starts_on
            .checked_add_months(Months::new(m.due_months))
            .unwrap_or(starts_on);
        let deliverable = match plan.get(i).map(|p| p.trim()).filter(|p| !p.is_empty()) {
            Some(p) if i > 0 => format!("{}：{}", m.deliverable, p),
            _ => m.deliverable.clone(),
        };
        let deliverable: String = deliverable
            .replace(['|', '｜', '\n', '\r'], " ")
            .chars()
            .take(DELIVERABLE_MAX)
            .collect();
        lines.push(format!(
            "{deliverable} | {due} | {}",
            Fen(amount).format_wan_exact()
        ));
    }
    TaskForm {
        bid_id: bid_id.to_string(),
        starts_on: starts_on.to_string(),
        city_fund: Fen(city).format_wan_exact(),
        enterprise_fund: Fen(enterprise).format_wan_exact(),
        milestones: lines.join("\n"),
        indicators: indicators
            .iter()
            .map(|i| format!("{} | {} | {}", i.name, i.unit, i.target))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A milestone submission: the report, and the reached value of each indicator (all of them
/// for the final acceptance; any, or none, before). Values are returned in the indicators'
/// order, `None` where left blank.
pub fn parse_submission(
    f: &MilestoneSubmission,
    indicators: &[Indicator],
    kind: MilestoneKind,
) -> Result<(String, Vec<Option<String>>), AppError> {
    let mut errs = Errors::default();
    let report = errs.take(
        "report",
        crate::domain::text::clean_text(&f.report, REPORT.0, REPORT.1),
    );
    if f.values.len() > indicators.len() {
        errs.push(
            "values",
            "填写的指标值多于任务的考核指标",
            "More values than the task has indicators",
        );
    }
    let mut values = vec![];
    for (i, ind) in indicators.iter().enumerate() {
        let raw = f.values.get(i).map(String::as_str).unwrap_or("");
        if raw.trim().is_empty() && kind != MilestoneKind::Final {
            values.push(None);
            continue;
        }
        match parse_value(raw, &ind.unit) {
            Ok(v) => values.push(Some(v)),
            Err(e) => {
                errs.push(
                    &format!("values.{i}"),
                    format!("“{}”：{}", ind.name, e.message_zh()),
                    format!("“{}”: {}", ind.name, e.message_en()),
                );
                values.push(None);
            }
        }
    }
    errs.finish()?;
    Ok((report.ok_or(AppError::Internal)?, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Vec<MilestoneTemplate> {
        [
            ("签订任务书", 0, 65),
            ("样机试制", 12, 20),
            ("田间验收", 24, 15),
        ]
        .into_iter()
        .map(|(d, m, s)| MilestoneTemplate {
            deliverable: d.into(),
            due_months: m,
            share_pct: s,
        })
        .collect()
    }

    fn indicators() -> Vec<Indicator> {
        vec![
            Indicator {
                name: "含杂率".into(),
                unit: "%".into(),
                target: "≤ 7".into(),
            },
            Indicator {
                name: "作业效率".into(),
                unit: "亩/小时".into(),
                target: "≥ 8".into(),
            },
        ]
    }

    fn good() -> TaskForm {
        prefill(
            uuid::Uuid::nil(),
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            300 * 1_000_000,
            150 * 1_000_000,
            1,
            420 * 1_000_000,
            &template(),
            &["".into(), "完成两台样机".into(), "500 亩测试".into()],
            &indicators(),
        )
    }

    #[test]
    fn the_prefilled_form_parses_to_the_winners_share_with_exact_tranches() {
        let f = good();
        assert!(
            f.milestones.contains("样机试制：完成两台样机 | 2028-01-15"),
            "{}",
            f.milestones
        );
        let t = parse(&f).unwrap();
        assert_eq!(t.funding(), 420 * 1_000_000, "capped at the bid's budget");
        assert_eq!(
            t.city_fund.fen() * 150,
            t.enterprise_fund.fen() * 300,
            "split 2:1 like the call"
        );
        let sum: i64 = t.milestones.iter().map(|m| m.tranche.fen()).sum();
        assert_eq!(sum, t.funding());
        assert_eq!(t.milestones[0].kind, MilestoneKind::Start);
        assert_eq!(
            t.milestones[0].tranche.fen(),
            273 * 1_000_000,
            "65% up front"
        );
        assert_eq!(t.milestones[2].kind, MilestoneKind::Final);
        assert_eq!(t.indicators, indicators());
    }

    #[test]
    fn an_awkward_split_still_parses_back_to_the_exact_share() {
        let f = prefill(
            uuid::Uuid::nil(),
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            100 * 1_000_000 + 1,
            200 * 1_000_000,
            3,
            i64::MAX,
            &template(),
            &[],
            &indicators(),
        );
        let t = parse(&f).unwrap();
        assert_eq!(t.funding(), (300 * 1_000_000 + 1) / 3);
        assert_eq!(Fen(14_625_000 * 10).format_wan_exact(), "146.25");
        assert_eq!(Fen(1).format_wan_exact(), "0.000001");
    }

    #[test]
    fn tranches_that_overrun_or_leave_money_unallocated_are_named() {
        let mut f = good();
        f.city_fund = "100".into();
        f.enterprise_fund = "".into();
        let e = parse(&f).unwrap_err();
        let zh: Vec<_> = e.field_errors().iter().map(|e| e.zh.clone()).collect();
        assert!(zh.iter().any(|m| m.contains("超过资助经费 100")), "{zh:?}");
        f.city_fund = "1000".into();
        let e = parse(&f).unwrap_err();
        assert!(e
            .field_errors()
            .iter()
            .any(|e| e.zh.contains("少于资助经费")));
    }

    #[test]
    fn dates_lines_and_amounts_are_checked_line_by_line() {
        let mut f = good();
        f.starts_on = "明年".into();
        f.milestones = "签订任务书 | 2027-01-15 | 273\n样机 | 2026-13-01 | 84\n验收 | 2026-06-01 | 六十三\n多 | 余 | 列 | 了".into();
        f.indicators = "".into();
        let e = parse(&f).unwrap_err();
        let fields: Vec<_> = e.field_errors().iter().map(|e| e.field.clone()).collect();
        assert!(fields.contains(&"starts_on".to_string()));
        assert!(fields.contains(&"indicators".to_string()));
        let zh: Vec<_> = e.field_errors().iter().map(|e| e.zh.clone()).collect();
        for line in ["第 2 行", "第 3 行", "第 4 行"] {
            assert!(zh.iter().any(|m| m.contains(line)), "{line}: {zh:?}");
        }
        let mut f = good();
        f.milestones = "验收 | 2027-01-15 | 420".into();
        assert!(parse(&f)
            .unwrap_err()
            .field_errors()
            .iter()
            .any(|e| e.zh.contains("至少两行")));
        let mut f = good();
        f.milestones =
            "签订任务书 | 2027-01-15 | 273\n样机 | 2028-01-15 | 84\n验收 | 2027-06-01 | 63".into();
        assert!(parse(&f)
            .unwrap_err()
            .field_errors()
            .iter()
            .any(|e| e.zh.contains("早于上一个里程碑")));
        let mut f = good();
        f.milestones =
            "签订任务书 | 2026-12-01 | 273\n样机 | 2028-01-15 | 84\n验收 | 2029-06-01 | 63".into();
        assert!(parse(&f)
            .unwrap_err()
            .field_errors()
            .iter()
            .any(|e| e.zh.contains("早于任务起始")));
    }

    #[test]
    fn the_final_report_needs_every_value_in_the_right_unit() {
        let sub = |values: &[&str]| MilestoneSubmission {
            report: "田间测试完成，第三方检测报告见附件。".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        let (_, v) =
            parse_submission(&sub(&["6.5", ""]), &indicators(), MilestoneKind::Regular).unwrap();
        assert_eq!(v, vec![Some("6.5".into()), None]);
        let e =
            parse_submission(&sub(&["6.5", ""]), &indicators(), MilestoneKind::Final).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "values.1");
        let e = parse_submission(
            &sub(&["6.5 kg", "约八"]),
            &indicators(),
            MilestoneKind::Final,
        )
        .unwrap_err();
        let zh: Vec<_> = e.field_errors().iter().map(|e| e.zh.clone()).collect();
        assert!(zh[0].contains("含杂率") && zh[0].contains("单位"), "{zh:?}");
        assert!(
            zh[1].contains("作业效率") && zh[1].contains("数字"),
            "{zh:?}"
        );
        let e = parse_submission(
            &MilestoneSubmission {
                report: "短".into(),
                values: vec!["1".into(), "2".into(), "3".into()],
            },
            &indicators(),
            MilestoneKind::Regular,
        )
        .unwrap_err();
        let fields: Vec<_> = e.field_errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, vec!["report", "values"]);
    }
}
