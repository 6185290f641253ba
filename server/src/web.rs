//! Request plumbing shared by pages, server functions and REST: who is calling (session cookie
//! or bearer token), cross-site request forgery protection, language switch, logout, headers.
use app::api::ctx::{Auth, ClientAddr};
use app::i18n::{Lang, LANG_COOKIE};
use app::ports::AppState;
use app::services::{self, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::SocketAddr;

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_string())
}

pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// The client as the rate limits count it (see `services::client_ip`): the socket's address,
/// or the one our trusted proxies name; IPv6 grouped by /64. "local" for a request that came
/// through no socket (the tests' router calls).
pub fn client_of(req: &Request<Body>, trusted: &[services::IpRange]) -> String {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "local".into();
    };
    let values = |name: &'static str| {
        req.headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
    };
    services::client_key(services::client_ip(
        peer,
        values("forwarded"),
        values("x-forwarded-for"),
        trusted,
    ))
}

/// Resolves the caller once per request. An unknown, expired or tampered token simply means
/// "not signed in".
pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let addr = client_of(&req, &state.settings.trusted_proxies);
    req.extensions_mut().insert(ClientAddr(addr));
    let token = bearer_token(req.headers()).or_else(|| cookie_value(req.headers(), SESSION_COOKIE));
    let mut auth = Auth::default();
    if let Some(token) = token {
        match services::resolve_session(&state, &token).await {
            Ok(Some(user)) => {
                auth.user = Some(user);
                auth.token = Some(token);
            }
            Ok(None) => {}
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "服务暂时不可用 / Service temporarily unavailable",
                )
                    .into_response();
            }
        }
    }
    req.extensions_mut().insert(auth);
    next.run(req).await
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Decides whether a state-changing request really comes from our own pages. Browsers send
/// `Sec-Fetch-Site` and `Origin` on every POST and a page on another site cannot forge them;
/// the session cookie is also `SameSite=Lax`. Requests authenticated by a bearer token carry
/// no ambient credential, so they need no such proof.
pub fn csrf_ok(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    if is_safe(method) || path == "/api/v1/auth/login" {
        return true;
    }
    if bearer_token(headers).is_some() && cookie_value(headers, SESSION_COOKIE).is_none() {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest == host)
            .unwrap_or(false),
        _ => false,
    }
}

pub async fn csrf_layer(req: Request<Body>, next: Next) -> Response {
    if csrf_ok(req.method(), req.uri().path(), req.headers()) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "refused a cross-site or unverifiable state-changing request");
    let lang = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or_default();
    const ZH: &str = "请求来源无法验证（跨站请求伪造防护）。请刷新页面后重试。";
    const EN: &str = "The origin of this request could not be verified (cross-site request forgery protection). Reload the page and try again.";
    if req.uri().path().starts_with("/api/") {
        // Outside systems get the API's error shape (and should send a bearer token).
        return crate::rest::ErrorBody::response(
            StatusCode::FORBIDDEN,
            crate::rest::ErrorCode::Csrf,
            ZH,
            EN,
        );
    }
    let msg = lang.t(ZH, EN);
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg,
    )
        .into_response()
}

/// Hardening headers on every response, and a Content-Security-Policy whose per-request nonce
/// the pages write on their hydration scripts: an inline script without it (one injected into
/// a page through some escaping failure) is refused by the browser.
/// Server functions answer every error they could not attach a status to (their arguments did
/// not decode, so the function never ran) with 500. Such an error is one of ours, as JSON:
/// give it its own status, a malformed request a 400 rather than a server fault.
pub async fn server_fn_status(req: Request<Body>, next: Next) -> Response {
    let is_fn = req.uri().path().starts_with("/api/fn/");
    let res = next.run(req).await;
    if !is_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(e) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// In production (served over HTTPS) browsers are also told to use HTTPS only, for a year.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let nonce = csp_nonce();
    req.extensions_mut()
        .insert(app::ui::CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if state.settings.production {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// 128 random bits, hex-encoded (a valid CSP nonce value).
fn csp_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Scripts: same-origin files (the wasm bundle's glue) and inline scripts carrying the nonce;
/// `wasm-unsafe-eval` lets the bundle compile its WebAssembly. Styles and everything else come
/// from this origin only (no inline `style` attributes anywhere); no plug-ins, no framing, no
/// `<base>` rewriting, and forms post only here.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn safe_next(q: &HashMap<String, String>) -> String {
    app::api::ctx::safe_next(q.get("next").cloned())
}

/// `/lang/en?next=/path`: remembers the language (a year) and goes back to the page.
pub async fn switch_lang(
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut res = Redirect::to(&safe_next(&q)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn logout(State(state): State<AppState>, req: Request<Body>) -> Response {
    if let Some(auth) = req.extensions().get::<Auth>() {
        if let Some(token) = &auth.token {
            if services::logout(&state, token).await.is_err() {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "服务暂时不可用 / Service temporarily unavailable",
                )
                    .into_response();
            }
        }
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("jb_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    res
}

/// The import form without JavaScript: `multipart/form-data` with `kind` and `file`. Imports
/// like `POST /api/v1/import/{kind}` and redirects to `/admin/import?result=<token>`, where the
/// page shows the report.
pub async fn import_upload(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    mut form: axum::extract::Multipart,
) -> Response {
    let Some(actor) = auth.user.as_ref().map(app::policy::Actor::from) else {
        return Redirect::to("/login?next=/admin/import").into_response();
    };
    let allowed = |a: app::policy::Action| {
        app::policy::authorize(Some(&actor), a, app::policy::Target::NONE).is_ok()
    };
    if !allowed(app::policy::Action::ImportData) && !allowed(app::policy::Action::ImportContracts) {
        return (
            StatusCode::FORBIDDEN,
            "只有管理人员或技术合同登记员可以导入 / Only officials and registry clerks can import",
        )
            .into_response();
    }
    let mut kind = None;
    let mut file: Option<(Option<String>, axum::body::Bytes)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().map(str::to_string);
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(_) => return bad_upload(),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return bad_upload(),
        }
    }
    let kind = kind
        .as_deref()
        .and_then(crate::import::ImportKind::parse)
        .filter(|k| allowed(k.action()));
    let report = match (kind, file) {
        (Some(kind), Some((name, bytes))) if !bytes.is_empty() => {
            match crate::import::import_in_background(
                state.store.clone(),
                state.clock.now(),
                kind,
                bytes,
                name,
                Some(actor.user_id),
            )
            .await
            {
                Ok(r) => app::model::ImportOutcome {
                    rows: r.rows,
                    imported: r.imported,
                    skipped: r.skipped,
                    report_url: None,
                    errors: r
                        .errors
                        .into_iter()
                        .map(|e| app::model::ImportRowError {
                            line: e.line,
                            column: e.column,
                            zh: e.zh,
                            en: e.en,
                        })
                        .collect(),
                },
                Err(e) => {
                    tracing::error!(error = %e, "import failed");
                    return (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "导入失败，未写入任何数据 / The import failed; nothing was written",
                    )
                        .into_response();
                }
            }
        }
        (kind, _) => app::model::ImportOutcome {
            rows: 0,
            imported: 0,
            skipped: 0,
            report_url: None,
            errors: vec![app::model::ImportRowError {
                line: 0,
                column: if kind.is_none() { "kind" } else { "file" }.into(),
                zh: if kind.is_none() {
                    "请选择数据类别"
                } else {
                    "请选择要导入的文件"
                }
                .into(),
                en: if kind.is_none() {
                    "Choose the kind of data"
                } else {
                    "Choose a file to import"
                }
                .into(),
            }],
        },
    };
    match services::stash_import_report(&state, &actor, &report).await {
        Ok(token) => Redirect::to(&format!("/admin/import?result={token}")).into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "服务暂时不可用 / Service temporarily unavailable",
        )
            .into_response(),
    }
}

/// `GET /admin/import/report.csv?result=<token>`: the problems of an import, one per line, for
/// the person who made it (the page lists them too; the file is for working through them in
/// Excel).
pub async fn import_report_csv(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(actor) = auth.user.as_ref().map(app::policy::Actor::from) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let token = q.get("result").map(String::as_str).unwrap_or("");
    let report = match services::import_report(&state, &actor, token).await {
        Ok(Some(r)) => r,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            return StatusCode::from_u16(e.status())
                .unwrap_or(StatusCode::FORBIDDEN)
                .into_response()
        }
    };
    use crate::export::{Cell, Table};
    let table = Table {
        name: "导入错误".into(),
        headers: vec!["行".into(), "列".into(), "原因".into(), "Reason".into()],
        rows: report
            .errors
            .iter()
            .map(|e| {
                vec![
                    Cell::Int(e.line as i64),
                    Cell::Text(e.column.clone()),
                    Cell::Text(e.zh.clone()),
                    Cell::Text(e.en.clone()),
                ]
            })
            .collect(),
    };
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                crate::rest::content_disposition("导入错误报告.csv"),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        crate::export::to_csv(&table),
    )
        .into_response()
}

/// How much more than the attachment limit a multipart body may carry (its boundaries, the
/// file's headers, the other fields).
pub const UPLOAD_OVERHEAD: u64 = 64 * 1024;

/// Why an upload carried no file to hand to a service.
enum NoFile {
    /// A refusal the form shows.
    Refused(app::domain::attachment::UploadError),
    /// Not a multipart request at all.
    Malformed,
}

/// The one file (field `file`) of a multipart upload, as (name, bytes), or why not. A body
/// over the limit is refused as "too large" without being kept.
async fn read_upload(
    state: &AppState,
    headers: &HeaderMap,
    req: Request<Body>,
) -> Result<(String, Vec<u8>), NoFile> {
    use app::domain::attachment::UploadError;
    use axum::extract::FromRequest;
    let max = state.settings.max_upload_bytes;
    let too_large = || Err(NoFile::Refused(UploadError::TooLarge { max_bytes: max }));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max + UPLOAD_OVERHEAD) {
        return too_large();
    }
    let Ok(mut form) = axum::extract::Multipart::from_request(req, state).await else {
        return Err(NoFile::Malformed);
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) => {
                            if (bytes.len() + c.len()) as u64 > max {
                                return too_large();
                            }
                            bytes.extend_from_slice(&c);
                        }
                        Ok(None) => break,
                        // The body limit cut the stream: it was too large.
                        Err(_) => return too_large(),
                    }
                }
                // A file input left empty sends a part with no name and no bytes.
                if !(name.is_empty() && bytes.is_empty()) {
                    file = Some((name, bytes));
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return too_large(),
        }
    }
    file.ok_or(NoFile::Refused(UploadError::Missing))
}

/// Where an upload's outcome goes: back to `back` with `?uploaded=1` or
/// `?upload_error=<code>` naming one of the fixed refusals
/// (`app::domain::attachment::UploadError`), so a crafted link can show no text of its own;
/// a failure of the request itself is answered in the reader's language.
fn upload_outcome(
    headers: &HeaderMap,
    back: impl Fn(String) -> Response,
    r: Result<(), services::UploadFailure>,
) -> Response {
    match r {
        Ok(()) => back("uploaded=1".into()),
        Err(services::UploadFailure::Refused(e)) => back(format!("upload_error={}", e.code())),
        Err(services::UploadFailure::Failed(e)) => {
            let lang = headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_cookie_header)
                .unwrap_or_default();
            (
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                e.message(lang),
            )
                .into_response()
        }
    }
}

/// `POST /bids/{id}/attachments` (multipart, field `file`): the lead attaches a file to the
/// draft. A plain form post, so it works with and without JavaScript; the browser returns to
/// the bid's page (see [`upload_outcome`]).
pub async fn bid_attachment_upload(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    Path(id): Path<String>,
    headers: HeaderMap,
    req: Request<Body>,
) -> Response {
    let Ok(bid) = uuid::Uuid::parse_str(&id) else {
        return (StatusCode::NOT_FOUND, "未找到 / Not found").into_response();
    };
    let back = |q: String| Redirect::to(&format!("/bids/{bid}?{q}#attachments")).into_response();
    let Some(actor) = auth.user.as_ref().map(app::policy::Actor::from) else {
        return Redirect::to(&format!("/login?next=/bids/{bid}")).into_response();
    };
    let r = match read_upload(&state, &headers, req).await {
        Ok((name, bytes)) => services::add_attachment(&state, &actor, bid, &name, &bytes)
            .await
            .map(|_| ()),
        Err(NoFile::Refused(e)) => Err(services::UploadFailure::Refused(e)),
        Err(NoFile::Malformed) => return bad_upload(),
    };
    upload_outcome(&headers, back, r)
}

/// `POST /tasks/{task}/milestones/{id}/files` (multipart, field `file`): a team member
/// attaches a file to a milestone's submission, and returns to the task's page.
pub async fn milestone_file_upload(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    Path((task, id)): Path<(String, String)>,
    headers: HeaderMap,
    req: Request<Body>,
) -> Response {
    let (Ok(task), Ok(milestone)) = (uuid::Uuid::parse_str(&task), uuid::Uuid::parse_str(&id))
    else {
        return (StatusCode::NOT_FOUND, "未找到 / Not found").into_response();
    };
    let back = |q: String| {
        Redirect::to(&format!(
            "/tasks/{task}?m={milestone}&{q}#files-{milestone}"
        ))
        .into_response()
    };
    let Some(actor) = auth.user.as_ref().map(app::policy::Actor::from) else {
        return Redirect::to(&format!("/login?next=/tasks/{task}")).into_response();
    };
    let r = match read_upload(&state, &headers, req).await {
        Ok((name, bytes)) => services::add_milestone_file(&state, &actor, milestone, &name, &bytes)
            .await
            .map(|_| ()),
        Err(NoFile::Refused(e)) => Err(services::UploadFailure::Refused(e)),
        Err(NoFile::Malformed) => return bad_upload(),
    };
    upload_outcome(&headers, back, r)
}

fn bad_upload() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "上传的表单无法读取 / The uploaded form could not be read",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        m
    }

    #[test]
    fn csrf_accepts_same_origin_and_refuses_cross_site_or_unverifiable() {
        let post = Method::POST;
        assert!(csrf_ok(&Method::GET, "/", &h(&[])));
        assert!(csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[
                ("host", "127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin")
            ])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-site")])
        ));
        assert!(csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://evil.example")
            ])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[("host", "127.0.0.1:3000"), ("origin", "null")])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/fn/x",
            &h(&[("host", "127.0.0.1:3000"), ("cookie", "jb_session=abc")])
        ));
        assert!(csrf_ok(
            &post,
            "/api/v1/x",
            &h(&[("authorization", "Bearer t")])
        ));
        assert!(!csrf_ok(
            &post,
            "/api/v1/x",
            &h(&[("authorization", "Bearer t"), ("cookie", "jb_session=abc")])
        ));
        assert!(csrf_ok(&post, "/api/v1/auth/login", &h(&[])));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let m = h(&[("cookie", "xjb_session=1; jb_session=abc ; lang=en")]);
        assert_eq!(cookie_value(&m, "jb_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&m, "lang").as_deref(), Some("en"));
        assert_eq!(cookie_value(&m, "nope"), None);
    }
}
