//! Forms posted without JavaScript come back with their values: a failed post returns to the
//! form's page with `__echo=<token>` (see `services::forms`), and the page fills its fields from
//! the echo instead of the saved record. The field errors come the way Leptos brings them: the
//! page's `ServerAction` starts with the error of the failed post.
use crate::error::AppError;
use crate::model::{CurrentUser, EchoedForm};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{de::DeserializeOwned, Serialize};

/// The echo named in the address, if this browser made it and it is still kept.
pub fn use_echo() -> Resource<Option<EchoedForm>> {
    let query = use_query_map();
    Resource::new(
        move || query.read().get("__echo"),
        |token| async move {
            match token {
                Some(t) => crate::api::form_echo(t).await.ok().flatten(),
                None => None,
            }
        },
    )
}

/// The arguments the failed post gave server function `S`, when the echo is of that form.
pub fn echoed<S: ServerFn + DeserializeOwned>(echo: &Option<EchoedForm>) -> Option<S> {
    let e = echo.as_ref().filter(|e| e.path == S::PATH)?;
    serde_qs::Config::new(5, false)
        .deserialize_str::<S>(&e.values)
        .ok()
}

/// The saved form of the record named by the page's `:id` (none on a `/new` page), read with
/// `load` (the kind's `get_…_form` server function).
pub fn use_saved_form<F, Fut>(load: fn(String) -> Fut) -> Resource<Result<Option<F>, AppError>>
where
    F: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<F, AppError>> + Send + 'static,
{
    let params = use_params_map();
    Resource::new(
        move || params.read().get("id"),
        move |id| async move {
            match id {
                Some(id) => load(id).await.map(Some),
                None => Ok(None),
            }
        },
    )
}

/// What a record form starts from: the values of a failed post without JavaScript (`posted`
/// turns the server function's arguments into the form), else the saved record, else `blank`;
/// and whether an existing record is being edited. `Err` to show instead when the reader is not
/// signed in or may not edit the record.
pub async fn record_form_start<F, S>(
    session: Resource<Result<Option<CurrentUser>, AppError>>,
    saved: Resource<Result<Option<F>, AppError>>,
    echo: Resource<Option<EchoedForm>>,
    posted: impl FnOnce(S) -> F,
    blank: impl FnOnce() -> F,
) -> Result<(bool, F), AppError>
where
    F: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    S: ServerFn + DeserializeOwned,
{
    if session.await.ok().flatten().is_none() {
        return Err(AppError::Unauthenticated);
    }
    let saved = saved.await?;
    let editing = saved.is_some();
    let form = echoed::<S>(&echo.await)
        .map(posted)
        .or(saved)
        .unwrap_or_else(blank);
    Ok((editing, form))
}
