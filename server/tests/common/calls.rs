//! The calls, bids and reviews the call tests share: a call form, a bid form, people.
use super::people::{code, reg};
use app::error::AppError;
use app::model::{BidForm, CallForm};
use app::policy::Actor;
use app::ports::{AppState, AuditEvent};
use app::services;
use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

/// 2026-12-01 10:00 Beijing time.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}
/// The window of `call_form`: 2026-12-02 09:00 to 2027-01-15 17:00 Beijing time.
pub fn opens() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap()
}
pub fn closes() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 15, 9, 0, 0).unwrap()
}

pub fn call_form(demands: Vec<Uuid>) -> CallForm {
    CallForm {
        title: "甘蔗收获机低损收获技术攻关".into(),
        background: "南宁甘蔗机收率偏低，丘陵地块断尾率高，制约机收推广。".into(),
        goal: "研制适合丘陵地块的切割与输送装置，断尾率降到 5% 以下。".into(),
        chain: "modern_agriculture.efficient_production".into(),
        district: "wuming".into(),
        indicators: "断尾率 | % | ≤ 5\n含杂率 | % | ≤ 7".into(),
        acceptance: "在武鸣区 500 亩丘陵蔗地连续作业测试，第三方检测指标全部达到。".into(),
        city_fund: "300".into(),
        enterprise_fund: "150".into(),
        name_cofunder: true,
        org_types: vec!["university".into(), "institute".into()],
        guangxi_only: true,
        consortium_allowed: true,
        opens_at: "2026-12-02T09:00".into(),
        closes_at: "2027-01-15T17:00".into(),
        criteria: "技术方案 | 50\n团队能力 | 30\n经费合理性 | 20".into(),
        score_scale: "100".into(),
        winners: "1".into(),
        duration_months: "24".into(),
        milestones: "签约启动 | 0 | 65\n样机 | 12 | 20\n验收 | 24 | 15".into(),
        demand_ids: demands.iter().map(|d| d.to_string()).collect(),
    }
}

pub fn bid_form(members: &str) -> BidForm {
    BidForm {
        title: "丘陵甘蔗低损收获联合攻关".into(),
        proposal: "柔性喂入与仿形切割结合，配合输送链调速，分三阶段验证断尾率与含杂率。".into(),
        budget: "420".into(),
        timeline: "24 个月：样机 12 个月，田间试验 12 个月".into(),
        milestone_plan: "完成方案设计\n完成样机并台架试验\n田间验收".into(),
        members: members.into(),
    }
}

/// A registered person leading an organization of `org_type` (researchers for universities and
/// institutes, enterprise members otherwise).
pub async fn person(s: &AppState, email: &str, credit17: &str, org_type: &str) -> Actor {
    let mut r = reg(email, &code(credit17));
    r.org_type = org_type.into();
    r.org_name = format!("{email} 的单位");
    Actor::from(&services::register(s, r, "t").await.unwrap())
}

pub fn conflict(e: &AppError) -> String {
    match e {
        AppError::Conflict { zh, .. } => zh.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// An expert in the pool who accepts reviews, working for a new organization of `org_type`
/// (or, with `join`, registered as a member of that organization's credit code).
pub async fn expert(s: &AppState, b: &super::Backend, email: &str, credit17: &str) -> Actor {
    let mut r = reg(email, &code(credit17));
    r.org_type = "institute".into();
    r.org_name = format!("{email} 研究所");
    r.display_name = format!("专家{}", &email[..6]);
    let u = services::register(s, r, "t").await.unwrap();
    b.store
        .grant_role(
            u.id,
            app::domain::Role::Expert,
            &AuditEvent {
                actor_id: None,
                entity_type: "user",
                entity_id: u.id.to_string(),
                action: "grant_role".into(),
                from_state: None,
                to_state: None,
                reason: None,
                at: start(),
            },
        )
        .await
        .unwrap();
    let actor = Actor {
        roles: vec![app::domain::Role::Expert],
        ..Actor::from(&u)
    };
    services::save_expert_profile(
        s,
        &actor,
        &app::model::ExpertForm {
            title: "研究员".into(),
            fields: "农业机械，甘蔗".into(),
            keywords: "收获机".into(),
            bio: "长期从事甘蔗收获机械研究。".into(),
            accepts_review: true,
            is_public: true,
        },
    )
    .await
    .unwrap();
    actor
}

pub fn scores(v: &[u32]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}
