//! Forms posted without JavaScript (scripts off, or the page not hydrated yet). Leptos answers a
//! failed plain form post by redirecting back to the form's page with the error in the address
//! (`__path`, `__err`), which fills the page's `ServerAction` with that error on the server. What
//! was entered would be lost, so the server also keeps an *echo*: the posted fields (secrets
//! blanked) and the error, under a token added to the address (`__echo`).
//!
//! - An echo is read only by the browser that posted it (a random key in an `HttpOnly` cookie),
//!   for fifteen minutes, from the database, so any app server can answer the redirect.
//! - An error in an address is shown only when it is the error recorded with the echo: a link
//!   cannot put words on our pages (the server redirects such a link to the bare page).
//! - Anonymous posts keep at most 16 KiB of fields, ten times per address in fifteen minutes;
//!   beyond that the error is still kept and shown, the values are not.
use super::*;
use crate::model::EchoedForm;
use chrono::Duration;

/// The cookie holding the browser's echo key.
pub const ECHO_COOKIE: &str = "jb_echo";
/// How long an echo is kept, in minutes (also the cookie's lifetime).
pub const ECHO_MINUTES: i64 = 15;
const MAX_VALUES_SIGNED_IN: usize = 512 * 1024;
const MAX_VALUES_ANONYMOUS: usize = 16 * 1024;
const MAX_ERROR: usize = 32 * 1024;

/// Fields never kept: passwords, in every form.
pub fn is_secret_field(name: &str) -> bool {
    name.to_ascii_lowercase().contains("password")
}

/// A browser's echo key or an echo token: 32 lowercase hex digits.
pub fn is_echo_key(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a failed plain form post left: `values` URL-encoded with secrets already blanked.
pub struct EchoInput<'a> {
    pub browser_key: &'a str,
    pub path: &'a str,
    pub error: &'a str,
    pub values: &'a str,
    pub signed_in: bool,
    pub client: &'a str,
}

/// Keeps the echo and returns its token (`None` for a malformed one). Values too large, or from an
/// anonymous address over its budget, are dropped and only the error is kept.
#[tracing::instrument(skip_all)]
pub async fn stash_form_echo(
    state: &AppState,
    input: &EchoInput<'_>,
) -> Result<Option<String>, AppError> {
    let now = state.clock.now();
    let max = if input.signed_in {
        MAX_VALUES_SIGNED_IN
    } else {
        MAX_VALUES_ANONYMOUS
    };
    if !is_echo_key(input.browser_key)
        || !input.path.starts_with("/api/fn/")
        || input.path.len() > 100
        || input.error.len() > MAX_ERROR
    {
        return Ok(None);
    }
    // Too much, or an anonymous address past its budget: the error is kept, the values not.
    let keep_values = input.values.len() <= max
        && (input.signed_in
            || spend(state, &[Charge::new(FORM_ECHO_ADDRESS, input.client)], now)
                .await?
                .is_some());
    let values = if keep_values { input.values } else { "" };
    let token = Uuid::new_v4().simple().to_string();
    let row = FormEchoRow {
        token_hash: state.secrets.token_hash(&token),
        browser_hash: state.secrets.token_hash(input.browser_key),
        path: input.path.to_string(),
        error: input.error.to_string(),
        values: values.to_string(),
        created_at: now,
    };
    state
        .store
        .save_form_echo(&row, now - Duration::minutes(ECHO_MINUTES))
        .await
        .map_err(internal)?;
    Ok(Some(token))
}

/// The echo behind `token`, to the browser that made it, while it is kept.
#[tracing::instrument(skip_all)]
pub async fn form_echo(
    state: &AppState,
    browser_key: Option<&str>,
    token: &str,
) -> Result<Option<EchoedForm>, AppError> {
    let Some(key) = browser_key.filter(|k| is_echo_key(k)) else {
        return Ok(None);
    };
    if !is_echo_key(token) {
        return Ok(None);
    }
    let Some(row) = state
        .store
        .form_echo(&state.secrets.token_hash(token))
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    if row.browser_hash != state.secrets.token_hash(key)
        || state.clock.now() - row.created_at >= Duration::minutes(ECHO_MINUTES)
    {
        return Ok(None);
    }
    Ok(Some(EchoedForm {
        path: row.path,
        error: row.error,
        values: row.values,
    }))
}
