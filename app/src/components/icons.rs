//! Inline SVG icons. Decorative: hidden from screen readers, the text beside them names things.
//! Size and stroke come from the stylesheet (`.icon` in style/main.scss), not from
//! attributes: the shell draws a dozen icons on every page.

use leptos::prelude::*;

/// One icon by name; unknown names draw nothing.
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let path = match name {
        "pipeline" => "M4 5h4v14H4zM10 5h4v9h-4zM16 5h4v5h-4z",
        "inbox" => "M4 4h16v10h-5l-1 3h-4l-1-3H4zM4 14v6h16v-6",
        "activities" => "M7 3v3M17 3v3M4 7h16v13H4zM8 12h3v3H8z",
        "contacts" => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6",
        "companies" => "M4 21V5l8-3v19M12 9h8v12M7 8h2M7 12h2M7 16h2M15 13h2M15 17h2",
        "dashboard" => "M4 20V10M10 20V4M16 20v-7M22 20H2",
        "settings" => "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-2-4-2 1-2-2V3h-4v3L9 7 7 6 5 10l2 1v2l-2 1 2 4 2-1 2 2v3h4v-3l2-2 2 1 2-4-2-1z",
        "more" => "M5 12h.01M12 12h.01M19 12h.01",
        _ => "",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=path />
        </svg>
    }
}
