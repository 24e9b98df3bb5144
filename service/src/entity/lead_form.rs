use domain::{lead_form::FormField, stored::Listed};
use sea_orm::entity::prelude::*;

/// A public web form: sites post to `/f/<key>`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub key: String,
    pub name: String,
    /// The fields asked for, in form order (a JSON array of `FormField` keys).
    pub fields: Listed<FormField>,
    pub campaign: Option<String>,
    pub created_at: DateTimeUtc,
    pub version: i32,
    /// Signs the form's timing tickets (`leads::ticket`); never leaves the server.
    pub ticket_secret: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
