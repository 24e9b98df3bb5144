//! The board's small forms: the fields a stage still needs, the lost reason, a new deal.
//!
//! The two larger forms are chunks of their own (`#[lazy]`): they are closed when the
//! board is rendered and hydrated, so a phone's first load of /pipeline does not carry
//! them, nor the company and contact pickers they share with the deal page. The board
//! fetches them once it is usable (`preload`), so a drop rarely waits for them.

use super::state::{move_with, BoardState, PendingMove};
use crate::{
    api::deals::{create_deal, move_deal},
    components::picker::{Picker, PickerKind},
};
use domain::{
    board::{NewDeal, Outcome},
    deal::{missing_for_entry, validate_changes, ContactRole, DealChange, DealField, Missing},
    ids::{CompanyId, ContactId, UserId},
    AppError, FieldErrors,
};
use leptos::{ev, lazy, prelude::*, task::spawn_local};
use uuid::Uuid;

/// A labelled input bound to a signal, with its field message.
#[component]
pub fn Input(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    /// The key of this field in `errors`.
    field: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
) -> impl IntoView {
    let message = move || errors.with(|e| e.for_field(field).map(str::to_owned));
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                inputmode=inputmode
                value=value.get_untracked() prop:value=move || value.get()
                aria-invalid=move || message().is_some().then_some("true")
                on:input=move |e| value.set(event_target_value(&e))
            />
            <p class="field-error" aria-live="polite">{message}</p>
        </div>
    }
}

/// Moves focus into a dialog that just opened: its first field, or its first button.
pub fn focus_dialog(id: &'static str) {
    request_animation_frame(move || {
        let selector = format!("#{id} input, #{id} select, #{id} button");
        if let Some(element) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok()
            })
        {
            let _ = element.focus();
        }
    });
}

/// Fetches the lazy forms' chunks without running them.
pub async fn preload() {
    #[cfg(feature = "hydrate")]
    __preload_lazy_dialog().await;
}

/// The forms in the lazy chunk. One chunk for both: each split point multiplies the
/// chunks of code shared between split points (one per combination of them).
enum LazyDialog {
    MissingFields(Box<PendingMove>),
    NewDeal(RwSignal<bool>),
}

#[lazy]
fn lazy_dialog(state: BoardState, dialog: LazyDialog) -> AnyView {
    match dialog {
        LazyDialog::MissingFields(pending) => {
            view! { <MissingFields state pending=*pending /> }.into_any()
        }
        LazyDialog::NewDeal(open) => view! { <NewDeal state open /> }.into_any(),
    }
}

/// Shown while a move waits for the fields its stage needs.
#[component]
pub fn MoveForm(state: BoardState) -> impl IntoView {
    move || {
        state.pending.get().map(|pending| {
            Suspend::new(lazy_dialog(
                state,
                LazyDialog::MissingFields(Box::new(pending)),
            ))
        })
    }
}

#[component]
fn MissingFields(state: BoardState, pending: PendingMove) -> impl IntoView {
    let asks = |field: DealField| pending.missing.contains(&Missing::Field(field));
    let value = RwSignal::new(String::new());
    let close_on = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let company = RwSignal::new(None::<(Uuid, String)>);
    let contact = RwSignal::new(None::<(Uuid, String)>);
    let checked = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(FieldErrors::default());
    let busy = RwSignal::new(false);
    let banner = RwSignal::new(None::<String>);
    let title = format!("Move “{}” to {}", pending.card.title, pending.to.name);
    let checklist: Vec<String> = pending
        .missing
        .iter()
        .filter_map(|m| match m {
            Missing::Checklist(item) => Some(item.clone()),
            Missing::Field(_) => None,
        })
        .collect();
    let form = StoredValue::new(pending.clone());
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let pending = form.get_value();
        let mut changes = Vec::new();
        let mut problems = FieldErrors::default();
        for missing in &pending.missing {
            match missing {
                Missing::Field(DealField::Value) => {
                    changes.push(DealChange::Value(value.get_untracked()))
                }
                Missing::Field(DealField::ExpectedCloseOn) => {
                    changes.push(DealChange::ExpectedCloseOn(close_on.get_untracked()));
                }
                Missing::Field(DealField::Source) => {
                    changes.push(DealChange::Source(source.get_untracked()))
                }
                Missing::Field(DealField::NextStep) => {
                    changes.push(DealChange::NextStep(next_step.get_untracked()));
                }
                Missing::Field(DealField::Owner) => match owner.get_untracked().parse::<Uuid>() {
                    Ok(id) => changes.push(DealChange::Owner(Some(UserId(id)))),
                    Err(_) => problems.add("owner", "Pick an owner."),
                },
                Missing::Field(DealField::Company) => match company.get_untracked() {
                    Some((id, _)) => changes.push(DealChange::Company(Some(CompanyId(id)))),
                    None => problems.add("company", "Pick the company."),
                },
                Missing::Field(field @ (DealField::Contact | DealField::DecisionMaker)) => {
                    let role = if *field == DealField::DecisionMaker {
                        ContactRole::DecisionMaker
                    } else {
                        ContactRole::Other
                    };
                    match contact.get_untracked() {
                        Some((id, _)) => changes.push(DealChange::AddContact(ContactId(id), role)),
                        None => problems.add(field.key(), "Pick a contact."),
                    }
                }
                Missing::Checklist(item) => {
                    let done = checked.with_untracked(|c| c.contains(item));
                    changes.push(DealChange::Check(item.clone(), done));
                }
            }
        }
        let parsed = match validate_changes(&changes) {
            Ok(parsed) => parsed,
            Err(found) => {
                problems.0.extend(found.0);
                Vec::new()
            }
        };
        if problems.is_empty() {
            let mut facts = pending.card.facts.clone();
            for change in &parsed {
                change.apply_to(&mut facts);
            }
            for still in missing_for_entry(&facts, &pending.to.criteria) {
                match still {
                    Missing::Field(field) => {
                        problems.add(field.key(), format!("{} needs this.", pending.to.name))
                    }
                    Missing::Checklist(item) => {
                        problems.add("checklist", format!("Tick “{item}” first."))
                    }
                }
            }
        }
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match move_deal(move_with(&pending, changes)).await {
                Ok(saved) => {
                    state.pending.set(None);
                    state.place(pending.from, saved.stage, saved.card);
                    state.done(
                        saved.event,
                        format!("Moved {} to {}.", pending.card.title, pending.to.name),
                    );
                }
                Err(AppError::Validation(found)) => {
                    // The summary names problems with fields this form may not show.
                    banner.set(Some(AppError::Validation(found.clone()).explain()));
                    errors.set(found);
                }
                Err(error) => banner.set(Some(error.explain())),
            }
            busy.set(false);
        });
    };
    let cancel = move |_| {
        state.pending.set(None);
        state.announce.set("Move cancelled.".into());
    };
    let owners = state.owners.get_untracked();
    focus_dialog("move-dialog");
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" id="move-dialog" role="dialog" aria-modal="true" aria-labelledby="move-title"
                on:keydown=move |e| if e.key() == "Escape" { state.pending.set(None) }>
                <h2 id="move-title">{title}</h2>
                <p class="hint">{format!("{} needs these details first.", pending.to.name)}</p>
                {move || banner.get().map(|m| view! { <div class="banner error" role="alert">{m}</div> })}
                <form on:submit=submit novalidate>
                    {asks(DealField::Value).then(|| view! {
                        <Input id="move-value" label="Value" value errors field="value" inputmode="decimal" />
                    })}
                    {asks(DealField::ExpectedCloseOn).then(|| view! {
                        <Input id="move-close" label="Expected close date" value=close_on errors field="expected_close_on" kind="date" />
                    })}
                    {asks(DealField::Source).then(|| view! {
                        <Input id="move-source" label="Source" value=source errors field="source" />
                    })}
                    {asks(DealField::NextStep).then(|| view! {
                        <Input id="move-next" label="Next step" value=next_step errors field="next_step" />
                    })}
                    {asks(DealField::Owner).then(|| view! {
                        <div class="field">
                            <label for="move-owner">"Owner"</label>
                            <select id="move-owner" on:change=move |e| owner.set(event_target_value(&e))>
                                <option value="">"Choose…"</option>
                                {owners.iter().map(|o| view! { <option value=o.id.to_string()>{o.name.clone()}</option> }).collect_view()}
                            </select>
                            <p class="field-error">{move || errors.with(|e| e.for_field("owner").map(str::to_owned))}</p>
                        </div>
                    })}
                    {asks(DealField::Company).then(|| view! {
                        <Picker kind=PickerKind::Company id="move-company" label="Company" picked=company
                            error=Signal::derive(move || errors.with(|e| e.for_field("company").map(str::to_owned))) />
                    })}
                    {(asks(DealField::Contact) || asks(DealField::DecisionMaker)).then(|| view! {
                        <Picker kind=PickerKind::Contact id="move-contact"
                            label=if asks(DealField::DecisionMaker) { "Decision maker" } else { "Contact" }
                            picked=contact
                            error=Signal::derive(move || errors.with(|e| e.for_field("decision_maker").or(e.for_field("contact")).map(str::to_owned))) />
                    })}
                    {(!checklist.is_empty()).then(|| view! {
                        <fieldset class="checklist">
                            <legend>"Checklist"</legend>
                            {checklist.iter().map(|item| {
                                let item = item.clone();
                                let toggle = item.clone();
                                view! {
                                    <label class="check">
                                        <input type="checkbox" on:change=move |e| {
                                            let on = event_target_checked(&e);
                                            checked.update(|c| {
                                                c.retain(|i| *i != toggle);
                                                if on { c.push(toggle.clone()); }
                                            });
                                        } />
                                        {item}
                                    </label>
                                }
                            }).collect_view()}
                            <p class="field-error">{move || errors.with(|e| e.for_field("checklist").map(str::to_owned))}</p>
                        </fieldset>
                    })}
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>"Move deal"</button>
                        <button type="button" on:click=cancel>"Cancel"</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

/// Asks why a dropped deal was lost.
#[component]
pub fn LostForm(state: BoardState) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let Some((card, from)) = state.losing.get_untracked() else {
            return;
        };
        let chosen = reason.get_untracked();
        if chosen.is_empty() {
            error.set(Some("Pick why the deal was lost."));
            return;
        }
        state.losing.set(None);
        reason.set(String::new());
        error.set(None);
        state.send_close(card, from, Outcome::Lost { reason: chosen });
    };
    // A new drop starts with no reason picked, whatever the last one was.
    Effect::new(move |_| {
        state.losing.track();
        reason.set(String::new());
        error.set(None);
    });
    move || {
        state.losing.get().map(|(card, _)| {
            let reasons = state.lost_reasons.get_value();
            focus_dialog("lost-dialog");
            view! {
                <div class="dialog-backdrop">
                    <div class="dialog" id="lost-dialog" role="dialog" aria-modal="true" aria-labelledby="lost-title"
                        on:keydown=move |e| if e.key() == "Escape" { state.losing.set(None) }>
                        <h2 id="lost-title">{format!("Mark “{}” as lost", card.title)}</h2>
                        <form on:submit=submit novalidate>
                            <div class="field">
                                <label for="lost-reason">"Why was it lost?"</label>
                                <select id="lost-reason" prop:value=move || reason.get() on:change=move |e| reason.set(event_target_value(&e))>
                                    <option value="">"Choose a reason…"</option>
                                    {reasons.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                                </select>
                                <p class="field-error" aria-live="polite">{move || error.get()}</p>
                            </div>
                            <div class="actions">
                                <button type="submit" class="danger">"Mark lost"</button>
                                <button type="button" on:click=move |_| state.losing.set(None)>"Cancel"</button>
                            </div>
                        </form>
                    </div>
                </div>
            }
        })
    }
}

/// A quick new deal: title and value, optionally close date and company.
#[component]
pub fn NewDealForm(state: BoardState, open: RwSignal<bool>) -> impl IntoView {
    move || {
        open.get()
            .then(|| Suspend::new(lazy_dialog(state, LazyDialog::NewDeal(open))))
    }
}

/// The new-deal form itself; its fields start empty each time it opens.
#[component]
fn NewDeal(state: BoardState, open: RwSignal<bool>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let currency = RwSignal::new(state.default_currency.to_string());
    let close_on = RwSignal::new(String::new());
    let company = RwSignal::new(None::<(Uuid, String)>);
    let errors = RwSignal::new(FieldErrors::default());
    let banner = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let mut changes = vec![
            DealChange::Value(value.get_untracked()),
            DealChange::Currency(currency.get_untracked()),
            DealChange::ExpectedCloseOn(close_on.get_untracked()),
        ];
        if let Some((id, _)) = company.get_untracked() {
            changes.push(DealChange::Company(Some(CompanyId(id))));
        }
        let mut problems = validate_changes(&changes).err().unwrap_or_default();
        if let Err(message) = domain::deal::parse_title(&title.get_untracked()) {
            problems.0.insert(
                0,
                domain::FieldError {
                    field: "title".into(),
                    message,
                },
            );
        }
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        let deal = NewDeal {
            pipeline: state.filter.get_value().pipeline,
            stage: None,
            title: title.get_untracked(),
            changes,
        };
        busy.set(true);
        spawn_local(async move {
            match create_deal(deal).await {
                Ok(saved) => {
                    state.place(saved.stage, saved.stage, saved.card.clone());
                    state.notify(format!("Added {}.", saved.card.title));
                    // Closing drops the form; it opens empty next time.
                    open.set(false);
                }
                Err(AppError::Validation(found)) => {
                    // The summary names problems with fields this form may not show.
                    banner.set(Some(AppError::Validation(found.clone()).explain()));
                    errors.set(found);
                }
                Err(error) => banner.set(Some(error.explain())),
            }
            busy.set(false);
        });
    };
    focus_dialog("new-deal-dialog");
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" id="new-deal-dialog" role="dialog" aria-modal="true" aria-labelledby="new-deal-title"
                on:keydown=move |e| if e.key() == "Escape" { open.set(false) }>
                <h2 id="new-deal-title">"New deal"</h2>
                {move || banner.get().map(|m| view! { <div class="banner error" role="alert">{m}</div> })}
                <form on:submit=submit novalidate>
                    <Input id="new-title" label="Title" value=title errors field="title" />
                    <div class="field-pair">
                        <Input id="new-value" label="Value" value errors field="value" inputmode="decimal" />
                        <Input id="new-currency" label="Currency" value=currency errors field="currency" />
                    </div>
                    <Input id="new-close" label="Expected close date" value=close_on errors field="expected_close_on" kind="date" />
                    <Picker kind=PickerKind::Company id="new-company" label="Company" picked=company />
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>"Add deal"</button>
                        <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </div>
        </div>
    }
}
