//! Server functions: Credit-code disputes.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "disputes")]
pub async fn list_disputes() -> Result<Vec<DisputeView>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::list_disputes(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "decide_dispute")]
pub async fn decide_dispute(id: String, upheld: String, note: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::decide_dispute(
            &s,
            &ctx::require_actor()?,
            parse_id(&id)?,
            upheld == "true",
            &note,
        )
        .await
    }
    .await;
    ctx::finish(r)
}
