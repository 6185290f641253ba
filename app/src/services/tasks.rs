//! Carrying out an awarded call (揭榜挂帅 part 2): the task contract of each winner (立项, with
//! the first tranche released), milestones submitted by the team and accepted or rejected by
//! officials (each accepted one releasing its tranche), the 赛马制 mid-term review, the final
//! acceptance (验收, with the final payment) and termination (终止). The call follows its
//! tasks. Who may do what is `policy::task_access`; every change is one `TaskWrite` of guarded
//! steps built by `lifecycle::step`, each with its audit event.
use super::calls::load_call;
use super::lifecycle::{self, step};
use super::reviews::{not_in, official};
use super::*;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Fen;
use crate::domain::task::{
    check_midterm, meets, tranche_open, Decision, LiveTask, MilestoneAction, MilestoneKind,
    MilestoneLifecycle, MilestoneStatus, TaskAction, TaskLifecycle, TaskStatus,
};
use crate::domain::text::clean_text;
use crate::error::Errors;
use crate::model::*;
use crate::policy::{task_access, Actor, TaskAccess, TaskFacts};
use crate::records::task as rec;
use chrono::NaiveDate;

/// Days before a milestone's due date when its team is reminded.
pub const REMIND_DAYS: i64 = 7;

fn today(state: &AppState) -> NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&crate::domain::time::shanghai())
        .date_naive()
}

fn implementing(status: CallStatus) -> bool {
    matches!(status, CallStatus::Awarded | CallStatus::InProgress)
}

/// The task's team: the bid's lead and the members who confirmed.
async fn team_of(state: &AppState, t: &TaskRecord) -> Result<TaskFacts, AppError> {
    let members = match state.store.get_bid(t.bid_id).await.map_err(internal)? {
        Some(b) => b
            .members
            .iter()
            .filter(|m| m.confirmed_at.is_some())
            .map(|m| m.user_id)
            .collect(),
        None => vec![],
    };
    Ok(TaskFacts {
        lead: t.lead_user_id,
        members,
    })
}

async fn team_people(state: &AppState, t: &TaskRecord) -> Result<Vec<Uuid>, AppError> {
    let f = team_of(state, t).await?;
    Ok(std::iter::once(f.lead).chain(f.members).collect())
}

fn open_fen(row: &TaskRow) -> i64 {
    row.milestones
        .iter()
        .filter(|m| tranche_open(m.status))
        .map(|m| m.tranche_fen)
        .sum()
}

fn paid_fen(row: &TaskRow) -> i64 {
    row.milestones
        .iter()
        .filter(|m| m.paid_at.is_some())
        .map(|m| m.tranche_fen)
        .sum()
}

/// The winning bid `bid_id` of `call`, or why it cannot get a task.
async fn awarded_bid(state: &AppState, call: &CallRow, bid_id: Uuid) -> Result<BidRow, AppError> {
    let awarded = state
        .store
        .call_awards(call.call.id)
        .await
        .map_err(internal)?
        .iter()
        .any(|a| a.award.bid_id == bid_id);
    let bid = state.store.get_bid(bid_id).await.map_err(internal)?;
    match bid {
        Some(b) if awarded && b.bid.call_id == call.call.id => Ok(b),
        _ => Err(AppError::field(
            "bid_id",
            "所选团队不是本榜单的中榜团队",
            "The chosen team did not win this call",
        )),
    }
}

/// The task contract form for one winner, pre-filled from the call and the bid.
#[tracing::instrument(skip_all)]
pub async fn task_form(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    bid_id: Uuid,
) -> Result<(CallSummary, String, TaskForm), AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    if !implementing(call.call.status) {
        return Err(not_in(call.call.status, CallStatus::Awarded));
    }
    let bid = awarded_bid(state, &call, bid_id).await?;
    let c = &call.call;
    let form = rec::prefill(
        bid_id,
        today(state),
        c.city_fund_fen,
        c.enterprise_fund_fen,
        c.winners,
        bid.bid.budget_fen,
        &c.milestones,
        &bid.bid.milestone_plan,
        &c.indicators,
    );
    Ok((super::calls::call_summary(&call), bid.org_name, form))
}

/// Records the task contract (立项) of one winner of an awarded call: the plan becomes
/// milestones, the first tranche is released, the call enters implementation. Only once the
/// 公示 has ended with every objection answered (the call is awarded), once per winner, and
/// within the call's funding.
#[tracing::instrument(skip_all)]
pub async fn start_task(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    form: &TaskForm,
) -> Result<Uuid, AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    let c = &call.call;
    if !implementing(c.status) {
        return Err(not_in(c.status, CallStatus::Awarded));
    }
    let bid_id = Uuid::parse_str(form.bid_id.trim())
        .map_err(|_| AppError::field("bid_id", "请选择中榜团队", "Choose a winning team"))?;
    let bid = awarded_bid(state, &call, bid_id).await?;
    let existing = state.store.tasks_of_call(call_id).await.map_err(internal)?;
    let already = || {
        AppError::conflict(
            format!("“{}”已立项，不能重复录入任务书", bid.org_name),
            format!(
                "The task contract of “{}” is recorded already",
                bid.org_name
            ),
        )
    };
    if existing.iter().any(|t| t.task.bid_id == bid_id) {
        return Err(already());
    }
    let content = rec::parse(form)?;
    // Within what the call still has: the funding of earlier tasks, less what their stopped
    // tranches freed, per party.
    let mut errs = Errors::default();
    let used_city: i64 = existing.iter().map(|t| t.task.city_fund_fen).sum();
    let used_ent: i64 = existing.iter().map(|t| t.task.enterprise_fund_fen).sum();
    for (field, used, total, new, zh, en) in [
        (
            "city_fund",
            used_city,
            c.city_fund_fen,
            content.city_fund.fen(),
            "市级财政资金",
            "city funding",
        ),
        (
            "enterprise_fund",
            used_ent,
            c.enterprise_fund_fen,
            content.enterprise_fund.fen(),
            "企业出资",
            "enterprise funding",
        ),
    ] {
        let left = (total - used).max(0);
        if new > left {
            errs.push(
                field,
                format!("超过榜单尚未分配的{zh} {} 万元", Fen(left).format_wan()),
                format!(
                    "More than the call's unallocated {en} (¥{})",
                    Fen(left).format_yuan_en()
                ),
            );
        }
    }
    errs.finish()?;
    let now = state.clock.now();
    let id = Uuid::new_v4();
    let task = TaskRecord {
        id,
        call_id,
        bid_id,
        org_id: bid.bid.org_id,
        lead_user_id: bid.bid.lead_user_id,
        starts_on: content.starts_on,
        city_fund_fen: content.city_fund.fen(),
        enterprise_fund_fen: content.enterprise_fund.fen(),
        indicators: content.indicators.clone(),
        status: TaskStatus::InProgress,
        status_reason: None,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    let milestones: Vec<MilestoneRecord> = content
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let start = m.kind == MilestoneKind::Start;
            MilestoneRecord {
                id: Uuid::new_v4(),
                task_id: id,
                seq: i as u32,
                kind: m.kind,
                deliverable: m.deliverable.clone(),
                due_on: m.due_on,
                tranche_fen: m.tranche.fen(),
                status: if start {
                    MilestoneStatus::Accepted
                } else {
                    MilestoneStatus::Pending
                },
                status_reason: None,
                report: None,
                values: vec![],
                submitted_at: None,
                submitted_by: None,
                decided_at: start.then_some(now),
                decided_by: start.then_some(actor.user_id),
                paid_at: start.then_some(now),
                updated_at: now,
            }
        })
        .collect();
    let wan = |f: i64| Fen(f).format_wan();
    let mut ev = audit(Some(actor.user_id), TaskLifecycle::ENTITY, id, "start", now);
    ev.to_state = Some(TaskStatus::InProgress.as_str().into());
    ev.reason = Some(format!(
        "{}：资助 {} 万元，{} 个里程碑",
        bid.org_name,
        wan(content.funding()),
        milestones.len()
    ));
    let mut events = vec![ev];
    let first = &milestones[0];
    let mut mev = audit(
        Some(actor.user_id),
        MilestoneLifecycle::ENTITY,
        first.id,
        "release",
        now,
    );
    mev.to_state = Some(MilestoneStatus::Accepted.as_str().into());
    mev.reason = Some(format!("首期拨款 {} 万元", wan(first.tranche_fen)));
    events.push(mev);
    let call_change = if c.status == CallStatus::Awarded {
        let (change, ev) = step::<CallLifecycle>(
            Some(actor.user_id),
            call_id,
            c.status,
            CallAction::StartImplementation,
            None,
            now,
        )?;
        events.push(ev);
        Some(change)
    } else {
        None
    };
    match state
        .store
        .start_task(&task, &milestones, call_change.as_ref(), &events)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Unique) => return Err(already()),
        Err(StoreError::Stale) => return Err(lifecycle::stale::<CallLifecycle>()),
        Err(e) => return Err(internal(e)),
    }
    let people = team_people(state, &task).await?;
    super::notifications::notify(
        state,
        &people,
        super::notifications::Event {
            kind: "task_started",
            zh: format!(
                "榜单“{}”已立项，首期拨款 {} 万元",
                c.title,
                wan(first.tranche_fen)
            ),
            en: format!(
                "“{}” has started; the first tranche of ¥{} is released",
                c.title,
                Fen(first.tranche_fen).format_yuan_en()
            ),
            link: format!("/tasks/{id}"),
            once: None,
        },
    )
    .await;
    Ok(id)
}

fn milestone_view(
    m: &MilestoneRecord,
    task: &TaskRow,
    access: TaskAccess,
    today: NaiveDate,
) -> MilestoneView {
    let live = task.task.status.is_live();
    let earlier_done = task
        .milestones
        .iter()
        .filter(|x| x.seq < m.seq)
        .all(|x| x.status == MilestoneStatus::Accepted);
    let readings = if access.read {
        task.task
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let value = m.values.get(i).cloned().flatten();
                IndicatorReading {
                    meets: value.as_deref().and_then(|v| meets(&ind.target, v)),
                    indicator: ind.clone(),
                    value,
                }
            })
            .collect()
    } else {
        vec![]
    };
    MilestoneView {
        id: m.id,
        seq: m.seq,
        kind: m.kind,
        deliverable: m.deliverable.clone(),
        due_on: m.due_on,
        tranche_fen: m.tranche_fen,
        status: m.status,
        paid_at: m.paid_at,
        overdue: live
            && matches!(
                m.status,
                MilestoneStatus::Pending | MilestoneStatus::Rejected
            )
            && m.due_on < today,
        report: m.report.clone().filter(|_| access.read),
        readings,
        status_reason: m.status_reason.clone().filter(|_| access.read),
        submitted_at: m.submitted_at,
        may_submit: access.submit
            && live
            && m.kind != MilestoneKind::Start
            && matches!(
                m.status,
                MilestoneStatus::Pending | MilestoneStatus::Rejected
            )
            && earlier_done,
        may_decide: access.decide && live && m.status == MilestoneStatus::Submitted,
    }
}

/// One task as `actor` may see it: the plan, the funding and the payments for everyone; the
/// reports, values, reasons and history for the team and officials.
#[tracing::instrument(skip_all)]
pub async fn task_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<TaskView, AppError> {
    let row = state
        .store
        .get_task(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let access = task_access(actor, &team_of(state, &row.task).await?);
    let today = today(state);
    let milestones = row
        .milestones
        .iter()
        .map(|m| milestone_view(m, &row, access, today))
        .collect();
    let (mut history, mut milestone_history) = (vec![], vec![]);
    if access.read {
        history = lifecycle::history_of(state, TaskLifecycle::ENTITY, id).await?;
        for m in &row.milestones {
            for mut h in lifecycle::history_of(state, MilestoneLifecycle::ENTITY, m.id).await? {
                h.reason = Some(match h.reason {
                    Some(r) => format!("{}：{r}", m.deliverable),
                    None => m.deliverable.clone(),
                });
                milestone_history.push(h);
            }
        }
        milestone_history.sort_by_key(|h| h.at);
    }
    let t = &row.task;
    Ok(TaskView {
        id,
        call_id: t.call_id,
        call_title: row.call_title.clone(),
        bid_id: t.bid_id,
        org_id: t.org_id,
        org_name: row.org_name.clone(),
        lead_name: row.lead_name.clone(),
        status: t.status,
        status_reason: t.status_reason.clone(),
        starts_on: t.starts_on,
        city_fund_fen: t.city_fund_fen,
        enterprise_fund_fen: t.enterprise_fund_fen,
        paid_fen: paid_fen(&row),
        cancelled_fen: row
            .milestones
            .iter()
            .filter(|m| m.status == MilestoneStatus::Cancelled)
            .map(|m| m.tranche_fen)
            .sum(),
        indicators: t.indicators.clone(),
        milestones,
        is_team: access.submit,
        is_official: actor.is_some_and(|a| official(a).is_ok()),
        breakthrough: state
            .store
            .call_breakthrough(t.call_id)
            .await
            .map_err(internal)?,
        history,
        milestone_history,
    })
}

/// The implementation card of a call's page, once the call is awarded.
pub(crate) async fn implementation_view(
    state: &AppState,
    actor: Option<&Actor>,
    call: &CallRow,
) -> Result<Option<ImplementationView>, AppError> {
    let c = &call.call;
    if !matches!(
        c.status,
        CallStatus::Awarded
            | CallStatus::InProgress
            | CallStatus::Accepted
            | CallStatus::FailedAcceptance
            | CallStatus::Terminated
    ) {
        return Ok(None);
    }
    let rows = state.store.tasks_of_call(c.id).await.map_err(internal)?;
    let today = today(state);
    let is_official = actor.is_some_and(|a| official(a).is_ok());
    let may_start = if is_official && implementing(c.status) {
        state
            .store
            .call_awards(c.id)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|a| !rows.iter().any(|t| t.task.bid_id == a.award.bid_id))
            .map(|a| (a.award.bid_id, a.org_name))
            .collect()
    } else {
        vec![]
    };
    let live = rows.iter().filter(|t| t.task.status.is_live()).count();
    let tasks = rows
        .iter()
        .map(|r| TaskSummary {
            id: r.task.id,
            org_name: r.org_name.clone(),
            status: r.task.status,
            status_reason: r.task.status_reason.clone(),
            funding_fen: r.task.city_fund_fen + r.task.enterprise_fund_fen,
            paid_fen: paid_fen(r),
            milestones_done: r
                .milestones
                .iter()
                .filter(|m| m.status == MilestoneStatus::Accepted)
                .count() as u32,
            milestones: r.milestones.len() as u32,
            overdue: r
                .milestones
                .iter()
                .filter(|m| {
                    r.task.status.is_live()
                        && matches!(
                            m.status,
                            MilestoneStatus::Pending | MilestoneStatus::Rejected
                        )
                        && m.due_on < today
                })
                .count() as u32,
        })
        .collect();
    Ok(Some(ImplementationView {
        tasks,
        may_start,
        may_midterm: is_official
            && c.status == CallStatus::InProgress
            && c.winners >= 2
            && live >= 2,
        may_terminate: is_official && implementing(c.status),
    }))
}

/// Loads the task of milestone `id` with the milestone itself.
async fn load_milestone(
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

fn ended(t: &TaskRecord) -> AppError {
    AppError::conflict(
        format!("该任务已{}，不能再办理里程碑", t.status.label_zh()),
        format!(
            "The task is {}; its milestones are closed",
            t.status.label_en().to_lowercase()
        ),
    )
}

fn written(r: StoreResult<()>) -> Result<(), AppError> {
    match r {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(lifecycle::stale::<MilestoneLifecycle>()),
        Err(e) => Err(internal(e)),
    }
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

/// The open milestones of a task that stops, each cancelled with `reason`.
fn cancel_open(
    w: &mut TaskWrite,
    row: &TaskRow,
    actor: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for m in row.milestones.iter().filter(|m| tranche_open(m.status)) {
        let (change, ev) = step::<MilestoneLifecycle>(
            Some(actor),
            m.id,
            m.status,
            MilestoneAction::Cancel,
            Some(reason),
            now,
        )?;
        w.milestones.push((
            MilestoneStep {
                change,
                submission: None,
                decided_by: None,
                pays: false,
            },
            ev,
        ));
    }
    Ok(())
}

/// The 赛马制 mid-term review: one decision per team in progress (continue, with an optional
/// enlargement; cut; or merge into a continuing team), each with its reason. A cut or merged
/// team's unpaid tranches are cancelled; enlargements come out of what they free and are paid
/// with the final acceptance.
#[tracing::instrument(skip_all)]
pub async fn midterm_review(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    lines: &[MidtermLine],
) -> Result<(), AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    let c = &call.call;
    if c.status != CallStatus::InProgress {
        return Err(not_in(c.status, CallStatus::InProgress));
    }
    let rows = state.store.tasks_of_call(call_id).await.map_err(internal)?;
    let live: Vec<LiveTask> = rows
        .iter()
        .filter(|r| r.task.status.is_live())
        .map(|r| LiveTask {
            id: r.task.id,
            unpaid_fen: open_fen(r),
        })
        .collect();
    let mut errs = Errors::default();
    let mut decisions = vec![];
    let mut reasons = vec![];
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        let Ok(task_id) = Uuid::parse_str(l.task_id.trim()) else {
            errs.push(
                "decision",
                format!("第 {n} 项：团队无效"),
                format!("Item {n}: not a team of this call"),
            );
            continue;
        };
        let reason = match clean_text(&l.reason, 2, 1000) {
            Ok(r) => Some(r),
            Err(e) => {
                errs.push(
                    &format!("reason.{i}"),
                    format!("第 {n} 项理由：{}", e.message_zh()),
                    format!("Item {n}, reason: {}", e.message_en()),
                );
                None
            }
        };
        let decision = match l.decision.trim() {
            "continue" => {
                let extra = if l.extra.trim().is_empty() {
                    Some(Fen::ZERO)
                } else {
                    match Fen::parse_wan(&l.extra) {
                        Ok(f) => Some(f),
                        Err(e) => {
                            errs.push(
                                &format!("extra.{i}"),
                                format!("第 {n} 项追加经费：{}", e.message_zh()),
                                format!("Item {n}, added funding: {}", e.message_en()),
                            );
                            None
                        }
                    }
                };
                extra.map(|f| Decision::Continue { extra_fen: f.fen() })
            }
            "cut" => Some(Decision::Cut),
            "merge" => match Uuid::parse_str(l.merge_into.trim()) {
                Ok(into) => Some(Decision::Merge { into }),
                Err(_) => {
                    errs.push(
                        &format!("merge_into.{i}"),
                        format!("第 {n} 项：请选择并入的团队"),
                        format!("Item {n}: choose the team it merges into"),
                    );
                    None
                }
            },
            _ => {
                errs.push(
                    &format!("decision.{i}"),
                    format!("第 {n} 项：请选择继续支持、淘汰或合并"),
                    format!("Item {n}: choose continue, cut or merge"),
                );
                None
            }
        };
        if let (Some(d), Some(r)) = (decision, reason) {
            decisions.push((task_id, d));
            reasons.push(r);
        }
    }
    errs.finish()?;
    check_midterm(c.winners, &live, &decisions)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    let mut w = TaskWrite::default();
    let name = |id: Uuid| {
        rows.iter()
            .find(|r| r.task.id == id)
            .map(|r| r.org_name.clone())
            .unwrap_or_default()
    };
    for ((task_id, d), reason) in decisions.iter().zip(&reasons) {
        let row = rows
            .iter()
            .find(|r| r.task.id == *task_id)
            .ok_or(AppError::NotFound)?;
        let mut record = MidtermRecord {
            id: Uuid::new_v4(),
            call_id,
            task_id: *task_id,
            decision: d.as_str().into(),
            merge_into: None,
            extra_fen: 0,
            reason: reason.clone(),
            decided_by: actor.user_id,
            decided_at: now,
        };
        match d {
            Decision::Continue { extra_fen } => {
                let mut ev = audit(
                    Some(actor.user_id),
                    TaskLifecycle::ENTITY,
                    task_id,
                    "midterm_continue",
                    now,
                );
                ev.reason = Some(if *extra_fen > 0 {
                    format!("{reason}（追加经费 {} 万元）", Fen(*extra_fen).format_wan())
                } else {
                    reason.clone()
                });
                w.events.push(ev);
                if *extra_fen > 0 {
                    let fin = row
                        .milestones
                        .iter()
                        .find(|m| m.kind == MilestoneKind::Final && tranche_open(m.status))
                        .ok_or_else(|| {
                            AppError::conflict(
                                format!("“{}”的验收已结束，不能追加经费", row.org_name),
                                format!(
                                    "“{}” has no open final acceptance to enlarge",
                                    row.org_name
                                ),
                            )
                        })?;
                    w.enlargements.push((*task_id, fin.id, *extra_fen));
                    record.extra_fen = *extra_fen;
                }
            }
            Decision::Cut | Decision::Merge { .. } => {
                let (action, text) = match d {
                    Decision::Merge { into } => {
                        record.merge_into = Some(*into);
                        (
                            TaskAction::Merge,
                            format!("并入“{}”：{reason}", name(*into)),
                        )
                    }
                    _ => (TaskAction::Cut, reason.clone()),
                };
                w.tasks.push(step::<TaskLifecycle>(
                    Some(actor.user_id),
                    *task_id,
                    row.task.status,
                    action,
                    Some(&text),
                    now,
                )?);
                cancel_open(
                    &mut w,
                    row,
                    actor.user_id,
                    &format!("中期评估：{text}"),
                    now,
                )?;
            }
        }
        w.midterm.push(record);
    }
    written(state.store.write_tasks(&w).await)?;
    for ((task_id, d), reason) in decisions.iter().zip(&reasons) {
        let Some(row) = rows.iter().find(|r| r.task.id == *task_id) else {
            continue;
        };
        let people = team_people(state, &row.task).await?;
        super::notifications::notify(
            state,
            &people,
            super::notifications::Event {
                kind: "midterm_decision",
                zh: format!(
                    "榜单“{}”中期评估结果：{}（{reason}）",
                    c.title,
                    d.label_zh()
                ),
                en: format!("Mid-term review of “{}”: {}", c.title, d.label_en()),
                link: format!("/tasks/{task_id}"),
                once: None,
            },
        )
        .await;
    }
    Ok(())
}

/// Terminates the implementation of a call (终止) with a reason: every task in progress stops
/// and its unpaid tranches are cancelled.
#[tracing::instrument(skip_all)]
pub async fn terminate_call(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    let c = &call.call;
    if !implementing(c.status) {
        return Err(not_in(c.status, CallStatus::InProgress));
    }
    let now = state.clock.now();
    let me = Some(actor.user_id);
    let call_step = step::<CallLifecycle>(
        me,
        call_id,
        c.status,
        CallAction::Terminate,
        Some(reason),
        now,
    )?;
    let reason = call_step.0.reason.clone().unwrap_or_default();
    let rows = state.store.tasks_of_call(call_id).await.map_err(internal)?;
    let mut w = TaskWrite::default();
    let mut people = vec![];
    for row in rows.iter().filter(|r| r.task.status.is_live()) {
        w.tasks.push(step::<TaskLifecycle>(
            me,
            row.task.id,
            row.task.status,
            TaskAction::Terminate,
            Some(&reason),
            now,
        )?);
        cancel_open(
            &mut w,
            row,
            actor.user_id,
            &format!("终止实施：{reason}"),
            now,
        )?;
        people.extend(team_people(state, &row.task).await?);
    }
    w.call = Some(call_step);
    match state.store.write_tasks(&w).await {
        Ok(()) => {}
        Err(StoreError::Stale) => return Err(lifecycle::stale::<CallLifecycle>()),
        Err(e) => return Err(internal(e)),
    }
    super::notifications::notify(
        state,
        &people,
        super::notifications::Event {
            kind: "call_terminated",
            zh: format!("榜单“{}”已终止实施：{reason}", c.title),
            en: format!("The implementation of “{}” was terminated", c.title),
            link: format!("/calls/{call_id}"),
            once: None,
        },
    )
    .await;
    Ok(())
}

/// Reminds each team of a milestone due within [`REMIND_DAYS`], and tells the team and the
/// call's official of one overdue; each once. Returns how many milestones it looked at.
#[tracing::instrument(skip_all)]
pub async fn remind_milestones(state: &AppState) -> Result<usize, AppError> {
    let today = today(state);
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
