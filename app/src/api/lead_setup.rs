//! Settings → Lead capture: web forms with their snippets, assignment rules, the
//! first-response target and the qualification weights.

use domain::{
    lead_form::{FormSetup, LeadForm},
    lead_rules::{AssignmentRule, LeadSettings, NewRule},
    AppError,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything the lead-capture settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSetup {
    pub settings: LeadSettings,
    pub forms: Vec<LeadForm>,
    pub rules: Vec<AssignmentRule>,
    /// Where forms post to, e.g. `https://crm.acme.com`.
    pub base_url: String,
}

#[server(prefix = "/api", endpoint = "lead_setup", input = Json)]
pub async fn get_lead_setup() -> Result<LeadSetup, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        Ok(LeadSetup {
            settings: context.crm.lead_settings(&viewer).await?,
            forms: context.crm.lead_forms(&viewer).await?,
            rules: context.crm.lead_rules(&viewer).await?,
            base_url: context.site_origin().to_owned(),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_lead_settings", input = Json)]
pub async fn save_lead_settings(settings: LeadSettings) -> Result<LeadSettings, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.save_lead_settings(&viewer, settings).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_lead_form", input = Json)]
pub async fn save_lead_form(id: Option<Uuid>, setup: FormSetup) -> Result<LeadForm, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.save_lead_form(&viewer, id, setup).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "delete_lead_form", input = Json)]
pub async fn delete_lead_form(id: Uuid) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.delete_lead_form(&viewer, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_lead_rule", input = Json)]
pub async fn add_lead_rule(rule: NewRule) -> Result<Vec<AssignmentRule>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.add_lead_rule(&viewer, rule).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_lead_rule", input = Json)]
pub async fn remove_lead_rule(id: Uuid) -> Result<Vec<AssignmentRule>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.remove_lead_rule(&viewer, id).await
    })
    .await
}
