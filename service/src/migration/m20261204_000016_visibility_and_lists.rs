//! The workspace's record visibility (`domain::visibility`): everyone sees everything
//! until an admin narrows what reps see. Sales teams and web forms get versions.
//!
//! Lists kept as joined text become JSON arrays (`domain::stored::Listed`): a deal's
//! tags (`,a,b,`) and ticked checklist items (one per line), a stage's required fields
//! (comma-separated keys) and checklist (one per line), and a web form's fields
//! (comma-separated keys). The old readers are frozen here, as migrations never change.

use super::add_column;
use crate::raw::Sql;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Re-runnable as a whole: an interrupted run may have added it already.
        if !manager.has_column("workspaces", "visibility").await? {
            add_column(
                manager,
                "workspaces",
                ColumnDef::new("visibility")
                    .string_len(16)
                    .not_null()
                    .default("everyone"),
            )
            .await?;
        }
        // Teams and web forms carry versions like deals: a stale rename or edit is
        // refused instead of undoing a colleague's.
        for table in ["sales_teams", "lead_forms"] {
            if !manager.has_column(table, "version").await? {
                add_column(
                    manager,
                    table,
                    ColumnDef::new("version").integer().not_null().default(1),
                )
                .await?;
            }
        }
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            // JSON escapes can make a list longer than the joined text was.
            db.execute_unprepared(
                "ALTER TABLE deals ALTER COLUMN tags TYPE TEXT, ALTER COLUMN tags SET DEFAULT '[]', \
                 ALTER COLUMN checked SET DEFAULT '[]'; \
                 ALTER TABLE stages ALTER COLUMN entry_fields TYPE TEXT, \
                 ALTER COLUMN entry_fields SET DEFAULT '[]', ALTER COLUMN checklist SET DEFAULT '[]'",
            )
            .await?;
        }
        let deals = rows(
            db,
            "SELECT id, tags, checked FROM deals WHERE tags <> '' OR checked <> ''",
        )
        .await?;
        for row in deals {
            let tags = convert(&text(&row, "tags")?, |t| {
                t.split(',').filter(|t| !t.is_empty()).collect()
            })?;
            let checked = convert(&text(&row, "checked")?, lines)?;
            let sql = Sql::new("UPDATE deals SET ")
                .bind("tags = ?", tags)
                .bind(", checked = ?", checked)
                .bind(" WHERE id = ?", uuid(&row)?);
            db.execute_raw(sql.statement(db.get_database_backend()))
                .await?;
        }
        let stages = rows(
            db,
            "SELECT id, entry_fields, checklist FROM stages \
             WHERE entry_fields <> '' OR checklist <> ''",
        )
        .await?;
        for row in stages {
            let fields = convert(&text(&row, "entry_fields")?, |f| {
                f.split(',')
                    .map(str::trim)
                    .filter(|f| FIELD_KEYS.contains(f))
                    .collect()
            })?;
            let checklist = convert(&text(&row, "checklist")?, lines)?;
            let sql = Sql::new("UPDATE stages SET ")
                .bind("entry_fields = ?", fields)
                .bind(", checklist = ?", checklist)
                .bind(" WHERE id = ?", uuid(&row)?);
            db.execute_raw(sql.statement(db.get_database_backend()))
                .await?;
        }
        let forms = rows(db, "SELECT id, fields AS text FROM lead_forms").await?;
        for row in forms {
            let fields = convert(&text(&row, "text")?, |f| {
                f.split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .collect()
            })?;
            let sql = Sql::new("UPDATE lead_forms SET ")
                .bind("fields = ?", fields)
                .bind(" WHERE id = ?", uuid(&row)?);
            db.execute_raw(sql.statement(db.get_database_backend()))
                .await?;
        }
        Ok(())
    }
}

/// `domain::deal::DealField` keys as of this migration.
const FIELD_KEYS: [&str; 8] = [
    "value",
    "expected_close_on",
    "company",
    "contact",
    "decision_maker",
    "owner",
    "source",
    "next_step",
];

async fn rows(db: &SchemaManagerConnection<'_>, sql: &str) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
}

fn uuid(row: &QueryResult) -> Result<uuid::Uuid, DbErr> {
    row.try_get("", "id")
}

fn text(row: &QueryResult, column: &str) -> Result<String, DbErr> {
    Ok(row
        .try_get::<Option<String>>("", column)?
        .unwrap_or_default())
}

/// Non-empty trimmed lines, each once (the old `split_lines`).
fn lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// The old joined text as a JSON array, read by `old`; a value that already is one
/// (from an interrupted run) is kept as it is.
fn convert(text: &str, old: impl Fn(&str) -> Vec<&str>) -> Result<String, DbErr> {
    if text.starts_with('[') && serde_json::from_str::<Vec<String>>(text).is_ok() {
        return Ok(text.to_owned());
    }
    serde_json::to_string(&old(text)).map_err(|e| DbErr::Custom(e.to_string()))
}
