//! Server functions: each extracts the caller, calls one service and maps the error. They are
//! public HTTP endpoints under `/api/fn/…`, so they never trust the page that calls them.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use crate::error::AppError;
use crate::model::*;
use leptos::server;
#[cfg(feature = "ssr")]
pub mod ctx;

mod accounts;
mod achievements;
mod bids;
mod calls;
mod contracts;
mod demands;
mod disputes;
mod experts;
mod forms;
mod import;
mod lifecycle;
mod orgs;
mod reviews;
mod search;
mod stats;
mod targets;
mod tasks;

pub use accounts::*;
pub use achievements::*;
pub use bids::*;
pub use calls::*;
pub use contracts::*;
pub use demands::*;
pub use disputes::*;
pub use experts::*;
pub use forms::*;
pub use import::*;
pub use lifecycle::*;
pub use orgs::*;
pub use reviews::*;
pub use search::*;
pub use stats::*;
pub use targets::*;
pub use tasks::*;

/// A record form's save: updates the record named by `id` (when there is one) or creates one,
/// then lands on `page` of it. `intent=submit` also submits it for review.
#[cfg(feature = "ssr")]
async fn save_record<U, C>(
    id: Option<String>,
    update: impl FnOnce(uuid::Uuid) -> U,
    create: C,
    page: fn(uuid::Uuid) -> String,
) -> Result<String, AppError>
where
    U: std::future::Future<Output = Result<(), AppError>>,
    C: std::future::Future<Output = Result<uuid::Uuid, AppError>>,
{
    let id = match id.filter(|i| !i.is_empty()) {
        Some(id) => {
            let id = parse_id(&id)?;
            update(id).await?;
            id
        }
        None => create.await?,
    };
    leptos_axum::redirect(&page(id));
    Ok(id.to_string())
}

#[cfg(feature = "ssr")]
fn parse_id(s: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| AppError::NotFound)
}
