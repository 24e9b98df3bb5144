//! The event log: appended inside each write transaction, published after commit.

use crate::{db::OrInternal, entity::event};
use domain::{
    event::{Event, Payload, Subject},
    AppError, UserId, WorkspaceId,
};

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
    pub subject: Subject,
    pub payload: Payload,
}

impl Change {
    /// Something a member did to their own account (signed in, changed their password).
    pub(crate) fn by_member_on_self(
        workspace_id: WorkspaceId,
        member: UserId,
        payload: Payload,
    ) -> Change {
        Change {
            workspace_id,
            actor: Some(member),
            subject: Subject::Member(member.0),
            payload,
        }
    }
}

/// A record's event helper was asked for a kind that is not about that record: a bug
/// in the caller, refused instead of logged under the wrong kind.
pub(crate) fn not_of_its_record(kind: domain::event::EventKind) -> AppError {
    tracing::error!(?kind, "event kind does not fit its record");
    AppError::Internal
}

/// A stored row as an event. A row whose payload does not read is an error, not skipped:
/// it would mean a writer and its reader disagree.
pub(crate) fn from_row(row: event::Model) -> Result<Event, AppError> {
    let payload = Payload::read(row.kind, row.before, row.after).map_err(|error| {
        tracing::error!(event = row.id, %error, "event payload does not read");
        AppError::Internal
    })?;
    Ok(Event {
        id: row.id,
        workspace_id: WorkspaceId(row.workspace_id),
        actor: row.actor_id.map(UserId),
        subject: row.subject,
        payload,
        at: row.at,
    })
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
        rows.into_iter().map(from_row).collect()
    }
}
