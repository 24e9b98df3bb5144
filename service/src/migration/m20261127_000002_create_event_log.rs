use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("events")
                    .col(big_pk_auto("id"))
                    .col(uuid("workspace_id"))
                    .col(uuid_null("actor_id"))
                    .col(string_len("kind", 64))
                    .col(string_len("subject", 80))
                    .col(json_null("before"))
                    .col(json_null("after"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        // Replay after a reconnect reads "this workspace, ids after N".
        manager
            .create_index(index("events", &["workspace_id", "id"]))
            .await?;
        // Per-record timelines read "this subject, newest first".
        manager
            .create_index(index("events", &["workspace_id", "subject", "id"]))
            .await
    }
}
