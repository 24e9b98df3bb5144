//! The deal's fields, each saved on change with the version the page shows.

use super::DealState;
use crate::components::picker::{Picker, PickerKind};
use domain::{
    deal::{ContactRole, DealChange},
    ids::{CompanyId, ContactId, UserId},
    money::format_whole,
    permission::Action,
};
use leptos::prelude::*;
use uuid::Uuid;

/// Cents as the plain decimal a person would type back: 1250050 → "12500.50".
fn decimal(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

#[component]
pub fn TitleField(state: DealState) -> impl IntoView {
    let error = state.field_error("title");
    let value = move || {
        state
            .detail
            .with(|d| format_whole(d.value_cents, d.currency))
    };
    // A memo: a reload that changed other fields leaves this input (and its text) alone.
    let title = Memo::new(move |_| state.detail.with(|d| d.title.clone()));
    view! {
        <header class="deal-header">
            <label for="deal-title" class="visually-hidden">"Title"</label>
            <input id="deal-title" class="title-input"
                value=title.get_untracked() prop:value=title
                readonly=move || !state.may(Action::EditDeal)
                on:change=move |e| state.save(vec![DealChange::Title(event_target_value(&e))], "the title") />
            <p class="field-error" aria-live="polite">{error}</p>
            <p class="deal-value">{value}</p>
        </header>
    }
}

/// One text field that saves when it changes.
#[component]
fn Editable(
    state: DealState,
    id: &'static str,
    label: &'static str,
    field: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    current: fn(&domain::board::DealDetail) -> String,
    change: fn(String) -> DealChange,
) -> impl IntoView {
    let error = state.field_error(field);
    let shown = Memo::new(move |_| state.detail.with(current));
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            <input id=id type=kind inputmode=inputmode
                value=shown.get_untracked() prop:value=shown
                aria-invalid=move || error.get().is_some().then_some("true")
                on:change=move |e| state.save(vec![change(event_target_value(&e))], label) />
            <p class="field-error" aria-live="polite">{error}</p>
        </div>
    }
}

#[component]
pub fn DealFields(state: DealState) -> impl IntoView {
    let company = RwSignal::new(None::<(Uuid, String)>);
    Effect::new(move |_| {
        if let Some((id, _)) = company.get() {
            company.set(None);
            state.save(
                vec![DealChange::Company(Some(CompanyId(id)))],
                "the company",
            );
        }
    });
    let owners = state.detail.with_untracked(|d| d.owners.clone());
    view! {
        <section class="panel deal-fields" aria-labelledby="fields-title">
            <h2 id="fields-title">"Details"</h2>
            // Read-only for whoever the permission table does not let edit this deal.
            <fieldset class="bare" disabled=move || !state.may(Action::EditDeal)>
            <div class="field-pair">
                <Editable state id="deal-value" label="Value" field="value" inputmode="decimal"
                    current=|d| decimal(d.value_cents) change=DealChange::Value />
                <Editable state id="deal-currency" label="Currency" field="currency"
                    current=|d| d.currency.to_string() change=DealChange::Currency />
            </div>
            <Editable state id="deal-close" label="Expected close date" field="expected_close_on" kind="date"
                current=|d| d.expected_close_on.map(|c| c.to_string()).unwrap_or_default()
                change=DealChange::ExpectedCloseOn />
            <div class="field">
                <label for="deal-owner">"Owner"</label>
                <select id="deal-owner" on:change=move |e| {
                    let owner = event_target_value(&e).parse().ok().map(UserId);
                    state.save(vec![DealChange::Owner(owner)], "the owner");
                }>
                    <option value="">"Nobody"</option>
                    {owners.into_iter().map(|o| {
                        let selected = move || state.detail.with(|d| d.owner == Some(o.id));
                        view! { <option value=o.id.to_string() selected=selected>{o.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <span class="label">"Company"</span>
                {move || state.detail.with(|d| d.company.clone()).map(|(id, name)| view! {
                    <p class="picked">
                        <a href=format!("/companies/{id}")>{name}</a>
                        <button type="button" class="link" on:click=move |_| {
                            state.save(vec![DealChange::Company(None)], "the company");
                        }>"Remove"</button>
                    </p>
                })}
            </div>
            <Picker kind=PickerKind::Company id="deal-company" label="Set company" picked=company
                error=state.field_error("company") />
            <Editable state id="deal-next" label="Next step" field="next_step"
                current=|d| d.next_step.clone().unwrap_or_default() change=DealChange::NextStep />
            <Editable state id="deal-source" label="Source" field="source"
                current=|d| d.source.clone().unwrap_or_default() change=DealChange::Source />
            <Editable state id="deal-tags" label="Tags" field="tags"
                current=|d| d.tags.join(", ") change=DealChange::Tags />
            </fieldset>
        </section>
    }
}

#[component]
pub fn Contacts(state: DealState) -> impl IntoView {
    let picked = RwSignal::new(None::<(Uuid, String)>);
    let role = RwSignal::new(ContactRole::DecisionMaker);
    let add = move |_| {
        if let Some((id, _)) = picked.get_untracked() {
            picked.set(None);
            state.save(
                vec![DealChange::AddContact(ContactId(id), role.get_untracked())],
                "the contacts",
            );
        }
    };
    view! {
        <section class="panel" aria-labelledby="contacts-title">
            <h2 id="contacts-title">"Contacts"</h2>
            <ul class="deal-contacts">
                {move || state.detail.with(|d| d.contacts.clone()).into_iter().map(|c| {
                    let id = c.id;
                    view! {
                        <li>
                            <a href=format!("/contacts/{id}")>{c.name.clone()}</a>
                            <span class="role">{c.role.label()}</span>
                            <button type="button" class="link" aria-label=format!("Remove {}", c.name)
                                on:click=move |_| state.save(vec![DealChange::RemoveContact(id)], "the contacts")>
                                "Remove"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Picker kind=PickerKind::Contact id="deal-contact" label="Add a contact" picked
                error=state.field_error("contact") />
            <div class="field">
                <label for="deal-contact-role">"Role"</label>
                <select id="deal-contact-role" on:change=move |e| {
                    if let Some(r) = ContactRole::parse(&event_target_value(&e)) { role.set(r) }
                }>
                    {ContactRole::ALL.into_iter().map(|r| view! { <option value=r.key()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <button type="button" disabled=move || picked.with(Option::is_none) on:click=add>"Add contact"</button>
        </section>
    }
}
