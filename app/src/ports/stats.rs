//! The store's side of the technology-contract statistics: sums over registered contracts, and
//! the contracts behind a figure (for the registry and officials; the public reads sums only).
use super::{ContractRecord, StoreResult};
use crate::domain::stats::{Dimension, TurnoverFilter, TurnoverRow};
use crate::domain::stats_facts::StatFact;
use uuid::Uuid;

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
    async fn stat_facts(&self, sink: &mut (dyn FnMut(Uuid, StatFact) + Send)) -> StoreResult<()>;
    /// One contract's statistics keys, if it is registered.
    async fn stat_fact_of(&self, id: Uuid) -> StoreResult<Option<StatFact>>;
    /// Moves on whenever this store commits a change to the contracts (a registration, a
    /// cancellation, an import), so figures held in memory know they are out of date. Changes
    /// by other processes are not seen here.
    fn stats_generation(&self) -> u64 {
        0
    }
    /// The current generation and the contracts changed since `generation`, or `None` when
    /// only a reload of everything will do (an import, or too many changes ago).
    fn stats_changes_since(&self, generation: u64) -> (u64, Option<Vec<Uuid>>) {
        let _ = generation;
        (0, None)
    }
}

/// What a store remembers of its recent changes to the contracts, for
/// `StatsStore::stats_changes_since`.
#[derive(Debug, Default)]
pub struct StatsLog {
    generation: u64,
    /// The last generation that needs a reload of everything.
    full_at: u64,
    changes: std::collections::VecDeque<(u64, Uuid)>,
}

impl StatsLog {
    /// Changes older than this many are forgotten (a reload of everything replaces them).
    pub const KEPT: usize = 10_000;

    /// One contract changed (`Some`), or many at once (`None`: an import).
    pub fn changed(&mut self, id: Option<Uuid>) {
        self.generation += 1;
        match id {
            Some(id) => self.changes.push_back((self.generation, id)),
            None => self.full_at = self.generation,
        }
        while self.changes.len() > Self::KEPT {
            if let Some((g, _)) = self.changes.pop_front() {
                self.full_at = self.full_at.max(g);
            }
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn since(&self, generation: u64) -> (u64, Option<Vec<Uuid>>) {
        if self.full_at > generation {
            return (self.generation, None);
        }
        let ids = self
            .changes
            .iter()
            .filter(|(g, _)| *g > generation)
            .map(|(_, id)| *id)
            .collect();
        (self.generation, Some(ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_what_changed_or_asks_for_everything() {
        let mut log = StatsLog::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        log.changed(Some(a));
        assert_eq!(log.since(0), (1, Some(vec![a])));
        log.changed(Some(b));
        assert_eq!(log.since(1), (2, Some(vec![b])));
        assert_eq!(log.since(2), (2, Some(vec![])));
        log.changed(None);
        assert_eq!(log.since(2), (3, None), "an import: reload everything");
        assert_eq!(log.since(3), (3, Some(vec![])));
        for _ in 0..StatsLog::KEPT + 1 {
            log.changed(Some(a));
        }
        assert_eq!(log.since(3).1, None, "too long ago: reload everything");
        assert!(log.since(4).1.is_none() || log.since(log.generation() - 1).1.is_some());
        assert_eq!(log.since(log.generation() - 1).1, Some(vec![a]));
    }
}
