//! A covering index on each deal's steps (deal, status, stage). Written for the funnel's
//! walk over the history; since the rollups (migration 13) it serves the reach recounts.

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
