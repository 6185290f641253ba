//! The store's side of the expert opinions on a call's implementation: who is assigned to
//! which stage (a milestone, the final acceptance, or the call's 赛马制 mid-term review) and
//! the opinion each gave.
use super::{AuditEvent, StoreResult};
use crate::domain::stage_review::Opinion;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct StageReviewRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    /// The milestone (and its task) reviewed; both `None` for the call's mid-term review.
    pub task_id: Option<Uuid>,
    pub milestone_id: Option<Uuid>,
    pub expert_user_id: Uuid,
    /// The reason recorded when an official assigned the expert despite a conflict.
    pub override_reason: Option<String>,
    pub assigned_by: Uuid,
    /// The latest opinion (`None` on the mid-term review, which asks for text only).
    pub opinion: Option<Opinion>,
    pub comment: Option<String>,
    /// When the latest opinion was given, and the milestone submission it answers.
    pub given_at: Option<DateTime<Utc>>,
    pub answers: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An assignment with the names the pages show.
#[derive(Debug, Clone, PartialEq)]
pub struct StageReviewRow {
    pub review: StageReviewRecord,
    pub expert_name: String,
    pub call_title: String,
    /// The reviewed team and milestone (none on the mid-term review).
    pub org_name: Option<String>,
    pub deliverable: Option<String>,
}

/// One opinion to record: guarded, so that it lands only while it answers the milestone's
/// latest submission (`answers`, or the mid-term review when `None`) and nothing newer did.
#[derive(Debug, Clone, PartialEq)]
pub struct OpinionWrite {
    pub review_id: Uuid,
    pub opinion: Option<Opinion>,
    pub comment: String,
    pub answers: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait StageReviewStore: Send + Sync {
    /// Assigns experts, each with its audit event; `Unique` when one is already on that stage.
    async fn insert_stage_reviews(
        &self,
        rows: &[(StageReviewRecord, AuditEvent)],
    ) -> StoreResult<()>;
    /// Every assignment on the call's implementation, in assignment order.
    async fn stage_reviews_of_call(&self, call_id: Uuid) -> StoreResult<Vec<StageReviewRow>>;
    /// The expert's assignments, newest first.
    async fn stage_reviews_of_expert(&self, user_id: Uuid) -> StoreResult<Vec<StageReviewRow>>;
    async fn get_stage_review(&self, id: Uuid) -> StoreResult<Option<StageReviewRow>>;
    /// Records an opinion; `Stale` when the milestone was resubmitted or decided meanwhile
    /// (its latest submission is no longer `answers`, or it is no longer awaiting a decision),
    /// or, on the mid-term review, when the call is no longer in progress.
    async fn give_opinion(&self, w: &OpinionWrite, audit: &AuditEvent) -> StoreResult<()>;
}
