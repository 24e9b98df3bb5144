//! Unknown addresses.

use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page; the server also sends status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="auth-page" id="main">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. It may have moved, or the link is mistyped."</p>
                <p><a class="button primary" href="/">"Go to Pipewright"</a></p>
            </section>
        </main>
    }
}
