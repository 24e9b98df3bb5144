//! Pipeline reads.

use domain::{pipeline::PipelineOverview, AppError};
use leptos::prelude::*;

/// Open deals per stage of the signed-in person's pipeline.
#[server(prefix = "/api", endpoint = "pipeline_overview")]
pub async fn get_pipeline_overview() -> Result<PipelineOverview, AppError> {
    let context = crate::ssr::server_context()?;
    let viewer = context.require_user().await?;
    context.crm.pipeline_overview(&viewer).await
}
