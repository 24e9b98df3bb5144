//! The lead inbox: views, quick add, and triage (assign, qualify, disqualify, convert).

use chrono::{DateTime, Utc};
use domain::{
    lead::{ConvertLead, Converted, InboxPage, InboxView, Lead, NewLead, Qualification},
    lead_rules::{InboxFilter, LeadDetail, MarketingReport},
    AppError, UserId,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "inbox", input = Json)]
pub async fn get_inbox(
    view: InboxView,
    filter: InboxFilter,
    page: u64,
) -> Result<InboxPage, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.inbox_page(&viewer, view, filter, page).await
    })
    .await
}

/// A lead typed in from the inbox: the person adding it owns it.
#[server(prefix = "/api", endpoint = "add_lead", input = Json)]
pub async fn add_lead(lead: NewLead) -> Result<domain::lead::Captured, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.add_lead(&viewer, lead).await)
        .await
}

#[server(prefix = "/api", endpoint = "assign_lead", input = Json)]
pub async fn assign_lead(id: Uuid, version: i32, owner: Option<UserId>) -> Result<Lead, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.assign_lead(&viewer, id, version, owner).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "qualify_lead", input = Json)]
pub async fn qualify_lead(
    id: Uuid,
    version: i32,
    answers: Qualification,
) -> Result<Lead, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .qualify_lead(&viewer, id, version, answers)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "disqualify_lead", input = Json)]
pub async fn disqualify_lead(id: Uuid, version: i32, reason: String) -> Result<Lead, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .disqualify_lead(&viewer, id, version, reason)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "convert_lead", input = Json)]
pub async fn convert_lead_to_deal(
    id: Uuid,
    version: i32,
    to: ConvertLead,
) -> Result<Converted, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.convert_lead(&viewer, id, version, to).await
    })
    .await
}

/// Puts a lead aside until `until`; `None` wakes it.
#[server(prefix = "/api", endpoint = "snooze_lead", input = Json)]
pub async fn snooze_lead(
    id: Uuid,
    version: i32,
    until: Option<DateTime<Utc>>,
) -> Result<Lead, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.snooze_lead(&viewer, id, version, until).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "lead", input = Json)]
pub async fn get_lead(id: Uuid) -> Result<LeadDetail, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.lead_detail(&viewer, id).await)
        .await
}

#[server(prefix = "/api", endpoint = "marketing", input = Json)]
pub async fn get_marketing_report() -> Result<MarketingReport, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.marketing_report(&viewer).await)
        .await
}
