use domain::{deal::DealField, stored::Listed};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    pub position: i32,
    /// Win probability in percent, 0–100.
    pub probability: i32,
    pub rotting_days: i32,
    /// Fields a deal must fill before entering (a JSON array of `DealField` keys).
    pub entry_fields: Listed<DealField>,
    /// Checklist items a deal must tick before entering (a JSON array).
    pub checklist: Listed<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
