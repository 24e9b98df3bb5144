//! Undo and field-by-field merging, both read from the deal's events.
//!
//! Each deal event keeps, as its `before`, a [`DealBefore`]: the stage and status the deal
//! had and the edits that would restore the fields it changed. Undo applies that
//! snapshot as a new event. Merging reads the `changed` lists of the events written since
//! the version a client was based on.

use crate::{db::OrInternal, entity::deal, entity::event};
use domain::{
    account::CurrentUser,
    deal::{ContactRole, DealChange},
    event::{payload::DealBefore, Subject},
    ids::{CompanyId, ContactId},
    UserId,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// How long after a change its author may still undo it. The browser offers 30 seconds;
/// the server allows a little more so a click at 29.9 s is not lost to latency.
pub const UNDO_WINDOW_SECS: i64 = 35;

/// Fields whose edits are per item (add this contact, tick that box) and so merge with
/// any other edit, including another person's edit of another item.
const ITEM_FIELDS: [&str; 2] = ["contact", "checklist"];

/// Events read per query while looking back through a deal's history.
const PAGE: u64 = 50;

/// The deal before `edits` are applied to it (and its contacts): enough to put it back.
pub(super) fn snapshot(
    row: &deal::Model,
    contacts: &[(Uuid, ContactRole)],
    edits: &[DealChange],
) -> DealBefore {
    let mut restore: Vec<DealChange> = edits
        .iter()
        .filter_map(|edit| restoring(row, contacts, edit))
        .collect();
    // Undo in reverse, so a field edited twice gets its first value back.
    restore.reverse();
    DealBefore {
        stage: row.stage_id,
        status: row.status,
        lost_reason: row.lost_reason.clone(),
        closed_at: row.closed_at,
        stage_entered_at: row.stage_entered_at,
        restore,
    }
}

/// The edit that puts back what `edit` is about to change.
fn restoring(
    row: &deal::Model,
    contacts: &[(Uuid, ContactRole)],
    edit: &DealChange,
) -> Option<DealChange> {
    let role_of = |id: ContactId| {
        contacts
            .iter()
            .find(|(contact, _)| *contact == id.0)
            .map(|(_, role)| *role)
    };
    Some(match edit {
        DealChange::Title(_) => DealChange::Title(row.title.clone()),
        DealChange::Value(_) => DealChange::Value(Decimal::new(row.value_cents, 2).to_string()),
        DealChange::Currency(_) => DealChange::Currency(row.currency.to_string()),
        DealChange::ExpectedCloseOn(_) => DealChange::ExpectedCloseOn(
            row.expected_close_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        DealChange::Owner(_) => DealChange::Owner(row.owner_id.map(UserId)),
        DealChange::Company(_) => DealChange::Company(row.company_id.map(CompanyId)),
        DealChange::Source(_) => DealChange::Source(row.source.clone().unwrap_or_default()),
        DealChange::NextStep(_) => DealChange::NextStep(row.next_step.clone().unwrap_or_default()),
        DealChange::Tags(_) => DealChange::Tags(row.tags.0.join(", ")),
        DealChange::AddContact(id, _) => match role_of(*id) {
            Some(role) => DealChange::AddContact(*id, role),
            None => DealChange::RemoveContact(*id),
        },
        DealChange::RemoveContact(id) => DealChange::AddContact(*id, role_of(*id)?),
        DealChange::Check(item, _) => DealChange::Check(item.clone(), row.checked.0.contains(item)),
    })
}

/// What was changed, and by whom, in the events after `version` of a deal.
pub(super) struct ChangedSince {
    /// Each field an event touched, with that event's author.
    touched: Vec<(String, Option<Uuid>)>,
}

impl ChangedSince {
    /// The fields changed since, each once, newest change first.
    pub fn fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        for (field, _) in &self.touched {
            if !fields.contains(field) {
                fields.push(field.clone());
            }
        }
        fields
    }

    /// Who changed any of `fields` (everyone who changed anything when it is empty).
    pub fn actors_of(&self, fields: &[String]) -> Vec<Uuid> {
        let mut actors: Vec<Uuid> = Vec::new();
        for (field, actor) in &self.touched {
            if fields.is_empty() || fields.contains(field) {
                if let Some(actor) = actor.filter(|a| !actors.contains(a)) {
                    actors.push(actor);
                }
            }
        }
        actors
    }

    /// The fields both this change and the ones since touched: a real conflict.
    pub fn overlap(&self, mine: &[&str]) -> Vec<String> {
        // A stage move and a close both decide where the deal stands.
        let place = |field: &str| if field == "status" { "stage" } else { field }.to_owned();
        let mine: Vec<String> = mine.iter().map(|m| place(m)).collect();
        self.fields()
            .into_iter()
            .filter(|f| !ITEM_FIELDS.contains(&f.as_str()) && mine.contains(&place(f)))
            .collect()
    }
}

/// Reads the events written to a deal after `version`.
pub(super) async fn changed_since<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    deal_id: Uuid,
    version: i32,
) -> Result<ChangedSince, domain::AppError> {
    let mut since = ChangedSince {
        touched: Vec::new(),
    };
    // Newest first, a page at a time: usually the first page reaches the client's
    // version, so a deal with a long history is not read whole on every stale write.
    let mut before_id = i64::MAX;
    loop {
        let page = event::Entity::find()
            .filter(event::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(event::Column::Subject.eq(Subject::Deal(deal_id)))
            .filter(event::Column::Id.lt(before_id))
            .order_by_desc(event::Column::Id)
            .limit(PAGE)
            .all(conn)
            .await
            .or_internal()?;
        let last_page = (page.len() as u64) < PAGE;
        for entry in page {
            before_id = entry.id;
            let entry = crate::event_log::from_row(entry)?;
            // Reviews and other notes about the deal change none of its fields.
            let Some(after) = entry.payload.deal_after() else {
                continue;
            };
            if after.version <= version {
                return Ok(since);
            }
            for field in &after.changed {
                since
                    .touched
                    .push((field.clone(), entry.actor.map(|a| a.0)));
            }
        }
        if last_page {
            return Ok(since);
        }
    }
}

/// The contacts on a deal with their role keys, for a snapshot of `edits`; none are
/// read when no edit touches a contact (a plain stage move).
pub(super) async fn contacts_of<C: ConnectionTrait>(
    conn: &C,
    deal_id: Uuid,
    edits: &[DealChange],
) -> Result<Vec<(Uuid, ContactRole)>, domain::AppError> {
    use crate::entity::deal_contact;
    let touches_contacts = edits.iter().any(|edit| {
        matches!(
            edit,
            DealChange::AddContact(..) | DealChange::RemoveContact(_)
        )
    });
    if !touches_contacts {
        return Ok(Vec::new());
    }
    Ok(deal_contact::Entity::find()
        .filter(deal_contact::Column::DealId.eq(deal_id))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|c| (c.contact_id, c.role))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_and_closes_collide_but_other_fields_merge() {
        let since = ChangedSince {
            touched: ["value", "status", "contact"]
                .map(|f| (f.to_owned(), None))
                .to_vec(),
        };
        assert!(since.overlap(&["title", "next_step"]).is_empty());
        assert_eq!(since.overlap(&["value"]), vec!["value".to_owned()]);
        assert_eq!(since.overlap(&["stage"]), vec!["status".to_owned()]);
        assert!(
            since.overlap(&["contact"]).is_empty(),
            "contacts merge per item"
        );
    }
}
