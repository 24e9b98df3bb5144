//! The pipeline review's sections read open deals in their own order: at 1,000,000
//! deals "no next step" read every open deal's row (1.6 s) and "closing soon" sorted
//! all of them in a temporary B-tree (0.8 s), and with "rotting" the review timed out.
//! Two partial indexes hold only open deals, and for "no next step" only those without
//! one, in the order each section lists them; a stage move touches neither.
//!
//! A partial index is used only when the query implies its condition. SQLite matched a
//! bound value too, but PostgreSQL's generic plans for prepared statements do not, so
//! `crate::reviews` repeats the literals through `OPEN` and `NO_NEXT_STEP`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The open-deal condition, shared with the queries that must repeat it.
pub(crate) const OPEN: &str = "status = 'open'";
/// Deals whose next step is missing or blank (the form stores blank as empty).
pub(crate) const NO_NEXT_STEP: &str = "(next_step IS NULL OR next_step = '')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The same statement on SQLite and PostgreSQL.
        db.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS ix_deals_open_closing \
             ON deals (pipeline_id, expected_close_on) WHERE {OPEN}"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS ix_deals_open_no_next_step \
             ON deals (pipeline_id, value_cents) WHERE {OPEN} AND {NO_NEXT_STEP}"
        ))
        .await?;
        Ok(())
    }
}
