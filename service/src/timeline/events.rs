//! Logged events as timeline lines: what a deal, contact or company went through.

use crate::entity::event;
use domain::{
    event::EventKind,
    lead::{LeadSource, LeadStatus},
    timeline::{Entry, FieldChange},
};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) if s.trim().is_empty() => "—".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn label(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Field-by-field difference of two logged records (contacts and companies log theirs whole).
fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let Some(after) = after.as_object() else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(key, value)| before.get(key.as_str()) != Some(value))
        .filter(|(key, _)| !key.ends_with("_id") && key.as_str() != "version")
        .map(|(key, value)| FieldChange {
            label: label(key),
            before: text(before.get(key.as_str())),
            after: text(Some(value)),
        })
        .collect()
}

/// The timeline entry for one event, or `None` for events a timeline does not show.
pub(super) fn entry(row: &event::Model, stage_names: &HashMap<Uuid, String>) -> Option<Entry> {
    let after = row.after.as_ref();
    let get = |key: &str| after.and_then(|a| a.get(key)).and_then(Value::as_str);
    Some(match row.kind {
        EventKind::DealCreated => Entry::Created {
            title: get("title").unwrap_or("the deal").to_owned(),
        },
        EventKind::DealMoved => {
            let from = row
                .before
                .as_ref()
                .and_then(|b| b.get("stage"))
                .and_then(Value::as_str)
                .and_then(|id| Uuid::parse_str(id).ok())
                .map(|id| {
                    stage_names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| "a removed stage".to_owned())
                });
            Entry::Moved {
                from,
                to: get("stage_name").unwrap_or("another stage").to_owned(),
            }
        }
        EventKind::DealWon => Entry::Won,
        EventKind::DealLost => Entry::Lost {
            reason: get("lost_reason").map(str::to_owned),
        },
        EventKind::DealReopened => Entry::Reopened,
        EventKind::DealReviewed => Entry::Reviewed {
            comment: get("comment").unwrap_or_default().to_owned(),
        },
        EventKind::DealUpdated => {
            let changes: Vec<FieldChange> = after
                .and_then(|a| a.get("fields"))
                .and_then(|f| serde_json::from_value(f.clone()).ok())
                .unwrap_or_default();
            if changes.is_empty() {
                let what = after
                    .and_then(|a| a.get("changed"))
                    .and_then(Value::as_array)
                    .map(|fields| {
                        fields
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|f| f.replace('_', " "))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|what| !what.is_empty())
                    .unwrap_or_else(|| "details".to_owned());
                Entry::Changed { what }
            } else {
                Entry::Fields { changes }
            }
        }
        EventKind::ContactSaved | EventKind::CompanySaved => match (&row.before, after) {
            (None, Some(after)) => Entry::Created {
                title: text(after.get("name")),
            },
            (Some(before), Some(after)) => {
                let changes = diff(before, after);
                if changes.is_empty() {
                    return None;
                }
                Entry::Fields { changes }
            }
            _ => return None,
        },
        kind => Entry::Changed {
            what: lead_change(kind, after)?,
        },
    })
}

/// What a lead event did, as a timeline line.
fn lead_change(kind: EventKind, after: Option<&Value>) -> Option<String> {
    let get = |key: &str| after.and_then(|a| a.get(key)).and_then(Value::as_str);
    let score = after.and_then(|a| a.get("score")).and_then(Value::as_i64);
    let status = get("status")
        .and_then(LeadStatus::parse)
        .map_or("Qualified", LeadStatus::label);
    Some(match kind {
        EventKind::LeadCaptured => format!(
            "Captured from {}",
            get("source")
                .and_then(LeadSource::parse)
                .map_or("a form", LeadSource::label)
        ),
        EventKind::LeadMerged => {
            "Sent again: the new submission was merged into this lead".to_owned()
        }
        EventKind::LeadAssigned => match get("owner_name") {
            Some(name) => format!("Assigned to {name}"),
            None => "Put back in the queue, unassigned".to_owned(),
        },
        EventKind::LeadQualified => format!("{status}, score {}", score.unwrap_or(0)),
        EventKind::LeadDisqualified => {
            format!(
                "Disqualified: {}",
                get("reason").unwrap_or("no reason given")
            )
        }
        EventKind::LeadConverted => "Converted into a deal".to_owned(),
        EventKind::LeadSnoozed => match get("snoozed_until") {
            Some(until) => format!("Snoozed until {}", until.get(..10).unwrap_or(until)),
            None => "Woken from snooze".to_owned(),
        },
        _ => return None,
    })
}

/// Stage ids a page of deal events moved from, to name them in one query.
pub(super) fn stages_moved_from(rows: &[event::Model]) -> Vec<Uuid> {
    rows.iter()
        .filter_map(|row| row.before.as_ref()?.get("stage")?.as_str())
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_saved_contact_shows_only_what_changed() {
        let before = json!({"name": "Ana", "phone": null, "title": "CFO", "company_id": "x"});
        let after = json!({"name": "Ana", "phone": "+1 555", "title": "CEO", "company_id": "y"});
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert!(changes.contains(&FieldChange {
            label: "Phone".into(),
            before: "—".into(),
            after: "+1 555".into()
        }));
    }
}
