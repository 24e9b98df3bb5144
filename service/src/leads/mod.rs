//! The shared lead inbox: capture (with dedupe and round-robin), triage and the views.

mod capture;
mod convert;
mod counts;
mod detail;
mod report;
mod rotation;
mod setup;
pub(crate) mod ticket;

pub use capture::{CaptureBy, FormPost};

use crate::permissions::{permit_on, visible};
use crate::write::{Lock, Write};
use crate::{
    db::{names_by_id, require_version, OrInternal},
    entity::{lead, user},
    event_log::Change,
    members::active_member,
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::event::{payload::LeadAfter, Payload, Subject};
use domain::permission::Action;
use domain::{
    account::CurrentUser,
    event::{Event, EventKind},
    lead::{
        parse_disqualify_reason, InboxCounts, InboxPage, InboxView, Lead, LeadSource, LeadStatus,
        Qualification,
    },
    lead_rules::InboxFilter,
    AppError, Role, UserId, WorkspaceId,
};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait as _, Func, LikeExpr},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use setup::settings_of;
use uuid::Uuid;

/// Leads one view page shows.
pub const INBOX_PAGE: u64 = 50;

pub(crate) async fn lead_event(
    conn: &Write,
    workspace: WorkspaceId,
    actor: Option<UserId>,
    kind: EventKind,
    row: &lead::Model,
) -> Result<Event, AppError> {
    // Named here so timelines and live notes can say who got it.
    let owner_name = match row.owner_id {
        Some(owner) => user::Entity::find_by_id(owner)
            .one(conn)
            .await
            .or_internal()?
            .map(|u| u.name),
        None => None,
    };
    let after = LeadAfter {
        version: row.version,
        title: row
            .name
            .clone()
            .or_else(|| row.email.clone())
            .or_else(|| row.company.clone()),
        status: row.status,
        assignee: row.owner_id,
        owner_name,
        source: row.source.clone(),
        submissions: row.submissions,
        score: row.score,
        snoozed_until: row.snoozed_until,
        reason: row.disqualify_reason.clone(),
    };
    let payload = match kind {
        EventKind::LeadMerged => Payload::LeadMerged((), after),
        EventKind::LeadAssigned => Payload::LeadAssigned((), after),
        EventKind::LeadQualified => Payload::LeadQualified((), after),
        EventKind::LeadDisqualified => Payload::LeadDisqualified((), after),
        EventKind::LeadConverted => Payload::LeadConverted((), after),
        EventKind::LeadSnoozed => Payload::LeadSnoozed((), after),
        EventKind::LeadCaptured => Payload::LeadCaptured((), after),
        other => return Err(crate::event_log::not_of_its_record(other)),
    };
    conn.append(Change {
        workspace_id: workspace,
        actor,
        subject: Subject::Lead(row.id),
        payload,
    })
    .await
}

fn open_keys() -> Vec<&'static str> {
    LeadStatus::OPEN.iter().map(|s| s.key()).collect()
}

/// The leads a view shows, for a workspace and viewer, at `now`, given the workspace's
/// first-response target. Snoozed leads show only in the Snoozed view until they wake.
fn view_query(
    viewer: &CurrentUser,
    view: InboxView,
    now: DateTime<Utc>,
    target: Duration,
) -> Select<lead::Entity> {
    let query = visible(
        lead::Entity::find().filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0)),
        viewer,
        lead::Column::OwnerId,
    );
    let awake = Condition::any()
        .add(lead::Column::SnoozedUntil.is_null())
        .add(lead::Column::SnoozedUntil.lte(now));
    let query = match view {
        InboxView::Snoozed | InboxView::Disqualified => query,
        _ => query.filter(awake),
    };
    match view {
        InboxView::Unassigned => query
            .filter(lead::Column::Status.eq(LeadStatus::New.key()))
            .filter(lead::Column::OwnerId.is_null()),
        InboxView::Mine => query
            .filter(lead::Column::OwnerId.eq(viewer.user_id.0))
            .filter(lead::Column::Status.is_in(open_keys())),
        InboxView::MarketingQualified => {
            query.filter(lead::Column::Status.eq(LeadStatus::MarketingQualified.key()))
        }
        InboxView::SalesQualified => {
            query.filter(lead::Column::Status.eq(LeadStatus::Qualified.key()))
        }
        InboxView::ResponseOverdue => query
            .filter(lead::Column::Status.eq(LeadStatus::New.key()))
            .filter(lead::Column::FirstResponseAt.is_null())
            .filter(lead::Column::CreatedAt.lt(now - target)),
        InboxView::Snoozed => query
            .filter(lead::Column::Status.is_in(open_keys()))
            .filter(lead::Column::SnoozedUntil.gt(now)),
        InboxView::Disqualified => {
            query.filter(lead::Column::Status.eq(LeadStatus::Disqualified.key()))
        }
    }
}

/// Narrows a view by the inbox's search box and filters.
fn filtered(mut query: Select<lead::Entity>, filter: &InboxFilter) -> Select<lead::Entity> {
    let search = filter.search.trim().to_lowercase();
    if !search.is_empty() {
        // LIKE wildcards typed by the user are matched literally.
        let escaped = search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = LikeExpr::new(format!("%{escaped}%")).escape('\\');
        let mut any = Condition::any();
        for column in [
            lead::Column::Name,
            lead::Column::Email,
            lead::Column::Company,
            lead::Column::Phone,
        ] {
            any = any.add(Expr::expr(Func::lower(Expr::col(column))).like(pattern.clone()));
        }
        query = query.filter(any);
    }
    if let Some(source) = filter.source {
        query = query.filter(lead::Column::Source.eq(source.key()));
    }
    let campaign = filter.campaign.trim();
    if !campaign.is_empty() {
        query = query.filter(lead::Column::Campaign.eq(campaign));
    }
    if let Some(owner) = filter.owner {
        query = query.filter(lead::Column::OwnerId.eq(owner.0));
    }
    if let Some(score) = filter.min_score {
        query = query.filter(lead::Column::Score.gte(i32::from(score)));
    }
    query
}

async fn target_of<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<Duration, AppError> {
    let settings = settings_of(conn, workspace).await?;
    Ok(Duration::minutes(i64::from(
        settings.first_response_minutes,
    )))
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
        filter: &InboxFilter,
        page: u64,
    ) -> Result<Vec<Lead>, AppError> {
        filter.check()?;
        let page = domain::limits::check_page(page)?;
        let now = Utc::now();
        let target = target_of(&self.db, viewer.workspace_id).await?;
        let rows = filtered(view_query(viewer, view, now, target), filter)
            .order_by_asc(lead::Column::CreatedAt)
            .order_by_asc(lead::Column::Id)
            .offset(page.saturating_mul(INBOX_PAGE))
            .limit(INBOX_PAGE)
            .all(&self.db)
            .await
            .or_internal()?;
        shape(&self.db, rows, now, target).await
    }

    /// The inbox as it opens: a page of `view` and every view's count. Kept while
    /// nothing is written (see `fresh`): the counts scan the workspace's open leads,
    /// and sales and marketing open the inbox far more often than a lead arrives. A
    /// lead passing its response target shows as overdue up to `KEPT_FOR` late.
    ///
    /// # Errors
    /// `Validation` for a filter or page out of bounds; database failure.
    pub async fn inbox_page(
        &self,
        viewer: &CurrentUser,
        view: InboxView,
        filter: InboxFilter,
        page: u64,
    ) -> Result<InboxPage, AppError> {
        filter.check()?;
        domain::limits::check_page(page)?;
        let key = (viewer.clone(), view, filter, page);
        self.kept_or(&self.kept.inboxes, viewer.workspace_id, key, async |key| {
            Ok(InboxPage {
                leads: self.inbox(viewer, view, &key.2, page).await?,
                counts: self.inbox_counts(viewer, &key.2).await?,
            })
        })
        .await
    }

    /// How many leads each view holds.
    ///
    /// # Errors
    /// Database failure.
    pub async fn inbox_counts(
        &self,
        viewer: &CurrentUser,
        filter: &InboxFilter,
    ) -> Result<InboxCounts, AppError> {
        filter.check()?;
        let target = target_of(&self.db, viewer.workspace_id).await?;
        counts::view_counts(&self.db, viewer, filter, Utc::now(), target).await
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
        self.write(Lock::Rows, async |txn| {
            let mut row = locked(txn, viewer, (id, version), Action::WorkLead).await?;
            if let Some(owner) = owner {
                active_member(txn, viewer, owner, "owner").await?;
            }
            row.owner_id = owner.map(|o| o.0);
            save_lead(txn, viewer, row, EventKind::LeadAssigned).await
        })
        .await
    }

    /// Records the need / budget / authority / timeline answers and the score they
    /// give, weighed as the workspace weighs them. A marketer's answers make the lead
    /// marketing-qualified; anyone in sales makes it sales-qualified.
    ///
    /// # Errors
    /// `Validation` for a closed lead or a note over `QUALIFICATION_NOTE_MAX` characters;
    /// `Conflict` when stale.
    pub async fn qualify_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        answers: Qualification,
    ) -> Result<Lead, AppError> {
        answers.validate().map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let mut row = locked(txn, viewer, (id, version), Action::WorkLead).await?;
            still_open(&row)?;
            let weights = settings_of(txn, viewer.workspace_id).await?.weights;
            row.score = i32::from(answers.score(weights));
            row.qualification = serde_json::to_string(&answers).map_err(|_| AppError::Internal)?;
            let status = if viewer.role == Role::Marketer {
                // Marketing never downgrades what sales already accepted.
                if row.status == LeadStatus::Qualified {
                    LeadStatus::Qualified
                } else {
                    LeadStatus::MarketingQualified
                }
            } else {
                LeadStatus::Qualified
            };
            row.status = status;
            save_lead(txn, viewer, row, EventKind::LeadQualified).await
        })
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
        let reason = parse_disqualify_reason(&reason)
            .map_err(|message| AppError::invalid("reason", message))?;
        self.write(Lock::Rows, async |txn| {
            let mut row = locked(txn, viewer, (id, version), Action::WorkLead).await?;
            still_open(&row)?;
            row.status = LeadStatus::Disqualified;
            row.disqualify_reason = Some(reason);
            save_lead(txn, viewer, row, EventKind::LeadDisqualified).await
        })
        .await
    }

    /// Puts an open lead aside until `until` (`None` wakes it now). Snoozing is not a
    /// response: the first-response clock keeps running.
    ///
    /// # Errors
    /// `Validation` for a time in the past, over a year out, or a closed lead;
    /// `Conflict` when stale.
    pub async fn snooze_lead(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        until: Option<DateTime<Utc>>,
    ) -> Result<Lead, AppError> {
        let now = Utc::now();
        if let Some(until) = until {
            if until <= now || until > now + Duration::days(366) {
                return Err(AppError::invalid(
                    "until",
                    "Snooze until a time in the coming year.",
                ));
            }
        }
        self.write(Lock::Rows, async |txn| {
            let mut row = locked(txn, viewer, (id, version), Action::WorkLead).await?;
            still_open(&row)?;
            row.snoozed_until = until;
            save_lead(txn, viewer, row, EventKind::LeadSnoozed).await
        })
        .await
    }
}

/// Any triage step but assigning and snoozing is a response: it stops the
/// first-response clock.
async fn save_lead(
    txn: &Write,
    viewer: &CurrentUser,
    mut row: lead::Model,
    kind: EventKind,
) -> Result<Lead, AppError> {
    let now = Utc::now();
    let responds = !matches!(kind, EventKind::LeadAssigned | EventKind::LeadSnoozed);
    if row.status == LeadStatus::New && responds {
        row.status = LeadStatus::Working;
    }
    if responds {
        row.first_response_at = row.first_response_at.or(Some(now));
    }
    row.updated_at = now;
    row.version += 1;
    let row = lead::ActiveModel::from(row)
        .reset_all()
        .update(txn)
        .await
        .or_internal()?;
    lead_event(txn, viewer.workspace_id, Some(viewer.user_id), kind, &row).await?;
    let target = target_of(txn, viewer.workspace_id).await?;
    let shown = shape(txn, vec![row], now, target)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    Ok(shown)
}

fn still_open(row: &lead::Model) -> Result<(), AppError> {
    match row.status {
        status if status.is_open() => Ok(()),
        _ => Err(AppError::invalid(
            "status",
            "This lead is closed: it was disqualified or converted.",
        )),
    }
}

/// A lead of the viewer's workspace at `version`, locked, that the viewer may `action`.
async fn locked<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    (id, version): (Uuid, i32),
    action: Action,
) -> Result<lead::Model, AppError> {
    let row = visible(lead::Entity::find_by_id(id), viewer, lead::Column::OwnerId)
        .filter(lead::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .lock_exclusive()
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)?;
    permit_on(conn, viewer, action, row.owner_id).await?;
    require_version(row.version, version, "lead")?;
    Ok(row)
}

pub(crate) async fn shape<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<lead::Model>,
    now: DateTime<Utc>,
    target: Duration,
) -> Result<Vec<Lead>, AppError> {
    let owners = names_by_id::<user::Entity, _>(
        conn,
        user::Column::Id,
        rows.iter().filter_map(|r| r.owner_id),
        |u| (u.id, u.name),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let status = row.status;
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
                country: row.country,
                snoozed_until: row.snoozed_until.filter(|until| *until > now),
                score: u8::try_from(Ord::clamp(row.score, 0, 100)).unwrap_or(0),
                submissions: u32::try_from(Ord::max(row.submissions, 0)).unwrap_or(0),
                created_at: row.created_at,
                first_response_at: row.first_response_at,
            }
        })
        .collect())
}
