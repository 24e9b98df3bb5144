//! Each event records the payload format it was written in (`domain::event::payload`):
//! rows from before typed payloads are format 1, and a reader can tell them apart if a
//! later format reshapes a payload. Pipelines and inbox settings carry a version, so a
//! settings page opened before a colleague's save is refused instead of undoing it.

use super::add_column;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "events",
            ColumnDef::new("format")
                .small_integer()
                .not_null()
                .default(1),
        )
        .await?;
        for table in ["pipelines", "lead_settings"] {
            add_column(
                manager,
                table,
                ColumnDef::new("version").integer().not_null().default(1),
            )
            .await?;
        }
        Ok(())
    }
}
