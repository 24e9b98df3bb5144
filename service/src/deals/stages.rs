//! Pipeline settings: rename, add, reorder and remove stages; new pipelines.

use super::rows::{contact_facts, facts_of, stage_info, stages_of};
use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{deal, lost_reason, pipeline, stage, stage_change},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::deal::DealStatus;
use domain::event::{
    payload::{LostReasons, StagesChanged},
    Payload, Subject,
};
use domain::stored::Listed;
use domain::{
    account::CurrentUser,
    board::StageInfo,
    deal::{missing_for_entry, parse_lost_reasons},
    event::EventKind,
    ids::PipelineId,
    pipeline::SavePipeline,
    AppError, FieldErrors,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// Rows per INSERT when recording relocated deals.
const BATCH: usize = 500;

/// Open deals of a removed stage enter its destination like any other move: if some
/// lack what the destination requires, the removal is refused and says how many.
async fn refuse_unfit(
    txn: &Write,
    removed: &stage::Model,
    destination: &stage::Model,
) -> Result<(), AppError> {
    let criteria = stage_info(destination).criteria;
    if criteria.is_empty() {
        return Ok(());
    }
    let mut unfit = 0_u64;
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = deal::Entity::find()
            .filter(deal::Column::StageId.eq(removed.id))
            .filter(deal::Column::Status.eq(DealStatus::Open))
            .order_by_asc(deal::Column::Id)
            .limit(BATCH as u64);
        if let Some(last) = after {
            page = page.filter(deal::Column::Id.gt(last));
        }
        let rows = page.all(txn).await.or_internal()?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let contacts = contact_facts(txn, &ids).await?;
        unfit += rows
            .iter()
            .filter(|row| {
                let facts = facts_of(row, contacts.get(&row.id).copied().unwrap_or_default());
                !missing_for_entry(&facts, &criteria).is_empty()
            })
            .count() as u64;
        after = Some(last);
    }
    if unfit == 0 {
        return Ok(());
    }
    Err(AppError::invalid(
        "relocate",
        format!(
            "{unfit} open deals in {} lack what {} requires. Move them to a stage without \
             those requirements, or complete them first.",
            removed.name, destination.name
        ),
    ))
}

impl Crm {
    /// A pipeline's stages as settings shows them.
    ///
    /// # Errors
    /// `NotFound` for a pipeline of another workspace.
    pub async fn pipeline_stages(
        &self,
        viewer: &CurrentUser,
        pipeline: PipelineId,
    ) -> Result<(String, Vec<StageInfo>), AppError> {
        let found = pipeline::Entity::find_by_id(pipeline.0)
            .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        let stages = stages_of(&self.db, viewer, found.id).await?;
        Ok((found.name, stages.iter().map(stage_info).collect()))
    }

    /// Saves a pipeline's name and stages. Deals of removed stages move where the admin
    /// chose; a removed stage that still holds deals and has no destination is refused.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for bad drafts or missing destinations.
    pub async fn save_pipeline(
        &self,
        viewer: &CurrentUser,
        command: SavePipeline,
    ) -> Result<(), AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditPipelines)?;
        command.validate().map_err(AppError::Validation)?;
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let found = pipeline::Entity::find_by_id(command.pipeline.0)
                .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            // Saving replaces the whole stage list: based on an older version, it would
            // drop a stage a colleague added meanwhile.
            crate::db::require_current(
                txn,
                (viewer.workspace_id, Subject::Pipeline(found.id)),
                (found.version, command.version),
                "pipeline",
            )
            .await?;
            let existing = stages_of(txn, viewer, found.id).await?;
            let kept: Vec<Uuid> = command
                .stages
                .iter()
                .filter_map(|s| s.id.map(|id| id.0))
                .collect();
            if kept.iter().any(|id| !existing.iter().any(|s| s.id == *id)) {
                return Err(AppError::NotFound);
            }
            let now = Utc::now();
            let mut relocated = Vec::new();
            for removed in existing.iter().filter(|s| !kept.contains(&s.id)) {
                let holding = deal::Entity::find()
                    .filter(deal::Column::StageId.eq(removed.id))
                    .count(txn)
                    .await
                    .or_internal()?;
                if holding == 0 {
                    continue;
                }
                let target = command
                    .relocate
                    .iter()
                    .find(|(from, _)| from.0 == removed.id)
                    .map(|(_, to)| to.0)
                    .filter(|to| kept.contains(to))
                    .ok_or_else(|| {
                        let mut errors = FieldErrors::default();
                        errors.add(
                            "relocate",
                            format!("Choose where the {holding} deals in {} go.", removed.name),
                        );
                        AppError::Validation(errors)
                    })?;
                let destination = existing.iter().find(|s| s.id == target);
                if let Some(destination) = destination {
                    refuse_unfit(txn, removed, destination).await?;
                }
                relocated.extend(self.relocate(txn, viewer, removed.id, target, now).await?);
            }
            stage::Entity::delete_many()
                .filter(stage::Column::PipelineId.eq(found.id))
                .filter(stage::Column::Id.is_not_in(kept.clone()))
                .exec(txn)
                .await
                .or_internal()?;
            for (draft, position) in command.stages.iter().zip(0..) {
                let row = stage::ActiveModel {
                    id: Set(draft.id.map_or_else(Uuid::new_v4, |id| id.0)),
                    workspace_id: Set(viewer.workspace_id.0),
                    pipeline_id: Set(found.id),
                    name: Set(draft.name.trim().to_owned()),
                    position: Set(position),
                    probability: Set(i32::from(draft.probability)),
                    rotting_days: Set(i32::from(draft.rotting_days)),
                    entry_fields: Set(Listed(draft.criteria.fields.clone())),
                    checklist: Set(Listed(draft.criteria.checklist.clone())),
                };
                if draft.id.is_some() {
                    row.update(txn).await.or_internal()?;
                } else {
                    row.insert(txn).await.or_internal()?;
                }
            }
            // The funnel's `reach` is a position: new order or fewer stages, new reaches.
            let moved = existing.iter().any(|old| {
                command
                    .stages
                    .iter()
                    .position(|s| s.id.map(|id| id.0) == Some(old.id))
                    .is_none_or(|at| i32::try_from(at).ok() != Some(old.position))
            });
            if moved {
                crate::metrics::recompute_reach(txn, found.id).await?;
            }
            let version = found.version.saturating_add(1);
            let mut renamed: pipeline::ActiveModel = found.into();
            renamed.name = Set(command.name.trim().to_owned());
            renamed.version = Set(version);
            let renamed = renamed.update(txn).await.or_internal()?;
            // Every relocated deal gets its own move in the log, as if moved by hand:
            // its timeline, the live boards and undo all see it.
            for (was, moved) in &relocated {
                let written = super::Written {
                    kind: EventKind::DealMoved,
                    changed: &["stage"],
                    before: Some(super::undo::snapshot(was, &[], &[])),
                    undo_of: None,
                    stage: None,
                };
                super::deal_event(txn, viewer, moved, written).await?;
            }
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Pipeline(renamed.id),
                payload: Payload::StagesChanged(
                    (),
                    StagesChanged {
                        stages: Some(command.stages.len() as u64),
                        created: false,
                    },
                ),
            })
            .await?;
            Ok(())
        })
        .await
    }

    /// Moves every deal of a removed stage, recording each move in the history, and
    /// returns each deal as it was and as it is now (for its event).
    async fn relocate(
        &self,
        txn: &Write,
        viewer: &CurrentUser,
        from: Uuid,
        to: Uuid,
        now: chrono::DateTime<Utc>,
    ) -> Result<Vec<(deal::Model, deal::Model)>, AppError> {
        let before = deal::Entity::find()
            .filter(deal::Column::StageId.eq(from))
            .all(txn)
            .await
            .or_internal()?;
        let moved: Vec<(Uuid, DealStatus)> = before.iter().map(|d| (d.id, d.status)).collect();
        deal::Entity::update_many()
            .col_expr(deal::Column::StageId, Expr::value(to))
            .col_expr(deal::Column::StageEnteredAt, Expr::value(now))
            .col_expr(deal::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                deal::Column::Version,
                Expr::col(deal::Column::Version).add(1),
            )
            .filter(deal::Column::StageId.eq(from))
            .exec(txn)
            .await
            .or_internal()?;
        for chunk in moved.chunks(BATCH) {
            stage_change::Entity::update_many()
                .col_expr(stage_change::Column::LeftAt, Expr::value(now))
                .filter(stage_change::Column::DealId.is_in(chunk.iter().map(|(id, _)| *id)))
                .filter(stage_change::Column::LeftAt.is_null())
                .exec(txn)
                .await
                .or_internal()?;
            let rows = chunk
                .iter()
                .map(|(deal_id, status)| stage_change::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    workspace_id: Set(viewer.workspace_id.0),
                    deal_id: Set(*deal_id),
                    from_stage_id: Set(Some(from)),
                    to_stage_id: Set(to),
                    status: Set(*status),
                    actor_id: Set(Some(viewer.user_id.0)),
                    at: Set(now),
                    left_at: Set(None),
                });
            stage_change::Entity::insert_many(rows)
                .exec(txn)
                .await
                .or_internal()?;
        }
        Ok(before
            .into_iter()
            .map(|was| {
                let mut now_at = was.clone();
                now_at.stage_id = to;
                now_at.stage_entered_at = now;
                now_at.updated_at = now;
                now_at.version += 1;
                (was, now_at)
            })
            .collect())
    }

    /// Replaces the workspace's lost reasons, in the order given. Lost deals keep the
    /// reason they were lost with; only new losses pick from the new list.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for an empty, long or overlong list.
    pub async fn save_lost_reasons(
        &self,
        viewer: &CurrentUser,
        lines: Vec<String>,
    ) -> Result<Vec<String>, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditPipelines)?;
        let reasons =
            parse_lost_reasons(&lines).map_err(|m| AppError::invalid("lost_reasons", m))?;
        self.write(Lock::Rows, async |txn| {
            lost_reason::Entity::delete_many()
                .filter(lost_reason::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .exec(txn)
                .await
                .or_internal()?;
            let rows = reasons
                .iter()
                .zip(0..)
                .map(|(label, position)| lost_reason::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    workspace_id: Set(viewer.workspace_id.0),
                    label: Set(label.clone()),
                    position: Set(position),
                });
            lost_reason::Entity::insert_many(rows)
                .exec(txn)
                .await
                .or_internal()?;
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Workspace(viewer.workspace_id.0),
                payload: Payload::LostReasonsChanged(
                    (),
                    LostReasons {
                        reasons: reasons.clone(),
                    },
                ),
            })
            .await?;
            Ok(reasons)
        })
        .await
    }

    /// Adds a pipeline with the buying-process stages, last in the list.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for a bad name.
    pub async fn create_pipeline(
        &self,
        viewer: &CurrentUser,
        name: &str,
    ) -> Result<PipelineId, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditPipelines)?;
        let mut errors = FieldErrors::default();
        domain::validation::check_name(&mut errors, "name", "the pipeline's name", name);
        errors.into_result().map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let count = pipeline::Entity::find()
                .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .count(txn)
                .await
                .or_internal()?;
            domain::pipeline::check_pipeline_room(count)?;
            let seeded = crate::pipelines::add_pipeline(
                txn,
                viewer.workspace_id,
                name.trim(),
                i32::try_from(count).unwrap_or(i32::MAX),
            )
            .await?;
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Pipeline(seeded.id),
                payload: Payload::StagesChanged(
                    (),
                    StagesChanged {
                        stages: None,
                        created: true,
                    },
                ),
            })
            .await?;
            Ok(PipelineId(seeded.id))
        })
        .await
    }
}
