//! Metrics at scale: each stage-history step knows when the deal left it (so time in
//! stage is a plain range scan, not a window over all history), and covering indexes
//! for the dashboard's grouped queries.

use super::{add_column, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "stage_changes",
            &mut timestamp_with_time_zone_null("left_at"),
        )
        .await?;
        // History recorded before this migration: a step was left at the deal's next step.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE stage_changes SET left_at = (
                    SELECT MIN(n.at) FROM stage_changes n
                    WHERE n.deal_id = stage_changes.deal_id
                      AND (n.at > stage_changes.at OR (n.at = stage_changes.at AND n.id > stage_changes.id)))",
            )
            .await?;
        for columns in [
            // Closed in a period: outcome, owner, currency, value and both dates.
            &[
                "workspace_id",
                "pipeline_id",
                "status",
                "closed_at",
                "owner_id",
                "currency",
                "value_cents",
                "created_at",
            ][..],
            // Open now, by stage, and the forecast by expected close month.
            &[
                "workspace_id",
                "pipeline_id",
                "status",
                "stage_id",
                "owner_id",
                "currency",
                "value_cents",
                "expected_close_on",
            ],
            // New deals and the conversion cohort.
            &["workspace_id", "pipeline_id", "created_at"],
        ] {
            manager.create_index(index("deals", columns)).await?;
        }
        manager
            .create_index(index(
                "stage_changes",
                &[
                    "workspace_id",
                    "left_at",
                    "status",
                    "to_stage_id",
                    "deal_id",
                    "at",
                ],
            ))
            .await
    }
}
