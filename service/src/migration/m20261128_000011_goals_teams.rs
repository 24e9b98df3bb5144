//! Sales teams (a rep belongs to at most one) and goals: targets for won business per
//! rep, team or workspace over a period.

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
                    .table("sales_teams")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len("name", 60))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // Names are unique per workspace whatever their case; both engines index lower().
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_sales_teams_workspace_id_name \
                 ON sales_teams (workspace_id, lower(name))",
            )
            .await?;
        // The user id is the key: one team per rep.
        manager
            .create_table(
                Table::create()
                    .table("sales_team_members")
                    .col(pk_uuid("user_id"))
                    .col(uuid("team_id"))
                    .col(uuid("workspace_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sales_team_members", &["team_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("goals")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(uuid_null("owner_id"))
                    .col(uuid_null("team_id"))
                    .col(string_len("measure", 20))
                    .col(string_len_null("currency", 3))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(big_integer("target"))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("goals", &["workspace_id", "ends_on"]))
            .await
    }
}
