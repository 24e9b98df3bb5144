//! Companies and the people at them: the rules for their fields (run in the browser as
//! you type and again on the server), list queries, and what their pages show.

use crate::{
    deal::DealStatus,
    error::AppError,
    ids::{CompanyId, ContactId, DealId},
    money::Currency,
    validation::{check_email, normalize_email, FieldErrors},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Column widths of the `companies` and `contacts` tables.
pub const COMPANY_NAME_MAX: usize = 160;
pub const DOMAIN_MAX: usize = 253;
pub const INDUSTRY_MAX: usize = 80;
pub const ADDRESS_MAX: usize = 300;
pub const CONTACT_NAME_MAX: usize = 160;
pub const PHONE_MAX: usize = 40;
pub const JOB_TITLE_MAX: usize = 120;
/// The largest employer on earth has about 2.1 million people; more is a typo.
pub const EMPLOYEES_MAX: i32 = 10_000_000;
/// Rows per list page: enough to scan, small enough to render fast on a phone.
pub const PAGE_SIZE: u64 = 50;
/// Related records a detail page lists before saying "and N more".
pub const RELATED_MAX: u64 = 100;

/// The field that names the existing record when a save would create a duplicate. Plain
/// letters only, so the no-JavaScript round trip through the URL keeps it.
pub const DUPLICATE_FIELD: &str = "duplicate";

/// Checks optional free text: length and no control characters.
pub(crate) fn check_text(
    errors: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    max: usize,
) {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(field, format!("Keep {what} to {max} characters or fewer."));
    } else if text.chars().any(char::is_control) {
        errors.add(field, format!("Remove the control characters from {what}."));
    }
}

/// Checks required free text.
fn check_required(errors: &mut FieldErrors, field: &str, what: &str, text: &str, max: usize) {
    if text.trim().is_empty() {
        errors.add(field, format!("Enter {what}."));
    } else {
        check_text(errors, field, what, text, max);
    }
}

/// `Some(trimmed)` for non-blank text.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `https://www.Acme.com/` → `acme.com`: one company, one way of writing its domain.
pub fn normalize_domain(domain: &str) -> String {
    let lower = domain.trim().to_lowercase();
    let bare = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    bare.strip_suffix('/').unwrap_or(bare).to_owned()
}

/// Rules for a company's web domain: dotted labels of letters, digits and hyphens.
pub fn rule_domain(errors: &mut FieldErrors, domain: &str) {
    let domain = normalize_domain(domain);
    if domain.is_empty() {
        return;
    }
    if domain.len() > DOMAIN_MAX {
        errors.add("domain", "That domain is too long.");
        return;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        errors.add(
            "domain",
            "Enter a domain like acme.com (no spaces or paths).",
        );
    }
}

/// Rules for a company size: a whole number of people, zero or more.
pub fn rule_employees(errors: &mut FieldErrors, employees: &str) {
    let text = employees.trim().replace([',', '_', ' '], "");
    if text.is_empty() {
        return;
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => errors.add("employees", "The size cannot be negative."),
        Ok(n) if n > i64::from(EMPLOYEES_MAX) => errors.add(
            "employees",
            format!("Enter at most {EMPLOYEES_MAX} employees."),
        ),
        Ok(_) => {}
        Err(_) => errors.add("employees", "Enter the number of employees, like 250."),
    }
}

pub fn rule_company_name(errors: &mut FieldErrors, name: &str) {
    check_required(errors, "name", "the company name", name, COMPANY_NAME_MAX);
}
pub fn rule_industry(errors: &mut FieldErrors, industry: &str) {
    check_text(errors, "industry", "the industry", industry, INDUSTRY_MAX);
}
pub fn rule_address(errors: &mut FieldErrors, address: &str) {
    // Addresses span lines, so only the line breaks are allowed among control characters.
    check_text(
        errors,
        "address",
        "the address",
        &address.replace(['\n', '\r'], " "),
        ADDRESS_MAX,
    );
}
pub fn rule_contact_name(errors: &mut FieldErrors, name: &str) {
    check_required(errors, "name", "the contact's name", name, CONTACT_NAME_MAX);
}
pub fn rule_job_title(errors: &mut FieldErrors, title: &str) {
    check_text(errors, "title", "the job title", title, JOB_TITLE_MAX);
}
pub fn rule_contact_company(errors: &mut FieldErrors, company: &str) {
    check_text(
        errors,
        "company",
        "the company name",
        company,
        COMPANY_NAME_MAX,
    );
}

/// An optional e-mail address.
pub fn rule_contact_email(errors: &mut FieldErrors, email: &str) {
    if !email.trim().is_empty() {
        check_email(errors, "email", email);
    }
}

/// Phone numbers as people write them: digits with `+ - ( ) .` spaces and "ext".
pub fn rule_phone(errors: &mut FieldErrors, phone: &str) {
    let phone = phone.trim();
    if phone.is_empty() {
        return;
    }
    let allowed = |c: char| c.is_ascii_digit() || " +-().,/#*extEXT".contains(c);
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if phone.chars().count() > PHONE_MAX {
        errors.add(
            "phone",
            format!("Keep the phone number to {PHONE_MAX} characters."),
        );
    } else if !phone.chars().all(allowed) || digits < 3 {
        errors.add(
            "phone",
            "Enter a phone number, like 555 010 0200 (add ext for an extension).",
        );
    }
}

/// A company as typed into its form; every field is text so the rules see what was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInput {
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employees: String,
    pub address: String,
}

/// A company's fields after validation: trimmed, normalised, blanks as `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyFields {
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i32>,
    pub address: Option<String>,
}

impl CompanyInput {
    /// # Errors
    /// Lists every field that is missing or malformed.
    pub fn validate(&self) -> Result<CompanyFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        rule_company_name(&mut errors, &self.name);
        rule_domain(&mut errors, &self.domain);
        rule_industry(&mut errors, &self.industry);
        rule_employees(&mut errors, &self.employees);
        rule_address(&mut errors, &self.address);
        errors.into_result()?;
        let employees = self.employees.trim().replace([',', '_', ' '], "");
        Ok(CompanyFields {
            name: self.name.trim().to_owned(),
            domain: optional(&normalize_domain(&self.domain)),
            industry: optional(&self.industry),
            employees: employees.parse().ok(),
            address: optional(&self.address),
        })
    }
}

/// A contact as typed into its form. `company` is a company's name (empty for none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    pub company: String,
}

/// A contact's fields after validation; the company is still a name to look up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
}

impl ContactInput {
    /// # Errors
    /// Lists every field that is missing or malformed.
    pub fn validate(&self) -> Result<ContactFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        rule_contact_name(&mut errors, &self.name);
        rule_contact_email(&mut errors, &self.email);
        rule_phone(&mut errors, &self.phone);
        rule_job_title(&mut errors, &self.title);
        rule_contact_company(&mut errors, &self.company);
        errors.into_result()?;
        Ok(ContactFields {
            name: self.name.trim().to_owned(),
            email: optional(&normalize_email(&self.email)),
            phone: optional(&self.phone),
            title: optional(&self.title),
            company: optional(&self.company),
        })
    }
}

/// The refusal for a save that would create a second record of the same company or person:
/// a message on `field` and the existing record's id under `DUPLICATE_FIELD`, so the form
/// can offer to open it (this also survives the no-JavaScript round trip through the URL).
pub fn duplicate_error(field: &str, message: String, existing: uuid::Uuid) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors.add(DUPLICATE_FIELD, existing.to_string());
    AppError::Validation(errors)
}

/// The existing record a refused save pointed to, if that was the reason.
pub fn duplicate_of(error: &AppError) -> Option<uuid::Uuid> {
    error.field_message(DUPLICATE_FIELD)?.parse().ok()
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListSort {
    #[default]
    NameAsc,
    NameDesc,
    Newest,
    Oldest,
    /// Companies only: most employees first.
    Largest,
}

impl ListSort {
    pub const ALL: [ListSort; 5] = [
        ListSort::NameAsc,
        ListSort::NameDesc,
        ListSort::Newest,
        ListSort::Oldest,
        ListSort::Largest,
    ];

    /// The stable key used in URLs and forms.
    pub fn key(self) -> &'static str {
        match self {
            ListSort::NameAsc => "name",
            ListSort::NameDesc => "name_desc",
            ListSort::Newest => "newest",
            ListSort::Oldest => "oldest",
            ListSort::Largest => "largest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListSort::NameAsc => "Name A–Z",
            ListSort::NameDesc => "Name Z–A",
            ListSort::Newest => "Newest first",
            ListSort::Oldest => "Oldest first",
            ListSort::Largest => "Largest first",
        }
    }

    /// Unknown keys fall back to the default order rather than failing a page load.
    pub fn parse(key: &str) -> ListSort {
        ListSort::ALL
            .into_iter()
            .find(|s| s.key() == key.trim())
            .unwrap_or_default()
    }
}

/// One page of a list, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// Zero-based.
    pub page: u64,
    pub per_page: u64,
}

impl<T> ListPage<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// A company as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySummary {
    pub id: CompanyId,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i32>,
}

/// A company's full record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: CompanyId,
    pub fields: CompanyFields,
    pub created_at: DateTime<Utc>,
    /// What an edit is based on: a save from an older version is refused.
    pub version: i32,
}

/// A contact as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<(CompanyId, String)>,
}

/// A deal linked to a company or contact, as its detail page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedDeal {
    pub id: DealId,
    pub title: String,
    pub value_cents: i64,
    pub currency: Currency,
    pub status: DealStatus,
    pub stage: String,
    /// The contact's role on the deal (contact pages only).
    pub role: Option<crate::deal::ContactRole>,
}

/// Everything a company's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyDetails {
    pub company: Company,
    pub contacts: Vec<ContactSummary>,
    pub contacts_total: u64,
    pub deals: Vec<RelatedDeal>,
    pub deals_total: u64,
}

/// Everything a contact's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub contact: ContactSummary,
    pub created_at: DateTime<Utc>,
    /// What an edit is based on: a save from an older version is refused.
    pub version: i32,
    pub deals: Vec<RelatedDeal>,
    pub deals_total: u64,
}

#[cfg(test)]
mod tests;
