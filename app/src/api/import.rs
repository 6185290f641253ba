//! Server functions: Import reports.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "import_result")]
pub async fn import_result(token: String) -> Result<Option<ImportOutcome>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::import_report(&s, &ctx::require_actor()?, &token).await
    }
    .await;
    ctx::finish(r)
}
