//! The workspace's record visibility setting (`domain::visibility`), which admins set in
//! Settings → Users. The reads it narrows ask `permissions::visible`; the signed-in
//! person's `sees` is worked out from it when their session is resolved.

use crate::{
    db::OrInternal, entity::workspace, event_log::Change, permissions::permit, write::Lock, Crm,
};
use domain::{
    account::CurrentUser,
    event::{payload::Shown, Payload, Subject},
    permission::Action,
    visibility::Visibility,
    AppError,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

impl Crm {
    /// The workspace's record visibility.
    ///
    /// # Errors
    /// `Forbidden` for non-admins.
    pub async fn visibility(&self, actor: &CurrentUser) -> Result<Visibility, AppError> {
        permit(actor, Action::ManageMembers)?;
        Ok(workspace::Entity::find_by_id(actor.workspace_id.0)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?
            .visibility)
    }

    /// Sets who sees which deals and leads; takes effect on everyone's next request
    /// (and on live sockets when they reconnect).
    ///
    /// # Errors
    /// `Forbidden` for non-admins.
    pub async fn set_visibility(
        &self,
        actor: &CurrentUser,
        visibility: Visibility,
    ) -> Result<Visibility, AppError> {
        permit(actor, Action::ManageMembers)?;
        self.write(Lock::Workspace(actor.workspace_id), async |txn| {
            let row = workspace::Entity::find_by_id(actor.workspace_id.0)
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let before = row.visibility;
            if before == visibility {
                return Ok(visibility);
            }
            let mut active: workspace::ActiveModel = row.into();
            active.visibility = Set(visibility);
            active.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Workspace(actor.workspace_id.0),
                payload: Payload::VisibilityChanged(
                    Shown { visibility: before },
                    Shown { visibility },
                ),
            })
            .await?;
            Ok(visibility)
        })
        .await
    }
}
