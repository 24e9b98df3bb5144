//! Lead capture and routing: web forms with public keys, assignment rules, each
//! workspace's inbox settings, a lead's country and snooze, and notes on leads.

use super::{add_column, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "leads", &mut string_len_null("country", 100)).await?;
        add_column(
            manager,
            "leads",
            &mut timestamp_with_time_zone_null("snoozed_until"),
        )
        .await?;
        add_column(manager, "lead_submissions", &mut uuid_null("form_id")).await?;
        add_column(manager, "notes", &mut uuid_null("lead_id")).await?;
        manager
            .create_index(index("notes", &["lead_id", "created_at"]))
            .await?;
        // Covering indexes: the inbox's view counts and the sources report read only these.
        for columns in [
            &[
                "workspace_id",
                "status",
                "owner_id",
                "snoozed_until",
                "first_response_at",
                "created_at",
            ][..],
            &["workspace_id", "source", "campaign", "status"],
        ] {
            manager.create_index(index("leads", columns)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("lead_forms")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len_uniq("key", 40))
                    .col(string_len("name", 80))
                    // Field keys, comma-separated, in the order the form shows them.
                    .col(text("fields"))
                    .col(string_len_null("campaign", 255))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("lead_forms", &["workspace_id"]))
            .await?;
        manager
            .create_index(index("lead_submissions", &["form_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lead_rules")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(integer("position"))
                    .col(string_len("field", 20))
                    .col(string_len("value", 255))
                    // Member ids, comma-separated: the rule's own rotation.
                    .col(text("members"))
                    .col(uuid_null("last_user_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("lead_rules", &["workspace_id", "position"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lead_settings")
                    .col(pk_uuid("workspace_id"))
                    .col(integer("first_response_minutes"))
                    // Need, budget, authority, timeline weights, as JSON.
                    .col(text("weights"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["lead_settings", "lead_rules", "lead_forms"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
