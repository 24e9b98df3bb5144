use domain::money::Currency;
use sea_orm::entity::prelude::*;

/// A target for won business: for a rep (`owner_id`), a team (`team_id`) or the whole
/// workspace (neither).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    /// `won_value` (target in cents of `currency`) or `won_deals`.
    pub measure: String,
    pub currency: Option<Currency>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub target: i64,
    pub set_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
