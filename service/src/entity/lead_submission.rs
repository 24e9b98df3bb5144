use sea_orm::entity::prelude::*;

/// One form post, import row or manual entry, as it arrived: kept even when it merged
/// into an existing lead, so nothing anyone sent is lost.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead_submissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub lead_id: Uuid,
    pub source: String,
    /// The submitted `NewLead`, as JSON.
    pub payload: String,
    pub at: DateTimeUtc,
    /// The web form it came through, if any.
    pub form_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
