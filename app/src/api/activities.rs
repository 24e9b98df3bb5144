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
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.schedule_activity(&viewer, activity).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "complete_activity", input = Json)]
pub async fn complete_activity(
    id: Uuid,
    version: i32,
    outcome: String,
) -> Result<Completed, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .complete_activity(&viewer, id, version, outcome)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "change_activity", input = Json)]
pub async fn change_activity(id: Uuid, version: i32, change: Change) -> Result<Activity, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let change = match change {
            Change::Reschedule(due) => ActivityChange::Reschedule(due),
            Change::Reassign(member) => ActivityChange::Reassign(member),
        };
        context
            .crm
            .change_activity(&viewer, id, version, change)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "deal_activities", input = Json)]
pub async fn deal_activities(deal: DealId) -> Result<Vec<Activity>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.deal_activities(&viewer, deal).await
    })
    .await
}

/// Overdue, today and the coming week, judged in the browser's own day.
#[server(prefix = "/api", endpoint = "my_day", input = Json)]
pub async fn get_my_day(offset_minutes: i32, team: bool) -> Result<MyDay, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.my_day(&viewer, offset_minutes, team).await
    })
    .await
}
