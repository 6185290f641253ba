//! The store's side of 揭榜挂帅 calls and bids.
//!
//! Sealing lives here as much as in the policy: the call queries (`get_call`, `list_calls`)
//! return a count of submitted bids and nothing else about them; a bid's content, team and
//! organization come only from the bid queries, which services call after
//! `policy::bid_access` allowed the reader.
use super::{AuditEvent, StatusChange, StoreResult};
use crate::domain::attachment::FileKind;
use crate::domain::bid::BidStatus;
use crate::domain::call::{CallStatus, Criterion, Eligibility, Indicator, MilestoneTemplate};
use crate::model::{BidReceipt, LinkedDemand};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub background: String,
    pub goal: String,
    pub chain_code: String,
    pub district_code: String,
    pub indicators: Vec<Indicator>,
    pub acceptance: String,
    pub city_fund_fen: i64,
    pub enterprise_fund_fen: i64,
    pub co_funder_org_id: Option<Uuid>,
    pub eligibility: Eligibility,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    pub score_scale: u32,
    pub winners: u32,
    pub duration_months: u32,
    pub milestones: Vec<MilestoneTemplate>,
    pub status: CallStatus,
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A call as every reader may get it from the store: with the count of submitted bids only.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow {
    pub call: CallRecord,
    pub co_funder_name: Option<String>,
    /// Bids in any status past draft (submitted, and what screening made of them).
    pub bids_submitted: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallQuery {
    pub statuses: Vec<CallStatus>,
    pub chain_prefix: Option<String>,
    pub district: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BidRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    pub org_id: Uuid,
    pub lead_user_id: Uuid,
    pub title: String,
    pub proposal: String,
    pub budget_fen: i64,
    pub timeline: String,
    pub milestone_plan: Vec<String>,
    pub status: BidStatus,
    pub status_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Counts every change of the draft's content (its text, team or attachments), so a
    /// submission commits to exactly the version it read (the store sets it; writes ignore it).
    pub version: i64,
}

/// A file attached to a bid; its bytes are in the [`super::FileStore`] under `sha256`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRecord {
    pub id: Uuid,
    /// The bid, or the milestone, the file is attached to.
    pub owner_id: Uuid,
    pub sha256: String,
    pub name: String,
    pub size: i64,
    pub kind: FileKind,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BidMemberRow {
    pub user_id: Uuid,
    pub name: String,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A sealed bid with its team: only for readers `policy::bid_access` admits.
#[derive(Debug, Clone, PartialEq)]
pub struct BidRow {
    pub bid: BidRecord,
    pub org_name: String,
    pub call_title: String,
    /// Members besides the lead.
    pub members: Vec<BidMemberRow>,
    /// In the order they were uploaded.
    pub attachments: Vec<AttachmentRecord>,
}

#[async_trait]
pub trait CallStore: Send + Sync {
    /// Writes a new call (a draft) and the demands it is built from.
    async fn insert_call(
        &self,
        c: &CallRecord,
        demands: &[Uuid],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Rewrites a call that is still a draft, and its demands (else `Stale`).
    async fn update_call_draft(
        &self,
        c: &CallRecord,
        demands: &[Uuid],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn get_call(&self, id: Uuid) -> StoreResult<Option<CallRow>>;
    async fn list_calls(&self, q: &CallQuery) -> StoreResult<(Vec<CallRow>, i64)>;
    /// Public calls (not drafts) whose record or implementation changed after `since`, as
    /// (id, time of the change), oldest first, at most `limit`.
    async fn calls_changed_since(
        &self,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> StoreResult<Vec<(Uuid, DateTime<Utc>)>>;
    /// The demands a call is built from, with their organizations.
    async fn call_demands(&self, id: Uuid) -> StoreResult<Vec<LinkedDemand>>;

    /// Starts a bid (a draft) with the members invited (unconfirmed).
    async fn insert_bid(
        &self,
        b: &BidRecord,
        members: &[Uuid],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Rewrites a bid that is still a draft; members no longer listed leave, new ones are
    /// invited, confirmations of those who stay are kept (else `Stale`).
    async fn update_bid_draft(
        &self,
        b: &BidRecord,
        members: &[Uuid],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Submits a draft and keeps its receipt, in one guarded write: `Stale` unless the bid is
    /// still a draft at `version` (the content the receipt commits to), every member has
    /// confirmed, and its call's window held the submission:
    /// `opens_at <= receipt.submitted_at < closes_at` (the call published, or just closed by
    /// the sweeper after the submission arrived).
    async fn submit_bid(
        &self,
        change: &StatusChange,
        receipt: &BidReceipt,
        version: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Attaches a file to a draft: `Stale` unless the bid is a draft with fewer than `max`
    /// attachments (the caller tells which from a fresh read). Bumps the bid's version.
    async fn add_bid_attachment(
        &self,
        a: &AttachmentRecord,
        max: usize,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Removes an attachment from a draft (`Stale` unless the bid is a draft and has it).
    async fn remove_bid_attachment(
        &self,
        bid_id: Uuid,
        attachment_id: Uuid,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// One attachment's record (its bid decides who may read it).
    async fn get_attachment(&self, id: Uuid) -> StoreResult<Option<AttachmentRecord>>;
    /// A member confirms they are on the team (`Stale` when not invited or already confirmed).
    async fn confirm_bid_member(
        &self,
        bid_id: Uuid,
        user_id: Uuid,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The sealed read of one bid.
    async fn get_bid(&self, id: Uuid) -> StoreResult<Option<BidRow>>;
    /// The bid of `org_id` on `call_id`, if it started one.
    async fn bid_of_org(&self, call_id: Uuid, org_id: Uuid) -> StoreResult<Option<Uuid>>;
    /// Bids `user_id` leads or is invited to, newest first.
    async fn bids_of_user(&self, user_id: Uuid) -> StoreResult<Vec<BidRow>>;
    /// Every bid of a call past draft (officials, once the window has closed).
    async fn bids_of_call(&self, call_id: Uuid) -> StoreResult<Vec<BidRow>>;
    async fn bid_receipts(&self, bid_id: Uuid) -> StoreResult<Vec<BidReceipt>>;
    /// (bid, lead) of the drafts on a call, for the reminder before the window closes.
    async fn draft_bids_of_call(&self, call_id: Uuid) -> StoreResult<Vec<(Uuid, Uuid)>>;
    async fn find_receipt(&self, sha256: &str) -> StoreResult<Option<BidReceipt>>;
}
