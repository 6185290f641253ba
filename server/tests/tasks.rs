//! 揭榜挂帅 part 2 on both engines: the task contract (立项) with its first tranche, milestones
//! submitted, rejected, resubmitted and accepted, the 赛马制 mid-term cut, the final
//! acceptance with the final payment, termination and failed acceptance, and the reminders.
mod common;

use app::domain::call::{CallAction, CallStatus};
use app::domain::task::{MilestoneKind, MilestoneStatus, TaskStatus};
use app::model::{MidtermLine, MilestoneSubmission, TaskForm};
use app::ports::FakeClock;
use app::services::{self, Verdict};
use common::calls::*;
use common::each_backend;
use common::people::fields;
use std::sync::Arc;
use uuid::Uuid;

fn sub(report: &str, values: &[&str]) -> MilestoneSubmission {
    MilestoneSubmission {
        report: report.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn line(task: Uuid, decision: &str, extra: &str, reason: &str) -> MidtermLine {
    MidtermLine {
        task_id: task.to_string(),
        decision: decision.into(),
        merge_into: String::new(),
        extra: extra.into(),
        reason: reason.into(),
    }
}

async fn form_for(s: &app::ports::AppState, a: &Awarded, team: usize) -> TaskForm {
    services::task_form(s, &a.off, a.call, a.teams[team].1)
        .await
        .unwrap()
        .2
}

#[tokio::test]
async fn a_race_runs_from_the_task_contracts_through_a_midterm_cut_to_acceptance() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let a = awarded_call(&s, &b, &clock, 2, 'R', true).await;
        let (lead0, lead1) = (a.teams[0].0.clone(), a.teams[1].0.clone());

        // The form comes pre-filled with the winner's share (¥4.5m over two teams, split 2:1
        // like the call) and the template's milestones dated from today.
        let f = form_for(&s, &a, 0).await;
        assert_eq!(
            (f.city_fund.as_str(), f.enterprise_fund.as_str()),
            ("150", "75")
        );
        assert_eq!(f.milestones.lines().count(), 3, "{}", f.milestones);

        // Tranches that overrun the funding are refused and nothing is recorded.
        let mut bad = f.clone();
        bad.milestones = bad.milestones.replacen("146.25", "300", 1);
        let e = services::start_task(&s, &a.off, a.call, &bad)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["milestones"]);
        assert!(e.field_errors()[0].zh.contains("超过资助经费"), "{e:?}");
        let d = services::call_detail(&s, None, a.call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Awarded);
        assert!(d.implementation.unwrap().tasks.is_empty());
        // Only officials record task contracts.
        assert!(services::start_task(&s, &lead0, a.call, &f).await.is_err());

        let t0 = services::start_task(&s, &a.off, a.call, &f).await.unwrap();
        let e = services::start_task(&s, &a.off, a.call, &f)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("已立项"), "{e:?}");
        // The second team cannot take more city money than the call has left.
        let mut f1 = form_for(&s, &a, 1).await;
        f1.city_fund = "151".into();
        f1.milestones = f1.milestones.replacen("146.25", "147.25", 1);
        let e = services::start_task(&s, &a.off, a.call, &f1)
            .await
            .unwrap_err();
        assert!(fields(&e).contains(&"city_fund".to_string()), "{e:?}");
        // The store refuses it too, for a 立项 racing past the service's check.
        let mut racing = s.store.get_task(t0).await.unwrap().unwrap().task;
        racing.id = Uuid::new_v4();
        racing.bid_id = a.teams[1].1;
        racing.org_id = a.teams[1].0.org_id.unwrap();
        racing.lead_user_id = a.teams[1].0.user_id;
        racing.city_fund_fen += 100;
        assert!(matches!(
            s.store.start_task(&racing, &[], None, &[]).await,
            Err(app::ports::StoreError::Stale)
        ));
        let f1 = form_for(&s, &a, 1).await;
        let t1 = services::start_task(&s, &a.off, a.call, &f1).await.unwrap();

        let d = services::call_detail(&s, None, a.call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::InProgress);
        let imp = d.implementation.unwrap();
        assert_eq!(imp.tasks.len(), 2);
        assert!(
            !imp.may_midterm,
            "a visitor sees the tasks, not the officials' tools"
        );
        let v = services::task_detail(&s, None, t0).await.unwrap();
        assert_eq!(v.funding_fen(), 225 * 1_000_000);
        assert_eq!(
            v.paid_fen,
            14_625_000 * 10,
            "the first tranche (65%) is paid at 立项"
        );
        assert_eq!(v.milestones[0].status, MilestoneStatus::Accepted);
        assert!(v.milestones[0].paid_at.is_some());
        assert!(v.history.is_empty(), "the public does not read the history");

        // Submissions: only the team, in order, with numbers in the indicator's unit.
        let (m1, m2) = (v.milestones[1].id, v.milestones[2].id);
        let e =
            services::submit_milestone(&s, &lead1, m1, &sub("样机完成台架试验，报告见附件。", &[]))
                .await
                .unwrap_err();
        assert!(conflict(&e).contains("只有中榜团队"), "{e:?}");
        let e = services::submit_milestone(
            &s,
            &lead0,
            m2,
            &sub("验收报告：全部指标达到要求。", &["4", "6"]),
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("上一个里程碑"), "{e:?}");
        let e = services::submit_milestone(
            &s,
            &lead0,
            m1,
            &sub("样机完成台架试验，报告见附件。", &["4 kg"]),
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["values.0"]);
        let v = services::task_detail(&s, Some(&lead0), t0).await.unwrap();
        assert_eq!(
            v.milestones[1].status,
            MilestoneStatus::Pending,
            "nothing changed"
        );
        assert!(v.milestones[1].may_submit && !v.milestones[2].may_submit);
        // A confirmed member of the team may submit.
        services::submit_milestone(
            &s,
            &a.member,
            m1,
            &sub("样机完成台架试验，断尾率 6%。", &["6", ""]),
        )
        .await
        .unwrap();

        // Officials: a rejection needs a reason; the team resubmits; accepted once, paid once.
        let e = services::decide_milestone(&s, &a.off, m1, Verdict::Reject, None, false)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        let e = services::decide_milestone(&s, &a.off, m1, Verdict::Fail, Some("不合格"), false)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("只有验收"), "{e:?}");
        services::decide_milestone(
            &s,
            &a.off,
            m1,
            Verdict::Reject,
            Some("断尾率未达到中期要求，请补充试验"),
            false,
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&lead0), t0).await.unwrap();
        assert_eq!(v.milestones[1].status, MilestoneStatus::Rejected);
        assert!(v.milestones[1]
            .status_reason
            .as_deref()
            .unwrap()
            .contains("补充试验"));
        assert!(
            services::task_detail(&s, None, t0)
                .await
                .unwrap()
                .milestones[1]
                .status_reason
                .is_none(),
            "the reason is for the team and officials"
        );
        services::submit_milestone(
            &s,
            &lead0,
            m1,
            &sub("补充试验后断尾率 4.8%，报告见附件。", &["4.8", "6.5"]),
        )
        .await
        .unwrap();
        services::decide_milestone(&s, &a.off, m1, Verdict::Accept, None, false)
            .await
            .unwrap();
        let e = services::decide_milestone(&s, &a.off, m1, Verdict::Accept, None, false)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("不能执行"), "accepted twice: {e:?}");
        let v = services::task_detail(&s, Some(&a.off), t0).await.unwrap();
        assert_eq!(v.paid_fen, (14_625_000 + 4_500_000) * 10);
        assert_eq!(v.milestones[1].readings[0].meets, Some(true));
        assert!(v.milestone_history.iter().any(|h| h.action == "reject"));

        // The mid-term review: not every team can be cut; enlargements stay within what the cut
        // team frees; the cut team's unpaid tranches are cancelled.
        let imp = services::call_detail(&s, Some(&a.off), a.call)
            .await
            .unwrap()
            .implementation
            .unwrap();
        assert!(imp.may_midterm && imp.may_terminate);
        let e = services::midterm_review(
            &s,
            &a.off,
            a.call,
            &[
                line(t0, "cut", "", "进度滞后"),
                line(t1, "cut", "", "进度滞后"),
            ],
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("不能淘汰全部团队"), "{e:?}");
        let e = services::midterm_review(
            &s,
            &a.off,
            a.call,
            &[
                line(t0, "continue", "100", "进展良好"),
                line(t1, "cut", "", "样机未达标"),
            ],
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("超过"), "78.75 is freed: {e:?}");
        let e = services::midterm_review(&s, &a.off, a.call, &[line(t0, "continue", "", "")])
            .await
            .unwrap_err();
        assert!(
            !e.field_errors().is_empty(),
            "a reason for every decision: {e:?}"
        );
        services::midterm_review(
            &s,
            &a.off,
            a.call,
            &[
                line(t0, "continue", "50", "进展良好，追加经费"),
                line(t1, "cut", "", "样机断尾率未达标"),
            ],
        )
        .await
        .unwrap();
        let v1 = services::task_detail(&s, None, t1).await.unwrap();
        assert_eq!(v1.status, TaskStatus::Cut);
        assert_eq!(v1.status_reason.as_deref(), Some("样机断尾率未达标"));
        assert_eq!(v1.cancelled_fen, (4_500_000 + 3_375_000) * 10);
        assert!(v1.milestones[1..]
            .iter()
            .all(|m| m.status == MilestoneStatus::Cancelled));
        let e = services::submit_milestone(
            &s,
            &lead1,
            v1.milestones[1].id,
            &sub("继续提交样机报告内容。", &[]),
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("中期淘汰"), "{e:?}");
        let v = services::task_detail(&s, Some(&lead0), t0).await.unwrap();
        assert_eq!(v.funding_fen(), 275 * 1_000_000, "enlarged by ¥500k");
        assert_eq!(v.milestones[2].tranche_fen, (3_375_000 + 5_000_000) * 10);

        // The final acceptance: every value, an opinion, and the final payment.
        let e = services::submit_milestone(
            &s,
            &lead0,
            m2,
            &sub("田间验收报告：500 亩连续作业。", &["4.2"]),
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["values.1"]);
        services::submit_milestone(
            &s,
            &lead0,
            m2,
            &sub("田间验收报告：500 亩连续作业。", &["4.2", "6.1%"]),
        )
        .await
        .unwrap();
        let e = services::decide_milestone(
            &s,
            &a.off,
            m2,
            Verdict::Accept,
            Some("全部指标达到要求，验收通过"),
            true,
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["reviews"],
            "the final acceptance is decided with reviewers"
        );
        expert_opinion(&s, &a, m2, "pass").await;
        let e = services::decide_milestone(&s, &a.off, m2, Verdict::Accept, None, true)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["reason"],
            "the acceptance opinion is required"
        );
        services::decide_milestone(
            &s,
            &a.off,
            m2,
            Verdict::Accept,
            Some("全部指标达到要求，验收通过"),
            true,
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&lead0), t0).await.unwrap();
        assert_eq!(v.status, TaskStatus::Accepted);
        assert_eq!(v.paid_fen, v.funding_fen(), "everything is paid");
        assert!(v.breakthrough);
        assert_eq!(v.milestones[2].kind, MilestoneKind::Final);
        let d = services::call_detail(&s, None, a.call).await.unwrap();
        assert_eq!(
            d.summary.status,
            CallStatus::Accepted,
            "the last live task closed the call"
        );
        // The plan's task-5 target counts it (accepted and flagged).
        let tracker = services::tracker(&s, None, false).await.unwrap();
        let t5 = tracker.rows.iter().find(|r| r.code == "T5-1").unwrap();
        assert_eq!(
            t5.current_raw,
            Some(10_000),
            "one key technology broken through"
        );
        // The public timeline shows the 立项, the payments and the cut with its reason, not the
        // rejection's reason.
        let line = services::call_timeline(&s, None, a.call).await.unwrap();
        let text: Vec<String> = line
            .iter()
            .map(|e| format!("{} {}", e.label_zh, e.detail.clone().unwrap_or_default()))
            .collect();
        assert!(text.iter().any(|t| t.contains("立项")), "{text:?}");
        assert!(
            text.iter()
                .any(|t| t.contains("中期淘汰") && t.contains("样机断尾率未达标")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("审核通过")), "{text:?}");
        assert!(!text.iter().any(|t| t.contains("补充试验")), "{text:?}");
        let notes = services::my_notifications(&s, &lead0).await.unwrap();
        for kind in [
            "task_started",
            "milestone_rejected",
            "milestone_accepted",
            "midterm_decision",
            "acceptance_passed",
        ] {
            assert!(notes.iter().any(|n| n.kind == kind), "{kind}: {notes:?}");
        }
        assert!(services::my_notifications(&s, &lead1)
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "midterm_decision" && n.title_zh.contains("淘汰")));
    })
    .await;
}

#[tokio::test]
async fn termination_failed_acceptance_and_steps_out_of_order_are_refused_or_recorded() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;

        // 立项 while the 公示 runs is refused.
        let p = awarded_call(&s, &b, &clock, 1, 'P', false).await;
        let e = services::task_form(&s, &p.off, p.call, p.teams[0].1)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("公示"), "{e:?}");
        let form = TaskForm {
            bid_id: p.teams[0].1.to_string(),
            starts_on: "2027-02-01".into(),
            city_fund: "100".into(),
            enterprise_fund: "".into(),
            milestones: "签约 | 2027-02-01 | 60\n验收 | 2028-02-01 | 40".into(),
            indicators: "断尾率 | % | ≤ 5".into(),
        };
        let e = services::start_task(&s, &p.off, p.call, &form)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("公示"), "{e:?}");

        // A single-winner call: no race; termination needs a reason and cancels what is unpaid.
        // Its 立项 agrees ¥100k less than the award's share: the award's draft contract follows.
        let t = awarded_call(&s, &b, &clock, 1, 'T', true).await;
        let drafts = s
            .store
            .contracts_linked(app::ports::ContractLink::Call, t.call)
            .await
            .unwrap();
        assert_eq!(drafts.len(), 1, "the award drafted the winner's contract");
        let mut f = form_for(&s, &t, 0).await;
        let mut lines: Vec<String> = f.milestones.lines().map(String::from).collect();
        let (head, amount) = lines[0].rsplit_once('|').unwrap();
        let amount: f64 = amount.trim().parse().unwrap();
        lines[0] = format!("{head}| {}", amount - 10.0);
        f.milestones = lines.join("\n");
        let city: f64 = f.city_fund.trim().parse().unwrap();
        f.city_fund = format!("{}", city - 10.0);
        let task = services::start_task(&s, &t.off, t.call, &f).await.unwrap();
        let funding = services::task_detail(&s, None, task)
            .await
            .unwrap()
            .funding_fen();
        assert_eq!(
            funding,
            drafts[0].contract_amount_fen - 10 * 1_000_000,
            "{f:?}"
        );
        let c = s.store.get_contract(drafts[0].id).await.unwrap().unwrap();
        assert_eq!(
            c.contract_amount_fen, funding,
            "the draft takes the agreed funding"
        );
        assert_eq!(c.status, app::domain::contract::ContractStatus::Draft);
        let e = services::midterm_review(
            &s,
            &t.off,
            t.call,
            &[line(task, "continue", "", "进展良好")],
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("赛马"), "{e:?}");
        let e = services::call_action(&s, &t.off, t.call, CallAction::Terminate, Some("经费调整"))
            .await
            .unwrap_err();
        assert!(
            conflict(&e).contains("项目实施"),
            "the generic path does not stop tasks: {e:?}"
        );
        let e = services::terminate_call(&s, &t.off, t.call, " ")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        assert!(
            services::terminate_call(&s, &t.teams[0].0, t.call, "我想终止")
                .await
                .is_err()
        );
        services::terminate_call(&s, &t.off, t.call, "企业经营调整，合作终止")
            .await
            .unwrap();
        let d = services::call_detail(&s, None, t.call).await.unwrap();
        assert_eq!(d.summary.status, CallStatus::Terminated);
        assert_eq!(d.status_reason.as_deref(), Some("企业经营调整，合作终止"));
        let v = services::task_detail(&s, None, task).await.unwrap();
        assert_eq!(v.status, TaskStatus::Terminated);
        assert_eq!(v.paid_fen + v.cancelled_fen, v.funding_fen());
        let e = services::terminate_call(&s, &t.off, t.call, "再次终止")
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("已终止"), "{e:?}");

        // Failed acceptance closes the call as failed, without the final payment.
        let f = awarded_call(&s, &b, &clock, 1, 'F', true).await;
        let lead = f.teams[0].0.clone();
        let task = services::start_task(&s, &f.off, f.call, &form_for(&s, &f, 0).await)
            .await
            .unwrap();
        let v = services::task_detail(&s, Some(&lead), task).await.unwrap();
        let (m1, m2) = (v.milestones[1].id, v.milestones[2].id);
        services::submit_milestone(&s, &lead, m1, &sub("样机完成台架试验，报告见附件。", &[]))
            .await
            .unwrap();
        services::decide_milestone(&s, &f.off, m1, Verdict::Accept, Some("同意"), false)
            .await
            .unwrap();
        services::submit_milestone(
            &s,
            &lead,
            m2,
            &sub("田间验收报告：含杂率偏高。", &["5", "9"]),
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&f.off), task).await.unwrap();
        let r = &v.milestones[2].readings;
        assert_eq!(
            (r[0].meets, r[1].meets),
            (Some(true), Some(false)),
            "断尾率 ≤ 5 met, 含杂率 ≤ 7 not"
        );
        expert_opinion(&s, &f, m2, "fail").await;
        services::decide_milestone(
            &s,
            &f.off,
            m2,
            Verdict::Fail,
            Some("含杂率 9% 未达到 ≤ 7% 的指标"),
            false,
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&lead), task).await.unwrap();
        assert_eq!(v.status, TaskStatus::Failed);
        assert!(v.paid_fen < v.funding_fen() && v.cancelled_fen > 0);
        assert!(!v.breakthrough);
        assert_eq!(
            services::call_detail(&s, None, f.call)
                .await
                .unwrap()
                .summary
                .status,
            CallStatus::FailedAcceptance
        );
    })
    .await;
}

#[tokio::test]
async fn milestones_due_soon_and_overdue_are_flagged_and_notified_once() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let a = awarded_call(&s, &b, &clock, 1, 'D', true).await;
        let lead = a.teams[0].0.clone();
        let task = services::start_task(&s, &a.off, a.call, &form_for(&s, &a, 0).await)
            .await
            .unwrap();
        let due = services::task_detail(&s, None, task)
            .await
            .unwrap()
            .milestones[1]
            .due_on;
        let at = |d: chrono::NaiveDate| {
            d.and_hms_opt(2, 0, 0).unwrap().and_utc() // 10:00 Beijing
        };
        clock.set(at(due - chrono::Duration::days(3)));
        services::remind_milestones(&s).await.unwrap();
        services::remind_milestones(&s).await.unwrap();
        let notes = services::my_notifications(&s, &lead).await.unwrap();
        assert_eq!(
            notes.iter().filter(|n| n.kind == "milestone_due").count(),
            1,
            "once"
        );
        assert!(
            !services::task_detail(&s, None, task)
                .await
                .unwrap()
                .milestones[1]
                .overdue
        );
        clock.set(at(due + chrono::Duration::days(1)));
        services::remind_milestones(&s).await.unwrap();
        assert!(
            services::task_detail(&s, None, task)
                .await
                .unwrap()
                .milestones[1]
                .overdue
        );
        let imp = services::call_detail(&s, None, a.call)
            .await
            .unwrap()
            .implementation
            .unwrap();
        assert_eq!(imp.tasks[0].overdue, 1);
        for who in [&lead, &a.off] {
            let notes = services::my_notifications(&s, who).await.unwrap();
            assert_eq!(
                notes
                    .iter()
                    .filter(|n| n.kind == "milestone_overdue")
                    .count(),
                1
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_demo_seeds_show_a_call_in_every_state_of_implementation() {
    each_backend(|b| async move {
        server::seeds::load(
            b.store.as_ref(),
            &server::secrets::Argon2Secrets,
            &common::seeds_dir(),
            true,
        )
        .await
        .expect("seeds");
        let s = common::state(b.store.clone());
        let of = |status: CallStatus| {
            let s = s.clone();
            async move {
                services::list_calls(&s, None, None, None, None, Some(status.as_str().into()))
                    .await
                    .unwrap()
                    .items
            }
        };
        for st in [
            CallStatus::Awarded,
            CallStatus::InProgress,
            CallStatus::Accepted,
            CallStatus::FailedAcceptance,
            CallStatus::Terminated,
        ] {
            assert_eq!(of(st).await.len(), 1, "{st:?}");
        }
        // The awarded race waits for its two task contracts; the demo official may record them.
        let race = of(CallStatus::Awarded).await[0].clone();
        assert_eq!(race.winners, 2);
        let u = b
            .store
            .find_user_by_email("official@demo.jiebang.local")
            .await
            .unwrap()
            .unwrap();
        let off = app::policy::Actor {
            user_id: u.id,
            org_id: u.org_id,
            membership_active: u.membership_active,
            is_org_admin: u.is_org_admin,
            roles: b.store.user_roles(u.id).await.unwrap(),
        };
        let imp = services::call_detail(&s, Some(&off), race.id)
            .await
            .unwrap()
            .implementation
            .unwrap();
        assert!(imp.tasks.is_empty());
        assert_eq!(imp.may_start.len(), 2);
        // In progress: the first tranche paid, the next milestone overdue.
        let running = of(CallStatus::InProgress).await[0].clone();
        let imp = services::call_detail(&s, None, running.id)
            .await
            .unwrap()
            .implementation
            .unwrap();
        let t = services::task_detail(&s, None, imp.tasks[0].id)
            .await
            .unwrap();
        assert!(t.paid_fen > 0 && t.paid_fen < t.funding_fen());
        assert!(t.milestones.iter().any(|m| m.overdue));
        // Accepted: everything paid and the breakthrough flagged; failed: the final tranche not.
        let done = of(CallStatus::Accepted).await[0].clone();
        let imp = services::call_detail(&s, None, done.id)
            .await
            .unwrap()
            .implementation
            .unwrap();
        let t = services::task_detail(&s, None, imp.tasks[0].id)
            .await
            .unwrap();
        assert_eq!(
            (t.status, t.paid_fen == t.funding_fen(), t.breakthrough),
            (TaskStatus::Accepted, true, true)
        );
        // It was decided with the demo expert's opinion on the final report.
        let t = services::task_detail(&s, Some(&off), imp.tasks[0].id)
            .await
            .unwrap();
        let fin = t.milestones.last().unwrap().reviews.clone().unwrap();
        assert_eq!(fin.current(), 1, "{fin:?}");
        assert_eq!(
            fin.opinions[0].opinion,
            Some(app::domain::stage_review::Opinion::Pass)
        );
        let tracker = services::tracker(&s, None, false).await.unwrap();
        let t5 = tracker.rows.iter().find(|r| r.code == "T5-1").unwrap();
        assert_eq!(
            t5.current_raw,
            Some(10_000),
            "the seeded breakthrough counts"
        );
        let failed = of(CallStatus::FailedAcceptance).await[0].clone();
        let imp = services::call_detail(&s, None, failed.id)
            .await
            .unwrap()
            .implementation
            .unwrap();
        let t = services::task_detail(&s, None, imp.tasks[0].id)
            .await
            .unwrap();
        assert_eq!(t.status, TaskStatus::Failed);
        assert!(t.cancelled_fen > 0);
        let stopped = of(CallStatus::Terminated).await[0].clone();
        let d = services::call_detail(&s, None, stopped.id).await.unwrap();
        assert!(d.status_reason.unwrap().contains("终止"));
        // Seeding twice changes nothing.
        server::seeds::load(
            b.store.as_ref(),
            &server::secrets::Argon2Secrets,
            &common::seeds_dir(),
            true,
        )
        .await
        .expect("seeds again");
        assert_eq!(of(CallStatus::InProgress).await.len(), 1);
    })
    .await;
}
