//! Pipewright's Leptos app: the same components render on the server and hydrate in the
//! browser. Server functions live in `api`; pages in `pages`; shared pieces in `components`.

// Leptos views are deeply nested types; the board's exceeds the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod auth;
#[cfg(feature = "ssr")]
mod chunks;
pub mod components;
pub mod live;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

use auth::AuthProvider;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
#[cfg(feature = "ssr")]
use leptos_meta::{HashedStylesheet, MetaTags};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
};
use pages::{auth::HomeRedirect, not_found::NotFound, shell::AppShell};
use routes::*;

/// The HTML document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#17324d" />
                <meta name="description" content="Pipewright: the sales pipeline your team keeps current." />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                {chunks::hydration_scripts(options)}
                <MetaTags />
                // After the page's meta tags, which name its pack of code; still before
                // the hydration script runs (a module script waits for the whole page).
                {chunks::guard_script()}
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The whole app: routes, with the session available to every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every route waits for its data on the server, so redirects are real HTTP redirects
    // and every page works before (or without) the WASM.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=page_title />
        <Router>
            <PrefetchNext />
            <AuthProvider>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomeRedirect ssr=ssr.clone() />
                    <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} ssr=ssr.clone() />
                    <Route path=path!("/sign-up") view={Lazy::<SignUpRoute>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invite/:token") view={Lazy::<AcceptInviteRoute>::new()} ssr=ssr.clone() />
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=ssr.clone() />
                    <Route path=path!("/reset-password/:token") view={Lazy::<ResetPasswordRoute>::new()} ssr=ssr.clone() />
                    <ParentRoute path=path!("") view=AppShell ssr=ssr.clone()>
                        <Route path=path!("/pipeline") view={Lazy::<BoardRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/deals") view={Lazy::<DealListRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/deals/:id") view={Lazy::<DealRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/inbox/:id") view={Lazy::<LeadRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/marketing") view={Lazy::<MarketingRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/activities") view={Lazy::<ActivitiesRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/contacts") view={Lazy::<ContactsRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/contacts/:id") view={Lazy::<ContactRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/companies") view={Lazy::<CompaniesRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/companies/:id") view={Lazy::<CompanyRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/review") view={Lazy::<ReviewRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/account") view={Lazy::<AccountRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/users") view={Lazy::<UsersRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/teams") view={Lazy::<TeamsRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/pipeline") view={Lazy::<PipelineSettingsRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/leads") view={Lazy::<LeadSettingsRoute>::new()} ssr=ssr.clone() />
                        <Route path=path!("/settings/activity-log") view={Lazy::<ActivityLogRoute>::new()} ssr=ssr.clone() />
                    </ParentRoute>
                </Routes>
            </AuthProvider>
        </Router>
    }
}

/// Every page's document title, "<page> · Pipewright": the one way text reaches the
/// head. leptos_meta writes the server's `<title>` as given, unescaped, so on the server
/// the text is escaped here (a deal named `</title><meta …>` stays a name); in the
/// browser the same formatter feeds `document.title`, which takes plain text.
pub fn page_title(page: String) -> String {
    let title = format!("{page} · Pipewright");
    #[cfg(feature = "ssr")]
    let title = escape_html(&title);
    title
}

/// Text made safe for HTML text and quoted attribute values.
#[cfg(feature = "ssr")]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(all(test, feature = "ssr"))]
mod title_tests {
    #[test]
    fn a_hostile_name_stays_text_in_the_title() {
        let title = super::page_title(
            r#"</title><meta http-equiv="refresh" content="0;url=https://evil.example/">"#.into(),
        );
        assert!(!title.contains('<') && !title.contains('"'), "{title}");
        assert!(title.starts_with("&lt;/title&gt;&lt;meta http-equiv=&quot;refresh&quot;"));
        assert!(title.ends_with(" · Pipewright"));
    }
}

/// Only our own scripts run: each page's inline scripts carry the nonce Leptos puts on
/// them, everything else must come from this origin. Defence in depth behind rendering
/// all user text as text.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
