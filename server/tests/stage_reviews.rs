//! Experts and files in a call's implementation, on both engines: reviewers assigned to a
//! milestone, the final acceptance and the 赛马制 mid-term review (nobody reviews their own
//! team), their opinions (checked, independent of each other, unsigned for the team, stale
//! after a resubmission), and the files a team attaches to a milestone (checked by content,
//! read only by those who may read the task's reports, fixed once submitted).
mod common;

use app::domain::attachment::{fixtures, UploadError};
use app::domain::task::MilestoneStatus;
use app::error::AppError;
use app::model::MilestoneSubmission;
use app::policy::Actor;
use app::ports::{AuditEvent, FakeClock};
use app::services::{self, UploadFailure, Verdict};
use common::calls::*;
use common::each_backend;
use common::people::fields;
use std::sync::Arc;
use uuid::Uuid;

fn sub(report: &str) -> MilestoneSubmission {
    MilestoneSubmission {
        report: report.into(),
        values: vec![],
    }
}

/// Gives `who` the expert role and a profile accepting reviews.
async fn make_expert(s: &app::ports::AppState, b: &common::Backend, who: &Actor) -> Actor {
    b.store
        .grant_role(
            who.user_id,
            app::domain::Role::Expert,
            &AuditEvent {
                actor_id: None,
                entity_type: "user",
                entity_id: who.user_id.to_string(),
                action: "grant_role".into(),
                from_state: None,
                to_state: None,
                reason: None,
                at: start(),
            },
        )
        .await
        .unwrap();
    let mut a = who.clone();
    a.roles.push(app::domain::Role::Expert);
    services::save_expert_profile(
        s,
        &a,
        &app::model::ExpertForm {
            title: "教授".into(),
            fields: "机器视觉".into(),
            keywords: "缺陷检测".into(),
            bio: "从事机器视觉研究。".into(),
            accepts_review: true,
            is_public: true,
        },
    )
    .await
    .unwrap();
    a
}

async fn start_all(s: &app::ports::AppState, a: &Awarded) -> Vec<Uuid> {
    let mut out = vec![];
    for (_, bid) in &a.teams {
        let f = services::task_form(s, &a.off, a.call, *bid)
            .await
            .unwrap()
            .2;
        out.push(services::start_task(s, &a.off, a.call, &f).await.unwrap());
    }
    out
}

async fn review_id(s: &app::ports::AppState, expert: &Actor, milestone: Option<Uuid>) -> Uuid {
    s.store
        .stage_reviews_of_expert(expert.user_id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.review.milestone_id == milestone)
        .unwrap()
        .review
        .id
}

fn conflict(e: &AppError) -> String {
    match e {
        AppError::Conflict { zh, .. } => zh.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn experts_give_independent_opinions_on_milestones_and_the_midterm_and_never_review_their_own_team(
) {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let a = awarded_call(&s, &b, &clock, 2, 'W', true).await;
        let tasks = start_all(&s, &a).await;
        let lead0 = a.teams[0].0.clone();
        let v = services::task_detail(&s, Some(&a.off), tasks[0])
            .await
            .unwrap();
        let m1 = v.milestones[1].id;
        assert!(
            v.milestones[0].reviews.is_none(),
            "the 立项 tranche has no review"
        );
        assert!(
            v.milestones[1]
                .reviews
                .as_ref()
                .unwrap()
                .pool
                .iter()
                .any(|p| p.user_id == a.reviewer.user_id),
            "officials pick from the pool"
        );
        let public = services::task_detail(&s, None, tasks[0]).await.unwrap();
        assert!(public.milestones.iter().all(|m| m.reviews.is_none()));

        // Nobody reviews their own team, whatever the reason given; nothing is written.
        let member = make_expert(&s, &b, &a.member).await;
        let e = services::assign_stage_reviewers(
            &s,
            &a.off,
            a.call,
            Some(m1),
            &[member.user_id],
            Some("专家紧缺，特批"),
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["experts"]);
        let e = services::assign_stage_reviewers(
            &s,
            &a.off,
            a.call,
            None,
            &[member.user_id],
            Some("特批"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["experts"],
            "the mid-term looks at every team"
        );
        assert!(services::my_stage_reviews(&s, &member)
            .await
            .unwrap()
            .is_empty());
        // Only officials assign, and only to this call's milestones.
        assert!(services::assign_stage_reviewers(
            &s,
            &lead0,
            a.call,
            Some(m1),
            &[a.reviewer.user_id],
            None
        )
        .await
        .is_err());
        assert!(matches!(
            services::assign_stage_reviewers(
                &s,
                &a.off,
                a.call,
                Some(Uuid::new_v4()),
                &[a.reviewer.user_id],
                None
            )
            .await,
            Err(AppError::NotFound)
        ));

        // The reviewer is assigned before the submission, and can say nothing until it comes.
        services::assign_stage_reviewers(&s, &a.off, a.call, Some(m1), &[a.reviewer.user_id], None)
            .await
            .unwrap();
        let mine = services::my_stage_reviews(&s, &a.reviewer).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].link, format!("/tasks/{}", tasks[0]));
        let r1 = review_id(&s, &a.reviewer, Some(m1)).await;
        let e = services::give_stage_opinion(
            &s,
            &a.reviewer,
            r1,
            Some("pass"),
            "材料齐全，指标达到要求。",
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("不在待审核"), "{e:?}");
        services::submit_milestone(&s, &lead0, m1, &sub("中期样机报告：检出率 98.2%。"))
            .await
            .unwrap();

        // Bad opinions are named by field; someone else's assignment does not exist for them.
        let e = services::give_stage_opinion(&s, &a.reviewer, r1, Some("pass"), "好")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["comment"]);
        let e = services::give_stage_opinion(
            &s,
            &a.reviewer,
            r1,
            Some("maybe"),
            "材料齐全，指标达到要求。",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["opinion"]);
        assert!(matches!(
            services::give_stage_opinion(
                &s,
                &lead0,
                r1,
                Some("pass"),
                "我们自己觉得很好，同意通过。"
            )
            .await,
            Err(AppError::NotFound)
        ));
        // The reviewer reads the report it judges.
        let v = services::task_detail(&s, Some(&a.reviewer), tasks[0])
            .await
            .unwrap();
        assert_eq!(
            v.milestones[1].report.as_deref(),
            Some("中期样机报告：检出率 98.2%。")
        );
        assert_eq!(v.milestones[1].reviews.as_ref().unwrap().mine, Some(r1));
        services::give_stage_opinion(
            &s,
            &a.reviewer,
            r1,
            Some("revise"),
            "误报率数据不足，建议补充 30 天产线数据。",
        )
        .await
        .unwrap();

        // A second expert sees only their own assignment, not the first one's opinion.
        let second = expert(&s, &b, "sr-exp2-W@example.cn", "12450100JBXRW0098").await;
        clock.advance(chrono::Duration::minutes(5));
        services::assign_stage_reviewers(&s, &a.off, a.call, Some(m1), &[second.user_id], None)
            .await
            .unwrap();
        let v = services::task_detail(&s, Some(&second), tasks[0])
            .await
            .unwrap();
        let sr = v.milestones[1].reviews.clone().unwrap();
        assert_eq!(sr.opinions.len(), 1);
        assert!(sr.opinions[0].comment.is_none() && sr.opinions[0].expert.is_some());
        assert!(sr.pool.is_empty() && !sr.may_assign);
        // The team reads the opinion unsigned; officials see who gave it.
        let v = services::task_detail(&s, Some(&lead0), tasks[0])
            .await
            .unwrap();
        let sr = v.milestones[1].reviews.clone().unwrap();
        assert_eq!(
            sr.opinions.len(),
            1,
            "the pending assignment is not shown to the team: {sr:?}"
        );
        assert_eq!(sr.opinions[0].expert, None);
        assert_eq!(sr.opinions[0].number, 1, "numbered in assignment order");
        assert!(sr.opinions[0].current);
        assert!(sr.opinions[0]
            .comment
            .as_deref()
            .unwrap()
            .contains("误报率"));
        let v = services::task_detail(&s, Some(&a.off), tasks[0])
            .await
            .unwrap();
        let sr = v.milestones[1].reviews.clone().unwrap();
        assert_eq!(sr.opinions.len(), 2);
        assert!(sr.opinions[0].expert.is_some());

        // Returned and resubmitted: the earlier opinion no longer counts, and may be given again.
        services::decide_milestone(
            &s,
            &a.off,
            m1,
            Verdict::Reject,
            Some("按专家意见补充数据"),
            false,
        )
        .await
        .unwrap();
        services::submit_milestone(&s, &lead0, m1, &sub("补充 30 天产线数据：误报率 1.4%。"))
            .await
            .unwrap();
        let v = services::task_detail(&s, Some(&a.off), tasks[0])
            .await
            .unwrap();
        let sr = v.milestones[1].reviews.clone().unwrap();
        assert!(
            !sr.opinions[0].current,
            "it answered the earlier submission"
        );
        services::give_stage_opinion(
            &s,
            &a.reviewer,
            r1,
            Some("pass"),
            "补充数据充分，同意通过。",
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&a.off), tasks[0])
            .await
            .unwrap();
        assert!(v.milestones[1].reviews.as_ref().unwrap().opinions[0].current);
        // A milestone needs no opinion; accepted, it takes no more.
        services::decide_milestone(&s, &a.off, m1, Verdict::Accept, None, false)
            .await
            .unwrap();
        let e =
            services::give_stage_opinion(&s, &a.reviewer, r1, Some("pass"), "再次确认同意通过。")
                .await
                .unwrap_err();
        assert!(conflict(&e).contains("不在待审核"), "{e:?}");
        let e =
            services::assign_stage_reviewers(&s, &a.off, a.call, Some(m1), &[second.user_id], None)
                .await
                .unwrap_err();
        assert!(conflict(&e).contains("不能再指派"), "{e:?}");

        // The mid-term review: an assigned expert reads every team and gives a written opinion;
        // the teams do not see the mid-term panel.
        services::assign_stage_reviewers(&s, &a.off, a.call, None, &[second.user_id], None)
            .await
            .unwrap();
        let d = services::call_detail(&s, Some(&second), a.call)
            .await
            .unwrap();
        let mid = d.implementation.unwrap().midterm_reviews.unwrap();
        let r2 = mid.mine.unwrap();
        assert!(!mid.asks_opinion);
        assert!(
            !services::task_detail(&s, Some(&second), tasks[1])
                .await
                .unwrap()
                .milestones[1]
                .readings
                .is_empty(),
            "a mid-term reviewer reads every team"
        );
        let d = services::call_detail(&s, Some(&lead0), a.call)
            .await
            .unwrap();
        assert!(d.implementation.unwrap().midterm_reviews.is_none());
        services::give_stage_opinion(
            &s,
            &second,
            r2,
            None,
            "广西大学团队进度领先，建议继续支持；另一团队建议淘汰。",
        )
        .await
        .unwrap();
        let d = services::call_detail(&s, Some(&a.off), a.call)
            .await
            .unwrap();
        let mid = d.implementation.unwrap().midterm_reviews.unwrap();
        assert_eq!(mid.current(), 1);
        assert!(mid.opinions[0].expert.is_some());
        // Each assignment and opinion is in the audit trail.
        let trail = s
            .store
            .audit_for("stage_review", &r1.to_string())
            .await
            .unwrap();
        assert_eq!(
            trail
                .iter()
                .map(|e| e.event.action.as_str())
                .collect::<Vec<_>>(),
            vec!["assign", "opinion", "opinion"]
        );
        assert_eq!(
            services::task_detail(&s, Some(&a.off), tasks[0])
                .await
                .unwrap()
                .milestones[1]
                .status,
            MilestoneStatus::Accepted
        );
    })
    .await;
}

#[tokio::test]
async fn milestone_files_are_checked_read_by_the_task_readers_only_and_fixed_once_submitted() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let a = awarded_call(&s, &b, &clock, 1, 'K', true).await;
        let task = start_all(&s, &a).await[0];
        let lead = a.teams[0].0.clone();
        let m1 = services::task_detail(&s, Some(&lead), task)
            .await
            .unwrap()
            .milestones[1]
            .id;
        let refused = |r: Result<app::model::AttachmentView, UploadFailure>| match r {
            Err(UploadFailure::Refused(e)) => e,
            other => panic!("expected a refusal, got {other:?}"),
        };

        // Checked by content; only the team attaches.
        let e = refused(
            services::add_milestone_file(&s, &lead, m1, "检测报告.pdf", &fixtures::png()).await,
        );
        assert!(matches!(e, UploadError::Mismatch { .. }), "{e:?}");
        assert!(matches!(
            services::add_milestone_file(&s, &a.off, m1, "检测报告.pdf", &fixtures::pdf("x")).await,
            Err(UploadFailure::Failed(AppError::Forbidden))
        ));
        let start_file = services::task_detail(&s, Some(&lead), task)
            .await
            .unwrap()
            .milestones[0]
            .id;
        assert_eq!(
            refused(
                services::add_milestone_file(
                    &s,
                    &lead,
                    start_file,
                    "合同.pdf",
                    &fixtures::pdf("x")
                )
                .await
            ),
            UploadError::Locked,
            "the 立项 tranche takes no submission"
        );
        let f = services::add_milestone_file(
            &s,
            &lead,
            m1,
            "第三方检测报告.pdf",
            &fixtures::pdf("检出率 98.6%"),
        )
        .await
        .unwrap();
        let v = services::task_detail(&s, Some(&lead), task).await.unwrap();
        assert_eq!(v.milestones[1].files.len(), 1);
        assert!(v.milestones[1].may_attach);

        // Read by the team and officials; to the public and other users it does not exist.
        let (view, bytes) = services::milestone_file_download(&s, Some(&a.off), f.id)
            .await
            .unwrap();
        assert_eq!(bytes, fixtures::pdf("检出率 98.6%"));
        assert_eq!(view.name, "第三方检测报告.pdf");
        assert!(matches!(
            services::milestone_file_download(&s, None, f.id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            services::milestone_file_download(&s, Some(&a.reviewer), f.id).await,
            Err(AppError::NotFound)
        ));
        assert!(services::task_detail(&s, None, task)
            .await
            .unwrap()
            .milestones[1]
            .files
            .is_empty());
        // An assigned reviewer reads it.
        services::assign_stage_reviewers(&s, &a.off, a.call, Some(m1), &[a.reviewer.user_id], None)
            .await
            .unwrap();
        assert!(
            services::milestone_file_download(&s, Some(&a.reviewer), f.id)
                .await
                .is_ok()
        );

        // Submitted: the files are fixed (no upload, no removal) until a return.
        services::submit_milestone(&s, &lead, m1, &sub("样机报告，检测报告见附件。"))
            .await
            .unwrap();
        assert_eq!(
            refused(
                services::add_milestone_file(&s, &lead, m1, "补充.pdf", &fixtures::pdf("y")).await
            ),
            UploadError::Locked
        );
        let e = services::remove_milestone_file(&s, &lead, m1, f.id)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("不能再更改"), "{e:?}");
        services::decide_milestone(
            &s,
            &a.off,
            m1,
            Verdict::Reject,
            Some("请补充原始数据"),
            false,
        )
        .await
        .unwrap();
        services::remove_milestone_file(&s, &lead, m1, f.id)
            .await
            .unwrap();
        assert!(services::task_detail(&s, Some(&lead), task)
            .await
            .unwrap()
            .milestones[1]
            .files
            .is_empty());
        assert!(matches!(
            services::remove_milestone_file(&s, &lead, m1, f.id).await,
            Err(AppError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn milestone_files_go_up_by_a_plain_form_and_come_down_only_to_the_task_readers() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use common::http::{api_token, send};
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let a = awarded_call(&s, &b, &clock, 1, 'H', true).await;
        let task = start_all(&s, &a).await[0];
        let m1 = services::task_detail(&s, Some(&a.teams[0].0), task)
            .await
            .unwrap()
            .milestones[1]
            .id;
        let app = server::router(s.clone());
        let lead = api_token(&app, "aw-lead0-H@example.cn", "Correct-horse-9").await;
        let member = api_token(&app, "aw-member-H@example.cn", "Correct-horse-9").await;
        let upload = |token: Option<&str>, name: &str, bytes: &[u8], same_site: bool| {
            let boundary = "----jiebang-milestone";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let mut r = Request::post(format!("/tasks/{task}/milestones/{m1}/files"))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .header(header::CONTENT_LENGTH, body.len());
            if same_site {
                r = r.header("sec-fetch-site", "same-origin");
            }
            if let Some(t) = token {
                r = r.header(header::COOKIE, format!("jb_session={t}"));
            }
            r.body(Body::from(body)).unwrap()
        };
        let location = |h: &header::HeaderMap| {
            h.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
        };
        let pdf = fixtures::pdf("检测报告");
        let (st, h, _) = send(&app, upload(Some(&lead), "检测报告.pdf", &pdf, true)).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert_eq!(location(&h), format!("/tasks/{task}?m={m1}&uploaded=1#files-{m1}"));
        let (_, h, _) = send(&app, upload(Some(&member), "伪装.pdf", b"<html>", true)).await;
        assert!(location(&h).contains("upload_error=mismatch.pdf.none"), "{h:?}");
        // Another site cannot post with the team's cookie; a visitor signs in first.
        let (st, _, _) = send(&app, upload(Some(&lead), "跨站.pdf", &pdf, false)).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (_, h, _) = send(&app, upload(None, "访客.pdf", &pdf, true)).await;
        assert!(location(&h).starts_with("/login"));
        let f = services::task_detail(&s, Some(&a.off), task).await.unwrap().milestones[1].files.clone();
        assert_eq!(f.len(), 1, "only the good file was kept");
        // The page names the refusal; the download is for the task's readers only.
        let (_, _, html) = send(
            &app,
            Request::get(format!("/tasks/{task}?m={m1}&upload_error=mismatch.pdf.none"))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={lead}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(html.contains("内容不是有效的 PDF") && html.contains("检测报告.pdf"), "{html}");
        let get = |t: Option<&str>| {
            let mut r = Request::get(format!("/api/v1/milestone-files/{}", f[0].id)).header(header::HOST, "127.0.0.1:3000");
            if let Some(t) = t {
                r = r.header(header::COOKIE, format!("jb_session={t}"));
            }
            r.body(Body::empty()).unwrap()
        };
        let (st, h, body) = send(&app, get(Some(&member))).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(body.as_bytes(), pdf.as_slice());
        let (st, _, _) = send(&app, get(None)).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let reviewer = api_token(&app, "aw-exp-H@example.cn", "Correct-horse-9").await;
        let (st, _, _) = send(&app, get(Some(&reviewer))).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "an expert not assigned to the task");
    })
    .await;
}
