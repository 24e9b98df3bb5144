//! The record an event is about, stored as `kind:<uuid>` (e.g. `deal:…`).

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// What an event is about. Stored and sent as its text form, so rows written before
/// this type existed read unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Subject {
    Workspace(Uuid),
    /// A member of the workspace (`user:` in the log).
    Member(Uuid),
    Invite(Uuid),
    Pipeline(Uuid),
    Deal(Uuid),
    Lead(Uuid),
    Company(Uuid),
    Contact(Uuid),
    Activity(Uuid),
    Note(Uuid),
    Goal(Uuid),
    Team(Uuid),
}

impl Subject {
    /// The prefix before the colon, as stored.
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Workspace(_) => "workspace",
            Subject::Member(_) => "user",
            Subject::Invite(_) => "invite",
            Subject::Pipeline(_) => "pipeline",
            Subject::Deal(_) => "deal",
            Subject::Lead(_) => "lead",
            Subject::Company(_) => "company",
            Subject::Contact(_) => "contact",
            Subject::Activity(_) => "activity",
            Subject::Note(_) => "note",
            Subject::Goal(_) => "goal",
            Subject::Team(_) => "team",
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Subject::Workspace(id)
            | Subject::Member(id)
            | Subject::Invite(id)
            | Subject::Pipeline(id)
            | Subject::Deal(id)
            | Subject::Lead(id)
            | Subject::Company(id)
            | Subject::Contact(id)
            | Subject::Activity(id)
            | Subject::Note(id)
            | Subject::Goal(id)
            | Subject::Team(id) => id,
        }
    }

    /// The deal this is, if it is one.
    pub fn deal(self) -> Option<Uuid> {
        match self {
            Subject::Deal(id) => Some(id),
            _ => None,
        }
    }

    /// Reads the stored form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Subject> {
        let (kind, id) = text.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        Some(match kind {
            "workspace" => Subject::Workspace(id),
            "user" => Subject::Member(id),
            "invite" => Subject::Invite(id),
            "pipeline" => Subject::Pipeline(id),
            "deal" => Subject::Deal(id),
            "lead" => Subject::Lead(id),
            "company" => Subject::Company(id),
            "contact" => Subject::Contact(id),
            "activity" => Subject::Activity(id),
            "note" => Subject::Note(id),
            "goal" => Subject::Goal(id),
            "team" => Subject::Team(id),
            _ => return None,
        })
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.id())
    }
}

impl TryFrom<String> for Subject {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Subject::parse(&text).ok_or_else(|| "not an event subject".to_owned())
    }
}

impl From<Subject> for String {
    fn from(subject: Subject) -> String {
        subject.to_string()
    }
}

crate::stored::stored_as_key!(
    Subject,
    "event subject",
    |s: &Subject| s.to_string(),
    Subject::parse
);
