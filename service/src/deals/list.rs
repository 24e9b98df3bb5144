//! The deal list: a sortable, filterable table, and bulk changes that still pass the
//! stage rules deal by deal.

use super::{board::matching, rows::names_of};
use crate::{
    db::OrInternal,
    entity::{deal, stage},
    Crm,
};
use domain::{
    account::CurrentUser,
    board::{BulkChange, BulkResult, DealFilter, DealPage, DealRow, DealSort, MoveDeal},
    deal::DealChange,
    ids::DealId,
    AppError,
};
use sea_orm::{
    sea_query::{Expr, Order},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per page of the list (a bulk change touches at most `limits::BULK_MAX` deals).
pub const LIST_PAGE: u64 = 50;

impl Crm {
    /// One page of deals matching the filter, in the chosen order, with the total count;
    /// from memory while nothing is written (see `fresh`).
    ///
    /// # Errors
    /// `Validation` for a page or search past its bound; database failures.
    pub async fn list_deals(
        &self,
        viewer: &CurrentUser,
        filter: DealFilter,
        sort: DealSort,
        page: u64,
    ) -> Result<DealPage, AppError> {
        filter.check()?;
        let page = domain::limits::check_page(page)?;
        let key = (viewer.clone(), filter, sort, page);
        self.kept_or(
            &self.kept.lists,
            viewer.workspace_id,
            key,
            async |(_, filter, sort, page)| self.read_deal_list(viewer, filter, *sort, *page).await,
        )
        .await
    }

    /// A page of the list as the database has it now; its bounds are checked already.
    async fn read_deal_list(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        sort: DealSort,
        page: u64,
    ) -> Result<DealPage, AppError> {
        let query = matching(viewer, filter);
        let total = self.matching_count(viewer, filter, query.clone()).await?;
        let query = match sort {
            // Both descending: the (workspace, updated_at, id) index read backwards
            // gives this order, so a page reads fifty rows instead of sorting them all.
            DealSort::Updated => query
                .order_by_desc(deal::Column::UpdatedAt)
                .order_by_desc(deal::Column::Id),
            // LOWER and an explicit NULL order: the engines collate and place NULLs
            // differently, and the list must read the same on both.
            DealSort::Title => query.order_by(Expr::cust("LOWER(deals.title)"), Order::Asc),
            DealSort::ValueDesc => query.order_by_desc(deal::Column::ValueCents),
            DealSort::CloseDate => query
                .order_by(Expr::cust("deals.expected_close_on IS NULL"), Order::Asc)
                .order_by_asc(deal::Column::ExpectedCloseOn),
            DealSort::Stage => query
                .order_by(
                    Expr::cust("(SELECT position FROM stages WHERE stages.id = deals.stage_id)"),
                    Order::Asc,
                )
                .order_by_desc(deal::Column::StageEnteredAt),
        };
        // The id breaks ties, so pages never repeat or skip a deal.
        let query = match sort {
            DealSort::Updated => query,
            _ => query.order_by_asc(deal::Column::Id),
        };
        let rows = query
            .offset(page.saturating_mul(LIST_PAGE))
            .limit(LIST_PAGE)
            .all(&self.db)
            .await
            .or_internal()?;
        // Only what the table shows: the stage's and the names' lookups, not the
        // board's card facts and next activities (two statements and half the page's
        // hydration data for nothing the list displays).
        let stages: HashMap<Uuid, String> = stage::Entity::find()
            .filter(stage::Column::Id.is_in(rows.iter().map(|d| d.stage_id)))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let names = names_of(
            &self.db,
            rows.iter().filter_map(|d| d.company_id).collect(),
            rows.iter().filter_map(|d| d.owner_id).collect(),
        )
        .await?;
        Ok(DealPage {
            rows: rows
                .into_iter()
                .map(|d| DealRow {
                    id: DealId(d.id),
                    version: d.version,
                    company: d.company_id.and_then(|id| names.get(&id).cloned()),
                    owner: d.owner_id.and_then(|id| names.get(&id).cloned()),
                    value_cents: d.value_cents,
                    currency: d.currency,
                    stage: stages.get(&d.stage_id).cloned().unwrap_or_default(),
                    status: d.status,
                    expected_close_on: d.expected_close_on,
                    title: d.title,
                })
                .collect(),
            total,
        })
    }

    /// Applies one change to many deals, each through the same checks as a single edit.
    /// Deals that cannot take it are listed with the reason; the rest are changed.
    ///
    /// # Errors
    /// `Validation` when more than 200 deals are picked.
    pub async fn bulk_change(
        &self,
        viewer: &CurrentUser,
        deals: Vec<(DealId, i32)>,
        change: BulkChange,
    ) -> Result<BulkResult, AppError> {
        domain::limits::check_bulk(deals.len())?;
        let mut result = BulkResult::default();
        for (deal, version) in deals {
            let outcome = match &change {
                BulkChange::Stage(stage) => {
                    self.move_deal(
                        viewer,
                        MoveDeal {
                            deal,
                            version,
                            stage: *stage,
                            changes: Vec::new(),
                        },
                    )
                    .await
                }
                BulkChange::Owner(owner) => {
                    self.update_deal(viewer, deal, version, vec![DealChange::Owner(Some(*owner))])
                        .await
                }
            };
            match outcome {
                Ok(_) => result.changed += 1,
                Err(error) => {
                    let title = super::rows::load_deal(&self.db, viewer, deal)
                        .await
                        .map_or_else(|_| "A deal".to_owned(), |d| d.title);
                    result.refused.push((title, error.explain()));
                }
            }
        }
        Ok(result)
    }
}
