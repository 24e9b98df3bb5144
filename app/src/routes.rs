//! The lazy route table: every page is its own WebAssembly chunk.
//!
//! The first download is the shell (router, session, live socket, navigation) plus the
//! chunk of the page being opened, which the server names in a `<link rel=preload>` so
//! it arrives beside the main bundle. Other pages load when opened, and the shell
//! prefetches the likely next one when the browser is idle (`prefetch_next`). On the
//! server these are ordinary routes: it renders the page in full either way.
//!
//! A new page is added to a group here (`lazy_group!`) and routed in `App` with
//! `Lazy::<…Route>::new()`, so it never grows what every phone downloads first.

use crate::pages::{
    account::AccountPage,
    activities::ActivitiesPage,
    activity_log::ActivityLogPage,
    auth::{AcceptInvitePage, SignInPage, SignUpPage},
    board::BoardPage,
    companies::{CompaniesPage, CompanyPage},
    contacts::{ContactPage, ContactsPage},
    dashboard::{DashboardPage, ReviewPage},
    deal::DealPage,
    deal_list::DealListPage,
    inbox::{InboxPage, LeadPage, MarketingPage},
    lead_settings::LeadSettingsPage,
    password_reset::{ForgotPasswordPage, ResetPasswordPage},
    pipeline_settings::PipelineSettingsPage,
    settings::{SettingsPage, UsersPage},
    teams::TeamsPage,
};
use leptos::{lazy, prelude::*};
use leptos_router::LazyRoute;

/// Declares a group of pages that share one WebAssembly chunk, and a route for each.
///
/// A group is one `#[lazy]` function that renders any of its pages, so the splitter
/// makes one chunk per group (plus one per set of groups sharing code) instead of one
/// per page and per combination of pages: fewer, larger downloads that brotli packs
/// better and that a phone fetches in fewer round trips. Group pages that are opened
/// together. The pages load their own data through resources, so a route's data half
/// is empty and its view half is the group's chunk. `$preload` names the function the
/// `#[lazy]` macro generates to fetch the chunk without running it
/// (`__preload_` + the group's name).
macro_rules! lazy_group {
    ($group:ident, $preload:ident, $pages:ident { $($route:ident => $page:ident),+ $(,)? }) => {
        // Variants are named after their routes, which all end in "Route".
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $pages {
            $($route),+
        }

        #[lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => view! { <$page /> }.into_any()),+
            }
        }

        $(
            #[doc = concat!("The lazily loaded route for `", stringify!($page), "`.")]
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    #[cfg(feature = "ssr")]
                    crate::chunks::preload_group(stringify!($group));
                    let page = $group($pages::$route).await;
                    // Runs once this page's view has hydrated (or mounted, after a
                    // client-side navigation).
                    Effect::new(|_| mark_hydrated());
                    page
                }

                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )+
    };
}

lazy_group!(public_pages, __preload_public_pages, PublicPage {
    SignInRoute => SignInPage,
    SignUpRoute => SignUpPage,
    AcceptInviteRoute => AcceptInvitePage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
});

// The board alone: what a rep opens first, on a phone, and what the budget is for.
lazy_group!(board_pages, __preload_board_pages, BoardPages {
    BoardRoute => BoardPage,
});

// A deal is opened cold from a link (a mention, a notification, a shared URL) more
// than any other page but the board, so it does not carry the deal list's table,
// filters and bulk bar.
lazy_group!(deal_pages, __preload_deal_pages, DealPages {
    DealRoute => DealPage,
});

lazy_group!(deal_list_pages, __preload_deal_list_pages, DealListPages {
    DealListRoute => DealListPage,
});

lazy_group!(lead_pages, __preload_lead_pages, LeadPages {
    InboxRoute => InboxPage,
    LeadRoute => LeadPage,
    MarketingRoute => MarketingPage,
});

lazy_group!(record_pages, __preload_record_pages, RecordPages {
    ActivitiesRoute => ActivitiesPage,
    ContactsRoute => ContactsPage,
    ContactRoute => ContactPage,
    CompaniesRoute => CompaniesPage,
    CompanyRoute => CompanyPage,
});

lazy_group!(report_pages, __preload_report_pages, ReportPages {
    DashboardRoute => DashboardPage,
    ReviewRoute => ReviewPage,
});

lazy_group!(settings_pages, __preload_settings_pages, SettingsPages {
    SettingsRoute => SettingsPage,
    AccountRoute => AccountPage,
    UsersRoute => UsersPage,
    TeamsRoute => TeamsPage,
    PipelineSettingsRoute => PipelineSettingsPage,
    LeadSettingsRoute => LeadSettingsPage,
    ActivityLogRoute => ActivityLogPage,
});

/// How long after a page is usable the next page's chunk is fetched: after the page's
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

#[cfg(feature = "hydrate")]
fn is_hydrated() -> bool {
    document()
        .document_element()
        .is_some_and(|root| root.has_attribute("data-hydrated"))
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
                // Not before the opened page itself is usable: on a slow phone its own
                // chunk may still be loading when the timer would fire.
                while !is_hydrated() {
                    gloo_timers::future::TimeoutFuture::new(100).await;
                }
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
        ("pipeline", _) => {
            crate::pages::board::preload_dialogs().await;
            DealRoute::preload().await;
            // The board's List link: no longer in the deal page's group.
            DealListRoute::preload().await;
        }
        ("deals", false) => DealRoute::preload().await,
        ("deals", true) => BoardRoute::preload().await,
        ("inbox", false) => LeadRoute::preload().await,
        ("inbox", true) => InboxRoute::preload().await,
        ("contacts", false) => ContactRoute::preload().await,
        ("companies", false) => CompanyRoute::preload().await,
        ("sign-in", _) => BoardRoute::preload().await,
        _ => {}
    }
}
