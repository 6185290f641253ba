//! The statistics figures held in memory: an adapter over the store's `StatsStore` that keeps
//! every registered contract's keys in a `FactTable` and sums them there (a million contracts
//! in milliseconds; the database's GROUP BY takes a second on SQLite). Before the next query
//! after this store commits a registration or cancellation, the contracts it changed are read
//! again one by one (an import reloads everything), so what this server writes shows at once;
//! changes made by
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
        let mut behind = false;
        if let Some(h) = &*self.0.held.read().await {
            behind = true;
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
        if behind {
            if let Some(t) = self.catch_up().await? {
                return Ok(t);
            }
        }
        self.reload().await
    }

    /// Reads again only the contracts this store changed since the held figures, when it can
    /// name them (not after an import, nor after very many changes). `None`: reload all.
    async fn catch_up(&self) -> StoreResult<Option<Arc<FactTable>>> {
        /// Beyond this many changed contracts a reload of everything is as quick.
        const MAX_DELTA: usize = 2_000;
        let _one = self.0.loading.lock().await;
        let held = match &*self.0.held.read().await {
            Some(h) => h.generation,
            None => return Ok(None),
        };
        let (generation, changed) = self.0.store.stats_changes_since(held);
        if generation == held {
            return Ok(self.0.held.read().await.as_ref().map(|h| h.table.clone()));
        }
        let Some(mut ids) = changed.filter(|c| c.len() <= MAX_DELTA) else {
            return Ok(None);
        };
        ids.sort();
        ids.dedup();
        let mut facts = Vec::with_capacity(ids.len());
        for id in ids {
            facts.push((id, self.0.store.stat_fact_of(id).await?));
        }
        let mut guard = self.0.held.write().await;
        let Some(h) = guard.as_mut() else {
            return Ok(None);
        };
        let table = Arc::make_mut(&mut h.table);
        for (id, fact) in &facts {
            match fact {
                Some(f) => table.push(*id, f),
                None => table.remove(*id),
            }
        }
        h.generation = generation;
        Ok(Some(h.table.clone()))
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
            .stat_facts(&mut |id, f: StatFact| table.push(id, &f))
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

    async fn stat_facts(
        &self,
        sink: &mut (dyn FnMut(uuid::Uuid, StatFact) + Send),
    ) -> StoreResult<()> {
        self.0.store.stat_facts(sink).await
    }

    async fn stat_fact_of(&self, id: uuid::Uuid) -> StoreResult<Option<StatFact>> {
        self.0.store.stat_fact_of(id).await
    }

    fn stats_generation(&self) -> u64 {
        self.0.store.stats_generation()
    }

    fn stats_changes_since(&self, generation: u64) -> (u64, Option<Vec<uuid::Uuid>>) {
        self.0.store.stats_changes_since(generation)
    }
}
