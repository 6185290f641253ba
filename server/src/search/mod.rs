//! Search adapters and the outbox worker that keeps the index in step with the database.
pub mod embedded;
pub mod meili;
pub mod zh;

use app::ports::{Clock, SearchIndex, Store, SystemClock};
use app::services;
use std::sync::Arc;
use std::time::Duration;

/// This process's name as an outbox worker.
static WORKER: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("worker-{}", uuid::Uuid::new_v4().simple()));

/// Applies up to `batch` pending outbox rows as this process's worker (see
/// `app::services::apply_outbox`).
pub async fn apply_outbox(
    store: &dyn Store,
    index: &dyn SearchIndex,
    clock: &dyn Clock,
    batch: i64,
) -> anyhow::Result<usize> {
    Ok(services::apply_outbox(store, index, clock, batch, &WORKER).await?)
}

/// Drains the outbox completely (used at start-up and by tests).
pub async fn catch_up_at(
    store: &dyn Store,
    index: &dyn SearchIndex,
    clock: &dyn Clock,
) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let n = apply_outbox(store, index, clock, 500).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Drains the outbox on the system clock.
pub async fn catch_up(store: &dyn Store, index: &dyn SearchIndex) -> anyhow::Result<usize> {
    catch_up_at(store, index, &SystemClock).await
}

/// Rebuilds the index from the database (see `app::services::reindex`) on the system clock.
pub async fn reindex(store: &dyn Store, index: &dyn SearchIndex) -> anyhow::Result<usize> {
    Ok(services::reindex(store, index, &SystemClock).await?)
}

/// Runs forever: polls the outbox and retries after failures with a growing pause.
pub fn spawn_worker(
    store: Arc<dyn Store>,
    index: Arc<dyn SearchIndex>,
    clock: Arc<dyn Clock>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(500);
        loop {
            match apply_outbox(store.as_ref(), index.as_ref(), clock.as_ref(), 500).await {
                Ok(n) => {
                    pause = Duration::from_millis(500);
                    if n > 0 {
                        continue;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "search outbox: will retry");
                    pause = (pause * 2).min(Duration::from_secs(30));
                }
            }
            tokio::time::sleep(pause).await;
        }
    })
}
