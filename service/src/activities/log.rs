//! Logging work after the fact: the phone's "log a call" sets what happened and the next
//! step in one transaction, so a deal is never left without one by a dropped request.

use super::{activity_event, finish, insert_activity, shape};
use crate::write::Lock;
use crate::{db::OrInternal, entity::activity, Crm};
use chrono::Utc;
use domain::{
    account::CurrentUser,
    activity::{Logged, LoggedWork},
    event::EventKind,
    AppError,
};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

impl Crm {
    /// Records work just done on a deal as a completed activity, and schedules the next
    /// step on the same deal when one is given.
    ///
    /// # Errors
    /// `Validation` for bad fields (the next step's prefixed `next-`); `NotFound` for a
    /// deal outside the workspace.
    pub async fn log_activity(
        &self,
        viewer: &CurrentUser,
        work: LoggedWork,
    ) -> Result<Logged, AppError> {
        let (subject, outcome, next) = work.validate().map_err(AppError::Validation)?;
        self.write(Lock::Rows, async |txn| {
            let deal = crate::deals::load_deal(txn, viewer, work.deal).await?;
            crate::permissions::permit_on(
                txn,
                viewer,
                domain::permission::Action::WorkActivity,
                deal.owner_id,
            )
            .await?;
            let now = Utc::now();
            let row = activity::ActiveModel {
                id: Set(Uuid::new_v4()),
                workspace_id: Set(viewer.workspace_id.0),
                kind: Set(work.kind),
                subject: Set(subject),
                due_at: Set(now),
                time_zone: Set("UTC".to_owned()),
                duration_minutes: Set(None),
                assignee_id: Set(Some(viewer.user_id.0)),
                done: Set(false),
                done_at: Set(None),
                outcome: Set(None),
                deal_id: Set(Some(work.deal.0)),
                contact_id: Set(None),
                company_id: Set(None),
                created_by: Set(Some(viewer.user_id.0)),
                created_at: Set(now),
                version: Set(0),
                // Done already: nothing to remind of.
                reminded_at: Set(Some(now)),
                plan_step: Set(None),
            }
            .insert(txn)
            .await
            .or_internal()?;
            let (row, _) = finish(txn, row, (!outcome.is_empty()).then_some(outcome)).await?;
            activity_event(txn, viewer, EventKind::ActivityCompleted, &row).await?;
            let mut rows = vec![row];
            if let (Some(mut new), Some(valid)) = (work.next, next) {
                new.deal = Some(work.deal);
                let next = insert_activity(txn, viewer, &new, valid).await?;
                activity_event(txn, viewer, EventKind::ActivityScheduled, &next).await?;
                rows.push(next);
            }
            let mut shown = shape(txn, rows).await?.into_iter();
            let done = shown.next().ok_or(AppError::Internal)?;
            let next = shown.next();
            Ok(Logged { done, next })
        })
        .await
    }
}
