//! The dashboard's figures: one call returns every chart and table for a filter.

use domain::{
    board::BoardOptions,
    metrics::{Dashboard, MetricsFilter},
    AppError,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The figures and what the filter can choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub dashboard: Dashboard,
    pub options: BoardOptions,
    /// Everyone who owns deals, imported and deactivated owners included.
    pub people: Vec<(uuid::Uuid, String)>,
    pub teams: Vec<(uuid::Uuid, String)>,
    pub can_set_goals: bool,
}

#[server(prefix = "/api", endpoint = "dashboard", input = Json)]
pub async fn get_dashboard(filter: MetricsFilter) -> Result<DashboardView, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        Ok(DashboardView {
            dashboard: context.crm.dashboard(&viewer, filter).await?,
            options: context.crm.board_options(&viewer).await?,
            people: context
                .crm
                .people(&viewer)
                .await?
                .into_iter()
                .map(|m| (m.id.0, m.name))
                .collect(),
            teams: context
                .crm
                .sales_teams(&viewer)
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            can_set_goals: viewer.role.may(domain::permission::Action::SetGoals),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "pipeline_review", input = Json)]
pub async fn get_pipeline_review(
    pipeline: Option<uuid::Uuid>,
) -> Result<domain::review::PipelineReview, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.pipeline_review(&viewer, pipeline).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "start_review", input = Json)]
pub async fn start_review(pipeline: Option<uuid::Uuid>) -> Result<uuid::Uuid, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.start_review(&viewer, pipeline).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "mark_reviewed", input = Json)]
pub async fn mark_reviewed(
    review: uuid::Uuid,
    deal: domain::ids::DealId,
    comment: String,
) -> Result<domain::review::ReviewMark, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .mark_reviewed(&viewer, review, deal, &comment)
            .await
    })
    .await
}
