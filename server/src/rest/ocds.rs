//! REST: open data in the Open Contracting Data Standard 1.1 — one call's release package, and
//! the feed of every public call's release after a given change, for outside systems to mirror.
use super::ApiError;
use app::error::AppError;
use app::ports::AppState;
use app::services;
use axum::extract::{Path, State};
use axum::Json;

/// `GET /calls/{id}/ocds`: the call's release package (404 for a draft or an unknown id).
#[utoipa::path(get, path = "/api/v1/calls/{id}/ocds", tag = "open data", params(super::IdPath),
    responses(
        (status = 200, description = "An OCDS 1.1 release package (its schema is the standard's)",
            body = serde_json::Value),
        super::openapi::Errors,
    ))]
pub async fn call_package(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    Ok(Json(services::call_release_package(&state, id).await?))
}

/// `GET /ocds/releases?after=<n>&since=<RFC 3339>`: the releases published after the `n`-th
/// (one per change of a public call), optionally only of changes after `since`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The `next_after` of the previous page (a non-negative integer).
    #[param(value_type = Option<i64>, minimum = 0)]
    after: Option<String>,
    /// Only changes after this time (RFC 3339).
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    since: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "open data", params(FeedParams),
    responses(
        (status = 200, description = "A page of OCDS 1.1 releases with `next_after`",
            body = serde_json::Value),
        super::openapi::Errors,
    ))]
pub async fn releases(
    State(state): State<AppState>,
    super::ApiQuery(q): super::ApiQuery<FeedParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let since = match q.since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|_| {
                    super::bad_request(
                        "since",
                        "since 须为 RFC 3339 时间，例如 2027-01-01T00:00:00Z",
                        "since must be an RFC 3339 time, e.g. 2027-01-01T00:00:00Z",
                    )
                })?
                .with_timezone(&chrono::Utc),
        ),
        None => None,
    };
    let after = match q.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => Some(a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            super::bad_request(
                "after",
                "after 须为上一页返回的 next_after（非负整数）",
                "after must be the next_after of the previous page (a non-negative integer)",
            )
        })?),
        None => None,
    };
    Ok(Json(services::release_feed(&state, after, since).await?))
}
