//! REST: `GET /api/v1/targets`, the plan's target tracker as JSON (public: the values, not the
//! reports behind them).
use super::ApiError;
use app::api::ctx::Auth;
use app::ports::AppState;
use app::services;
use axum::extract::State;
use axum::{Extension, Json};

/// One target of the plan and where it stands.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TargetView {
    pub code: String,
    pub task: Option<i64>,
    pub name_zh: String,
    pub name_en: String,
    pub lead_unit: String,
    pub co_units: Vec<String>,
    /// The target as the plan writes it, e.g. `≥ 400 亿元`.
    pub target: String,
    pub unit_zh: String,
    pub period: String,
    /// `computed` (live, from the platform's data) or `reported` (by the lead unit).
    pub source: String,
    /// The current value, as a decimal in the target's unit.
    pub current: Option<String>,
    pub progress_percent: Option<f64>,
    pub status: app::domain::target::TargetStatus,
    /// The period of the accepted report the value comes from (`null` when live).
    pub as_of: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TargetList {
    pub count: usize,
    pub targets: Vec<TargetView>,
}

/// Every target of the plan, with its current value.
#[utoipa::path(get, path = "/api/v1/targets", tag = "statistics",
    responses((status = 200, body = TargetList), super::openapi::Errors))]
pub async fn list(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<TargetList>, ApiError> {
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let t = services::tracker(&state, actor.as_ref(), false).await?;
    let targets: Vec<_> = t
        .rows
        .iter()
        .map(|r| TargetView {
            code: r.code.clone(),
            task: r.task,
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            lead_unit: r.lead_unit.clone(),
            co_units: r.co_units.clone(),
            target: r.target.clone(),
            unit_zh: r.unit_zh.clone(),
            period: r.period.clone(),
            source: r.source.clone(),
            current: r.current_raw.map(app::domain::target::format_value),
            progress_percent: r.progress_bp.map(|b| b as f64 / 100.0),
            status: r.status,
            as_of: r.as_of.clone(),
        })
        .collect();
    Ok(Json(TargetList {
        count: targets.len(),
        targets,
    }))
}
