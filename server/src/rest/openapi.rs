//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations and the
//! types they return (`utoipa`), served at `/api/v1/openapi.json`. A router test checks that
//! every route is in it, and `make test` runs Schemathesis against it.
use super::ErrorBody;
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

/// The errors any route can answer, all in the same shape.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Errors {
    /// 请求无法读取 / The request could not be read
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// 需要登录 / A bearer token is needed
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// 无权操作，或请求来源无法验证 / Not allowed, or the origin could not be verified
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// 不存在或不可见 / Not there, or not visible to the caller
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// 与当前状态冲突 / In conflict with the record's state
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// 字段有误，未做任何更改 / Fields were refused and nothing changed
    #[response(status = 422)]
    Validation(ErrorBody),
    /// 尝试过于频繁 / Too many attempts; try again later
    #[response(status = 429)]
    RateLimited(ErrorBody),
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "POST /api/v1/auth/login 返回的令牌 / The token POST /api/v1/auth/login returns",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "揭榜 Jiebang API",
        description = "南宁技术转移与专家对接平台的开放接口：需求、成果、专家、揭榜挂帅、技术合同与统计。\
                       The open API of Nanning's technology-transfer and expert-matching platform.",
        license(name = "MIT"),
    ),
    paths(
        openapi_json,
        super::health,
        super::login,
        super::me,
        super::list_demands,
        super::get_demand,
        super::search,
        super::list_achievements,
        super::get_achievement,
        super::list_experts,
        super::list_calls,
        super::get_call,
        super::ocds::call_package,
        super::ocds::releases,
        super::my_bids,
        super::get_bid,
        super::verify_receipt,
        super::get_attachment,
        super::get_milestone_file,
        super::apply_contract,
        super::get_contract,
        super::stats::turnover,
        super::stats::contracts,
        super::targets::list,
        super::import,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    // Every route may be called anonymously or with a token; each says what it needs.
    security((), ("bearer" = [])),
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system",
    responses((status = 200, description = "OpenAPI 3.1", body = serde_json::Value)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
