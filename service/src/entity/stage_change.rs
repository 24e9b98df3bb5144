use domain::deal::DealStatus;
use sea_orm::entity::prelude::*;

/// One step of a deal's journey: a stage change, a close or a reopen.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stage_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub deal_id: Uuid,
    /// None when the deal was created.
    pub from_stage_id: Option<Uuid>,
    pub to_stage_id: Uuid,
    /// The deal's status after the change: open, won or lost.
    pub status: DealStatus,
    pub actor_id: Option<Uuid>,
    pub at: DateTimeUtc,
    /// When the deal moved on from this step (its next step's time); None while current.
    pub left_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
