use domain::event::{EventKind, Subject};
use sea_orm::entity::prelude::*;

/// The event log: audit trail, timelines, stage history and live feed in one table.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub kind: EventKind,
    pub subject: Subject,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub at: DateTimeUtc,
    /// `domain::event::payload::FORMAT` when written.
    pub format: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
