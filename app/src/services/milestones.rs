//! Milestones of a task (揭榜挂帅 part 2): the team submits a milestone's deliverables or the
//! final report, an official not on the team accepts (releasing the tranche) or returns it, the
//! final acceptance passes (the final payment) or fails, the call closes with its last task, and
//! the reminders of milestones due and overdue. Who may is `policy::task_access`; each change is
//! one `TaskWrite` of `lifecycle::step`s.
use super::calls::load_call;
use super::lifecycle::step;
use super::reviews::official;
use super::*;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::money::Fen;
use crate::domain::task::{
    MilestoneAction, MilestoneKind, MilestoneLifecycle, MilestoneStatus, TaskAction, TaskLifecycle,
    TaskStatus,
};
use crate::model::*;
use crate::policy::{task_access, Actor};
use crate::records::task as rec;

/// Days before a milestone's due date when its team is reminded.
pub const REMIND_DAYS: i64 = 7;

/// Loads the task of milestone `id` with the milestone itself.
pub(super) async fn load_milestone(
    state: &AppState,
    id: Uuid,
) -> Result<(TaskRow, MilestoneRecord), AppError> {
    let row = state
        .store
        .task_of_milestone(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let m = row
        .milestones
        .iter()
        .find(|m| m.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((row, m))
}

/// The team submits (or resubmits) a milestone's deliverables: a report and the indicator
/// values reached (every one for the final acceptance). Milestones are delivered in order.
#[tracing::instrument(skip_all)]
pub async fn submit_milestone(
    state: &AppState,
    actor: &Actor,
    milestone_id: Uuid,
    sub: &MilestoneSubmission,
) -> Result<Uuid, AppError> {
    let (row, m) = load_milestone(state, milestone_id).await?;
    let access = task_access(Some(actor), &team_of(state, &row.task).await?);
    if !access.submit {
        return Err(AppError::conflict(
            "只有中榜团队的成员可以提交里程碑成果",
            "Only the winning team's members may submit a milestone",
        ));
    }
    if !row.task.status.is_live() {
        return Err(ended(&row.task));
    }
    if m.kind == MilestoneKind::Start {
        return Err(AppError::conflict(
            "立项首期拨款随任务书发放，无需提交",
            "The start-up tranche comes with the task contract; there is nothing to submit",
        ));
    }
    if let Some(prev) = row
        .milestones
        .iter()
        .find(|x| x.seq < m.seq && x.status != MilestoneStatus::Accepted)
    {
        return Err(AppError::conflict(
            format!("请先完成上一个里程碑“{}”", prev.deliverable),
            format!("Finish the milestone “{}” first", prev.deliverable),
        ));
    }
    let (report, values) = rec::parse_submission(sub, &row.task.indicators, m.kind)?;
    let now = state.clock.now();
    let (change, ev) = step::<MilestoneLifecycle>(
        Some(actor.user_id),
        m.id,
        m.status,
        MilestoneAction::Submit,
        None,
        now,
    )?;
    written(
        state
            .store
            .write_tasks(&TaskWrite {
                milestones: vec![(
                    MilestoneStep {
                        change,
                        submission: Some((report, values, actor.user_id)),
                        decided_by: None,
                        pays: false,
                    },
                    ev,
                )],
                ..Default::default()
            })
            .await,
    )?;
    let (zh, en) = if m.kind == MilestoneKind::Final {
        ("验收申请", "final report")
    } else {
        ("里程碑成果", "milestone")
    };
    super::notifications::notify(
        state,
        &[row_call_owner(state, &row).await?],
        super::notifications::Event {
            kind: "milestone_submitted",
            zh: format!("“{}”提交了{zh}“{}”，请审核", row.org_name, m.deliverable),
            en: format!(
                "“{}” submitted the {en} “{}” for review",
                row.org_name, m.deliverable
            ),
            link: format!("/tasks/{}", row.task.id),
            once: None,
        },
    )
    .await;
    Ok(row.task.id)
}

async fn row_call_owner(state: &AppState, row: &TaskRow) -> Result<Uuid, AppError> {
    Ok(load_call(state, row.task.call_id).await?.call.created_by)
}

/// What an official decides on a submitted milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted: its tranche is released (for the final acceptance, 验收通过 with the final
    /// payment).
    Accept,
    /// Returned with reasons; the team may resubmit.
    Reject,
    /// The final acceptance failed (验收不通过): the task ends without the final payment.
    Fail,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accept" => Some(Self::Accept),
            "reject" => Some(Self::Reject),
            "fail" => Some(Self::Fail),
            _ => None,
        }
    }
}

/// The call step that closes it once no task runs any more (accepted when one passed, failed
/// when none did), or `None` while a task runs or a winner still awaits its 立项.
async fn closing(
    state: &AppState,
    actor: Uuid,
    call: &CallRecord,
    tasks: &[TaskRow],
    after: &[(Uuid, TaskStatus)],
    now: DateTime<Utc>,
) -> Result<Option<(StatusChange, AuditEvent)>, AppError> {
    if call.status != CallStatus::InProgress {
        return Ok(None);
    }
    let status_of = |t: &TaskRow| {
        after
            .iter()
            .find(|(id, _)| *id == t.task.id)
            .map_or(t.task.status, |(_, s)| *s)
    };
    if tasks.iter().any(|t| status_of(t).is_live()) {
        return Ok(None);
    }
    let awards = state.store.call_awards(call.id).await.map_err(internal)?;
    if awards.len() > tasks.len() {
        return Ok(None);
    }
    let action = if tasks.iter().any(|t| status_of(t) == TaskStatus::Accepted) {
        CallAction::CloseAccepted
    } else {
        CallAction::CloseFailed
    };
    Ok(Some(step::<CallLifecycle>(
        Some(actor),
        call.id,
        call.status,
        action,
        None,
        now,
    )?))
}

/// An official's decision on a submitted milestone. For the final acceptance the reason is
/// the acceptance opinion (required), and `breakthrough` flags the call as having broken
/// through a key technology.
#[tracing::instrument(skip_all)]
pub async fn decide_milestone(
    state: &AppState,
    actor: &Actor,
    milestone_id: Uuid,
    verdict: Verdict,
    reason: Option<&str>,
    breakthrough: bool,
) -> Result<Uuid, AppError> {
    official(actor)?;
    let (row, m) = load_milestone(state, milestone_id).await?;
    let access = task_access(Some(actor), &team_of(state, &row.task).await?);
    if !access.decide {
        return Err(AppError::conflict(
            "您是该团队成员，须回避本任务的审核",
            "You are on this team and must recuse yourself from its review",
        ));
    }
    if !row.task.status.is_live() {
        return Err(ended(&row.task));
    }
    // Returning a report for changes needs no expert; passing or failing it does.
    if m.status == MilestoneStatus::Submitted && verdict != Verdict::Reject {
        super::stage_reviews::check_opinions(
            &m,
            &super::stage_reviews::of_call(state, row.task.call_id).await?,
        )?;
    }
    let call = load_call(state, row.task.call_id).await?;
    let now = state.clock.now();
    let me = Some(actor.user_id);
    let mut w = TaskWrite::default();
    let final_one = m.kind == MilestoneKind::Final;
    let decided = |action, reason, pays| -> Result<(MilestoneStep, AuditEvent), AppError> {
        let (change, ev) = step::<MilestoneLifecycle>(me, m.id, m.status, action, reason, now)?;
        Ok((
            MilestoneStep {
                change,
                submission: None,
                decided_by: Some(actor.user_id),
                pays,
            },
            ev,
        ))
    };
    let mut task_to = None;
    match verdict {
        Verdict::Accept => {
            w.milestones
                .push(decided(MilestoneAction::Accept, reason, true)?);
            if final_one {
                w.tasks.push(step::<TaskLifecycle>(
                    me,
                    row.task.id,
                    row.task.status,
                    TaskAction::Accept,
                    reason,
                    now,
                )?);
                task_to = Some(TaskStatus::Accepted);
                if breakthrough {
                    w.breakthrough = Some((call.call.id, true));
                }
            }
        }
        Verdict::Reject => {
            w.milestones
                .push(decided(MilestoneAction::Reject, reason, false)?);
        }
        Verdict::Fail => {
            if !final_one {
                return Err(AppError::conflict(
                    "只有验收可以判定为不通过；里程碑请退回修改",
                    "Only the final acceptance can fail; return a milestone for changes instead",
                ));
            }
            w.milestones
                .push(decided(MilestoneAction::Cancel, reason, false)?);
            w.tasks.push(step::<TaskLifecycle>(
                me,
                row.task.id,
                row.task.status,
                TaskAction::Fail,
                reason,
                now,
            )?);
            task_to = Some(TaskStatus::Failed);
        }
    }
    if let Some(to) = task_to {
        let tasks = state
            .store
            .tasks_of_call(call.call.id)
            .await
            .map_err(internal)?;
        w.call = closing(
            state,
            actor.user_id,
            &call.call,
            &tasks,
            &[(row.task.id, to)],
            now,
        )
        .await?;
    }
    written(state.store.write_tasks(&w).await)?;
    let (kind, zh, en) = match (verdict, final_one) {
        (Verdict::Accept, true) => (
            "acceptance_passed",
            format!(
                "“{}”验收通过，尾款 {} 万元已拨付",
                call.call.title,
                Fen(m.tranche_fen).format_wan()
            ),
            format!(
                "“{}” passed its final acceptance; the final payment is released",
                call.call.title
            ),
        ),
        (Verdict::Fail, _) => (
            "acceptance_failed",
            format!("“{}”验收未通过", call.call.title),
            format!("“{}” failed its final acceptance", call.call.title),
        ),
        (Verdict::Accept, false) => (
            "milestone_accepted",
            format!(
                "里程碑“{}”审核通过，拨款 {} 万元",
                m.deliverable,
                Fen(m.tranche_fen).format_wan()
            ),
            format!(
                "The milestone “{}” is accepted and its tranche released",
                m.deliverable
            ),
        ),
        (Verdict::Reject, _) => (
            "milestone_rejected",
            format!("里程碑“{}”被退回，请按意见修改后重新提交", m.deliverable),
            format!(
                "The milestone “{}” was returned: revise and resubmit",
                m.deliverable
            ),
        ),
    };
    let people = team_people(state, &row.task).await?;
    super::notifications::notify(
        state,
        &people,
        super::notifications::Event {
            kind,
            zh,
            en,
            link: format!("/tasks/{}", row.task.id),
            once: None,
        },
    )
    .await;
    Ok(row.task.id)
}

/// Reminds each team of a milestone due within [`REMIND_DAYS`], and tells the team and the
/// call's official of one overdue; each once. Returns how many milestones it looked at.
#[tracing::instrument(skip_all)]
pub async fn remind_milestones(state: &AppState) -> Result<usize, AppError> {
    let today = beijing_today(state);
    let by = today + chrono::Duration::days(REMIND_DAYS);
    let due = state
        .store
        .open_milestones_due(by)
        .await
        .map_err(internal)?;
    for (m, t) in &due {
        if m.kind == MilestoneKind::Start {
            continue;
        }
        let mut people = team_people(state, t).await?;
        let date = m.due_on.to_string();
        let event = if m.due_on < today {
            people.push(load_call(state, t.call_id).await?.call.created_by);
            super::notifications::Event {
                kind: "milestone_overdue",
                zh: format!("里程碑“{}”已于 {date} 到期，尚未提交成果", m.deliverable),
                en: format!(
                    "The milestone “{}” was due on {date} and is overdue",
                    m.deliverable
                ),
                link: format!("/tasks/{}", t.id),
                once: Some(format!("milestone-overdue:{}", m.id)),
            }
        } else {
            super::notifications::Event {
                kind: "milestone_due",
                zh: format!("里程碑“{}”将于 {date} 到期，请按时提交成果", m.deliverable),
                en: format!("The milestone “{}” is due on {date}", m.deliverable),
                link: format!("/tasks/{}", t.id),
                once: Some(format!("milestone-due:{}", m.id)),
            }
        };
        super::notifications::notify(state, &people, event).await;
    }
    Ok(due.len())
}
