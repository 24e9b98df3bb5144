//! Companies and contacts: pickers, lists, detail pages and the save forms.

use domain::{
    company::{CompanyDetails, CompanySummary, ContactDetails, ContactSummary, ListPage},
    ids::{CompanyId, ContactId},
    AppError,
};
use leptos::prelude::*;

/// Picker rows a server function returns at most.
#[cfg(feature = "ssr")]
const PICKER_ROWS: u64 = 20;

/// An id from a URL or form; a malformed one is simply not found.
#[cfg(feature = "ssr")]
fn parse_id<T: std::str::FromStr>(value: &str) -> Result<T, AppError> {
    value.trim().parse().map_err(|_| AppError::NotFound)
}

/// The version an edit form was opened at (a hidden field).
#[cfg(feature = "ssr")]
fn parse_version(value: &str) -> Result<i32, AppError> {
    value
        .trim()
        .parse()
        .map_err(|_| AppError::malformed("the form's version is not a number"))
}

/// Companies whose name contains `text`, for deal and contact pickers.
#[server(prefix = "/api", endpoint = "search_companies")]
pub async fn search_companies(text: String) -> Result<Vec<(CompanyId, String)>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .search_companies(&viewer, &text, PICKER_ROWS)
            .await
    })
    .await
}

/// Contacts whose name or e-mail contains `text`: (id, name, e-mail).
#[server(prefix = "/api", endpoint = "search_contacts")]
pub async fn search_contacts(
    text: String,
) -> Result<Vec<(ContactId, String, Option<String>)>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .search_contacts(&viewer, &text, PICKER_ROWS)
            .await
    })
    .await
}

/// One page of companies; `sort` is a `ListSort` key, `page` zero-based.
#[server(prefix = "/api", endpoint = "companies")]
pub async fn list_companies(
    text: String,
    sort: String,
    page: u64,
) -> Result<ListPage<CompanySummary>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let sort = domain::company::ListSort::parse(&sort);
        context.crm.list_companies(&viewer, &text, sort, page).await
    })
    .await
}

/// A company's page.
#[server(prefix = "/api", endpoint = "company")]
pub async fn get_company(id: String) -> Result<CompanyDetails, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let id = parse_id(&id)?;
        context.crm.company_details(&viewer, id).await
    })
    .await
}

/// Creates a company (empty `id`) or edits one, then opens its page.
#[server(prefix = "/api", endpoint = "save_company")]
pub async fn save_company(
    id: String,
    version: String,
    name: String,
    domain: String,
    industry: String,
    employees: String,
    address: String,
) -> Result<CompanyId, AppError> {
    crate::ssr::as_member(async move |context, actor| {
        let input = domain::company::CompanyInput {
            name,
            domain,
            industry,
            employees,
            address,
        };
        let saved = if id.trim().is_empty() {
            context.crm.create_company(&actor, input).await?
        } else {
            let based_on = parse_version(&version)?;
            let id = parse_id(&id)?;
            context
                .crm
                .update_company(&actor, (id, based_on), input)
                .await?;
            id
        };
        leptos_axum::redirect(&format!("/companies/{saved}"));
        Ok(saved)
    })
    .await
}

/// One page of contacts; `sort` is a `ListSort` key, `page` zero-based.
#[server(prefix = "/api", endpoint = "contacts")]
pub async fn list_contacts(
    text: String,
    sort: String,
    page: u64,
) -> Result<ListPage<ContactSummary>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let sort = domain::company::ListSort::parse(&sort);
        context.crm.list_contacts(&viewer, &text, sort, page).await
    })
    .await
}

/// A contact's page.
#[server(prefix = "/api", endpoint = "contact")]
pub async fn get_contact(id: String) -> Result<ContactDetails, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let id = parse_id(&id)?;
        context.crm.contact_details(&viewer, id).await
    })
    .await
}

/// Creates a contact (empty `id`) or edits one, then opens their page. `company` is a
/// company's name, empty for none.
#[server(prefix = "/api", endpoint = "save_contact")]
pub async fn save_contact(
    id: String,
    version: String,
    name: String,
    email: String,
    phone: String,
    title: String,
    company: String,
) -> Result<ContactId, AppError> {
    crate::ssr::as_member(async move |context, actor| {
        let input = domain::company::ContactInput {
            name,
            email,
            phone,
            title,
            company,
        };
        let saved = if id.trim().is_empty() {
            context.crm.create_contact(&actor, input).await?
        } else {
            let id = parse_id(&id)?;
            context
                .crm
                .update_contact(&actor, (id, parse_version(&version)?), input)
                .await?;
            id
        };
        leptos_axum::redirect(&format!("/contacts/{saved}"));
        Ok(saved)
    })
    .await
}
