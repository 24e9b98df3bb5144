//! The live channel's messages, shared by the server socket and the browser.
//!
//! The server sends committed events in id order; the client remembers the last id it
//! saw and asks for everything after it when it reconnects. Presence is ephemeral and
//! never enters the event log.

use crate::{event::EventKind, ids::UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many missed events a reconnecting client is replayed before it is told to reload
/// its view instead: past this, one fresh load is cheaper than patching event by event.
pub const REPLAY_LIMIT: u64 = 500;

/// Longest client message the server reads; anything bigger closes that socket.
pub const CLIENT_MESSAGE_MAX: usize = 512;

/// From the server to one browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The socket is live; `head` is the newest event id it has delivered or skipped.
    Hello { head: i64 },
    /// One committed change.
    Event(LiveEvent),
    /// The client fell too far behind (or its buffer overflowed): reload the view.
    Resync { head: i64 },
    /// Everyone connected to the workspace and what they are looking at.
    Presence { viewers: Vec<Viewer> },
}

/// A committed event as the browser sees it: enough to patch a view and say who did it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: i64,
    pub kind: EventKind,
    /// The record, e.g. `deal:<uuid>`.
    pub subject: String,
    pub actor: Option<UserId>,
    pub actor_name: Option<String>,
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

impl LiveEvent {
    /// The deal this event is about, if any.
    pub fn deal(&self) -> Option<uuid::Uuid> {
        self.subject
            .strip_prefix("deal:")
            .and_then(|id| uuid::Uuid::parse_str(id).ok())
    }

    /// A string field of the event's `after`, e.g. `title` or `stage_name`.
    pub fn after_str(&self, key: &str) -> Option<&str> {
        self.after.as_ref()?.get(key)?.as_str()
    }

    /// An integer field of the event's `after`, e.g. `version`.
    pub fn after_i64(&self, key: &str) -> Option<i64> {
        self.after.as_ref()?.get(key)?.as_i64()
    }

    /// One short sentence for the change note: "Dana moved Acme renewal to Proposal".
    pub fn describe(&self) -> String {
        let who = self.actor_name.as_deref().unwrap_or("Someone");
        let title = self.after_str("title").unwrap_or("a deal");
        let stage = self.after_str("stage_name").unwrap_or("another stage");
        let undone = if self.after_i64("undo_of").is_some() {
            " (undo)"
        } else {
            ""
        };
        let what = match self.kind {
            EventKind::DealCreated => format!("added {title}"),
            EventKind::DealMoved => format!("moved {title} to {stage}"),
            EventKind::DealWon => format!("won {title}"),
            EventKind::DealLost => format!("marked {title} lost"),
            EventKind::DealReopened => format!("reopened {title}"),
            EventKind::DealsImported => {
                let deals = self.after_i64("deals").unwrap_or(0);
                format!("imported {deals} deals into {title}")
            }
            EventKind::DealUpdated => {
                let fields = self
                    .after
                    .as_ref()
                    .and_then(|a| a.get("changed"))
                    .and_then(serde_json::Value::as_array)
                    .map(|f| {
                        f.iter()
                            .filter_map(|v| v.as_str())
                            .map(|v| v.replace('_', " "))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|f| !f.is_empty())
                    .unwrap_or_else(|| "details".to_owned());
                format!("changed {fields} of {title}")
            }
            EventKind::StagesChanged => "changed the pipeline's stages".to_owned(),
            EventKind::LostReasonsChanged => "changed the lost reasons".to_owned(),
            EventKind::CompanySaved => "saved a company".to_owned(),
            EventKind::ContactSaved => "saved a contact".to_owned(),
            EventKind::ActivityScheduled => format!("scheduled “{title}”"),
            EventKind::ActivityCompleted => format!("completed “{title}”"),
            EventKind::ActivityUpdated => format!("rescheduled or reassigned “{title}”"),
            EventKind::ActivityDue => format!("has “{title}” coming due"),
            EventKind::NoteAdded => format!("added a note to {title}"),
            EventKind::FollowUpPlanChanged => "changed a follow-up plan".to_owned(),
            _ => "changed the workspace".to_owned(),
        };
        format!("{who} {what}{undone}")
    }
}

/// Someone connected, and the page they are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: UserId,
    pub name: String,
    /// What they look at: `deal:<uuid>`, `board:<uuid>`, or `deals`.
    pub view: Option<String>,
}

/// From a browser to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ClientMessage {
    /// "I am now looking at this" (`None`: at nothing presence is shown for).
    View { view: Option<String> },
}

/// Checks a view name a client sent: only the shapes the app uses, nothing else.
pub fn valid_view(view: &str) -> bool {
    match view.split_once(':') {
        Some(("deal" | "board", id)) => uuid::Uuid::parse_str(id).is_ok(),
        None => view == "deals",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn moved(after: serde_json::Value) -> LiveEvent {
        LiveEvent {
            id: 7,
            kind: EventKind::DealMoved,
            subject: format!("deal:{}", uuid::Uuid::nil()),
            actor: None,
            actor_name: Some("Dana".into()),
            after: Some(after),
            at: Utc::now(),
        }
    }

    #[test]
    fn describes_a_move_with_names() {
        let event = moved(json!({"title": "Acme renewal", "stage_name": "Proposal"}));
        assert_eq!(event.describe(), "Dana moved Acme renewal to Proposal");
        assert_eq!(event.deal(), Some(uuid::Uuid::nil()));
    }

    #[test]
    fn describes_edits_by_field_and_marks_undo() {
        let mut event =
            moved(json!({"title": "Acme", "changed": ["value", "next_step"], "undo_of": 3}));
        event.kind = EventKind::DealUpdated;
        assert_eq!(
            event.describe(),
            "Dana changed value, next step of Acme (undo)"
        );
    }

    #[test]
    fn messages_round_trip_as_tagged_json() {
        let text = serde_json::to_string(&ServerMessage::Hello { head: 4 }).unwrap_or_default();
        assert_eq!(text, r#"{"t":"hello","head":4}"#);
        let view: ClientMessage =
            serde_json::from_str(r#"{"t":"view","view":"deals"}"#).expect("parses");
        assert_eq!(
            view,
            ClientMessage::View {
                view: Some("deals".into())
            }
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"t":"drop_tables"}"#).is_err());
    }

    #[test]
    fn only_known_view_shapes_are_valid() {
        assert!(valid_view("deals"));
        assert!(valid_view(&format!("deal:{}", uuid::Uuid::nil())));
        assert!(!valid_view("deal:../../etc"));
        assert!(!valid_view("admin"));
        assert!(!valid_view("company:1"));
    }
}
