//! Pipelines and their stages.

use crate::{
    db::OrInternal,
    entity::{lost_reason, pipeline, stage},
};
use chrono::Utc;
use domain::stored::Listed;
use domain::{
    pipeline::{BUYING_PROCESS, DEFAULT_PIPELINE, LOST_REASONS},
    AppError, WorkspaceId,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// A seeded pipeline: its id and its stage ids in order.
pub(crate) struct SeededPipeline {
    pub id: Uuid,
    pub stage_ids: Vec<Uuid>,
}

/// Creates the default buying-process pipeline and lost reasons for a new workspace.
pub(crate) async fn seed_default_pipeline<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
) -> Result<SeededPipeline, AppError> {
    let seeded = add_pipeline(conn, workspace_id, DEFAULT_PIPELINE, 0).await?;
    let reasons = LOST_REASONS
        .iter()
        .zip(0..)
        .map(|(label, position)| lost_reason::ActiveModel {
            id: Set(Uuid::new_v4()),
            workspace_id: Set(workspace_id.0),
            label: Set((*label).to_owned()),
            position: Set(position),
        });
    lost_reason::Entity::insert_many(reasons)
        .exec(conn)
        .await
        .or_internal()?;
    Ok(seeded)
}

/// Adds a pipeline with the buying-process stages.
pub(crate) async fn add_pipeline<C: ConnectionTrait>(
    conn: &C,
    workspace_id: WorkspaceId,
    name: &str,
    position: i32,
) -> Result<SeededPipeline, AppError> {
    let pipeline_id = Uuid::new_v4();
    pipeline::ActiveModel {
        id: Set(pipeline_id),
        workspace_id: Set(workspace_id.0),
        name: Set(name.to_owned()),
        position: Set(position),
        created_at: Set(Utc::now()),
        version: Set(1),
    }
    .insert(conn)
    .await
    .or_internal()?;
    let stages: Vec<stage::ActiveModel> = BUYING_PROCESS
        .iter()
        .zip(0..)
        .map(|(template, position)| stage::ActiveModel {
            id: Set(Uuid::new_v4()),
            workspace_id: Set(workspace_id.0),
            pipeline_id: Set(pipeline_id),
            name: Set(template.name.to_owned()),
            position: Set(position),
            probability: Set(i32::from(template.probability)),
            rotting_days: Set(i32::from(template.rotting_days)),
            entry_fields: Set(Listed(template.entry_fields.to_vec())),
            checklist: Set(Listed::default()),
        })
        .collect();
    let stage_ids = stages.iter().filter_map(|s| s.id.clone().take()).collect();
    stage::Entity::insert_many(stages)
        .exec(conn)
        .await
        .or_internal()?;
    Ok(SeededPipeline {
        id: pipeline_id,
        stage_ids,
    })
}
