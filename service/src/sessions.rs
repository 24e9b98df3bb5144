//! Database-backed sessions, so any server process can serve any signed-in browser.

use crate::{
    db::OrInternal,
    entity::{session, user, workspace},
    secrets::SessionToken,
    write::Lock,
    Crm,
};
use chrono::{Duration, Utc};
use domain::{
    account::{CurrentUser, SESSION_IDLE_DAYS},
    visibility::Sees,
    AppError, UserId, WorkspaceId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, Set,
};

/// Opens a session for a user inside the caller's transaction.
pub(crate) async fn open_session<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    workspace_id: WorkspaceId,
) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token.hash()),
        user_id: Set(user_id.0),
        workspace_id: Set(workspace_id.0),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_IDLE_DAYS)),
    }
    .insert(conn)
    .await
    .or_internal()?;
    Ok(token)
}

/// Ends every session of a user (deactivation).
pub(crate) async fn close_all_sessions<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.0))
        .exec(conn)
        .await
        .or_internal()?;
    Ok(())
}

/// The signed-in person as every read sees them, with whose records they see.
pub(crate) async fn current_user<C: ConnectionTrait>(
    conn: &C,
    member: user::Model,
    workspace: workspace::Model,
) -> Result<CurrentUser, AppError> {
    let role = member.role;
    let sees = if workspace.visibility.narrows(role) {
        Sees::Owners(crate::permissions::teammates(conn, member.id).await?)
    } else {
        Sees::Everything
    };
    Ok(CurrentUser {
        user_id: UserId(member.id),
        workspace_id: WorkspaceId(workspace.id),
        workspace_name: workspace.name,
        name: member.name,
        email: member.email,
        role,
        sees,
    })
}

impl Crm {
    /// The person behind a session cookie, or `None` for a missing, expired or garbage
    /// token, or a deactivated account.
    ///
    /// # Errors
    /// Database failure.
    pub async fn resolve_session(
        &self,
        token: &SessionToken,
    ) -> Result<Option<CurrentUser>, AppError> {
        // A real token is 64 hex characters; anything else cannot match, so skip the query.
        if token.expose().len() != 64 || !token.expose().bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let now = Utc::now();
        let Some(found) = session::Entity::find_by_id(token.hash())
            .one(&self.db)
            .await
            .or_internal()?
        else {
            return Ok(None);
        };
        if found.expires_at <= now {
            return Ok(None);
        }
        // The member and their workspace in one query: this runs on every request.
        let Some((member, Some(home))) = user::Entity::find_by_id(found.user_id)
            .filter(user::Column::WorkspaceId.eq(found.workspace_id))
            .filter(user::Column::Active.eq(true))
            .select_also(workspace::Entity)
            .join(
                JoinType::InnerJoin,
                user::Entity::belongs_to(workspace::Entity)
                    .from(user::Column::WorkspaceId)
                    .to(workspace::Column::Id)
                    .into(),
            )
            .one(&self.db)
            .await
            .or_internal()?
        else {
            return Ok(None);
        };
        // Sliding expiry, written at most once a day per session.
        let renewed = now + Duration::days(SESSION_IDLE_DAYS);
        if renewed - found.expires_at > Duration::days(1) {
            // Through the one write path, like every write (on SQLite it queues with the
            // other writers instead of waiting on the file lock).
            let mut active: session::ActiveModel = found.into();
            active.expires_at = Set(renewed);
            self.write(Lock::Rows, async |txn| {
                active.update(txn).await.or_internal()?;
                Ok(())
            })
            .await?;
        }
        current_user(&self.db, member, home).await.map(Some)
    }

    /// Ends the session behind a cookie. Unknown tokens are fine: signing out is idempotent.
    ///
    /// # Errors
    /// Database failure.
    pub async fn sign_out(&self, token: &SessionToken) -> Result<(), AppError> {
        session::Entity::delete_by_id(token.hash())
            .exec(&self.db)
            .await
            .or_internal()?;
        Ok(())
    }
}
