//! Contacts and companies list by name, case-insensitively, fifty to a page. Without
//! an index in that order every page sorted all of the workspace's people (100,134 at
//! the 1,000,000-deal demo) in a temporary B-tree. Both engines index `lower(name)`;
//! the id after it is the list's tie-break, so a page reads fifty entries in order.
//! A company's page lists its people the same way, and had no index by company at all:
//! it read every contact of the workspace to find a company's few.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in ["contacts", "companies"] {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS ix_{table}_workspace_lower_name \
                 ON {table} (workspace_id, lower(name), id)"
            ))
            .await?;
        }
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_contacts_company_lower_name \
             ON contacts (company_id, lower(name), id)",
        )
        .await?;
        Ok(())
    }
}
