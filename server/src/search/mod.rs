//! Search adapters and the outbox worker that keeps the index in step with the database.
pub mod embedded;
pub mod meili;
pub mod zh;

use app::model::SearchKind;
use app::ports::{SearchIndex, Store};
use std::sync::Arc;
use std::time::Duration;

/// This process's name as an outbox worker.
static WORKER: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("worker-{}", uuid::Uuid::new_v4().simple()));

/// How long a claim on outbox rows holds: far longer than a batch takes; a worker that dies
/// mid-batch leaves its rows to the others after it.
const LEASE_SECONDS: i64 = 60;

/// Applies up to `batch` pending outbox rows as this process's worker.
pub async fn apply_outbox(
    store: &dyn Store,
    index: &dyn SearchIndex,
    batch: i64,
) -> anyhow::Result<usize> {
    apply_outbox_as(store, index, batch, &WORKER).await
}

/// Claims up to `batch` pending outbox rows for `worker` (skipping records another worker is
/// applying, so each record's changes go in order and the last one wins), loads each entity's
/// public document (or learns it must not be searchable), applies them to the index, and only
/// then marks the rows done. A crash in between repeats the work once the lease ends, which is
/// harmless (upserts replace).
pub async fn apply_outbox_as(
    store: &dyn Store,
    index: &dyn SearchIndex,
    batch: i64,
    worker: &str,
) -> anyhow::Result<usize> {
    let now = chrono::Utc::now();
    let rows = store
        .claim_search_batch(
            worker,
            batch,
            now,
            now + chrono::Duration::seconds(LEASE_SECONDS),
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, entity_type, entity_id) in &rows {
        if !seen.insert((entity_type.clone(), entity_id.clone())) {
            continue;
        }
        let Some(kind) = SearchKind::parse(entity_type) else {
            continue;
        };
        match store.search_doc(entity_type, entity_id).await? {
            Some(doc) => upserts.push(doc),
            None => deletes.push((kind, entity_id.clone())),
        }
    }
    index.apply(upserts, deletes).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    store
        .mark_search_processed(&ids, chrono::Utc::now())
        .await?;
    Ok(rows.len())
}

/// Drains the outbox completely (used at start-up and by tests).
pub async fn catch_up(store: &dyn Store, index: &dyn SearchIndex) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let n = apply_outbox(store, index, 500).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Rebuilds the index from the database: clears it and indexes every searchable entity. Outbox
/// rows already committed when it starts are covered by the rebuild (it reads every entity
/// afterwards) and are marked done; rows committed later are left for the worker.
pub async fn reindex(store: &dyn Store, index: &dyn SearchIndex) -> anyhow::Result<usize> {
    let covered: Vec<i64> = store
        .search_outbox_batch(i64::MAX)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    index.clear().await?;
    let keys = store.searchable_keys().await?;
    let mut n = 0;
    for chunk in keys.chunks(500) {
        let mut docs = Vec::with_capacity(chunk.len());
        for (t, id) in chunk {
            if let Some(d) = store.search_doc(t, id).await? {
                docs.push(d);
            }
        }
        n += docs.len();
        index.apply(docs, vec![]).await?;
    }
    store
        .mark_search_processed(&covered, chrono::Utc::now())
        .await?;
    Ok(n)
}

/// Runs forever: polls the outbox and retries after failures with a growing pause.
pub fn spawn_worker(
    store: Arc<dyn Store>,
    index: Arc<dyn SearchIndex>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(500);
        loop {
            match apply_outbox(store.as_ref(), index.as_ref(), 500).await {
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
