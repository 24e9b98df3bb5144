//! Activities: schedule, complete, reschedule or reassign, a deal's list, and My day.

use domain::{
    activity::{Activity, Completed, MyDay, NewActivity},
    ids::DealId,
    AppError,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use service::ActivityChange;
use uuid::Uuid;

/// What can change on an open activity, as the browser sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Change {
    Reschedule(domain::activity::LocalTime),
    Reassign(domain::UserId),
}

#[server(prefix = "/api", endpoint = "schedule_activity", input = Json)]
pub async fn schedule_activity(activity: NewActivity) -> Result<Activity, AppError> {
    let context = crate::ssr::server_context()?;
    let result = async {
        let viewer = context.require_user().await?;
        context.crm.schedule_activity(&viewer, activity).await
    }
    .await;
    context.answer(result)
}

#[server(prefix = "/api", endpoint = "complete_activity", input = Json)]
pub async fn complete_activity(
    id: Uuid,
    version: i32,
    outcome: String,
) -> Result<Completed, AppError> {
    let context = crate::ssr::server_context()?;
    let result = async {
        let viewer = context.require_user().await?;
        context
            .crm
            .complete_activity(&viewer, id, version, outcome)
            .await
    }
    .await;
    context.answer(result)
}

#[server(prefix = "/api", endpoint = "change_activity", input = Json)]
pub async fn change_activity(id: Uuid, version: i32, change: Change) -> Result<Activity, AppError> {
    let context = crate::ssr::server_context()?;
    let result = async {
        let viewer = context.require_user().await?;
        let change = match change {
            Change::Reschedule(due) => ActivityChange::Reschedule(due),
            Change::Reassign(member) => ActivityChange::Reassign(member),
        };
        context
            .crm
            .change_activity(&viewer, id, version, change)
            .await
    }
    .await;
    context.answer(result)
}

#[server(prefix = "/api", endpoint = "deal_activities", input = Json)]
pub async fn deal_activities(deal: DealId) -> Result<Vec<Activity>, AppError> {
    let context = crate::ssr::server_context()?;
    let result = async {
        let viewer = context.require_user().await?;
        context.crm.deal_activities(&viewer, deal).await
    }
    .await;
    context.answer(result)
}

/// Overdue, today and the coming week, judged in the browser's own day.
#[server(prefix = "/api", endpoint = "my_day", input = Json)]
pub async fn get_my_day(offset_minutes: i32, team: bool) -> Result<MyDay, AppError> {
    let context = crate::ssr::server_context()?;
    let result = async {
        let viewer = context.require_user().await?;
        context.crm.my_day(&viewer, offset_minutes, team).await
    }
    .await;
    context.answer(result)
}
