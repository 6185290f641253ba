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
use serde_json::json;
use std::collections::HashMap;

pub mod ocds;
pub mod stats;
pub mod targets;

/// The JSON error every route returns: a stable code, both languages, and field details.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let code = match &e {
            AppError::Validation(_) => "validation",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited => "rate_limited",
            AppError::BadRequest => "bad_request",
            AppError::Internal | AppError::Transport(_) => "internal",
        };
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = json!({
            "error": {
                "code": code,
                "message_zh": e.message(Lang::Zh),
                "message_en": e.message(Lang::En),
                "fields": e.field_errors(),
            }
        });
        (status, Json(body)).into_response()
    }
}

fn bad_request(field: &str, zh: &str, en: &str) -> ApiError {
    ApiError(AppError::field(field, zh, en))
}

pub async fn health(State(state): State<AppState>) -> Response {
    let db_ok = state.store.ping().await.is_ok();
    let body = json!({
        "status": if db_ok { "ok" } else { "degraded" },
        "database": state.store.backend(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    pub token: String,
    pub token_type: &'static str,
    pub user: CurrentUser,
    pub roles: Vec<app::domain::Role>,
}

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

fn parse_u32(q: &HashMap<String, String>, key: &str) -> Result<Option<u32>, ApiError> {
    match q.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
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

#[derive(Serialize)]
pub struct DemandList {
    pub items: Vec<DemandSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

pub async fn list_demands(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<DemandList>, ApiError> {
    let page = parse_u32(&q, "page")?;
    let per_page = parse_u32(&q, "per_page")?;
    let p = services::public_demands(
        &state,
        page,
        per_page,
        q.get("chain").cloned(),
        q.get("district").cloned(),
    )
    .await?;
    Ok(Json(DemandList {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

#[derive(Serialize)]
pub struct PublicDemand {
    #[serde(flatten)]
    pub summary: DemandSummary,
    pub description: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub ip_preference: app::domain::IpPreference,
}

pub async fn get_demand(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<PublicDemand>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
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

pub async fn me(Extension(auth): Extension<Auth>) -> Result<Json<CurrentUser>, ApiError> {
    auth.user
        .map(Json)
        .ok_or(ApiError(AppError::Unauthenticated))
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// `GET /api/v1/search?q=&kind=&chain=&district=&org_type=&transfer_mode=&trl_min=&trl_max=&sort=&page=&per_page=`
pub async fn search(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<app::model::SearchResults>, ApiError> {
    let form = services::SearchForm {
        q: q.get("q").cloned(),
        kind: q.get("kind").cloned(),
        chain: q.get("chain").cloned(),
        district: q.get("district").cloned(),
        org_type: q.get("org_type").cloned(),
        transfer_mode: q.get("transfer_mode").cloned(),
        trl_min: q.get("trl_min").cloned(),
        trl_max: q.get("trl_max").cloned(),
        sort: q.get("sort").cloned(),
        page: q.get("page").cloned(),
        per_page: q.get("per_page").cloned(),
    };
    Ok(Json(services::search(&state, &form).await?))
}

#[derive(Serialize)]
pub struct AchievementList {
    pub items: Vec<app::model::AchievementSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// `GET /api/v1/achievements?page=&per_page=`: published and transferred achievements.
pub async fn list_achievements(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<AchievementList>, ApiError> {
    let page = parse_u32(&q, "page")?;
    let per_page = parse_u32(&q, "per_page")?;
    let p = services::public_achievements(&state, page, per_page).await?;
    Ok(Json(AchievementList {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// `GET /api/v1/achievements/{id}`: public fields of one achievement (no review history).
pub async fn get_achievement(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::AchievementDetail>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
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
pub async fn list_experts(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<app::model::Page<app::model::ExpertView>>, ApiError> {
    let page = parse_u32(&q, "page")?;
    let per_page = parse_u32(&q, "per_page")?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::list_experts(&state, actor.as_ref(), page, per_page).await?,
    ))
}

/// `POST /api/v1/import/{organizations|experts|demands|achievements|contracts}?file_name=x.csv`
/// with the file as the body (CSV in UTF-8 or GBK, XLSX, or JSON Lines). Officials; contract
/// sheets also the registry. Every bad row is reported and nothing is written unless every row
/// is good.
pub async fn import(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(kind): Path<String>,
    Query(q): Query<HashMap<String, String>>,
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
        q.get("file_name").cloned(),
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
    let mut body = serde_json::to_value(&report).map_err(|_| ApiError(AppError::Internal))?;
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
            body["report_url"] = json!(format!("/admin/import/report.csv?result={token}"));
        }
    }
    Ok((status, Json(body)).into_response())
}

/// `GET /calls?page=&chain=&district=&status=`: calls as the public sees them (a count of bids,
/// never their content or bidders).
pub async fn list_calls(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<app::model::Page<app::model::CallSummary>>, ApiError> {
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let page = parse_u32(&q, "page")?;
    Ok(Json(
        services::list_calls(
            &state,
            actor.as_ref(),
            page,
            q.get("chain").cloned(),
            q.get("district").cloned(),
            q.get("status").cloned(),
        )
        .await?,
    ))
}

/// `GET /calls/{id}`: one call, with the bids only for officials once its window has closed.
pub async fn get_call(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::CallDetail>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::call_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// `GET /bids/{id}`: a bid, for its team (and, after the close, officials); 404 for anyone else.
pub async fn get_bid(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::BidDetail>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::bid_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// `GET /bids`: the bids the caller leads or is on.
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
pub async fn verify_receipt(
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Json<app::model::ReceiptCheck>, ApiError> {
    Ok(Json(services::verify_receipt(&state, &sha).await?))
}

/// `GET /attachments/{id}`: an attachment's bytes, for the readers its bid's seal admits (404
/// for anyone else). The type comes from the content check at upload, never from the name,
/// and the browser is told to save the file, not to open it in our origin.
pub async fn get_attachment(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    let (view, bytes) = services::attachment_download(&state, actor.as_ref(), id).await?;
    Ok(file_response(view, bytes))
}

/// `GET /milestone-files/{id}`: a file of a milestone's submission, for the readers of the
/// task's reports (404 for anyone else), served as attachments are.
pub async fn get_milestone_file(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
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
pub async fn get_contract(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<String>,
) -> Result<Json<app::model::ContractDetail>, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError(AppError::NotFound))?;
    let actor = auth.user.as_ref().map(app::policy::Actor::from);
    Ok(Json(
        services::contract_detail(&state, actor.as_ref(), id).await?,
    ))
}

/// `POST /api/v1/contracts`: an organization in Nanning applies to register a technology
/// contract. The body is a JSON object with the application form's fields (see
/// `app::model::ContractForm`; amounts as numbers in 万元 or as text with a unit) and
/// `"submit": false` to keep a draft instead of applying. 201 with the id and the status; 422
/// with every bad field; nothing is written unless all of it is good.
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
    let body = json!({
        "id": id,
        "status": detail.status,
        "url": format!("/contracts/{id}"),
    });
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
