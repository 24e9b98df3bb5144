//! Post-sale follow-up plans. A pipeline's plan creates its activities for the deal's
//! owner in the same transaction that marks the deal won; undoing or reopening the win
//! withdraws the ones not yet done.

use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{activity, followup_step, pipeline},
    event_log::Change,
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::deal::DealStatus;
use domain::event::{payload::FollowUpPlan, Payload, Subject};
use domain::{
    account::CurrentUser,
    event::{Event, EventKind},
    followup::{validate_plan, FollowUpStep},
    ids::PipelineId,
    AppError,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

impl Crm {
    /// A pipeline's follow-up plan, ordered by day; `None`: the first pipeline's.
    ///
    /// # Errors
    /// `NotFound` for a pipeline outside the workspace.
    pub async fn followup_plan(
        &self,
        viewer: &CurrentUser,
        pipeline_id: Option<PipelineId>,
    ) -> Result<Vec<FollowUpStep>, AppError> {
        let pipeline_id = match pipeline_id {
            Some(id) => {
                own_pipeline(&self.db, viewer, id).await?;
                id
            }
            None => PipelineId(self.first_pipeline(viewer).await?.id),
        };
        Ok(steps_of(&self.db, pipeline_id.0)
            .await?
            .into_iter()
            .map(|row| FollowUpStep {
                day: row.day,
                kind: row.kind,
                subject: row.subject,
            })
            .collect())
    }

    /// Replaces a pipeline's follow-up plan (admins only). Deals already won keep the
    /// activities they got.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Validation` for bad steps; `NotFound` elsewhere.
    pub async fn set_followup_plan(
        &self,
        viewer: &CurrentUser,
        pipeline_id: PipelineId,
        steps: Vec<FollowUpStep>,
    ) -> Result<Vec<FollowUpStep>, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::EditPipelines)?;
        let plan = validate_plan(&steps).map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let name = own_pipeline(txn, viewer, pipeline_id).await?;
            followup_step::Entity::delete_many()
                .filter(followup_step::Column::PipelineId.eq(pipeline_id.0))
                .exec(txn)
                .await
                .or_internal()?;
            for (position, step) in (0..).zip(&plan) {
                followup_step::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    workspace_id: Set(viewer.workspace_id.0),
                    pipeline_id: Set(pipeline_id.0),
                    position: Set(position),
                    day: Set(step.day),
                    kind: Set(step.kind),
                    subject: Set(step.subject.clone()),
                }
                .insert(txn)
                .await
                .or_internal()?;
            }
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Pipeline(pipeline_id.0),
                payload: Payload::FollowUpPlanChanged(
                    (),
                    FollowUpPlan {
                        title: Some(name),
                        steps: plan.len() as u64,
                    },
                ),
            })
            .await?;
            Ok(plan)
        })
        .await
    }
}

/// The pipeline's name, if it is the viewer's workspace's.
async fn own_pipeline<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    pipeline_id: PipelineId,
) -> Result<String, AppError> {
    pipeline::Entity::find_by_id(pipeline_id.0)
        .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .one(conn)
        .await
        .or_internal()?
        .map(|p| p.name)
        .ok_or(AppError::NotFound)
}

async fn steps_of<C: ConnectionTrait>(
    conn: &C,
    pipeline_id: Uuid,
) -> Result<Vec<followup_step::Model>, AppError> {
    followup_step::Entity::find()
        .filter(followup_step::Column::PipelineId.eq(pipeline_id))
        .order_by_asc(followup_step::Column::Position)
        .all(conn)
        .await
        .or_internal()
}

/// A deal whose status just changed from `was` to its current one: a fresh win gets
/// its pipeline's follow-up activities; a win taken back loses the open ones.
pub(crate) async fn on_status_change(
    conn: &Write,
    viewer: &CurrentUser,
    deal: &crate::entity::deal::Model,
    was: DealStatus,
) -> Result<Vec<Event>, AppError> {
    if deal.status == DealStatus::Won && was != DealStatus::Won {
        let won_at = deal.closed_at.unwrap_or_else(Utc::now);
        return schedule_plan(conn, viewer, deal, won_at).await;
    }
    if was == DealStatus::Won && deal.status != DealStatus::Won {
        activity::Entity::delete_many()
            .filter(activity::Column::DealId.eq(deal.id))
            .filter(activity::Column::PlanStep.is_not_null())
            .filter(activity::Column::Done.eq(false))
            .exec(conn)
            .await
            .or_internal()?;
    }
    Ok(Vec::new())
}

async fn schedule_plan(
    conn: &Write,
    viewer: &CurrentUser,
    deal: &crate::entity::deal::Model,
    won_at: DateTime<Utc>,
) -> Result<Vec<Event>, AppError> {
    let owner = deal.owner_id.unwrap_or(viewer.user_id.0);
    let mut events = Vec::new();
    for step in steps_of(conn, deal.pipeline_id).await? {
        let row = activity::ActiveModel {
            id: Set(Uuid::new_v4()),
            workspace_id: Set(deal.workspace_id),
            kind: Set(step.kind),
            subject: Set(step.subject),
            // Same time of day as the win: a plan has no clock of its own.
            due_at: Set(won_at + Duration::days(i64::from(step.day))),
            time_zone: Set("UTC".to_owned()),
            duration_minutes: Set(None),
            assignee_id: Set(Some(owner)),
            done: Set(false),
            done_at: Set(None),
            outcome: Set(None),
            deal_id: Set(Some(deal.id)),
            contact_id: Set(None),
            company_id: Set(deal.company_id),
            created_by: Set(Some(viewer.user_id.0)),
            created_at: Set(won_at),
            version: Set(1),
            reminded_at: Set(None),
            plan_step: Set(Some(step.id)),
        }
        .insert(conn)
        .await
        .or_internal()?;
        events.push(
            crate::activities::activity_event(conn, viewer, EventKind::ActivityScheduled, &row)
                .await?,
        );
    }
    Ok(events)
}
