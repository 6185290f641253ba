//! The 赛马制 mid-term review of a call with several winning teams, and the termination (终止)
//! of a call's implementation. Both stop tasks and cancel their unpaid tranches through the
//! tasks context's `cancel_open`, in one `TaskWrite` each.
use super::calls::load_call;
use super::lifecycle::{self, step};
use super::reviews::{not_in, official};
use super::*;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Fen;
use crate::domain::task::{
    check_midterm, tranche_open, Decision, LiveTask, MilestoneKind, TaskAction, TaskLifecycle,
};
use crate::domain::text::clean_text;
use crate::error::Errors;
use crate::model::*;
use crate::policy::Actor;

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
