//! REST: `GET /api/v1/targets`, the plan's target tracker as JSON (public: the values, not the
//! reports behind them).
use super::ApiError;
use app::api::ctx::Auth;
use app::ports::AppState;
use app::services;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::json;

pub async fn list(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let t = services::tracker(&state, actor.as_ref(), false).await?;
    let rows: Vec<_> = t
        .rows
        .iter()
        .map(|r| {
            json!({
                "code": r.code,
                "task": r.task,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "lead_unit": r.lead_unit,
                "co_units": r.co_units,
                "target": r.target,
                "unit_zh": r.unit_zh,
                "period": r.period,
                "source": r.source,
                "current": r.current_raw.map(app::domain::target::format_value),
                "progress_percent": r.progress_bp.map(|b| b as f64 / 100.0),
                "status": r.status,
                "as_of": r.as_of,
            })
        })
        .collect();
    Ok(Json(json!({ "count": rows.len(), "targets": rows })))
}
