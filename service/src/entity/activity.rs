use domain::activity::ActivityKind;
use sea_orm::entity::prelude::*;

/// A call, meeting, e-mail, task or deadline. `kind` is an `ActivityKind` key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub kind: ActivityKind,
    pub subject: String,
    pub due_at: DateTimeUtc,
    /// Where the person who scheduled it was, to show the time as it was meant.
    pub time_zone: String,
    pub duration_minutes: Option<i32>,
    pub assignee_id: Option<Uuid>,
    pub done: bool,
    pub done_at: Option<DateTimeUtc>,
    pub outcome: Option<String>,
    pub deal_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub version: i32,
    /// When its coming-due reminder went out; never twice.
    pub reminded_at: Option<DateTimeUtc>,
    /// The follow-up plan step that created it, if any.
    pub plan_step: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
