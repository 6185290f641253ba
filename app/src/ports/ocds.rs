//! The store's side of open data: the OCDS releases published for each change of a public
//! call, in the order they were published.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One snapshot of a call after a change: a release to publish, or (no `body`) a marker that
/// the change altered nothing public.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseSnapshot {
    pub call_id: Uuid,
    /// The call's `updated_at` the snapshot is of.
    pub released_at: DateTime<Utc>,
    pub release_id: Option<String>,
    pub content_hash: String,
    pub body: Option<String>,
}

#[async_trait]
pub trait OcdsStore: Send + Sync {
    /// Public calls changed since their latest snapshot (or never snapshotted), oldest change
    /// first, with the time of the change.
    async fn calls_due_release(&self, limit: i64) -> StoreResult<Vec<(Uuid, DateTime<Utc>)>>;
    /// The content hash of the call's latest snapshot.
    async fn last_release_hash(&self, call_id: Uuid) -> StoreResult<Option<String>>;
    /// Records a snapshot; one taken already of the same change is left as it was.
    async fn insert_release(&self, s: &ReleaseSnapshot) -> StoreResult<()>;
    /// Published releases after sequence number `after` (and changed after `since`), in
    /// publication order: (sequence number, time of the change, the release as JSON).
    async fn releases_page(
        &self,
        after: i64,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> StoreResult<Vec<(i64, DateTime<Utc>, String)>>;
}
