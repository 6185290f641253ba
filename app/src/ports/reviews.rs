//! The store's side of expert review, the award and its 公示 (with objections).
use super::{AuditEvent, StatusChange, StoreResult};
use crate::domain::review::ReviewStatus;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    pub bid_id: Uuid,
    pub expert_user_id: Uuid,
    pub status: ReviewStatus,
    pub status_reason: Option<String>,
    pub override_reason: Option<String>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub criterion: u32,
    pub score: u32,
    pub comment: String,
}

/// An assignment with the names around it and its scores (once submitted).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub review: ReviewRecord,
    pub expert_name: String,
    /// Empty until the call's bids are opened (the seal holds in this read too).
    pub bid_title: String,
    pub call_title: String,
    pub scores: Vec<ScoreRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwardRecord {
    pub bid_id: Uuid,
    pub reason: String,
    pub justification: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwardRow {
    pub award: AwardRecord,
    pub bid_title: String,
    pub org_id: Uuid,
    pub org_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    pub user_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub upheld: Option<bool>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionRow {
    pub objection: ObjectionRecord,
    pub user_name: String,
}

#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// New assignments, each with its audit event, in one transaction (`Unique` if one exists).
    async fn insert_reviews(&self, rows: &[(ReviewRecord, AuditEvent)]) -> StoreResult<()>;
    async fn get_review(&self, id: Uuid) -> StoreResult<Option<ReviewRow>>;
    async fn reviews_of_call(&self, call_id: Uuid) -> StoreResult<Vec<ReviewRow>>;
    async fn reviews_of_expert(&self, user_id: Uuid) -> StoreResult<Vec<ReviewRow>>;
    /// Submits an accepted review's scores and overall comment in one guarded write (`Stale`
    /// unless the review is still accepted).
    async fn submit_review(
        &self,
        change: &StatusChange,
        scores: &[ScoreRow],
        comment: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Opens the 公示: the call from reviewing to publicity with its awards and period, in one
    /// guarded write (`Stale` if another official moved the call first).
    async fn open_publicity(
        &self,
        change: &StatusChange,
        awards: &[AwardRecord],
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Back to review after an upheld objection: the awards and the period are cleared.
    async fn reopen_review(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()>;
    /// Ends the 公示 in one transaction: the call is awarded, the awarded bids marked so, the
    /// other qualified ones not awarded, and the draft 技术开发 contracts of the award written
    /// for their teams to complete.
    async fn conclude_publicity(
        &self,
        change: &StatusChange,
        awarded: &[Uuid],
        drafts: &[(super::contracts::ContractRecord, AuditEvent)],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn call_awards(&self, call_id: Uuid) -> StoreResult<Vec<AwardRow>>;
    /// (starts, ends) of the call's 公示, if open.
    async fn publicity_period(
        &self,
        call_id: Uuid,
    ) -> StoreResult<Option<(DateTime<Utc>, DateTime<Utc>)>>;

    async fn insert_objection(&self, o: &ObjectionRecord, audit: &AuditEvent) -> StoreResult<()>;
    async fn objections_of(&self, call_id: Uuid) -> StoreResult<Vec<ObjectionRow>>;
    /// Answers an objection not answered yet (else `Stale`).
    async fn answer_objection(
        &self,
        id: Uuid,
        answer: &str,
        upheld: bool,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn get_objection(&self, id: Uuid) -> StoreResult<Option<ObjectionRecord>>;

    /// The holiday calendar: (day, kind code).
    async fn holidays(&self) -> StoreResult<Vec<(chrono::NaiveDate, String)>>;
    async fn upsert_holiday(
        &self,
        day: chrono::NaiveDate,
        kind: &str,
        name: &str,
        // An official's change is audited; the reference seeds load like the districts do.
        audit: Option<&AuditEvent>,
    ) -> StoreResult<()>;
}
