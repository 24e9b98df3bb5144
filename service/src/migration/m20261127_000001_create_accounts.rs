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
                    .table("workspaces")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 80))
                    .col(string_len("default_currency", 3))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len_uniq("email", 254))
                    .col(string_len("name", 80))
                    .col(string("password_hash"))
                    .col(string_len("role", 16))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("users", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("users", &["workspace_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string_len("token_hash", 64).primary_key())
                    .col(uuid("user_id"))
                    .col(uuid("workspace_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sessions", &["user_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("invites")
                    .col(pk_uuid("id"))
                    .col(uuid("workspace_id"))
                    .col(string_len("email", 254))
                    .col(string_len("role", 16))
                    .col(string_len_uniq("token_hash", 64))
                    .col(uuid("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("invites", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("invites", &["workspace_id", "email"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sign_in_failures")
                    .col(big_pk_auto("id"))
                    .col(string_len("email", 254))
                    .col(string_len("ip", 64))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sign_in_failures", &["email", "at"]))
            .await?;
        manager
            .create_index(index("sign_in_failures", &["ip", "at"]))
            .await
    }
}
