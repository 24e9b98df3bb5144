//! The live channel's messages, shared by the server socket and the browser.
//!
//! The server sends committed events in id order; the client remembers the last id it
//! saw and asks for everything after it when it reconnects. Presence is ephemeral and
//! never enters the event log.

use crate::{
    event::{EventKind, Payload, Subject},
    ids::UserId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    Event(Box<LiveEvent>),
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
    pub subject: Subject,
    pub actor: Option<UserId>,
    pub actor_name: Option<String>,
    pub gist: Gist,
    pub at: DateTime<Utc>,
}

/// What the browser reads of an event's payload, drawn from it on the server: a small
/// fixed shape, so the bundle carries no JSON tree and no payload types.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gist {
    /// The record's name: a deal's or activity's title, a lead's name, a pipeline's.
    pub title: Option<String>,
    pub stage_name: Option<String>,
    /// The record's version after the change (deals, leads, activities).
    pub version: Option<i64>,
    pub undo_of: Option<i64>,
    /// Deals imported.
    pub deals: Option<u64>,
    /// Deal fields the change touched.
    pub changed: Vec<String>,
    /// The record a note is on.
    pub record: Option<Subject>,
    /// The deal an activity belongs to.
    pub deal: Option<Uuid>,
    pub deal_title: Option<String>,
    pub assignee: Option<Uuid>,
    pub pipeline: Option<Uuid>,
}

impl Gist {
    /// What the browser needs of `payload`.
    pub fn of(payload: &Payload) -> Gist {
        if let Some(after) = payload.deal_after() {
            return Gist {
                title: Some(after.title.clone()),
                stage_name: after.stage_name.clone(),
                version: Some(i64::from(after.version)),
                undo_of: after.undo_of,
                changed: after.changed.clone(),
                pipeline: Some(after.pipeline),
                ..Gist::default()
            };
        }
        if let Some(after) = payload.lead_after() {
            return Gist {
                title: after.title.clone(),
                version: Some(i64::from(after.version)),
                assignee: after.assignee,
                ..Gist::default()
            };
        }
        if let Some(after) = payload.activity_after() {
            return Gist {
                title: Some(after.title.clone()),
                version: Some(i64::from(after.version)),
                deal: after.deal,
                assignee: after.assignee,
                ..Gist::default()
            };
        }
        match payload {
            Payload::ActivityDue((), due) => Gist {
                title: Some(due.title.clone()),
                deal: due.deal,
                deal_title: due.deal_title.clone(),
                assignee: due.assignee,
                ..Gist::default()
            },
            Payload::NoteAdded((), note) => Gist {
                title: Some(note.title.clone()),
                record: Some(note.record),
                ..Gist::default()
            },
            Payload::DealsImported((), import) => Gist {
                title: Some(import.title.clone()),
                deals: Some(import.deals),
                pipeline: Some(import.pipeline),
                ..Gist::default()
            },
            Payload::ReviewStarted((), review) => Gist {
                title: Some(review.title.clone()),
                ..Gist::default()
            },
            Payload::DealReviewed((), review) => Gist {
                title: Some(review.title.clone()),
                ..Gist::default()
            },
            Payload::FollowUpPlanChanged((), plan) => Gist {
                title: plan.title.clone(),
                ..Gist::default()
            },
            _ => Gist::default(),
        }
    }
}

impl LiveEvent {
    /// The deal this event is about, if any.
    pub fn deal(&self) -> Option<uuid::Uuid> {
        self.subject.deal()
    }

    /// One short sentence for the change note: "Dana moved Acme renewal to Proposal".
    pub fn describe(&self) -> String {
        let who = self.actor_name.as_deref().unwrap_or("Someone");
        let gist = &self.gist;
        let title = gist.title.as_deref().unwrap_or("a deal");
        let stage = gist.stage_name.as_deref().unwrap_or("another stage");
        let undone = if gist.undo_of.is_some() {
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
                let deals = gist.deals.unwrap_or(0);
                format!("imported {deals} deals into {title}")
            }
            EventKind::DealUpdated => {
                let fields = gist
                    .changed
                    .iter()
                    .map(|f| f.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ");
                let fields = if fields.is_empty() {
                    "details".to_owned()
                } else {
                    fields
                };
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

    fn moved(gist: Gist) -> LiveEvent {
        LiveEvent {
            id: 7,
            kind: EventKind::DealMoved,
            subject: Subject::Deal(uuid::Uuid::nil()),
            actor: None,
            actor_name: Some("Dana".into()),
            gist,
            at: Utc::now(),
        }
    }

    #[test]
    fn describes_a_move_with_names() {
        let event = moved(Gist {
            title: Some("Acme renewal".into()),
            stage_name: Some("Proposal".into()),
            ..Gist::default()
        });
        assert_eq!(event.describe(), "Dana moved Acme renewal to Proposal");
        assert_eq!(event.deal(), Some(uuid::Uuid::nil()));
    }

    #[test]
    fn describes_edits_by_field_and_marks_undo() {
        let mut event = moved(Gist {
            title: Some("Acme".into()),
            changed: vec!["value".into(), "next_step".into()],
            undo_of: Some(3),
            ..Gist::default()
        });
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
