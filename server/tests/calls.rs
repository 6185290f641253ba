//! 揭榜挂帅 calls, part 1, on both engines: a call built from a demand and published, teams
//! bidding with confirmed members and receipts, the seal, the clock closing the window (also
//! with 500 submissions racing the close), receipts verified after opening, eligibility, 流榜
//! and 撤榜.
mod common;

use app::domain::bid::{BidAction, BidStatus};
use app::domain::call::{CallAction, CallStatus};
use app::domain::demand::DemandAction;
use app::domain::DemandStatus;
use app::error::AppError;
use app::model::ReceiptCheck;
use app::policy::Actor;
use app::ports::{AuditEvent, BidRecord, FakeClock, OrgRecord, UserRecord};
use app::services;
use chrono::Duration;
use common::calls::*;
use common::each_backend;
use common::people::{fields, form, official};
use std::sync::Arc;
use uuid::Uuid;

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
                version: 0,
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
