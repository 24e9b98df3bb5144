//! The funnel reads every step of each deal created in the period; a covering index on
//! (deal, status, stage) answers it without touching the stage-history table itself.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "stage_changes",
                &["deal_id", "status", "to_stage_id"],
            ))
            .await
    }
}
