//! Server functions: what a form posted without JavaScript sent, when it failed.
use super::*;

#[server(prefix = "/api/fn", endpoint = "form_echo")]
pub async fn form_echo(token: String) -> Result<Option<EchoedForm>, AppError> {
    let r = async {
        let s = ctx::state()?;
        let key = ctx::cookie(crate::services::ECHO_COOKIE);
        crate::services::form_echo(&s, key.as_deref(), &token).await
    }
    .await;
    ctx::finish(r)
}
