//! REST `/api/v1` for outside systems. Bearer tokens authenticate; responses never carry
//! confidential fields. Every handler goes through the same services and policy as the pages.
use app::api::ctx::{Auth, ClientAddr};
use app::error::AppError;
use app::i18n::Lang;
use app::model::{CurrentUser, DemandSummary};
use app::ports::AppState;
use app::services;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

pub mod ocds;
pub mod openapi;
pub mod stats;
pub mod targets;

/// The JSON error every route returns: a stable code, both languages, and field details.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// What went wrong, as a code an outside system can branch on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    Unauthenticated,
    Forbidden,
    /// A state-changing request from a browser whose origin could not be verified.
    Csrf,
    NotFound,
    Conflict,
    RateLimited,
    BadRequest,
    Internal,
}

/// The body of every error of `/api/v1`.
#[derive(Serialize, Deserialize, Debug, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, Deserialize, Debug, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message_zh: String,
    pub message_en: String,
    /// The fields that were refused, each with its message (empty unless `code` is `validation`).
    pub fields: Vec<app::error::FieldError>,
}

impl ErrorBody {
    pub fn response(status: StatusCode, code: ErrorCode, zh: &str, en: &str) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message_zh: zh.to_string(),
                message_en: en.to_string(),
                fields: Vec::new(),
            },
        };
        (status, Json(body)).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let code = match &e {
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Conflict { .. } => ErrorCode::Conflict,
            AppError::RateLimited => ErrorCode::RateLimited,
            AppError::BadRequest => ErrorCode::BadRequest,
            AppError::Internal | AppError::Transport(_) => ErrorCode::Internal,
        };
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message_zh: e.message(Lang::Zh),
                message_en: e.message(Lang::En),
                fields: e.field_errors().to_vec(),
            },
        };
        (status, Json(body)).into_response()
    }
}

fn bad_request(field: &str, zh: &str, en: &str) -> ApiError {
    ApiError(AppError::field(field, zh, en))
}

/// A query string read into `T`, refused with the API's error shape (400) when it cannot be
/// (a parameter given twice); the values themselves are checked by the handler, field by field.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|_| ApiError(AppError::BadRequest))
    }
}

/// `page` and `per_page` of a list (1-based; a list has its own largest `per_page`).
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1)]
    pub per_page: Option<String>,
}

/// The filters of the public demand list.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemandParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1)]
    pub per_page: Option<String>,
    /// Industry-chain code.
    pub chain: Option<String>,
    /// District code.
    pub district: Option<String>,
}

/// The filters of the call list.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Industry-chain code.
    pub chain: Option<String>,
    /// District code.
    pub district: Option<String>,
    /// A call status, e.g. `open`.
    pub status: Option<String>,
}

/// The id of a record, a UUID (anything else is a 404).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    #[param(value_type = uuid::Uuid)]
    pub id: String,
}

fn parse_id(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| ApiError(AppError::NotFound))
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    pub status: HealthStatus,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub version: String,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses(
        (status = 200, description = "服务正常 / Up", body = Health),
        (status = 503, description = "数据库不可用 / The database does not answer", body = Health),
    ))]
pub async fn health(State(state): State<AppState>) -> Response {
    let db_ok = state.store.ping().await.is_ok();
    let body = Health {
        status: if db_ok {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        database: state.store.backend().to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub user: CurrentUser,
    pub roles: Vec<app::domain::Role>,
}

/// Signs in and returns a bearer token for `Authorization: Bearer …`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginBody,
    responses((status = 200, body = LoginResponse), openapi::Errors))]
pub async fn login(
    State(state): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(body) = body.map_err(|_| {
        bad_request(
            "body",
            "请求体必须是 JSON：{\"email\": \"…\", \"password\": \"…\"}",
            "The body must be JSON: {\"email\": \"…\", \"password\": \"…\"}",
        )
    })?;
    let (token, user) =
        services::login(&state, &body.email, &body.password, &addr.0, "api").await?;
    Ok(Json(LoginResponse {
        token,
        token_type: "Bearer",
        roles: user.roles.clone(),
        user,
    }))
}

fn parse_u32(v: &Option<String>, key: &str) -> Result<Option<u32>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| {
                ApiError(AppError::Validation(vec![app::error::FieldError::new(
                    key,
                    format!("{key} 必须是不小于 1 的整数"),
                    format!("{key} must be a whole number of at least 1"),
                )]))
            }),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DemandList {
    pub items: Vec<DemandSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Published demands, newest first.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands", params(DemandParams),
    responses((status = 200, body = DemandList), openapi::Errors))]
pub async fn list_demands(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DemandParams>,
) -> Result<Json<DemandList>, ApiError> {
    let page = parse_u32(&q.page, "page")?;
    let per_page = parse_u32(&q.per_page, "per_page")?;
    let p = services::public_demands(&state, page, per_page, q.chain, q.district).await?;
    Ok(Json(DemandList {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicDemand {
    #[serde(flatten)]
    pub summary: DemandSummary,
    pub description: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub ip_preference: app::domain::IpPreference,
}

/// One published demand (an official or its owner also sees one under review).
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands", params(IdPath),
    responses((status = 200, body = PublicDemand), openapi::Errors))]
pub async fn get_demand(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<PublicDemand>, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let d = services::demand_detail(&state, actor.as_ref(), id).await?;
    Ok(Json(PublicDemand {
        summary: d.summary,
        description: d.description,
        field: d.field,
        keywords: d.keywords,
        ip_preference: d.ip_preference,
    }))
}

/// The account the bearer token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = CurrentUser), openapi::Errors))]
pub async fn me(Extension(auth): Extension<Auth>) -> Result<Json<CurrentUser>, ApiError> {
    auth.user
        .map(Json)
        .ok_or(ApiError(AppError::Unauthenticated))
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// Full-text search over everything public, in Chinese or English.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(services::SearchForm),
    responses((status = 200, body = app::model::SearchResults), openapi::Errors))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(form): ApiQuery<services::SearchForm>,
) -> Result<Json<app::model::SearchResults>, ApiError> {
    Ok(Json(services::search(&state, &form).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AchievementList {
    pub items: Vec<app::model::AchievementSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// `GET /api/v1/achievements?page=&per_page=`: published and transferred achievements.
#[utoipa::path(get, path = "/api/v1/achievements", tag = "achievements", params(PageParams),
    responses((status = 200, body = AchievementList), openapi::Errors))]
pub async fn list_achievements(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<AchievementList>, ApiError> {
    let page = parse_u32(&q.page, "page")?;
    let per_page = parse_u32(&q.per_page, "per_page")?;
    let p = services::public_achievements(&state, page, per_page).await?;
    Ok(Json(AchievementList {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// `GET /api/v1/achievements/{id}`: public fields of one achievement (no review history).
#[utoipa::path(get, path = "/api/v1/achievements/{id}", tag = "achievements", params(IdPath),
    responses((status = 200, body = app::model::AchievementDetail), openapi::Errors))]
pub async fn get_achievement(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::AchievementDetail>, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let mut d = services::achievement_detail(&state, actor.as_ref(), id).await?;
    // Outside systems get the public record; review history and permissions stay in the pages.
    d.history.clear();
    d.status_reason = None;
    d.permissions = Default::default();
    Ok(Json(d))
}

/// `GET /api/v1/experts?page=&per_page=`: the public expert directory (public fields only;
/// an official's token also sees private profiles and review availability).
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(PageParams),
    responses((status = 200, body = app::model::Page<app::model::ExpertView>), openapi::Errors))]
pub async fn list_experts(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Json<app::model::Page<app::model::ExpertView>>, ApiError> {
    let page = parse_u32(&q.page, "page")?;
    let per_page = parse_u32(&q.per_page, "per_page")?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::list_experts(&state, actor.as_ref(), page, per_page).await?,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The file's name; its extension (`.csv`, `.xlsx`, `.jsonl`) says how to read the body.
    pub file_name: Option<String>,
}

/// What an import did: every row counted, each refused cell with its message.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportResponse {
    #[serde(flatten)]
    pub report: crate::import::ImportReport,
    /// The problems as a CSV file for the person who imported (kept 30 minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_url: Option<String>,
}

/// Why an import stored nothing: some rows were bad (the report), or the request was.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportRefused {
    Rows(ImportResponse),
    Request(ErrorBody),
}

/// `POST /api/v1/import/{organizations|experts|demands|achievements|contracts}?file_name=x.csv`
/// with the file as the body (CSV in UTF-8 or GBK, XLSX, or JSON Lines). Officials; contract
/// sheets also the registry. Every bad row is reported and nothing is written unless every row
/// is good.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "import",
    params(
        ("kind" = crate::import::ImportKind, Path, description = "What the file holds"),
        ImportParams,
    ),
    request_body(description = "The file: CSV (UTF-8 or GBK), XLSX or JSON Lines",
        content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("application/x-ndjson"), ("application/octet-stream"))),
    responses(
        openapi::Errors,
        (status = 200, description = "Every row was good and is stored", body = ImportResponse),
        (status = 422, description = "Rows were refused and nothing was stored (the report), or the request was (the error)",
            body = ImportRefused),
    ))]
pub async fn import(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let kind = crate::import::ImportKind::parse(&kind).ok_or(ApiError(AppError::NotFound))?;
    app::policy::authorize(actor.as_ref(), kind.action(), app::policy::Target::NONE)
        .map_err(|d| ApiError(d.into()))?;
    // Only now, for someone allowed to import, is the body read (a stranger's 20 MB never is).
    let body = axum::body::to_bytes(body, crate::import::MAX_IMPORT_BYTES)
        .await
        .map_err(|_| {
            ApiError(AppError::field(
                "file",
                "文件过大或上传中断",
                "The file is too large or its upload was interrupted",
            ))
        })?;
    let report = crate::import::import_in_background(
        state.store.clone(),
        state.clock.now(),
        kind,
        body,
        q.file_name,
        actor.as_ref().map(|a| a.user_id),
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "import failed");
        ApiError(AppError::Internal)
    })?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut body = ImportResponse {
        report,
        report_url: None,
    };
    let report = &body.report;
    // The problems as a file too, for the person who imported (kept 30 minutes).
    if let (Some(a), false) = (actor.as_ref(), report.errors.is_empty()) {
        let outcome = app::model::ImportOutcome {
            rows: report.rows,
            imported: report.imported,
            skipped: report.skipped,
            errors: report
                .errors
                .iter()
                .map(|e| app::model::ImportRowError {
                    line: e.line,
                    column: e.column.clone(),
                    zh: e.zh.clone(),
                    en: e.en.clone(),
                })
                .collect(),
            report_url: None,
        };
        if let Ok(token) = services::stash_import_report(&state, a, &outcome).await {
            body.report_url = Some(format!("/admin/import/report.csv?result={token}"));
        }
    }
    Ok((status, Json(body)).into_response())
}

/// `GET /calls?page=&chain=&district=&status=`: calls as the public sees them (a count of bids,
/// never their content or bidders).
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls", params(CallParams),
    responses((status = 200, body = app::model::Page<app::model::CallSummary>), openapi::Errors))]
pub async fn list_calls(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<CallParams>,
) -> Result<Json<app::model::Page<app::model::CallSummary>>, ApiError> {
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let page = parse_u32(&q.page, "page")?;
    Ok(Json(
        services::list_calls(&state, actor.as_ref(), page, q.chain, q.district, q.status).await?,
    ))
}

/// `GET /calls/{id}`: one call, with the bids only for officials once its window has closed.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "calls", params(IdPath),
    responses((status = 200, body = app::model::CallDetail), openapi::Errors))]
pub async fn get_call(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::CallDetail>, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::call_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// `GET /bids/{id}`: a bid, for its team (and, after the close, officials); 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/bids/{id}", tag = "calls", params(IdPath),
    responses((status = 200, body = app::model::BidDetail), openapi::Errors))]
pub async fn get_bid(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::BidDetail>, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::bid_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// `GET /bids`: the bids the caller leads or is on.
#[utoipa::path(get, path = "/api/v1/bids", tag = "calls",
    responses((status = 200, body = Vec<app::model::BidListItem>), openapi::Errors))]
pub async fn my_bids(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<Vec<app::model::BidListItem>>, ApiError> {
    let actor = auth
        .user
        .as_ref()
        .map(app::policy::Actor::from)
        .ok_or(ApiError(AppError::Unauthenticated))?;
    Ok(Json(services::my_bids(&state, &actor).await?))
}

/// `GET /receipts/{sha256}`: what a bid receipt proves (never the bid's content).
#[utoipa::path(get, path = "/api/v1/receipts/{sha256}", tag = "calls",
    params(("sha256" = String, Path, description = "The receipt's SHA-256, 64 hexadecimal digits")),
    responses((status = 200, body = app::model::ReceiptCheck), openapi::Errors))]
pub async fn verify_receipt(
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Json<app::model::ReceiptCheck>, ApiError> {
    Ok(Json(services::verify_receipt(&state, &sha).await?))
}

/// `GET /attachments/{id}`: an attachment's bytes, for the readers its bid's seal admits (404
/// for anyone else). The type comes from the content check at upload, never from the name,
/// and the browser is told to save the file, not to open it in our origin.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "calls", params(IdPath),
    responses(
        (status = 200, description = "The file, typed by the content check at upload (X-Attachment-SHA256 carries its hash)",
            content(("application/pdf"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("image/png"), ("image/jpeg"))),
        openapi::Errors,
    ))]
pub async fn get_attachment(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let (view, bytes) = services::attachment_download(&state, actor.as_ref(), id).await?;
    Ok(file_response(view, bytes))
}

/// `GET /milestone-files/{id}`: a file of a milestone's submission, for the readers of the
/// task's reports (404 for anyone else), served as attachments are.
#[utoipa::path(get, path = "/api/v1/milestone-files/{id}", tag = "calls", params(IdPath),
    responses(
        (status = 200, description = "The file, typed by the content check at upload (X-Attachment-SHA256 carries its hash)",
            content(("application/pdf"),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("image/png"), ("image/jpeg"))),
        openapi::Errors,
    ))]
pub async fn get_milestone_file(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let (view, bytes) = services::milestone_file_download(&state, actor.as_ref(), id).await?;
    Ok(file_response(view, bytes))
}

/// A stored file as a download: its type from the content check at upload (never the name),
/// saved rather than opened in our origin.
fn file_response(view: app::model::AttachmentView, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    (
        [
            (header::CONTENT_TYPE, view.kind.mime().to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(&view.name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::HeaderName::from_static("x-attachment-sha256"),
                view.sha256,
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266),
/// so a Chinese name survives and no name can break out of the header.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `GET /contracts/{id}`: a technology contract, for its parties, the registry and officials
/// (404 for anyone else).
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", params(IdPath),
    responses((status = 200, body = app::model::ContractDetail), openapi::Errors))]
pub async fn get_contract(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::ContractDetail>, ApiError> {
    let id = parse_id(&id)?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::contract_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// The body of `POST /api/v1/contracts`: the registration form's fields (numbers are read as
/// text) and whether to apply now.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ContractApplication {
    #[serde(flatten)]
    pub form: app::model::ContractForm,
    /// `false` keeps a draft instead of applying (default `true`).
    pub submit: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContractCreated {
    pub id: uuid::Uuid,
    pub status: app::domain::contract::ContractStatus,
    /// The contract's page.
    pub url: String,
}

/// `POST /api/v1/contracts`: an organization in Nanning applies to register a technology
/// contract. The body is a JSON object with the application form's fields (see
/// `app::model::ContractForm`; amounts as numbers in 万元 or as text with a unit) and
/// `"submit": false` to keep a draft instead of applying. 201 with the id and the status; 422
/// with every bad field; nothing is written unless all of it is good.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts",
    request_body(content = ContractApplication, description = "The fields of the registration form; each may also be a number"),
    responses(
        (status = 201, description = "Applied (or kept as a draft)", body = ContractCreated),
        openapi::Errors,
    ))]
pub async fn apply_contract(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    body: Result<Json<serde_json::Map<String, serde_json::Value>>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(mut body) = body.map_err(|_| {
        bad_request(
            "body",
            "请求体必须是 JSON 对象，字段同技术合同登记申请表",
            "The body must be a JSON object with the fields of the registration form",
        )
    })?;
    let actor = auth
        .user
        .as_ref()
        .map(app::policy::Actor::from)
        .ok_or(ApiError(AppError::Unauthenticated))?;
    let submit = match body.remove("submit") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::Bool(b)) => b,
        Some(_) => {
            return Err(bad_request(
                "submit",
                "submit 须为 true 或 false",
                "submit must be true or false",
            ))
        }
    };
    // Numbers are read as they are written (in 万元 unless a unit is given); anything else
    // that is not text is refused by its field.
    let mut fields = serde_json::Map::new();
    for (k, v) in body {
        let text = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Null => String::new(),
            _ => {
                return Err(bad_request(
                    &k,
                    "字段须为文本或数字",
                    "Each field must be text or a number",
                ))
            }
        };
        fields.insert(k, serde_json::Value::String(text));
    }
    let form: app::model::ContractForm = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|_| bad_request("body", "请求体无法读取", "The body could not be read"))?;
    let id = services::save_contract(&state, &actor, None, &form, submit).await?;
    let detail = services::contract_detail(&state, Some(&actor), id).await?;
    let body = ContractCreated {
        id,
        status: detail.status,
        url: format!("/contracts/{id}"),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[cfg(test)]
mod attachment_tests {
    #[test]
    fn download_names_keep_chinese_and_cannot_break_the_header() {
        let h = super::content_disposition("技术方案 v2.pdf");
        assert_eq!(
            h,
            "attachment; filename=\"____ v2.pdf\"; filename*=UTF-8''%E6%8A%80%E6%9C%AF%E6%96%B9%E6%A1%88%20v2.pdf"
        );
        let h = super::content_disposition("a\"; filename=evil.html\r\n.pdf");
        assert!(!h.contains('\r') && !h.contains('\n'));
        assert_eq!(h.matches('"').count(), 2, "{h}");
    }
}
