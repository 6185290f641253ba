//! The store's side of implementing an awarded call: task contracts, their milestones and
//! tranches, and the 赛马制 mid-term decisions. Every change after the 立项 goes through one
//! transactional write ([`TaskWrite`]) made of guarded status changes, so two officials acting
//! at once cannot both accept a milestone or both close a call.
use super::{AttachmentRecord, AuditEvent, StatusChange, StoreResult};
use crate::domain::call::Indicator;
use crate::domain::task::{MilestoneKind, MilestoneStatus, TaskStatus};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    pub bid_id: Uuid,
    pub org_id: Uuid,
    pub lead_user_id: Uuid,
    pub starts_on: NaiveDate,
    pub city_fund_fen: i64,
    pub enterprise_fund_fen: i64,
    pub indicators: Vec<Indicator>,
    pub status: TaskStatus,
    pub status_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRecord {
    pub id: Uuid,
    pub task_id: Uuid,
    /// 0-based position in the plan.
    pub seq: u32,
    pub kind: MilestoneKind,
    pub deliverable: String,
    pub due_on: NaiveDate,
    pub tranche_fen: i64,
    pub status: MilestoneStatus,
    pub status_reason: Option<String>,
    /// The latest submission.
    pub report: Option<String>,
    /// Reached values, in the task's indicator order.
    pub values: Vec<Option<String>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    /// When the tranche was released.
    pub paid_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The files the team attached to its submission, in upload order.
    pub files: Vec<AttachmentRecord>,
}

/// A task with the names around it and its milestones in plan order.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub task: TaskRecord,
    pub org_name: String,
    pub lead_name: String,
    pub call_title: String,
    pub milestones: Vec<MilestoneRecord>,
}

/// One recorded decision of a 赛马制 mid-term review.
#[derive(Debug, Clone, PartialEq)]
pub struct MidtermRecord {
    pub id: Uuid,
    pub call_id: Uuid,
    pub task_id: Uuid,
    /// `continue`, `cut` or `merge` (`domain::task::Decision::as_str`).
    pub decision: String,
    pub merge_into: Option<Uuid>,
    pub extra_fen: i64,
    pub reason: String,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
}

/// One guarded milestone step and what it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneStep {
    pub change: StatusChange,
    /// A (re)submission: the report, the reached values and who submitted.
    pub submission: Option<(String, Vec<Option<String>>, Uuid)>,
    /// An official's decision (accept or reject).
    pub decided_by: Option<Uuid>,
    /// The step releases the milestone's tranche at the audit event's time.
    pub pays: bool,
}

/// Everything one action on a call's implementation changes, written in one transaction; any
/// guarded change that finds its row moved on makes the whole write `Stale`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskWrite {
    pub milestones: Vec<(MilestoneStep, AuditEvent)>,
    pub tasks: Vec<(StatusChange, AuditEvent)>,
    /// (task, its final milestone, fen added): a continuing team's budget enlarged at the
    /// mid-term, paid with the final acceptance.
    pub enlargements: Vec<(Uuid, Uuid, i64)>,
    pub midterm: Vec<MidtermRecord>,
    pub call: Option<(StatusChange, AuditEvent)>,
    /// Events that change no status (a team continued at the mid-term).
    pub events: Vec<AuditEvent>,
    /// (call, flag): 突破关键技术, set at the final acceptance.
    pub breakthrough: Option<(Uuid, bool)>,
}

#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Records a task contract with its milestones (the first accepted and paid), and moves the
    /// call from awarded to in progress when `call` is given, in one transaction. `Unique` when
    /// the bid already has its task; `Stale` when the call moved meanwhile.
    async fn start_task(
        &self,
        task: &TaskRecord,
        milestones: &[MilestoneRecord],
        call: Option<&StatusChange>,
        audit: &[AuditEvent],
    ) -> StoreResult<()>;
    async fn get_task(&self, id: Uuid) -> StoreResult<Option<TaskRow>>;
    /// The call's tasks, in the order they were recorded.
    async fn tasks_of_call(&self, call_id: Uuid) -> StoreResult<Vec<TaskRow>>;
    /// The task a milestone belongs to.
    async fn task_of_milestone(&self, milestone_id: Uuid) -> StoreResult<Option<TaskRow>>;
    async fn write_tasks(&self, w: &TaskWrite) -> StoreResult<()>;
    async fn midterm_of_call(&self, call_id: Uuid) -> StoreResult<Vec<MidtermRecord>>;
    /// Whether the call was flagged as having broken through a key technology.
    async fn call_breakthrough(&self, call_id: Uuid) -> StoreResult<bool>;
    /// Milestones still to be delivered (pending or rejected) of tasks in progress, due on or
    /// before `by`, with their task: what the reminders and the overdue flags look at.
    async fn open_milestones_due(
        &self,
        by: NaiveDate,
    ) -> StoreResult<Vec<(MilestoneRecord, TaskRecord)>>;
    /// Attaches a file to a milestone the team may still submit (pending or returned) that
    /// holds fewer than `max`; `Stale` otherwise.
    async fn add_milestone_file(
        &self,
        file: &AttachmentRecord,
        max: usize,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Removes one, on the same condition.
    async fn remove_milestone_file(
        &self,
        milestone_id: Uuid,
        file_id: Uuid,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn get_milestone_file(&self, id: Uuid) -> StoreResult<Option<AttachmentRecord>>;
}
