//! The activity log: a workspace's events for its admins, filtered, a page at a time or
//! as a CSV download.
//!
//! Reading is bounded however the filters are set: a page looks at no more than
//! [`AUDIT_SCAN`] events (newest first, along the `(workspace_id, id)` index), and when
//! the filters match too few of them it says how far back it searched and offers to go
//! on. Dates are turned into id bounds through the `(workspace_id, at)` index, so opening
//! the log at last March reads nothing newer. Each workspace's events take their ids and
//! times in commit order (see `write::serialize_workspace_events`), which is what makes
//! an id bound and a time bound the same cut.

mod lines;

use crate::{db::OrInternal, entity::event, permissions::permit, Crm};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::{
    account::CurrentUser,
    audit::{
        AuditPage, AuditQuery, AUDIT_EXPORT_MAX, AUDIT_EXPORT_SCAN, AUDIT_PAGE, AUDIT_SCAN,
        CSV_HEADER,
    },
    event::{payload::Exported, Payload, Subject},
    metrics::to_csv,
    permission::Action,
    AppError,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

/// What one bounded look at the log found.
struct Window {
    /// Matching events, newest first (at most the number asked for).
    rows: Vec<event::Model>,
    /// The oldest event looked at, when the look stopped before the log's start.
    stopped_at: Option<(i64, DateTime<Utc>)>,
}

impl Crm {
    /// A page of the viewer's workspace's activity log, newest first.
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin; `Validation` for filters out of range.
    pub async fn activity_log(
        &self,
        viewer: &CurrentUser,
        query: &AuditQuery,
    ) -> Result<AuditPage, AppError> {
        permit(viewer, Action::ReadActivityLog)?;
        query.validate()?;
        let window = self
            .audit_window(viewer, query, query.before, AUDIT_SCAN, AUDIT_PAGE + 1)
            .await?;
        let full = window.rows.len() as u64 > AUDIT_PAGE;
        let mut rows = window.rows;
        rows.truncate(usize::try_from(AUDIT_PAGE).unwrap_or(usize::MAX));
        let (older, searched_back_to) = match (full, window.stopped_at) {
            (true, _) => (rows.last().map(|row| row.id), None),
            (false, Some((id, at))) => (Some(id), Some(at)),
            (false, None) => (None, None),
        };
        Ok(AuditPage {
            lines: lines::render(&self.db, rows).await?,
            older,
            searched_back_to,
            people: lines::people(&self.db, viewer.workspace_id.0).await?,
        })
    }

    /// Starts a CSV download of the log with these filters (from the newest event), and
    /// logs that it was taken. Read it with [`AuditExport::next_chunk`].
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin; `Validation` for filters out of range.
    pub async fn export_activity_log(
        &self,
        viewer: &CurrentUser,
        query: &AuditQuery,
    ) -> Result<AuditExport, AppError> {
        permit(viewer, Action::ReadActivityLog)?;
        query.validate()?;
        let query = query.from_the_top();
        self.log_export(viewer, &query).await?;
        Ok(AuditExport {
            crm: self.clone(),
            viewer: viewer.clone(),
            query,
            cursor: None,
            lines: 0,
            scanned: 0,
            done: false,
        })
    }

    async fn log_export(&self, viewer: &CurrentUser, query: &AuditQuery) -> Result<(), AppError> {
        let change = crate::event_log::Change {
            workspace_id: viewer.workspace_id,
            actor: Some(viewer.user_id),
            subject: Subject::Workspace(viewer.workspace_id.0),
            payload: Payload::DataExported(
                (),
                Exported {
                    what: "activity log".to_owned(),
                    filters: query.describe(),
                },
            ),
        };
        self.write(crate::write::Lock::Rows, async |txn| {
            txn.append(change).await?;
            Ok(())
        })
        .await
    }

    /// Looks at up to `scan` events older than `before` within the query's dates, and
    /// returns up to `want` of them that match its other filters.
    async fn audit_window(
        &self,
        viewer: &CurrentUser,
        query: &AuditQuery,
        before: Option<i64>,
        scan: u64,
        want: u64,
    ) -> Result<Window, AppError> {
        let workspace = viewer.workspace_id.0;
        let Some((lower, upper)) = self.id_bounds(workspace, query, before).await? else {
            return Ok(Window {
                rows: Vec::new(),
                stopped_at: None,
            });
        };
        let within = || {
            let mut select = event::Entity::find()
                .filter(event::Column::WorkspaceId.eq(workspace))
                .filter(event::Column::Id.gte(lower));
            if let Some(upper) = upper {
                select = select.filter(event::Column::Id.lt(upper));
            }
            if let Some(record) = query.record {
                // Along the (workspace_id, subject, id) index.
                select = select.filter(event::Column::Subject.eq(record));
            }
            select
        };
        // The oldest event of this look: `scan` events down the index, no further.
        let floor: Option<(i64, DateTime<Utc>)> = within()
            .select_only()
            .column(event::Column::Id)
            .column(event::Column::At)
            .order_by_desc(event::Column::Id)
            .offset(scan.saturating_sub(1))
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await
            .or_internal()?;
        let mut select = filtered(within(), query);
        if let Some((floor, _)) = floor {
            select = select.filter(event::Column::Id.gte(floor));
        }
        let rows = select
            .order_by_desc(event::Column::Id)
            .limit(want)
            .all(&self.db)
            .await
            .or_internal()?;
        // A look that reached its floor before filling up may have missed older matches.
        let stopped_at = floor.filter(|_| (rows.len() as u64) < want);
        Ok(Window { rows, stopped_at })
    }

    /// The id range `[lower, upper)` the query's dates and cursor allow; `None` when no
    /// event can match (the first day lies after the newest event).
    async fn id_bounds(
        &self,
        workspace: uuid::Uuid,
        query: &AuditQuery,
        before: Option<i64>,
    ) -> Result<Option<(i64, Option<i64>)>, AppError> {
        let lower = match query.from {
            Some(from) => match self.first_event_from(workspace, start_of(from)).await? {
                Some(id) => id,
                None => return Ok(None),
            },
            None => 0,
        };
        let after_range = match query.to.and_then(|to| to.checked_add_days(Days::new(1))) {
            Some(next_day) => self.first_event_from(workspace, start_of(next_day)).await?,
            None => None,
        };
        let upper = match (before, after_range) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(Some((lower, upper)))
    }

    /// The first event at or after `at`, along the `(workspace_id, at)` index.
    async fn first_event_from(
        &self,
        workspace: uuid::Uuid,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, AppError> {
        event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .filter(event::Column::WorkspaceId.eq(workspace))
            .filter(event::Column::At.gte(at))
            .order_by_asc(event::Column::At)
            .order_by_asc(event::Column::Id)
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await
            .or_internal()
    }
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The person, action and record-kind filters (the id bounds are applied by the caller).
fn filtered(mut select: Select<event::Entity>, query: &AuditQuery) -> Select<event::Entity> {
    if let Some(person) = query.person {
        select = select.filter(event::Column::ActorId.eq(person));
    }
    if let Some(action) = query.action {
        select = select.filter(event::Column::Kind.eq(action));
    }
    if let Some(kind) = query.kind {
        select = select.filter(event::Column::Subject.starts_with(format!("{}:", kind.prefix())));
    }
    select
}

/// A CSV download in progress: each chunk is one bounded look at the log.
pub struct AuditExport {
    crm: Crm,
    viewer: CurrentUser,
    query: AuditQuery,
    cursor: Option<i64>,
    lines: u64,
    scanned: u64,
    done: bool,
}

impl AuditExport {
    /// The next piece of the file (the header first); `None` at its end. Stops at
    /// [`AUDIT_EXPORT_MAX`] lines or [`AUDIT_EXPORT_SCAN`] events looked at, with a
    /// last line saying so.
    ///
    /// # Errors
    /// Database failure.
    pub async fn next_chunk(&mut self) -> Result<Option<String>, AppError> {
        if self.done {
            return Ok(None);
        }
        let mut chunk = String::new();
        if self.scanned == 0 && self.cursor.is_none() {
            chunk.push_str(&to_csv(&[CSV_HEADER
                .iter()
                .map(|c| (*c).to_owned())
                .collect()]));
        }
        if self.lines >= AUDIT_EXPORT_MAX || self.scanned >= AUDIT_EXPORT_SCAN {
            self.done = true;
            chunk.push_str(&to_csv(&[vec![format!(
                "Stopped here: a download holds at most {AUDIT_EXPORT_MAX} lines from \
                 {AUDIT_EXPORT_SCAN} events. Narrow the dates for the rest."
            )]]));
            return Ok(Some(chunk));
        }
        let want = (AUDIT_EXPORT_MAX - self.lines).min(AUDIT_SCAN);
        let window = self
            .crm
            .audit_window(&self.viewer, &self.query, self.cursor, AUDIT_SCAN, want)
            .await?;
        self.scanned += AUDIT_SCAN;
        self.lines += window.rows.len() as u64;
        let full = window.rows.len() as u64 == want;
        self.cursor = match (full, window.stopped_at) {
            (true, _) => window.rows.last().map(|row| row.id),
            (false, stopped) => stopped.map(|(id, _)| id),
        };
        if self.cursor.is_none() {
            self.done = true;
        }
        let lines = lines::render(&self.crm.db, window.rows).await?;
        let cells: Vec<Vec<String>> = lines.iter().map(|line| line.csv_cells()).collect();
        chunk.push_str(&to_csv(&cells));
        Ok(Some(chunk))
    }
}
