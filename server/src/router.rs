//! The HTTP surface: Leptos pages and server functions, static files, health check.

use crate::{
    assets::{self, Assets},
    edge::{
        api_status, client_address, one_member_per_request, panicked, read_whole_body, time_budget,
    },
    forms::{self, FORM_POSTS_PER_MINUTE},
    guard::{explain_too_large, refuse_cross_site, strict_transport},
    live::{socket, LiveState, Stopping},
};
use app::{shell, ssr::AppState, App};
use axum::{middleware, routing::get, Router};
use domain::limits::BODY_MAX_BYTES;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer,
    CompressionLevel,
};

/// Builds the whole router and starts the process's live feed; tests drive it with
/// `oneshot`. Call inside the Tokio runtime.
pub fn router(state: AppState) -> Router {
    router_with(state, FORM_POSTS_PER_MINUTE, Stopping::never())
}

/// The router with a chosen web-form rate limit (posts per address per minute) and the
/// signal that tells live sockets the process is stopping.
pub fn router_with(state: AppState, form_posts_per_minute: u32, stopping: Stopping) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let files = Assets::load(
        std::path::Path::new(options.site_root.as_ref()),
        &options.site_pkg_dir,
        options.hash_files,
    );
    let live = LiveState {
        hub: service::LiveHub::start(&state.crm),
        crm: state.crm.clone(),
        secure_cookies: state.secure_cookies,
        caps: std::sync::Arc::default(),
        stopping,
    };
    // Layers run outside in, from the last added: compression (skipped for static files,
    // which come precompressed), static files from memory, a panic's 500, the time
    // budget, the body bound (a declared length first, then the bytes as they arrive),
    // statuses.
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/live", get(socket).with_state(live))
        .route(
            "/settings/activity-log.csv",
            get(crate::activity_export::activity_log_csv),
        )
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            state.secure_cookies,
            strict_transport,
        ))
        .layer(middleware::from_fn(one_member_per_request))
        // Public web forms are posted from other sites by design: outside the guard.
        .merge(forms::routes(state.crm.clone(), form_posts_per_minute))
        .layer(middleware::from_fn(api_status))
        .layer(middleware::from_fn(read_whole_body))
        .layer(RequestBodyLimitLayer::new(BODY_MAX_BYTES))
        .layer(middleware::from_fn(explain_too_large))
        .layer(middleware::from_fn(time_budget))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            client_address,
        ))
        .layer(middleware::from_fn_with_state(files, assets::serve))
        // Level 1 for pages and data, measured (bench/compression.sh, bench/README.md):
        // brotli 1 costs a third of the default 4 on the board's HTML (1.3 ms against
        // 3.7 ms) for 15 % more bytes; gzip 1 a fifth of gzip 6. Static files are
        // compressed once, at the highest level, when they are built.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(1)))
        .with_state(state)
}
