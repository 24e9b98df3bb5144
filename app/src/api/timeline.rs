//! Notes, timelines, quick logs and follow-up plans.

use domain::{
    activity::{Logged, LoggedWork},
    followup::FollowUpStep,
    ids::PipelineId,
    note::{NewNote, RecordRef},
    timeline::{TimelineCursor, TimelineItem, TimelinePage},
    AppError,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "add_note", input = Json)]
pub async fn add_note(note: NewNote) -> Result<TimelineItem, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.add_note(&viewer, note).await)
        .await
}

/// A page of a record's timeline; `after` is the previous page's `next`.
#[server(prefix = "/api", endpoint = "timeline", input = Json)]
pub async fn get_timeline(
    of: RecordRef,
    after: Option<TimelineCursor>,
) -> Result<TimelinePage, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.timeline(&viewer, of, after).await
    })
    .await
}

/// Work just done on a deal (a call, from the phone) and the next step, in one go.
#[server(prefix = "/api", endpoint = "log_activity", input = Json)]
pub async fn log_activity(work: LoggedWork) -> Result<Logged, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.log_activity(&viewer, work).await
    })
    .await
}

/// A pipeline's plan; `None`: the first pipeline's (as the board opens with).
#[server(prefix = "/api", endpoint = "followup_plan", input = Json)]
pub async fn get_followup_plan(
    pipeline: Option<PipelineId>,
) -> Result<Vec<FollowUpStep>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.followup_plan(&viewer, pipeline).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_followup_plan", input = Json)]
pub async fn save_followup_plan(
    pipeline: PipelineId,
    steps: Vec<FollowUpStep>,
) -> Result<Vec<FollowUpStep>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .set_followup_plan(&viewer, pipeline, steps)
            .await
    })
    .await
}
