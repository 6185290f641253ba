//! The store's side of rate limits: counted attempts under hashed keys, kept in the database
//! so that every app server over it spends from one budget.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One counted attempt: `key` is the hex SHA-256 of the budget's scope and what it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct RateHit {
    pub id: Uuid,
    pub key: String,
    pub at: DateTime<Utc>,
    /// When the attempt leaves its window (and may be purged).
    pub expires_at: DateTime<Utc>,
}

#[async_trait]
pub trait LimitStore: Send + Sync {
    /// For each `(key, since)`: the attempts under `key` made after `since`.
    async fn count_rate_hits(&self, keys: &[(String, DateTime<Utc>)]) -> StoreResult<Vec<i64>>;
    /// Records the attempts, all or none.
    async fn add_rate_hits(&self, hits: &[RateHit]) -> StoreResult<()>;
    /// Takes attempts back (a refund).
    async fn remove_rate_hits(&self, ids: &[Uuid]) -> StoreResult<()>;
    /// Forgets every attempt under `key`.
    async fn clear_rate_key(&self, key: &str) -> StoreResult<()>;
    /// Drops the attempts whose window has passed; returns how many.
    async fn purge_rate_hits(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
