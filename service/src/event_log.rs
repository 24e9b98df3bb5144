//! The event log: appended inside each write transaction, published after commit.

use crate::{db::OrInternal, entity::event};
use chrono::Utc;
use domain::{
    event::{Event, EventKind},
    AppError, UserId, WorkspaceId,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};
use tokio::sync::broadcast;

/// How many events a slow live subscriber may fall behind before it is told to resync.
const LIVE_BUFFER: usize = 1024;

/// In-process fan-out of committed events. Bounded: a subscriber that stops reading
/// loses events (and learns it from `Lagged`) instead of growing the server's memory.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
}

impl EventBus {
    pub(crate) fn new() -> Self {
        let (sender, _) = broadcast::channel(LIVE_BUFFER);
        EventBus { sender }
    }

    /// A receiver of every event committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Publishes events whose transaction has committed. Nobody listening is fine.
    pub(crate) fn publish(&self, events: Vec<Event>) {
        for event in events {
            let _ = self.sender.send(event);
        }
    }
}

/// What a service operation says happened, before the log gives it an id.
pub(crate) struct Change {
    pub workspace_id: WorkspaceId,
    pub actor: Option<UserId>,
    pub kind: EventKind,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends one event in the caller's transaction and returns it with its id.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    change: Change,
) -> Result<Event, AppError> {
    serialize_workspace_events(conn, change.workspace_id).await?;
    let at = Utc::now();
    let row = event::ActiveModel {
        workspace_id: Set(change.workspace_id.0),
        actor_id: Set(change.actor.map(|actor| actor.0)),
        kind: Set(change.kind.as_str().to_owned()),
        subject: Set(change.subject.clone()),
        before: Set(change.before.clone()),
        after: Set(change.after.clone()),
        at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .or_internal()?;
    Ok(Event {
        id: row.id,
        workspace_id: change.workspace_id,
        actor: change.actor,
        kind: change.kind,
        subject: change.subject,
        before: change.before,
        after: change.after,
        at,
    })
}

/// On PostgreSQL, makes a workspace's events commit in id order and wakes every process.
///
/// Ids come from a sequence, so two transactions can take 10 and 11 and commit 11 first;
/// a live client that saw 11 and then reconnected "after 11" would miss 10. Holding a
/// per-workspace lock from taking the id until commit rules that out. Writes append their
/// event last, just before committing, so the lock is short and never waits on a row
/// lock. The NOTIFY is queued in the transaction and sent only if it commits.
/// SQLite needs neither: its write transactions already run one at a time.
async fn serialize_workspace_events<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), pg_notify($2, $1)",
        [
            workspace.0.to_string().into(),
            crate::live::EVENTS_CHANNEL.into(),
        ],
    ))
    .await
    .or_internal()?;
    Ok(())
}

impl crate::Crm {
    /// The newest event id of the caller's workspace (0 before any).
    ///
    /// # Errors
    /// Database failure.
    pub async fn event_head(&self, viewer: &domain::account::CurrentUser) -> Result<i64, AppError> {
        crate::live::head_of(&self.db, viewer.workspace_id.0).await
    }

    /// Events of the caller's workspace after `after_id`, oldest first: the replay a
    /// reconnecting client asks for, and the audit trail.
    ///
    /// # Errors
    /// Database failure.
    pub async fn events_since(
        &self,
        viewer: &domain::account::CurrentUser,
        after_id: i64,
        limit: u64,
    ) -> Result<Vec<Event>, AppError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
        let rows = event::Entity::find()
            .filter(event::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(event::Column::Id.gt(after_id))
            .order_by_asc(event::Column::Id)
            .limit(limit.min(1000))
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(Event {
                    id: row.id,
                    workspace_id: WorkspaceId(row.workspace_id),
                    actor: row.actor_id.map(UserId),
                    kind: EventKind::parse(&row.kind)?,
                    subject: row.subject,
                    before: row.before,
                    after: row.after,
                    at: row.at,
                })
            })
            .collect())
    }
}
