//! The deal list's default order (most recently updated first) read from an index: the
//! list used to scan every deal of the workspace and sort them in a temporary B-tree on
//! each request, to show fifty.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                index("deals", &["workspace_id", "updated_at", "id"])
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
