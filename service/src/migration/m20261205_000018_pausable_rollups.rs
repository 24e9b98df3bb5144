//! Bulk writes (the demo generator) without the rollup triggers' row-by-row cost: a
//! workspace listed in `rollups_paused` is skipped by the triggers, and the bulk write
//! recounts its rollups once when it ends (`migration::recount_paused_rollups`). With
//! the triggers the generator took 132 s for 100,000 deals.

use super::m20261128_000013_rollups::{pausable_triggers, TRIGGERS};
use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        // The key is the workspace; its row exists only while a bulk write runs.
        manager
            .create_table(
                Table::create()
                    .table("rollups_paused")
                    .col(
                        ColumnDef::new("workspace_id")
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("rollups_paused", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for name in TRIGGERS {
            let drop = match backend {
                DbBackend::Postgres => {
                    format!(
                        "DROP TRIGGER {name} ON {}; DROP FUNCTION {name}()",
                        table_of(name)
                    )
                }
                _ => format!("DROP TRIGGER {name}"),
            };
            db.execute_unprepared(&drop).await?;
        }
        for statement in pausable_triggers(backend) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// The table a rollup trigger is on, from its name.
fn table_of(trigger: &str) -> &'static str {
    if trigger.starts_with("rollup_step") {
        "stage_changes"
    } else {
        "deals"
    }
}
