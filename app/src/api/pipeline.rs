//! Pipeline reads.

use domain::{pipeline::PipelineOverview, AppError};
use leptos::prelude::*;

/// Open deals per stage of the signed-in person's pipeline.
#[server(prefix = "/api", endpoint = "pipeline_overview")]
pub async fn get_pipeline_overview() -> Result<PipelineOverview, AppError> {
    use crate::ssr::{require_user, state};
    let viewer = require_user().await?;
    state()?.crm.pipeline_overview(&viewer).await
}
