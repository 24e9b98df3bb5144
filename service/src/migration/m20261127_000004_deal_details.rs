//! Stage entry criteria, deal tags and checklists, contacts on deals with a role, the
//! stage-change history metrics read, and the workspace's lost reasons.

use super::{add_column, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn owned_by_deal(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(uuid("workspace_id"))
        .col(uuid("deal_id"))
        .foreign_key(
            ForeignKey::create()
                .from(name, "deal_id")
                .to("deals", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            "stages",
            string_len("entry_fields", 200).default(""),
        )
        .await?;
        add_column(manager, "stages", text("checklist").default("")).await?;
        add_column(manager, "deals", string_len("tags", 400).default("")).await?;
        add_column(manager, "deals", text("checked").default("")).await?;
        add_column(manager, "companies", &mut string_len_null("address", 300)).await?;
        // Contacts hang off deals through deal_contacts, each with a role.
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE deals DROP COLUMN contact_id")
            .await?;
        manager
            .create_table(
                owned_by_deal("deal_contacts")
                    .col(uuid("contact_id"))
                    .col(string_len("role", 20))
                    .primary_key(Index::create().col("deal_id").col("contact_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("deal_contacts", "contact_id")
                            .to("contacts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("deal_contacts", &["contact_id"]))
            .await?;
        manager
            .create_table(
                owned_by_deal("stage_changes")
                    .col(pk_uuid("id"))
                    .col(uuid_null("from_stage_id"))
                    .col(uuid("to_stage_id"))
                    .col(string_len("status", 8))
                    .col(uuid_null("actor_id"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("stage_changes", &["deal_id", "at"]))
            .await?;
        manager
            .create_index(index("stage_changes", &["workspace_id", "at"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lost_reasons")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len("label", 120))
                    .col(integer("position"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("lost_reasons", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A column pages by time in stage; the index serves it without sorting.
        manager
            .create_index(index(
                "deals",
                &["pipeline_id", "stage_id", "status", "stage_entered_at"],
            ))
            .await?;
        // Covers the column totals: the grouped sum reads the index, not 10,000 rows.
        manager
            .create_index(index(
                "deals",
                &[
                    "workspace_id",
                    "pipeline_id",
                    "status",
                    "stage_id",
                    "currency",
                    "value_cents",
                ],
            ))
            .await?;
        manager
            .create_index(index("companies", &["workspace_id", "domain"]))
            .await?;
        manager
            .create_index(index("deals", &["workspace_id", "company_id"]))
            .await
    }
}
