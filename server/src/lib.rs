//! The Jiebang server: configuration, the database and search adapters, HTTP plumbing, REST,
//! seeds and the command line. The pages and use cases live in the `app` crate.
pub mod bench;
pub mod bench_contracts;
#[cfg(feature = "bench-page")]
pub mod bench_page;
pub mod config;
pub mod contract_gen;
pub mod export;
pub mod files;
pub mod form_echo;
pub mod import;
pub mod mailer;
pub mod rest;
pub mod search;
pub mod secrets;
pub mod seeds;
pub mod stats_cache;
pub mod store;
pub mod web;

use app::ports::{AppState, Settings, SystemClock};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Largest request body accepted anywhere (forms and JSON); imports and attachments have their own.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn build_state(
    leptos_options: LeptosOptions,
    store: Arc<dyn app::ports::Store>,
    search_index: Arc<dyn app::ports::SearchIndex>,
    files: Arc<dyn app::ports::FileStore>,
    cfg: &config::Config,
) -> AppState {
    AppState {
        leptos_options,
        // Figures are summed in memory; another process's changes show within a minute.
        stats: Arc::new(stats_cache::CachedStats::new(
            store.clone(),
            std::time::Duration::from_secs(60),
        )),
        store,
        clock: Arc::new(SystemClock),
        secrets: Arc::new(secrets::Argon2Secrets),
        search: search_index,
        settings: Settings {
            production: cfg.production,
            public_url: cfg.public_url.clone(),
            session_days: 7,
            max_upload_bytes: cfg.max_upload_bytes,
            ocid_prefix: cfg.ocid_prefix.clone(),
            trusted_proxies: cfg.trusted_proxies.clone(),
        },
        files,
        refs: Default::default(),
    }
}

/// The REST routes under `/api/v1`, as one list, so tests (the sealed-bid proof) walk every one.
pub fn api_routes() -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    vec![
        ("/openapi.json", get(rest::openapi::openapi_json)),
        ("/health", get(rest::health)),
        ("/auth/login", post(rest::login)),
        ("/me", get(rest::me)),
        ("/demands", get(rest::list_demands)),
        ("/demands/{id}", get(rest::get_demand)),
        ("/search", get(rest::search)),
        ("/achievements", get(rest::list_achievements)),
        ("/achievements/{id}", get(rest::get_achievement)),
        ("/experts", get(rest::list_experts)),
        ("/calls", get(rest::list_calls)),
        ("/calls/{id}", get(rest::get_call)),
        ("/calls/{id}/ocds", get(rest::ocds::call_package)),
        ("/ocds/releases", get(rest::ocds::releases)),
        ("/bids", get(rest::my_bids)),
        ("/bids/{id}", get(rest::get_bid)),
        ("/receipts/{sha256}", get(rest::verify_receipt)),
        ("/attachments/{id}", get(rest::get_attachment)),
        ("/milestone-files/{id}", get(rest::get_milestone_file)),
        ("/contracts", post(rest::apply_contract)),
        ("/contracts/{id}", get(rest::get_contract)),
        ("/stats/turnover", get(rest::stats::turnover)),
        ("/stats/contracts", get(rest::stats::contracts)),
        ("/targets", get(rest::targets::list)),
    ]
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let api = api_routes()
        .into_iter()
        .fold(Router::new(), |r, (path, handler)| r.route(path, handler))
        .fallback(rest::not_found);
    // Imports take files up to their own limit; everything else keeps the 1 MiB limit.
    let import = Router::new()
        .route("/api/v1/import/{kind}", post(rest::import))
        .route("/admin/import/upload", post(web::import_upload))
        .route("/admin/import/report.csv", get(web::import_report_csv))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            import::MAX_IMPORT_BYTES,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable());
    // Attachments take up to the configured size. The handler refuses a body that says it is
    // larger with a message; the multipart reader stops one that lies about it (or sends no
    // length) at twice the limit.
    let attachments = Router::new()
        .route("/bids/{id}/attachments", post(web::bid_attachment_upload))
        .route(
            "/tasks/{task}/milestones/{id}/files",
            post(web::milestone_file_upload),
        )
        .layer(axum::extract::DefaultBodyLimit::max(
            (2 * state.settings.max_upload_bytes + web::UPLOAD_OVERHEAD) as usize,
        ));
    let limited = Router::new()
        .nest("/api/v1", api)
        .route("/lang/{code}", get(web::switch_lang))
        .route("/auth/logout", post(web::logout))
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT));
    let router = Router::new()
        .merge(import)
        .merge(attachments)
        .merge(limited)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            form_echo::layer,
        ))
        .layer(axum::middleware::from_fn(web::server_fn_status))
        .layer(axum::middleware::from_fn(web::csrf_layer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::session_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::security_headers,
        ))
        // One span per request, with an id, so a slow request can be followed through the
        // services and store spans beneath it in the logs.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!(
                        "request",
                        id = %uuid::Uuid::new_v4().simple(),
                        method = %req.method(),
                        path = %req.uri().path(),
                    )
                },
            ),
        );
    // The yardstick page, outside every layer above: a bare Leptos page.
    #[cfg(feature = "bench-page")]
    let router = router.merge(bench_page::routes(state.clone()));
    router.with_state(state)
}

/// Options for running outside cargo-leptos (tests, the CLI): the same names as Cargo.toml.
pub fn leptos_options() -> LeptosOptions {
    match get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(_) => LeptosOptions::builder()
            .output_name("jiebang")
            .site_root("target/site")
            .site_pkg_dir("pkg")
            .build(),
    }
}

/// Creates an official without an organization (officials act for the city).
pub async fn create_official(
    store: &dyn app::ports::Store,
    secrets: &dyn app::ports::Secrets,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<()> {
    use app::domain::text::{clean_text, validate_email, validate_password};
    let email = validate_email(email).map_err(|e| anyhow::anyhow!("email: {}", e.message_en()))?;
    let name = clean_text(name, 1, 50).map_err(|e| anyhow::anyhow!("name: {}", e.message_en()))?;
    validate_password(password).map_err(|e| anyhow::anyhow!("password: {}", e.message_en()))?;
    if store.find_user_by_email(&email).await?.is_some() {
        anyhow::bail!("{email} already exists");
    }
    let now = chrono::Utc::now();
    let user = app::ports::UserRecord {
        id: uuid::Uuid::new_v4(),
        email,
        display_name: name,
        password_hash: secrets.hash_password(password.to_string()).await?,
        org_id: None,
        membership_active: false,
        is_org_admin: false,
        privacy_accepted_at: now,
        created_at: now,
    };
    let ev = app::ports::AuditEvent {
        actor_id: None,
        entity_type: "user",
        entity_id: user.id.to_string(),
        action: "create_official".into(),
        from_state: None,
        to_state: None,
        reason: Some("command line".into()),
        at: now,
    };
    store
        .create_user(&user, &[app::domain::Role::Official], &ev)
        .await?;
    Ok(())
}
