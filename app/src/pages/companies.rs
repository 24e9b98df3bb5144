//! `/companies` (search, sort, page, add) and `/companies/:id` (details, inline edit,
//! people, deals).

use crate::api::json::load;
use crate::components::timeline::{first_page, Timeline};
use crate::{
    api::companies::{get_company, list_companies, SaveCompany},
    components::{field::server_message, form_outcome, FormBanner, TextField},
    pages::records::{
        duplicate_target, encode, grouped, load_failed, use_list_query, DuplicateOffer,
        ListToolbar, NotFoundStatus, Pager, RelatedDeals,
    },
};
use domain::note::RecordRef;
use domain::{
    company::{self as rules, CompanyDetails, CompanyFields, CompanySummary, ListSort},
    ids::CompanyId,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

const SORTS: &[ListSort] = &[
    ListSort::NameAsc,
    ListSort::NameDesc,
    ListSort::Newest,
    ListSort::Oldest,
    ListSort::Largest,
];

/// The company form, empty for a new company or filled for an edit.
#[component]
fn CompanyForm(
    action: ServerAction<SaveCompany>,
    #[prop(optional)] id: Option<CompanyId>,
    /// The version the edit is based on; a save from an older one is refused.
    #[prop(optional)]
    version: Option<i32>,
    #[prop(optional)] fields: Option<CompanyFields>,
    submit: &'static str,
) -> impl IntoView {
    let result = form_outcome(action);
    let fields = fields.unwrap_or(CompanyFields {
        name: String::new(),
        domain: None,
        industry: None,
        employees: None,
        address: None,
    });
    view! {
        <ActionForm action=action attr:class="record-form">
            <FormBanner result=result />
            <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default() />
            <input type="hidden" name="version" value=version.map(|v| v.to_string()).unwrap_or_default() />
            <TextField label="Name" name="name" value=fields.name rule=rules::rule_company_name
                server_error=server_message(result, "name") />
            <TextField label="Domain" name="domain" value=fields.domain.unwrap_or_default()
                rule=rules::rule_domain hint="Like acme.com" server_error=server_message(result, "domain") />
            <DuplicateOffer existing=duplicate_target(result) base="/companies" what="company" />
            <TextField label="Industry" name="industry" value=fields.industry.unwrap_or_default()
                rule=rules::rule_industry server_error=server_message(result, "industry") />
            <TextField label="Employees" name="employees" kind="text"
                value=fields.employees.map(|n| n.to_string()).unwrap_or_default()
                rule=rules::rule_employees server_error=server_message(result, "employees") />
            <TextField label="Address" name="address" value=fields.address.unwrap_or_default()
                rule=rules::rule_address server_error=server_message(result, "address") />
            <button type="submit" class="primary">{submit}</button>
        </ActionForm>
    }
}

#[component]
fn CompanyRow(company: CompanySummary) -> impl IntoView {
    let facts: Vec<String> = [
        company.domain,
        company.industry,
        company
            .employees
            .map(|n| format!("{} employees", grouped(n))),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <li class="record">
            <a class="record-name" href=format!("/companies/{}", company.id)>{company.name}</a>
            <span class="record-meta">{facts.join(" · ")}</span>
        </li>
    }
}

/// `/companies`.
#[component]
pub fn CompaniesPage() -> impl IntoView {
    let query = use_list_query();
    let create = ServerAction::<SaveCompany>::new();
    let companies = load(
        move || query.get(),
        |q| list_companies(q.text, q.sort.key().to_owned(), q.page),
    );
    view! {
        <Title text="Companies" />
        <header class="page-header"><h1>"Companies"</h1></header>
        <div class="records-layout">
            <section class="card" aria-labelledby="new-company-title">
                <h2 id="new-company-title">"Add a company"</h2>
                <CompanyForm action=create submit="Add company" />
            </section>
            <section class="records" aria-label="Company list">
                <ListToolbar path="/companies" label="Search companies" sorts=SORTS query=query />
                <Transition fallback=|| view! { <p class="loading">"Loading companies…"</p> }>
                    {move || Suspend::new(async move {
                        match companies.await {
                            Ok(page) => view! {
                                <ul class="record-list" aria-label="Companies">
                                    {page.items.into_iter().map(|c| view! { <CompanyRow company=c /> }).collect_view()}
                                </ul>
                                <Pager path="/companies" query=query.get_untracked() total=page.total per_page=page.per_page />
                            }.into_any(),
                            Err(error) => view! { <div class="banner error" role="alert">{error.message()}</div> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// `/companies/:id`.
#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveCompany>::new();
    let company = load(
        move || {
            (
                params.with(|p| p.get("id").unwrap_or_default()),
                save.version().get(),
            )
        },
        |(id, _)| get_company(id),
    );
    let timeline = first_page(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        |id| RecordRef::Company(domain::ids::CompanyId(id)),
    );
    let status = NotFoundStatus::capture();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the company…"</p> }>
            {move || {
                let status = status.clone();
                Suspend::new(async move {
                    let (company, timeline) = (company.await, timeline.await);
                    match company {
                        Ok(details) => view! { <CompanyDetailsView details=details save=save timeline /> }.into_any(),
                        Err(error) => load_failed(&error, &status, "Company", "/companies", "All companies"),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn CompanyDetailsView(
    details: CompanyDetails,
    save: ServerAction<SaveCompany>,
    timeline: Result<domain::timeline::TimelinePage, domain::AppError>,
) -> impl IntoView {
    let CompanyDetails {
        company,
        contacts,
        contacts_total,
        deals,
        deals_total,
    } = details;
    let fields = company.fields.clone();
    let name = fields.name.clone();
    let outcome = form_outcome(save);
    // A refused edit keeps the form open, with and without JavaScript.
    let failed = Signal::derive(move || outcome.with(|r| matches!(r, Some(Err(_)))));
    let add_contact = format!("/contacts?company={}", encode(&name));
    let people_title = format!("People ({contacts_total})");
    let deals_title = format!("Deals ({deals_total})");
    let show = |value: Option<String>| value.unwrap_or_else(|| "–".to_owned());
    let record = RecordRef::Company(company.id);
    view! {
        <Title text=name.clone() />
        <header class="page-header">
            <h1>{name.clone()}</h1>
        </header>
        <p class="crumbs"><a href="/companies">"All companies"</a></p>
        <section class="card" aria-labelledby="company-facts">
            <h2 id="company-facts">"Details"</h2>
            <dl class="facts">
                <div><dt>"Domain"</dt><dd>{match fields.domain.clone() {
                    Some(domain) => view! {
                        <a href=format!("https://{domain}") rel="noopener noreferrer">{domain.clone()}</a>
                    }.into_any(),
                    None => "–".into_any(),
                }}</dd></div>
                <div><dt>"Industry"</dt><dd>{show(fields.industry.clone())}</dd></div>
                <div><dt>"Employees"</dt><dd>{show(fields.employees.map(grouped))}</dd></div>
                <div><dt>"Address"</dt><dd class="address">{show(fields.address.clone())}</dd></div>
            </dl>
            <details class="edit-record" open=move || failed.get()>
                <summary>"Edit company"</summary>
                <CompanyForm action=save id=company.id version=company.version fields=fields submit="Save company" />
            </details>
        </section>
        <section class="card" aria-labelledby="company-people">
            <h2 id="company-people">{people_title}</h2>
            {if contacts.is_empty() {
                view! { <p class="hint">"No people yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="record-list">
                        {contacts.into_iter().map(|person| {
                            let meta = [person.title, person.email].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            view! {
                                <li class="record">
                                    <a class="record-name" href=format!("/contacts/{}", person.id)>{person.name}</a>
                                    <span class="record-meta">{meta}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <a class="button secondary" href=add_contact>{format!("Add a contact at {name}")}</a>
        </section>
        <section class="card" aria-labelledby="company-deals">
            <h2 id="company-deals">{deals_title}</h2>
            <RelatedDeals deals=deals total=deals_total />
        </section>
        <Timeline of=record first=timeline />
    }
}
