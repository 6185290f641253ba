//! Server functions: the implementation of awarded calls — task contracts (立项), milestones,
//! the 赛马制 mid-term review, the final acceptance and termination. Each answers what the
//! tasks service allows the caller.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "task")]
pub async fn get_task(id: String) -> Result<TaskView, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::task_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

/// The task contract form of one winner, pre-filled: (the call, the winner's name, the form).
#[server(prefix = "/api/fn", endpoint = "task_form")]
pub async fn get_task_form(
    call_id: String,
    bid_id: String,
) -> Result<(CallSummary, String, TaskForm), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::task_form(
            &s,
            &ctx::require_actor()?,
            parse_id(&call_id)?,
            parse_id(&bid_id)?,
        )
        .await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "start_task")]
pub async fn start_task(
    call_id: String,
    bid_id: String,
    starts_on: String,
    city_fund: String,
    enterprise_fund: String,
    milestones: String,
    indicators: String,
) -> Result<String, AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = TaskForm {
            bid_id,
            starts_on,
            city_fund,
            enterprise_fund,
            milestones,
            indicators,
        };
        let id =
            crate::services::start_task(&s, &ctx::require_actor()?, parse_id(&call_id)?, &form)
                .await?;
        leptos_axum::redirect(&format!("/tasks/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

/// `values[i]` is the reached value of the task's indicator `i`.
#[server(prefix = "/api/fn", endpoint = "submit_milestone")]
pub async fn submit_milestone(
    milestone_id: String,
    report: String,
    #[server(default)] values: Vec<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let task = crate::services::submit_milestone(
            &s,
            &ctx::require_actor()?,
            parse_id(&milestone_id)?,
            &MilestoneSubmission { report, values },
        )
        .await?;
        leptos_axum::redirect(&format!("/tasks/{task}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// `verdict` is `accept`, `reject` or (the final acceptance only) `fail`.
#[server(prefix = "/api/fn", endpoint = "decide_milestone")]
pub async fn decide_milestone(
    milestone_id: String,
    verdict: String,
    reason: Option<String>,
    breakthrough: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let verdict = crate::services::Verdict::parse(verdict.trim()).ok_or_else(|| {
            AppError::field(
                "verdict",
                "请选择审核结果",
                "Choose the outcome of the review",
            )
        })?;
        let task = crate::services::decide_milestone(
            &s,
            &ctx::require_actor()?,
            parse_id(&milestone_id)?,
            verdict,
            reason.as_deref(),
            breakthrough.is_some_and(|b| !b.is_empty()),
        )
        .await?;
        leptos_axum::redirect(&format!("/tasks/{task}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// One row of the mid-term form per team in progress: `tasks[i]`, `decisions[i]`, … .
#[server(prefix = "/api/fn", endpoint = "midterm_review")]
pub async fn midterm_review(
    call_id: String,
    #[server(default)] tasks: Vec<String>,
    #[server(default)] decisions: Vec<String>,
    #[server(default)] merge_into: Vec<String>,
    #[server(default)] extra: Vec<String>,
    #[server(default)] reasons: Vec<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let lines: Vec<MidtermLine> = (0..tasks.len().min(20))
            .map(|i| MidtermLine {
                task_id: at(&tasks, i),
                decision: at(&decisions, i),
                merge_into: at(&merge_into, i),
                extra: at(&extra, i),
                reason: at(&reasons, i),
            })
            .collect();
        crate::services::midterm_review(&s, &ctx::require_actor()?, call, &lines).await?;
        leptos_axum::redirect(&format!("/calls/{call}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "terminate_call")]
pub async fn terminate_call(call_id: String, reason: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        crate::services::terminate_call(&s, &ctx::require_actor()?, call, &reason).await?;
        leptos_axum::redirect(&format!("/calls/{call}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// Experts for one stage: `milestone_id` names a milestone (or the final acceptance); blank,
/// the call's mid-term review.
#[server(prefix = "/api/fn", endpoint = "assign_stage_reviewers")]
pub async fn assign_stage_reviewers(
    call_id: String,
    milestone_id: Option<String>,
    #[server(default)] experts: Vec<String>,
    override_reason: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let milestone = match milestone_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(m) => Some(parse_id(m)?),
        };
        let ids = experts
            .iter()
            .map(|e| parse_id(e))
            .collect::<Result<Vec<_>, _>>()?;
        let back = crate::services::assign_stage_reviewers(
            &s,
            &ctx::require_actor()?,
            parse_id(&call_id)?,
            milestone,
            &ids,
            override_reason.as_deref(),
        )
        .await?;
        leptos_axum::redirect(&back);
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// An assigned expert's opinion: `opinion` is `pass`, `revise` or `fail` on a milestone (none
/// at the mid-term review).
#[server(prefix = "/api/fn", endpoint = "give_stage_opinion")]
pub async fn give_stage_opinion(
    review_id: String,
    opinion: Option<String>,
    comment: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let back = crate::services::give_stage_opinion(
            &s,
            &ctx::require_actor()?,
            parse_id(&review_id)?,
            opinion.as_deref(),
            &comment,
        )
        .await?;
        leptos_axum::redirect(&back);
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_stage_reviews")]
pub async fn my_stage_reviews() -> Result<Vec<StageAssignment>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_stage_reviews(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "remove_milestone_file")]
pub async fn remove_milestone_file(milestone_id: String, file_id: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let task = crate::services::remove_milestone_file(
            &s,
            &ctx::require_actor()?,
            parse_id(&milestone_id)?,
            parse_id(&file_id)?,
        )
        .await?;
        leptos_axum::redirect(&format!("/tasks/{task}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}
