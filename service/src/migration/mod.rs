//! Append-only schema migrations; the server runs them on start.

use sea_orm_migration::prelude::*;

mod m20261127_000001_create_accounts;
mod m20261127_000002_create_event_log;
mod m20261127_000003_create_pipeline;
mod m20261127_000004_deal_details;
mod m20261127_000005_activities;
mod m20261128_000006_notes_followups;
mod m20261128_000007_leads;
mod m20261128_000008_lead_capture;
mod m20261128_000009_metrics;
mod m20261128_000010_pipeline_reviews;
mod m20261128_000011_goals_teams;
mod m20261128_000012_reach_index;
mod m20261128_000013_rollups;
mod m20261203_000014_record_versions;
mod m20261204_000015_formats_and_versions;
mod m20261204_000016_visibility_and_lists;
mod m20261205_000017_deal_list_order;
mod m20261205_000018_pausable_rollups;
mod m20261206_000019_sessions_and_forms;
mod m20261206_000020_event_origins;
mod m20261206_000021_review_indexes;
mod m20261206_000022_list_name_order;
mod m20261206_000023_lead_report_indexes;

pub(crate) use m20261128_000013_rollups::{
    reach_of, rebuild as rebuild_rollups, recount_paused as recount_paused_rollups,
};
pub(crate) use m20261206_000021_review_indexes::{NO_NEXT_STEP, OPEN};

/// Every migration, oldest first. Never edit one that has shipped: add a new one.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_accounts::Migration),
            Box::new(m20261127_000002_create_event_log::Migration),
            Box::new(m20261127_000003_create_pipeline::Migration),
            Box::new(m20261127_000004_deal_details::Migration),
            Box::new(m20261127_000005_activities::Migration),
            Box::new(m20261128_000006_notes_followups::Migration),
            Box::new(m20261128_000007_leads::Migration),
            Box::new(m20261128_000008_lead_capture::Migration),
            Box::new(m20261128_000009_metrics::Migration),
            Box::new(m20261128_000010_pipeline_reviews::Migration),
            Box::new(m20261128_000011_goals_teams::Migration),
            Box::new(m20261128_000012_reach_index::Migration),
            Box::new(m20261128_000013_rollups::Migration),
            Box::new(m20261203_000014_record_versions::Migration),
            Box::new(m20261204_000015_formats_and_versions::Migration),
            Box::new(m20261204_000016_visibility_and_lists::Migration),
            Box::new(m20261205_000017_deal_list_order::Migration),
            Box::new(m20261205_000018_pausable_rollups::Migration),
            Box::new(m20261206_000019_sessions_and_forms::Migration),
            Box::new(m20261206_000020_event_origins::Migration),
            Box::new(m20261206_000021_review_indexes::Migration),
            Box::new(m20261206_000022_list_name_order::Migration),
            Box::new(m20261206_000023_lead_report_indexes::Migration),
        ]
    }
}

/// Creates a plain index; names are `ix_<table>_<cols>` so they read well in query plans.
pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement.to_owned()
}

/// Adds one column: SQLite takes one per ALTER TABLE.
pub(crate) async fn add_column(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}
