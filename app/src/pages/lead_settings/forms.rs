//! Web forms: each with its public address and the HTML to paste into a site.

use crate::{
    api::lead_setup::{delete_lead_form, save_lead_form},
    components::field::textarea_text,
};
use domain::{
    lead_form::{snippet, FormField, FormSetup, LeadForm},
    AppError,
};
use leptos::{prelude::*, task::spawn_local};

/// Fields a new form starts with.
const STARTER: [FormField; 4] = [
    FormField::Name,
    FormField::Email,
    FormField::Company,
    FormField::Message,
];

#[component]
pub fn WebForms(
    forms: Vec<LeadForm>,
    base_url: String,
    editable: bool,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let forms = RwSignal::new(forms);
    let base = StoredValue::new(base_url);
    view! {
        <section class="card web-forms" aria-labelledby="forms-title">
            <h2 id="forms-title">"Web forms"</h2>
            <p class="hint">"Paste a form's HTML into any page of your site. Submissions land in the inbox at once, tagged with the form's campaign and the page's UTM tags. A hidden field catches bots, and each address may send 20 forms a minute."</p>
            {move || forms.with(Vec::is_empty).then(|| view! { <p class="empty">"No forms yet."</p> })}
            <For each=move || forms.get() key=|form| (form.id, form.name.clone()) let:form>
                <FormCard form base=base.get_value() editable forms notice />
            </For>
            {editable.then(|| view! { <NewForm forms notice /> })}
        </section>
    }
}

#[component]
fn FormCard(
    form: LeadForm,
    base: String,
    editable: bool,
    forms: RwSignal<Vec<LeadForm>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let html = snippet(&form, &base);
    let id = form.id;
    let name = form.name.clone();
    let error = RwSignal::new(None::<String>);
    let delete = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            spawn_local(async move {
                match delete_lead_form(id).await {
                    Ok(()) => {
                        forms.try_update(|list| list.retain(|f| f.id != id));
                        notice.try_set(Some(format!(
                            "Form “{name}” deleted; posts to it are refused from now on."
                        )));
                    }
                    Err(problem) => {
                        error.try_set(Some(problem.explain()));
                    }
                }
            });
        }
    };
    let fields = form
        .fields
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <article class="form-card" aria-label=format!("Form {name}")>
            <h3>{name.clone()}</h3>
            <p class="lead-meta">
                <span>{format!("{} submissions", form.submissions)}</span>
                <span>{form.campaign.clone().map_or_else(|| "No campaign".to_owned(), |c| format!("Campaign: {c}"))}</span>
                <span>{fields}</span>
            </p>
            <label for=format!("snippet-{id}")>{format!("HTML for {name}")}</label>
            <textarea id=format!("snippet-{id}") class="snippet" readonly rows="8" spellcheck="false"
                prop:value=html.clone()>{textarea_text(&html)}</textarea>
            <p class="hint">"Posts to "<code>{format!("{}/f/{}", base.trim_end_matches('/'), form.key)}</code>" — also accepts JSON."</p>
            {editable.then(|| view! {
                <button type="button" class="link danger-link" aria-label=format!("Delete form {name}") on:click=delete.clone()>"Delete"</button>
            })}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </article>
    }
}

#[component]
fn NewForm(forms: RwSignal<Vec<LeadForm>>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let campaign = RwSignal::new(String::new());
    let chosen = FormField::ALL.map(|field| (field, RwSignal::new(STARTER.contains(&field))));
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let setup = FormSetup {
            name: name.get_untracked(),
            fields: chosen
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(field, _)| *field)
                .collect(),
            campaign: campaign.get_untracked(),
            version: 0,
        };
        if let Err(problems) = setup.validate() {
            error.set(Some(AppError::Validation(problems)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match save_lead_form(None, setup).await {
                Ok(form) => {
                    notice.try_set(Some(format!(
                        "Form “{}” is ready: paste its HTML into your site.",
                        form.name
                    )));
                    forms.try_update(|list| list.push(form));
                    name.try_set(String::new());
                    campaign.try_set(String::new());
                    error.try_set(None);
                }
                Err(problem) => {
                    error.try_set(Some(problem));
                }
            }
            busy.try_set(false);
        });
    };
    let message =
        move |field: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field_message(field)));
    view! {
        <form class="new-form" aria-label="New web form" on:submit=save novalidate>
            <h3>"New form"</h3>
            <div class="field">
                <label for="form-name">"Form name"</label>
                <input id="form-name" placeholder="e.g. Contact us" value=name.get_untracked() prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e)) />
                <p class="field-error">{move || message("name")}</p>
            </div>
            <div class="field">
                <label for="form-campaign">"Campaign (optional)"</label>
                <input id="form-campaign" placeholder="e.g. Spring webinar" value=campaign.get_untracked() prop:value=move || campaign.get()
                    on:input=move |e| campaign.set(event_target_value(&e)) />
            </div>
            <fieldset class="field-choices">
                <legend>"Fields"</legend>
                {chosen.into_iter().map(|(field, on)| view! {
                    <label class="choice">
                        <input type="checkbox" checked=on.get_untracked() prop:checked=move || on.get()
                            on:change=move |e| on.set(event_target_checked(&e)) />
                        {field.label()}
                    </label>
                }).collect_view()}
                <p class="field-error">{move || message("fields")}</p>
            </fieldset>
            <p class="field-error" role="alert">{move || error.with(|e| e.as_ref().filter(|e| !matches!(e, AppError::Validation(_))).map(AppError::explain))}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>"Create form"</button>
        </form>
    }
}
