//! Notes on records, post-sale follow-up plans per pipeline, activity reminders, and a
//! deal's "last touched" time (stage changes and completed activities only).

use super::{add_column, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "deals",
            &mut timestamp_with_time_zone_null("touched_at"),
        )
        .await?;
        add_column(
            manager,
            "activities",
            &mut timestamp_with_time_zone_null("reminded_at"),
        )
        .await?;
        // Activities a follow-up plan created: withdrawn if the win is undone.
        add_column(manager, "activities", &mut uuid_null("plan_step")).await?;
        manager
            .create_table(
                Table::create()
                    .table("notes")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(text("body"))
                    .col(uuid_null("author_id"))
                    .col(uuid_null("deal_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("company_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("notes", "deal_id")
                            .to("deals", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Timelines read one record's notes newest first.
        for column in ["deal_id", "contact_id", "company_id"] {
            manager
                .create_index(index("notes", &[column, "created_at"]))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("followup_steps")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(uuid("pipeline_id"))
                    .col(integer("position"))
                    .col(integer("day"))
                    .col(string_len("kind", 20))
                    .col(string_len("subject", 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from("followup_steps", "pipeline_id")
                            .to("pipelines", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("followup_steps", &["pipeline_id", "position"]))
            .await?;
        // Timelines of contacts and companies read their activities by time.
        manager
            .create_index(index("activities", &["contact_id", "done_at"]))
            .await?;
        manager
            .create_index(index("activities", &["company_id", "done_at"]))
            .await?;
        // The reminder sweep: open activities coming due that were not yet announced.
        manager
            .create_index(index("activities", &["done", "reminded_at", "due_at"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["followup_steps", "notes"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
