//! Server functions: the plan's target tracker, a unit's reports and 市科技局's review.
use super::*;

#[server(prefix = "/api/fn", endpoint = "tracker")]
pub async fn get_tracker(mine: bool) -> Result<Tracker, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::tracker(&s, ctx::actor().as_ref(), mine).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "target")]
pub async fn get_target(code: String) -> Result<TargetDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::target_detail(&s, ctx::actor().as_ref(), &code).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "report_target")]
pub async fn report_target(
    code: String,
    period: String,
    value: String,
    note: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::report_target(&s, &ctx::require_actor()?, &code, &period, &value, &note)
            .await?;
        leptos_axum::redirect(&format!(
            "/targets/{}",
            crate::domain::text::urlencode(&code)
        ));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "review_target")]
pub async fn review_target(
    code: String,
    report_id: String,
    decision: String,
    review_note: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = uuid::Uuid::parse_str(&report_id).map_err(|_| AppError::NotFound)?;
        crate::services::review_target(
            &s,
            &ctx::require_actor()?,
            id,
            decision == "accept",
            &review_note,
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/targets/{}",
            crate::domain::text::urlencode(&code)
        ));
        Ok(())
    }
    .await;
    ctx::finish(r)
}
