//! Requests against the whole router in-process, as a browser or an outside system sends them.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, header::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::empty())
        .unwrap()
}

/// A page request carrying a session (an API token is a session token too).
pub fn get_as(uri: &str, session: Option<&str>) -> Request<Body> {
    let mut r = get(uri);
    if let Some(s) = session {
        r.headers_mut()
            .insert(header::COOKIE, format!("jb_session={s}").parse().unwrap());
    }
    r
}

pub fn post_json(uri: &str, json: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_string()))
        .unwrap()
}

pub async fn api_token(app: &Router, email: &str, password: &str) -> String {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let (status, _, body) = send(app, post_json("/api/v1/auth/login", &body)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// The whole router over a fresh SQLite store holding the seeds and the demo accounts.
pub async fn demo_router() -> (Router, super::Backend) {
    let (state, b) = demo_state().await;
    (server::router(state), b)
}

/// The demo data on SQLite, and the state a router is built on (for tests that also reach
/// into the state, such as its caches).
pub async fn demo_state() -> (app::ports::AppState, super::Backend) {
    let b = super::sqlite().await;
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &super::seeds_dir(),
        true,
    )
    .await
    .expect("seeds");
    (super::state(b.store.clone()), b)
}
