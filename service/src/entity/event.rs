use domain::event::{EventKind, Origin, Subject};
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
    /// Where the change came from; `None` before the activity log kept it.
    pub origin: Option<Origin>,
    /// The client address, for the kinds that keep it (`EventKind::keeps_address`).
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
