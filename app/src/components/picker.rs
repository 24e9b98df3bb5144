//! Search-as-you-type pickers for a company or a contact.

use crate::api::companies::{search_companies, search_contacts};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

/// What a picker searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Company,
    Contact,
}

async fn search(kind: PickerKind, text: String) -> Vec<(Uuid, String)> {
    match kind {
        PickerKind::Company => search_companies(text)
            .await
            .map(|rows| rows.into_iter().map(|(id, name)| (id.0, name)).collect())
            .unwrap_or_default(),
        PickerKind::Contact => search_contacts(text)
            .await
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, name, email)| match email {
                        Some(email) => (id.0, format!("{name} <{email}>")),
                        None => (id.0, name),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A labelled search box; choosing a match fills `picked`.
#[component]
pub fn Picker(
    kind: PickerKind,
    /// Doubles as the input's id, so keep it unique on the page.
    id: &'static str,
    label: &'static str,
    picked: RwSignal<Option<(Uuid, String)>>,
    #[prop(optional)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let results = RwSignal::new(Vec::<(Uuid, String)>::new());
    // Answers can arrive out of order; only the latest query's may show.
    let latest = StoredValue::new(0_u32);
    let on_input = move |event| {
        let text = event_target_value(&event);
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        if text.trim().is_empty() {
            results.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let found = search(kind, text).await;
            // The picker may have closed meanwhile: then its values are gone.
            if latest.try_get_value() == Some(ticket) {
                results.set(found);
            }
        });
    };
    let message = move || error.and_then(|e| e.get());
    view! {
        <div class="field picker">
            <label for=id>{label}</label>
            {move || match picked.get() {
                Some((_, name)) => view! {
                    <p class="picked">
                        <span>{name.clone()}</span>
                        <button type="button" class="link" aria-label=format!("Clear {label}") on:click=move |_| picked.set(None)>
                            "Change"
                        </button>
                    </p>
                }
                .into_any(),
                None => view! {
                    <input id=id type="search" autocomplete="off" placeholder="Type to search" on:input=on_input />
                    <ul class="picker-results">
                        <For each=move || results.get() key=|(id, _)| *id let:row>
                            <li>
                                <button type="button" class="picker-option" on:click={
                                    let row = row.clone();
                                    move |_| {
                                        picked.set(Some(row.clone()));
                                        results.set(Vec::new());
                                    }
                                }>{row.1.clone()}</button>
                            </li>
                        </For>
                    </ul>
                }
                .into_any(),
            }}
            {move || message().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </div>
    }
}
