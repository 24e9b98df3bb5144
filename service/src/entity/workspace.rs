use domain::{money::Currency, visibility::Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub default_currency: Currency,
    pub visibility: Visibility,
    pub created_at: DateTimeUtc,
    /// Days a session lasts at most (`domain::session::SESSION_LIFETIME_RANGE`).
    pub session_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
