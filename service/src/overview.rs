//! The pipeline at a glance: open deals per stage, computed by the database.

use crate::permissions::visible;
use crate::{
    db::OrInternal,
    entity::{deal, pipeline, stage},
    Crm,
};
use domain::deal::DealStatus;
use domain::{
    account::CurrentUser,
    money::Currency,
    pipeline::{weighted_cents, PipelineOverview, StageSummary, StageValue},
    AppError,
};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

impl Crm {
    /// Open deals, their value and weighted value per stage of the workspace's first
    /// pipeline, plus won and lost counts. One grouped query, whatever the deal count.
    ///
    /// # Errors
    /// `NotFound` when the workspace has no pipeline.
    pub async fn pipeline_overview(
        &self,
        viewer: &CurrentUser,
    ) -> Result<PipelineOverview, AppError> {
        let workspace = viewer.workspace_id.0;
        let first = pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(workspace))
            .order_by_asc(pipeline::Column::Position)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        let stages = stage::Entity::find()
            .filter(stage::Column::WorkspaceId.eq(workspace))
            .filter(stage::Column::PipelineId.eq(first.id))
            .order_by_asc(stage::Column::Position)
            .all(&self.db)
            .await
            .or_internal()?;
        // CAST: PostgreSQL sums BIGINT into NUMERIC; both engines then hand back an i64.
        let rows: Vec<(Uuid, DealStatus, Currency, i64, i64)> =
            visible(deal::Entity::find(), viewer, deal::Column::OwnerId)
                .select_only()
                .column(deal::Column::StageId)
                .column(deal::Column::Status)
                .column(deal::Column::Currency)
                .column_as(Expr::cust("COUNT(*)"), "deals")
                .column_as(
                    Expr::cust("CAST(COALESCE(SUM(value_cents), 0) AS BIGINT)"),
                    "value",
                )
                .filter(deal::Column::WorkspaceId.eq(workspace))
                .filter(deal::Column::PipelineId.eq(first.id))
                .group_by(deal::Column::StageId)
                .group_by(deal::Column::Status)
                .group_by(deal::Column::Currency)
                .into_tuple()
                .all(&self.db)
                .await
                .or_internal()?;
        let probability: HashMap<Uuid, u8> = stages
            .iter()
            .map(|s| (s.id, u8::try_from(s.probability.clamp(0, 100)).unwrap_or(0)))
            .collect();
        let mut open: HashMap<Uuid, (u64, Vec<StageValue>)> = HashMap::new();
        let (mut won_deals, mut lost_deals) = (0, 0);
        for (stage_id, status, currency, deals, value) in rows {
            let deals = u64::try_from(deals).unwrap_or(0);
            match status {
                DealStatus::Won => won_deals += deals,
                DealStatus::Lost => lost_deals += deals,
                DealStatus::Open => {
                    let weight = probability.get(&stage_id).copied().unwrap_or(0);
                    let entry = open.entry(stage_id).or_default();
                    entry.0 += deals;
                    entry.1.push(StageValue {
                        currency,
                        value_cents: value,
                        weighted_cents: weighted_cents(value, weight),
                    });
                }
            }
        }
        let stages = stages
            .into_iter()
            .map(|s| {
                let (open_deals, mut values) = open.remove(&s.id).unwrap_or_default();
                values.sort_by_key(|v| std::cmp::Reverse(v.value_cents));
                StageSummary {
                    probability: probability.get(&s.id).copied().unwrap_or(0),
                    name: s.name,
                    open_deals,
                    values,
                }
            })
            .collect();
        Ok(PipelineOverview {
            pipeline_name: first.name,
            stages,
            won_deals,
            lost_deals,
        })
    }
}
