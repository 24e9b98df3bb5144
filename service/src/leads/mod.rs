//! The shared lead inbox: capture (with dedupe and round-robin), triage and the views.

mod capture;
mod convert;
mod rotation;

pub use capture::CaptureBy;

use crate::{
    db::{names_by_id, require_version, OrInternal},
    entity::{lead, user},
    event_log::{append, Change},
    members::active_member,
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::{
    account::CurrentUser,
    event::{Event, EventKind},
    lead::{
        InboxCounts, InboxView, Lead, LeadSource, LeadStatus, Qualification, ScoreWeights,
        FIRST_RESPONSE_MINUTES,
    },
    AppError, UserId, WorkspaceId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use serde_json::json;
use uuid::Uuid;

/// Leads one view page shows.
pub const INBOX_PAGE: u64 = 50;
/// Longest disqualification reason.
const REASON_MAX: usize = 200;

pub(crate) async fn lead_event<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
    actor: Option<UserId>,
    kind: EventKind,
    row: &lead::Model,
) -> Result<Event, AppError> {
    append(
        conn,
        Change {
            workspace_id: workspace,
            actor,
            kind,
            subject: format!("lead:{}", row.id),
            before: None,
            after: Some(json!({
                "version": row.version,
                "title": row.name.clone().or_else(|| row.email.clone()).or_else(|| row.company.clone()),
                "status": row.status,
                "assignee": row.owner_id,
                "source": row.source,
                "submissions": row.submissions,
            })),
        },
    )
    .await
}

fn open_keys() -> Vec<&'static str> {
    [LeadStatus::New, LeadStatus::Working, LeadStatus::Qualified]
        .iter()
        .map(|s| s.key())
        .collect()
}

/// The leads a view shows, for a workspace and viewer, at `now`.
fn view_query(viewer: &CurrentUser, view: InboxView, now: DateTime<Utc>) -> Select<lead::Entity> {
    let query = lead::Entity::find().filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0));
    match view {
        InboxView::Unassigned => query
            .filter(lead::Column::Status.eq(LeadStatus::New.key()))
            .filter(lead::Column::OwnerId.is_null()),
        InboxView::Mine => query
            .filter(lead::Column::OwnerId.eq(viewer.user_id.0))
            .filter(lead::Column::Status.is_in(open_keys())),
        InboxView::Qualified => query.filter(lead::Column::Status.eq(LeadStatus::Qualified.key())),
        InboxView::ResponseOverdue => query
            .filter(lead::Column::Status.eq(LeadStatus::New.key()))
            .filter(lead::Column::FirstResponseAt.is_null())
            .filter(lead::Column::CreatedAt.lt(now - Duration::minutes(FIRST_RESPONSE_MINUTES))),
        InboxView::Disqualified => {
            query.filter(lead::Column::Status.eq(LeadStatus::Disqualified.key()))
        }
    }
}

impl Crm {
    /// One page of an inbox view, oldest waiting first (first come, first served).
    ///
    /// # Errors
    /// Database failure.
    pub async fn inbox(
        &self,
        viewer: &CurrentUser,
        view: InboxView,
        page: u64,
    ) -> Result<Vec<Lead>, AppError> {
        let now = Utc::now();
        let rows = view_query(viewer, view, now)
            .order_by_asc(lead::Column::CreatedAt)
            .order_by_asc(lead::Column::Id)
            .offset(page * INBOX_PAGE)
            .limit(INBOX_PAGE)
            .all(&self.db)
            .await
            .or_internal()?;
        shape(&self.db, rows, now).await
    }

    /// How many leads each view holds.
    ///
    /// # Errors
    /// Database failure.
    pub async fn inbox_counts(&self, viewer: &CurrentUser) -> Result<InboxCounts, AppError> {
        let now = Utc::now();
        let count = |view| view_query(viewer, view, now).count(&self.db);
        Ok(InboxCounts {
            unassigned: count(InboxView::Unassigned).await.or_internal()?,
            mine: count(InboxView::Mine).await.or_internal()?,
            qualified: count(InboxView::Qualified).await.or_internal()?,
            response_overdue: count(InboxView::ResponseOverdue).await.or_internal()?,
            disqualified: count(InboxView::Disqualified).await.or_internal()?,
        })
    }

    /// Hands a lead to a member (or back to the queue with `None`).
    ///
    /// # Errors
    /// `Validation` for an inactive or foreign member; `Conflict` when stale.
    pub async fn assign_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        owner: Option<UserId>,
    ) -> Result<Lead, AppError> {
        let txn = self.begin_write().await?;
        let mut row = locked(&txn, viewer, id, version).await?;
        if let Some(owner) = owner {
            active_member(&txn, viewer, owner, "owner").await?;
        }
        row.owner_id = owner.map(|o| o.0);
        self.save_lead(txn, viewer, row, EventKind::LeadAssigned)
            .await
    }

    /// Records the need / budget / authority / timeline answers and the score they
    /// give; a lead with answers is qualified.
    ///
    /// # Errors
    /// `Validation` for a closed lead or notes over 1,000 characters; `Conflict` when stale.
    pub async fn qualify_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        answers: Qualification,
    ) -> Result<Lead, AppError> {
        let notes = [
            &answers.need.1,
            &answers.budget.1,
            &answers.authority.1,
            &answers.timeline.1,
        ];
        if notes.iter().any(|note| note.chars().count() > 1000) {
            return Err(AppError::invalid(
                "qualification",
                "Keep each note under 1,000 characters.",
            ));
        }
        let txn = self.begin_write().await?;
        let mut row = locked(&txn, viewer, id, version).await?;
        still_open(&row)?;
        row.score = i32::from(answers.score(ScoreWeights::default()));
        row.qualification = serde_json::to_string(&answers).map_err(|_| AppError::Internal)?;
        row.status = LeadStatus::Qualified.key().to_owned();
        self.save_lead(txn, viewer, row, EventKind::LeadQualified)
            .await
    }

    /// Takes a lead out of the queue with a reason ("No budget", "Student", "Spam").
    ///
    /// # Errors
    /// `Validation` for a missing reason or a closed lead; `Conflict` when stale.
    pub async fn disqualify_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        reason: String,
    ) -> Result<Lead, AppError> {
        let reason = reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > REASON_MAX {
            return Err(AppError::invalid(
                "reason",
                format!("Say why, in at most {REASON_MAX} characters."),
            ));
        }
        let txn = self.begin_write().await?;
        let mut row = locked(&txn, viewer, id, version).await?;
        still_open(&row)?;
        row.status = LeadStatus::Disqualified.key().to_owned();
        row.disqualify_reason = Some(reason);
        self.save_lead(txn, viewer, row, EventKind::LeadDisqualified)
            .await
    }

    /// Any triage step is a response: it stops the first-response clock.
    async fn save_lead(
        &self,
        txn: sea_orm::DatabaseTransaction,
        viewer: &CurrentUser,
        mut row: lead::Model,
        kind: EventKind,
    ) -> Result<Lead, AppError> {
        let now = Utc::now();
        if row.status == LeadStatus::New.key() && kind != EventKind::LeadAssigned {
            row.status = LeadStatus::Working.key().to_owned();
        }
        if kind != EventKind::LeadAssigned {
            row.first_response_at = row.first_response_at.or(Some(now));
        }
        row.updated_at = now;
        row.version += 1;
        let row = lead::ActiveModel::from(row)
            .reset_all()
            .update(&txn)
            .await
            .or_internal()?;
        let event = lead_event(&txn, viewer.workspace_id, Some(viewer.user_id), kind, &row).await?;
        let shown = shape(&txn, vec![row], now)
            .await?
            .pop()
            .ok_or(AppError::Internal)?;
        self.commit_and_publish(txn, vec![event]).await?;
        Ok(shown)
    }
}

fn still_open(row: &lead::Model) -> Result<(), AppError> {
    match LeadStatus::parse(&row.status) {
        Some(status) if status.is_open() => Ok(()),
        _ => Err(AppError::invalid(
            "status",
            "This lead is closed: it was disqualified or converted.",
        )),
    }
}

async fn locked<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    id: Uuid,
    version: i32,
) -> Result<lead::Model, AppError> {
    let row = lead::Entity::find_by_id(id)
        .filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .lock_exclusive()
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)?;
    require_version(row.version, version, "lead")?;
    Ok(row)
}

async fn shape<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<lead::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<Lead>, AppError> {
    let owners = names_by_id::<user::Entity, _>(
        conn,
        user::Column::Id,
        rows.iter().filter_map(|r| r.owner_id),
        |u| (u.id, u.name),
    )
    .await?;
    let target = Duration::minutes(FIRST_RESPONSE_MINUTES);
    Ok(rows
        .into_iter()
        .map(|row| {
            let status = LeadStatus::parse(&row.status).unwrap_or(LeadStatus::New);
            Lead {
                id: row.id,
                version: row.version,
                response_overdue: status == LeadStatus::New
                    && row.first_response_at.is_none()
                    && now - row.created_at > target,
                status,
                source: LeadSource::parse(&row.source).unwrap_or(LeadSource::Other),
                owner: row
                    .owner_id
                    .and_then(|id| Some((UserId(id), owners.get(&id)?.clone()))),
                name: row.name,
                email: row.email,
                phone: row.phone,
                company: row.company,
                campaign: row.campaign,
                score: u8::try_from(row.score.clamp(0, 100)).unwrap_or(0),
                submissions: u32::try_from(row.submissions.max(0)).unwrap_or(0),
                created_at: row.created_at,
                first_response_at: row.first_response_at,
            }
        })
        .collect())
}
