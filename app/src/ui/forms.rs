//! Forms posted without JavaScript come back with their values: a failed post returns to the
//! form's page with `__echo=<token>` (see `services::forms`), and the page fills its fields from
//! the echo instead of the saved record. The field errors come the way Leptos brings them: the
//! page's `ServerAction` starts with the error of the failed post.
use crate::model::EchoedForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::de::DeserializeOwned;

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
