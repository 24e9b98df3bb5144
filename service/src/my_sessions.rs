//! What a signed-in person sees of their own sessions: where they are signed in, ending
//! one, ending all; and the workspace's session lifetime, which admins set.

use crate::{
    db::OrInternal,
    entity::{session, workspace},
    event_log::Change,
    permissions::permit,
    secrets::SessionToken,
    write::Lock,
    Crm,
};
use chrono::{Duration, Utc};
use domain::{
    account::CurrentUser,
    event::{
        payload::{SessionLifetime, SessionsEnded},
        Payload, Subject,
    },
    permission::Action,
    session::{
        check_session_days, is_session_key, ActiveSession, SESSIONS_LISTED, SESSION_KEY_LEN,
    },
    AppError,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

impl Crm {
    /// The person's live sessions, most recently used first; `current` is marked.
    ///
    /// # Errors
    /// Database failure.
    pub async fn my_sessions(
        &self,
        viewer: &CurrentUser,
        current: Option<&SessionToken>,
    ) -> Result<Vec<ActiveSession>, AppError> {
        let now = Utc::now();
        let lifetime = self.session_days(viewer).await?;
        let current = current.map(SessionToken::hash);
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(viewer.user_id.0))
            .filter(session::Column::ExpiresAt.gt(now))
            .filter(session::Column::CreatedAt.gt(now - Duration::days(lifetime.into())))
            .order_by_desc(session::Column::LastSeenAt)
            .order_by_desc(session::Column::CreatedAt)
            .limit(SESSIONS_LISTED)
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .map(|row| ActiveSession {
                key: row.token_hash.chars().take(SESSION_KEY_LEN).collect(),
                current: current.as_deref() == Some(row.token_hash.as_str()),
                device: row.device,
                address: row.address,
                signed_in_at: row.created_at,
                last_seen_at: row.last_seen_at.unwrap_or(row.created_at),
            })
            .collect())
    }

    /// Ends one of the person's own sessions, named by its key from `my_sessions`.
    ///
    /// # Errors
    /// `Validation` for a malformed key; `NotFound` when no session of theirs has it.
    pub async fn end_session(&self, viewer: &CurrentUser, key: &str) -> Result<(), AppError> {
        if !is_session_key(key) {
            return Err(AppError::invalid(
                "form",
                "That session is not in your list; reload the page.",
            ));
        }
        let user_id = viewer.user_id.0;
        let ended = self
            .write(Lock::Rows, async |txn| {
                let done = session::Entity::delete_many()
                    .filter(session::Column::UserId.eq(user_id))
                    // Hex only (checked above), so the key cannot carry LIKE wildcards.
                    .filter(session::Column::TokenHash.starts_with(key))
                    .exec(txn)
                    .await
                    .or_internal()?;
                Ok(done.rows_affected)
            })
            .await?;
        if ended == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// Ends every session of the person, this one included; returns how many ended.
    ///
    /// # Errors
    /// Database failure.
    pub async fn sign_out_everywhere(&self, viewer: &CurrentUser) -> Result<u64, AppError> {
        let user_id = viewer.user_id;
        let workspace_id = viewer.workspace_id;
        self.write(Lock::Rows, async |txn| {
            let sessions = crate::sessions::close_all_sessions(txn, user_id).await?;
            let ended = Payload::SignedOutEverywhere((), SessionsEnded { sessions });
            txn.append(Change::by_member_on_self(workspace_id, user_id, ended))
                .await?;
            Ok(sessions)
        })
        .await
    }

    /// Days a session of the viewer's workspace lasts at most.
    ///
    /// # Errors
    /// Database failure.
    pub async fn session_days(&self, viewer: &CurrentUser) -> Result<i32, AppError> {
        workspace::Entity::find_by_id(viewer.workspace_id.0)
            .one(&self.db)
            .await
            .or_internal()?
            .map(|home| home.session_days)
            .ok_or(AppError::NotFound)
    }

    /// Sets how many days sessions of the workspace last at most. Sessions older than
    /// that end at once (the check runs on every request).
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin; `Validation` outside 1–365 days.
    pub async fn set_session_days(&self, viewer: &CurrentUser, days: i32) -> Result<(), AppError> {
        permit(viewer, Action::ManageMembers)?;
        check_session_days(days)?;
        let workspace_id = viewer.workspace_id.0;
        self.write(Lock::Rows, async |txn| {
            let home = workspace::Entity::find_by_id(workspace_id)
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let before = home.session_days;
            if before == days {
                return Ok(());
            }
            let mut changed: workspace::ActiveModel = home.into();
            changed.session_days = Set(days);
            changed.update(txn).await.or_internal()?;
            txn.append(Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Workspace(workspace_id),
                payload: Payload::SessionLifetimeChanged(
                    SessionLifetime { days: before },
                    SessionLifetime { days },
                ),
            })
            .await?;
            Ok(())
        })
        .await
    }
}
