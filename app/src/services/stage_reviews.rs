//! Expert opinions on a call's implementation (揭榜挂帅 part 2): an official assigns experts to
//! a submitted milestone, to the final acceptance (验收) or to the 赛马制 mid-term review, with
//! the recusal rules of the review of bids (`domain::review::conflicts`, overridable only with
//! a recorded reason); each expert gives a written opinion (and, on a milestone, a
//! conclusion); the officials decide with them — the final acceptance needs at least one
//! opinion on the latest submission. Officials see who said what; the team sees numbered
//! experts; a reviewer sees only their own opinion.
use super::calls::load_call;
use super::milestones::load_milestone;
use super::reviews::{conflict_refusal, not_in, official};
use super::tasks::team_of;
use super::*;
use crate::domain::call::CallStatus;
use crate::domain::review::{self, Conflict};
use crate::domain::stage_review::{self as stage, Opinion};
use crate::domain::task::{MilestoneKind, MilestoneStatus};
use crate::domain::text::clean_text;
use crate::model::*;
use crate::policy::{task_access, Actor, TaskFacts};

/// The audit trail's name for an expert's assignment to an implementation stage.
pub const ENTITY: &str = "stage_review";

/// Every assignment on the call's implementation.
pub(super) async fn of_call(
    state: &AppState,
    call_id: Uuid,
) -> Result<Vec<StageReviewRow>, AppError> {
    state
        .store
        .stage_reviews_of_call(call_id)
        .await
        .map_err(internal)
}

/// The experts assigned to a stage of task `task_id`: its milestones, and the call's mid-term
/// review (which looks at every team).
pub(super) fn reviewers_of(rows: &[StageReviewRow], task_id: Uuid) -> Vec<Uuid> {
    rows.iter()
        .filter(|r| r.review.task_id.is_none_or(|t| t == task_id))
        .map(|r| r.review.expert_user_id)
        .collect()
}

/// The mid-term review can be held now: a 赛马制 call in progress with two teams or more still
/// running.
pub(super) fn midterm_open(call: &CallRecord, tasks: &[TaskRow]) -> bool {
    call.status == CallStatus::InProgress
        && call.winners >= 2
        && tasks.iter().filter(|t| t.task.status.is_live()).count() >= 2
}

/// Experts who accept reviews, with their conflicts against each of `teams` (the team's
/// organization name, its record, who is on it), and whether they are on the stage already.
async fn pool(
    state: &AppState,
    teams: &[(String, Uuid, TaskFacts)],
    assigned: &[Uuid],
) -> Result<Vec<ReviewerOption>, AppError> {
    Ok(pool_experts(state)
        .await?
        .into_iter()
        .map(|e| {
            let conflicts = teams
                .iter()
                .flat_map(|(name, org, f)| {
                    review::conflicts(e.profile.user_id, e.org_id, *org, f.lead, &f.members)
                        .into_iter()
                        .map(|c| (name.clone(), c.label_zh().into(), c.label_en().into()))
                })
                .collect();
            let assigned = assigned.contains(&e.profile.user_id);
            option_of(e, conflicts, assigned)
        })
        .collect())
}

/// The teams a stage looks at: the milestone's task, or every running task at the mid-term.
async fn teams_of(
    state: &AppState,
    tasks: &[&TaskRow],
) -> Result<Vec<(String, Uuid, TaskFacts)>, AppError> {
    let mut out = vec![];
    for t in tasks {
        out.push((
            t.org_name.clone(),
            t.task.org_id,
            team_of(state, &t.task).await?,
        ));
    }
    Ok(out)
}

/// Which stage of `call_id` an assignment is for, checked: the milestone must belong to a
/// running task of the call and still be open; the mid-term review must be open.
async fn stage_tasks(
    state: &AppState,
    call: &CallRecord,
    milestone_id: Option<Uuid>,
) -> Result<(Vec<TaskRow>, Option<MilestoneRecord>), AppError> {
    let tasks = state.store.tasks_of_call(call.id).await.map_err(internal)?;
    let Some(mid) = milestone_id else {
        if !midterm_open(call, &tasks) {
            return Err(AppError::conflict(
                "只有两个以上团队在研的赛马制榜单可以组织中期评估",
                "Only a parallel-team call with two teams or more in progress has a mid-term review",
            ));
        }
        let live = tasks
            .into_iter()
            .filter(|t| t.task.status.is_live())
            .collect();
        return Ok((live, None));
    };
    let Some(task) = tasks
        .into_iter()
        .find(|t| t.milestones.iter().any(|m| m.id == mid))
    else {
        return Err(AppError::NotFound);
    };
    let m = task
        .milestones
        .iter()
        .find(|m| m.id == mid)
        .cloned()
        .ok_or(AppError::NotFound)?;
    if !task.task.status.is_live()
        || m.kind == MilestoneKind::Start
        || matches!(
            m.status,
            MilestoneStatus::Accepted | MilestoneStatus::Cancelled
        )
    {
        return Err(AppError::conflict(
            format!(
                "里程碑“{}”已{}，不能再指派专家",
                m.deliverable,
                m.status.label_zh()
            ),
            format!(
                "The milestone “{}” is {}; no more experts can be assigned",
                m.deliverable,
                m.status.label_en().to_lowercase()
            ),
        ));
    }
    Ok((vec![task], Some(m)))
}

/// Puts experts on one stage of a call in progress: the milestone `milestone_id` (its
/// submission, or the final report), or the mid-term review when `None`. A conflict with a
/// team refuses the whole assignment unless `override_reason` is given, which is recorded;
/// nobody reviews their own team. Returns the page of the stage.
#[tracing::instrument(skip_all)]
pub async fn assign_stage_reviewers(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    milestone_id: Option<Uuid>,
    experts: &[Uuid],
    override_reason: Option<&str>,
) -> Result<String, AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    if call.call.status != CallStatus::InProgress {
        return Err(not_in(call.call.status, CallStatus::InProgress));
    }
    let override_reason = assignment_inputs(experts, override_reason)?;
    let (tasks, m) = stage_tasks(state, &call.call, milestone_id).await?;
    let teams = teams_of(state, &tasks.iter().collect::<Vec<_>>()).await?;
    let existing: Vec<Uuid> = of_call(state, call_id)
        .await?
        .iter()
        .filter(|r| r.review.milestone_id == milestone_id)
        .map(|r| r.review.expert_user_id)
        .collect();
    let now = state.clock.now();
    let (mut rows, mut refused) = (vec![], vec![]);
    for uid in experts {
        if existing.contains(uid)
            || rows
                .iter()
                .any(|(r, _): &(StageReviewRecord, _)| r.expert_user_id == *uid)
        {
            continue;
        }
        let e = pool_expert(state, *uid).await?;
        let conflicts: Vec<(String, Vec<Conflict>)> = teams
            .iter()
            .map(|(name, org, f)| {
                (
                    name.clone(),
                    review::conflicts(*uid, e.org_id, *org, f.lead, &f.members),
                )
            })
            .filter(|(_, c)| !c.is_empty())
            .collect();
        // Nobody reviews their own team, whatever the reason given.
        if conflicts.iter().any(|(_, c)| c.contains(&Conflict::OnTeam)) {
            return Err(AppError::field(
                "experts",
                format!("{}是被评审团队的成员，不能担任评审专家", e.name),
                format!("{} is on a team under review and cannot review it", e.name),
            ));
        }
        if !conflicts.is_empty() && override_reason.is_none() {
            for (team, c) in conflicts {
                refused.push((e.name.clone(), team, c));
            }
            continue;
        }
        let id = Uuid::new_v4();
        let mut ev = audit(Some(actor.user_id), ENTITY, id, "assign", now);
        ev.reason = (!conflicts.is_empty())
            .then(|| override_reason.clone())
            .flatten();
        rows.push((
            StageReviewRecord {
                id,
                call_id,
                task_id: m.as_ref().map(|m| m.task_id),
                milestone_id,
                expert_user_id: *uid,
                override_reason: ev.reason.clone(),
                assigned_by: actor.user_id,
                opinion: None,
                comment: None,
                given_at: None,
                answers: None,
                created_at: now,
            },
            ev,
        ));
    }
    if !refused.is_empty() {
        return Err(conflict_refusal(&refused));
    }
    match state.store.insert_stage_reviews(&rows).await {
        Ok(()) => {}
        Err(StoreError::Unique) => {
            return Err(AppError::conflict(
                "所选专家已被指派，请刷新后重试",
                "A chosen expert is assigned already; reload and try again",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    let people: Vec<Uuid> = rows.iter().map(|(r, _)| r.expert_user_id).collect();
    let (zh, en, link) = match (&m, tasks.first()) {
        (Some(m), Some(t)) => (
            format!("您被指派评审“{}”的“{}”", t.org_name, m.deliverable),
            format!(
                "You are asked to review “{}” of “{}”",
                m.deliverable, t.org_name
            ),
            format!("/tasks/{}", t.task.id),
        ),
        _ => (
            format!("您被指派参加榜单“{}”的中期评估", call.call.title),
            format!(
                "You are asked to join the mid-term review of “{}”",
                call.call.title
            ),
            format!("/calls/{call_id}/implementation"),
        ),
    };
    super::notifications::notify(
        state,
        &people,
        super::notifications::Event {
            kind: "stage_review_assigned",
            zh,
            en,
            link: link.clone(),
            once: None,
        },
    )
    .await;
    Ok(link)
}

/// An assigned expert gives (or, before the decision, revises) an opinion: on a submitted
/// milestone a conclusion and its reasons; on the mid-term review its reasons only. Returns
/// the page of the stage.
#[tracing::instrument(skip_all)]
pub async fn give_stage_opinion(
    state: &AppState,
    actor: &Actor,
    review_id: Uuid,
    opinion: Option<&str>,
    comment: &str,
) -> Result<String, AppError> {
    let row = state
        .store
        .get_stage_review(review_id)
        .await
        .map_err(internal)?
        .filter(|r| r.review.expert_user_id == actor.user_id)
        .ok_or(AppError::NotFound)?;
    let r = &row.review;
    let call = load_call(state, r.call_id).await?;
    let (opinion, answers, back) = match r.milestone_id {
        Some(mid) => {
            let (task, m) = load_milestone(state, mid).await?;
            if !task_access(Some(actor), &team_of(state, &task.task).await?).review {
                return Err(AppError::Forbidden);
            }
            if m.status != MilestoneStatus::Submitted || !task.task.status.is_live() {
                return Err(AppError::conflict(
                    format!(
                        "“{}”当前{}，不在待审核状态",
                        m.deliverable,
                        m.status.label_zh()
                    ),
                    format!(
                        "“{}” is {}, not awaiting review",
                        m.deliverable,
                        m.status.label_en().to_lowercase()
                    ),
                ));
            }
            let o = opinion
                .and_then(|o| Opinion::parse(o.trim()))
                .ok_or_else(|| {
                    AppError::field("opinion", "请选择评审结论", "Choose a conclusion")
                })?;
            (Some(o), m.submitted_at, format!("/tasks/{}", task.task.id))
        }
        None => {
            let tasks = state
                .store
                .tasks_of_call(r.call_id)
                .await
                .map_err(internal)?;
            if !midterm_open(&call.call, &tasks) {
                return Err(AppError::conflict(
                    "该榜单当前没有进行中的中期评估",
                    "This call has no mid-term review open",
                ));
            }
            (None, None, format!("/calls/{}/implementation", r.call_id))
        }
    };
    let comment = clean_text(comment, stage::MIN_COMMENT, 2000)
        .map_err(|e| AppError::field("comment", e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    let mut ev = audit(Some(actor.user_id), ENTITY, review_id, "opinion", now);
    ev.reason = Some(match opinion {
        Some(o) => o.label_zh().to_string(),
        None => "中期评估意见".into(),
    });
    match state
        .store
        .give_opinion(
            &OpinionWrite {
                review_id,
                opinion,
                comment,
                answers,
                at: now,
            },
            &ev,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Stale) => {
            return Err(AppError::conflict(
                "成果已重新提交或已作出决定，请刷新后重试",
                "The submission changed or was decided meanwhile; reload and try again",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    super::notifications::notify(
        state,
        &[call.call.created_by],
        super::notifications::Event {
            kind: "stage_opinion",
            zh: format!(
                "评审专家提交了对“{}”的意见",
                row.deliverable.as_deref().unwrap_or("中期评估")
            ),
            en: format!(
                "A reviewer gave an opinion on “{}”",
                row.deliverable.as_deref().unwrap_or("the mid-term review")
            ),
            link: back.clone(),
            once: None,
        },
    )
    .await;
    Ok(back)
}

/// Who reads a stage's experts, and the stage's state.
pub(super) struct Reader<'a> {
    pub actor: Option<&'a Actor>,
    pub is_official: bool,
    /// On the reviewed team: sees the opinions given, by number.
    pub team: bool,
}

/// What the reader sees of one stage's experts. `rows` are the stage's assignments (in
/// assignment order). On a milestone, `answers` is its latest submission; at the mid-term
/// (`answers` is `None`) an opinion counts once given after the latest mid-term decision
/// `since`. `open`: experts may be assigned now; `pool`: whom officials may add.
#[allow(clippy::too_many_arguments)]
fn stage_view(
    rows: &[&StageReviewRow],
    who: &Reader,
    answers: Option<DateTime<Utc>>,
    since: Option<DateTime<Utc>>,
    open: bool,
    pool: Vec<ReviewerOption>,
    asks_opinion: bool,
    final_acceptance: bool,
) -> StageReviews {
    let me = who.actor.map(|a| a.user_id);
    let opinions = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let own = me == Some(r.review.expert_user_id);
            let given = r.review.given_at.is_some();
            // Reviewers judge independently: another expert sees no opinion but their own.
            if !(who.is_official || own || (who.team && given)) {
                return None;
            }
            let current = match r.review.milestone_id {
                Some(_) => stage::is_current(r.review.answers, answers),
                None => r
                    .review
                    .given_at
                    .is_some_and(|g| since.is_none_or(|s| g > s)),
            };
            Some(StageOpinionView {
                id: r.review.id,
                expert: (who.is_official || own).then(|| r.expert_name.clone()),
                number: i + 1,
                opinion: r.review.opinion,
                comment: r.review.comment.clone(),
                given_at: r.review.given_at,
                current,
                override_reason: r.review.override_reason.clone().filter(|_| who.is_official),
            })
        })
        .collect();
    StageReviews {
        opinions,
        may_assign: who.is_official && open,
        mine: rows
            .iter()
            .find(|r| me == Some(r.review.expert_user_id))
            .map(|r| r.review.id),
        pool: if who.is_official && open {
            pool
        } else {
            vec![]
        },
        asks_opinion,
        needed: stage::opinions_needed(final_acceptance),
    }
}

/// The experts of milestone `m` of `task` as `who` sees them, or `None` for a reader who may
/// not (the public) and for the 立项 tranche. `rows` are the call's assignments.
pub(super) async fn milestone_reviews(
    state: &AppState,
    who: &Reader<'_>,
    task: &TaskRow,
    m: &MilestoneRecord,
    rows: &[StageReviewRow],
) -> Result<Option<StageReviews>, AppError> {
    if m.kind == MilestoneKind::Start {
        return Ok(None);
    }
    let on_stage: Vec<&StageReviewRow> = rows
        .iter()
        .filter(|r| r.review.milestone_id == Some(m.id))
        .collect();
    let open = task.task.status.is_live()
        && !matches!(
            m.status,
            MilestoneStatus::Accepted | MilestoneStatus::Cancelled
        );
    let pool = if who.is_official && open {
        let assigned: Vec<Uuid> = on_stage.iter().map(|r| r.review.expert_user_id).collect();
        pool(state, &teams_of(state, &[task]).await?, &assigned).await?
    } else {
        vec![]
    };
    let submitted = m.status == MilestoneStatus::Submitted;
    let mut v = stage_view(
        &on_stage,
        who,
        m.submitted_at,
        None,
        open,
        pool,
        true,
        m.kind == MilestoneKind::Final,
    );
    // An opinion answers a submission awaiting its decision.
    if !submitted {
        v.mine = None;
    }
    Ok(Some(v))
}

/// The mid-term review's experts as `who` sees them: officials and the assigned experts only.
pub(super) async fn midterm_reviews(
    state: &AppState,
    who: &Reader<'_>,
    call: &CallRecord,
    tasks: &[TaskRow],
) -> Result<Option<StageReviews>, AppError> {
    if call.winners < 2 {
        return Ok(None);
    }
    let rows = of_call(state, call.id).await?;
    let on_stage: Vec<&StageReviewRow> = rows
        .iter()
        .filter(|r| r.review.milestone_id.is_none())
        .collect();
    let me = who.actor.map(|a| a.user_id);
    if !who.is_official && !on_stage.iter().any(|r| Some(r.review.expert_user_id) == me) {
        return Ok(None);
    }
    let open = midterm_open(call, tasks);
    let since = state
        .store
        .midterm_of_call(call.id)
        .await
        .map_err(internal)?
        .iter()
        .map(|d| d.decided_at)
        .max();
    let pool = if who.is_official && open {
        let live: Vec<&TaskRow> = tasks.iter().filter(|t| t.task.status.is_live()).collect();
        let assigned: Vec<Uuid> = on_stage.iter().map(|r| r.review.expert_user_id).collect();
        pool(state, &teams_of(state, &live).await?, &assigned).await?
    } else {
        vec![]
    };
    let mut v = stage_view(&on_stage, who, None, since, open, pool, false, false);
    if !open {
        v.mine = None;
    }
    Ok(Some(v))
}

/// Refuses a decision on milestone `m` that lacks the opinions it needs.
pub(super) fn check_opinions(m: &MilestoneRecord, rows: &[StageReviewRow]) -> Result<(), AppError> {
    let needed = stage::opinions_needed(m.kind == MilestoneKind::Final);
    let have = rows
        .iter()
        .filter(|r| {
            r.review.milestone_id == Some(m.id)
                && stage::is_current(r.review.answers, m.submitted_at)
        })
        .count();
    if have < needed {
        return Err(AppError::field(
            "reviews",
            "验收须有评审专家对本次验收材料提交意见：请先指派专家并等待其提交意见",
            "The final acceptance is decided with reviewers: assign experts and wait for an opinion on this submission first",
        ));
    }
    Ok(())
}

/// The expert's implementation-stage assignments, for their task list.
#[tracing::instrument(skip_all)]
pub async fn my_stage_reviews(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<StageAssignment>, AppError> {
    Ok(state
        .store
        .stage_reviews_of_expert(actor.user_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| StageAssignment {
            link: match r.review.task_id {
                Some(t) => format!("/tasks/{t}"),
                None => format!("/calls/{}/implementation", r.review.call_id),
            },
            call_title: r.call_title,
            org_name: r.org_name,
            deliverable: r.deliverable,
            given_at: r.review.given_at,
            assigned_at: r.review.created_at,
        })
        .collect())
}
