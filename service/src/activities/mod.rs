//! Activities: schedule, complete, reschedule and reassign; a deal's next steps; and
//! "My day". Completing one touches its deal, which is what the rotting mark reads.

mod log;

use crate::permissions::{permit, permit_on};
use crate::write::{Lock, Write};
use crate::{
    db::{names_by_id, require_version, OrInternal},
    entity::{activity, company, contact, deal, user},
    event_log::Change,
    members::active_member,
    notes::record_title,
    Crm,
};
use chrono::{Duration, Utc};
use domain::event::{payload::ActivityAfter, Payload, Subject};
use domain::permission::Action;
use domain::{
    account::CurrentUser,
    activity::{
        check_utc_offset, due_bucket, parse_due, parse_outcome, Activity, Completed, Due,
        LocalTime, MyDay, NewActivity, ValidActivity,
    },
    event::{Event, EventKind},
    ids::{CompanyId, ContactId, DealId},
    note::RecordRef,
    AppError, Role, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use uuid::Uuid;

/// Most activities one list returns: a day's work, not an export.
const LIST_MAX: u64 = 200;

/// A change to an open activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ActivityChange {
    Reschedule(LocalTime),
    Reassign(UserId),
}

impl Crm {
    /// Schedules an activity for the viewer or a teammate.
    ///
    /// # Errors
    /// `Validation` for bad fields or links outside the workspace.
    pub async fn schedule_activity(
        &self,
        viewer: &CurrentUser,
        new: NewActivity,
    ) -> Result<Activity, AppError> {
        let valid = new.validate().map_err(AppError::Validation)?;
        permit(viewer, Action::WorkActivity)?;
        self.write(Lock::Rows, async |txn| {
            let row = insert_activity(txn, viewer, &new, valid).await?;
            activity_event(txn, viewer, EventKind::ActivityScheduled, &row).await?;
            let shown = shape(txn, vec![row])
                .await?
                .pop()
                .ok_or(AppError::Internal)?;
            Ok(shown)
        })
        .await
    }

    /// Marks an activity done with its outcome, and touches its deal (it is being worked).
    ///
    /// # Errors
    /// `Validation` for a too-long outcome or an activity already done; `Conflict` when
    /// someone changed it since `version`; `NotFound` outside the workspace.
    pub async fn complete_activity(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        outcome: String,
    ) -> Result<Completed, AppError> {
        let outcome =
            parse_outcome(&outcome).map_err(|message| AppError::invalid("outcome", message))?;
        self.write(Lock::Rows, async |txn| {
            let row = locked(txn, viewer, id, version).await?;
            if row.done {
                return Err(AppError::invalid("done", "This activity is already done."));
            }
            let (row, open_left_on_deal) =
                finish(txn, row, (!outcome.is_empty()).then_some(outcome)).await?;
            activity_event(txn, viewer, EventKind::ActivityCompleted, &row).await?;
            let activity = shape(txn, vec![row])
                .await?
                .pop()
                .ok_or(AppError::Internal)?;
            Ok(Completed {
                activity,
                open_left_on_deal,
            })
        })
        .await
    }

    /// Reschedules or reassigns an open activity.
    ///
    /// # Errors
    /// `Validation` for a bad time or assignee, or a done activity; `Conflict` when stale.
    pub async fn change_activity(
        &self,
        viewer: &CurrentUser,
        id: Uuid,
        version: i32,
        change: ActivityChange,
    ) -> Result<Activity, AppError> {
        self.write(Lock::Rows, async |txn| {
            let mut row = locked(txn, viewer, id, version).await?;
            if row.done {
                return Err(AppError::invalid("done", "This activity is already done."));
            }
            match change {
                ActivityChange::Reschedule(due) => {
                    let (due_at, zone) =
                        parse_due(&due).map_err(|message| AppError::invalid("due", message))?;
                    row.due_at = due_at;
                    row.time_zone = zone;
                }
                ActivityChange::Reassign(assignee) => {
                    active_member(txn, viewer, assignee, "assignee").await?;
                    row.assignee_id = Some(assignee.0);
                }
            }
            // A new time or a new person: the reminder is due again (for them, at the new time).
            row.reminded_at = None;
            row.version += 1;
            let row = activity::ActiveModel::from(row)
                .reset_all()
                .update(txn)
                .await
                .or_internal()?;
            activity_event(txn, viewer, EventKind::ActivityUpdated, &row).await?;
            let shown = shape(txn, vec![row])
                .await?
                .pop()
                .ok_or(AppError::Internal)?;
            Ok(shown)
        })
        .await
    }

    /// A deal's activities: open ones by due time, then the latest done ones.
    ///
    /// # Errors
    /// `NotFound` for a deal outside the workspace.
    pub async fn deal_activities(
        &self,
        viewer: &CurrentUser,
        deal: DealId,
    ) -> Result<Vec<Activity>, AppError> {
        let key = (viewer.clone(), deal);
        self.kept_or(
            &self.kept.deal_activities,
            viewer.workspace_id,
            key,
            async |_| self.read_deal_activities(viewer, deal).await,
        )
        .await
    }

    /// [`Crm::deal_activities`] as the database has them now.
    async fn read_deal_activities(
        &self,
        viewer: &CurrentUser,
        deal: DealId,
    ) -> Result<Vec<Activity>, AppError> {
        crate::deals::load_deal(&self.db, viewer, deal).await?;
        let of_deal = || {
            activity::Entity::find()
                .filter(activity::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .filter(activity::Column::DealId.eq(deal.0))
        };
        let mut rows = of_deal()
            .filter(activity::Column::Done.eq(false))
            .order_by_asc(activity::Column::DueAt)
            .limit(LIST_MAX)
            .all(&self.db)
            .await
            .or_internal()?;
        rows.extend(
            of_deal()
                .filter(activity::Column::Done.eq(true))
                .order_by_desc(activity::Column::DoneAt)
                .limit(20)
                .all(&self.db)
                .await
                .or_internal()?,
        );
        shape(&self.db, rows).await
    }

    /// Open activities due by the end of next week, by when they are due in the viewer's
    /// own day (`offset_minutes` as the browser reports it). `team`: everyone's, for
    /// managers and admins; others always see their own.
    ///
    /// # Errors
    /// `Validation` for an offset no time zone has; database failure.
    pub async fn my_day(
        &self,
        viewer: &CurrentUser,
        offset_minutes: i32,
        team: bool,
    ) -> Result<MyDay, AppError> {
        let offset = check_utc_offset(offset_minutes)
            .map_err(|message| AppError::invalid("offset_minutes", message))?;
        let now = Utc::now();
        let mut query = activity::Entity::find()
            .filter(activity::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(activity::Column::Done.eq(false))
            .filter(activity::Column::DueAt.lt(now + Duration::days(9)));
        let sees_team = matches!(viewer.role, Role::Manager | Role::Admin);
        if !(team && sees_team) {
            query = query.filter(activity::Column::AssigneeId.eq(viewer.user_id.0));
        }
        let rows = query
            .order_by_asc(activity::Column::DueAt)
            .order_by_asc(activity::Column::Id)
            .limit(LIST_MAX)
            .all(&self.db)
            .await
            .or_internal()?;
        let mut day = MyDay::default();
        for activity in shape(&self.db, rows).await? {
            match due_bucket(activity.due_at, now, offset) {
                Due::Overdue => day.overdue.push(activity),
                Due::Today => day.today.push(activity),
                Due::Soon => day.soon.push(activity),
                Due::Later => {}
            }
        }
        Ok(day)
    }
}

/// Checks an activity's links and stores it, open.
pub(super) async fn insert_activity<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    new: &NewActivity,
    valid: ValidActivity,
) -> Result<activity::Model, AppError> {
    let assignee = new.assignee.unwrap_or(viewer.user_id);
    check_links(conn, viewer, new, assignee).await?;
    activity::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(viewer.workspace_id.0),
        kind: Set(valid.kind),
        subject: Set(valid.subject),
        due_at: Set(valid.due_at),
        time_zone: Set(valid.time_zone),
        duration_minutes: Set(valid.duration_minutes),
        assignee_id: Set(Some(assignee.0)),
        done: Set(false),
        done_at: Set(None),
        outcome: Set(None),
        deal_id: Set(new.deal.map(|d| d.0)),
        contact_id: Set(new.contact.map(|c| c.0)),
        company_id: Set(new.company.map(|c| c.0)),
        created_by: Set(Some(viewer.user_id.0)),
        created_at: Set(Utc::now()),
        version: Set(1),
        reminded_at: Set(None),
        plan_step: Set(None),
    }
    .insert(conn)
    .await
    .or_internal()
}

/// Marks an activity done now and touches its deal; returns the open ones left on it.
pub(super) async fn finish<C: ConnectionTrait>(
    conn: &C,
    mut row: activity::Model,
    outcome: Option<String>,
) -> Result<(activity::Model, Option<u32>), AppError> {
    let now = Utc::now();
    row.done = true;
    row.done_at = Some(now);
    row.outcome = outcome;
    row.version += 1;
    let row = activity::ActiveModel::from(row)
        .reset_all()
        .update(conn)
        .await
        .or_internal()?;
    let Some(deal_id) = row.deal_id else {
        return Ok((row, None));
    };
    // Real work on the deal: the rotting mark counts from here.
    deal::Entity::update_many()
        .col_expr(deal::Column::TouchedAt, now.into())
        .filter(deal::Column::Id.eq(deal_id))
        .exec(conn)
        .await
        .or_internal()?;
    let open = activity::Entity::find()
        .filter(activity::Column::DealId.eq(deal_id))
        .filter(activity::Column::Done.eq(false))
        .count(conn)
        .await
        .or_internal()?;
    Ok((row, Some(u32::try_from(open).unwrap_or(u32::MAX))))
}

/// An activity of the viewer's workspace at `version`, locked on PostgreSQL.
async fn locked<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    id: Uuid,
    version: i32,
) -> Result<activity::Model, AppError> {
    let row = activity::Entity::find_by_id(id)
        .filter(activity::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .lock_exclusive()
        .one(conn)
        .await
        .or_internal()?
        .ok_or(AppError::NotFound)?;
    // An activity is its assignee's, and also its planner's until it is done.
    let owner = if row.created_by == Some(viewer.user_id.0) {
        row.created_by
    } else {
        row.assignee_id
    };
    permit_on(conn, viewer, Action::WorkActivity, owner).await?;
    require_version(row.version, version, "activity")?;
    Ok(row)
}

/// Everything an activity points at must be in the viewer's workspace.
async fn check_links<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    new: &NewActivity,
    assignee: UserId,
) -> Result<(), AppError> {
    active_member(conn, viewer, assignee, "assignee").await?;
    let links = [
        new.deal.map(|id| ("deal", RecordRef::Deal(id))),
        new.contact.map(|id| ("contact", RecordRef::Contact(id))),
        new.company.map(|id| ("company", RecordRef::Company(id))),
    ];
    for (field, record) in links.into_iter().flatten() {
        match record_title(conn, viewer, record).await {
            Ok(_) => {}
            Err(AppError::NotFound) => {
                return Err(AppError::invalid(
                    field,
                    format!("That {field} does not exist."),
                ))
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

pub(crate) async fn activity_event(
    conn: &Write,
    viewer: &CurrentUser,
    kind: EventKind,
    row: &activity::Model,
) -> Result<Event, AppError> {
    let after = ActivityAfter {
        version: row.version,
        title: row.subject.clone(),
        deal: row.deal_id,
        assignee: row.assignee_id,
        due_at: row.due_at,
        done: row.done,
    };
    conn.append(Change {
        workspace_id: viewer.workspace_id,
        actor: Some(viewer.user_id),
        subject: Subject::Activity(row.id),
        payload: match kind {
            EventKind::ActivityCompleted => Payload::ActivityCompleted((), after),
            EventKind::ActivityUpdated => Payload::ActivityUpdated((), after),
            EventKind::ActivityScheduled => Payload::ActivityScheduled((), after),
            other => return Err(crate::event_log::not_of_its_record(other)),
        },
    })
    .await
}

/// Rows as the browser reads them, with names looked up in one query per kind.
pub(super) async fn shape<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<activity::Model>,
) -> Result<Vec<Activity>, AppError> {
    let ids = |pick: fn(&activity::Model) -> Option<Uuid>| -> Vec<Uuid> {
        rows.iter().filter_map(pick).collect()
    };
    let people =
        names_by_id::<user::Entity, _>(conn, user::Column::Id, ids(|r| r.assignee_id), |u| {
            (u.id, u.name)
        })
        .await?;
    let deals = names_by_id::<deal::Entity, _>(conn, deal::Column::Id, ids(|r| r.deal_id), |d| {
        (d.id, d.title)
    })
    .await?;
    let contacts =
        names_by_id::<contact::Entity, _>(conn, contact::Column::Id, ids(|r| r.contact_id), |c| {
            (c.id, c.name)
        })
        .await?;
    let companies =
        names_by_id::<company::Entity, _>(conn, company::Column::Id, ids(|r| r.company_id), |c| {
            (c.id, c.name)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Activity {
            id: row.id,
            version: row.version,
            kind: row.kind,
            assignee: row
                .assignee_id
                .and_then(|id| Some((UserId(id), people.get(&id)?.clone()))),
            deal: row
                .deal_id
                .and_then(|id| Some((DealId(id), deals.get(&id)?.clone()))),
            contact: row
                .contact_id
                .and_then(|id| Some((ContactId(id), contacts.get(&id)?.clone()))),
            company: row
                .company_id
                .and_then(|id| Some((CompanyId(id), companies.get(&id)?.clone()))),
            subject: row.subject,
            due_at: row.due_at,
            time_zone: row.time_zone,
            duration_minutes: row.duration_minutes,
            done: row.done,
            outcome: row.outcome,
        })
        .collect())
}
