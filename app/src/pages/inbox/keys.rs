//! Keyboard triage on desktop: j / k walk the leads, and one key acts on the selected
//! one (t take, q qualify, d disqualify, s snooze, c convert, o open), / jumps to the
//! search box and ? lists the keys. Keys typed into a field are left alone.

use crate::components::live::typing_in;
use leptos::{ev, prelude::*};
use uuid::Uuid;

/// What a key asks the selected lead's row to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Take,
    Qualify,
    Disqualify,
    Snooze,
    Convert,
    Open,
}

const KEYS: [(&str, &str); 9] = [
    ("j / k", "Next / previous lead"),
    ("t", "Take it"),
    ("q", "Qualify"),
    ("d", "Disqualify"),
    ("s", "Snooze"),
    ("c", "Convert to a deal"),
    ("o", "Open the lead"),
    ("/", "Search"),
    ("?", "Show or hide these keys"),
];

/// The inbox's keyboard state, shared by the page and its rows.
#[derive(Clone, Copy)]
pub struct Shortcuts {
    order: RwSignal<Vec<Uuid>>,
    pub selected: RwSignal<Option<Uuid>>,
    pub command: RwSignal<Option<(Uuid, Command)>>,
    help: RwSignal<bool>,
}

impl Shortcuts {
    /// Listens for keys while the page is open.
    pub fn install() -> Shortcuts {
        let keys = Shortcuts {
            order: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            command: RwSignal::new(None),
            help: RwSignal::new(false),
        };
        let listener = window_event_listener(ev::keydown, move |event| {
            if typing_in(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            if keys.press(&event.key()) {
                event.prevent_default();
            }
        });
        on_cleanup(move || listener.remove());
        keys
    }

    /// Keeps the walking order in step with the rows shown.
    pub fn order_from(self, rows: impl Fn() -> Vec<Uuid> + Send + Sync + 'static) {
        Effect::new(move |_| self.order.set(rows()));
    }

    /// Handles one key; true when it was a shortcut.
    fn press(self, key: &str) -> bool {
        let command = match key {
            "j" | "k" => {
                self.step(if key == "j" { 1 } else { -1 });
                return true;
            }
            "?" => {
                self.help.update(|shown| *shown = !*shown);
                return true;
            }
            "/" => {
                focus_search();
                return true;
            }
            "t" => Command::Take,
            "q" => Command::Qualify,
            "d" => Command::Disqualify,
            "s" => Command::Snooze,
            "c" => Command::Convert,
            "o" | "Enter" => Command::Open,
            _ => return false,
        };
        match self.selected.get_untracked() {
            Some(lead) => {
                self.command.set(Some((lead, command)));
                true
            }
            None => false,
        }
    }

    fn step(self, by: isize) {
        let order = self.order.get_untracked();
        if order.is_empty() {
            return;
        }
        let at = self
            .selected
            .get_untracked()
            .and_then(|id| order.iter().position(|o| *o == id));
        let next = match at {
            None => 0,
            Some(at) => at.saturating_add_signed(by).min(order.len() - 1),
        };
        self.selected.set(order.get(next).copied());
    }
}

fn focus_search() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(search) = document()
            .get_element_by_id("inbox-search")
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = search.focus();
        }
    }
}

/// The key list, shown with `?`.
#[component]
pub fn ShortcutHelp(shortcuts: Shortcuts) -> impl IntoView {
    move || {
        shortcuts.help.get().then(|| {
            view! {
                <aside class="card shortcut-help" aria-label="Keyboard shortcuts">
                    <h2>"Keyboard shortcuts"</h2>
                    <dl>
                        {KEYS.into_iter().map(|(key, what)| view! { <dt><kbd>{key}</kbd></dt><dd>{what}</dd> }).collect_view()}
                    </dl>
                </aside>
            }
        })
    }
}
