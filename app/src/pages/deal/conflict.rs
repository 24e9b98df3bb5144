//! The choice offered when someone else saved the same field first: their value is on
//! the page already; keep it, or put yours over it knowingly.

use super::DealState;
use domain::deal::DealChange;
use leptos::prelude::*;

/// An edit the server refused because the same field changed meanwhile.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub message: String,
    pub changes: Vec<DealChange>,
    pub what: &'static str,
}

impl Conflict {
    /// "Sam Rep changed value since you opened this deal." without the generic advice.
    fn headline(&self) -> String {
        self.message
            .split(" Your change was not saved")
            .next()
            .unwrap_or(&self.message)
            .to_owned()
    }

    /// What the person typed, when it reads as a value.
    fn yours(&self) -> Option<String> {
        let shown: Vec<String> = self
            .changes
            .iter()
            .filter_map(|change| match change {
                DealChange::Title(text)
                | DealChange::Value(text)
                | DealChange::Currency(text)
                | DealChange::ExpectedCloseOn(text)
                | DealChange::Source(text)
                | DealChange::NextStep(text)
                | DealChange::Tags(text) => Some(if text.is_empty() {
                    "(empty)".to_owned()
                } else {
                    text.clone()
                }),
                _ => None,
            })
            .collect();
        (!shown.is_empty()).then(|| shown.join(", "))
    }
}

#[component]
pub fn ConflictPrompt(state: DealState) -> impl IntoView {
    move || {
        state.conflict.get().map(|conflict| {
            let headline = conflict.headline();
            let yours = conflict.yours();
            let retry = conflict.clone();
            // Focus the safe choice, so keyboard and screen reader users land on it.
            let keep = NodeRef::<leptos::html::Button>::new();
            keep.on_load(|button| {
                let _ = button.focus();
            });
            view! {
                <div class="conflict" role="alertdialog" aria-labelledby="conflict-title"
                    aria-describedby="conflict-detail">
                    <p id="conflict-title" class="conflict-title">{headline}</p>
                    <p id="conflict-detail">
                        "Their version is shown now. "
                        {yours.map(|v| format!("Yours was: {v}."))}
                    </p>
                    <div class="conflict-actions">
                        <button type="button" class="secondary" node_ref=keep
                            on:click=move |_| state.conflict.set(None)>"Keep theirs"</button>
                        <button type="button" class="primary" on:click=move |_| {
                            state.conflict.set(None);
                            // Based on the version just reloaded: a deliberate overwrite.
                            state.save(retry.changes.clone(), retry.what);
                        }>"Use mine"</button>
                    </div>
                </div>
            }
        })
    }
}
