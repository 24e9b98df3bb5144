//! Notes: free text on a deal, contact, company or lead. Written in Markdown; shown as HTML the
//! server renders with raw HTML and script links neutralised.

use crate::{
    ids::{CompanyId, ContactId, DealId},
    validation::FieldErrors,
};
use serde::{Deserialize, Serialize};

/// Characters in one note: a long call write-up fits, a pasted document does not.
pub const NOTE_MAX: usize = 20_000;
/// Deepest nesting of quotes and list items one line of a note may open: deeper
/// structure is no longer read by anyone, only rendered.
pub const NESTING_MAX: usize = 16;

/// The deepest nesting of quotes and list items any line of `body` opens with its
/// leading markers (`>`, `-`, `*`, `+`, `1.`, `1)`), as Markdown reads them.
pub fn nesting_depth(body: &str) -> usize {
    body.lines().map(line_depth).max().unwrap_or(0)
}

fn line_depth(line: &str) -> usize {
    // A thematic break (`- - -`, `* * *`) is a rule, not lists in lists.
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    if let Some(first) = marks.next() {
        if matches!(first, '-' | '*' | '_') && marks.all(|c| c == first) {
            return 0;
        }
    }
    let mut rest = line.trim_start();
    let mut depth = 0;
    while let Some(after) = strip_marker(rest) {
        depth += 1;
        rest = after.trim_start();
    }
    depth
}

/// The text after one block marker at the start of `text`, if it starts with one.
fn strip_marker(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_prefix('>') {
        return Some(rest);
    }
    let spaced = |rest: &str| rest.starts_with(char::is_whitespace);
    if let Some(rest) = text.strip_prefix(['-', '*', '+']) {
        return spaced(rest).then_some(rest);
    }
    // An ordered item: one to nine digits, then `.` or `)`.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    let rest = text
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix(['.', ')'])?;
    spaced(rest).then_some(rest)
}

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
    pub fn subject(self) -> crate::event::Subject {
        use crate::event::Subject;
        match self {
            RecordRef::Deal(id) => Subject::Deal(id.0),
            RecordRef::Contact(id) => Subject::Contact(id.0),
            RecordRef::Company(id) => Subject::Company(id.0),
            RecordRef::Lead(id) => Subject::Lead(id),
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
        } else if nesting_depth(body) > NESTING_MAX {
            errors.add(
                "body",
                format!("Nest quotes and lists at most {NESTING_MAX} levels deep."),
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

    #[test]
    fn nesting_is_read_from_each_lines_leading_markers() {
        assert_eq!(nesting_depth("Met the CFO.\n\n- budget\n- timing"), 1);
        assert_eq!(nesting_depth("> > - 1. deep"), 4);
        assert_eq!(nesting_depth(">>>"), 3);
        assert_eq!(nesting_depth("- - - - - - -"), 0, "a thematic break");
        assert_eq!(nesting_depth("* * * x"), 3);
        assert_eq!(nesting_depth("2024. was a good year"), 1);
        assert_eq!(nesting_depth("1234567890. not a list"), 0);
        assert_eq!(nesting_depth("-not a list, +1, 3.5"), 0);
    }

    #[test]
    fn nesting_deeper_than_the_bound_is_refused() {
        let deepest = format!("{} text", "> ".repeat(NESTING_MAX));
        assert!(
            note(&deepest).validate().is_ok(),
            "the limit itself is accepted"
        );
        let errors = note(&">".repeat(NOTE_MAX)).validate().unwrap_err();
        assert_eq!(
            errors.for_field("body"),
            Some("Nest quotes and lists at most 16 levels deep.")
        );
        let lists = format!("{}item", "- ".repeat(NESTING_MAX + 1));
        assert!(note(&lists).validate().is_err());
    }
}
