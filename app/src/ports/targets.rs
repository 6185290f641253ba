//! The store's side of the plan's target tracker: the values units report (with evidence) and
//! their review, and the platform's own counts the live targets are computed from.
use super::{AuditEvent, StoreResult};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct TargetReportRecord {
    pub id: Uuid,
    pub target_code: String,
    pub period: String,
    /// Ten-thousandths of the target's unit.
    pub value: i64,
    pub note: String,
    /// The plan unit that reported (the target's lead unit).
    pub unit: String,
    pub reported_by: Uuid,
    pub reporter_name: String,
    pub reported_at: DateTime<Utc>,
    /// `submitted`, `accepted` or `returned`.
    pub status: String,
    pub review_note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub evidence: Vec<EvidenceRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRecord {
    pub id: Uuid,
    pub report_id: Uuid,
    pub name: String,
    pub kind: String,
    pub size: i64,
    pub sha256: String,
}

/// What the platform itself counts, for the targets computed live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlatformCounts {
    pub demands_published: i64,
    pub achievements_published: i64,
    pub calls_published: i64,
    pub bids_submitted: i64,
    pub contracts_registered: i64,
    /// Distinct achievements transferred or licensed by a registered contract.
    pub achievements_transferred: i64,
    /// 揭榜挂帅 calls accepted (验收通过) and flagged as having broken through a key technology.
    pub breakthroughs: i64,
}

#[async_trait::async_trait]
pub trait TargetStore: Send + Sync {
    /// Every report, newest first (all targets, or one).
    async fn target_reports(&self, code: Option<&str>) -> StoreResult<Vec<TargetReportRecord>>;
    async fn insert_target_report(
        &self,
        r: &TargetReportRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Accepts or returns a submitted report (`Stale` unless still `submitted`).
    async fn review_target_report(
        &self,
        id: Uuid,
        status: &str,
        note: Option<&str>,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn add_target_evidence(&self, e: &EvidenceRecord, at: DateTime<Utc>) -> StoreResult<()>;
    async fn target_evidence(&self, id: Uuid) -> StoreResult<Option<EvidenceRecord>>;
    /// The plan unit an organization is (`None`: none of the plan's units).
    async fn org_plan_unit(&self, org_id: Uuid) -> StoreResult<Option<String>>;
    async fn set_org_plan_unit(
        &self,
        org_id: Uuid,
        unit: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn platform_counts(&self) -> StoreResult<PlatformCounts>;
}
