//! The store's side of the technology-contract statistics: sums over registered contracts, and
//! the contracts behind a figure (for the registry and officials; the public reads sums only).
use super::{ContractRecord, StoreResult};
use crate::domain::stats::{Dimension, TurnoverFilter, TurnoverRow};

#[async_trait::async_trait]
pub trait StatsStore: Send + Sync {
    /// Registered contracts matching `filter`, summed per key of `by`, keys in ascending order.
    async fn turnover(
        &self,
        filter: &TurnoverFilter,
        by: Dimension,
    ) -> StoreResult<Vec<TurnoverRow>>;
    /// The whole of `filter` in one row (key "").
    async fn turnover_total(&self, filter: &TurnoverFilter) -> StoreResult<TurnoverRow>;
    /// The registered contracts behind `filter`, the largest first, a page at a time.
    async fn turnover_contracts(
        &self,
        filter: &TurnoverFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<ContractRecord>>;
}
