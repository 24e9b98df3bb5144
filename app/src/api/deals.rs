//! Deals, the board and pipeline settings. Structured commands travel as JSON; each
//! endpoint resolves the session, then calls one service operation that checks the
//! workspace, the role, the version and the stage rules.

use domain::{
    board::StageInfo,
    board::{
        self, Board, BoardOptions, BulkResult, ColumnTotals, DealCard, DealDetail, DealFilter,
        DealPage, DealSort, ListOptions, NewDeal, Outcome, Saved,
    },
    deal::DealChange,
    ids::{DealId, PipelineId, StageId},
    pipeline, AppError,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The board for a filter: stages, exact totals, first page of each column.
#[server(prefix = "/api", endpoint = "board", input = Json)]
pub async fn get_board(filter: DealFilter) -> Result<Board, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.board(&viewer, filter).await)
        .await
}

/// Pipelines and owners for the toolbar.
#[server(prefix = "/api", endpoint = "board_options")]
pub async fn get_board_options() -> Result<BoardOptions, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.board_options(&viewer).await)
        .await
}

/// The deal list's filter and bulk-change options.
#[server(prefix = "/api", endpoint = "deal_list_options")]
pub async fn get_list_options(pipeline: Option<PipelineId>) -> Result<ListOptions, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.list_options(&viewer, pipeline).await
    })
    .await
}

/// More cards of one column.
#[server(prefix = "/api", endpoint = "board_column", input = Json)]
pub async fn get_board_column(
    filter: DealFilter,
    stage: StageId,
    offset: u64,
) -> Result<Vec<DealCard>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .board_column(&viewer, filter, stage, offset)
            .await
    })
    .await
}

/// Column totals, refreshed after a move.
#[server(prefix = "/api", endpoint = "board_totals", input = Json)]
pub async fn get_board_totals(
    filter: DealFilter,
) -> Result<Vec<(StageId, ColumnTotals)>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.board_totals(&viewer, filter).await
    })
    .await
}

/// One deal's card under the board's filter (`None`: it left the board), for live updates.
#[server(prefix = "/api", endpoint = "board_card", input = Json)]
pub async fn get_board_card(
    filter: DealFilter,
    deal: DealId,
) -> Result<Option<(DealCard, StageId)>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.board_card(&viewer, filter, deal).await
    })
    .await
}

/// Reverts the caller's own recent change (the event a write returned) as a new change.
#[server(prefix = "/api", endpoint = "undo_change", input = Json)]
pub async fn undo_change(event: i64) -> Result<Saved, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.undo_deal_change(&viewer, event).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_deal", input = Json)]
pub async fn create_deal(deal: NewDeal) -> Result<Saved, AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.create_deal(&viewer, deal).await)
        .await
}

/// Moves a deal, applying the inline form's fields first; one request, one transaction.
#[server(prefix = "/api", endpoint = "move_deal", input = Json)]
pub async fn move_deal(command: board::MoveDeal) -> Result<Saved, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.move_deal(&viewer, command).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "update_deal", input = Json)]
pub async fn update_deal(
    deal: DealId,
    version: i32,
    changes: Vec<DealChange>,
) -> Result<Saved, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .update_deal(&viewer, deal, version, changes)
            .await
    })
    .await
}

/// Won, lost (with a reason) or reopened.
#[server(prefix = "/api", endpoint = "close_deal", input = Json)]
pub async fn close_deal(deal: DealId, version: i32, outcome: Outcome) -> Result<Saved, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .close_deal(&viewer, deal, version, outcome)
            .await
    })
    .await
}

/// The deal page; a malformed id is simply not found.
#[server(prefix = "/api", endpoint = "deal")]
pub async fn get_deal(id: String) -> Result<DealDetail, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let id: DealId = id.trim().parse().map_err(|_| AppError::NotFound)?;
        context.crm.deal_detail(&viewer, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "deals", input = Json)]
pub async fn list_deals(
    filter: DealFilter,
    sort: DealSort,
    page: u64,
) -> Result<DealPage, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.list_deals(&viewer, filter, sort, page).await
    })
    .await
}

/// One stage or owner change for many deals; says which did not move and why.
#[server(prefix = "/api", endpoint = "bulk_change", input = Json)]
pub async fn bulk_change(
    deals: Vec<(DealId, i32)>,
    change: board::BulkChange,
) -> Result<BulkResult, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.bulk_change(&viewer, deals, change).await
    })
    .await
}

/// A pipeline's name and stages, for settings.
#[server(prefix = "/api", endpoint = "pipeline_stages", input = Json)]
pub async fn get_pipeline_stages(
    pipeline: PipelineId,
) -> Result<(String, Vec<StageInfo>), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.pipeline_stages(&viewer, pipeline).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_pipeline", input = Json)]
pub async fn save_pipeline(command: pipeline::SavePipeline) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.save_pipeline(&viewer, command).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_pipeline", input = Json)]
pub async fn create_pipeline(name: String) -> Result<PipelineId, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.create_pipeline(&viewer, &name).await
    })
    .await
}

/// Replaces the workspace's lost reasons; returns the list as saved.
#[server(prefix = "/api", endpoint = "save_lost_reasons", input = Json)]
pub async fn save_lost_reasons(reasons: Vec<String>) -> Result<Vec<String>, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.save_lost_reasons(&viewer, reasons).await
    })
    .await
}
