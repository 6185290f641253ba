//! Server functions: Sign-in, registration, password change and reset, the session and reference data.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "session")]
pub async fn session_info() -> Result<Option<CurrentUser>, AppError> {
    Ok(ctx::user())
}

#[server(prefix = "/api/fn", endpoint = "ref_data")]
pub async fn get_ref_data() -> Result<RefData, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::ref_data(&s).await.map(|d| (*d).clone()))
}

#[server(prefix = "/api/fn", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let (token, _) =
            crate::services::login(&s, &email, &password, &ctx::client_addr(), "web").await?;
        ctx::set_cookie(&ctx::session_cookie(
            &token,
            s.settings.production,
            s.settings.session_days,
        ));
        leptos_axum::redirect(&ctx::safe_next(next));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    password_confirm: String,
    privacy: Option<String>,
    mode: String,
    org_name: Option<String>,
    org_type: Option<String>,
    credit_code: String,
    district: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    dispute_reason: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let input = crate::services::RegisterInput {
            email: email.clone(),
            display_name,
            password: password.clone(),
            password_confirm,
            privacy: privacy.is_some(),
            mode,
            org_name: org_name.unwrap_or_default(),
            org_type: org_type.unwrap_or_default(),
            credit_code,
            district: district.unwrap_or_default(),
            contact_name: contact_name.unwrap_or_default(),
            contact_phone: contact_phone.unwrap_or_default(),
            dispute_reason: dispute_reason.unwrap_or_default(),
        };
        crate::services::register(&s, input, &ctx::client_addr()).await?;
        let (token, _) =
            crate::services::login(&s, &email, &password, &ctx::client_addr(), "web").await?;
        ctx::set_cookie(&ctx::session_cookie(
            &token,
            s.settings.production,
            s.settings.session_days,
        ));
        leptos_axum::redirect("/account?welcome=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(
    old_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<bool, AppError> {
    let r = async {
        let s = ctx::state()?;
        let me = ctx::user().ok_or(AppError::Unauthenticated)?;
        crate::services::change_password(
            &s,
            &me,
            &old_password,
            &new_password,
            &new_password_confirm,
            &ctx::client_addr(),
        )
        .await?;
        // Changing the password ends every session, this one included.
        leptos_axum::redirect("/login?changed=1");
        Ok(true)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<bool, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::request_password_reset(&s, &email, &ctx::client_addr(), None).await?;
        leptos_axum::redirect("/forgot-password?sent=1");
        Ok(true)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::reset_password(
            &s,
            &token,
            &new_password,
            &new_password_confirm,
            &ctx::client_addr(),
        )
        .await?;
        leptos_axum::redirect("/login?reset=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}
