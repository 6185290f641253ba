//! The demo calls in implementation: the 公示 concluded, the winners' task contracts, their
//! milestones accepted or the acceptance decided, or the whole terminated.
use super::*;

#[derive(Deserialize)]
pub(super) struct TaskSeed {
    /// Index into the call's `bids` (an awarded one).
    bid: usize,
    /// How long ago the task contract was recorded.
    started_days_ago: i64,
    /// Milestones after the start that were submitted and accepted (with their tranches).
    #[serde(default)]
    accepted: usize,
    /// `accepted` or `failed` once the final acceptance was decided (then `accepted` counts
    /// the milestones before it).
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    opinion: Option<String>,
    #[serde(default)]
    breakthrough: bool,
    /// The e-mail of the expert whose opinion the final acceptance was decided with, and the
    /// opinion (`pass`, `revise`, `fail`) with its text.
    #[serde(default)]
    expert: Option<String>,
    #[serde(default)]
    expert_opinion: Option<(String, String)>,
}

/// The implementation of a seeded call: the 公示 concluded, the winners' task contracts (as the
/// official's form would pre-fill them), their milestones accepted or the acceptance decided,
/// or the whole terminated; each step a guarded write with its seed event, as the tasks service
/// makes them.
#[allow(clippy::too_many_arguments)]
pub(super) async fn seed_implementation(
    store: &dyn Store,
    key: &str,
    concluded: bool,
    tasks: &[TaskSeed],
    terminated: Option<&str>,
    call: &CallRecord,
    bid_ids: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use app::domain::call::{CallLifecycle, CallStatus};
    use app::domain::task::*;
    if !concluded {
        return Ok(());
    }
    let awarded: Vec<Uuid> = store
        .call_awards(call.id)
        .await?
        .iter()
        .map(|a| a.award.bid_id)
        .collect();
    let change = StatusChange::of::<CallLifecycle>(
        call.id,
        CallStatus::Publicity,
        CallStatus::Awarded,
        None,
    );
    store
        .conclude_publicity(
            &change,
            &awarded,
            &[],
            &seed_event("call", call.id, Some("awarded"), now),
        )
        .await?;
    let official = stable_id("user", "official@demo.jiebang.local");
    let mut status = CallStatus::Awarded;
    let mut outcomes = vec![];
    for (i, t) in tasks.iter().enumerate() {
        let bid_id = *bid_ids
            .get(t.bid)
            .with_context(|| format!("call {} task {i}: no bid", key))?;
        let bid = store.get_bid(bid_id).await?.context("task bid")?;
        let started = now - chrono::Duration::days(t.started_days_ago);
        let form = records::task::prefill(
            bid_id,
            started
                .with_timezone(&app::domain::time::shanghai())
                .date_naive(),
            call.city_fund_fen,
            call.enterprise_fund_fen,
            call.winners,
            bid.bid.budget_fen,
            &call.milestones,
            &bid.bid.milestone_plan,
            &call.indicators,
        );
        let content = checked(key, records::task::parse(&form))?;
        let id = stable_id("task", &format!("{}:{i}", key));
        let (task, milestones) =
            services::task_records(&content, id, &bid.bid, official, started, |k| {
                stable_id("milestone", &format!("{key}:{i}:{k}"))
            });
        let call_change = (status == CallStatus::Awarded).then(|| {
            StatusChange::of::<CallLifecycle>(
                call.id,
                CallStatus::Awarded,
                CallStatus::InProgress,
                None,
            )
        });
        store
            .start_task(
                &task,
                &milestones,
                call_change.as_ref(),
                &[seed_event("task", id, Some("in_progress"), started)],
            )
            .await?;
        status = CallStatus::InProgress;
        // Accepted milestones (and the final one when the acceptance was decided).
        let n = milestones.len();
        let decided = t.outcome.is_some();
        let mut w = TaskWrite::default();
        let step = |m: &MilestoneRecord,
                    from: MilestoneStatus,
                    to: MilestoneStatus,
                    reason: Option<&str>| {
            StatusChange::of::<MilestoneLifecycle>(m.id, from, to, reason)
        };
        let upto = if decided {
            n - 1
        } else {
            (t.accepted + 1).min(n - 1)
        };
        for m in milestones.iter().take(upto).skip(1) {
            let values: Vec<Option<String>> = task.indicators.iter().map(|_| None).collect();
            w.milestones.push((
                MilestoneStep {
                    change: step(
                        m,
                        MilestoneStatus::Pending,
                        MilestoneStatus::Submitted,
                        None,
                    ),
                    submission: Some((
                        format!("{}：阶段成果报告及佐证材料已提交。", m.deliverable),
                        values,
                        task.lead_user_id,
                    )),
                    decided_by: None,
                    pays: false,
                },
                seed_event("milestone", m.id, Some("submitted"), now),
            ));
            w.milestones.push((
                MilestoneStep {
                    change: step(
                        m,
                        MilestoneStatus::Submitted,
                        MilestoneStatus::Accepted,
                        None,
                    ),
                    submission: None,
                    decided_by: Some(official),
                    pays: true,
                },
                seed_event("milestone", m.id, Some("accepted"), now),
            ));
        }
        if let Some(outcome) = &t.outcome {
            let fin = &milestones[n - 1];
            let opinion = t
                .opinion
                .clone()
                .unwrap_or_else(|| "专家组验收意见见附件。".into());
            let values: Vec<Option<String>> = task
                .indicators
                .iter()
                .map(|ind| {
                    app::domain::task::parse_value(
                        ind.target
                            .trim_start_matches(['≥', '≤', '>', '<', '=', ' ']),
                        &ind.unit,
                    )
                    .ok()
                })
                .collect();
            w.milestones.push((
                MilestoneStep {
                    change: step(
                        fin,
                        MilestoneStatus::Pending,
                        MilestoneStatus::Submitted,
                        None,
                    ),
                    submission: Some((
                        "验收报告：全部考核指标的第三方检测结果见附件。".into(),
                        values,
                        task.lead_user_id,
                    )),
                    decided_by: None,
                    pays: false,
                },
                seed_event("milestone", fin.id, Some("submitted"), now),
            ));
            // The expert's opinion answers the final report before the decision.
            if let Some(email) = &t.expert {
                store.write_tasks(&std::mem::take(&mut w)).await?;
                let (o, text) = t.expert_opinion.clone().unwrap_or_else(|| {
                    (
                        "pass".into(),
                        "材料齐全，各项考核指标经核验达到要求。".into(),
                    )
                });
                let opinion = app::domain::stage_review::Opinion::parse(&o)
                    .with_context(|| format!("call {key} task {i}: opinion {o}"))?;
                let expert_id = stable_id("user", email);
                let review = StageReviewRecord {
                    id: stable_id("stage_review", &format!("{key}-{i}")),
                    call_id: call.id,
                    task_id: Some(id),
                    milestone_id: Some(fin.id),
                    expert_user_id: expert_id,
                    override_reason: None,
                    assigned_by: official,
                    opinion: None,
                    comment: None,
                    given_at: None,
                    answers: None,
                    created_at: now,
                };
                store
                    .insert_stage_reviews(&[(
                        review.clone(),
                        seed_event("stage_review", review.id, None, now),
                    )])
                    .await?;
                let submitted_at = store
                    .task_of_milestone(fin.id)
                    .await?
                    .and_then(|r| r.milestones.into_iter().find(|m| m.id == fin.id))
                    .and_then(|m| m.submitted_at);
                store
                    .give_opinion(
                        &OpinionWrite {
                            review_id: review.id,
                            opinion: Some(opinion),
                            comment: text,
                            answers: submitted_at,
                            at: now,
                        },
                        &seed_event("stage_review", review.id, None, now),
                    )
                    .await?;
            }
            let (m_to, t_to, pays) = match outcome.as_str() {
                "accepted" => (MilestoneStatus::Accepted, TaskStatus::Accepted, true),
                "failed" => (MilestoneStatus::Cancelled, TaskStatus::Failed, false),
                other => anyhow::bail!("call {} task {i}: outcome {other}", key),
            };
            w.milestones.push((
                MilestoneStep {
                    change: step(fin, MilestoneStatus::Submitted, m_to, Some(&opinion)),
                    submission: None,
                    decided_by: Some(official),
                    pays,
                },
                seed_event("milestone", fin.id, Some(m_to.as_str()), now),
            ));
            w.tasks.push((
                StatusChange::of::<TaskLifecycle>(id, TaskStatus::InProgress, t_to, Some(&opinion)),
                seed_event("task", id, Some(t_to.as_str()), now),
            ));
            if t.breakthrough {
                w.breakthrough = Some((call.id, true));
            }
            outcomes.push(t_to);
        }
        store.write_tasks(&w).await?;
    }
    // The call closes with its last task, or is terminated.
    let close = if let Some(reason) = terminated {
        let mut w = TaskWrite::default();
        for row in store.tasks_of_call(call.id).await? {
            if row.task.status != TaskStatus::InProgress {
                continue;
            }
            for m in row.milestones.iter().filter(|m| tranche_open(m.status)) {
                w.milestones.push((
                    MilestoneStep {
                        change: StatusChange::of::<MilestoneLifecycle>(
                            m.id,
                            m.status,
                            MilestoneStatus::Cancelled,
                            Some(reason),
                        ),
                        submission: None,
                        decided_by: None,
                        pays: false,
                    },
                    seed_event("milestone", m.id, Some("cancelled"), now),
                ));
            }
            w.tasks.push((
                StatusChange::of::<TaskLifecycle>(
                    row.task.id,
                    TaskStatus::InProgress,
                    TaskStatus::Terminated,
                    Some(reason),
                ),
                seed_event("task", row.task.id, Some("terminated"), now),
            ));
        }
        w.call = Some((
            StatusChange::of::<CallLifecycle>(
                call.id,
                status,
                CallStatus::Terminated,
                Some(reason),
            ),
            seed_event("call", call.id, Some("terminated"), now),
        ));
        Some(w)
    } else if !tasks.is_empty() && outcomes.len() == tasks.len() && tasks.len() == awarded.len() {
        let to = if outcomes.contains(&TaskStatus::Accepted) {
            CallStatus::Accepted
        } else {
            CallStatus::FailedAcceptance
        };
        Some(TaskWrite {
            call: Some((
                StatusChange::of::<CallLifecycle>(call.id, CallStatus::InProgress, to, None),
                seed_event("call", call.id, Some(to.as_str()), now),
            )),
            ..Default::default()
        })
    } else {
        None
    };
    if let Some(w) = close {
        store.write_tasks(&w).await?;
    }
    Ok(())
}
