//! 揭榜挂帅 calls, part 1, on both engines: a call built from a demand and published, teams
//! bidding with confirmed members and receipts, the seal, the clock closing the window (also
//! with 500 submissions racing the close), receipts verified after opening, eligibility, 流榜
//! and 撤榜.
mod common;

use app::domain::bid::{BidAction, BidStatus};
use app::domain::call::{CallAction, CallStatus};
use app::domain::demand::DemandAction;
use app::domain::review::ReviewAction;
use app::domain::DemandStatus;
use app::error::AppError;
use app::model::{BidForm, CallForm, ReceiptCheck};
use app::policy::Actor;
use app::ports::{AppState, AuditEvent, BidRecord, FakeClock, OrgRecord, UserRecord};
use app::services;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::each_backend;
use common::people::{code, fields, form, official, reg};
use std::sync::Arc;
use uuid::Uuid;

/// 2026-12-01 10:00 Beijing time.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}
/// The window of `call_form`: 2026-12-02 09:00 to 2027-01-15 17:00 Beijing time.
fn opens() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap()
}
fn closes() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 15, 9, 0, 0).unwrap()
}

fn call_form(demands: Vec<Uuid>) -> CallForm {
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

fn bid_form(members: &str) -> BidForm {
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
async fn person(s: &AppState, email: &str, credit17: &str, org_type: &str) -> Actor {
    let mut r = reg(email, &code(credit17));
    r.org_type = org_type.into();
    r.org_name = format!("{email} 的单位");
    Actor::from(&services::register(s, r, "t").await.unwrap())
}

fn conflict(e: &AppError) -> String {
    match e {
        AppError::Conflict { zh, .. } => zh.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn a_call_is_published_bid_on_under_seal_closed_by_the_clock_and_screened() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let off = official(&s, &b, "call-off@example.cn", "91450100JBCALL001").await;
        let ent = person(&s, "call-ent@example.cn", "91450100JBCALL002", "enterprise").await;
        let a = person(&s, "team-a@example.cn", "12450100JBCALL003", "university").await;
        let c = person(&s, "team-c@example.cn", "12450100JBCALL004", "institute").await;
        let bb = person(&s, "team-b@example.cn", "12450100JBCALL005", "institute").await;
        let other_ent = person(&s, "other-ent@example.cn", "91450100JBCALL006", "enterprise").await;

        let demand = services::create_demand(&s, &ent, &form(), true).await.unwrap();
        services::demand_action(&s, &off, demand, DemandAction::Approve, None)
            .await
            .unwrap();

        // Only officials build calls; bad input changes nothing.
        let e = services::create_call(&s, &ent, &call_form(vec![demand]), true)
            .await
            .unwrap_err();
        assert_eq!(e, AppError::Forbidden);
        let mut bad = call_form(vec![demand]);
        bad.criteria = "技术方案 | 50\n团队能力 | 30".into();
        let e = services::create_call(&s, &off, &bad, true).await.unwrap_err();
        assert_eq!(fields(&e), vec!["criteria"]);
        assert_eq!(services::list_calls(&s, None, None, None, None, None).await.unwrap().total, 0);

        let call = services::create_call(&s, &off, &call_form(vec![demand]), true)
            .await
            .unwrap();
        let d = services::call_detail(&s, None, call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Published);
        assert_eq!(d.summary.total_fund_fen(), 450 * 1_000_000);
        assert_eq!(d.co_funder.as_ref().map(|c| c.0), ent.org_id, "the demand's enterprise co-funds");
        assert_eq!(d.demands.len(), 1);
        let dem = b.store.get_demand(demand).await.unwrap().unwrap();
        assert_eq!(dem.demand.status, DemandStatus::InCall, "the demand shows it is in a call");
        // Filters in the list.
        let listed = services::list_calls(&s, None, None, Some("modern_agriculture".into()), Some("wuming".into()), Some("published".into()))
            .await
            .unwrap();
        assert_eq!(listed.total, 1);
        let none = services::list_calls(&s, None, None, None, Some("qingxiu".into()), None).await.unwrap();
        assert_eq!(none.total, 0);

        // Before the window opens nobody bids; an enterprise is not eligible on this call.
        let e = services::save_bid(&s, &a, call, None, &bid_form(""), false).await.unwrap_err();
        assert!(conflict(&e).contains("时间窗口"), "{e:?}");
        clock.set(opens() + Duration::hours(1));
        let e = services::save_bid(&s, &other_ent, call, None, &bid_form(""), false).await.unwrap_err();
        assert!(conflict(&e).contains("仅限"), "{e:?}");
        // A member who is not registered is named.
        let e = services::save_bid(&s, &a, call, None, &bid_form("nobody@example.cn"), false)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["members"]);
        assert!(e.field_errors()[0].zh.contains("nobody@example.cn"));

        // Team A invites C; submitting before C confirms is refused, after it a receipt is issued.
        let bid_a = services::save_bid(&s, &a, call, None, &bid_form("team-c@example.cn"), false)
            .await
            .unwrap();
        let e = services::bid_action(&s, &a, bid_a, BidAction::Submit, None).await.unwrap_err();
        assert_eq!(fields(&e), vec!["members"]);
        let invited = services::bid_detail(&s, Some(&c), bid_a).await.unwrap();
        assert!(invited.invited);
        let told = services::my_notifications(&s, &c).await.unwrap();
        assert_eq!(told.len(), 1, "the invited member is told once");
        assert_eq!(told[0].kind, "team_invitation");
        assert_eq!(told[0].link, format!("/bids/{bid_a}"));
        services::confirm_bid_membership(&s, &c, bid_a).await.unwrap();
        let e = services::bid_action(&s, &c, bid_a, BidAction::Submit, None).await.unwrap_err();
        assert_eq!(e, AppError::Forbidden, "only the lead submits");
        services::bid_action(&s, &a, bid_a, BidAction::Submit, None).await.unwrap();
        let receipt_a = services::bid_detail(&s, Some(&a), bid_a).await.unwrap().receipts[0].sha256.clone();
        assert_eq!(receipt_a.len(), 64);

        // Team B submits, then takes it back to revise and submits again: two receipts.
        let bid_b = services::save_bid(&s, &bb, call, None, &bid_form(""), true).await.unwrap();
        let first_b = services::bid_detail(&s, Some(&bb), bid_b).await.unwrap().receipts[0].sha256.clone();
        clock.advance(Duration::minutes(5));
        services::bid_action(&s, &bb, bid_b, BidAction::Revise, None).await.unwrap();
        let mut revised = bid_form("");
        revised.budget = "380".into();
        services::save_bid(&s, &bb, call, Some(bid_b), &revised, true).await.unwrap();
        let detail_b = services::bid_detail(&s, Some(&bb), bid_b).await.unwrap();
        assert_eq!(detail_b.receipts.len(), 2);
        assert_ne!(detail_b.receipts[0].sha256, first_b);

        // Sealed: the public sees a count; nobody but the team reads a bid before the close.
        let public = services::call_detail(&s, None, call).await.unwrap();
        assert_eq!(public.summary.bids_submitted, 2);
        assert!(public.bids.is_none());
        assert!(services::call_detail(&s, Some(&off), call).await.unwrap().bids.is_none());
        for reader in [None, Some(&ent), Some(&bb), Some(&off), Some(&other_ent)] {
            assert_eq!(
                services::bid_detail(&s, reader, bid_a).await.unwrap_err(),
                AppError::NotFound
            );
        }
        assert!(matches!(
            services::verify_receipt(&s, &receipt_a).await.unwrap(),
            ReceiptCheck::Sealed { .. }
        ));
        let e = services::bid_action(&s, &off, bid_a, BidAction::Qualify, None).await.unwrap_err();
        assert_eq!(e, AppError::NotFound);

        // One millisecond before the close B may still withdraw and come back; at the close
        // nothing is accepted, and the clock closes the call without anyone acting.
        clock.set(closes() - Duration::milliseconds(1));
        services::bid_action(&s, &bb, bid_b, BidAction::Revise, None).await.unwrap();
        services::bid_action(&s, &bb, bid_b, BidAction::Submit, None).await.unwrap();
        clock.set(closes());
        assert_eq!(services::close_due_calls(&s).await.unwrap(), 1);
        assert_eq!(services::close_due_calls(&s).await.unwrap(), 0, "once");
        services::bid_action(&s, &bb, bid_b, BidAction::Revise, None)
            .await
            .expect_err("closed at the closing instant");
        let opened = services::call_detail(&s, Some(&off), call).await.unwrap();
        assert_eq!(opened.summary.status, CallStatus::Screening);
        assert_eq!(opened.bids.as_ref().map(Vec::len), Some(2));
        assert!(services::call_detail(&s, Some(&ent), call).await.unwrap().bids.is_none());
        assert_eq!(
            services::bid_detail(&s, Some(&ent), bid_a).await.unwrap_err(),
            AppError::NotFound,
            "the co-funding enterprise never reads a bid"
        );
        assert_eq!(services::bid_detail(&s, Some(&off), bid_a).await.unwrap().title, bid_form("").title);

        // Receipts after opening: A's matches, B's first is superseded; a tampered bid is caught.
        assert!(matches!(services::verify_receipt(&s, &receipt_a).await.unwrap(), ReceiptCheck::Matches { .. }));
        assert!(matches!(services::verify_receipt(&s, &first_b).await.unwrap(), ReceiptCheck::Superseded { .. }));
        assert_eq!(services::verify_receipt(&s, &"0".repeat(64)).await.unwrap(), ReceiptCheck::Unknown);
        assert_eq!(fields(&services::verify_receipt(&s, "not a receipt").await.unwrap_err()), vec!["receipt"]);
        b.raw.exec(&format!("UPDATE bids SET budget_fen = budget_fen + 1 WHERE title = '{}' AND lead_user_id = (SELECT id FROM users WHERE email = 'team-a@example.cn')", bid_form("").title)).await;
        assert!(matches!(services::verify_receipt(&s, &receipt_a).await.unwrap(), ReceiptCheck::Mismatch { .. }));

        // Eligibility: a refusal needs a reason, which the team reads; then review starts.
        let e = services::bid_action(&s, &off, bid_b, BidAction::Disqualify, None).await.unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        let e = services::call_action(&s, &off, call, CallAction::StartReview, None).await.unwrap_err();
        assert!(conflict(&e).contains("形式审查"), "{e:?}");
        services::bid_action(&s, &off, bid_b, BidAction::Disqualify, Some("缺少联合体协议"))
            .await
            .unwrap();
        services::bid_action(&s, &off, bid_a, BidAction::Qualify, None).await.unwrap();
        let seen = services::bid_detail(&s, Some(&bb), bid_b).await.unwrap();
        assert_eq!(seen.status, BidStatus::Disqualified);
        assert_eq!(seen.status_reason.as_deref(), Some("缺少联合体协议"));
        let e = services::call_action(&s, &off, call, CallAction::MarkUnfilled, Some("无合格申报")).await.unwrap_err();
        assert!(conflict(&e).contains("不能流榜"));
        services::call_action(&s, &off, call, CallAction::StartReview, None).await.unwrap();
        assert_eq!(
            services::call_detail(&s, None, call).await.unwrap().summary.status,
            CallStatus::Reviewing
        );
        // Every step is in the audit log; the bid's history is sealed with the bid.
        let h = b.store.audit_for("bid", &bid_b.to_string()).await.unwrap();
        assert!(h.iter().filter(|r| r.event.action == "submit").count() >= 3);
    })
    .await;
}

#[tokio::test]
async fn a_call_without_a_qualified_bid_goes_unfilled_and_a_cancelled_call_shows_its_reason() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let off = official(&s, &b, "unfill-off@example.cn", "91450100JBCALL011").await;
        let a = person(&s, "unfill-a@example.cn", "12450100JBCALL012", "university").await;
        let mut f = call_form(vec![]);
        f.name_cofunder = false;
        let call = services::create_call(&s, &off, &f, false).await.unwrap();
        // A draft is not public.
        assert_eq!(
            services::call_detail(&s, None, call).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            services::call_detail(&s, Some(&a), call).await.unwrap_err(),
            AppError::NotFound
        );
        services::call_action(&s, &off, call, CallAction::Publish, None)
            .await
            .unwrap();
        let e = services::call_action(&s, &off, call, CallAction::CloseBidding, None)
            .await
            .unwrap_err();
        assert!(
            conflict(&e).contains("未到"),
            "officials cannot close early"
        );
        clock.set(opens());
        let bid = services::save_bid(&s, &a, call, None, &bid_form(""), true)
            .await
            .unwrap();
        // A draft left unsubmitted is reminded once, 24 hours before the close.
        let late = person(
            &s,
            "unfill-late@example.cn",
            "12450100JBCALL013",
            "institute",
        )
        .await;
        services::save_bid(&s, &late, call, None, &bid_form(""), false)
            .await
            .unwrap();
        clock.set(closes() - Duration::hours(25));
        services::remind_draft_bids(&s).await.unwrap();
        assert!(
            services::my_notifications(&s, &late)
                .await
                .unwrap()
                .is_empty(),
            "not yet"
        );
        clock.set(closes() - Duration::hours(12));
        services::remind_draft_bids(&s).await.unwrap();
        services::remind_draft_bids(&s).await.unwrap();
        let n = services::my_notifications(&s, &late).await.unwrap();
        assert_eq!(n.len(), 1, "once: {n:?}");
        assert_eq!(n[0].kind, "draft_closing");
        assert!(
            services::my_notifications(&s, &a).await.unwrap().is_empty(),
            "a submitted bid is not reminded"
        );
        assert_eq!(
            b.raw
                .count(
                    "SELECT COUNT(*) FROM email_outbox WHERE to_email = 'unfill-late@example.cn'"
                )
                .await,
            1
        );
        clock.set(closes() + Duration::seconds(1));
        // Reading the page closes a due call even before the sweeper runs.
        assert_eq!(
            services::call_detail(&s, None, call)
                .await
                .unwrap()
                .summary
                .status,
            CallStatus::Screening
        );
        services::bid_action(&s, &off, bid, BidAction::Disqualify, Some("单位类型不符"))
            .await
            .unwrap();
        let e = services::call_action(&s, &off, call, CallAction::StartReview, None)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("少于"), "{e:?}");
        services::call_action(
            &s,
            &off,
            call,
            CallAction::MarkUnfilled,
            Some("无符合条件的揭榜单位"),
        )
        .await
        .unwrap();
        let d = services::call_detail(&s, None, call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Unfilled);
        assert_eq!(d.status_reason.as_deref(), Some("无符合条件的揭榜单位"));

        // 撤榜 needs a public reason.
        clock.set(start());
        let call2 = services::create_call(&s, &off, &f, true).await.unwrap();
        let e = services::call_action(&s, &off, call2, CallAction::Cancel, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        services::call_action(
            &s,
            &off,
            call2,
            CallAction::Cancel,
            Some("需求方已自行解决"),
        )
        .await
        .unwrap();
        let d = services::call_detail(&s, None, call2).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Cancelled);
        assert_eq!(d.status_reason.as_deref(), Some("需求方已自行解决"));
    })
    .await;
}

/// 500 teams submit at instants spread around the close (each request with its own server
/// time), while requests after the close run the sweeper: every submission that arrived before
/// the close is accepted with its receipt, none after it.
#[tokio::test]
async fn five_hundred_submissions_around_the_closing_instant() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let off = official(&s, &b, "race-off@example.cn", "91450100JBCALL021").await;
        let mut f = call_form(vec![]);
        f.name_cofunder = false;
        f.consortium_allowed = false;
        let call = services::create_call(&s, &off, &f, true).await.unwrap();
        const N: i64 = 500;
        let mut teams = vec![];
        for i in 0..N {
            let (org_id, user_id) = (Uuid::new_v4(), Uuid::new_v4());
            let ev = |t: &'static str, id: Uuid| AuditEvent {
                actor_id: None,
                entity_type: t,
                entity_id: id.to_string(),
                action: "create".into(),
                from_state: None,
                to_state: None,
                reason: None,
                at: start(),
            };
            let org = OrgRecord {
                id: org_id,
                name: format!("竞速大学{i}"),
                org_type: app::domain::OrgType::University,
                credit_code: format!("RACE{i:014}"),
                district_code: "qingxiu".into(),
                contact_name: "李工".into(),
                contact_phone: "0771-5550000".into(),
                verified: true,
                created_at: start(),
            };
            let user = UserRecord {
                id: user_id,
                email: format!("race{i}@example.cn"),
                display_name: format!("队长{i}"),
                password_hash: "x".into(),
                org_id: Some(org_id),
                membership_active: true,
                is_org_admin: true,
                privacy_accepted_at: start(),
                created_at: start(),
            };
            b.store
                .create_org_with_owner(
                    &org,
                    &user,
                    &[app::domain::Role::Researcher],
                    &[ev("organization", org_id), ev("user", user_id)],
                )
                .await
                .unwrap();
            let bid = BidRecord {
                id: Uuid::new_v4(),
                call_id: call,
                org_id,
                lead_user_id: user_id,
                title: format!("方案{i}"),
                proposal: "一段足够长的技术方案说明，用于并发提交测试。".into(),
                budget_fen: 1_000_000,
                timeline: "24 个月".into(),
                milestone_plan: vec!["一".into(), "二".into(), "三".into()],
                status: BidStatus::Draft,
                status_reason: None,
                submitted_at: None,
                created_at: start(),
                updated_at: start(),
            };
            b.store
                .insert_bid(&bid, &[], &ev("bid", bid.id))
                .await
                .unwrap();
            let actor = Actor {
                user_id,
                org_id: Some(org_id),
                membership_active: true,
                is_org_admin: true,
                roles: vec![app::domain::Role::Researcher],
            };
            teams.push((i, bid.id, actor));
        }
        // Submissions at close − 250 ms … close + 249 ms.
        let at = |i: i64| closes() + Duration::milliseconds(i - N / 2);
        let tasks: Vec<_> = teams
            .into_iter()
            .map(|(i, bid, actor)| {
                let mut s = s.clone();
                s.clock = Arc::new(FakeClock::at(at(i)));
                tokio::spawn(async move {
                    let r = services::bid_action(&s, &actor, bid, BidAction::Submit, None).await;
                    if at(i) >= closes() {
                        // Requests after the close also run the sweeper, racing the others.
                        let _ = services::close_due_calls(&s).await;
                    }
                    (i, r)
                })
            })
            .collect();
        let mut accepted = 0;
        for t in tasks {
            let (i, r) = t.await.unwrap();
            if at(i) < closes() {
                assert_eq!(
                    r,
                    Ok(BidStatus::Submitted),
                    "submission {i} arrived before the close"
                );
                accepted += 1;
            } else {
                let e = r.expect_err("after the close");
                assert!(conflict(&e).contains("时间窗口"), "{i}: {e:?}");
            }
        }
        assert_eq!(accepted, N / 2);
        assert_eq!(
            b.raw
                .count("SELECT COUNT(*) AS n FROM bids WHERE status = 'submitted'")
                .await,
            N / 2
        );
        assert_eq!(
            b.raw.count("SELECT COUNT(*) AS n FROM bid_receipts").await,
            N / 2
        );
        let row = b.store.get_call(call).await.unwrap().unwrap();
        assert_eq!(row.call.status, CallStatus::Screening);
        assert_eq!(row.bids_submitted, N / 2);
    })
    .await;
}

/// An expert in the pool who accepts reviews, working for a new organization of `org_type`
/// (or, with `join`, registered as a member of that organization's credit code).
async fn expert(s: &AppState, b: &common::Backend, email: &str, credit17: &str) -> Actor {
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

fn scores(v: &[u32]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn review_with_recusal_ranking_award_publicity_objections_and_feedback() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let off = official(&s, &b, "rev-off@example.cn", "91450100JBREKW001").await;
        let off2 = official(&s, &b, "rev-off2@example.cn", "91450100JBREKW002").await;
        let a = person(&s, "rev-a@example.cn", "12450100JBREKW003", "university").await;
        let bb = person(&s, "rev-b@example.cn", "12450100JBREKW004", "university").await;
        let citizen = person(
            &s,
            "rev-citizen@example.cn",
            "91450100JBREKW005",
            "enterprise",
        )
        .await;
        let e1 = expert(&s, &b, "e1rev@example.cn", "12450100JBREKW006").await;
        let e2 = expert(&s, &b, "e2rev@example.cn", "12450100JBREKW007").await;
        let e3 = expert(&s, &b, "e3rev@example.cn", "12450100JBREKW008").await;
        let mut f = call_form(vec![]);
        f.name_cofunder = false;
        let call = services::create_call(&s, &off, &f, true).await.unwrap();
        clock.set(opens());
        let bid_a = services::save_bid(&s, &a, call, None, &bid_form("e1rev@example.cn"), false)
            .await
            .unwrap();
        services::confirm_bid_membership(&s, &e1, bid_a)
            .await
            .unwrap();
        services::bid_action(&s, &a, bid_a, BidAction::Submit, None)
            .await
            .unwrap();
        let bid_b = services::save_bid(&s, &bb, call, None, &bid_form(""), true)
            .await
            .unwrap();
        clock.set(closes());
        services::close_due_calls(&s).await.unwrap();
        // Review cannot start before eligibility; assigning is refused outside review.
        let e = services::assign_reviewers(&s, &off, call, &[e2.user_id], None)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("专家评审"), "{e:?}");
        services::bid_action(&s, &off, bid_a, BidAction::Qualify, None)
            .await
            .unwrap();
        services::bid_action(&s, &off, bid_b, BidAction::Qualify, None)
            .await
            .unwrap();
        services::call_action(&s, &off, call, CallAction::StartReview, None)
            .await
            .unwrap();

        // The pool shows e1 in conflict (on team A); assigning e1 is refused without a reason.
        let pool = services::reviewer_pool(&s, &off, call, Some("甘蔗".into()))
            .await
            .unwrap();
        let p1 = pool.iter().find(|p| p.user_id == e1.user_id).unwrap();
        assert!(
            p1.conflicts.iter().any(|c| c.1.contains("团队成员")),
            "{:?}",
            p1.conflicts
        );
        assert!(pool
            .iter()
            .find(|p| p.user_id == e2.user_id)
            .unwrap()
            .conflicts
            .is_empty());
        let e = services::assign_reviewers(&s, &off, call, &[e1.user_id, e2.user_id], None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["override_reason"]);
        assert_eq!(
            services::call_reviews(&s, &off, call).await.unwrap().len(),
            0,
            "nothing assigned"
        );
        assert_eq!(
            services::assign_reviewers(&s, &off, call, &[e2.user_id, e3.user_id], None)
                .await
                .unwrap(),
            4
        );
        // An override is recorded with its reason.
        assert_eq!(
            services::assign_reviewers(
                &s,
                &off,
                call,
                &[e1.user_id],
                Some("本领域仅此一位专家，经分管领导同意")
            )
            .await
            .unwrap(),
            2
        );
        let panel = services::call_reviews(&s, &off, call).await.unwrap();
        assert_eq!(panel.len(), 6);
        assert!(
            panel.iter().filter(|t| t.override_reason.is_some()).count() == 1,
            "only e1's review of A was in conflict"
        );

        // Reviewers: a bid is readable only after declaring no conflict; scores on the scale.
        let mine = services::my_reviews(&s, &e2).await.unwrap();
        assert_eq!(mine.len(), 2);
        let ra = mine.iter().find(|t| t.bid_id == bid_a).unwrap().id;
        let rb = mine.iter().find(|t| t.bid_id == bid_b).unwrap().id;
        assert!(services::review_detail(&s, &e2, ra)
            .await
            .unwrap()
            .bid
            .is_none());
        assert_eq!(
            services::bid_detail(&s, Some(&e2), bid_a)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let e = services::submit_review(
            &s,
            &e2,
            ra,
            &scores(&[80, 80, 80]),
            &["好".repeat(3), "好".repeat(3), "好".repeat(3)],
            "",
        )
        .await
        .unwrap_err();
        assert!(
            conflict(&e).contains("不能执行"),
            "scores before the declaration: {e:?}"
        );
        for t in services::my_reviews(&s, &e2)
            .await
            .unwrap()
            .iter()
            .chain(services::my_reviews(&s, &e3).await.unwrap().iter())
        {
            services::review_action(
                &s,
                if mine.iter().any(|m| m.id == t.id) {
                    &e2
                } else {
                    &e3
                },
                t.id,
                ReviewAction::DeclareNoConflict,
                None,
            )
            .await
            .unwrap();
        }
        assert!(services::review_detail(&s, &e2, ra)
            .await
            .unwrap()
            .bid
            .is_some());
        let comments = |tag: &str| {
            vec![
                format!("{tag}方案扎实"),
                format!("{tag}团队有经验"),
                format!("{tag}预算合理"),
            ]
        };
        let e = services::submit_review(&s, &e2, ra, &scores(&[101, 80, 80]), &comments("甲"), "")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["score_0"], "a score outside the scale");
        services::submit_review(&s, &e2, ra, &scores(&[90, 80, 80]), &comments("二号甲"), "")
            .await
            .unwrap();
        services::submit_review(
            &s,
            &e2,
            rb,
            &scores(&[70, 70, 60]),
            &comments("二号乙"),
            "建议补充田间数据",
        )
        .await
        .unwrap();
        let e3_tasks = services::my_reviews(&s, &e3).await.unwrap();
        for t in &e3_tasks {
            let v = if t.bid_id == bid_a {
                [88, 85, 80]
            } else {
                [72, 66, 60]
            };
            services::submit_review(&s, &e3, t.id, &scores(&v), &comments("三号"), "")
                .await
                .unwrap();
        }
        // e1 recuses from A after all; e1's review of B is revoked by an official.
        for t in services::my_reviews(&s, &e1).await.unwrap() {
            if t.bid_id == bid_a {
                services::review_action(
                    &s,
                    &e1,
                    t.id,
                    ReviewAction::DeclareConflict,
                    Some("我是该团队成员"),
                )
                .await
                .unwrap();
            } else {
                services::review_action(&s, &off, t.id, ReviewAction::Revoke, Some("调整评审组"))
                    .await
                    .unwrap();
            }
        }

        // Ranking: A 85.00 and 85.50 (mean 85.25); B below. Officials see each reviewer's total.
        let ranking = services::ranking(&s, &off, call).await.unwrap();
        assert_eq!(ranking[0].bid_id, bid_a);
        assert_eq!(ranking[0].rank, 1);
        assert_eq!(ranking[0].reviewers.len(), 2);
        assert_eq!(
            ranking[0].reviewers.iter().map(|r| r.total).max(),
            Some(8550)
        );
        assert_eq!(ranking[0].mean, Some(8525));
        assert_eq!(ranking[0].spread, 50);
        assert_eq!(ranking[1].rank, 2);

        // Award: not the top bid needs a justification; exactly one of two officials wins.
        let e = services::award_call(
            &s,
            &off,
            call,
            &[(bid_b, "方案更贴合企业产线".into())],
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["justification"]);
        let e = services::award_call(
            &s,
            &off,
            call,
            &[(bid_a, "评分第一".into()), (bid_b, "第二".into())],
            None,
        )
        .await
        .unwrap_err();
        assert!(fields(&e).contains(&"picks".to_string()), "K = 1: {e:?}");
        let pick = [(bid_a, "评审排名第一".to_string())];
        let (r1, r2) = tokio::join!(
            services::award_call(&s, &off, call, &pick, None),
            services::award_call(&s, &off2, call, &pick, None),
        );
        assert!(
            r1.is_ok() != r2.is_ok(),
            "exactly one award stands: {r1:?} {r2:?}"
        );
        let loser = r1.err().or(r2.err()).unwrap();
        assert!(
            conflict(&loser).contains("已对本榜单定榜")
                || conflict(&loser).contains("不能进行此操作"),
            "{loser:?}"
        );
        let d = services::call_detail(&s, None, call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Publicity);
        let p = d.publicity.unwrap();
        assert_eq!(p.awards.len(), 1);
        assert_eq!(p.awards[0].bid_id, bid_a);
        assert_eq!(
            p.awards[0].total, ranking[0].mean,
            "the notice shows the total score"
        );
        // 2027-01-15 is a Friday: Mon 18 … Fri 22, ending at 24:00 Beijing on the 22nd.
        assert_eq!(p.ends, Utc.with_ymd_and_hms(2027, 1, 22, 16, 0, 0).unwrap());
        assert!(!p.may_object, "a visitor may not object");

        // Objections: anonymous refused; a signed one is answered; upheld → back to review.
        let e = services::file_objection(&s, None, call, "评审过程存在问题，请复核。")
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("实名"));
        let e = services::file_objection(&s, Some(&citizen), call, "太短")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["body"]);
        let o1 = services::file_objection(
            &s,
            Some(&citizen),
            call,
            "中榜团队的样机数据来源存疑，请复核。",
        )
        .await
        .unwrap();
        let e = services::conclude_publicity(&s, &off, call)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("公示期至"), "{e:?}");
        services::answer_objection(
            &s,
            &off,
            o1,
            "经复核，样机数据需第三方重新检测，退回评审。",
            true,
        )
        .await
        .unwrap();
        let d = services::call_detail(&s, None, call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Reviewing);
        assert!(d.publicity.is_none(), "the award was withdrawn");
        clock.advance(Duration::hours(3));
        services::award_call(
            &s,
            &off,
            call,
            &[(bid_a, "复核后评审排名第一".into())],
            None,
        )
        .await
        .unwrap();
        let o2 =
            services::file_objection(&s, Some(&citizen), call, "对复核结论仍有疑问，请说明依据。")
                .await
                .unwrap();
        let public = services::call_detail(&s, None, call)
            .await
            .unwrap()
            .publicity
            .unwrap();
        assert_eq!(
            public.objections.len(),
            1,
            "the new 公示 shows its own objections"
        );
        assert!(
            !public.objections[0].by.contains("李工") || public.objections[0].by.contains('*'),
            "the objector's name is masked publicly"
        );
        clock.advance(Duration::days(10));
        let e = services::conclude_publicity(&s, &off, call)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("未答复"), "{e:?}");
        let e =
            services::file_objection(&s, Some(&citizen), call, "公示期结束后再提出的异议内容。")
                .await
                .unwrap_err();
        assert!(conflict(&e).contains("公示期"), "{e:?}");
        services::answer_objection(&s, &off, o2, "依据第三方检测报告，维持原结论。", false)
            .await
            .unwrap();
        services::conclude_publicity(&s, &off, call).await.unwrap();
        assert_eq!(
            services::call_detail(&s, None, call)
                .await
                .unwrap()
                .summary
                .status,
            CallStatus::Awarded
        );
        assert_eq!(
            b.store.get_bid(bid_a).await.unwrap().unwrap().bid.status,
            BidStatus::Awarded
        );
        assert_eq!(
            b.store.get_bid(bid_b).await.unwrap().unwrap().bid.status,
            BidStatus::NotAwarded
        );

        // The unsuccessful team reads its scores, band and comments, no reviewer names.
        let fb = services::bid_detail(&s, Some(&bb), bid_b)
            .await
            .unwrap()
            .feedback
            .unwrap();
        assert_eq!(fb.criteria.len(), 3);
        assert_eq!(fb.criteria[0].2, 7100, "mean of 70 and 72");
        assert_eq!(fb.band_zh, "前 50%–75%");
        assert!(fb.comments.iter().any(|c| c.contains("建议补充田间数据")));
        let json = serde_json::to_string(&fb).unwrap();
        for name in ["专家e2rev@", "专家e3rev@", "e2rev", "e3rev"] {
            assert!(!json.contains(name), "feedback names a reviewer: {json}");
        }
        assert!(
            services::bid_detail(&s, Some(&citizen), bid_b)
                .await
                .is_err(),
            "others still read nothing"
        );

        // Everyone concerned was told, in the app and by e-mail.
        let kinds = |v: Vec<app::model::NotificationView>| {
            v.into_iter().map(|n| n.kind).collect::<Vec<_>>()
        };
        assert!(kinds(services::my_notifications(&s, &a).await.unwrap())
            .contains(&"eligibility".to_string()));
        assert!(kinds(services::my_notifications(&s, &e2).await.unwrap())
            .contains(&"review_assigned".to_string()));
        assert!(kinds(services::my_notifications(&s, &bb).await.unwrap())
            .contains(&"award".to_string()));
        assert!(kinds(services::my_notifications(&s, &off).await.unwrap())
            .contains(&"objection_filed".to_string()));
        assert!(
            kinds(services::my_notifications(&s, &citizen).await.unwrap())
                .contains(&"objection_answered".to_string())
        );
        assert_eq!(
            services::unread_notifications(&s, &citizen).await.unwrap(),
            2
        );
        services::mark_notifications_read(&s, &citizen)
            .await
            .unwrap();
        assert_eq!(
            services::unread_notifications(&s, &citizen).await.unwrap(),
            0
        );
        assert_eq!(
            b.raw
                .count(
                    "SELECT COUNT(*) FROM email_outbox WHERE to_email = 'rev-citizen@example.cn'"
                )
                .await,
            2
        );
        let bell =
            serde_json::to_string(&services::my_notifications(&s, &bb).await.unwrap()).unwrap();
        assert!(
            !bell.contains("方案扎实"),
            "a notification carries no review content"
        );

        // The public timeline shows the call's steps and the objections' answers, nothing of
        // the bids; the officials' one shows every bid's and review's steps too.
        let public = services::call_timeline(&s, None, call).await.unwrap();
        let text = serde_json::to_string(&public).unwrap();
        for step in [
            "发榜",
            "截止揭榜",
            "完成形式审查，进入评审",
            "定榜并公示",
            "退回重新评审",
            "结束公示",
            "异议答复：采纳",
        ] {
            assert!(text.contains(step), "public timeline lacks {step}: {text}");
        }
        for secret in [
            bid_form("").title.as_str(),
            "rev-a@",
            "提交揭榜",
            "专家e2rev",
        ] {
            assert!(!text.contains(secret), "public timeline shows {secret}");
        }
        assert!(public.iter().all(|e| e.actor.is_none()));
        let full =
            serde_json::to_string(&services::call_timeline(&s, Some(&off), call).await.unwrap())
                .unwrap();
        assert!(
            full.contains("提交揭榜") && full.contains("声明无利益冲突"),
            "{full}"
        );
    })
    .await;
}
