//! The store's side of the technology-contract statistics: sums over registered contracts, and
//! the contracts behind a figure (for the registry and officials; the public reads sums only).
use super::{ContractRecord, StoreResult};
use crate::domain::stats::{Dimension, TurnoverFilter, TurnoverRow};
use crate::domain::stats_facts::StatFact;

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
    /// Every registered contract's statistics keys, handed to `sink` one at a time (for the
    /// figures held in memory).
    async fn stat_facts(&self, sink: &mut (dyn FnMut(StatFact) + Send)) -> StoreResult<()>;
    /// Moves on whenever this store commits a change to the registered contracts (a
    /// registration, a cancellation, an import), so figures held in memory know they are out
    /// of date. Changes by other processes are not seen here.
    fn stats_generation(&self) -> u64 {
        0
    }
}
