use sea_orm::entity::prelude::*;

/// A workspace's inbox settings; no row means the defaults.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub first_response_minutes: i32,
    /// A JSON `ScoreWeights`.
    pub weights: String,
    pub version: i32,
    /// Web forms require a timing ticket (`LeadSettings::form_check`).
    pub form_check: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
