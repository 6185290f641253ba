//! The plan's target tracker on both engines: all 35 catalog targets with their units; G6
//! computed live from registered contracts; a value reported by an official of the lead unit
//! counts only once another official of 市科技局 accepts it; bad reports, the wrong unit,
//! computed targets and self-review are refused and change nothing; the public sees values,
//! not the reports behind them.
mod common;

use app::domain::target::TargetStatus;
use app::error::AppError;
use app::policy::Actor;
use app::ports::{AuditEvent, FakeClock};
use app::services;
use chrono::{TimeZone, Utc};
use common::each_backend;
use common::http::{get_as, send};
use common::people::official;
use std::sync::Arc;

fn ev() -> AuditEvent {
    AuditEvent {
        actor_id: None,
        entity_type: "organization",
        entity_id: "test".into(),
        action: "set_plan_unit".into(),
        from_state: None,
        to_state: None,
        reason: None,
        at: Utc::now(),
    }
}

async fn unit_official(
    s: &app::ports::AppState,
    b: &common::Backend,
    email: &str,
    credit17: &str,
    unit: &str,
) -> Actor {
    let a = official(s, b, email, credit17).await;
    b.store
        .set_org_plan_unit(a.org_id.unwrap(), Some(unit), &ev())
        .await
        .unwrap();
    a
}

fn fields(e: &AppError) -> Vec<String> {
    e.field_errors().iter().map(|f| f.field.clone()).collect()
}

#[tokio::test]
async fn targets_are_computed_or_reported_then_reviewed() {
    each_backend(|b| async move {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let s = common::seeded_state_at(&b, Arc::new(FakeClock::at(now))).await;
        let rows = server::contract_gen::generate(
            30,
            9,
            &["electronic_info.smart_terminal".to_string()],
            now,
        );
        let total: i64 = rows.iter().map(|c| c.contract_amount_fen).sum();
        s.store
            .import_contracts(&rows, &ev(), &|_| {})
            .await
            .unwrap();

        // Every catalog target, with its units; G6 live from the registered contracts.
        let t = services::tracker(&s, None, false).await.unwrap();
        assert_eq!(t.rows.len(), 35);
        assert_eq!(t.rows.iter().filter(|r| r.task.is_none()).count(), 10);
        let g6 = t.rows.iter().find(|r| r.code == "G6").unwrap();
        assert_eq!(g6.current_raw, Some(total / 1_000_000));
        assert_eq!(g6.source, "computed");
        assert_eq!(t.figures.contracts_registered, 30);
        let t16 = t.rows.iter().find(|r| r.code == "T16-1").unwrap();
        assert_eq!(t16.lead_unit, "市卫健委");
        assert!(!t16.co_units.is_empty());
        assert!(t
            .rows
            .iter()
            .filter(|r| r.source == "reported")
            .all(|r| r.status == TargetStatus::NoData));

        let a = unit_official(&s, &b, "kjj-a@example.cn", "11450100JBKJJA001", "市科技局").await;
        let bb = unit_official(&s, &b, "kjj-b@example.cn", "11450100JBKJJB001", "市科技局").await;
        let health = unit_official(&s, &b, "wjw@example.cn", "11450100JBWJWA001", "市卫健委").await;
        let member =
            common::calls::person(&s, "t-member@example.cn", "91450100JBTGTM001", "enterprise")
                .await;

        // Bad reports: each named, nothing stored.
        let e = services::report_target(&s, &a, "G1", "2027", "abc", "")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["period", "value", "note"]);
        let e = services::report_target(&s, &a, "G1", "2026", "1.23456", "按统计公报")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["value"]);
        let e = services::report_target(&s, &a, "G6", "2026", "300", "按统计公报")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["value"], "a live target is not reported");
        assert_eq!(
            services::report_target(&s, &health, "G1", "2026", "1.9", "按统计公报")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            services::report_target(&s, &member, "G1", "2026", "1.9", "按统计公报")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            services::report_target(&s, &a, "G99", "2026", "1.9", "按统计公报")
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        assert!(b.raw.count("SELECT COUNT(*) FROM target_reports").await == 0);

        // A good report, with the unit written after the number; it waits for review.
        let id = services::report_target(
            &s,
            &a,
            "G1",
            "2025",
            "1.94%",
            "2025年统计公报：R&D经费投入强度",
        )
        .await
        .unwrap();
        let d = services::target_detail(&s, Some(&bb), "G1").await.unwrap();
        assert_eq!(d.row.current, None);
        assert_eq!(d.row.pending, 1);
        assert!(d.reports[0].can_review);
        assert!(
            !services::target_detail(&s, Some(&a), "G1")
                .await
                .unwrap()
                .reports[0]
                .can_review,
            "not one's own"
        );
        let public = services::target_detail(&s, None, "G1").await.unwrap();
        assert!(
            public.reports.is_empty(),
            "the public reads accepted values only"
        );
        assert_eq!(public.row.pending, 0);

        // Review: not by the reporter, not by another unit, a return needs its reason.
        assert!(services::review_target(&s, &a, id, true, "").await.is_err());
        assert_eq!(
            services::review_target(&s, &health, id, true, "")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            fields(
                &services::review_target(&s, &bb, id, false, "")
                    .await
                    .unwrap_err()
            ),
            ["review_note"]
        );
        services::review_target(&s, &bb, id, true, "与统计公报一致")
            .await
            .unwrap();
        assert!(matches!(
            services::review_target(&s, &bb, id, false, "重复")
                .await
                .unwrap_err(),
            AppError::Conflict { .. }
        ));
        let d = services::target_detail(&s, None, "G1").await.unwrap();
        assert_eq!(d.row.current.as_deref(), Some("1.94 %"));
        assert_eq!(d.row.as_of.as_deref(), Some("2025"));
        assert_eq!(d.row.status, TargetStatus::Reached);
        assert_eq!(d.reports.len(), 1);
        assert!(
            d.reports[0].reporter_name.is_empty(),
            "the public does not see who reported"
        );
        // Reports and their reviews are audited, and the chain reads back whole.
        assert!(s.store.verify_audit_chain().await.unwrap().is_ok());

        // "My targets": the unit's own and shared ones only.
        let mine = services::tracker(&s, Some(&health), true).await.unwrap();
        assert_eq!(mine.my_unit.as_deref(), Some("市卫健委"));
        assert!(mine
            .rows
            .iter()
            .all(|r| r.lead_unit == "市卫健委" || r.co_units.iter().any(|c| c == "市卫健委")));
        assert!(mine.rows.iter().any(|r| r.code == "T16-1"));
        assert!(!mine.rows.iter().any(|r| r.code == "G1"));

        // REST: the tracker as JSON, for everyone.
        let app = server::router(s.clone());
        let (status, _, body) = send(&app, get_as("/api/v1/targets", None)).await;
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["count"], 35);
        let g1 = v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "G1")
            .unwrap();
        assert_eq!(g1["current"], "1.94");
        assert_eq!(g1["status"], "reached");
    })
    .await;
}
