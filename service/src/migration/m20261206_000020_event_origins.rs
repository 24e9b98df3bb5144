//! The activity log: where each change came from (browser, phone, import, web form…),
//! the client address for sign-ins and changes to who may get in, and an index to open
//! the log at a date without reading everything newer.

use super::{add_column, index};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Nullable: events written before this release have neither.
        if !manager.has_column("events", "origin").await? {
            add_column(
                manager,
                "events",
                ColumnDef::new("origin").string_len(16).null(),
            )
            .await?;
        }
        if !manager.has_column("events", "address").await? {
            add_column(
                manager,
                "events",
                ColumnDef::new("address").string_len(64).null(),
            )
            .await?;
        }
        manager
            .create_index(
                index("events", &["workspace_id", "at"])
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
