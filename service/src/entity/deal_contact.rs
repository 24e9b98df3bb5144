use domain::deal::ContactRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_contacts")]
pub struct Model {
    pub workspace_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub contact_id: Uuid,
    /// A `ContactRole` key.
    pub role: ContactRole,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
