//! The HTTP surface in-process: REST routes, CSRF, sessions, language switch, security headers
//! and what public HTML contains.
mod common;

use common::http::{api_token, get, post_json, send};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;

async fn app() -> (Router, common::Backend) {
    common::http::demo_router().await
}

#[tokio::test]
async fn health_reports_status_database_and_version() {
    let (app, _b) = app().await;
    let (status, headers, body) = send(&app, get("/api/v1/health")).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], "sqlite");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn api_login_returns_a_bearer_token_with_user_and_roles() {
    let (app, _b) = app().await;
    let (status, _, body) = send(
        &app,
        post_json(
            "/api/v1/auth/login",
            r#"{"email":"official@demo.jiebang.local","password":"Demo-2026-official"}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["roles"][0], "official");
    assert_eq!(v["user"]["email"], "official@demo.jiebang.local");
    assert!(!body.contains("password_hash"));
    let token = v["token"].as_str().unwrap();
    let mut req = get("/api/v1/me");
    req.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Wrong password and unknown account look the same; bad JSON is a clear 422.
    let (s1, _, b1) = send(
        &app,
        post_json(
            "/api/v1/auth/login",
            r#"{"email":"official@demo.jiebang.local","password":"nope-nope-1"}"#,
        ),
    )
    .await;
    let (s2, _, b2) = send(
        &app,
        post_json(
            "/api/v1/auth/login",
            r#"{"email":"ghost@demo.jiebang.local","password":"nope-nope-1"}"#,
        ),
    )
    .await;
    assert_eq!((s1, b1.clone()), (s2, b2));
    assert_eq!(s1, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b1.contains("邮箱或密码不正确"), "{b1}");
    let (s3, _, b3) = send(&app, post_json("/api/v1/auth/login", "{not json")).await;
    assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b3.contains("message_en"), "{b3}");
}

#[tokio::test]
async fn public_demand_api_pages_and_never_carries_confidential_fields() {
    let (app, _b) = app().await;
    let (status, _, body) = send(&app, get("/api/v1/demands?page=1&per_page=4")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 10);
    assert_eq!(v["items"].as_array().unwrap().len(), 4);
    assert_eq!(v["per_page"], 4);
    assert!(!body.contains("confidential"), "{body}");
    let id = v["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, one) = send(&app, get(&format!("/api/v1/demands/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!one.contains("confidential"));
    // Even the owner's token gets only public fields from the API.
    let token = api_token(&app, "official@demo.jiebang.local", "Demo-2026-official").await;
    let mut req = get(&format!("/api/v1/demands/{id}"));
    req.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    let (_, _, as_official) = send(&app, req).await;
    assert!(!as_official.contains("confidential"));
    for bad in ["page=abc", "page=0", "per_page=-1"] {
        let (status, _, body) = send(&app, get(&format!("/api/v1/demands?{bad}"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let (status, _, _) = send(&app, get("/api/v1/demands/not-a-uuid")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&app, get("/api/v1/nothing-here")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_anything_runs() {
    let (app, b) = app().await;
    let users_before = b.raw.count("SELECT COUNT(*) FROM users").await;
    let form = "email=evil%40example.cn&display_name=x&password=Correct-horse-9&password_confirm=Correct-horse-9&privacy=yes&mode=new&org_name=%E6%81%B6%E6%84%8F&org_type=enterprise&credit_code=91450100MA5KQWQW0X&district=qingxiu&contact_name=x&contact_phone=07715550000";
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![],
    ] {
        let mut req = Request::post("/api/fn/register")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, "lang=en");
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let (status, _, body) = send(&app, req.body(Body::from(form)).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(body.contains("cross-site request forgery"), "{body}");
    }
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM users").await,
        users_before
    );
    // Logout is a state change too.
    let req = Request::post("/auth/logout")
        .header(header::HOST, "127.0.0.1:3000")
        .header("origin", "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, req).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn same_origin_form_login_sets_a_hardened_cookie_and_tampering_signs_out() {
    let (app, _b) = app().await;
    let req = Request::post("/api/fn/login")
        .header(header::HOST, "127.0.0.1:3000")
        .header("origin", "http://127.0.0.1:3000")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("email=enterprise%40demo.jiebang.local&password=Demo-2026-enterprise_member&next=%2F%2Fevil.example"))
        .unwrap();
    let (status, headers, body) = send(&app, req).await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status} {body}"
    );
    let cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("jb_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(
        headers.get(header::LOCATION).map(|v| v.to_str().unwrap()),
        Some("/"),
        "no open redirect"
    );
    let token = cookie
        .trim_start_matches("jb_session=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = |t: String| {
        let mut r = get("/api/v1/me");
        r.headers_mut()
            .insert(header::COOKIE, format!("jb_session={t}").parse().unwrap());
        r
    };
    assert_eq!(send(&app, me(token.clone())).await.0, StatusCode::OK);
    let mut tampered = token.clone();
    tampered.replace_range(0..1, if token.starts_with('a') { "b" } else { "a" });
    assert_eq!(send(&app, me(tampered)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn language_switch_remembers_choice_and_only_redirects_locally() {
    let (app, _b) = app().await;
    let (status, headers, _) = send(&app, get("/lang/en?next=/demands/x%3Fa%3D1")).await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/demands/x?a=1");
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("lang=en"));
    let (_, headers, _) = send(&app, get("/lang/en?next=https://evil.example")).await;
    assert_eq!(headers[header::LOCATION], "/");
    let (_, headers, _) = send(&app, get("/lang/zh?next=//evil.example")).await;
    assert_eq!(headers[header::LOCATION], "/");
}

#[tokio::test]
async fn public_pages_render_in_chinese_or_english_without_confidential_detail() {
    let (app, b) = app().await;
    let (status, _, html) = send(&app, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("技术需求榜"), "Chinese by default");
    assert!(html.contains("lang=\"zh-CN\""));
    let mut req = get("/");
    req.headers_mut()
        .insert(header::COOKIE, "lang=en".parse().unwrap());
    let (_, _, en) = send(&app, req).await;
    assert!(en.contains("Technical demands"));
    // Every seeded confidential detail is absent from the public list and detail pages.
    use sqlx::Row;
    let common::Raw::Sqlite(pool) = &b.raw else {
        unreachable!()
    };
    let rows = sqlx::query(
        "SELECT id, confidential_detail FROM demands WHERE status IN ('published', 'in_call')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 10);
    for r in rows {
        let id: uuid::Uuid = r.get("id");
        let secret: String = r.get("confidential_detail");
        let probe: String = secret.chars().take(12).collect();
        assert!(!html.contains(&probe));
        let (status, _, page) = send(&app, get(&format!("/demands/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !page.contains(&probe),
            "confidential detail leaked on /demands/{id}"
        );
    }
    let (status, _, _) = send(&app, get(&format!("/demands/{}", uuid::Uuid::new_v4()))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn achievements_and_search_apis_return_public_json_and_refuse_bad_parameters() {
    let (app, b) = app().await;
    let (status, _, body) = send(&app, get("/api/v1/achievements?per_page=3")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 7, "the seven published demo achievements");
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    let id = v["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, one) = send(&app, get(&format!("/api/v1/achievements/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(one.contains("transfer_modes"));
    // Search: an empty index until the outbox is applied, then results.
    let state = common::state(b.store.clone());
    server::search::catch_up(b.store.as_ref(), state.search.as_ref())
        .await
        .unwrap();
    let app = server::router(state);
    let (status, _, body) =
        send(&app, get("/api/v1/search?q=%E7%94%98%E8%94%97&kind=demand")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1);
    assert!(v["facets"]["chain"].is_array());
    assert!(v["hits"][0]["highlights"].is_array());
    for bad in [
        "chain=x%27%20OR%201%3D1",
        "trl_min=0",
        "sort=random",
        "kind=user",
        "per_page=1000",
    ] {
        let (status, _, body) = send(&app, get(&format!("/api/v1/search?q=a&{bad}"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(body.contains("message_zh"));
    }
    let long = "%E9%95%BF".repeat(201);
    let (status, _, _) = send(&app, get(&format!("/api/v1/search?q={long}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn import_api_is_for_officials_and_refuses_oversized_files_early() {
    let (app, b) = app().await;
    let csv = std::fs::read(common::seeds_dir().join("examples/organizations.csv")).unwrap();
    let post = |token: Option<&str>, body: Vec<u8>| {
        let mut r = Request::post("/api/v1/import/organizations?file_name=organizations.csv")
            .header(header::HOST, "127.0.0.1:3000");
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::from(body)).unwrap()
    };
    // Without a bearer token a POST is a browser request and must prove its origin first.
    assert_eq!(
        send(&app, post(None, csv.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let enterprise = api_token(
        &app,
        "enterprise@demo.jiebang.local",
        "Demo-2026-enterprise_member",
    )
    .await;
    assert_eq!(
        send(&app, post(Some(&enterprise), csv.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let official = api_token(&app, "official@demo.jiebang.local", "Demo-2026-official").await;
    let before = b.raw.count("SELECT COUNT(*) FROM organizations").await;
    let (status, _, body) = send(&app, post(Some(&official), csv.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["imported"], 3);
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM organizations").await,
        before + 3
    );
    let (status, _, body) = send(&app, post(Some(&official), csv)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("credit_code"));
    // A declared size over the limit is refused before the body is read (as a 500 MB upload
    // would be).
    let huge = vec![b'a'; server::import::MAX_IMPORT_BYTES + 10];
    let mut req = post(Some(&official), huge);
    req.headers_mut().insert(
        header::CONTENT_LENGTH,
        (server::import::MAX_IMPORT_BYTES + 10).into(),
    );
    assert_eq!(send(&app, req).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // Other routes keep the small limit.
    let big_json = format!(
        r#"{{"email":"a@b.cn","password":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let mut req = post_json("/api/v1/auth/login", &big_json);
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, big_json.len().into());
    assert_eq!(send(&app, req).await.0, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn import_form_without_javascript_uploads_redirects_and_shows_the_report() {
    let (app, b) = app().await;
    let official = api_token(&app, "official@demo.jiebang.local", "Demo-2026-official").await;
    let enterprise = api_token(
        &app,
        "enterprise@demo.jiebang.local",
        "Demo-2026-enterprise_member",
    )
    .await;
    let csv = std::fs::read(common::seeds_dir().join("examples/organizations.csv")).unwrap();
    let boundary = "jiebangBoundary7MA4YWxk";
    let form = |kind: &str, file: &[u8]| {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"organizations.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    };
    let upload = |cookie: &str, origin: &str, body: Vec<u8>| {
        Request::post("/admin/import/upload")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, format!("jb_session={cookie}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap()
    };
    let page = |cookie: &str, location: &str| {
        Request::get(location)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::COOKIE, format!("jb_session={cookie}"))
            .body(Body::empty())
            .unwrap()
    };
    let before = b.raw.count("SELECT COUNT(*) FROM organizations").await;
    // Another site's form, and a non-official, change nothing.
    let (status, _, _) = send(
        &app,
        upload(
            &official,
            "https://evil.example",
            form("organizations", &csv),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        upload(
            &enterprise,
            "http://127.0.0.1:3000",
            form("organizations", &csv),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM organizations").await,
        before
    );
    // The official's upload imports, then the page shows the report.
    let (status, headers, _) = send(
        &app,
        upload(
            &official,
            "http://127.0.0.1:3000",
            form("organizations", &csv),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with("/admin/import?result="), "{location}");
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM organizations").await,
        before + 3
    );
    let (status, _, html) = send(&app, page(&official, &location)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已导入 3 行"), "report shown on the page");
    // Only to the official who uploaded: another account sees no report.
    let (_, _, html) = send(&app, page(&enterprise, &location)).await;
    assert!(!html.contains("已导入 3 行"));
    // The same file again: every row is listed, nothing written.
    let (_, headers, _) = send(
        &app,
        upload(
            &official,
            "http://127.0.0.1:3000",
            form("organizations", &csv),
        ),
    )
    .await;
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, _, html) = send(&app, page(&official, &location)).await;
    assert!(html.contains("data-testid=\"import-errors\""), "{html}");
    assert_eq!(
        html.matches(r#"<td class="mono">credit_code</td>"#).count(),
        3,
        "three bad rows listed"
    );
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM organizations").await,
        before + 3
    );
    // No file chosen: a clear message, nothing written.
    let (_, headers, _) = send(
        &app,
        upload(
            &official,
            "http://127.0.0.1:3000",
            form("organizations", b""),
        ),
    )
    .await;
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, _, html) = send(&app, page(&official, &location)).await;
    assert!(html.contains("请选择要导入的文件"), "{html}");
}

#[tokio::test]
async fn search_facets_show_labels_never_raw_codes_in_either_language() {
    let b = common::sqlite().await;
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &common::seeds_dir(),
        true,
    )
    .await
    .expect("seeds");
    let state = common::state(b.store.clone());
    server::search::reindex(state.store.as_ref(), state.search.as_ref())
        .await
        .expect("index");
    let app = server::router(state);
    let mut checked = 0;
    for kind in ["", "demand", "achievement", "expert", "organization"] {
        let (status, _, body) = send(&app, get(&format!("/api/v1/search?kind={kind}"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let facets = v["facets"].as_object().expect("facets");
        for lang in ["zh", "en"] {
            let mut req = get(&format!("/search?kind={kind}"));
            req.headers_mut()
                .insert(header::COOKIE, format!("lang={lang}").parse().unwrap());
            let (status, _, html) = send(&app, req).await;
            assert_eq!(status, StatusCode::OK);
            for (name, values) in facets {
                for fc in values.as_array().unwrap() {
                    let code = fc["value"].as_str().unwrap();
                    // The facet's own list, from its heading to the end of its list.
                    let start = html
                        .find(&format!("data-testid=\"facet-{name}\""))
                        .unwrap_or_else(|| panic!("{kind} {lang}: no {name} facet shown"));
                    let section = &html[start..];
                    let section = &section[..section.find("</ul>").unwrap_or(section.len())];
                    assert!(
                        !section.contains(&format!(">{code}</a>")),
                        "{kind} {lang}: facet {name} shows the raw code {code:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // Every dimension with values was walked, transfer modes included.
    assert!(checked > 50, "{checked}");
    let (_, _, body) = send(&app, get("/api/v1/search?kind=achievement")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(!v["facets"]["transfer_mode"].as_array().unwrap().is_empty());
}

/// A form post as a browser without JavaScript sends it, from `referer`.
fn plain_post(uri: &str, referer: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri)
        .header(header::HOST, "127.0.0.1:3000")
        .header("origin", "http://127.0.0.1:3000")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("http://127.0.0.1:3000{referer}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

fn set_cookie(headers: &header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn a_failed_form_without_javascript_comes_back_with_its_errors_and_values_but_no_password() {
    let (app, _b) = app().await;
    let (status, headers, body) = send(
        &app,
        plain_post(
            "/api/fn/login",
            "/login",
            "email=nobody%40example.cn&password=Secret-guess-42&next=%2F",
            None,
        ),
    )
    .await;
    assert!(status.is_redirection(), "{status} {body}");
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(
        location.starts_with("http://127.0.0.1:3000/login?"),
        "{location}"
    );
    assert!(
        location.contains("__err=") && location.contains("__echo="),
        "{location}"
    );
    let echo = set_cookie(&headers, "jb_echo").expect("echo cookie");
    let page = location.trim_start_matches("http://127.0.0.1:3000");

    // The browser follows the redirect with its cookie: the error and the e-mail are there.
    let mut req = get(page);
    req.headers_mut()
        .insert(header::COOKIE, echo.parse().unwrap());
    let (status, _, html) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("邮箱或密码不正确"), "the error is shown");
    assert!(
        html.contains(r#"value="nobody@example.cn""#),
        "the e-mail is kept"
    );
    assert!(
        !html.contains("Secret-guess-42"),
        "the password is never echoed"
    );

    // Another browser (no echo cookie) opening the same address gets the bare page.
    let (status, headers, _) = send(&app, get(page)).await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/login");
}

#[tokio::test]
async fn an_address_with_an_error_the_server_did_not_record_is_sent_to_the_bare_page() {
    let (app, _b) = app().await;
    // {"Validation":[{"field":"email","zh":"请致电 400-000-0000 领取补贴","en":"Call us"}]}
    let forged = "eyJWYWxpZGF0aW9uIjpbeyJmaWVsZCI6ImVtYWlsIiwiemgiOiLor7fnlLXor50gNDAwLTAwMC0wMDAwIOmihuWPluihpei0tCIsImVuIjoiQ2FsbCB1cyJ9XX0%3D";
    for uri in [
        format!("/login?__path=%2Fapi%2Ffn%2Flogin&__err={forged}"),
        format!("/login?__path=%2Fapi%2Ffn%2Flogin&__err={forged}&__echo=0123456789abcdef0123456789abcdef"),
        "/search?q=x&__echo=0123456789abcdef0123456789abcdef".to_string(),
    ] {
        let (status, headers, _) = send(&app, get(&uri)).await;
        assert!(status.is_redirection(), "{uri}");
        let to = headers[header::LOCATION].to_str().unwrap();
        assert!(!to.contains("__"), "{to}");
    }
}

#[tokio::test]
async fn a_signed_in_form_without_javascript_keeps_long_chinese_text_and_its_field_errors() {
    let (app, _b) = app().await;
    let token = api_token(
        &app,
        "enterprise@demo.jiebang.local",
        "Demo-2026-enterprise_member",
    )
    .await;
    let session = format!("jb_session={token}");
    let description = "需要一种耐高温的铝合金表面处理工艺，".repeat(20);
    let body = format!(
        "id=&intent=save&title=%E9%93%9D&description={}&chain=&field=&keywords=&budget_min=abc&budget_max=&trl=6&deadline=&ip_preference=negotiable&confidential_detail=",
        form_urlencoded::byte_serialize(description.as_bytes()).collect::<String>()
    );
    let (status, headers, _) = send(
        &app,
        plain_post("/api/fn/save_demand", "/demands/new", &body, Some(&session)),
    )
    .await;
    assert!(status.is_redirection());
    let location = headers[header::LOCATION].to_str().unwrap();
    let echo = set_cookie(&headers, "jb_echo").expect("echo cookie");
    let mut req = get(location.trim_start_matches("http://127.0.0.1:3000"));
    req.headers_mut().insert(
        header::COOKIE,
        format!("{session}; {echo}").parse().unwrap(),
    );
    let (status, _, html) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&description), "the description is kept");
    assert!(html.contains(r#"value="铝""#), "the title is kept");
    assert!(
        html.contains("error-summary") && html.contains("field-error"),
        "field errors are shown"
    );
}

#[tokio::test]
async fn past_its_budget_an_anonymous_address_still_sees_its_errors_but_not_its_values() {
    let (app, _b) = app().await;
    let mut last = None;
    for i in 0..12 {
        let body = format!("email=guess{i}%40example.cn&password=Wrong-guess-{i}&next=%2F");
        let (status, headers, _) =
            send(&app, plain_post("/api/fn/login", "/login", &body, None)).await;
        assert!(status.is_redirection());
        last = Some(headers);
    }
    let headers = last.unwrap();
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(
        location.contains("__err=") && location.contains("__echo="),
        "{location}"
    );
    let echo = set_cookie(&headers, "jb_echo").expect("echo cookie");
    let mut req = get(location.trim_start_matches("http://127.0.0.1:3000"));
    req.headers_mut()
        .insert(header::COOKIE, echo.parse().unwrap());
    let (status, _, html) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("error-summary"), "the error is still shown");
    assert!(
        !html.contains("guess11@example.cn"),
        "the values are no longer kept"
    );
}

/// `POST /api/v1/contracts`: an outside system applies for its organization with a bearer
/// token. Amounts may be numbers (万元) or text with a unit; every bad field comes back at once
/// with 422 and nothing is written; the applicant then reads it back, a visitor cannot.
#[tokio::test]
async fn contract_applications_come_in_over_rest_and_bad_ones_change_nothing() {
    let (app, b) = app().await;
    let token = api_token(
        &app,
        "enterprise@demo.jiebang.local",
        "Demo-2026-enterprise_member",
    )
    .await;
    let post = |token: Option<&str>, body: &str| {
        let mut r = Request::post("/api/v1/contracts")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::from(body.to_string())).unwrap()
    };
    let good = serde_json::json!({
        "contract_type": "service",
        "title": "甘蔗压榨线能耗诊断技术服务",
        "counterpart_name": "柳州某糖业有限公司",
        "counterpart_credit_code": common::people::code("91450200JBREXTC01"),
        "counterpart_type": "enterprise",
        "counterpart_place": "guangxi",
        "contract_amount": 80,
        "tech_amount": "60万",
        "non_technical": "检测仪器 | 20",
        "signed_on": "2026-06-01",
        "chain": "modern_agriculture.efficient_production",
        "field": "节能诊断",
        "ip_type": "technical_secret",
        "contract_type_note": "unknown fields are ignored",
    });
    let count = || b.raw.count("SELECT COUNT(*) FROM contracts");
    let before = count().await;
    let (status, _, body) = send(&app, post(None, &good.to_string())).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a POST without a token must prove its origin: {body}"
    );
    let (status, _, body) = send(&app, post(Some(&token), "合同")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("JSON"), "{body}");
    let mut bad = good.clone();
    bad["contract_type"] = "技术买卖".into();
    bad["tech_amount"] = "90万".into();
    bad["signed_on"] = "1999-12-31".into();
    bad["demand_ref"] = "/demands/not-an-id".into();
    let (status, _, body) = send(&app, post(Some(&token), &bad.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["contract_type", "tech_amount", "signed_on"] {
        assert!(fields.contains(&f), "{f} missing from {body}");
    }
    assert!(v["error"]["message_zh"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let mut nested = good.clone();
    nested["title"] = serde_json::json!({"zh": "x"});
    let (status, _, body) = send(&app, post(Some(&token), &nested.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(count().await, before, "nothing written");

    let (status, _, body) = send(&app, post(Some(&token), &good.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "submitted");
    let id = v["id"].as_str().unwrap().to_string();
    let read = |t: Option<&str>| {
        let mut r =
            Request::get(format!("/api/v1/contracts/{id}")).header(header::HOST, "127.0.0.1:3000");
        if let Some(t) = t {
            r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    let (status, _, body) = send(&app, read(Some(&token))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(d["contract_amount_fen"], 80 * 1_000_000);
    assert_eq!(d["tech_amount_fen"], 60 * 1_000_000);
    assert_eq!(send(&app, read(None)).await.0, StatusCode::NOT_FOUND);
    // A draft on request.
    let mut draft = good.clone();
    draft["submit"] = false.into();
    let (status, _, body) = send(&app, post(Some(&token), &draft.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.contains("\"draft\""), "{body}");
    assert_eq!(count().await, before + 2);
}

#[tokio::test]
async fn the_open_data_feed_pages_by_its_cursor_and_refuses_bad_parameters() {
    let (app, _b) = app().await;
    let (status, _, body) = send(&app, get("/api/v1/ocds/releases")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let first = v["releases"].as_array().unwrap();
    assert!(!first.is_empty(), "the demo calls are published");
    assert!(
        !body.contains("demo.jiebang.local"),
        "no person's e-mail in open data"
    );
    let mut seen: Vec<String> = first
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut next = v["next_after"].as_i64().unwrap();
    let mut more = v["has_more"].as_bool().unwrap();
    while more {
        let (status, _, body) =
            send(&app, get(&format!("/api/v1/ocds/releases?after={next}"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        seen.extend(
            v["releases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        next = v["next_after"].as_i64().unwrap();
        more = v["has_more"].as_bool().unwrap();
    }
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n, "the cursor never repeats a release");
    let (_, _, body) = send(&app, get(&format!("/api/v1/ocds/releases?after={next}"))).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["releases"].as_array().unwrap().is_empty());
    for bad in [
        "after=-1",
        "after=abc",
        "after=1e9",
        "since=yesterday",
        "since=2027-13-01T00:00:00Z",
    ] {
        let (status, _, body) = send(&app, get(&format!("/api/v1/ocds/releases?{bad}"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(body.contains("message_zh"), "{bad}: {body}");
    }
}

/// The districts and chains travel only with the pages that show them, and come from memory.
#[tokio::test]
async fn reference_data_goes_only_to_pages_that_show_it_and_is_held_in_memory() {
    let (state, b) = common::http::demo_state().await;
    let app = server::router(state.clone());
    // 宾阳县 is a district the home page's filter offers; the privacy notice shows no district.
    let (_, _, home) = send(&app, get("/")).await;
    assert!(home.contains("宾阳县"), "the home page's district filter");
    for page in ["/privacy", "/login"] {
        let (status, _, html) = send(&app, get(page)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !html.contains("宾阳县") && !html.contains("\\\"districts\\\""),
            "{page} carries the reference list it does not show"
        );
    }
    // Renamed behind the cache's back, a district keeps its held name until the cache is told.
    let common::Raw::Sqlite(pool) = &b.raw else {
        unreachable!()
    };
    sqlx::query("UPDATE districts SET name_zh = '宾阳测试县' WHERE name_zh = '宾阳县'")
        .execute(pool)
        .await
        .unwrap();
    let (_, _, held) = send(&app, get("/")).await;
    assert!(held.contains("宾阳县") && !held.contains("宾阳测试县"));
    state.refs.invalidate();
    let (_, _, fresh) = send(&app, get("/")).await;
    assert!(fresh.contains("宾阳测试县"));
}
