//! Sessions a person can see and end: where and on what each signed in, when it was last
//! used, and an absolute lifetime per workspace. Password-reset links, one-time and
//! stored as hashes like sessions. When a web-form post last woke a snoozed lead (at
//! most once an hour). Web forms' timing tickets: a secret per form, and the workspace's
//! choice to require them.

use super::{add_column, index};
use sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Each step is re-runnable: an interrupted run may have done some already.
        if !manager.has_column("sessions", "last_seen_at").await? {
            // Nullable: SQLite cannot add a NOT NULL column without a constant default.
            add_column(
                manager,
                "sessions",
                ColumnDef::new("last_seen_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
            .await?;
            manager
                .get_connection()
                .execute_unprepared("UPDATE sessions SET last_seen_at = created_at")
                .await?;
        }
        for column in ["device", "address"] {
            if !manager.has_column("sessions", column).await? {
                add_column(
                    manager,
                    "sessions",
                    ColumnDef::new(column).string_len(64).not_null().default(""),
                )
                .await?;
            }
        }
        if !manager.has_column("workspaces", "session_days").await? {
            add_column(
                manager,
                "workspaces",
                ColumnDef::new("session_days")
                    .integer()
                    .not_null()
                    .default(domain::session::SESSION_LIFETIME_DAYS),
            )
            .await?;
        }
        if !manager.has_column("leads", "woken_at").await? {
            add_column(
                manager,
                "leads",
                ColumnDef::new("woken_at").timestamp_with_time_zone().null(),
            )
            .await?;
        }
        if !manager.has_column("lead_settings", "form_check").await? {
            add_column(
                manager,
                "lead_settings",
                ColumnDef::new("form_check")
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .await?;
        }
        if !manager.has_column("lead_forms", "ticket_secret").await? {
            add_column(
                manager,
                "lead_forms",
                ColumnDef::new("ticket_secret")
                    .string_len(64)
                    .not_null()
                    .default(""),
            )
            .await?;
        }
        // Each existing form gets its own random secret (SQL has no portable way).
        let db = manager.get_connection();
        let unsigned = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT id FROM lead_forms WHERE ticket_secret = ''",
            ))
            .await?;
        for row in unsigned {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let sql = crate::raw::Sql::new("UPDATE lead_forms SET ")
                .bind("ticket_secret = ?", crate::secrets::random_token())
                .bind(" WHERE id = ?", id);
            db.execute_raw(sql.statement(db.get_database_backend()))
                .await?;
        }
        // The server's purge deletes sessions past their end.
        manager
            .create_index(
                index("sessions", &["expires_at"])
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("password_resets")
                    .if_not_exists()
                    .col(string_len("token_hash", 64).primary_key())
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("password_resets", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("password_resets", &["user_id"])
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
