//! Server functions: lifecycle actions of every reviewed record (submit, approve, reject,
//! withdraw, close, …), whatever its kind.
use super::*;

/// `kind` is the record's `Lifecycle::ENTITY` ("demand", "achievement", …), `action` an action
/// code of that kind. Lands on the record's page.
#[server(prefix = "/api/fn", endpoint = "record_action")]
pub async fn record_action(
    kind: String,
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let id = parse_id(&id)?;
        let page =
            crate::services::take_action(&s, &actor, &kind, id, &action, reason.as_deref()).await?;
        leptos_axum::redirect(&page);
        Ok(())
    }
    .await;
    ctx::finish(r)
}
