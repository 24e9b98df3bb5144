//! The workspace's record visibility (`domain::visibility`): everyone sees everything
//! until an admin narrows what reps see.

use super::add_column;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "workspaces",
            ColumnDef::new("visibility")
                .string_len(16)
                .not_null()
                .default("everyone"),
        )
        .await
    }
}
