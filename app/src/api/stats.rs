//! Server functions: the technology-contract dashboard and the contracts behind a figure. The
//! view travels as the page's query string, so the server reads exactly what the URL says.
use super::*;

#[server(prefix = "/api/fn", endpoint = "dashboard")]
pub async fn get_dashboard(query: String) -> Result<Dashboard, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::dashboard(&s, ctx::actor().as_ref(), &bounded(&query)).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "dashboard_contracts")]
pub async fn get_dashboard_contracts(query: String, page: i64) -> Result<DrillPage, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::drill(&s, &ctx::require_actor()?, &bounded(&query), page).await
    }
    .await;
    ctx::finish(r)
}

/// A view has a handful of parameters: more, or longer, is not a view.
#[cfg(feature = "ssr")]
fn bounded(query: &str) -> Vec<(String, String)> {
    let query = if query.len() > 2048 { "" } else { query };
    crate::domain::text::parse_query(query)
        .into_iter()
        .filter(|(k, v)| k.len() <= 32 && v.len() <= 64)
        .take(16)
        .collect()
}
