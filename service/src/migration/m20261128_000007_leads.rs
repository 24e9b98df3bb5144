//! The lead inbox: leads with their tracking and qualification, every submission that
//! made or merged into one, and the round-robin's place per workspace.

use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut leads = Table::create();
        leads
            .table("leads")
            .col(pk_uuid("id"))
            .col(uuid("workspace_id"))
            .col(string_len("status", 20))
            .col(string_len("source", 20));
        for column in [
            "name",
            "email",
            "phone",
            "phone_digits",
            "title",
            "company",
            "domain",
            "campaign",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "landing_page",
            "referrer",
            "disqualify_reason",
        ] {
            leads.col(string_len_null(column, 255));
        }
        leads
            .col(integer_null("company_size"))
            .col(text_null("message"))
            .col(uuid_null("owner_id"))
            .col(uuid_null("contact_id"))
            .col(uuid_null("deal_id"))
            // Need, budget, authority, timeline: answers and notes, as JSON.
            .col(text("qualification").default("{}"))
            .col(integer("score").default(0))
            .col(integer("submissions").default(1))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(timestamp_with_time_zone_null("first_response_at"))
            .col(integer("version"));
        manager.create_table(leads.to_owned()).await?;
        // The inbox's views read by status and age; dedupe matches on arrival.
        for columns in [
            &["workspace_id", "status", "created_at"][..],
            &["workspace_id", "owner_id", "status"],
            &["workspace_id", "email"],
            &["workspace_id", "phone_digits"],
            &["workspace_id", "domain"],
        ] {
            manager.create_index(index("leads", columns)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("lead_submissions")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(uuid("lead_id"))
                    .col(string_len("source", 20))
                    .col(text("payload"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("lead_submissions", "lead_id")
                            .to("leads", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("lead_submissions", &["lead_id", "at"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lead_rotation")
                    .col(pk_uuid("workspace_id"))
                    .col(uuid_null("last_user_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["lead_rotation", "lead_submissions", "leads"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
