//! `/contacts` (search, sort, page, add) and `/contacts/:id` (details, inline edit, deals).

use crate::api::json::load;
use crate::components::timeline::{first_page, Timeline};
use crate::{
    api::companies::{get_contact, list_contacts, search_companies, SaveContact},
    components::{
        field::{first_problem, server_message},
        form_outcome, FormBanner, TextField,
    },
    pages::records::{
        duplicate_target, load_failed, use_list_query, DuplicateOffer, ListToolbar, NotFoundStatus,
        Pager, RelatedDeals,
    },
};
use domain::company::{self as rules, ContactDetails, ContactSummary, ListSort};
use domain::ids::CompanyId;
use domain::note::RecordRef;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const SORTS: &[ListSort] = &[
    ListSort::NameAsc,
    ListSort::NameDesc,
    ListSort::Newest,
    ListSort::Oldest,
];

/// A company name field that suggests the workspace's companies as you type. Without
/// JavaScript it is a plain text field; the server matches the name either way.
#[component]
fn CompanyPicker(value: String, server_error: Signal<Option<String>>) -> impl IntoView {
    let text = RwSignal::new(value.clone());
    let touched = RwSignal::new(false);
    // Filled in the browser only, once someone types: an effect never runs on the
    // server, so the page renders with no lookup and nothing pending. (A LocalResource
    // read here left the server's render waiting on it: the page came back as its
    // loading placeholder, or panicked reading it after its owner was gone.)
    let suggestions = RwSignal::new(Vec::<(CompanyId, String)>::new());
    Effect::new(move |_| {
        let typed = text.get();
        if !touched.get() {
            return;
        }
        spawn_local(async move {
            let found = search_companies(typed.clone()).await.unwrap_or_default();
            // Only the answer for what the field still says: typing outruns answers.
            if text.try_get_untracked().as_ref() == Some(&typed) {
                suggestions.try_set(found);
            }
        });
    });
    let error = Signal::derive(move || {
        touched
            .get()
            .then(|| first_problem(rules::rule_contact_company, &text.get()))
            .flatten()
            .or_else(|| server_error.get())
    });
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for="field-company">"Company"</label>
            <input
                id="field-company"
                name="company"
                list="company-suggestions"
                autocomplete="off"
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby="field-company-hint field-company-error"
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    touched.set(true);
                }
            />
            <datalist id="company-suggestions">
                {move || suggestions.get().into_iter().map(|(_, name)| view! {
                    <option value=name></option>
                }).collect_view()}
            </datalist>
            <p class="hint" id="field-company-hint">"The company's name as saved in Companies; leave empty for none."</p>
            <p class="field-error" id="field-company-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// The contact form, empty for a new contact or filled for an edit.
#[component]
fn ContactForm(
    action: ServerAction<SaveContact>,
    #[prop(optional)] existing: Option<ContactSummary>,
    /// The version the edit is based on; a save from an older one is refused.
    #[prop(optional)]
    version: Option<i32>,
    #[prop(optional)] company: String,
    submit: &'static str,
) -> impl IntoView {
    let result = form_outcome(action);
    let id = existing
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let (name, email, phone, title) = existing
        .as_ref()
        .map(|c| {
            (
                c.name.clone(),
                c.email.clone().unwrap_or_default(),
                c.phone.clone().unwrap_or_default(),
                c.title.clone().unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let company = existing
        .and_then(|c| c.company.map(|(_, name)| name))
        .unwrap_or(company);
    view! {
        <ActionForm action=action attr:class="record-form">
            <FormBanner result=result />
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version.map(|v| v.to_string()).unwrap_or_default() />
            <TextField label="Name" name="name" value=name rule=rules::rule_contact_name
                autocomplete="off" server_error=server_message(result, "name") />
            <TextField label="E-mail" name="email" kind="email" value=email
                rule=rules::rule_contact_email server_error=server_message(result, "email") />
            <DuplicateOffer existing=duplicate_target(result) base="/contacts" what="contact" />
            <TextField label="Phone" name="phone" kind="tel" value=phone
                rule=rules::rule_phone server_error=server_message(result, "phone") />
            <TextField label="Job title" name="title" value=title
                rule=rules::rule_job_title server_error=server_message(result, "title") />
            <CompanyPicker value=company server_error=server_message(result, "company") />
            <button type="submit" class="primary">{submit}</button>
        </ActionForm>
    }
}

#[component]
fn ContactRow(contact: ContactSummary) -> impl IntoView {
    let meta: Vec<String> = [contact.title, contact.email, contact.phone]
        .into_iter()
        .flatten()
        .collect();
    view! {
        <li class="record">
            <a class="record-name" href=format!("/contacts/{}", contact.id)>{contact.name}</a>
            {contact.company.map(|(id, name)| view! {
                <a class="record-company" href=format!("/companies/{id}")>{name}</a>
            })}
            <span class="record-meta">{meta.join(" · ")}</span>
        </li>
    }
}

/// `/contacts`; `?company=Acme` fills in the new contact's company.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let query = use_list_query();
    let company = use_query_map().with_untracked(|q| q.get("company").unwrap_or_default());
    let create = ServerAction::<SaveContact>::new();
    let contacts = load(
        move || query.get(),
        |q| list_contacts(q.text, q.sort.key().to_owned(), q.page),
    );
    view! {
        <Title text="Contacts" />
        <header class="page-header"><h1>"Contacts"</h1></header>
        <div class="records-layout">
            <section class="card" aria-labelledby="new-contact-title">
                <h2 id="new-contact-title">"Add a contact"</h2>
                <ContactForm action=create company=company submit="Add contact" />
            </section>
            <section class="records" aria-label="Contact list">
                <ListToolbar path="/contacts" label="Search contacts" sorts=SORTS query=query />
                <Transition fallback=|| view! { <p class="loading">"Loading contacts…"</p> }>
                    {move || Suspend::new(async move {
                        match contacts.await {
                            Ok(page) => view! {
                                <ul class="record-list" aria-label="Contacts">
                                    {page.items.into_iter().map(|c| view! { <ContactRow contact=c /> }).collect_view()}
                                </ul>
                                <Pager path="/contacts" query=query.get_untracked() total=page.total per_page=page.per_page />
                            }.into_any(),
                            Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// `/contacts/:id`.
#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveContact>::new();
    let contact = load(
        move || {
            (
                params.with(|p| p.get("id").unwrap_or_default()),
                save.version().get(),
            )
        },
        |(id, _)| get_contact(id),
    );
    let timeline = first_page(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        |id| RecordRef::Contact(domain::ids::ContactId(id)),
    );
    let status = NotFoundStatus::capture();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the contact…"</p> }>
            {move || {
                let status = status.clone();
                Suspend::new(async move {
                    let (contact, timeline) = (contact.await, timeline.await);
                    match contact {
                        Ok(details) => view! { <ContactDetailsView details=details save=save timeline /> }.into_any(),
                        Err(error) => load_failed(&error, &status, "Contact", "/contacts", "All contacts"),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn ContactDetailsView(
    details: ContactDetails,
    save: ServerAction<SaveContact>,
    timeline: Result<domain::timeline::TimelinePage, domain::AppError>,
) -> impl IntoView {
    let ContactDetails {
        contact,
        deals,
        deals_total,
        version,
        ..
    } = details;
    let outcome = form_outcome(save);
    // A refused edit keeps the form open, with and without JavaScript.
    let failed = Signal::derive(move || outcome.with(|r| matches!(r, Some(Err(_)))));
    let name = contact.name.clone();
    let deals_title = format!("Deals ({deals_total})");
    let dash = || "–".into_any();
    let email = match contact.email.clone() {
        Some(email) => view! { <a href=format!("mailto:{email}")>{email.clone()}</a> }.into_any(),
        None => dash(),
    };
    let phone = match contact.phone.clone() {
        Some(phone) => {
            let dial: String = phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            view! { <a href=format!("tel:{dial}")>{phone.clone()}</a> }.into_any()
        }
        None => dash(),
    };
    let company = match contact.company.clone() {
        Some((id, company)) => {
            view! { <a href=format!("/companies/{id}")>{company}</a> }.into_any()
        }
        None => dash(),
    };
    let title = contact.title.clone().unwrap_or_else(|| "–".to_owned());
    let record = RecordRef::Contact(contact.id);
    view! {
        <Title text=name.clone() />
        <header class="page-header"><h1>{name.clone()}</h1></header>
        <p class="crumbs"><a href="/contacts">"All contacts"</a></p>
        <section class="card" aria-labelledby="contact-facts">
            <h2 id="contact-facts">"Details"</h2>
            <dl class="facts">
                <div><dt>"E-mail"</dt><dd>{email}</dd></div>
                <div><dt>"Phone"</dt><dd>{phone}</dd></div>
                <div><dt>"Job title"</dt><dd>{title}</dd></div>
                <div><dt>"Company"</dt><dd>{company}</dd></div>
            </dl>
            <details class="edit-record" open=move || failed.get()>
                <summary>"Edit contact"</summary>
                <ContactForm action=save existing=contact version=version submit="Save contact" />
            </details>
        </section>
        <section class="card" aria-labelledby="contact-deals">
            <h2 id="contact-deals">{deals_title}</h2>
            <RelatedDeals deals=deals total=deals_total />
        </section>
        <Timeline of=record first=timeline />
    }
}
