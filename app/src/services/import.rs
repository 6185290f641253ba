//! Import reports waiting to be shown after an upload made without JavaScript.
use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Import reports waiting to be shown after a form upload without JavaScript (the upload
/// redirects to `/admin/import?result=<token>`). Kept 30 minutes, for the official who uploaded.
/// Token → (when, who uploaded, report).
pub(crate) type ImportReports = HashMap<String, (DateTime<Utc>, Uuid, ImportOutcome)>;
pub(crate) static IMPORT_REPORTS: std::sync::LazyLock<Mutex<ImportReports>> =
    std::sync::LazyLock::new(Default::default);

pub fn stash_import_report(actor: &Actor, report: ImportOutcome, now: DateTime<Utc>) -> String {
    let token = Uuid::new_v4().simple().to_string();
    if let Ok(mut m) = IMPORT_REPORTS.lock() {
        m.retain(|_, (at, _, _)| now - *at < Duration::minutes(30));
        m.insert(token.clone(), (now, actor.user_id, report));
    }
    token
}

/// The report behind `token`, to the official who made the upload only.
pub fn import_report(
    actor: &Actor,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<ImportOutcome>, AppError> {
    authorize(Some(actor), Action::ImportData, Target::NONE)?;
    let m = IMPORT_REPORTS.lock().map_err(|_| AppError::Internal)?;
    Ok(m.get(token)
        .filter(|(at, by, _)| *by == actor.user_id && now - *at < Duration::minutes(30))
        .map(|(_, _, r)| r.clone()))
}
