//! What the dashboard pages and the statistics endpoints show.
use crate::domain::stats::{Dimension, FilterError, Projection, TurnoverFilter};
use serde::{Deserialize, Serialize};

/// One figure of a breakdown, labelled. The amounts are `None` when the viewer may see the
/// count only (fewer than `PUBLIC_MIN_COUNT` contracts, for the public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatRow {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub contract_amount_fen: Option<i64>,
    pub tech_amount_fen: Option<i64>,
    pub count: i64,
    /// The query string of the view narrowed to this row (the drill-down).
    pub drill: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub dim: Dimension,
    pub rows: Vec<StatRow>,
}

/// A filter choice: its code and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FilterOption {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub filter: TurnoverFilter,
    /// The view's query string (without `?`), for links and exports.
    pub query: String,
    pub errors: Vec<FilterError>,
    /// G6 for the whole city: cumulative 合同成交额 since 2021-01-01 against its target.
    pub city: Projection,
    /// The view's own total, and its share of the city's cumulative amount (basis points)
    /// when the view is narrowed.
    pub total: StatRow,
    pub share_bp: Option<i64>,
    /// Month by month over the view's span.
    pub monthly: Vec<StatRow>,
    pub breakdowns: Vec<Breakdown>,
    /// The viewer may open the contracts behind a figure (registry and officials).
    pub can_drill: bool,
    /// The view was opened on the viewer's own district.
    pub home_district: Option<String>,
    pub districts: Vec<FilterOption>,
    pub chains: Vec<FilterOption>,
}

/// The registered contracts behind a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DrillPage {
    pub filter: TurnoverFilter,
    pub query: String,
    pub errors: Vec<FilterError>,
    /// Labels of the filter's parts, for the page's heading.
    pub described: Vec<FilterOption>,
    pub total: StatRow,
    pub items: Vec<super::contracts::ContractListItem>,
    pub page: i64,
    pub pages: i64,
}
