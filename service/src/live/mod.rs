//! The live fan-out. One pump per process reads committed events back from the log, in id
//! order, and hands each to every socket of its workspace through a bounded channel.
//!
//! Reading from the log (instead of forwarding in-memory events) is what makes delivery
//! gap-free and identical on every process: writes of one workspace take their event id
//! under a lock held until commit (see `event_log::append`), so a workspace's events
//! become visible in id order, and "everything after the last id I delivered" is exact.
//! The in-process bus and PostgreSQL's NOTIFY only say *which* workspace has news.

mod listen;
pub(crate) use listen::EVENTS_CHANNEL;
mod presence;

use crate::{
    db::OrInternal,
    entity::{deal, event, lead, user},
    Crm,
};
use domain::{
    account::CurrentUser,
    event::Subject,
    live::{Gist, LiveEvent, ServerMessage, REPLAY_LIMIT},
    visibility::Sees,
    AppError,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard},
};
use tokio::sync::{broadcast, Notify};
use uuid::Uuid;

use presence::Presence;

/// Messages a socket may have queued before it counts as too slow and is dropped (it
/// reconnects and catches up from the log). Bounds the server's memory per workspace.
pub const SOCKET_BUFFER: usize = 256;

/// Events read from the log per query while catching a feed up.
const BATCH: u64 = 200;

/// Presence is sent at most this often per workspace: a tab switching views quickly
/// costs everyone one message per interval, not one per switch, so it cannot fill their
/// buffers and push them into resyncs.
pub const PRESENCE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// One process's live fan-out. Cheap to clone.
#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    feeds: Mutex<HashMap<Uuid, Feed>>,
    dirty: Mutex<HashSet<Uuid>>,
    wake: Notify,
    presence: Presence,
    /// Workspaces with a presence change not yet sent, and the sockets that changed.
    presence_due: Mutex<HashMap<Uuid, HashSet<Uuid>>>,
}

/// A message as sent on the wire: serialised once, shared by every socket.
pub type Wire = Arc<str>;

/// Serialises a message for the wire.
pub fn wire(message: &ServerMessage) -> Wire {
    serde_json::to_string(message)
        .unwrap_or_else(|_| String::from("{}"))
        .into()
}

/// Whose record a message is about, so a socket passes on only what its person sees
/// (`domain::visibility`): the channel is shared by the workspace, the check is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// The workspace, a setting, presence, or a record nobody owns.
    Everyone,
    /// A deal or lead, or an activity or note on one, with this owner.
    OwnedBy(Uuid),
    /// A deal or lead that no longer exists: only for those who see everything.
    Gone,
    /// Only the activity log shows it (a sign-in, an export): no socket gets it.
    Nobody,
}

impl About {
    pub fn seen_by(self, sees: &Sees) -> bool {
        match self {
            About::Everyone => true,
            About::OwnedBy(owner) => sees.owner(Some(domain::UserId(owner))),
            About::Gone => sees.owners().is_none(),
            About::Nobody => false,
        }
    }
}

/// A message on a workspace's channel: serialised once, with whose record it is about.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub wire: Wire,
    pub about: About,
}

/// A workspace's channel and the id of the last event sent into it.
struct Feed {
    sender: broadcast::Sender<Delivery>,
    cursor: i64,
}

/// What a new socket gets: its channel, and the messages to send before anything from it.
pub struct Subscription {
    pub receiver: broadcast::Receiver<Delivery>,
    pub first: Vec<ServerMessage>,
}

/// A poisoned lock only means another task panicked mid-update of plain maps; the data
/// is still usable, and the live feed must not take the process down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LiveHub {
    /// Starts the pump (and, on PostgreSQL, the listener for other processes' events).
    /// Call once per process, inside the Tokio runtime.
    pub fn start(crm: &Crm) -> LiveHub {
        let inner = Arc::new(Inner {
            db: crm.db.clone(),
            feeds: Mutex::new(HashMap::new()),
            dirty: Mutex::new(HashSet::new()),
            wake: Notify::new(),
            presence: Presence::new(),
            presence_due: Mutex::new(HashMap::new()),
        });
        let hub = LiveHub { inner };
        tokio::spawn(hub.clone().pump());
        tokio::spawn(hub.clone().follow_bus(crm.events.subscribe()));
        if crate::is_postgres(&crm.db) {
            tokio::spawn(listen::follow_postgres(hub.clone()));
        }
        tokio::spawn(hub.clone().keep_presence());
        hub
    }

    /// Subscribes a signed-in person's socket to their workspace. With `after` (the last
    /// id the client saw) it first replays what was missed, or says to resync when that
    /// is more than [`REPLAY_LIMIT`] events.
    ///
    /// # Errors
    /// Database failure.
    pub async fn join(
        &self,
        viewer: &CurrentUser,
        after: Option<i64>,
    ) -> Result<Subscription, AppError> {
        let workspace = viewer.workspace_id.0;
        // Subscribe before replaying: whatever commits meanwhile queues in the receiver.
        // A new feed starts at the log's head, read outside the lock (and read again if
        // the pump dropped the feed meanwhile, so no feed ever starts from a stale head).
        let mut fresh_head = None;
        let (receiver, head) = loop {
            {
                let mut feeds = lock(&self.inner.feeds);
                if let Some(feed) = feeds.get(&workspace) {
                    break (feed.sender.subscribe(), feed.cursor);
                }
                if let Some(cursor) = fresh_head {
                    let feed = Feed {
                        sender: broadcast::channel(SOCKET_BUFFER).0,
                        cursor,
                    };
                    let receiver = feed.sender.subscribe();
                    feeds.insert(workspace, feed);
                    break (receiver, cursor);
                }
            }
            fresh_head = Some(head_of(&self.inner.db, workspace).await?);
        };
        let mut first = Vec::new();
        if let Some(after) = after.filter(|after| *after < head) {
            let missed: Vec<(LiveEvent, About)> =
                live_events(&self.inner.db, workspace, after, REPLAY_LIMIT + 1)
                    .await?
                    .into_iter()
                    .filter(|(event, _)| event.id <= head)
                    .collect();
            if missed.len() as u64 > REPLAY_LIMIT {
                first.push(ServerMessage::Resync { head });
                return Ok(Subscription { receiver, first });
            }
            first.extend(
                missed
                    .into_iter()
                    .filter(|(_, about)| about.seen_by(&viewer.sees))
                    .map(|(e, _)| ServerMessage::Event(Box::new(e))),
            );
        }
        first.push(ServerMessage::Hello { head });
        Ok(Subscription { receiver, first })
    }

    /// Someone's socket now shows `view`; everyone in the workspace learns it.
    pub fn present(&self, socket: Uuid, viewer: &CurrentUser, view: Option<String>) {
        let changed = self.inner.presence.set_local(socket, viewer, view);
        if changed {
            self.announce(socket, viewer.workspace_id.0);
        }
    }

    /// A socket closed.
    pub fn leave(&self, socket: Uuid) {
        if let Some(workspace) = self.inner.presence.remove_local(socket) {
            self.announce(socket, workspace);
        }
    }

    /// Sends the workspace's presence to local sockets and, on PostgreSQL, the changed
    /// sockets' notes to the other processes: once per `PRESENCE_EVERY`, with every
    /// change made meanwhile.
    fn announce(&self, socket: Uuid, workspace: Uuid) {
        let first = {
            let mut due = lock(&self.inner.presence_due);
            let first = !due.contains_key(&workspace);
            due.entry(workspace).or_default().insert(socket);
            first
        };
        if !first {
            return;
        }
        let hub = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(PRESENCE_EVERY).await;
            let changed = lock(&hub.inner.presence_due)
                .remove(&workspace)
                .unwrap_or_default();
            hub.broadcast_presence(workspace);
            if crate::is_postgres(&hub.inner.db) {
                for socket in changed {
                    let note = hub.inner.presence.note_for(socket, workspace);
                    listen::notify_presence(hub.inner.db.clone(), note).await;
                }
            }
        });
    }

    fn broadcast_presence(&self, workspace: Uuid) {
        let viewers = self.inner.presence.viewers(workspace);
        if let Some(feed) = lock(&self.inner.feeds).get(&workspace) {
            let _ = feed.sender.send(Delivery {
                wire: wire(&ServerMessage::Presence { viewers }),
                about: About::Everyone,
            });
        }
    }

    /// Marks a workspace as having news and wakes the pump.
    fn touch(&self, workspace: Uuid) {
        lock(&self.inner.dirty).insert(workspace);
        self.inner.wake.notify_one();
    }

    /// After a lost notification stream: every followed workspace may have news.
    fn touch_all(&self) {
        let followed: Vec<Uuid> = lock(&self.inner.feeds).keys().copied().collect();
        lock(&self.inner.dirty).extend(followed);
        self.inner.wake.notify_one();
    }

    /// In-process commits: the bus says which workspace changed.
    async fn follow_bus(self, mut bus: broadcast::Receiver<domain::event::Event>) {
        loop {
            match bus.recv().await {
                Ok(event) => self.touch(event.workspace_id.0),
                Err(broadcast::error::RecvError::Lagged(_)) => self.touch_all(),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    async fn pump(self) {
        loop {
            self.inner.wake.notified().await;
            let dirty: Vec<Uuid> = lock(&self.inner.dirty).drain().collect();
            for workspace in dirty {
                if let Err(error) = self.deliver(workspace).await {
                    tracing::warn!(?error, "live feed could not read the event log; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    self.touch(workspace);
                }
            }
        }
    }

    /// Sends a workspace's new events into its feed, in id order, until caught up.
    async fn deliver(&self, workspace: Uuid) -> Result<(), AppError> {
        loop {
            let cursor = {
                let mut feeds = lock(&self.inner.feeds);
                match feeds.get(&workspace) {
                    Some(feed) if feed.sender.receiver_count() > 0 => feed.cursor,
                    Some(_) => {
                        // Nobody listens any more: forget the feed (and its buffer).
                        feeds.remove(&workspace);
                        return Ok(());
                    }
                    None => return Ok(()),
                }
            };
            let events = live_events(&self.inner.db, workspace, cursor, BATCH).await?;
            let caught_up = (events.len() as u64) < BATCH;
            let mut feeds = lock(&self.inner.feeds);
            let Some(feed) = feeds.get_mut(&workspace) else {
                return Ok(());
            };
            for (event, about) in events {
                if event.id <= feed.cursor {
                    continue;
                }
                feed.cursor = event.id;
                if about == About::Nobody {
                    continue;
                }
                let _ = feed.sender.send(Delivery {
                    wire: wire(&ServerMessage::Event(Box::new(event))),
                    about,
                });
            }
            if caught_up {
                return Ok(());
            }
        }
    }

    /// Sockets connected to this process, for the benchmark's memory report.
    pub fn sockets(&self) -> usize {
        lock(&self.inner.feeds)
            .values()
            .map(|feed| feed.sender.receiver_count())
            .sum()
    }
}

/// The newest event id of a workspace (0 when it has none).
pub(crate) async fn head_of(db: &DatabaseConnection, workspace: Uuid) -> Result<i64, AppError> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::WorkspaceId.eq(workspace))
        .order_by_desc(event::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await
        .or_internal()?
        .unwrap_or(0))
}

/// A workspace's events after `after`, oldest first, with the actors' names and whose
/// record each is about.
async fn live_events(
    db: &DatabaseConnection,
    workspace: Uuid,
    after: i64,
    limit: u64,
) -> Result<Vec<(LiveEvent, About)>, AppError> {
    let rows = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(workspace))
        .filter(event::Column::Id.gt(after))
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .or_internal()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let actors: HashSet<Uuid> = rows.iter().filter_map(|row| row.actor_id).collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actors))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let events = rows
        .into_iter()
        .map(|row| {
            let event = crate::event_log::from_row(row)?;
            Ok(LiveEvent {
                id: event.id,
                kind: event.kind(),
                actor_name: event.actor.and_then(|a| names.get(&a.0).cloned()),
                actor: event.actor,
                subject: event.subject,
                gist: Gist::of(&event.payload),
                at: event.at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let owners = Owners::of(db, &events).await?;
    Ok(events
        .into_iter()
        .map(|event| {
            let about = owners.about(&event);
            (event, about)
        })
        .collect())
}

/// The owned record an event is about: a deal or lead, or the deal an activity is on,
/// or the deal or lead a note is on.
fn owned_record(event: &LiveEvent) -> Option<Subject> {
    match event.subject {
        Subject::Deal(_) | Subject::Lead(_) => Some(event.subject),
        Subject::Activity(_) => event.gist.deal.map(Subject::Deal),
        Subject::Note(_) => event
            .gist
            .record
            .filter(|r| matches!(r, Subject::Deal(_) | Subject::Lead(_))),
        _ => None,
    }
}

/// Each record's current owner, in one query (none for no ids).
async fn owners_of<E: EntityTrait>(
    db: &DatabaseConnection,
    ids: HashSet<Uuid>,
    (id, owner): (E::Column, E::Column),
) -> Result<impl Iterator<Item = (Uuid, Option<Uuid>)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new().into_iter());
    }
    let rows: Vec<(Uuid, Option<Uuid>)> = E::find()
        .select_only()
        .column(id)
        .column(owner)
        .filter(id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    Ok(rows.into_iter())
}

/// The current owners of the deals and leads a batch of events is about: two lookups
/// per batch, whatever its size.
struct Owners(HashMap<Subject, Option<Uuid>>);

impl Owners {
    async fn of(db: &DatabaseConnection, events: &[LiveEvent]) -> Result<Owners, AppError> {
        let (mut deals, mut leads) = (HashSet::new(), HashSet::new());
        for record in events.iter().filter_map(owned_record) {
            match record {
                Subject::Deal(id) => deals.insert(id),
                Subject::Lead(id) => leads.insert(id),
                _ => false,
            };
        }
        let mut owners = HashMap::new();
        let deals = owners_of::<deal::Entity>(db, deals, (deal::Column::Id, deal::Column::OwnerId));
        owners.extend(deals.await?.map(|(id, o)| (Subject::Deal(id), o)));
        let leads = owners_of::<lead::Entity>(db, leads, (lead::Column::Id, lead::Column::OwnerId));
        owners.extend(leads.await?.map(|(id, o)| (Subject::Lead(id), o)));
        Ok(Owners(owners))
    }

    fn about(&self, event: &LiveEvent) -> About {
        if event.kind.only_audited() {
            return About::Nobody;
        }
        let Some(record) = owned_record(event) else {
            return About::Everyone;
        };
        match self.0.get(&record) {
            Some(Some(owner)) => About::OwnedBy(*owner),
            Some(None) => About::Everyone,
            None => About::Gone,
        }
    }
}
