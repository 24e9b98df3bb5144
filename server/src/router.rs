//! The HTTP surface: Leptos pages and server functions, static files, health check.

use crate::{
    forms::{self, FORM_POSTS_PER_MINUTE},
    guard::{explain_too_large, refuse_cross_site},
    live::{socket, LiveState},
};
use app::{shell, ssr::AppState, App};
use axum::{middleware, routing::get, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer};

/// Largest request body accepted. Forms are small; this stops memory-exhaustion uploads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Builds the whole router and starts the process's live feed; tests drive it with
/// `oneshot`. Call inside the Tokio runtime.
pub fn router(state: AppState) -> Router {
    router_with(state, FORM_POSTS_PER_MINUTE)
}

/// The router with a chosen web-form rate limit (posts per address per minute).
pub fn router_with(state: AppState, form_posts_per_minute: u32) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let live = LiveState {
        hub: service::LiveHub::start(&state.crm),
        crm: state.crm.clone(),
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/live", get(socket).with_state(live))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(refuse_cross_site))
        // Public web forms are posted from other sites by design: outside the guard.
        .merge(forms::routes(state.crm.clone(), form_posts_per_minute))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(explain_too_large))
        .layer(CompressionLayer::new())
        .with_state(state)
}
