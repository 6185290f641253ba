//! Server functions: Search and search-as-you-type.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "search")]
pub async fn search(
    q: Option<String>,
    kind: Option<String>,
    chain: Option<String>,
    district: Option<String>,
    org_type: Option<String>,
    transfer_mode: Option<String>,
    trl_min: Option<String>,
    trl_max: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<SearchResults, AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = crate::services::SearchForm {
            q,
            kind,
            chain,
            district,
            org_type,
            transfer_mode,
            trl_min,
            trl_max,
            sort,
            page,
            per_page: None,
        };
        crate::services::search(&s, &form).await
    }
    .await;
    ctx::finish(r)
}

/// Titles for search-as-you-type (at most 8).
#[server(prefix = "/api/fn", endpoint = "suggest")]
pub async fn suggest(q: String) -> Result<Vec<String>, AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = crate::services::SearchForm {
            q: Some(q),
            per_page: Some("8".into()),
            ..Default::default()
        };
        let res = crate::services::search(&s, &form).await?;
        let mut titles: Vec<String> = Vec::new();
        for h in res.hits {
            if !titles.contains(&h.title) {
                titles.push(h.title);
            }
        }
        Ok(titles)
    }
    .await;
    ctx::finish(r)
}
