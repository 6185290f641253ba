//! The OpenAPI document of `/api/v1`: it lists every route with the method the router serves,
//! and what the routes really answer (to a stranger and to an official, on success and on
//! error) is valid against the schemas it declares.
mod common;

use common::http::{api_token, get, send};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

async fn app() -> (Router, common::Backend) {
    common::http::demo_router().await
}

async fn document(app: &Router) -> Value {
    let (status, h, body) = send(app, get("/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    serde_json::from_str(&body).expect("the document is JSON")
}

fn with_token(mut r: Request<Body>, token: Option<&str>) -> Request<Body> {
    if let Some(t) = token {
        r.headers_mut().insert(
            header::AUTHORIZATION,
            format!("Bearer {t}").parse().unwrap(),
        );
    }
    r
}

/// The document's path template that a concrete path matches (`/api/v1/calls/{id}`).
fn template_of<'a>(doc: &'a Value, path: &str) -> &'a str {
    let segs: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segs.len()
                && ts
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
        .unwrap_or_else(|| panic!("{path} is in no path of the document"))
}

/// Checks a JSON response against the schema the document gives for its route and status.
fn assert_conforms(doc: &Value, method: &str, uri: &str, status: StatusCode, body: &str) {
    let path = uri.split('?').next().unwrap();
    let template = template_of(doc, path);
    let responses = &doc["paths"][template][method]["responses"];
    let response = &responses[status.as_str()];
    assert!(
        response.is_object(),
        "{method} {uri} answered {status}, which the document does not list: {body}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {uri} {status}: no JSON schema"
    );
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    let instance: Value = serde_json::from_str(body)
        .unwrap_or_else(|_| panic!("{method} {uri} {status}: not JSON: {body}"));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {uri} {status} does not match the document:\n{}\n{body}",
        errors.join("\n")
    );
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route_with_its_method() {
    let (app, _b) = app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let mut routed: Vec<String> = server::api_routes()
        .into_iter()
        .map(|(p, _)| format!("/api/v1{p}"))
        .collect();
    routed.push("/api/v1/import/{kind}".into());
    routed.sort();
    let mut documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    documented.sort();
    assert_eq!(
        documented, routed,
        "the document and the router list the same routes"
    );

    // Each documented operation is served with that method (a wrong one would answer 405),
    // and every operation documents the error shape.
    for (template, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let uri = template
                .replace("{id}", &uuid::Uuid::new_v4().to_string())
                .replace("{sha256}", &"0".repeat(64))
                .replace("{kind}", "demands");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let (status, _, body) = send(&app, req).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
            if uri != "/api/v1/openapi.json" && uri != "/api/v1/health" {
                assert!(
                    op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
                        .as_str()
                        .is_some_and(|r| r.ends_with("/ErrorBody")),
                    "{method} {template} documents its errors"
                );
            }
            if status != StatusCode::OK && status != StatusCode::CREATED {
                assert_conforms(&doc, method, &uri, status, &body);
            }
        }
    }
}

#[tokio::test]
async fn what_the_routes_answer_matches_the_document() {
    let (app, _b) = app().await;
    let doc = document(&app).await;
    let official = api_token(&app, "official@demo.jiebang.local", "Demo-2026-official").await;

    let first_id = |body: &str| -> String {
        let v: Value = serde_json::from_str(body).unwrap();
        v["items"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("a seeded record: {body}"))
            .to_string()
    };
    let (_, _, demands) = send(&app, get("/api/v1/demands")).await;
    let demand = first_id(&demands);
    let (_, _, achievements) = send(&app, get("/api/v1/achievements")).await;
    let achievement = first_id(&achievements);
    let (_, _, calls) = send(&app, get("/api/v1/calls")).await;
    let call = first_id(&calls);

    let mut checked = 0;
    for token in [None, Some(official.as_str())] {
        for uri in [
            "/api/v1/health".to_string(),
            "/api/v1/me".into(),
            "/api/v1/demands?per_page=5".into(),
            format!("/api/v1/demands/{demand}"),
            "/api/v1/search?q=新能源汽车".into(),
            "/api/v1/search?q=电池&kind=achievement&trl_min=3&sort=newest".into(),
            "/api/v1/achievements".into(),
            format!("/api/v1/achievements/{achievement}"),
            "/api/v1/experts".into(),
            "/api/v1/calls".into(),
            format!("/api/v1/calls/{call}"),
            "/api/v1/bids".into(),
            format!("/api/v1/receipts/{}", "ab".repeat(32)),
            "/api/v1/stats/turnover?group_by=year".into(),
            "/api/v1/stats/turnover?group_by=district&from=2020-01-01".into(),
            "/api/v1/stats/contracts".into(),
            "/api/v1/targets".into(),
            // Refusals: each in the error shape, with the status the document names.
            "/api/v1/demands/not-a-uuid".into(),
            "/api/v1/demands?page=0".into(),
            "/api/v1/search?trl_min=12".into(),
            "/api/v1/search?q=a&q=b".into(),
            "/api/v1/stats/turnover?group_by=colour".into(),
            "/api/v1/ocds/releases?since=yesterday".into(),
        ] {
            let (status, h, body) = send(&app, with_token(get(&uri), token)).await;
            assert!(status.as_u16() < 500, "{uri}: {status} {body}");
            assert!(
                h[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{uri}"
            );
            assert_conforms(&doc, "get", &uri, status, &body);
            checked += 1;
        }
    }
    assert_eq!(checked, 46);

    // A contract application, refused field by field and then accepted: both as documented.
    let post = |body: Value| {
        with_token(
            common::http::post_json("/api/v1/contracts", &body.to_string()),
            Some(official.as_str()),
        )
    };
    let (status, _, body) = send(&app, post(json!({ "title": "" }))).await;
    assert!(status.is_client_error(), "{status} {body}");
    assert_conforms(&doc, "post", "/api/v1/contracts", status, &body);
    // A cross-site POST from a browser is refused in the same shape.
    let req = Request::post("/api/v1/contracts")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, "jb_session=x")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_conforms(&doc, "post", "/api/v1/contracts", status, &body);
    assert!(body.contains("\"csrf\""), "{body}");
}
