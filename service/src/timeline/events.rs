//! Logged events as timeline lines: what a deal, contact or company went through.

use domain::{
    event::{payload::Record, Event, Payload},
    lead::LeadSource,
    timeline::{Entry, FieldChange},
};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => FieldChange::EMPTY.to_owned(),
        Some(Value::String(s)) if s.trim().is_empty() => FieldChange::EMPTY.to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub(crate) fn label(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Field-by-field difference of two logged records (contacts and companies log theirs whole).
fn diff(before: &Record, after: &Record) -> Vec<FieldChange> {
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
pub(crate) fn entry(event: &Event, stage_names: &HashMap<Uuid, String>) -> Option<Entry> {
    Some(match &event.payload {
        Payload::DealCreated((), after) => Entry::Created {
            title: after.title.clone(),
        },
        Payload::DealMoved(before, after) => Entry::Moved {
            from: before.as_ref().map(|before| {
                stage_names
                    .get(&before.stage)
                    .cloned()
                    .unwrap_or_else(|| "a removed stage".to_owned())
            }),
            to: after
                .stage_name
                .clone()
                .unwrap_or_else(|| "another stage".to_owned()),
        },
        Payload::DealWon(..) => Entry::Won,
        Payload::DealLost(_, after) => Entry::Lost {
            reason: after.lost_reason.clone(),
        },
        Payload::DealReopened(..) => Entry::Reopened,
        Payload::DealReviewed((), review) => Entry::Reviewed {
            comment: review.comment.clone(),
        },
        Payload::DealUpdated(_, after) if after.fields.is_empty() => {
            let what = after
                .changed
                .iter()
                .map(|f| f.replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ");
            Entry::Changed {
                what: if what.is_empty() {
                    "details".to_owned()
                } else {
                    what
                },
            }
        }
        Payload::DealUpdated(_, after) => Entry::Fields {
            changes: after.fields.clone(),
        },
        Payload::ContactSaved(None, after) | Payload::CompanySaved(None, after) => Entry::Created {
            title: text(after.get("name")),
        },
        Payload::ContactSaved(Some(before), after) | Payload::CompanySaved(Some(before), after) => {
            let changes = diff(before, after);
            if changes.is_empty() {
                return None;
            }
            Entry::Fields { changes }
        }
        payload => Entry::Changed {
            what: lead_change(payload)?,
        },
    })
}

/// What a lead event did, as a timeline line.
fn lead_change(payload: &Payload) -> Option<String> {
    let after = payload.lead_after()?;
    Some(match payload {
        Payload::LeadCaptured(..) => format!(
            "Captured from {}",
            LeadSource::parse(&after.source).map_or("a form", LeadSource::label)
        ),
        Payload::LeadMerged(..) => {
            "Sent again: the new submission was merged into this lead".to_owned()
        }
        Payload::LeadAssigned(..) => match &after.owner_name {
            Some(name) => format!("Assigned to {name}"),
            None => "Put back in the queue, unassigned".to_owned(),
        },
        Payload::LeadQualified(..) => {
            format!("{}, score {}", after.status.label(), after.score)
        }
        Payload::LeadDisqualified(..) => format!(
            "Disqualified: {}",
            after.reason.as_deref().unwrap_or("no reason given")
        ),
        Payload::LeadConverted(..) => "Converted into a deal".to_owned(),
        Payload::LeadSnoozed(..) => match after.snoozed_until {
            Some(until) => format!("Snoozed until {}", until.date_naive()),
            None => "Woken from snooze".to_owned(),
        },
        _ => return None,
    })
}

/// Stage ids a page of deal events moved from, to name them in one query.
pub(crate) fn stages_moved_from(events: &[Event]) -> Vec<Uuid> {
    events
        .iter()
        .filter_map(|event| event.payload.deal_before())
        .map(|before| before.stage)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::event::payload::record;
    use serde_json::json;

    #[test]
    fn a_saved_contact_shows_only_what_changed() {
        let before =
            record(&json!({"name": "Ana", "phone": null, "title": "CFO", "company_id": "x"}));
        let after =
            record(&json!({"name": "Ana", "phone": "+1 555", "title": "CEO", "company_id": "y"}));
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert!(changes.contains(&FieldChange {
            label: "Phone".into(),
            before: "—".into(),
            after: "+1 555".into()
        }));
    }
}
