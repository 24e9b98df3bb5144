//! The signed-in layout: top bar, navigation (a sidebar on desktop, a tab bar on phones),
//! and the page. Pages below it find the signed-in person in context.

use crate::{
    auth::use_auth,
    components::{
        icons::Icon,
        live::{ChangeNote, LiveBadge, Reminders, UndoToast},
    },
    live::provide_live,
};
use domain::account::CurrentUser;
use leptos::{either::Either, prelude::*};
use leptos_router::components::{Outlet, Redirect, A};

/// Where the main navigation goes, in order. The first four are the phone's tab bar.
const SECTIONS: [(&str, &str, &str); 7] = [
    ("/pipeline", "Pipeline", "pipeline"),
    ("/inbox", "Inbox", "inbox"),
    ("/activities", "Activities", "activities"),
    ("/dashboard", "Dashboard", "dashboard"),
    ("/contacts", "Contacts", "contacts"),
    ("/companies", "Companies", "companies"),
    ("/settings", "Settings", "settings"),
];
const PHONE_TABS: usize = 4;

/// The signed-in person; only available below `AppShell`.
pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Guards every signed-in page: no session, no page (the server functions check again).
#[component]
pub fn AppShell() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.session.await {
                    Ok(info) => match info.user {
                        // On the server the Transition re-runs this closure to check for
                        // pending reads and drops what it returned; a layout built here built
                        // the page under its <Outlet/> (and the page's resources, and queries)
                        // a second time when the session was already in. Unsuspend builds it
                        // once, when it is rendered or hydrated.
                        Some(user) => {
                            let head = info.live_head;
                            Either::Left(Unsuspend::new(move || {
                                view! { <SignedInLayout user=user head=head /> }
                            }))
                        }
                        None => Either::Right(view! { <Redirect path="/sign-in" /> }),
                    },
                    Err(_) => Either::Right(view! { <Redirect path="/sign-in" /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn NavLink(href: &'static str, label: &'static str, icon: &'static str) -> impl IntoView {
    // `A` marks itself `aria-current="page"` on its page and the pages under it.
    view! {
        <A href=href attr:class="nav-link">
            <Icon name=icon />
            <span>{label}</span>
        </A>
    }
}

#[component]
fn SignedInLayout(user: CurrentUser, head: Option<i64>) -> impl IntoView {
    let sign_out = use_auth().sign_out;
    let initials: String = user
        .name
        .split_whitespace()
        .filter_map(|part| part.chars().next())
        .take(2)
        .collect();
    let workspace = user.workspace_name.clone();
    let name = user.name.clone();
    let role = user.role.label();
    let live = provide_live(user.user_id, head);
    provide_context(crate::components::clock::LocalOffset(
        crate::components::clock::use_offset(),
    ));
    provide_context(user);
    // The shell stays mounted across pages, so its menus would stay open over the next
    // page: close them whenever the path changes. Not on the effect's first run, which
    // comes with hydration: a menu opened before the bundle had loaded (a phone on a
    // slow network) would snap shut under the person's finger.
    let more = NodeRef::<leptos::html::Details>::new();
    let account = NodeRef::<leptos::html::Details>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |shown: Option<String>| {
        let path = location.pathname.get();
        if shown.is_some_and(|shown| shown != path) {
            for menu in [more, account] {
                if let Some(menu) = menu.get_untracked() {
                    let _ = menu.remove_attribute("open");
                }
            }
        }
        path
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/pipeline" aria-label="Pipewright home">
                    <span class="brand-logo" aria-hidden="true">"P"</span>
                    <span class="brand-name">{workspace}</span>
                </a>
                <LiveBadge live />
                <details class="user-menu" node_ref=account>
                    <summary aria-label=format!("Account menu for {name}")>
                        <span class="avatar" aria-hidden="true">{initials}</span>
                    </summary>
                    <div class="menu-panel">
                        <p class="menu-name">{name.clone()}</p>
                        <p class="menu-role">{role}</p>
                        <ActionForm action=sign_out>
                            <button type="submit" class="secondary wide">"Sign out"</button>
                        </ActionForm>
                    </div>
                </details>
            </header>
            <nav class="sidebar" aria-label="Main">
                {SECTIONS
                    .iter()
                    .map(|(href, label, icon)| view! { <NavLink href=*href label=*label icon=*icon /> })
                    .collect_view()}
            </nav>
            <main class="content" id="main">
                <Outlet />
            </main>
            <nav class="tabbar" aria-label="Main (phone)">
                {SECTIONS[..PHONE_TABS]
                    .iter()
                    .map(|(href, label, icon)| view! { <NavLink href=*href label=*label icon=*icon /> })
                    .collect_view()}
                <details class="tab-more" node_ref=more>
                    <summary class="nav-link">
                        <Icon name="more" />
                        <span>"More"</span>
                    </summary>
                    <div class="more-panel">
                        {SECTIONS[PHONE_TABS..]
                            .iter()
                            .map(|(href, label, icon)| view! { <NavLink href=*href label=*label icon=*icon /> })
                            .collect_view()}
                    </div>
                </details>
            </nav>
        </div>
        <ChangeNote live />
        <UndoToast live />
        <Reminders live />
    }
}
