//! The lazy route table: every page is its own WebAssembly chunk.
//!
//! The first download is the shell (router, session, live socket, navigation) plus the
//! chunk of the page being opened, which the server names in a `<link rel=preload>` so
//! it arrives beside the main bundle. Other pages load when opened, and the shell
//! prefetches the likely next one when the browser is idle (`prefetch_next`). On the
//! server these are ordinary routes: it renders the page in full either way.
//!
//! A new page is added here with `lazy_page!` and routed in `App` with
//! `Lazy::<…Route>::new()`, so it never grows what every phone downloads first.

use crate::pages::{
    activities::ActivitiesPage,
    auth::{AcceptInvitePage, SignInPage, SignUpPage},
    board::BoardPage,
    companies::{CompaniesPage, CompanyPage},
    contacts::{ContactPage, ContactsPage},
    dashboard::{DashboardPage, ReviewPage},
    deal::DealPage,
    deal_list::DealListPage,
    inbox::{InboxPage, LeadPage, MarketingPage},
    lead_settings::LeadSettingsPage,
    pipeline_settings::PipelineSettingsPage,
    settings::{SettingsPage, UsersPage},
    teams::TeamsPage,
};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Declares a route whose view lives in its own chunk. The pages load their own data
/// through resources, so the route's data half is empty and the chunk is all there is.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),+ $(,)?) => {$(
        #[doc = concat!("The lazily loaded route for `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                // Runs once this page's view has hydrated (or mounted, after a
                // client-side navigation).
                Effect::new(|_| mark_hydrated());
                view! { <$page /> }.into_any()
            }
        }
    )+};
}

lazy_page! {
    SignInRoute => SignInPage,
    SignUpRoute => SignUpPage,
    AcceptInviteRoute => AcceptInvitePage,
    BoardRoute => BoardPage,
    DealListRoute => DealListPage,
    DealRoute => DealPage,
    InboxRoute => InboxPage,
    LeadRoute => LeadPage,
    MarketingRoute => MarketingPage,
    ActivitiesRoute => ActivitiesPage,
    ContactsRoute => ContactsPage,
    ContactRoute => ContactPage,
    CompaniesRoute => CompaniesPage,
    CompanyRoute => CompanyPage,
    DashboardRoute => DashboardPage,
    ReviewRoute => ReviewPage,
    SettingsRoute => SettingsPage,
    UsersRoute => UsersPage,
    TeamsRoute => TeamsPage,
    PipelineSettingsRoute => PipelineSettingsPage,
    LeadSettingsRoute => LeadSettingsPage,
}

/// How long after a page is shown the next page's chunk is fetched: after the page's
/// own data and the live socket's first messages, so it never competes with them.
#[cfg(feature = "hydrate")]
const PREFETCH_AFTER_MS: u32 = 1_500;

/// `<html data-hydrated>` once the opened page answers clicks: the end-to-end tests and
/// the mobile benchmark (bench/mobile.mjs) wait for it.
fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// Prefetches the likely next page's chunk a moment after each page is shown.
#[component]
pub fn PrefetchNext() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            let path = location.pathname.get();
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(PREFETCH_AFTER_MS).await;
                prefetch_next(&path).await;
            });
        });
    }
}

/// Loads, while the browser is idle, the chunks a person on `path` most likely opens
/// next: a card on the board or a row in a list leads to its record, a record back to
/// its list. Only fetches code; nothing runs until the page is opened.
pub async fn prefetch_next(path: &str) {
    let first = path.split('/').nth(1).unwrap_or_default();
    let deeper = path.split('/').nth(2).is_some_and(|id| !id.is_empty());
    match (first, deeper) {
        ("pipeline", _) | ("deals", false) => DealRoute::preload().await,
        ("deals", true) => BoardRoute::preload().await,
        ("inbox", false) => LeadRoute::preload().await,
        ("inbox", true) => InboxRoute::preload().await,
        ("contacts", false) => ContactRoute::preload().await,
        ("companies", false) => CompanyRoute::preload().await,
        ("sign-in", _) => BoardRoute::preload().await,
        _ => {}
    }
}
