//! The yardstick of `scripts/bench-pages.sh`: a minimal Leptos SSR page, rendered by the same
//! leptos_axum path as the product's pages, reading the ten newest public demands through the
//! same store. Compiled only with the `bench-page` feature, so the product never serves it.
use app::domain::demand::{self, DemandStatus};
use app::ports::{AppState, DemandQuery};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;

pub const PATH: &str = "/__bench/minimal";

async fn titles() -> Result<Vec<String>, ServerFnError> {
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("no state"))?;
    let q = DemandQuery {
        statuses: DemandStatus::ALL
            .iter()
            .copied()
            .filter(|s| demand::is_public(*s))
            .collect(),
        limit: 10,
        ..Default::default()
    };
    let (rows, _) = state
        .store
        .list_demands(&q)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(rows.into_iter().map(|r| r.demand.title).collect())
}

#[component]
fn Minimal() -> impl IntoView {
    let rows = Resource::new(|| (), |_| titles());
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head><meta charset="utf-8" /><title>"minimal"</title></head>
            <body>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = rows.await.unwrap_or_default();
                        view! { <ul>{list.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }
                    })}
                </Suspense>
            </body>
        </html>
    }
}

/// The route, for the router to merge.
pub fn routes(state: AppState) -> Router<AppState> {
    let handler = leptos_axum::render_app_async_with_context(
        move || provide_context(state.clone()),
        || view! { <Minimal /> },
    );
    Router::new().route(PATH, get(handler))
}
