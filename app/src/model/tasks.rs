//! What crosses the wire for the implementation of an awarded call (揭榜挂帅 part 2): the task
//! contract (立项) form, milestone submissions and decisions, the 赛马制 mid-term review, and
//! the views of tasks and milestones. The plan, the funding, the tranches and each task's
//! status are public; reports, reached values and the reasons of rejections are for the team
//! and officials.
use super::{AttachmentView, AuditEntry, ReviewerOption};
use crate::domain::call::Indicator;
use crate::domain::stage_review::Opinion;
use crate::domain::task::{MilestoneKind, MilestoneStatus, TaskStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The task contract form (任务书) exactly as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskForm {
    /// The winning bid the task is for.
    pub bid_id: String,
    /// `YYYY-MM-DD`, the start of the task (Beijing date).
    pub starts_on: String,
    /// 万元.
    pub city_fund: String,
    pub enterprise_fund: String,
    /// `交付物 | YYYY-MM-DD | 拨款（万元）` per line: the first is the 立项 tranche (paid when the
    /// task is recorded), the last the final acceptance (验收) with the final payment.
    pub milestones: String,
    /// `名称 | 单位 | 目标值` per line: the indicators the team must reach.
    pub indicators: String,
}

/// A milestone submission as typed: the report and, per indicator of the task in order, the
/// value reached (required for the final acceptance, optional before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MilestoneSubmission {
    pub report: String,
    pub values: Vec<String>,
}

/// One indicator with the value the latest submission reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorReading {
    pub indicator: Indicator,
    pub value: Option<String>,
    /// Whether the value meets the target, when the target is a plain bound.
    pub meets: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MilestoneView {
    pub id: Uuid,
    pub seq: u32,
    pub kind: MilestoneKind,
    pub deliverable: String,
    pub due_on: NaiveDate,
    pub tranche_fen: i64,
    pub status: MilestoneStatus,
    /// When its tranche was released.
    pub paid_at: Option<DateTime<Utc>>,
    /// Past its due date and not accepted (nor cancelled), by the server's clock.
    pub overdue: bool,
    /// The team and officials: the latest report, values and decision reason.
    pub report: Option<String>,
    pub readings: Vec<IndicatorReading>,
    pub status_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The team may submit it now (the earlier ones are accepted).
    pub may_submit: bool,
    /// An official may accept or reject it now.
    pub may_decide: bool,
    /// The files attached to the submission (team, officials and its reviewers).
    pub files: Vec<AttachmentView>,
    /// The team may attach or remove files now (before it submits, or after a return).
    pub may_attach: bool,
    /// The experts' opinions on it, for the team, officials and its reviewers.
    pub reviews: Option<StageReviews>,
}

/// One expert's assignment to a stage and the opinion given. Officials see who; the team sees
/// "专家 1, 2, …"; a reviewer sees their own name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageOpinionView {
    pub id: Uuid,
    /// The expert's name, or `None` where the reader may not know it.
    pub expert: Option<String>,
    /// 1-based, in assignment order: how the team refers to a reviewer.
    pub number: usize,
    pub opinion: Option<Opinion>,
    pub comment: Option<String>,
    pub given_at: Option<DateTime<Utc>>,
    /// The opinion answers the latest submission (a resubmission asks again).
    pub current: bool,
    /// The override reason of an assignment despite a conflict (officials).
    pub override_reason: Option<String>,
}

/// The experts of one stage: a milestone (or the final acceptance) or the mid-term review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageReviews {
    pub opinions: Vec<StageOpinionView>,
    /// Officials: experts who accept reviews, with their conflicts against the team(s).
    pub pool: Vec<ReviewerOption>,
    /// An official may assign experts now.
    pub may_assign: bool,
    /// The reader's own assignment, when they may give (or revise) an opinion now.
    pub mine: Option<Uuid>,
    /// The stage asks for a conclusion (pass, revise, fail) as well as the text.
    pub asks_opinion: bool,
    /// Current opinions a decision needs (1 for the final acceptance).
    pub needed: usize,
}

impl StageReviews {
    pub fn current(&self) -> usize {
        self.opinions.iter().filter(|o| o.current).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskView {
    pub id: Uuid,
    pub call_id: Uuid,
    pub call_title: String,
    pub bid_id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    pub lead_name: String,
    pub status: TaskStatus,
    /// The public reason of a cut, merge, failure or termination; the acceptance opinion.
    pub status_reason: Option<String>,
    pub starts_on: NaiveDate,
    pub city_fund_fen: i64,
    pub enterprise_fund_fen: i64,
    pub paid_fen: i64,
    /// Tranches cancelled when the task stopped.
    pub cancelled_fen: i64,
    pub indicators: Vec<Indicator>,
    pub milestones: Vec<MilestoneView>,
    /// The reader is on the team.
    pub is_team: bool,
    /// The reader is an official.
    pub is_official: bool,
    /// The call was flagged as having broken through a key technology (突破关键技术).
    pub breakthrough: bool,
    /// The task's own steps (立项, mid-term, acceptance), for the team and officials.
    pub history: Vec<AuditEntry>,
    /// Every milestone's steps, each reason prefixed with the deliverable.
    pub milestone_history: Vec<AuditEntry>,
    /// The largest file a milestone's submission may attach.
    pub max_upload_bytes: u64,
}

impl TaskView {
    pub fn funding_fen(&self) -> i64 {
        self.city_fund_fen.saturating_add(self.enterprise_fund_fen)
    }
}

/// One task as the call's page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskSummary {
    pub id: Uuid,
    pub org_name: String,
    pub status: TaskStatus,
    pub status_reason: Option<String>,
    pub funding_fen: i64,
    pub paid_fen: i64,
    pub milestones_done: u32,
    pub milestones: u32,
    pub overdue: u32,
}

/// The implementation card of a call's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImplementationView {
    pub tasks: Vec<TaskSummary>,
    /// Winners whose task contract an official may record now: (bid, organization).
    pub may_start: Vec<(Uuid, String)>,
    /// An official may hold the 赛马制 mid-term review now.
    pub may_midterm: bool,
    /// An official may terminate the implementation now.
    pub may_terminate: bool,
    /// The 赛马制 mid-term review's experts, for officials and the assigned reviewers.
    pub midterm_reviews: Option<StageReviews>,
}

/// One decision of a mid-term review as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MidtermLine {
    pub task_id: String,
    /// `continue`, `cut` or `merge`.
    pub decision: String,
    /// For a merge: the task it joins.
    pub merge_into: String,
    /// For a continuing team: the funding added, 万元 (blank for none).
    pub extra: String,
    pub reason: String,
}

/// One implementation-stage assignment in an expert's task list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageAssignment {
    /// Where the expert reads the work and gives the opinion.
    pub link: String,
    pub call_title: String,
    /// The team and milestone (none on a mid-term review).
    pub org_name: Option<String>,
    pub deliverable: Option<String>,
    pub assigned_at: DateTime<Utc>,
    /// When the expert last gave an opinion.
    pub given_at: Option<DateTime<Utc>>,
}
