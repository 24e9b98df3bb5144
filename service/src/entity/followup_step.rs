use domain::activity::ActivityKind;
use sea_orm::entity::prelude::*;

/// One step of a pipeline's post-sale follow-up plan: on `day` after the win, an activity
/// of `kind` for the deal's owner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "followup_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub pipeline_id: Uuid,
    pub position: i32,
    pub day: i32,
    pub kind: ActivityKind,
    pub subject: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
