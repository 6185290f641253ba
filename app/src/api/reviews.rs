//! Server functions: expert review, the award, its 公示 and objections, the holiday calendar.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "reviewer_pool")]
pub async fn reviewer_pool(
    call_id: String,
    field: Option<String>,
) -> Result<Vec<ReviewerOption>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::reviewer_pool(&s, &ctx::require_actor()?, parse_id(&call_id)?, field).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "assign_reviewers")]
pub async fn assign_reviewers(
    call_id: String,
    #[server(default)] experts: Vec<String>,
    override_reason: Option<String>,
) -> Result<usize, AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        let ids = experts
            .iter()
            .map(|e| parse_id(e))
            .collect::<Result<Vec<_>, _>>()?;
        let n = crate::services::assign_reviewers(
            &s,
            &ctx::require_actor()?,
            call,
            &ids,
            override_reason.as_deref(),
        )
        .await?;
        leptos_axum::redirect(&format!("/calls/{call}/review"));
        Ok(n)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "call_reviews")]
pub async fn call_reviews(call_id: String) -> Result<Vec<ReviewTask>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::call_reviews(&s, &ctx::require_actor()?, parse_id(&call_id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "call_ranking")]
pub async fn call_ranking(call_id: String) -> Result<Vec<RankingRow>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::ranking(&s, &ctx::require_actor()?, parse_id(&call_id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_reviews")]
pub async fn my_reviews() -> Result<Vec<ReviewTask>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_reviews(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "review")]
pub async fn get_review(id: String) -> Result<ReviewDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::review_detail(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "submit_review")]
pub async fn submit_review(
    id: String,
    #[server(default)] scores: Vec<String>,
    #[server(default)] comments: Vec<String>,
    comment: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = parse_id(&id)?;
        crate::services::submit_review(
            &s,
            &ctx::require_actor()?,
            id,
            &scores,
            &comments,
            &comment,
        )
        .await?;
        leptos_axum::redirect(&format!("/reviews/{id}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// `bids[i]` and `reasons[i]` are one row of the award form each; `picks` are the chosen rows'
/// bids.
#[server(prefix = "/api/fn", endpoint = "award_call")]
pub async fn award_call(
    call_id: String,
    #[server(default)] bids: Vec<String>,
    #[server(default)] reasons: Vec<String>,
    #[server(default)] picks: Vec<String>,
    justification: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        let mut chosen = vec![];
        for p in &picks {
            let id = parse_id(p)?;
            let reason = bids
                .iter()
                .position(|b| b == p)
                .and_then(|i| reasons.get(i))
                .cloned()
                .unwrap_or_default();
            chosen.push((id, reason));
        }
        crate::services::award_call(
            &s,
            &ctx::require_actor()?,
            call,
            &chosen,
            justification.as_deref(),
        )
        .await?;
        leptos_axum::redirect(&format!("/calls/{call}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "file_objection")]
pub async fn file_objection(call_id: String, body: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        crate::services::file_objection(&s, ctx::actor().as_ref(), call, &body).await?;
        leptos_axum::redirect(&format!("/calls/{call}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// `decision` is `uphold` (the call goes back to review) or `dismiss`.
#[server(prefix = "/api/fn", endpoint = "answer_objection")]
pub async fn answer_objection(
    call_id: String,
    id: String,
    answer: String,
    decision: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let upheld = match decision.as_str() {
            "uphold" => true,
            "dismiss" => false,
            _ => {
                return Err(AppError::field(
                    "decision",
                    "请选择采纳或不采纳",
                    "Choose to uphold or dismiss",
                ))
            }
        };
        crate::services::answer_objection(
            &s,
            &ctx::require_actor()?,
            parse_id(&id)?,
            &answer,
            upheld,
        )
        .await?;
        leptos_axum::redirect(&format!("/calls/{}", parse_id(&call_id)?));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "conclude_publicity")]
pub async fn conclude_publicity(call_id: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let call = parse_id(&call_id)?;
        crate::services::conclude_publicity(&s, &ctx::require_actor()?, call).await?;
        leptos_axum::redirect(&format!("/calls/{call}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "holidays")]
pub async fn holidays() -> Result<Vec<(String, String)>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::holidays(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "set_holiday")]
pub async fn set_holiday(day: String, kind: String, name: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::set_holiday(&s, &ctx::require_actor()?, &day, &kind, &name).await?;
        leptos_axum::redirect("/admin/holidays");
        Ok(())
    }
    .await;
    ctx::finish(r)
}
