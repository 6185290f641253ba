//! What crosses the wire for expert review, the award, its 公示 and the feedback to teams.
//! Reviewer identities reach officials only; teams read scores and comments without names.
use super::RecordPermissions;
use crate::domain::bid::BidStatus;
use crate::domain::call::Criterion;
use crate::domain::review::ReviewStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An expert an official may put on a call's panel, with the bids they conflict with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewerOption {
    pub user_id: Uuid,
    pub name: String,
    pub title: String,
    pub org_name: Option<String>,
    pub fields: Vec<String>,
    /// (bid title, why) for each qualified bid this expert may not review without an override.
    pub conflicts: Vec<(String, String, String)>,
    /// Already assigned to this call's bids.
    pub assigned: bool,
}

/// One review assignment as the reviewer's task list and the officials' panel show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewTask {
    pub id: Uuid,
    pub call_id: Uuid,
    pub call_title: String,
    pub bid_id: Uuid,
    pub bid_title: String,
    /// Officials only.
    pub expert_name: Option<String>,
    pub status: ReviewStatus,
    pub override_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The reviewer's page for one assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewDetail {
    pub task: ReviewTask,
    pub criteria: Vec<Criterion>,
    pub score_scale: u32,
    /// The bid, once the reviewer has declared no conflict.
    pub bid: Option<super::BidDetail>,
    /// The reviewer's submitted scores: (score, comment) per criterion.
    pub scores: Vec<(u32, String)>,
    pub comment: Option<String>,
    pub permissions: RecordPermissions,
}

/// One reviewer's total for one bid in the officials' ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewerTotal {
    pub expert_name: String,
    /// Hundredths of a point out of 100.
    pub total: i64,
    pub outlier: bool,
    pub scores: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RankingRow {
    pub bid_id: Uuid,
    pub bid_title: String,
    pub org_name: String,
    pub rank: usize,
    pub tied: bool,
    /// Hundredths; `None` before any review is submitted.
    pub mean: Option<i64>,
    pub spread: i64,
    pub reviewers: Vec<ReviewerTotal>,
    /// Reviews assigned and not yet submitted.
    pub pending: usize,
}

/// A winner as the award notice publishes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AwardView {
    pub bid_id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    pub bid_title: String,
    /// Hundredths.
    pub total: Option<i64>,
    pub reason: String,
    /// Officials only: why a lower-ranked bid was chosen.
    pub justification: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ObjectionView {
    pub id: Uuid,
    /// The objector's name, partly masked for the public, in full for officials.
    pub by: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub upheld: Option<bool>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The 公示 of a call: public from its opening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicityView {
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub awards: Vec<AwardView>,
    pub objections: Vec<ObjectionView>,
    /// The reader may file an objection now (signed in, inside the period).
    pub may_object: bool,
    /// The reader may answer objections and end the period (officials).
    pub may_answer: bool,
    pub may_conclude: bool,
}

/// What an unsuccessful team learns: its scores per criterion, its band, the comments, and no
/// reviewer's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidFeedback {
    pub status: BidStatus,
    /// (criterion, weight, mean score in hundredths of the scale's points).
    pub criteria: Vec<(String, u32, i64)>,
    pub score_scale: u32,
    /// Hundredths out of 100.
    pub total: Option<i64>,
    pub band_zh: String,
    pub band_en: String,
    pub comments: Vec<String>,
}
