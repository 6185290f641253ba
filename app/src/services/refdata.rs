//! Reference data: districts, industry chains and plan targets.
use super::*;
use crate::error::AppError;
use crate::model::*;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long another process's change to the reference data may take to show here. A change
/// made through this process calls `invalidate` and shows at once.
pub const REF_DATA_TTL: Duration = Duration::from_secs(60);

/// What the cache holds: when it was loaded, and the lists.
type Held = Option<(Instant, Arc<RefData>)>;

/// Districts and chains held in memory, so a page does not query them on every request.
#[derive(Clone, Default)]
pub struct RefCache(Arc<RwLock<Held>>);

impl RefCache {
    fn fresh(&self) -> Option<Arc<RefData>> {
        let held = self.0.read().ok()?;
        held.as_ref()
            .filter(|(at, _)| at.elapsed() < REF_DATA_TTL)
            .map(|(_, d)| d.clone())
    }

    fn put(&self, d: Arc<RefData>) {
        if let Ok(mut held) = self.0.write() {
            *held = Some((Instant::now(), d));
        }
    }

    /// Forgets what is held: the next reader loads it again.
    pub fn invalidate(&self) {
        if let Ok(mut held) = self.0.write() {
            *held = None;
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn ref_data(state: &AppState) -> Result<Arc<RefData>, AppError> {
    if let Some(d) = state.refs.fresh() {
        return Ok(d);
    }
    let d = Arc::new(RefData {
        districts: state.store.list_districts().await.map_err(internal)?,
        chains: state.store.list_chains().await.map_err(internal)?,
    });
    state.refs.put(d.clone());
    Ok(d)
}
