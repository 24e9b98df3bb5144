//! Pipeline reviews: each kept with a snapshot of the open deals it saw (so the next
//! review can say what slipped or changed) and the deals marked reviewed, with comments.

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
                    .table("pipeline_reviews")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(uuid("pipeline_id"))
                    .col(uuid("started_by"))
                    .col(timestamp_with_time_zone("started_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "pipeline_reviews",
                &["workspace_id", "pipeline_id", "started_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("review_items")
                    .col(uuid("review_id"))
                    .col(uuid("deal_id"))
                    .col(uuid("workspace_id"))
                    .col(uuid("stage_id"))
                    .col(big_integer("value_cents"))
                    .col(string_len("currency", 3))
                    .col(date_null("expected_close_on"))
                    .primary_key(Index::create().col("review_id").col("deal_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("review_marks")
                    .col(uuid("review_id"))
                    .col(uuid("deal_id"))
                    .col(uuid("workspace_id"))
                    .col(uuid("reviewer_id"))
                    .col(text("comment"))
                    .col(timestamp_with_time_zone("at"))
                    .primary_key(Index::create().col("review_id").col("deal_id"))
                    .to_owned(),
            )
            .await
    }
}
