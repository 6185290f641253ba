//! REST: technology-contract statistics. `GET /api/v1/stats/turnover` serves the aggregates
//! (public; figures of fewer than three contracts show their count only) as JSON, CSV or
//! XLSX; `GET /api/v1/stats/contracts` the registered contracts behind a view (registry and
//! officials). Filters are the dashboard's URL parameters; here a bad one is refused (422)
//! rather than ignored, since an outside system should learn of its mistake.
use super::{content_disposition, ApiError};
use crate::export::{self, Cell, Table};
use app::api::ctx::Auth;
use app::domain::stats::Dimension;
use app::error::{AppError, FieldError};
use app::model::StatRow;
use app::ports::AppState;
use app::services;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// Most contracts one export carries; a larger view must be narrowed first.
pub const MAX_EXPORT_CONTRACTS: i64 = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

struct Request {
    pairs: Vec<(String, String)>,
    format: Format,
    group_by: Option<String>,
}

fn read(q: Option<String>) -> Result<Request, ApiError> {
    let q = q.unwrap_or_default();
    if q.len() > 2048 {
        return Err(ApiError(AppError::field(
            "query",
            "查询参数过长",
            "The query string is too long",
        )));
    }
    let mut pairs = Vec::new();
    let mut format = Format::Json;
    let mut group_by = None;
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        match k.as_ref() {
            "format" => {
                format = match v.as_ref() {
                    "" | "json" => Format::Json,
                    "csv" => Format::Csv,
                    "xlsx" => Format::Xlsx,
                    _ => {
                        return Err(ApiError(AppError::field(
                            "format",
                            "format 只能是 json、csv 或 xlsx",
                            "format must be json, csv or xlsx",
                        )))
                    }
                }
            }
            "group_by" => group_by = Some(v.into_owned()),
            _ => pairs.push((k.into_owned(), v.into_owned())),
        }
    }
    Ok(Request {
        pairs,
        format,
        group_by,
    })
}

fn refuse_bad_filters(errors: &[app::domain::stats::FilterError]) -> Result<(), ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    Err(ApiError(AppError::Validation(
        errors
            .iter()
            .map(|e| FieldError::new(&e.field, e.message_zh(), e.message_en()))
            .collect(),
    )))
}

fn file(format: Format, table: &Table, name: &str) -> Result<Response, ApiError> {
    let (mime, ext, bytes) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv", export::to_csv(table)),
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            export::to_xlsx(table).map_err(|_| ApiError(AppError::Internal))?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(&format!("{name}.{ext}")),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

fn today(state: &AppState) -> String {
    state
        .clock
        .now()
        .with_timezone(&app::domain::time::shanghai())
        .format("%Y%m%d")
        .to_string()
}

/// The filters of a statistics view, as the dashboard's URL carries them. A filter may be given
/// more than once (any of the values matches), so the handlers read the raw query; this type
/// is what the OpenAPI document says of it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct StatsParams {
    /// `json` (default), `csv` or `xlsx`.
    format: Option<String>,
    /// Signed on or after, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    from: Option<String>,
    /// Signed on or before, as `from`.
    to: Option<String>,
    /// District code of the Nanning party.
    district: Option<String>,
    /// Contract type: `development`, `transfer`, `consulting` or `service`.
    r#type: Option<String>,
    /// Industry-chain code.
    chain: Option<String>,
    /// Type of the seller, e.g. `university`.
    seller_type: Option<String>,
    /// Where the technology flows: `local`, `inflow`, `outflow`, …
    flow: Option<String>,
    /// Kind of intellectual property, e.g. `patent`.
    ip_type: Option<String>,
}

/// The turnover of one group of a view.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TurnoverRow {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// `null` when the group has too few contracts for its amounts to be public.
    pub contract_amount_fen: Option<i64>,
    pub tech_amount_fen: Option<i64>,
    pub count: i64,
    /// The amounts are withheld (fewer than three contracts).
    pub withheld: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TurnoverTotal {
    /// `null` when any group's amounts are withheld.
    pub contract_amount_fen: Option<i64>,
    pub tech_amount_fen: Option<i64>,
    pub count: i64,
}

/// Registered technology-contract turnover, grouped.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TurnoverReport {
    pub group_by: Dimension,
    /// The filters as they were understood.
    pub filter: app::domain::stats::TurnoverFilter,
    pub rows: Vec<TurnoverRow>,
    pub total: TurnoverTotal,
}

impl From<&StatRow> for TurnoverRow {
    fn from(r: &StatRow) -> Self {
        TurnoverRow {
            key: r.key.clone(),
            label_zh: r.label_zh.clone(),
            label_en: r.label_en.clone(),
            contract_amount_fen: r.contract_amount_fen,
            tech_amount_fen: r.tech_amount_fen,
            count: r.count,
            withheld: r.contract_amount_fen.is_none(),
        }
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct GroupParams {
    /// `year`, `month`, `district`, `type`, `chain`, `seller_type`, `flow` or `ip_type`.
    #[param(required = true)]
    group_by: String,
}

/// `GET /api/v1/stats/turnover?group_by=…&from=&to=&district=&type=&chain=&seller_type=&flow=&ip_type=&format=`
#[utoipa::path(get, path = "/api/v1/stats/turnover", tag = "statistics",
    params(GroupParams, StatsParams),
    responses(
        (status = 200, description = "The groups (amounts of groups under three contracts withheld)",
            content((TurnoverReport = "application/json"), (String = "text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        super::openapi::Errors,
    ))]
pub async fn turnover(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let req = read(q)?;
    let by = req
        .group_by
        .as_deref()
        .and_then(Dimension::parse)
        .ok_or_else(|| {
            ApiError(AppError::field(
                "group_by",
                "group_by 必须是 year、month、district、type、chain、seller_type、flow 或 ip_type",
                "group_by must be year, month, district, type, chain, seller_type, flow or ip_type",
            ))
        })?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let (filter, errors, rows) =
        services::turnover_rows(&state, actor.as_ref(), &req.pairs, by).await?;
    refuse_bad_filters(&errors)?;
    let sum = |f: fn(&StatRow) -> Option<i64>| -> Option<i64> {
        rows.iter()
            .map(f)
            .try_fold(0i64, |a, v| v.map(|v| a.saturating_add(v)))
    };
    let total_count: i64 = rows.iter().map(|r| r.count).sum();
    let (total_a, total_t) = (sum(|r| r.contract_amount_fen), sum(|r| r.tech_amount_fen));
    if req.format == Format::Json {
        return Ok(Json(TurnoverReport {
            group_by: by,
            filter,
            rows: rows.iter().map(TurnoverRow::from).collect(),
            total: TurnoverTotal {
                contract_amount_fen: total_a,
                tech_amount_fen: total_t,
                count: total_count,
            },
        })
        .into_response());
    }
    let withheld = || Cell::Text("不公开".into());
    let money = |v: Option<i64>| v.map(Cell::Yuan).unwrap_or_else(withheld);
    let mut body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.label_zh.clone()),
                Cell::Text(r.key.clone()),
                money(r.contract_amount_fen),
                money(r.tech_amount_fen),
                Cell::Int(r.count),
            ]
        })
        .collect();
    body.push(vec![
        Cell::Text("合计".into()),
        Cell::Text(String::new()),
        money(total_a),
        money(total_t),
        Cell::Int(total_count),
    ]);
    let table = Table {
        name: format!("按{}", by.label_zh()),
        headers: vec![
            by.label_zh().to_string(),
            "代码".into(),
            "合同成交额（元）".into(),
            "技术交易额（元）".into(),
            "合同数".into(),
        ],
        rows: body,
    };
    file(
        req.format,
        &table,
        &format!("技术合同成交统计-按{}-{}", by.label_zh(), today(&state)),
    )
}

/// The columns of a contract export: the same as a registry sheet imports.
pub const CONTRACT_HEADERS: &[&str] = &[
    "登记编号",
    "合同名称",
    "合同类型",
    "卖方名称",
    "卖方统一社会信用代码",
    "卖方类型",
    "卖方所在地",
    "买方名称",
    "买方统一社会信用代码",
    "买方类型",
    "买方所在地",
    "合同成交额（元）",
    "技术交易额（元）",
    "签订日期",
    "登记日期",
    "产业链",
    "技术领域",
    "知识产权类型",
    "政府计划来源",
];

/// One registered contract of an export.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExportedContract {
    pub id: uuid::Uuid,
    pub registration_number: Option<String>,
    pub title: String,
    pub contract_type: app::domain::contract::ContractType,
    pub seller_name: String,
    pub buyer_name: String,
    pub contract_amount_fen: i64,
    pub tech_amount_fen: i64,
    pub signed_on: chrono::NaiveDate,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContractExport {
    pub count: usize,
    pub contracts: Vec<ExportedContract>,
}

/// `GET /api/v1/stats/contracts?…&format=json|csv|xlsx` (registry and officials).
#[utoipa::path(get, path = "/api/v1/stats/contracts", tag = "statistics",
    params(StatsParams),
    responses(
        (status = 200, description = "The registered contracts of the view (at most 100,000)",
            content((ContractExport = "application/json"), (String = "text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        super::openapi::Errors,
    ))]
pub async fn contracts(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let req = read(q)?;
    let actor = auth
        .user
        .as_ref()
        .map(app::policy::Actor::from)
        .ok_or(ApiError(AppError::Unauthenticated))?;
    let refs = services::ref_data(&state).await?;
    let (_, errors) = services::parse_filter(&refs, &req.pairs);
    refuse_bad_filters(&errors)?;
    let Some(list) = services::drill_all(&state, &actor, &req.pairs, MAX_EXPORT_CONTRACTS).await?
    else {
        return Err(ApiError(AppError::field(
            "query",
            format!("一次最多导出 {MAX_EXPORT_CONTRACTS} 份合同，请缩小筛选范围"),
            format!("At most {MAX_EXPORT_CONTRACTS} contracts per export: narrow the view"),
        )));
    };
    if req.format == Format::Json {
        let contracts: Vec<_> = list
            .iter()
            .map(|c| ExportedContract {
                id: c.id,
                registration_number: c.registration_number.clone(),
                title: c.title.clone(),
                contract_type: c.contract_type,
                seller_name: c.seller.name.clone(),
                buyer_name: c.buyer.name.clone(),
                contract_amount_fen: c.contract_amount_fen,
                tech_amount_fen: c.tech_amount_fen,
                signed_on: c.signed_on,
                registered_at: c.registered_at,
            })
            .collect();
        return Ok(Json(ContractExport {
            count: contracts.len(),
            contracts,
        })
        .into_response());
    }
    let district_name = |code: &str| {
        refs.districts
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name_zh.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let place = |p: &app::domain::contract::Place| match p {
        app::domain::contract::Place::Nanning { district } => district_name(district),
        app::domain::contract::Place::Guangxi => "广西".to_string(),
        other => other.detail().to_string(),
    };
    let chain_name = |code: &str| {
        refs.chains
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name_zh.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = list
        .iter()
        .map(|c| {
            vec![
                text(c.registration_number.as_deref().unwrap_or("")),
                text(&c.title),
                text(c.contract_type.label_zh()),
                text(&c.seller.name),
                text(c.seller.credit_code.as_deref().unwrap_or("")),
                text(c.seller.org_type.label_zh()),
                text(&place(&c.seller.place)),
                text(&c.buyer.name),
                text(c.buyer.credit_code.as_deref().unwrap_or("")),
                text(c.buyer.org_type.label_zh()),
                text(&place(&c.buyer.place)),
                Cell::Yuan(c.contract_amount_fen),
                Cell::Yuan(c.tech_amount_fen),
                text(&c.signed_on.to_string()),
                text(
                    &c.registered_at
                        .map(app::domain::time::format_date)
                        .unwrap_or_default(),
                ),
                text(&chain_name(&c.chain_code)),
                text(&c.field),
                text(c.ip_type.label_zh()),
                text(c.plan_origin.label_zh()),
            ]
        })
        .collect();
    let table = Table {
        name: "已登记技术合同".into(),
        headers: CONTRACT_HEADERS.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    file(
        req.format,
        &table,
        &format!("已登记技术合同-{}", today(&state)),
    )
}
