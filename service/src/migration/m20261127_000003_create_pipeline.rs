use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn workspace_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_uuid("id"))
        .col(uuid("workspace_id"))
        .foreign_key(
            ForeignKey::create()
                .from(name, "workspace_id")
                .to("workspaces", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                workspace_table("pipelines")
                    .col(string_len("name", 80))
                    .col(integer("position"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                workspace_table("stages")
                    .col(uuid("pipeline_id"))
                    .col(string_len("name", 80))
                    .col(integer("position"))
                    .col(integer("probability"))
                    .col(integer("rotting_days"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("stages", &["pipeline_id", "position"]))
            .await?;
        manager
            .create_table(
                workspace_table("companies")
                    .col(string_len("name", 160))
                    .col(string_len_null("domain", 253))
                    .col(string_len_null("industry", 80))
                    .col(integer_null("employees"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("companies", &["workspace_id", "name"]))
            .await?;
        manager
            .create_table(
                workspace_table("contacts")
                    .col(uuid_null("company_id"))
                    .col(string_len("name", 160))
                    .col(string_len_null("email", 254))
                    .col(string_len_null("phone", 40))
                    .col(string_len_null("title", 120))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("contacts", &["workspace_id", "email"]))
            .await?;
        manager
            .create_table(
                workspace_table("deals")
                    .col(uuid("pipeline_id"))
                    .col(uuid("stage_id"))
                    .col(uuid_null("company_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("owner_id"))
                    .col(string_len("title", 200))
                    .col(big_integer("value_cents"))
                    .col(string_len("currency", 3))
                    .col(date_null("expected_close_on"))
                    .col(string_len("status", 8))
                    .col(string_len_null("lost_reason", 120))
                    .col(string_len_null("source", 80))
                    .col(string_len_null("next_step", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone("stage_entered_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(integer("version"))
                    .to_owned(),
            )
            .await?;
        // The board reads "open deals of this pipeline, by stage".
        manager
            .create_index(index(
                "deals",
                &["workspace_id", "pipeline_id", "status", "stage_id"],
            ))
            .await?;
        manager
            .create_index(index("deals", &["workspace_id", "owner_id"]))
            .await
    }
}
