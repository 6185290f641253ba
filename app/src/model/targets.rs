//! What the target tracker shows.
use crate::domain::target::TargetStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetRow {
    pub code: String,
    pub task: Option<i64>,
    pub name_zh: String,
    pub name_en: String,
    pub lead_unit: String,
    pub co_units: Vec<String>,
    /// `≥ 400 亿元` as the plan writes it.
    pub target: String,
    pub unit_zh: String,
    pub period: String,
    /// `computed` (from the platform's data, live) or `reported` (by the lead unit).
    pub source: String,
    /// The current value for display, and in ten-thousandths.
    pub current: Option<String>,
    pub current_raw: Option<i64>,
    pub progress_bp: Option<i64>,
    pub status: TargetStatus,
    /// The period of the accepted report the value comes from (`None` when live).
    pub as_of: Option<String>,
    pub note: Option<String>,
    /// Reports waiting for 市科技局's review.
    pub pending: usize,
    /// The viewer's unit leads it, or shares it.
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    pub id: uuid::Uuid,
    pub name: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetReportView {
    pub id: uuid::Uuid,
    pub period: String,
    pub value: String,
    pub note: String,
    pub unit: String,
    pub reporter_name: String,
    pub reported_at: DateTime<Utc>,
    pub status: String,
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub evidence: Vec<EvidenceView>,
    /// The viewer may accept or return it (市科技局, not its own reporter).
    pub can_review: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlatformFigures {
    pub demands_published: i64,
    pub achievements_published: i64,
    pub calls_published: i64,
    pub bids_submitted: i64,
    pub contracts_registered: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Tracker {
    pub rows: Vec<TargetRow>,
    pub figures: PlatformFigures,
    /// The viewer's plan unit, if they are an official of one.
    pub my_unit: Option<String>,
    pub only_mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetDetail {
    pub row: TargetRow,
    /// Every report with its review (officials); the public sees accepted values only.
    pub reports: Vec<TargetReportView>,
    pub can_report: bool,
}
