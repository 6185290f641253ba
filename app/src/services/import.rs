//! Import reports waiting to be shown after an upload made without JavaScript (the upload
//! redirects to `/admin/import?result=<token>`). Kept 30 minutes in the database, for the
//! official who uploaded, so any app server can show it.
use super::*;
use crate::model::ImportOutcome;
use crate::policy::{authorize, Action, Actor, Target};
use chrono::Duration;

const KEPT: i64 = 30;

/// Officials import every kind; the registry imports its contract sheets.
fn may_import(actor: &Actor) -> Result<(), AppError> {
    authorize(Some(actor), Action::ImportData, Target::NONE)
        .or_else(|_| authorize(Some(actor), Action::ImportContracts, Target::NONE))
        .map_err(AppError::from)
}

#[tracing::instrument(skip_all)]
pub async fn stash_import_report(
    state: &AppState,
    actor: &Actor,
    report: &ImportOutcome,
) -> Result<String, AppError> {
    may_import(actor)?;
    let token = Uuid::new_v4().simple().to_string();
    let now = state.clock.now();
    let json = serde_json::to_string(report).map_err(|_| AppError::Internal)?;
    state
        .store
        .save_import_report(
            &token,
            actor.user_id,
            now,
            &json,
            now - Duration::minutes(KEPT),
        )
        .await
        .map_err(internal)?;
    Ok(token)
}

/// The report behind `token`, to the official who made the upload only.
#[tracing::instrument(skip_all)]
pub async fn import_report(
    state: &AppState,
    actor: &Actor,
    token: &str,
) -> Result<Option<ImportOutcome>, AppError> {
    may_import(actor)?;
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let now = state.clock.now();
    let Some((by, at, json)) = state.store.import_report(token).await.map_err(internal)? else {
        return Ok(None);
    };
    if by != actor.user_id || now - at >= Duration::minutes(KEPT) {
        return Ok(None);
    }
    Ok(serde_json::from_str(&json).ok())
}
