//! The dashboard's lead sources and the marketing report read leads by what an index
//! can hold: at the 1,000,000-deal demo (20,000 leads) the sources of a quarter read every
//! lead row in a skip-scan of the status index (up to 200 ms under load), and the report
//! read each converted lead's row for its source, campaign and deal. Covering indexes
//! answer both from index entries alone.

use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for columns in [
            // Leads created in a period, by source; owner for a rep's or team's view.
            &[
                "workspace_id",
                "created_at",
                "source",
                "owner_id",
                "deal_id",
            ][..],
            // Converted leads with their source, campaign and deal.
            &[
                "workspace_id",
                "status",
                "source",
                "campaign",
                "owner_id",
                "deal_id",
            ],
        ] {
            manager
                .create_index(index("leads", columns).if_not_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
