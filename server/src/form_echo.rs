//! The server half of forms that work without JavaScript (see `app::services::forms`).
//!
//! - A failed plain form post to a server function: Leptos redirects back to the form's page
//!   with `__path` and `__err`. Here the posted fields (passwords blanked) are kept with that
//!   error, the redirect gains `__echo=<token>`, and the browser gets its echo-key cookie.
//! - A page request carrying `__err` or `__echo`: shown only when they are an echo this
//!   browser made, still kept; otherwise the browser is sent to the same page without them, so
//!   a link cannot make our pages show text of its choosing.
use crate::BODY_LIMIT;
use app::api::ctx::{Auth, ClientAddr};
use app::ports::AppState;
use app::services::{self, EchoInput, ECHO_COOKIE, ECHO_MINUTES};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

const KEYS: [&str; 3] = ["__path", "__err", "__echo"];

pub async fn layer(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    if req.method() == Method::POST
        && req.uri().path().starts_with("/api/fn/")
        && accepts_html(req.headers())
        && is_urlencoded(req.headers())
    {
        return plain_post(state, req, next).await;
    }
    if req.method() == Method::GET {
        if let Some(query) = req.uri().query() {
            let pairs = pairs(query);
            if pairs.iter().any(|(k, _)| KEYS.contains(&k.as_str())) {
                let key = crate::web::cookie_value(req.headers(), ECHO_COOKIE);
                if !echo_is_genuine(&state, key.as_deref(), &pairs).await {
                    let clean = with_query(req.uri().path(), &without_echo(&pairs));
                    return Redirect::to(&clean).into_response();
                }
            }
        }
    }
    next.run(req).await
}

async fn plain_post(state: AppState, req: Request<Body>, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let signed_in = parts
        .extensions
        .get::<Auth>()
        .is_some_and(|a| a.user.is_some());
    let client = parts
        .extensions
        .get::<ClientAddr>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let existing_key =
        crate::web::cookie_value(&parts.headers, ECHO_COOKIE).filter(|k| services::is_echo_key(k));
    let values = blank_secrets(&bytes);
    let mut res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return res;
    };
    let (base, query) = location.split_once('?').unwrap_or((&location, ""));
    let pairs = pairs(query);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let new_location = match (get("__path"), get("__err")) {
        (Some(path), Some(error)) => {
            let key = existing_key.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
            let input = EchoInput {
                browser_key: &key,
                path,
                error,
                values: &values,
                signed_in,
                client: &client,
            };
            match services::stash_form_echo(&state, &input).await {
                Ok(Some(token)) => {
                    let cookie = format!(
                        "{ECHO_COOKIE}={key}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                        ECHO_MINUTES * 60,
                        if state.settings.production {
                            "; Secure"
                        } else {
                            ""
                        }
                    );
                    if let Ok(v) = HeaderValue::from_str(&cookie) {
                        res.headers_mut().append(header::SET_COOKIE, v);
                    }
                    let mut kept = without_echo(&pairs);
                    kept.push(("__path".into(), path.into()));
                    kept.push(("__err".into(), error.into()));
                    kept.push(("__echo".into(), token));
                    with_query(base, &kept)
                }
                // Malformed (or the database failed): the bare form rather than an unverifiable
                // error.
                _ => with_query(base, &without_echo(&pairs)),
            }
        }
        // A success, or an error the server did not encode: no echo travels on.
        _ if get("__echo").is_some() => with_query(base, &without_echo(&pairs)),
        _ => return res,
    };
    if let Ok(v) = HeaderValue::from_str(&new_location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

async fn echo_is_genuine(state: &AppState, key: Option<&str>, pairs: &[(String, String)]) -> bool {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let (Some(path), Some(error), Some(token)) = (get("__path"), get("__err"), get("__echo"))
    else {
        return false;
    };
    matches!(
        services::form_echo(state, key, token).await,
        Ok(Some(e)) if e.path == path && e.error == error
    )
}

fn accepts_html(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn is_urlencoded(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn without_echo(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| !KEYS.contains(&k.as_str()))
        .cloned()
        .collect()
}

fn with_query(base: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return base.to_string();
    }
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{base}?{q}")
}

/// The posted fields, URL-encoded again, with every password emptied (the key stays, so the
/// form's arguments still parse).
fn blank_secrets(body: &[u8]) -> String {
    let fields = form_urlencoded::parse(body).map(|(k, v)| {
        let v = if services::is_secret_field(&k) {
            String::new()
        } else {
            v.into_owned()
        };
        (k.into_owned(), v)
    });
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_blanked_and_other_fields_kept() {
        let out = blank_secrets(
            "email=a%40b.cn&password=s3cret&new_password_confirm=x&title=%E9%93%9D+%E6%9D%90"
                .as_bytes(),
        );
        let p = pairs(&out);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("email"), Some("a@b.cn"));
        assert_eq!(get("password"), Some(""));
        assert_eq!(get("new_password_confirm"), Some(""));
        assert_eq!(get("title"), Some("铝 材"));
        assert!(!out.contains("s3cret"));
    }

    #[test]
    fn echo_keys_are_removed_and_other_parameters_kept() {
        let p = pairs("q=%E9%93%9D&__path=%2Fapi%2Ffn%2Fx&__err=abc&__echo=t&page=2");
        assert_eq!(
            with_query("/search", &without_echo(&p)),
            "/search?q=%E9%93%9D&page=2"
        );
        assert_eq!(
            with_query("/login", &without_echo(&pairs("__err=x"))),
            "/login"
        );
    }
}
