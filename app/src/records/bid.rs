//! A bid's content (揭榜申报书) as the team types it. Whether the members exist and have
//! confirmed, and whether the window is open, the service checks against the store and the clock.
use crate::domain::money::Fen;
use crate::domain::text::{clean_text, validate_email};
use crate::error::{AppError, Errors};
use crate::model::BidForm;

pub const TITLE: (usize, usize) = (4, 80);
pub const PROPOSAL: (usize, usize) = (20, 20_000);
pub const TIMELINE: (usize, usize) = (4, 2000);
pub const MAX_MEMBERS: usize = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct BidContent {
    pub title: String,
    pub proposal: String,
    pub budget: Fen,
    pub timeline: String,
    /// One plan per milestone of the call's template.
    pub milestone_plan: Vec<String>,
    /// Lower-cased e-mail addresses of the members besides the lead, without duplicates.
    pub member_emails: Vec<String>,
}

/// Every problem at once. `milestones` is the number of milestones in the call's template;
/// `lead_email` is the lead's own address (listing it again is harmless).
pub fn parse(f: &BidForm, milestones: usize, lead_email: &str) -> Result<BidContent, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, TITLE.0, TITLE.1));
    let proposal = errs.take("proposal", clean_text(&f.proposal, PROPOSAL.0, PROPOSAL.1));
    let budget = errs.take("budget", Fen::parse_wan(&f.budget));
    if budget.is_some_and(|b| b.fen() <= 0) {
        errs.push(
            "budget",
            "预算须大于 0",
            "The budget must be more than zero",
        );
    }
    let timeline = errs.take("timeline", clean_text(&f.timeline, TIMELINE.0, TIMELINE.1));
    let plan: Vec<&str> = f
        .milestone_plan
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut milestone_plan = vec![];
    if plan.len() != milestones {
        errs.push(
            "milestone_plan",
            format!(
                "请按榜单的 {milestones} 个里程碑逐行填写计划，现有 {} 行",
                plan.len()
            ),
            format!(
                "Write one line per milestone of the call ({milestones}); there are {}",
                plan.len()
            ),
        );
    } else {
        for (i, l) in plan.iter().enumerate() {
            match clean_text(l, 2, 500) {
                Ok(v) => milestone_plan.push(v),
                Err(e) => errs.push(
                    "milestone_plan",
                    format!("第 {} 行：{}", i + 1, e.message_zh()),
                    format!("Line {}: {}", i + 1, e.message_en()),
                ),
            }
        }
    }
    let mut member_emails: Vec<String> = vec![];
    let lead = lead_email.trim().to_lowercase();
    for (i, raw) in f
        .members
        .split(['\n', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        match validate_email(raw) {
            Ok(e) if e == lead || member_emails.contains(&e) => {}
            Ok(e) => member_emails.push(e),
            Err(_) => errs.push(
                "members",
                format!("第 {} 个成员邮箱格式不对：{raw}", i + 1),
                format!("Member {} is not an e-mail address: {raw}", i + 1),
            ),
        }
    }
    if member_emails.len() > MAX_MEMBERS {
        errs.push(
            "members",
            format!("团队成员最多 {MAX_MEMBERS} 人"),
            format!("At most {MAX_MEMBERS} team members"),
        );
    }
    errs.finish()?;
    match (title, proposal, budget, timeline) {
        (Some(title), Some(proposal), Some(budget), Some(timeline)) => Ok(BidContent {
            title,
            proposal,
            budget,
            timeline,
            milestone_plan,
            member_emails,
        }),
        _ => Err(AppError::Internal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> BidForm {
        BidForm {
            title: "低温电解液联合攻关方案".into(),
            proposal: "采用新型锂盐与共溶剂体系，结合界面成膜添加剂，分三阶段验证。".into(),
            budget: "480".into(),
            timeline: "24 个月，分三阶段".into(),
            milestone_plan: "完成配方筛选\n中试验证\n装车测试与验收".into(),
            members: "Li@Example.cn\nwang@example.cn，li@example.cn\nlead@example.cn".into(),
        }
    }

    #[test]
    fn a_bid_parses_with_members_deduplicated_and_the_lead_left_out() {
        let b = parse(&good(), 3, "lead@example.cn").expect("valid");
        assert_eq!(b.member_emails, vec!["li@example.cn", "wang@example.cn"]);
        assert_eq!(b.budget, Fen(480 * 1_000_000));
        assert_eq!(b.milestone_plan.len(), 3);
    }

    #[test]
    fn the_plan_must_answer_every_milestone_and_members_must_be_addresses() {
        let mut f = good();
        f.milestone_plan = "只有一行".into();
        f.members = "not-an-address".into();
        f.budget = "0".into();
        let e = parse(&f, 3, "lead@example.cn").unwrap_err();
        let mut fields: Vec<_> = e.field_errors().iter().map(|e| e.field.clone()).collect();
        fields.sort();
        assert_eq!(fields, vec!["budget", "members", "milestone_plan"]);
        assert!(e.field_errors().iter().any(|e| e.zh.contains("3 个里程碑")));
    }
}
