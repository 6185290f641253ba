//! Jiebang (揭榜): the shared crate. `domain`, `model`, `policy` and `i18n` are pure and compile
//! for the browser too; `ports`, `services` and the server-function bodies only exist under `ssr`.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod records;
#[cfg(feature = "ssr")]
pub mod services;
pub mod ui;

pub use ui::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
