use sea_orm::entity::prelude::*;

/// "Leads whose `field` is `value` go to these members in turn." First match wins.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub position: i32,
    pub field: String,
    pub value: String,
    /// Member ids, comma-separated.
    pub members: String,
    /// Who got the rule's last lead: the rule's own round-robin.
    pub last_user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
