//! The board and the deal list: exact totals (see `totals`), cards a page at a time.
//! Nothing here loads all deals of a pipeline.

use super::rows::{cards, stage_info, stages_of, union_all};
use crate::permissions::visible;
use crate::{
    db::OrInternal,
    entity::{activity, deal, pipeline, stage},
    Crm,
};
use chrono::Utc;
use domain::deal::DealStatus;
use domain::{
    account::CurrentUser,
    board::{
        Board, BoardOptions, Column, ColumnTotals, DealCard, DealFilter, ListOptions, COLUMN_PAGE,
        FIRST_SCREEN,
    },
    ids::{PipelineId, StageId},
    money::Currency,
    AppError,
};
use sea_orm::{
    sea_query::{Asterisk, Expr, ExprTrait, Func, LikeExpr, Order, Query},
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};
use std::collections::HashMap;
use uuid::Uuid;

fn rotting_of(stages: &[stage::Model]) -> HashMap<Uuid, u16> {
    stages
        .iter()
        .map(|s| (s.id, stage_info(s).rotting_days))
        .collect()
}

/// `LIKE` treats `%` and `_` as wildcards; a search for "50%" means the text.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Pipelines as the toolbars and filters offer them: id and name, in position order.
fn named(pipelines: Vec<pipeline::Model>) -> Vec<(PipelineId, String)> {
    pipelines
        .into_iter()
        .map(|p| (PipelineId(p.id), p.name))
        .collect()
}

/// Deals of the workspace matching the filter (any status, any pipeline).
pub(super) fn matching(viewer: &CurrentUser, filter: &DealFilter) -> Select<deal::Entity> {
    let mut query = visible(
        deal::Entity::find().filter(deal::Column::WorkspaceId.eq(viewer.workspace_id.0)),
        viewer,
        deal::Column::OwnerId,
    );
    if let Some(pipeline) = filter.pipeline {
        query = query.filter(deal::Column::PipelineId.eq(pipeline.0));
    }
    if filter.mine {
        query = query.filter(deal::Column::OwnerId.eq(viewer.user_id.0));
    } else if let Some(owner) = filter.owner {
        query = query.filter(deal::Column::OwnerId.eq(owner.0));
    }
    let tag = filter.tag.trim().to_lowercase();
    if !tag.is_empty() {
        // Tags are a JSON array: one element is its JSON string, quotes included, so
        // "vip" never matches "vip-lounge".
        let element = serde_json::to_string(&tag).unwrap_or_default();
        query = query.filter(
            Expr::col((deal::Entity, deal::Column::Tags))
                .like(LikeExpr::new(like_pattern(&element)).escape('\\')),
        );
    }
    if filter.no_next_step {
        let planned = Query::select()
            .column(activity::Column::DealId)
            .from(activity::Entity)
            .and_where(activity::Column::Done.eq(false))
            .and_where(activity::Column::DealId.is_not_null())
            .to_owned();
        query = query
            .filter(deal::Column::Status.eq(DealStatus::Open))
            .filter(deal::Column::Id.not_in_subquery(planned));
    }
    let text = filter.text.trim();
    if !text.is_empty() {
        // LOWER on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
        query = query.filter(
            Expr::expr(Func::lower(Expr::col((deal::Entity, deal::Column::Title))))
                .like(LikeExpr::new(like_pattern(text)).escape('\\')),
        );
    }
    query
}

impl Crm {
    /// The workspace's first pipeline (by position).
    pub(crate) async fn first_pipeline(
        &self,
        viewer: &CurrentUser,
    ) -> Result<pipeline::Model, AppError> {
        pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(pipeline::Column::Position)
            .one(&self.db)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)
    }

    async fn pipeline_for(
        &self,
        viewer: &CurrentUser,
        wanted: Option<PipelineId>,
    ) -> Result<(Vec<pipeline::Model>, pipeline::Model), AppError> {
        let pipelines = pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(pipeline::Column::Position)
            .all(&self.db)
            .await
            .or_internal()?;
        let chosen = match wanted {
            Some(id) => pipelines.iter().find(|p| p.id == id.0),
            None => pipelines.first(),
        }
        .cloned()
        .ok_or(AppError::NotFound)?;
        Ok((pipelines, chosen))
    }

    /// The board: every stage of the pipeline with exact totals for the filter and the
    /// first page of cards. While nothing is written, the same person's same board is
    /// answered from memory, after one statement that checks so (see `fresh`).
    ///
    /// # Errors
    /// `NotFound` for a pipeline of another workspace.
    pub async fn board(&self, viewer: &CurrentUser, filter: DealFilter) -> Result<Board, AppError> {
        filter.check()?;
        let key = (viewer.clone(), filter);
        self.kept_or(
            &self.kept.boards,
            viewer.workspace_id,
            key,
            async |(_, filter)| self.read_board(viewer, filter.clone()).await,
        )
        .await
    }

    /// The board as the database has it now.
    async fn read_board(
        &self,
        viewer: &CurrentUser,
        filter: DealFilter,
    ) -> Result<Board, AppError> {
        let (pipelines, chosen) = self.pipeline_for(viewer, filter.pipeline).await?;
        let filter = DealFilter {
            pipeline: Some(PipelineId(chosen.id)),
            ..filter
        };
        let stages = stages_of(&self.db, viewer, chosen.id).await?;
        let mut totals = self.totals(viewer, &filter, &stages).await?;
        // First pages of every column, then one batch of lookups for all their cards.
        let rows = self
            .first_pages(viewer, &filter, &stages, FIRST_SCREEN)
            .await?;
        let column_of: HashMap<Uuid, Uuid> = rows.iter().map(|r| (r.id, r.stage_id)).collect();
        // `cards` keeps the order of its rows: each column's cards stay in its order.
        let mut by_stage: HashMap<Uuid, Vec<DealCard>> = HashMap::new();
        for card in cards(&self.db, rows, &rotting_of(&stages), Utc::now()).await? {
            if let Some(stage) = column_of.get(&card.id.0) {
                by_stage.entry(*stage).or_default().push(card);
            }
        }
        let columns = stages
            .iter()
            .map(|stage| Column {
                stage: stage_info(stage),
                totals: totals.remove(&stage.id).unwrap_or_default(),
                cards: by_stage.remove(&stage.id).unwrap_or_default(),
            })
            .collect();
        let default_currency = crate::entity::workspace::Entity::find_by_id(viewer.workspace_id.0)
            .one(&self.db)
            .await
            .or_internal()?
            .map_or(Currency::USD, |w| w.default_currency);
        Ok(Board {
            pipelines: named(pipelines),
            pipeline: PipelineId(chosen.id),
            pipeline_version: chosen.version,
            columns,
            lost_reasons: self.lost_reasons_in(&self.db, viewer).await?,
            default_currency,
            viewer: viewer.user_id,
        })
    }

    /// Pipelines and owners for the board's toolbar: two small queries, no deals.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn board_options(&self, viewer: &CurrentUser) -> Result<BoardOptions, AppError> {
        let (kept, key) = (&self.kept.board_options, viewer.clone());
        self.kept_or(kept, viewer.workspace_id, key, async |_| {
            let (pipelines, _) = self.pipeline_for(viewer, None).await?;
            Ok(BoardOptions {
                pipelines: named(pipelines),
                owners: self.owners_in(&self.db, viewer).await?,
            })
        })
        .await
    }

    /// The deal list's filter and bulk-change options for `pipeline` (or all pipelines).
    ///
    /// # Errors
    /// `NotFound` for a pipeline of another workspace.
    pub async fn list_options(
        &self,
        viewer: &CurrentUser,
        pipeline: Option<PipelineId>,
    ) -> Result<ListOptions, AppError> {
        let (kept, key) = (&self.kept.list_options, (viewer.clone(), pipeline));
        self.kept_or(kept, viewer.workspace_id, key, async |_| {
            self.read_list_options(viewer, pipeline).await
        })
        .await
    }

    /// [`Crm::list_options`] as the database has them now.
    async fn read_list_options(
        &self,
        viewer: &CurrentUser,
        pipeline: Option<PipelineId>,
    ) -> Result<ListOptions, AppError> {
        let (pipelines, chosen) = self.pipeline_for(viewer, pipeline).await?;
        // Stage moves need one pipeline; with one in the workspace, "all" is it.
        let stages = if pipeline.is_some() || pipelines.len() == 1 {
            let stages = stages_of(&self.db, viewer, chosen.id).await?;
            Some(stages.iter().map(stage_info).collect())
        } else {
            None
        };
        Ok(ListOptions {
            pipelines: named(pipelines),
            owners: self.owners_in(&self.db, viewer).await?,
            stages,
        })
    }

    /// Column totals for the filter, by stage: after a move the board refreshes these.
    ///
    /// # Errors
    /// `NotFound` for a pipeline of another workspace.
    pub async fn board_totals(
        &self,
        viewer: &CurrentUser,
        filter: DealFilter,
    ) -> Result<Vec<(StageId, ColumnTotals)>, AppError> {
        filter.check()?;
        let (_, chosen) = self.pipeline_for(viewer, filter.pipeline).await?;
        let filter = DealFilter {
            pipeline: Some(PipelineId(chosen.id)),
            ..filter
        };
        let stages = stages_of(&self.db, viewer, chosen.id).await?;
        let mut totals = self.totals(viewer, &filter, &stages).await?;
        Ok(stages
            .iter()
            .map(|s| (StageId(s.id), totals.remove(&s.id).unwrap_or_default()))
            .collect())
    }

    /// More cards of one column, `offset` cards in.
    ///
    /// # Errors
    /// `NotFound` for a stage of another workspace.
    pub async fn board_column(
        &self,
        viewer: &CurrentUser,
        filter: DealFilter,
        stage: StageId,
        offset: u64,
    ) -> Result<Vec<DealCard>, AppError> {
        filter.check()?;
        let offset = domain::limits::check_offset(offset)?;
        let stage = super::rows::load_stage(&self.db, viewer, stage).await?;
        let stages = stages_of(&self.db, viewer, stage.pipeline_id).await?;
        let filter = DealFilter {
            pipeline: Some(PipelineId(stage.pipeline_id)),
            ..filter
        };
        self.page(viewer, &filter, &stages, stage.id, offset).await
    }

    /// One deal's card if it is open and matches the board's filter, else `None`: what a
    /// live board needs to place (or drop) a card someone else just changed.
    ///
    /// # Errors
    /// Database failure.
    pub async fn board_card(
        &self,
        viewer: &CurrentUser,
        filter: DealFilter,
        deal: domain::ids::DealId,
    ) -> Result<Option<(DealCard, StageId)>, AppError> {
        filter.check()?;
        let Some(row) = matching(viewer, &filter)
            .filter(deal::Column::Id.eq(deal.0))
            .filter(deal::Column::Status.eq(DealStatus::Open))
            .one(&self.db)
            .await
            .or_internal()?
        else {
            return Ok(None);
        };
        let stages = stages_of(&self.db, viewer, row.pipeline_id).await?;
        let stage = StageId(row.stage_id);
        Ok(cards(&self.db, vec![row], &rotting_of(&stages), Utc::now())
            .await?
            .pop()
            .map(|card| (card, stage)))
    }

    async fn page(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        stages: &[stage::Model],
        stage_id: Uuid,
        offset: u64,
    ) -> Result<Vec<DealCard>, AppError> {
        let rows = self
            .page_rows(viewer, filter, stage_id, offset, COLUMN_PAGE)
            .await?;
        cards(&self.db, rows, &rotting_of(stages), Utc::now()).await
    }

    /// A column's open deals matching the filter, most recently entered first: a card
    /// just moved in shows at the top.
    fn column_rows(
        viewer: &CurrentUser,
        filter: &DealFilter,
        stage_id: Uuid,
    ) -> Select<deal::Entity> {
        matching(viewer, filter)
            .filter(deal::Column::Status.eq(DealStatus::Open))
            .filter(deal::Column::StageId.eq(stage_id))
            .order_by_desc(deal::Column::StageEnteredAt)
            .order_by_desc(deal::Column::Id)
    }

    /// One page of a column's deals.
    async fn page_rows(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        stage_id: Uuid,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<deal::Model>, AppError> {
        Self::column_rows(viewer, filter, stage_id)
            .offset(offset)
            .limit(limit)
            .all(&self.db)
            .await
            .or_internal()
    }

    /// The first `limit` deals of every column in one statement: each column's page is
    /// its own indexed subquery, joined by UNION ALL. A query per column cost a round
    /// trip to the database each, the largest share of the board's statements.
    async fn first_pages(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        stages: &[stage::Model],
        limit: u64,
    ) -> Result<Vec<deal::Model>, AppError> {
        let pages = stages.iter().map(|stage| {
            let page = Self::column_rows(viewer, filter, stage.id)
                .limit(limit)
                .into_query();
            Query::select()
                .column(Asterisk)
                .from_subquery(page, "page")
                .to_owned()
        });
        let Some(mut all) = union_all(pages) else {
            return Ok(Vec::new());
        };
        // A compound's rows come in no promised order: sort them as each column is
        // sorted (a few dozen rows); grouping by stage keeps that order per column.
        all.order_by(deal::Column::StageEnteredAt, Order::Desc)
            .order_by(deal::Column::Id, Order::Desc);
        let statement = self.db.get_database_backend().build(&all);
        deal::Model::find_by_statement(statement)
            .all(&self.db)
            .await
            .or_internal()
    }
}
