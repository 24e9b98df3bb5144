//! Loading deals and stages inside the viewer's workspace, and turning rows into the
//! shapes the browser reads.

use crate::permissions::{permit_on, visible};
use crate::{
    db::OrInternal,
    entity::{company, deal, deal_contact, stage, user},
};
use chrono::{DateTime, Utc};
use domain::deal::DealStatus;
use domain::permission::Action;
use domain::{
    account::CurrentUser,
    board::{DealCard, NextActivity, StageInfo},
    deal::{is_rotting, ContactRole, DealFacts, EntryCriteria},
    ids::{DealId, StageId},
    AppError, UserId,
};
use sea_orm::{
    sea_query::{Query, SelectStatement, UnionType},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A deal of the viewer's workspace; another workspace's id is simply not found.
pub(crate) async fn load_deal<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    id: DealId,
) -> Result<deal::Model, AppError> {
    in_workspace(viewer, id)
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)
}

fn in_workspace(viewer: &CurrentUser, id: DealId) -> sea_orm::Select<deal::Entity> {
    // A deal the viewer may not see is not found, as another workspace's is.
    visible(
        deal::Entity::find_by_id(id.0).filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0)),
        viewer,
        deal::Column::OwnerId,
    )
}

/// A deal about to be written, locked on PostgreSQL until the transaction ends, so two
/// writers queue and the second sees the first one's version (SQLite writes are serial).
pub(crate) async fn lock_deal<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    id: DealId,
    action: Action,
) -> Result<deal::Model, AppError> {
    let row = in_workspace(viewer, id)
        .lock_exclusive()
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)?;
    permit_on(conn, viewer, action, row.owner_id).await?;
    Ok(row)
}

/// A stage of the viewer's workspace.
pub(crate) async fn load_stage<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    id: StageId,
) -> Result<stage::Model, AppError> {
    stage::Entity::find_by_id(id.0)
        .filter(stage::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)
}

/// A pipeline's stages in board order.
pub(crate) async fn stages_of<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    pipeline_id: Uuid,
) -> Result<Vec<stage::Model>, AppError> {
    stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .filter(stage::Column::PipelineId.eq(pipeline_id))
        .order_by_asc(stage::Column::Position)
        .all(conn)
        .await
        .or_internal()
}

pub(crate) fn stage_info(row: &stage::Model) -> StageInfo {
    StageInfo {
        id: StageId(row.id),
        name: row.name.clone(),
        probability: u8::try_from(row.probability.clamp(0, 100)).unwrap_or(0),
        rotting_days: u16::try_from(row.rotting_days.max(0)).unwrap_or(u16::MAX),
        criteria: EntryCriteria {
            fields: row.entry_fields.0.clone(),
            checklist: row.checklist.0.clone(),
        },
    }
}

/// Contacts on each deal: how many and whether one decides.
#[derive(Default, Clone, Copy)]
pub(crate) struct ContactFacts {
    pub contacts: u32,
    pub decision_maker: bool,
}

pub(crate) async fn contact_facts<C: ConnectionTrait>(
    conn: &C,
    deal_ids: &[Uuid],
) -> Result<HashMap<Uuid, ContactFacts>, AppError> {
    let rows = deal_contact::Entity::find()
        .filter(deal_contact::Column::DealId.is_in(deal_ids.iter().copied()))
        .all(conn)
        .await
        .or_internal()?;
    let mut facts: HashMap<Uuid, ContactFacts> = HashMap::new();
    for row in &rows {
        facts.entry(row.deal_id).or_default().tally(row);
    }
    Ok(facts)
}

impl ContactFacts {
    fn tally(&mut self, link: &deal_contact::Model) {
        self.contacts += 1;
        self.decision_maker |= link.role == ContactRole::DecisionMaker;
    }

    /// The facts of one deal from its contact links, when they are loaded already.
    pub(crate) fn of(links: &[deal_contact::Model]) -> Self {
        let mut facts = Self::default();
        for link in links {
            facts.tally(link);
        }
        facts
    }
}

pub(crate) fn facts_of(row: &deal::Model, contacts: ContactFacts) -> DealFacts {
    DealFacts {
        value_cents: row.value_cents,
        expected_close_on: row.expected_close_on,
        has_company: row.company_id.is_some(),
        contacts: contacts.contacts,
        has_decision_maker: contacts.decision_maker,
        has_owner: row.owner_id.is_some(),
        has_source: row.source.is_some(),
        has_next_step: row.next_step.is_some(),
        checked: row.checked.0.clone(),
    }
}

impl From<&DealFacts> for ContactFacts {
    fn from(facts: &DealFacts) -> Self {
        ContactFacts {
            contacts: facts.contacts,
            decision_maker: facts.has_decision_maker,
        }
    }
}

/// Builds cards for a page of deals with three lookups, whatever the page size.
pub(crate) async fn cards<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<deal::Model>,
    rotting_days: &HashMap<Uuid, u16>,
    now: DateTime<Utc>,
) -> Result<Vec<DealCard>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
    let contacts = contact_facts(conn, &ids).await?;
    cards_with(conn, rows, &contacts, rotting_days, now).await
}

/// Builds cards when their deals' contact facts are known (a write just read them).
/// `rows` is not empty: [`cards`] answers an empty page without asking.
pub(crate) async fn cards_with<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<deal::Model>,
    contacts: &HashMap<Uuid, ContactFacts>,
    rotting_days: &HashMap<Uuid, u16>,
    now: DateTime<Utc>,
) -> Result<Vec<DealCard>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
    let company_ids: Vec<Uuid> = rows.iter().filter_map(|d| d.company_id).collect();
    let owner_ids: Vec<Uuid> = rows.iter().filter_map(|d| d.owner_id).collect();
    let names = names_of(conn, company_ids, owner_ids).await?;
    let next = next_activities(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let facts = facts_of(&row, contacts.get(&row.id).copied().unwrap_or_default());
            // Only real work counts: a stage change or a completed activity, not an edit.
            let touched = row
                .touched_at
                .map_or(row.stage_entered_at, |t| t.max(row.stage_entered_at));
            let untouched = (now - touched).num_days();
            let allowance = rotting_days.get(&row.stage_id).copied().unwrap_or(0);
            DealCard {
                id: DealId(row.id),
                version: row.version,
                company: row.company_id.and_then(|id| names.get(&id).cloned()),
                owner: row.owner_id.and_then(|id| names.get(&id).cloned()),
                owner_id: row.owner_id.map(UserId),
                value_cents: row.value_cents,
                currency: row.currency,
                days_in_stage: (now - row.stage_entered_at).num_days().max(0),
                rotting: row.status == DealStatus::Open && is_rotting(untouched, allowance),
                tags: row.tags.0,
                next_step: row.next_step,
                next_activity: next.get(&row.id).cloned(),
                title: row.title,
                facts,
            }
        })
        .collect())
}

/// The rows of every query in `parts`, in order, as one statement (UNION ALL); `None`
/// for no parts. One statement is one round trip instead of one per part.
pub(crate) fn union_all(
    parts: impl IntoIterator<Item = SelectStatement>,
) -> Option<SelectStatement> {
    let mut parts = parts.into_iter();
    let mut all = parts.next()?;
    for part in parts {
        all.union(UnionType::All, part);
    }
    Some(all)
}

/// An id and the name it shows as.
#[derive(FromQueryResult)]
struct Named {
    id: Uuid,
    name: String,
}

/// The names of companies and members by id, in one statement (UNION ALL): ids are
/// UUIDs, unique across both tables. Skipped when there are none to look up: after a
/// write every statement is a round trip on SQLite's one writer.
pub(crate) async fn names_of<C: ConnectionTrait>(
    conn: &C,
    companies: Vec<Uuid>,
    members: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, AppError> {
    let parts = [
        named_by_id::<company::Entity>(company::Column::Id, company::Column::Name, companies),
        named_by_id::<user::Entity>(user::Column::Id, user::Column::Name, members),
    ];
    let Some(all) = union_all(parts.into_iter().flatten()) else {
        return Ok(HashMap::new());
    };
    let statement = conn.get_database_backend().build(&all);
    Ok(Named::find_by_statement(statement)
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect())
}

/// `id` and `name` of the rows of `E` with these ids; `None` when there are no ids.
fn named_by_id<E: EntityTrait>(
    id: E::Column,
    name: E::Column,
    ids: Vec<Uuid>,
) -> Option<SelectStatement> {
    (!ids.is_empty()).then(|| {
        Query::select()
            .columns([id, name])
            .from(E::default().table_ref())
            .and_where(id.is_in(ids))
            .to_owned()
    })
}

/// The earliest open activity of each deal, in one query.
async fn next_activities<C: ConnectionTrait>(
    conn: &C,
    deals: &[Uuid],
) -> Result<HashMap<Uuid, NextActivity>, AppError> {
    use crate::entity::activity;
    let mut next: HashMap<Uuid, NextActivity> = HashMap::new();
    let open = activity::Entity::find()
        .filter(activity::Column::DealId.is_in(deals.iter().copied()))
        .filter(activity::Column::Done.eq(false))
        .order_by_asc(activity::Column::DueAt)
        .all(conn)
        .await
        .or_internal()?;
    for row in open {
        let Some(deal) = row.deal_id else { continue };
        next.entry(deal).or_insert_with(|| NextActivity {
            kind: row.kind,
            subject: row.subject,
            due_at: row.due_at,
        });
    }
    Ok(next)
}
