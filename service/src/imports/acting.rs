//! Command-line work happens on behalf of a workspace's admin, and names (pipeline,
//! owner) are looked up the way a person types them.

use crate::{
    db::OrInternal,
    entity::{pipeline, user, workspace},
    sessions::current_user,
    Crm,
};
use domain::{account::CurrentUser, AppError, Role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

impl Crm {
    /// The longest-standing active admin of the workspace with this name (or of the
    /// only workspace, when no name is given).
    ///
    /// # Errors
    /// `NotFound` when no single workspace matches or it has no active admin.
    pub async fn workspace_admin(&self, name: Option<&str>) -> Result<CurrentUser, AppError> {
        let home = self.single_workspace(name).await?;
        let admin = user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(home.id))
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::CreatedAt)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        current_user(&self.db, admin, home).await
    }

    /// The workspace with this name, or the only one when no name is given: what the
    /// command line acts on.
    ///
    /// # Errors
    /// `NotFound` when none or several match.
    pub(crate) async fn single_workspace(
        &self,
        name: Option<&str>,
    ) -> Result<workspace::Model, AppError> {
        let mut query = workspace::Entity::find();
        if let Some(name) = name {
            query = query.filter(workspace::Column::Name.eq(name.trim()));
        }
        // Two are enough to know the choice is ambiguous.
        let mut found = query.limit(2).all(&self.db).await.or_internal()?;
        if found.len() != 1 {
            return Err(AppError::NotFound);
        }
        Ok(found.remove(0))
    }

    /// A pipeline of the viewer's workspace by name, ignoring case.
    ///
    /// # Errors
    /// `NotFound` when none has that name.
    pub async fn pipeline_named(&self, viewer: &CurrentUser, name: &str) -> Result<Uuid, AppError> {
        pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .map(|p| p.id)
            .ok_or(AppError::NotFound)
    }

    /// A member (active or not) of the viewer's workspace by display name, ignoring case.
    ///
    /// # Errors
    /// `NotFound` when nobody has that name.
    pub async fn member_named(&self, viewer: &CurrentUser, name: &str) -> Result<Uuid, AppError> {
        user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .find(|u| u.name.to_lowercase() == name.trim().to_lowercase())
            .map(|u| u.id)
            .ok_or(AppError::NotFound)
    }

    /// A sales team by name (any case), for command-line filters.
    ///
    /// # Errors
    /// `NotFound` when no team has that name.
    pub async fn team_named(&self, viewer: &CurrentUser, name: &str) -> Result<Uuid, AppError> {
        self.sales_teams(viewer)
            .await?
            .into_iter()
            .find(|t| t.name.to_lowercase() == name.trim().to_lowercase())
            .map(|t| t.id)
            .ok_or(AppError::NotFound)
    }
}
