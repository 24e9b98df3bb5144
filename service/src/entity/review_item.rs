use domain::money::Currency;
use sea_orm::entity::prelude::*;

/// An open deal as it stood when a review started.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub review_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deal_id: Uuid,
    pub workspace_id: Uuid,
    pub stage_id: Uuid,
    pub value_cents: i64,
    pub currency: Currency,
    pub expected_close_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
