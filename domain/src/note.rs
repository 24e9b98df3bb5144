//! Notes: free text on a deal, contact, company or lead. Written in Markdown; shown as HTML the
//! server renders with raw HTML and script links neutralised.

use crate::{
    ids::{CompanyId, ContactId, DealId},
    validation::FieldErrors,
};
use serde::{Deserialize, Serialize};

/// Characters in one note: a long call write-up fits, a pasted document does not.
pub const NOTE_MAX: usize = 20_000;

/// The record a note, timeline or activity belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordRef {
    Deal(DealId),
    Contact(ContactId),
    Company(CompanyId),
    Lead(uuid::Uuid),
}

impl RecordRef {
    /// The event-log subject of the record, e.g. `deal:<uuid>`.
    pub fn subject(self) -> String {
        match self {
            RecordRef::Deal(id) => format!("deal:{}", id.0),
            RecordRef::Contact(id) => format!("contact:{}", id.0),
            RecordRef::Company(id) => format!("company:{}", id.0),
            RecordRef::Lead(id) => format!("lead:{id}"),
        }
    }
}

/// A note as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    pub on: RecordRef,
    pub body: String,
}

impl NewNote {
    /// The trimmed body, or what is wrong with it.
    ///
    /// # Errors
    /// An empty or too-long body.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let body = self.body.trim();
        let mut errors = FieldErrors::default();
        if body.is_empty() {
            errors.add("body", "Write something first.");
        } else if body.chars().count() > NOTE_MAX {
            errors.add(
                "body",
                format!(
                    "A note holds at most {NOTE_MAX} characters; this one has {}. Attach long documents instead.",
                    body.chars().count()
                ),
            );
        }
        if errors.is_empty() {
            Ok(body.to_owned())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn note(body: &str) -> NewNote {
        NewNote {
            on: RecordRef::Deal(DealId(Uuid::nil())),
            body: body.into(),
        }
    }

    #[test]
    fn a_note_is_trimmed_and_must_hold_something() {
        assert_eq!(
            note("  Met the CFO \n").validate().as_deref(),
            Ok("Met the CFO")
        );
        assert!(note(" \n ").validate().is_err());
    }

    #[test]
    fn a_megabyte_note_is_refused_with_its_size() {
        let errors = note(&"x".repeat(1_000_000)).validate().unwrap_err();
        assert!(errors.0[0].message.contains("1000000"));
    }
}
