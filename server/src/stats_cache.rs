//! The statistics figures held in memory: an adapter over the store's `StatsStore` that keeps
//! every registered contract's keys in a `FactTable` and sums them there (a million contracts
//! in milliseconds; the database's GROUP BY takes a second on SQLite). The table is reloaded
//! before the next query whenever this store commits a registration, cancellation or import
//! (its `stats_generation` moved), so what this server writes shows at once; changes made by
//! other processes (another app server, the import command) show within `ttl`, reloaded in the
//! background while the held figures keep being served. The contracts behind a figure are
//! always read from the database.
use app::domain::stats::{Dimension, TurnoverFilter, TurnoverRow};
use app::domain::stats_facts::{FactTable, StatFact};
use app::ports::{ContractRecord, StatsStore, Store, StoreResult};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Held {
    table: Arc<FactTable>,
    loaded: Instant,
    generation: u64,
}

struct Inner {
    store: Arc<dyn Store>,
    ttl: Duration,
    held: tokio::sync::RwLock<Option<Held>>,
    /// One reload at a time.
    loading: tokio::sync::Mutex<()>,
    refreshing: AtomicBool,
}

#[derive(Clone)]
pub struct CachedStats(Arc<Inner>);

impl CachedStats {
    pub fn new(store: Arc<dyn Store>, ttl: Duration) -> Self {
        CachedStats(Arc::new(Inner {
            store,
            ttl,
            held: Default::default(),
            loading: Default::default(),
            refreshing: AtomicBool::new(false),
        }))
    }

    async fn table(&self) -> StoreResult<Arc<FactTable>> {
        let generation = self.0.store.stats_generation();
        if let Some(h) = &*self.0.held.read().await {
            if h.generation == generation {
                if h.loaded.elapsed() >= self.0.ttl
                    && !self.0.refreshing.swap(true, Ordering::SeqCst)
                {
                    let me = self.clone();
                    tokio::spawn(async move {
                        if let Err(e) = me.reload().await {
                            tracing::warn!(error = ?e, "refreshing the statistics failed");
                        }
                        me.0.refreshing.store(false, Ordering::SeqCst);
                    });
                }
                return Ok(h.table.clone());
            }
        }
        self.reload().await
    }

    /// Reads every registered contract again, unless another task just did.
    async fn reload(&self) -> StoreResult<Arc<FactTable>> {
        let _one = self.0.loading.lock().await;
        let generation = self.0.store.stats_generation();
        if let Some(h) = &*self.0.held.read().await {
            if h.generation == generation && h.loaded.elapsed() < self.0.ttl {
                return Ok(h.table.clone());
            }
        }
        let started = Instant::now();
        let mut table = FactTable::default();
        self.0
            .store
            .stat_facts(&mut |f: StatFact| table.push(&f))
            .await?;
        tracing::info!(
            contracts = table.len(),
            ms = started.elapsed().as_millis() as u64,
            "statistics loaded into memory"
        );
        let table = Arc::new(table);
        *self.0.held.write().await = Some(Held {
            table: table.clone(),
            loaded: Instant::now(),
            generation,
        });
        Ok(table)
    }
}

#[async_trait::async_trait]
impl StatsStore for CachedStats {
    async fn turnover(
        &self,
        filter: &TurnoverFilter,
        by: Dimension,
    ) -> StoreResult<Vec<TurnoverRow>> {
        Ok(self.table().await?.turnover(filter, by))
    }

    async fn turnover_total(&self, filter: &TurnoverFilter) -> StoreResult<TurnoverRow> {
        Ok(self.table().await?.total(filter))
    }

    async fn turnover_contracts(
        &self,
        filter: &TurnoverFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<ContractRecord>> {
        self.0.store.turnover_contracts(filter, offset, limit).await
    }

    async fn stat_facts(&self, sink: &mut (dyn FnMut(StatFact) + Send)) -> StoreResult<()> {
        self.0.store.stat_facts(sink).await
    }

    fn stats_generation(&self) -> u64 {
        self.0.store.stats_generation()
    }
}
