//! PostgreSQL's LISTEN/NOTIFY between server processes. A notification carries only a
//! workspace id (events) or one socket's presence; event payloads are always read from
//! the log, since NOTIFY is neither replayed nor meant for large payloads.

use super::{presence::Note, LiveHub};
use sea_orm::{
    sqlx::postgres::PgListener, ConnectionTrait, DatabaseConnection, DbBackend, Statement,
};
use std::time::{Duration, Instant};

/// Channel that `event_log::append` notifies, with the workspace id as payload.
pub(crate) const EVENTS_CHANNEL: &str = "pipewright_events";
const PRESENCE_CHANNEL: &str = "pipewright_presence";

/// How often this process repeats its viewers to the others (well inside their TTL).
pub(super) const HEARTBEAT: Duration = Duration::from_secs(20);

/// Follows other processes' commits and presence for as long as the process runs.
pub(super) async fn follow_postgres(hub: LiveHub) {
    loop {
        let pool = hub.inner.db.get_postgres_connection_pool();
        let mut listener = match PgListener::connect_with(pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "live feed cannot LISTEN; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener
            .listen_all([EVENTS_CHANNEL, PRESENCE_CHANNEL])
            .await
        {
            tracing::warn!(%error, "live feed cannot LISTEN; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Anything may have committed while nobody listened.
        hub.touch_all();
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    hub.take_note(notification.channel(), notification.payload())
                }
                // The connection dropped; the next call reconnects and re-listens, but
                // what was notified in between is lost: catch up from the log.
                Ok(None) => hub.touch_all(),
                Err(error) => {
                    tracing::warn!(%error, "live feed lost its LISTEN connection");
                    break;
                }
            }
        }
    }
}

impl LiveHub {
    fn take_note(&self, channel: &str, payload: &str) {
        if channel == EVENTS_CHANNEL {
            if let Ok(workspace) = uuid::Uuid::parse_str(payload) {
                self.touch(workspace);
            }
        } else if let Ok(note) = serde_json::from_str::<Note>(payload) {
            if let Some(workspace) = self.inner.presence.apply_remote(note) {
                self.broadcast_presence(workspace);
            }
        }
    }

    /// Repeats local presence to other processes and expires theirs that went quiet.
    pub(super) async fn keep_presence(self) {
        let mut ticks = tokio::time::interval(HEARTBEAT);
        loop {
            ticks.tick().await;
            if crate::is_postgres(&self.inner.db) {
                for note in self.inner.presence.local_notes() {
                    notify_presence(self.inner.db.clone(), note).await;
                }
            }
            for workspace in self.inner.presence.expire(Instant::now()) {
                self.broadcast_presence(workspace);
            }
        }
    }
}

/// Tells the other processes about one socket's presence. Best effort: presence that
/// fails to send is repeated by the next heartbeat.
pub(super) async fn notify_presence(db: DatabaseConnection, note: Note) {
    let Ok(payload) = serde_json::to_string(&note) else {
        return;
    };
    let sent = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [PRESENCE_CHANNEL.into(), payload.into()],
        ))
        .await;
    if let Err(error) = sent {
        tracing::debug!(%error, "presence note not sent");
    }
}
