//! Use cases, one file per context. Each one parses its input into domain types, asks the
//! policy, applies the state machine and hands the store one atomic write that includes the
//! audit event. The contexts' functions are re-exported here, so callers write
//! `services::login`.
use crate::error::AppError;
use crate::ports::*;
use chrono::{DateTime, Utc};
use uuid::Uuid;

mod accounts;
mod achievements;
mod attachments;
mod awards;
mod bids;
mod calendar;
mod calls;
mod contracts;
mod demands;
mod disputes;
mod experts;
mod forms;
mod import;
mod indexing;
mod lifecycle;
mod mail;
mod milestone_files;
mod milestones;
mod notifications;
mod ocds;
mod orgs;
mod race;
mod rate_limit;
mod refdata;
mod reviews;
mod search;
mod stage_reviews;
mod stats;
mod targets;
mod tasks;

pub use accounts::*;
pub use achievements::*;
pub use attachments::*;
pub use awards::*;
pub use bids::*;
pub use calendar::*;
pub use calls::*;
pub use contracts::*;
pub use demands::*;
pub use disputes::*;
pub use experts::*;
pub use forms::*;
pub use import::*;
pub use indexing::*;
pub(crate) use lifecycle::history_of;
pub use lifecycle::take_action;
pub use mail::*;
pub use milestone_files::*;
pub use milestones::*;
pub use notifications::*;
pub use ocds::*;
pub use orgs::*;
pub use race::*;
pub use rate_limit::*;
pub use refdata::*;
pub use reviews::*;
pub use search::*;
pub use stage_reviews::*;
pub use stats::*;
pub use targets::*;
pub use tasks::*;

/// Logs the cause on the server and gives the user a generic message.
/// Today's date in Beijing by the server's clock: what deadlines, due dates and "not in the
/// future" checks count in.
pub(crate) fn beijing_today(state: &AppState) -> chrono::NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&crate::domain::time::shanghai())
        .date_naive()
}

pub fn internal(e: StoreError) -> AppError {
    tracing::error!(error = %e, "store failure");
    AppError::Internal
}

fn audit(
    actor: Option<Uuid>,
    entity_type: &'static str,
    entity_id: impl ToString,
    action: &str,
    now: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        actor_id: actor,
        entity_type,
        entity_id: entity_id.to_string(),
        action: action.to_string(),
        from_state: None,
        to_state: None,
        reason: None,
        at: now,
    }
}

pub const MAX_PER_PAGE: u32 = 100;

pub fn clamp_page(page: Option<u32>, per_page: Option<u32>) -> (u32, u32) {
    let per = per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
    (page.unwrap_or(1).clamp(1, 100_000), per)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_is_clamped() {
        assert_eq!(clamp_page(None, None), (1, 20));
        assert_eq!(clamp_page(Some(0), Some(0)), (1, 1));
        assert_eq!(clamp_page(Some(3), Some(10_000)), (3, MAX_PER_PAGE));
    }
}
