//! Database-backed sessions, so any server process can serve any signed-in browser.
//!
//! A session ends when it has not been used for `SESSION_IDLE_DAYS`, or when it is as
//! old as its workspace's lifetime (`workspaces.session_days`), whichever comes first.

use crate::{
    accounts::SignInOrigin,
    db::OrInternal,
    entity::{session, user, workspace},
    event_log::Change,
    secrets::SessionToken,
    write::{Lock, Write},
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::{
    account::CurrentUser,
    event::{payload::SignInAttempt, Payload},
    session::{device_label, SESSION_IDLE_DAYS},
    visibility::Sees,
    AppError, UserId, WorkspaceId,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// How often using a session writes its last-seen time and pushes its idle end back.
const SEEN_EVERY_MINUTES: i64 = 60;

/// The latest a session opened at `created_at` may end in `home`, and the idle end
/// counted from `now` capped by it.
fn session_end(
    home: &workspace::Model,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let lifetime_end = created_at + Duration::days(home.session_days.clamp(1, 365).into());
    let idle_end = (now + Duration::days(SESSION_IDLE_DAYS)).min(lifetime_end);
    (lifetime_end, idle_end)
}

/// Opens a session for a user inside the caller's transaction.
/// Opens a session for a sign-in, a sign-up, an accepted invitation or a reset
/// password, and logs the sign-in with the address and browser it came from.
pub(crate) async fn open_session(
    conn: &Write,
    user_id: UserId,
    home: &workspace::Model,
    origin: &SignInOrigin,
) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token.hash()),
        user_id: Set(user_id.0),
        workspace_id: Set(home.id),
        created_at: Set(now),
        expires_at: Set(session_end(home, now, now).1),
        last_seen_at: Set(Some(now)),
        device: Set(device_label(&origin.user_agent)),
        address: Set(origin.ip.chars().take(64).collect()),
    }
    .insert(conn)
    .await
    .or_internal()?;
    let signed_in = Change::by_member_on_self(
        WorkspaceId(home.id),
        user_id,
        Payload::SignedIn(
            (),
            SignInAttempt {
                device: device_label(&origin.user_agent),
            },
        ),
    );
    origin.event_source().scope(conn.append(signed_in)).await?;
    Ok(token)
}

/// Ends every session of a user (deactivation, a reset password, "sign out everywhere");
/// returns how many ended.
pub(crate) async fn close_all_sessions<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
) -> Result<u64, AppError> {
    let closed = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.0))
        .exec(conn)
        .await
        .or_internal()?;
    Ok(closed.rows_affected)
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
        // The session, its member and the session's workspace in one query: this runs
        // on every signed-in request.
        let Some((found, Some(member), Some(home))) = session::Entity::find_by_id(token.hash())
            .find_also_related(user::Entity)
            .find_also_related(workspace::Entity)
            .one(&self.db)
            .await
            .or_internal()?
        else {
            return Ok(None);
        };
        // A deactivated member, or one moved out of the workspace the session opened in,
        // is signed out.
        if found.expires_at <= now || !member.active || member.workspace_id != home.id {
            return Ok(None);
        }
        let last_seen = found.last_seen_at.unwrap_or(found.created_at);
        // The workspace's lifetime is checked here, not only when the session opened:
        // an admin shortening it ends older sessions at once.
        let (lifetime_end, idle_end) = session_end(&home, found.created_at, now);
        if lifetime_end <= now {
            return Ok(None);
        }
        // Sliding expiry and last seen, written at most once an hour per session.
        if now - last_seen >= Duration::minutes(SEEN_EVERY_MINUTES) {
            // Through the one write path, like every write (on SQLite it queues with the
            // other writers instead of waiting on the file lock).
            let mut active: session::ActiveModel = found.into();
            active.expires_at = Set(idle_end);
            active.last_seen_at = Set(Some(now));
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
        let hash = token.hash();
        self.write(Lock::Rows, async |txn| {
            session::Entity::delete_by_id(hash)
                .exec(txn)
                .await
                .or_internal()?;
            Ok(())
        })
        .await
    }
}
