//! Settings → Your account: change the password, see where you are signed in, end a
//! session or all of them; admins set how long sessions last. Works without JavaScript.

use crate::api::json::load;
use crate::{
    api::account::{get_account, ChangePassword, EndSession, SetSessionDays, SignOutEverywhere},
    components::{field::server_message, form_outcome, FormBanner, TextField},
    pages::shell::use_current_user,
};
use domain::{permission::Action, session::ActiveSession};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let user = use_current_user();
    let is_admin = user.role.may(Action::ManageMembers);
    let change = ServerAction::<ChangePassword>::new();
    let end = ServerAction::<EndSession>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let lifetime = ServerAction::<SetSessionDays>::new();
    let account = load(
        move || {
            (
                change.version().get(),
                end.version().get(),
                lifetime.version().get(),
            )
        },
        |_| get_account(),
    );
    let changed = form_outcome(change);
    // Without JavaScript the server sends the browser back here with `?changed`.
    let query = use_query_map();
    let password_changed = move || {
        matches!(changed.get(), Some(Ok(())))
            || query.with(|q| q.get("changed").is_some()) && changed.get().is_none()
    };
    // Every session ended, this one too: a full load of the sign-in page starts clean.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(everywhere.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href("/sign-in");
        }
    });
    view! {
        <Title text="Your account" />
        <header class="page-header"><h1>"Your account"</h1></header>
        <div class="cards">
            <section class="card" aria-labelledby="password-title">
                <h2 id="password-title">"Password"</h2>
                <ActionForm action=change attr:class="inline-form">
                    <FormBanner result=changed />
                    <Show when=password_changed>
                        <p class="banner success" role="status">
                            "Password changed. Your other sessions were signed out."
                        </p>
                    </Show>
                    <TextField label="Current password" name="current_password" kind="password"
                        autocomplete="current-password" server_error=server_message(changed, "current_password") />
                    <TextField label="New password" name="new_password" kind="password"
                        autocomplete="new-password" hint="At least 10 characters."
                        server_error=server_message(changed, "new_password") />
                    <button type="submit" class="primary" disabled=move || change.pending().get()>
                        "Change password"
                    </button>
                </ActionForm>
            </section>
            <Transition fallback=|| view! { <p>"Loading your sessions…"</p> }>
                {move || Suspend::new(async move {
                    account.await.map(|account| view! {
                        <Sessions sessions=account.sessions end=end everywhere=everywhere />
                        {is_admin.then(|| view! {
                            <SessionLifetime days=account.session_days action=lifetime />
                        })}
                    })
                })}
            </Transition>
        </div>
    }
}

/// Where the person is signed in, with a button to end each other session.
#[component]
fn Sessions(
    sessions: Vec<ActiveSession>,
    end: ServerAction<EndSession>,
    everywhere: ServerAction<SignOutEverywhere>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you are signed in"</h2>
            <FormBanner result=form_outcome(end) />
            <ul class="member-list">
                {sessions.into_iter().map(|session| {
                    let label = format!("End session on {} from {}", session.device, session.address);
                    let seen = session.last_seen_at.format("%b %-d, %H:%M UTC").to_string();
                    let since = session.signed_in_at.format("%b %-d").to_string();
                    view! {
                        <li class="member">
                            <div class="who">
                                <span class="member-name">
                                    {session.device.clone()}
                                    {session.current.then_some(" (this browser)")}
                                </span>
                                <span class="hint">
                                    {session.address.clone()} " · signed in " {since} " · last seen " {seen}
                                </span>
                            </div>
                            {(!session.current).then(|| view! {
                                <ActionForm action=end attr:class="row-form">
                                    <input type="hidden" name="key" value=session.key.clone() />
                                    <button type="submit" class="secondary" aria-label=label>"End session"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=everywhere attr:class="inline-form">
                <FormBanner result=form_outcome(everywhere) />
                <p class="hint">"Lost a phone, or used a shared computer? This signs you out on every device, this one too."</p>
                <button type="submit" class="secondary">"Sign out everywhere"</button>
            </ActionForm>
        </section>
    }
}

/// How long a session lasts at most, for admins.
#[component]
fn SessionLifetime(days: i32, action: ServerAction<SetSessionDays>) -> impl IntoView {
    let result = form_outcome(action);
    view! {
        <section class="card" aria-labelledby="lifetime-title">
            <h2 id="lifetime-title">"Session lifetime"</h2>
            <ActionForm action=action attr:class="inline-form">
                <FormBanner result=result />
                <div class="field">
                    <label for="session-days">"Sign everyone in again after (days)"</label>
                    <input id="session-days" name="days" type="number" inputmode="numeric"
                        min="1" max="365" required value=days.to_string() />
                    {move || server_message(result, "session_days").get().map(|message| view! {
                        <p class="field-error" aria-live="polite">{message}</p>
                    })}
                </div>
                <p class="hint">"However often a session is used, it ends this many days after signing in. A session unused for 14 days ends sooner."</p>
                <button type="submit" class="secondary">"Save lifetime"</button>
            </ActionForm>
        </section>
    }
}
