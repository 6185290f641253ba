//! What crosses the wire for 揭榜挂帅 calls and bids. A bid's content exists only in
//! [`BidDetail`], which the server builds for readers the policy admits (`policy::bid_access`);
//! the public sees a call and the number of bids submitted, nothing of who or what.
use super::{AuditEntry, RecordPermissions};
use crate::domain::bid::BidStatus;
use crate::domain::call::{CallStatus, Criterion, Eligibility, Indicator, MilestoneTemplate};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The call form exactly as typed. List fields are one item per line, parts separated by `|`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallForm {
    pub title: String,
    pub background: String,
    pub goal: String,
    pub chain: String,
    pub district: String,
    /// `名称 | 单位 | 目标值` per line.
    pub indicators: String,
    pub acceptance: String,
    /// 万元.
    pub city_fund: String,
    pub enterprise_fund: String,
    /// Name the enterprise behind the (first) linked demand as co-funder.
    pub name_cofunder: bool,
    /// Organization type codes allowed to lead a bid.
    pub org_types: Vec<String>,
    pub guangxi_only: bool,
    pub consortium_allowed: bool,
    /// `YYYY-MM-DDTHH:MM`, Beijing time.
    pub opens_at: String,
    pub closes_at: String,
    /// `名称 | 权重` per line; weights sum to 100.
    pub criteria: String,
    /// Highest score a reviewer gives per criterion, e.g. 100.
    pub score_scale: String,
    pub winners: String,
    pub duration_months: String,
    /// `交付物 | 第几个月 | 拨付比例%` per line; shares sum to 100, the first is the first tranche.
    pub milestones: String,
    /// Published demands the call is built from.
    pub demand_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallSummary {
    pub id: Uuid,
    pub title: String,
    pub status: CallStatus,
    pub chain_code: String,
    pub district_code: String,
    pub city_fund_fen: i64,
    pub enterprise_fund_fen: i64,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub winners: u32,
    /// Bids submitted so far (a count only; who and what stay sealed).
    pub bids_submitted: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl CallSummary {
    pub fn total_fund_fen(&self) -> i64 {
        self.city_fund_fen.saturating_add(self.enterprise_fund_fen)
    }
    /// Whether bids are taken at `now` (published, and inside the window).
    pub fn window_open(&self, now: DateTime<Utc>) -> bool {
        self.status == CallStatus::Published && self.opens_at <= now && now < self.closes_at
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkedDemand {
    pub id: Uuid,
    pub title: String,
    pub org_id: Uuid,
    pub org_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallDetail {
    pub summary: CallSummary,
    pub background: String,
    pub goal: String,
    pub indicators: Vec<Indicator>,
    pub acceptance: String,
    pub eligibility: Eligibility,
    pub criteria: Vec<Criterion>,
    pub score_scale: u32,
    pub duration_months: u32,
    pub milestones: Vec<MilestoneTemplate>,
    pub demands: Vec<LinkedDemand>,
    /// (organization id, name) of the co-funding enterprise.
    pub co_funder: Option<(Uuid, String)>,
    /// Public reason of a cancellation or of 流榜.
    pub status_reason: Option<String>,
    /// The server's time when this was read, for the countdown.
    pub now: DateTime<Utc>,
    pub permissions: RecordPermissions,
    /// The reader's own team bid on this call, if any.
    pub my_bid: Option<Uuid>,
    /// Whether the reader may start a bid now.
    pub may_bid: bool,
    /// Every bid, for officials once the window has closed; `None` for everyone else.
    pub bids: Option<Vec<BidListItem>>,
    /// The award notice (公示), public once opened.
    pub publicity: Option<super::PublicityView>,
    /// The 技术开发 contracts drafted from its award (see `LinkedContract`).
    pub contracts: Vec<super::LinkedContract>,
    /// The tasks of its winners once awarded (立项 onwards).
    pub implementation: Option<super::ImplementationView>,
    pub history: Vec<AuditEntry>,
}

/// The bid form as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidForm {
    pub title: String,
    pub proposal: String,
    /// 万元.
    pub budget: String,
    pub timeline: String,
    /// One line per milestone of the call's template, in order.
    pub milestone_plan: String,
    /// Team members' e-mail addresses (registered people), one per line; the lead is always in.
    pub members: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidMember {
    pub user_id: Uuid,
    pub name: String,
    pub confirmed: bool,
    pub is_lead: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidReceipt {
    pub bid_id: Uuid,
    pub call_id: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// SHA-256 (hex) of the bid's canonical serialization at submission.
    pub sha256: String,
    /// The attachments the receipt commits to, so the team can show which files it submitted.
    #[serde(default)]
    pub attachments: Vec<crate::domain::bid::AttachmentDigest>,
}

/// A file attached to a bid, as its readers see it (the download checks the policy again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: Uuid,
    pub name: String,
    pub size: i64,
    pub kind: crate::domain::attachment::FileKind,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidListItem {
    pub id: Uuid,
    pub call_id: Uuid,
    pub call_title: String,
    pub org_name: String,
    pub title: String,
    pub status: BidStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidDetail {
    pub id: Uuid,
    pub call: CallSummary,
    pub milestone_template: Vec<MilestoneTemplate>,
    pub org_id: Uuid,
    pub org_name: String,
    pub status: BidStatus,
    pub status_reason: Option<String>,
    pub title: String,
    pub proposal: String,
    pub budget_fen: i64,
    pub timeline: String,
    pub milestone_plan: Vec<String>,
    pub members: Vec<BidMember>,
    pub attachments: Vec<AttachmentView>,
    /// The largest attachment accepted, in bytes (for the upload form's hint).
    pub max_upload_bytes: u64,
    pub receipts: Vec<BidReceipt>,
    pub permissions: RecordPermissions,
    /// The reader is invited to the team and has not confirmed yet.
    pub invited: bool,
    /// Scores, band and comments for the team once the award is announced.
    pub feedback: Option<super::BidFeedback>,
    pub history: Vec<AuditEntry>,
}

/// One event of a call's timeline. The public timeline holds the call's public steps and the
/// objections; officials also see drafts, every bid's and every review's steps, and who acted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub label_zh: String,
    pub label_en: String,
    /// A public reason or answer; for officials also the bid or reviewer concerned.
    pub detail: Option<String>,
    /// Officials only.
    pub actor: Option<String>,
}

/// One notification in the bell's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// What a receipt check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ReceiptCheck {
    /// No submission ever had this receipt.
    Unknown,
    /// The receipt is on record; the bid stays sealed until the window closes.
    Sealed {
        submitted_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
    },
    /// The opened bid serializes to exactly this receipt.
    Matches { submitted_at: DateTime<Utc> },
    /// The team submitted again later; the opened bid is the later submission.
    Superseded {
        submitted_at: DateTime<Utc>,
        latest_at: DateTime<Utc>,
    },
    /// The team withdrew the bid after this submission.
    Withdrawn { submitted_at: DateTime<Utc> },
    /// The stored bid no longer serializes to the receipt: it was changed after submission.
    Mismatch { submitted_at: DateTime<Utc> },
}
