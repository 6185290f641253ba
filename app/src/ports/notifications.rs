//! In-app notifications, each also written to the e-mail outbox.
use super::{EmailRecord, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct NotificationRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    /// `draft_closing`, `eligibility`, `review_assigned`, `award`, `objection_filed`,
    /// `objection_answered`.
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    /// A path in the app.
    pub link: String,
    /// Set for events that fire once per person (the 24-hour reminder of one bid).
    pub dedupe_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Writes the notifications and their e-mails in one transaction; a notification whose
    /// (user, dedupe key) exists already is skipped with its e-mail.
    async fn notify(&self, items: &[(NotificationRecord, EmailRecord)]) -> StoreResult<usize>;
    async fn notifications_of(
        &self,
        user_id: Uuid,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>>;
    async fn unread_notifications(&self, user_id: Uuid) -> StoreResult<i64>;
    async fn mark_notifications_read(&self, user_id: Uuid, at: DateTime<Utc>) -> StoreResult<()>;
}
