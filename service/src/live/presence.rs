//! Who is looking at what, right now. Kept in memory only: presence is worthless a minute
//! later, so it never touches the event log. Other processes' sockets arrive as notes
//! over PostgreSQL and expire unless their process keeps repeating them.

use super::lock;
use domain::{account::CurrentUser, live::Viewer};
use serde::{Deserialize, Serialize};
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// How long another process's viewer counts without being repeated.
pub(super) const REMOTE_TTL: Duration = Duration::from_secs(60);

/// Most viewers sent per workspace: presence is a hint, not a member list.
const VIEWERS_MAX: usize = 100;

/// One socket's viewer, tagged with its workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    workspace: Uuid,
    viewer: Viewer,
}

/// What one process tells the others about one of its sockets (`viewer: None`: gone).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Note {
    pub process: Uuid,
    pub socket: Uuid,
    pub workspace: Uuid,
    pub viewer: Option<Viewer>,
}

/// Presence of this process's sockets and, on PostgreSQL, of the other processes'.
pub struct Presence {
    process: Uuid,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    local: HashMap<Uuid, Entry>,
    remote: HashMap<Uuid, (Entry, Instant)>,
}

impl Presence {
    pub(super) fn new() -> Self {
        Presence {
            process: Uuid::new_v4(),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records what a local socket shows; true when that changed anything.
    pub(super) fn set_local(&self, socket: Uuid, who: &CurrentUser, view: Option<String>) -> bool {
        let entry = Entry {
            workspace: who.workspace_id.0,
            viewer: Viewer {
                user: who.user_id,
                name: who.name.clone(),
                view,
            },
        };
        let mut seen = lock(&self.seen);
        seen.local.insert(socket, entry.clone()) != Some(entry)
    }

    /// Forgets a closed socket; returns its workspace.
    pub(super) fn remove_local(&self, socket: Uuid) -> Option<Uuid> {
        lock(&self.seen)
            .local
            .remove(&socket)
            .map(|entry| entry.workspace)
    }

    /// The note other processes need about one local socket.
    pub(super) fn note_for(&self, socket: Uuid, workspace: Uuid) -> Note {
        let viewer = lock(&self.seen)
            .local
            .get(&socket)
            .map(|entry| entry.viewer.clone());
        Note {
            process: self.process,
            socket,
            workspace,
            viewer,
        }
    }

    /// Notes for every local socket: the heartbeat that keeps them alive elsewhere.
    pub(super) fn local_notes(&self) -> Vec<Note> {
        lock(&self.seen)
            .local
            .iter()
            .map(|(socket, entry)| Note {
                process: self.process,
                socket: *socket,
                workspace: entry.workspace,
                viewer: Some(entry.viewer.clone()),
            })
            .collect()
    }

    /// Takes in another process's note; returns the workspace when what it shows changed.
    pub(super) fn apply_remote(&self, note: Note) -> Option<Uuid> {
        if note.process == self.process {
            return None;
        }
        let mut seen = lock(&self.seen);
        match note.viewer {
            Some(viewer) => {
                let entry = Entry {
                    workspace: note.workspace,
                    viewer,
                };
                let before = seen
                    .remote
                    .insert(note.socket, (entry.clone(), Instant::now()));
                (before.map(|(e, _)| e) != Some(entry)).then_some(note.workspace)
            }
            None => seen
                .remote
                .remove(&note.socket)
                .map(|(entry, _)| entry.workspace),
        }
    }

    /// Drops remote viewers not repeated within the TTL; returns the workspaces affected.
    pub(super) fn expire(&self, now: Instant) -> Vec<Uuid> {
        let mut seen = lock(&self.seen);
        let mut affected = Vec::new();
        seen.remote.retain(|_, (entry, at)| {
            let alive = now.duration_since(*at) < REMOTE_TTL;
            if !alive && !affected.contains(&entry.workspace) {
                affected.push(entry.workspace);
            }
            alive
        });
        affected
    }

    /// Everyone connected to a workspace, one line per person and view, by name.
    pub(super) fn viewers(&self, workspace: Uuid) -> Vec<Viewer> {
        let seen = lock(&self.seen);
        let mut viewers: Vec<Viewer> = seen
            .local
            .values()
            .chain(seen.remote.values().map(|(entry, _)| entry))
            .filter(|entry| entry.workspace == workspace)
            .map(|entry| entry.viewer.clone())
            .collect();
        viewers.sort_by(|a, b| (&a.name, a.user, &a.view).cmp(&(&b.name, b.user, &b.view)));
        viewers.dedup();
        viewers.truncate(VIEWERS_MAX);
        viewers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Role, UserId, WorkspaceId};

    fn person(name: &str, workspace: Uuid) -> CurrentUser {
        CurrentUser {
            user_id: UserId(Uuid::new_v4()),
            workspace_id: WorkspaceId(workspace),
            workspace_name: "Acme".into(),
            name: name.into(),
            email: format!("{name}@acme.test"),
            role: Role::Rep,
            sees: Default::default(),
        }
    }

    #[test]
    fn viewers_are_per_workspace_and_leave_with_their_socket() {
        let presence = Presence::new();
        let (acme, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (dana, sam) = (person("Dana", acme), person("Sam", other));
        let socket = Uuid::new_v4();
        assert!(presence.set_local(socket, &dana, Some("deals".into())));
        assert!(!presence.set_local(socket, &dana, Some("deals".into())));
        presence.set_local(Uuid::new_v4(), &sam, Some("deals".into()));
        let seen = presence.viewers(acme);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].name, "Dana");
        assert_eq!(presence.remove_local(socket), Some(acme));
        assert!(presence.viewers(acme).is_empty());
    }

    #[test]
    fn remote_notes_count_until_they_expire_and_own_notes_are_ignored() {
        let presence = Presence::new();
        let acme = Uuid::new_v4();
        let dana = person("Dana", acme);
        let mut note = Note {
            process: Uuid::new_v4(),
            socket: Uuid::new_v4(),
            workspace: acme,
            viewer: Some(Viewer {
                user: dana.user_id,
                name: "Dana".into(),
                view: None,
            }),
        };
        assert_eq!(presence.apply_remote(note.clone()), Some(acme));
        assert_eq!(presence.viewers(acme).len(), 1);
        assert!(presence.expire(Instant::now()).is_empty());
        let later = Instant::now() + REMOTE_TTL + Duration::from_secs(1);
        assert_eq!(presence.expire(later), vec![acme]);
        assert!(presence.viewers(acme).is_empty());
        note.process = presence.process;
        assert_eq!(presence.apply_remote(note), None);
    }
}
