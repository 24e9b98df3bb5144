//! What the live channel shows on every page: the connection badge, a note when someone
//! else changes something, the undo toast (and Ctrl+Z), and who else is here.

use crate::{
    api::deals::undo_change,
    live::{Live, LiveStatus},
};
use leptos::{ev, prelude::*, task::spawn_local};
use std::time::Duration;

/// How long a change can be undone from the toast; the server allows a little more.
const UNDO_FOR: Duration = Duration::from_secs(30);
/// How long a note about someone else's change stays.
const NOTE_FOR: Duration = Duration::from_secs(6);

/// "Live" or "Reconnecting…", small in the top bar; a screen reader hears changes.
#[component]
pub fn LiveBadge(live: Live) -> impl IntoView {
    let label = move || match live.status.get() {
        LiveStatus::Connecting => "Connecting…",
        LiveStatus::Live => "Live",
        LiveStatus::Reconnecting => "Reconnecting…",
        LiveStatus::SignedOut => "Signed out",
    };
    let class = move || match live.status.get() {
        LiveStatus::Live => "live-badge live",
        LiveStatus::SignedOut => "live-badge off",
        _ => "live-badge waiting",
    };
    view! {
        <span class=class role="status" title="Live updates">
            <span class="live-dot" aria-hidden="true"></span>
            <span class="live-label">{label}</span>
        </span>
    }
}

/// Clears `signal` `after` its last change: one timer per toast, restarted by news.
fn expire<T: Clone + Send + Sync + 'static>(signal: RwSignal<Option<T>>, after: Duration) {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        if signal.with(Option::is_some) {
            if let Some(handle) = timer.get_value() {
                handle.clear();
            }
            let handle = set_timeout_with_handle(
                move || {
                    let _ = signal.try_set(None);
                },
                after,
            );
            timer.set_value(handle.ok());
        }
    });
}

/// A quiet note about someone else's change: "Dana moved Acme renewal to Proposal".
#[component]
pub fn ChangeNote(live: Live) -> impl IntoView {
    expire(live.note, NOTE_FOR);
    view! {
        <div class="change-note-region" role="status" aria-live="polite">
            {move || live.note.get().map(|note| view! {
                <p class="change-note">
                    <span>{note}</span>
                    <button type="button" class="link" aria-label="Dismiss note"
                        on:click=move |_| live.note.set(None)>"×"</button>
                </p>
            })}
        </div>
    }
}

/// After your own move, close or edit: "Undo" for 30 seconds, and Ctrl+Z (⌘Z) outside
/// text fields, where the browser's own undo belongs to the text.
#[component]
pub fn UndoToast(live: Live) -> impl IntoView {
    let failed = RwSignal::new(None::<String>);
    expire(live.undo, UNDO_FOR);
    expire(failed, NOTE_FOR);
    let undo = move || {
        let Some(offer) = live.undo.get_untracked() else {
            return;
        };
        live.undo.set(None);
        spawn_local(async move {
            match undo_change(offer.event).await {
                Ok(_) => {
                    failed.try_set(None);
                    live.note.try_set(Some(format!(
                        "Undid “{}”",
                        offer.what.trim_end_matches('.')
                    )));
                }
                Err(error) => {
                    failed.try_set(Some(format!("Could not undo: {}", error.explain())));
                }
            }
        });
    };
    let keys = window_event_listener(ev::keydown, move |event| {
        let undo_keys = (event.ctrl_key() || event.meta_key())
            && !event.shift_key()
            && event.key().eq_ignore_ascii_case("z");
        if undo_keys && live.undo.with_untracked(Option::is_some) && !typing_in(&event) {
            event.prevent_default();
            undo();
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        {move || live.undo.get().map(|offer| view! {
            // Not a live region: the page's own status line has announced the change.
            <div class="undo-toast" role="group" aria-label="Last change">
                <span>{offer.what}</span>
                <button type="button" class="undo-button" on:click=move |_| undo()>"Undo"</button>
                <button type="button" class="link" aria-label="Dismiss"
                    on:click=move |_| live.undo.set(None)>"×"</button>
            </div>
        })}
        {move || failed.get().map(|message| view! {
            <div class="undo-toast" role="alert"><span>{message}</span></div>
        })}
    }
}

/// True when the key went to a text field, whose own undo must keep working.
pub(crate) fn typing_in(event: &leptos::web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|element| {
            matches!(
                element.tag_name().to_ascii_lowercase().as_str(),
                "input" | "textarea" | "select"
            ) || element.has_attribute("contenteditable")
        })
}

/// "Also here: Sam Rep" for the view this page shows.
#[component]
pub fn Here(live: Live, view: String) -> impl IntoView {
    let others = live.others_on(view);
    move || {
        let names = others.get();
        (!names.is_empty()).then(|| {
            let initials: Vec<(String, String)> = names
                .iter()
                .map(|name| {
                    let short: String = name
                        .split_whitespace()
                        .filter_map(|part| part.chars().next())
                        .take(2)
                        .collect();
                    (short, name.clone())
                })
                .collect();
            let label = format!("Also here: {}", names.join(", "));
            view! {
                <p class="presence" aria-label=label.clone() title=label>
                    {initials.into_iter().map(|(short, name)| view! {
                        <span class="presence-avatar" aria-hidden="true" title=name>{short}</span>
                    }).collect_view()}
                    <span class="presence-text" aria-hidden="true">
                        {if names.len() == 1 { format!("{} is here", names[0]) } else { format!("{} others here", names.len()) }}
                    </span>
                </p>
            }
        })
    }
}

/// Reminders for the signed-in person: activities coming due and work handed to them.
/// They stay until dismissed: a reminder that vanishes on its own is easy to miss.
#[component]
pub fn Reminders(live: Live) -> impl IntoView {
    let dismiss = move |event: i64| {
        live.reminders
            .update(|all| all.retain(|reminder| reminder.event != event));
    };
    view! {
        <section class="reminders" aria-label="Reminders" aria-live="polite">
            <For each=move || live.reminders.get() key=|r| r.event let:reminder>
                <div class="reminder">
                    <span class="reminder-text">{reminder.text.clone()}</span>
                    {reminder.deal.clone().map(|deal| view! {
                        <a class="reminder-open" href=format!("/deals/{deal}")>"Open"</a>
                    })}
                    <button type="button" class="link" aria-label=format!("Dismiss: {}", reminder.text)
                        on:click=move |_| dismiss(reminder.event)>"×"</button>
                </div>
            </For>
        </section>
    }
}
