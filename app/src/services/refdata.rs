//! Reference data: districts, industry chains and plan targets.
use super::*;
use crate::error::AppError;
use crate::model::*;

#[tracing::instrument(skip_all)]
pub async fn ref_data(state: &AppState) -> Result<RefData, AppError> {
    Ok(RefData {
        districts: state.store.list_districts().await.map_err(internal)?,
        chains: state.store.list_chains().await.map_err(internal)?,
    })
}
