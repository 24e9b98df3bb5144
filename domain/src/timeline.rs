//! A record's timeline: activities, notes and logged changes merged, newest first, paged.

use crate::activity::ActivityKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Entries per page.
pub const TIMELINE_PAGE: usize = 25;
/// Longest cursor key: the keys the server hands out are at most 37 characters.
pub const CURSOR_KEY_MAX: usize = 64;

/// One field's change, as it read before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub label: String,
    pub before: String,
    pub after: String,
}

impl FieldChange {
    /// How a change shows an empty side.
    pub const EMPTY: &'static str = "—";

    /// False when the field was empty before (a sign-in's device, a new record's title).
    pub fn had_value(&self) -> bool {
        self.before != Self::EMPTY
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entry {
    /// `html` was rendered by the server from Markdown with raw HTML escaped.
    Note {
        html: String,
    },
    Activity {
        kind: ActivityKind,
        subject: String,
        outcome: Option<String>,
    },
    Created {
        title: String,
    },
    Moved {
        from: Option<String>,
        to: String,
    },
    Won,
    Lost {
        reason: Option<String>,
    },
    Reopened,
    Fields {
        changes: Vec<FieldChange>,
    },
    /// Marked reviewed in a pipeline review, with the reviewer's comment.
    Reviewed {
        comment: String,
    },
    /// A change without field details (older events, contacts, checklists).
    Changed {
        what: String,
    },
}

/// One line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// Unique within the timeline and ordered: `n…` notes, `e…` events, `a…` activities.
    pub key: String,
    pub at: DateTime<Utc>,
    pub who: Option<String>,
    pub entry: Entry,
}

impl TimelineItem {
    /// The one-line headline a screen reader and a phone show first.
    pub fn headline(&self) -> String {
        let who = self.who.as_deref().unwrap_or("Someone");
        match &self.entry {
            Entry::Note { .. } => format!("{who} added a note"),
            // Quick logs already say what they were ("Call: no answer").
            Entry::Activity { kind, subject, .. }
                if subject
                    .to_lowercase()
                    .starts_with(&kind.label().to_lowercase()) =>
            {
                subject.clone()
            }
            Entry::Activity { kind, subject, .. } => format!("{}: {subject}", kind.label()),
            Entry::Created { title } => format!("{who} created {title}"),
            Entry::Moved {
                from: Some(from),
                to,
            } => format!("{who} moved it from {from} to {to}"),
            Entry::Moved { from: None, to } => format!("{who} moved it to {to}"),
            Entry::Won => format!("{who} marked it won"),
            Entry::Lost {
                reason: Some(reason),
            } => format!("{who} marked it lost: {reason}"),
            Entry::Lost { reason: None } => format!("{who} marked it lost"),
            Entry::Reopened => format!("{who} reopened it"),
            Entry::Fields { changes } => {
                let labels: Vec<&str> = changes.iter().map(|c| c.label.as_str()).collect();
                format!("{who} changed {}", labels.join(", "))
            }
            Entry::Changed { what } => format!("{who} changed {what}"),
            Entry::Reviewed { .. } => format!("{who} reviewed it in the pipeline review"),
        }
    }
}

/// Where the next page starts: strictly older than (`at`, `key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineCursor {
    pub at: DateTime<Utc>,
    pub key: String,
}

impl TimelineCursor {
    /// A cursor as a request sends it back: its key no longer than any key handed out.
    ///
    /// # Errors
    /// `Validation` on `after` for an overlong key.
    pub fn check(&self) -> Result<(), crate::AppError> {
        if self.key.chars().count() > CURSOR_KEY_MAX {
            return Err(crate::AppError::invalid(
                "after",
                "That page of the timeline does not exist; reload the page.",
            ));
        }
        Ok(())
    }

    /// Whether `item` comes after the cursor, i.e. belongs on a later page.
    pub fn admits(&self, item: &TimelineItem) -> bool {
        item.at < self.at || (item.at == self.at && item.key < self.key)
    }
}

/// A page of a timeline; `next` is `None` at its beginning.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    pub next: Option<TimelineCursor>,
}

/// Merges what each source returned (each newest first, each holding at least `limit`
/// items past the cursor when it has them) into one page.
pub fn merge_page(
    sources: Vec<Vec<TimelineItem>>,
    after: Option<&TimelineCursor>,
    limit: usize,
) -> TimelinePage {
    let mut items: Vec<TimelineItem> = sources
        .into_iter()
        .flatten()
        .filter(|item| after.is_none_or(|cursor| cursor.admits(item)))
        .collect();
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.key.cmp(&a.key)));
    let more = items.len() > limit;
    items.truncate(limit);
    let next = more
        .then(|| items.last())
        .flatten()
        .map(|last| TimelineCursor {
            at: last.at,
            key: last.key.clone(),
        });
    TimelinePage { items, next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(key: &str, second: u32) -> TimelineItem {
        TimelineItem {
            key: key.into(),
            at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, second).unwrap(),
            who: None,
            entry: Entry::Won,
        }
    }

    #[test]
    fn cursor_keys_are_bounded() {
        let cursor = |key: String| TimelineCursor {
            at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
            key,
        };
        assert!(cursor("a".repeat(CURSOR_KEY_MAX)).check().is_ok());
        let refused = cursor("a".repeat(CURSOR_KEY_MAX + 1)).check().unwrap_err();
        assert_eq!(refused.status_code(), 422);
        assert_eq!(
            refused.field_message("after").as_deref(),
            Some("That page of the timeline does not exist; reload the page.")
        );
        let longest = format!("a{}", uuid::Uuid::nil());
        assert!(longest.len() <= CURSOR_KEY_MAX, "every real key fits");
    }

    #[test]
    fn sources_merge_newest_first_and_page_without_gaps_or_repeats() {
        let notes = vec![item("n2", 50), item("n1", 10)];
        let events = vec![item("e3", 40), item("e2", 10), item("e1", 5)];
        let first = merge_page(vec![notes.clone(), events.clone()], None, 3);
        let keys: Vec<_> = first.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["n2", "e3", "n1"]);
        let cursor = first.next.unwrap();
        let second = merge_page(vec![notes, events], Some(&cursor), 3);
        let keys: Vec<_> = second.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["e2", "e1"]);
        assert!(second.next.is_none());
    }
}
