//! One timeline per deal, contact and company: completed activities, notes and logged
//! changes merged newest first, a page at a time.
//!
//! Each source is read newest first from its own index, only as far as one page past the
//! cursor, so a deal with thousands of events costs the same as one with ten.

pub(crate) mod events;

use crate::{
    db::{names_by_id, OrInternal},
    entity::{activity, event, note, stage, user},
    notes::{note_item, record_title},
    Crm,
};
use domain::{
    account::CurrentUser,
    note::RecordRef,
    timeline::{merge_page, Entry, TimelineCursor, TimelineItem, TimelinePage, TIMELINE_PAGE},
    AppError,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Rows read per source: a page, one to know there is more, and room for rows that
/// share the cursor's instant.
const READ: u64 = TIMELINE_PAGE as u64 + 8;

impl Crm {
    /// A page of a record's timeline, newest first; `after` is the previous page's `next`.
    ///
    /// # Errors
    /// `NotFound` for a record outside the viewer's workspace.
    pub async fn timeline(
        &self,
        viewer: &CurrentUser,
        of: RecordRef,
        after: Option<TimelineCursor>,
    ) -> Result<TimelinePage, AppError> {
        let Some(cursor) = &after else {
            // The first page is what every record page opens with; later pages are
            // asked for rarely, each by its own cursor, and read as they come.
            let key = (viewer.clone(), of);
            return self
                .kept_or(&self.kept.timelines, viewer.workspace_id, key, async |_| {
                    self.read_timeline(viewer, of, None).await
                })
                .await;
        };
        cursor.check()?;
        self.read_timeline(viewer, of, after).await
    }

    /// A page of the timeline as the database has it now.
    async fn read_timeline(
        &self,
        viewer: &CurrentUser,
        of: RecordRef,
        after: Option<TimelineCursor>,
    ) -> Result<TimelinePage, AppError> {
        record_title(&self.db, viewer, of).await?;
        let events = self
            .timeline_events(viewer, of, after.as_ref())
            .await?
            .into_iter()
            .map(crate::event_log::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let notes = notes_of(of, after.as_ref())
            .all(&self.db)
            .await
            .or_internal()?;
        let done = done_activities(of, after.as_ref())
            .all(&self.db)
            .await
            .or_internal()?;
        let people: HashSet<Uuid> = events
            .iter()
            .filter_map(|e| e.actor.map(|a| a.0))
            .chain(notes.iter().filter_map(|n| n.author_id))
            .chain(done.iter().filter_map(|a| a.assignee_id))
            .collect();
        let names = names_of(&self.db, people).await?;
        let name = |id: Option<Uuid>| id.and_then(|id| names.get(&id).cloned());
        let stage_names = stage_names(&self.db, events::stages_moved_from(&events)).await?;
        let event_items = events
            .iter()
            .filter_map(|row| {
                Some(TimelineItem {
                    key: format!("e{:020}", row.id),
                    at: row.at,
                    who: name(row.actor.map(|a| a.0)),
                    entry: events::entry(row, &stage_names)?,
                })
            })
            .collect();
        let note_items = notes
            .iter()
            .map(|row| note_item(row, name(row.author_id)))
            .collect();
        let activity_items = done
            .into_iter()
            .filter_map(|row| {
                Some(TimelineItem {
                    key: format!("a{}", row.id),
                    at: row.done_at?,
                    who: name(row.assignee_id),
                    entry: Entry::Activity {
                        kind: row.kind,
                        subject: row.subject,
                        outcome: row.outcome,
                    },
                })
            })
            .collect();
        Ok(merge_page(
            vec![event_items, note_items, activity_items],
            after.as_ref(),
            TIMELINE_PAGE,
        ))
    }

    async fn timeline_events(
        &self,
        viewer: &CurrentUser,
        of: RecordRef,
        after: Option<&TimelineCursor>,
    ) -> Result<Vec<event::Model>, AppError> {
        let mut query = event::Entity::find()
            .filter(event::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(event::Column::Subject.eq(of.subject()));
        if let Some(cursor) = after {
            // Ids follow commit order, so the log is read backwards along its index.
            query = query.filter(event::Column::At.lte(cursor.at));
        }
        query
            .order_by_desc(event::Column::Id)
            .limit(READ)
            .all(&self.db)
            .await
            .or_internal()
    }
}

fn notes_of(of: RecordRef, after: Option<&TimelineCursor>) -> Select<note::Entity> {
    let query = match of {
        RecordRef::Deal(id) => note::Entity::find().filter(note::Column::DealId.eq(id.0)),
        RecordRef::Contact(id) => note::Entity::find().filter(note::Column::ContactId.eq(id.0)),
        RecordRef::Company(id) => note::Entity::find().filter(note::Column::CompanyId.eq(id.0)),
        RecordRef::Lead(id) => note::Entity::find().filter(note::Column::LeadId.eq(id)),
    };
    let query = match after {
        Some(cursor) => query.filter(note::Column::CreatedAt.lte(cursor.at)),
        None => query,
    };
    query.order_by_desc(note::Column::CreatedAt).limit(READ)
}

fn done_activities(of: RecordRef, after: Option<&TimelineCursor>) -> Select<activity::Entity> {
    let query = match of {
        RecordRef::Deal(id) => activity::Entity::find().filter(activity::Column::DealId.eq(id.0)),
        RecordRef::Contact(id) => {
            activity::Entity::find().filter(activity::Column::ContactId.eq(id.0))
        }
        RecordRef::Company(id) => {
            activity::Entity::find().filter(activity::Column::CompanyId.eq(id.0))
        }
        // Leads have no activities of their own: they are worked from the inbox.
        RecordRef::Lead(_) => activity::Entity::find().filter(activity::Column::Id.is_null()),
    }
    .filter(activity::Column::Done.eq(true));
    let query = match after {
        Some(cursor) => query.filter(activity::Column::DoneAt.lte(cursor.at)),
        None => query,
    };
    query.order_by_desc(activity::Column::DoneAt).limit(READ)
}

pub(crate) async fn names_of<C: ConnectionTrait>(
    conn: &C,
    ids: HashSet<Uuid>,
) -> Result<HashMap<Uuid, String>, AppError> {
    names_by_id::<user::Entity, _>(conn, user::Column::Id, ids, |u| (u.id, u.name)).await
}

pub(crate) async fn stage_names<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, AppError> {
    names_by_id::<stage::Entity, _>(conn, stage::Column::Id, ids, |s| (s.id, s.name)).await
}
