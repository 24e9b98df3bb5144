//! Activities: calls, meetings, e-mails, tasks and deadlines, linked to a deal and/or a
//! contact or company, each with an assignee and a due instant.

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
                    .table("activities")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len("kind", 20))
                    .col(string_len("subject", 200))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(string_len("time_zone", 64))
                    .col(integer_null("duration_minutes"))
                    .col(uuid_null("assignee_id"))
                    .col(boolean("done").default(false))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .col(text_null("outcome"))
                    .col(uuid_null("deal_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("company_id"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("version"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("activities", "deal_id")
                            .to("deals", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // My day: one person's open activities by due time.
        manager
            .create_index(index(
                "activities",
                &["workspace_id", "assignee_id", "done", "due_at"],
            ))
            .await?;
        // A deal's next step, and the board's "next activity" per card.
        manager
            .create_index(index("activities", &["deal_id", "done", "due_at"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("activities").to_owned())
            .await
    }
}
