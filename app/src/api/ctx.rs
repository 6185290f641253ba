//! What every server function needs: the app state, the caller, and turning a service result
//! into a response (status code, redirect for forms posted without JavaScript).
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::policy::Actor;
use crate::ports::AppState;
use leptos::prelude::*;

/// Set by the server's session middleware on every request.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    pub user: Option<CurrentUser>,
    pub token: Option<String>,
}

/// The client address as the server saw it, for rate limiting.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn auth() -> Auth {
    parts()
        .and_then(|p| p.extensions.get::<Auth>().cloned())
        .unwrap_or_default()
}

pub fn user() -> Option<CurrentUser> {
    auth().user
}

pub fn actor() -> Option<Actor> {
    user().as_ref().map(Actor::from)
}

pub fn require_actor() -> Result<Actor, AppError> {
    actor().ok_or(AppError::Unauthenticated)
}

pub fn client_addr() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientAddr>().cloned())
        .map(|c| c.0)
        .unwrap_or_else(|| "unknown".into())
}

/// The value of one cookie of the request.
pub fn cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A form posted by the browser itself (no JavaScript): it asks for HTML. Leptos answers it
/// with a redirect back to the form's page, carrying the error (see `services::forms`).
fn plain_form_post() -> bool {
    parts().is_some_and(|p| {
        p.method == http::Method::POST
            && p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Gives a failed call its HTTP status (Leptos would answer 500 for every error). A plain form
/// post keeps the redirect Leptos gives it instead: a status here would replace the redirect
/// and show the browser the raw error.
pub fn finish<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(e), false) = (&r, plain_form_post()) {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(
                http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    r
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

pub fn session_cookie(token: &str, production: bool, max_age_days: i64) -> String {
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        crate::services::SESSION_COOKIE,
        token,
        max_age_days * 86_400,
        if production { "; Secure" } else { "" }
    )
}

/// Only same-site relative paths are followed after login, so a link cannot send a user to
/// another site.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        // A path on this site only: one leading slash, then no second slash or backslash,
        // and no control characters or whitespace (browsers drop tabs and newlines, which
        // would turn "/\t/evil" into "//evil").
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && n.len() < 500 =>
        {
            n
        }
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_follows_paths_on_this_site() {
        for ok in ["/", "/demands/abc?x=1", "/search?q=%E9%93%9D"] {
            assert_eq!(safe_next(Some(ok.into())), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "https://evil.example",
            "evil",
            "/a b",
            "/%09/x\u{7}",
        ] {
            assert_eq!(safe_next(Some(bad.into())), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
