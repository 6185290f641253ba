//! Expert review, the award, its 公示 with objections, the feedback to teams, notifications and
//! the public timeline, on both engines.
mod common;

use app::domain::bid::{BidAction, BidStatus};
use app::domain::call::{CallAction, CallStatus};
use app::domain::review::ReviewAction;
use app::error::AppError;
use app::ports::FakeClock;
use app::services;
use chrono::{Duration, TimeZone, Utc};
use common::calls::*;
use common::each_backend;
use common::people::{fields, official};
use std::sync::Arc;

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

        // The award drafted the winner's 技术开发 contract: A sells, the city unit that set
        // the call buys (no co-funder was named), for A's share of the ¥4.5m funding capped at
        // the ¥4.2m its bid asked for, linked to the call. The team sees it on the call's page
        // and completes it; the public sees nothing until it is registered.
        let mine = services::call_detail(&s, Some(&a), call)
            .await
            .unwrap()
            .contracts;
        assert_eq!(mine.len(), 1, "one draft for the one winner: {mine:?}");
        assert!(mine[0].may_edit && mine[0].title.is_some());
        assert_eq!(mine[0].status, app::domain::contract::ContractStatus::Draft);
        assert!(services::call_detail(&s, None, call)
            .await
            .unwrap()
            .contracts
            .is_empty());
        assert!(services::call_detail(&s, Some(&bb), call)
            .await
            .unwrap()
            .contracts
            .is_empty());
        let draft = services::contract_detail(&s, Some(&a), mine[0].id)
            .await
            .unwrap();
        assert_eq!(draft.source, "award");
        assert_eq!(
            draft.contract_type,
            app::domain::contract::ContractType::DevelopmentCommissioned
        );
        assert_eq!(draft.contract_amount_fen, 420 * 1_000_000);
        assert_eq!(draft.seller.org_id, a.acting_org());
        assert_eq!(draft.buyer.org_id, off.acting_org());
        assert_eq!(draft.links.call.as_ref().map(|l| l.id), Some(call));
        assert!(
            draft.history.iter().any(|h| h.action == "draft_from_award"),
            "the draft's creation is audited: {:?}",
            draft.history
        );
        let f = services::contract_form(&s, &a, draft.id).await.unwrap();
        services::save_contract(&s, &a, Some(draft.id), &f, true)
            .await
            .unwrap();
        let applied = services::contract_detail(&s, Some(&off), draft.id)
            .await
            .unwrap();
        assert_eq!(
            applied.status,
            app::domain::contract::ContractStatus::Submitted
        );
        assert_eq!(
            applied.source, "award",
            "still known to come from the award"
        );
        assert_eq!(
            applied.links.call.map(|l| l.id),
            Some(call),
            "the link survives the edit"
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
