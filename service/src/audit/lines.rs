//! Log rows as the lines an admin reads: who, what, which record (named as it was then),
//! each field before → after, from where.

use crate::{
    db::OrInternal,
    entity::{event, user},
    timeline::{
        events::{entry, label, stages_moved_from, text},
        names_of, stage_names,
    },
};
use domain::{
    audit::{AuditLine, AuditRecord, RecordKind},
    event::{payload::Record, Event, Payload, Subject},
    timeline::{Entry, FieldChange},
    AppError,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// Fields shown per line at most, and characters per value: a line, not a dump.
const CHANGES_MAX: usize = 12;
const VALUE_MAX: usize = 120;

/// Lines for `rows`, in their order, with two queries for all the names they need.
pub(super) async fn render(
    db: &DatabaseConnection,
    rows: Vec<event::Model>,
) -> Result<Vec<AuditLine>, AppError> {
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let (origin, address) = (row.origin, row.address.clone());
        events.push((crate::event_log::from_row(row)?, origin, address));
    }
    let people = events.iter().flat_map(|(event, ..)| {
        let member = match event.subject {
            Subject::Member(id) => Some(id),
            _ => None,
        };
        event.actor.map(|a| a.0).into_iter().chain(member)
    });
    let names = names_of(db, people.collect()).await?;
    let all: Vec<Event> = events.iter().map(|(event, ..)| event.clone()).collect();
    let stages = stage_names(db, stages_moved_from(&all)).await?;
    Ok(events
        .into_iter()
        .map(|(event, origin, address)| AuditLine {
            id: event.id,
            at: event.at,
            person: event.actor.and_then(|a| names.get(&a.0).cloned()),
            action: event.kind(),
            record: AuditRecord {
                subject: event.subject,
                name: record_name(&event, &names),
                href: href(event.subject),
            },
            changes: shorten(changes(&event, &stages)),
            origin,
            address,
        })
        .collect())
}

/// The workspace's members by name, for the person filter.
pub(super) async fn people(
    db: &DatabaseConnection,
    workspace: Uuid,
) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::WorkspaceId.eq(workspace))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

fn href(subject: Subject) -> Option<String> {
    let base = match subject {
        Subject::Deal(_) => "/deals",
        Subject::Lead(_) => "/inbox",
        Subject::Company(_) => "/companies",
        Subject::Contact(_) => "/contacts",
        _ => return None,
    };
    Some(format!("{base}/{}", subject.id()))
}

/// The record's name as the event recorded it, so a line still reads after the record
/// is renamed or gone.
fn record_name(event: &Event, names: &HashMap<Uuid, String>) -> String {
    named_in_payload(&event.payload)
        .or_else(|| match event.subject {
            Subject::Member(id) => names.get(&id).cloned(),
            Subject::Workspace(_) => Some("Workspace".to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| {
            let id = event.subject.id().simple().to_string();
            let kind = RecordKind::of(event.subject).label();
            format!("{kind} {}", id.get(..8).unwrap_or_default())
        })
}

fn named_in_payload(payload: &Payload) -> Option<String> {
    if let Some(after) = payload.deal_after() {
        return Some(after.title.clone());
    }
    if let Some(after) = payload.lead_after() {
        return after.title.clone();
    }
    if let Some(after) = payload.activity_after() {
        return Some(after.title.clone());
    }
    match payload {
        Payload::NoteAdded((), note) => Some(format!("Note on {}", note.title)),
        Payload::ActivityDue((), due) => Some(due.title.clone()),
        Payload::DealsImported((), import) => Some(import.title.clone()),
        Payload::ReviewStarted((), review) => Some(review.title.clone()),
        Payload::DealReviewed((), review) => Some(review.title.clone()),
        Payload::FollowUpPlanChanged((), plan) => plan.title.clone(),
        Payload::CompanySaved(_, record) | Payload::ContactSaved(_, record) => name_in(record),
        Payload::GoalChanged(before, after) | Payload::SalesTeamsChanged(before, after) => {
            after.as_ref().or(before.as_ref()).and_then(name_in)
        }
        Payload::MemberInvited((), invite) | Payload::InviteRevoked(invite, ()) => {
            Some(invite.email.clone())
        }
        Payload::MemberJoined((), joined) => Some(joined.name.clone()),
        Payload::WorkspaceCreated((), created) => Some(created.name.clone()),
        _ => None,
    }
}

fn name_in(record: &Record) -> Option<String> {
    match record.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => Some(name.clone()),
        _ => None,
    }
}

/// Each field before → after: the timeline's reading for deals, leads and records, the
/// logged sides key by key for the rest.
fn changes(event: &Event, stages: &HashMap<Uuid, String>) -> Vec<FieldChange> {
    let change = |label: &str, before: &str, after: &str| FieldChange {
        label: label.to_owned(),
        before: before.to_owned(),
        after: after.to_owned(),
    };
    match entry(event, stages) {
        Some(Entry::Moved { from, to }) => {
            vec![change(
                "Stage",
                from.as_deref().unwrap_or(FieldChange::EMPTY),
                &to,
            )]
        }
        Some(Entry::Created { title }) => vec![change("Title", FieldChange::EMPTY, &title)],
        Some(Entry::Won) => vec![change("Status", "open", "won")],
        Some(Entry::Lost { reason }) => vec![
            change("Status", "open", "lost"),
            change(
                "Lost reason",
                FieldChange::EMPTY,
                reason.as_deref().unwrap_or(FieldChange::EMPTY),
            ),
        ],
        Some(Entry::Reopened) => vec![change("Status", "closed", "open")],
        Some(Entry::Fields { changes }) => changes,
        Some(Entry::Reviewed { comment }) => {
            vec![change("Review comment", FieldChange::EMPTY, &comment)]
        }
        Some(Entry::Changed { what }) => vec![change("Change", FieldChange::EMPTY, &what)],
        Some(Entry::Note { .. } | Entry::Activity { .. }) | None => sides(&event.payload),
    }
}

/// The two logged sides compared key by key (ids and versions left out).
fn sides(payload: &Payload) -> Vec<FieldChange> {
    let (before, after) = payload.columns();
    let object = |side: Option<Value>| match side {
        Some(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (before, after) = (object(before), object(after));
    let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::HashSet::new();
    keys.into_iter()
        .filter(|key| seen.insert(key.as_str()))
        .filter(|key| !key.ends_with("_id") && key.as_str() != "version")
        .filter(|key| before.get(key.as_str()) != after.get(key.as_str()))
        .map(|key| FieldChange {
            label: label(key),
            before: text(before.get(key.as_str())),
            after: text(after.get(key.as_str())),
        })
        .collect()
}

fn shorten(mut changes: Vec<FieldChange>) -> Vec<FieldChange> {
    changes.truncate(CHANGES_MAX);
    for change in &mut changes {
        for value in [&mut change.before, &mut change.after] {
            if value.chars().count() > VALUE_MAX {
                *value = value.chars().take(VALUE_MAX).chain(['…']).collect();
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{
        event::payload::{RoleHeld, SignInAttempt},
        Role,
    };

    #[test]
    fn a_role_change_reads_as_before_and_after() {
        let payload = Payload::MemberRoleChanged(
            RoleHeld { role: Role::Rep },
            RoleHeld {
                role: Role::Manager,
            },
        );
        let lines = sides(&payload);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (
                lines[0].label.as_str(),
                lines[0].before.as_str(),
                lines[0].after.as_str()
            ),
            ("Role", "rep", "manager")
        );
        let signed_in = sides(&Payload::SignedIn(
            (),
            SignInAttempt {
                device: "Chrome on Linux".into(),
            },
        ));
        assert_eq!(signed_in[0].after, "Chrome on Linux");
        assert_eq!(signed_in[0].before, "—");
    }
}
