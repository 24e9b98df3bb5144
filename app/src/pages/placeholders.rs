//! Sections whose capabilities arrive in later work. Each says so plainly, so nobody
//! mistakes an empty page for lost data.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn Upcoming(title: &'static str, promise: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title />
        <header class="page-header">
            <h1>{title}</h1>
            <span class="badge" role="status">"Coming soon"</span>
        </header>
        <section class="placeholder" aria-label=format!("{title} (placeholder)")>
            <p class="lead">{promise}</p>
            <ul class="upcoming">{children()}</ul>
            <p class="hint">"This page is a placeholder in this version of Pipewright."</p>
        </section>
    }
}

/// Live figures and forecasts.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Upcoming title="Dashboard" promise="Honest, live numbers: pipeline value, forecast, win rate and cycle length.">
            <li>"Weighted forecast by month"</li>
            <li>"Stage conversion from real stage history"</li>
            <li>"Weekly pipeline review"</li>
        </Upcoming>
    }
}
