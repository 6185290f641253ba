//! Carrying out an awarded call (揭榜挂帅 part 2): the task contract of each winner (立项, with
//! the first tranche released), and the views of tasks and of a call's implementation. The
//! milestones of a task are `milestones.rs`; the 赛马制 mid-term review and termination are
//! `race.rs`; the helpers all three share live here. Who may do what is `policy::task_access`;
//! every change is one `TaskWrite` of guarded steps built by `lifecycle::step`, each with its
//! audit event.
use super::calls::load_call;
use super::lifecycle::{self, step};
use super::reviews::{not_in, official};
use super::*;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Fen;
use crate::domain::task::{
    meets, tranche_open, MilestoneAction, MilestoneKind, MilestoneLifecycle, MilestoneStatus,
    TaskLifecycle, TaskStatus,
};
use crate::error::Errors;
use crate::model::*;
use crate::policy::{task_access, Actor, TaskAccess, TaskFacts};
use crate::records::task as rec;
use chrono::NaiveDate;

pub(super) fn implementing(status: CallStatus) -> bool {
    matches!(status, CallStatus::Awarded | CallStatus::InProgress)
}

/// The task's team: the bid's lead and the members who confirmed.
pub(super) async fn team_of(state: &AppState, t: &TaskRecord) -> Result<TaskFacts, AppError> {
    let members = match state.store.get_bid(t.bid_id).await.map_err(internal)? {
        Some(b) => b
            .members
            .iter()
            .filter(|m| m.confirmed_at.is_some())
            .map(|m| m.user_id)
            .collect(),
        None => vec![],
    };
    let reviews = super::stage_reviews::of_call(state, t.call_id).await?;
    Ok(TaskFacts {
        lead: t.lead_user_id,
        members,
        reviewers: super::stage_reviews::reviewers_of(&reviews, t.id),
    })
}

pub(super) async fn team_people(state: &AppState, t: &TaskRecord) -> Result<Vec<Uuid>, AppError> {
    let f = team_of(state, t).await?;
    Ok(std::iter::once(f.lead).chain(f.members).collect())
}

pub(super) fn open_fen(row: &TaskRow) -> i64 {
    row.milestones
        .iter()
        .filter(|m| tranche_open(m.status))
        .map(|m| m.tranche_fen)
        .sum()
}

pub(super) fn paid_fen(row: &TaskRow) -> i64 {
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
        beijing_today(state),
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

/// The records of a task contract as recorded `at` by `by` for `bid`: the task in progress and
/// its milestones, the first accepted with its tranche paid, the others pending. `milestone_id`
/// names milestone `i` (new ids, or the seeds' stable ones).
pub fn task_records(
    content: &rec::TaskContent,
    id: Uuid,
    bid: &BidRecord,
    by: Uuid,
    at: DateTime<Utc>,
    milestone_id: impl Fn(usize) -> Uuid,
) -> (TaskRecord, Vec<MilestoneRecord>) {
    let task = TaskRecord {
        id,
        call_id: bid.call_id,
        bid_id: bid.id,
        org_id: bid.org_id,
        lead_user_id: bid.lead_user_id,
        starts_on: content.starts_on,
        city_fund_fen: content.city_fund.fen(),
        enterprise_fund_fen: content.enterprise_fund.fen(),
        indicators: content.indicators.clone(),
        status: TaskStatus::InProgress,
        status_reason: None,
        created_by: by,
        created_at: at,
        updated_at: at,
    };
    let milestones = content
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let start = m.kind == MilestoneKind::Start;
            MilestoneRecord {
                id: milestone_id(i),
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
                decided_at: start.then_some(at),
                decided_by: start.then_some(by),
                paid_at: start.then_some(at),
                updated_at: at,
                files: vec![],
            }
        })
        .collect();
    (task, milestones)
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
    let (task, milestones) = task_records(&content, id, &bid.bid, actor.user_id, now, |_| {
        Uuid::new_v4()
    });
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
    // The award's draft contract follows the funding agreed in the task contract.
    super::contracts::align_award_draft(
        state,
        actor,
        c.id,
        task.org_id,
        task.city_fund_fen.saturating_add(task.enterprise_fund_fen),
        task.starts_on,
    )
    .await?;
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
        files: if access.read {
            m.files.iter().map(super::attachments::view_of).collect()
        } else {
            vec![]
        },
        may_attach: access.submit
            && live
            && m.kind != MilestoneKind::Start
            && matches!(
                m.status,
                MilestoneStatus::Pending | MilestoneStatus::Rejected
            ),
        reviews: None,
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
    let today = beijing_today(state);
    let who = super::stage_reviews::Reader {
        actor,
        is_official: actor.is_some_and(|a| official(a).is_ok()),
        team: access.submit,
    };
    let reviews = if access.read {
        super::stage_reviews::of_call(state, row.task.call_id).await?
    } else {
        vec![]
    };
    let mut milestones = vec![];
    for m in &row.milestones {
        let mut v = milestone_view(m, &row, access, today);
        if access.read {
            v.reviews =
                super::stage_reviews::milestone_reviews(state, &who, &row, m, &reviews).await?;
        }
        milestones.push(v);
    }
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
        max_upload_bytes: state.settings.max_upload_bytes,
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
    let today = beijing_today(state);
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
        may_midterm: is_official && super::stage_reviews::midterm_open(c, &rows),
        may_terminate: is_official && implementing(c.status),
        midterm_reviews: super::stage_reviews::midterm_reviews(
            state,
            &super::stage_reviews::Reader {
                actor,
                is_official,
                team: false,
            },
            c,
            &rows,
        )
        .await?,
    }))
}

pub(super) fn ended(t: &TaskRecord) -> AppError {
    AppError::conflict(
        format!("该任务已{}，不能再办理里程碑", t.status.label_zh()),
        format!(
            "The task is {}; its milestones are closed",
            t.status.label_en().to_lowercase()
        ),
    )
}

pub(super) fn written(r: StoreResult<()>) -> Result<(), AppError> {
    match r {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(lifecycle::stale::<MilestoneLifecycle>()),
        Err(e) => Err(internal(e)),
    }
}

/// The open milestones of a task that stops, each cancelled with `reason`.
pub(super) fn cancel_open(
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
