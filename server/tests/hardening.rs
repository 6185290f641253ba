//! The HTTP surface against hostile clients: hardening headers, bodies refused before they are
//! read, undecodable server-function arguments, and rate limits behind trusted proxies.
mod common;

use common::http::{api_token, get, post_json, send};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;

async fn app() -> (Router, common::Backend) {
    common::http::demo_router().await
}

#[tokio::test]
async fn production_adds_hsts_and_every_response_carries_the_hardening_headers() {
    let b = common::sqlite().await;
    let mut state = common::state(b.store.clone());
    let (_, dev, _) = send(&server::router(state.clone()), get("/privacy")).await;
    assert!(
        !dev.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "not over plain http"
    );
    state.settings.production = true;
    let app = server::router(state);
    for uri in [
        "/privacy",
        "/api/v1/health",
        "/api/v1/no-such-route",
        "/pkg/none.js",
    ] {
        let (_, h, _) = send(&app, get(uri)).await;
        assert_eq!(
            h[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000; includeSubDomains",
            "{uri}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(h["x-frame-options"], "DENY", "{uri}");
        assert_eq!(h["referrer-policy"], "same-origin", "{uri}");
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{uri}"
        );
    }
}

/// A body that records whether anyone read it.
fn watched_body(read: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Body {
    let chunk = futures_util::stream::iter(
        std::iter::repeat_with(move || {
            read.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'a'; 64 * 1024]))
        })
        .take(16),
    );
    Body::from_stream(chunk)
}

#[tokio::test]
async fn an_import_from_a_stranger_is_refused_before_its_body_is_read() {
    let (app, _b) = app().await;
    let enterprise = api_token(
        &app,
        "enterprise@demo.jiebang.local",
        "Demo-2026-enterprise_member",
    )
    .await;
    for (who, token) in [("anonymous", None), ("enterprise", Some(enterprise))] {
        let read = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut r = Request::post("/api/v1/import/organizations?file_name=x.csv")
            .header(header::HOST, "127.0.0.1:3000")
            // A bearer request needs no origin proof; an anonymous one pretends to be ours.
            .header("origin", "http://127.0.0.1:3000");
        if let Some(t) = &token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let (status, _, body) = send(&app, r.body(watched_body(read.clone())).unwrap()).await;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
            "{who}: {status} {body}"
        );
        assert!(
            !read.load(std::sync::atomic::Ordering::SeqCst),
            "{who}: the body was read"
        );
    }
}

#[tokio::test]
async fn server_functions_with_undecodable_arguments_get_a_plain_bilingual_400() {
    let (app, _b) = app().await;
    let req = |body: &str| {
        Request::post("/api/fn/login")
            .header(header::HOST, "127.0.0.1:3000")
            .header("origin", "http://127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    for body in ["", "email=a%40b.cn", "password=x&email[]=1", "%ZZ=%%%"] {
        let (status, _, text) = send(&app, req(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}: {text}");
        assert!(text.contains("BadRequest"), "{text}");
        for leak in ["missing field", "invalid type", "expected", "serde", "Args"] {
            assert!(!text.contains(leak), "{body:?} leaked {leak:?}: {text}");
        }
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget_and_strangers_cannot_forge_one() {
    use axum::extract::ConnectInfo;
    let b = common::sqlite().await;
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &common::seeds_dir(),
        true,
    )
    .await
    .unwrap();
    let mut state = common::state(b.store.clone());
    state.settings.trusted_proxies = vec![app::services::IpRange::parse("10.0.0.0/8").unwrap()];
    let app = server::router(state);
    let login = |peer: &str, xff: Option<&str>, password: &str| {
        let body = serde_json::json!({
            "email": "official@demo.jiebang.local",
            "password": password,
        })
        .to_string();
        let mut r = post_json("/api/v1/auth/login", &body);
        let peer: std::net::SocketAddr = format!("{peer}:4000").parse().unwrap();
        r.extensions_mut().insert(ConnectInfo(peer));
        if let Some(x) = xff {
            r.headers_mut()
                .insert("x-forwarded-for", x.parse().unwrap());
        }
        r
    };
    // A guesser behind our proxy spends their own budget...
    for _ in 0..10 {
        let (s, _, _) = send(
            &app,
            login("10.0.0.2", Some("203.0.113.7"), "wrong-wrong-1"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, _, _) = send(
        &app,
        login("10.0.0.2", Some("203.0.113.7"), "Demo-2026-official"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // ...while the official, behind the same proxy, signs in.
    let (s, _, body) = send(
        &app,
        login("10.0.0.2", Some("198.51.100.20"), "Demo-2026-official"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // A client outside the proxy cannot claim another address to get a fresh budget: its
    // header is ignored and its own address counts.
    for i in 0..10 {
        let fake = format!("192.0.2.{i}");
        let (s, _, _) = send(&app, login("203.0.113.99", Some(&fake), "wrong-wrong-1")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, _, _) = send(
        &app,
        login("203.0.113.99", Some("192.0.2.200"), "wrong-wrong-1"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // IPv6: one /64 is one client.
    for i in 0..10 {
        let peer = format!("[2001:db8:5:6::{i:x}]");
        let (s, _, _) = send(&app, login(&peer, None, "wrong-wrong-1")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, _, _) = send(
        &app,
        login("[2001:db8:5:6:ffff::1]", None, "Demo-2026-official"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}
