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

/// A call taken through review and its 公示 to the award, with `winners` university teams
/// (each lead's organization wins one bid; the second team has a confirmed member).
pub struct Awarded {
    pub call: Uuid,
    pub off: Actor,
    /// (lead, bid) per winner, in bid order.
    pub teams: Vec<(Actor, Uuid)>,
    /// A confirmed member of the first team.
    pub member: Actor,
    /// The expert who reviewed the bids (an institute of its own, no conflict with a team).
    pub reviewer: Actor,
}

/// Builds an awarded call. `tag` keeps the e-mails and credit codes of one test apart (a letter
/// other than I, O, S, V, Z).
pub async fn awarded_call(
    s: &AppState,
    b: &super::Backend,
    clock: &app::ports::FakeClock,
    winners: usize,
    tag: char,
    conclude: bool,
) -> Awarded {
    use app::domain::bid::BidAction;
    use app::domain::call::CallAction;
    use app::domain::review::ReviewAction;
    clock.set(start());
    let off = super::people::official(
        s,
        b,
        &format!("aw-off-{tag}@example.cn"),
        &format!("91450100JBAW{tag}0001"),
    )
    .await;
    let member = person(
        s,
        &format!("aw-member-{tag}@example.cn"),
        &format!("12450100JBAW{tag}0090"),
        "university",
    )
    .await;
    let reviewer = expert(
        s,
        b,
        &format!("aw-exp-{tag}@example.cn"),
        &format!("12450100JBAW{tag}0099"),
    )
    .await;
    let mut f = call_form(vec![]);
    f.name_cofunder = false;
    f.winners = winners.to_string();
    let call = services::create_call(s, &off, &f, true).await.unwrap();
    clock.set(opens());
    let mut teams = vec![];
    for i in 0..winners {
        let lead = person(
            s,
            &format!("aw-lead{i}-{tag}@example.cn"),
            &format!("12450100JBAW{tag}01{i:02}"),
            "university",
        )
        .await;
        let members = if i == 0 {
            format!("aw-member-{tag}@example.cn")
        } else {
            String::new()
        };
        let mut bf = bid_form(&members);
        bf.budget = "400".into();
        let bid = services::save_bid(s, &lead, call, None, &bf, false)
            .await
            .unwrap();
        if i == 0 {
            services::confirm_bid_membership(s, &member, bid)
                .await
                .unwrap();
        }
        services::bid_action(s, &lead, bid, BidAction::Submit, None)
            .await
            .unwrap();
        teams.push((lead, bid));
    }
    clock.set(closes());
    services::close_due_calls(s).await.unwrap();
    for (_, bid) in &teams {
        services::bid_action(s, &off, *bid, BidAction::Qualify, None)
            .await
            .unwrap();
    }
    services::call_action(s, &off, call, CallAction::StartReview, None)
        .await
        .unwrap();
    services::assign_reviewers(s, &off, call, &[reviewer.user_id], None)
        .await
        .unwrap();
    for t in services::my_reviews(s, &reviewer).await.unwrap() {
        services::review_action(s, &reviewer, t.id, ReviewAction::DeclareNoConflict, None)
            .await
            .unwrap();
        services::submit_review(
            s,
            &reviewer,
            t.id,
            &scores(&[80, 80, 80]),
            &["方案可行".into(), "团队扎实".into(), "预算合理".into()],
            "",
        )
        .await
        .unwrap();
    }
    let picks: Vec<(Uuid, String)> = teams
        .iter()
        .map(|(_, b)| (*b, "评审通过，择优中榜".to_string()))
        .collect();
    services::award_call(s, &off, call, &picks, None)
        .await
        .unwrap();
    if conclude {
        clock.advance(chrono::Duration::days(10));
        services::conclude_publicity(s, &off, call).await.unwrap();
    }
    Awarded {
        call,
        off,
        teams,
        member,
        reviewer,
    }
}

/// The call's reviewer gives a passing opinion on milestone `m` (assigned first), as a final
/// acceptance needs before an official decides it.
pub async fn expert_opinion(s: &AppState, a: &Awarded, m: Uuid, opinion: &str) {
    services::assign_stage_reviewers(s, &a.off, a.call, Some(m), &[a.reviewer.user_id], None)
        .await
        .unwrap();
    let t = s
        .store
        .stage_reviews_of_expert(a.reviewer.user_id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.review.milestone_id == Some(m))
        .unwrap();
    services::give_stage_opinion(
        s,
        &a.reviewer,
        t.review.id,
        Some(opinion),
        "各项指标经现场核验，材料齐全。",
    )
    .await
    .unwrap();
}
