use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 of the cookie's token: a leaked table cannot be replayed as cookies.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: Uuid,
    pub workspace_id: Uuid,
    pub created_at: DateTimeUtc,
    /// The idle end, pushed back on use but never past the workspace's lifetime.
    pub expires_at: DateTimeUtc,
    /// Written with the idle end, so at most once an hour (migration 19 fills old rows).
    pub last_seen_at: Option<DateTimeUtc>,
    /// `domain::session::device_label` of the User-Agent at sign-in.
    pub device: String,
    /// The client address at sign-in.
    pub address: String,
}

/// Declared so resolving a session reads the session, its member and their workspace
/// in one query (`resolve_session` runs on every signed-in request).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    Member,
    #[sea_orm(
        belongs_to = "super::workspace::Entity",
        from = "Column::WorkspaceId",
        to = "super::workspace::Column::Id"
    )]
    Workspace,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Member.def()
    }
}

impl Related<super::workspace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Workspace.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
