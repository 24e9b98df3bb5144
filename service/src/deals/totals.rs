//! Exact counts: a board column's open deals and their value per currency, and how many
//! deals the list's filter matches.
//!
//! Grouping or counting the matching deals reads an index entry per deal on every
//! request: about a millisecond at 10,000 deals, a hundred times that at 1,000,000. The
//! rollups the triggers keep beside the deals (see the rollups migration) hold the same
//! sums in a few rows per stage or day, owner and currency, so a filter by pipeline and
//! owner alone reads those. A search text, a tag or "no next step" narrows by what the
//! rollups do not keep; those count the matching deals.

use super::board::matching;
use super::rows::stage_info;
use crate::{db::OrInternal, entity::deal, metrics, raw::Sql, Crm};
use domain::{
    account::CurrentUser,
    board::{ColumnTotals, DealFilter},
    deal::DealStatus,
    money::Currency,
    pipeline::{weighted_cents, StageValue},
    AppError,
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QuerySelect, Select,
};
use std::collections::HashMap;
use uuid::Uuid;

use crate::entity::stage;

/// Open deals and their value for one stage and currency.
struct Sum {
    stage: Uuid,
    currency: String,
    deals: u64,
    value_cents: i64,
}

impl Crm {
    /// Open deals, value and weighted value per stage and currency of the filter's
    /// pipeline (the caller has set it).
    pub(super) async fn totals(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        stages: &[stage::Model],
    ) -> Result<HashMap<Uuid, ColumnTotals>, AppError> {
        let sums = match (filter.pipeline, rollup_owners(viewer, filter)) {
            (Some(pipeline), Some(owners)) if !self.rollups_paused(viewer).await? => {
                self.rollup_sums(viewer, pipeline.0, owners.as_deref())
                    .await?
            }
            _ => self.grouped_sums(viewer, filter).await?,
        };
        let probability: HashMap<Uuid, u8> = stages
            .iter()
            .map(|s| (s.id, stage_info(s).probability))
            .collect();
        let mut totals: HashMap<Uuid, ColumnTotals> = HashMap::new();
        for sum in sums {
            let entry = totals.entry(sum.stage).or_default();
            entry.deals = entry.deals.saturating_add(sum.deals);
            entry.values.push(StageValue {
                currency: Currency::parse(&sum.currency).unwrap_or(Currency::USD),
                value_cents: sum.value_cents,
                weighted_cents: weighted_cents(
                    sum.value_cents,
                    probability.get(&sum.stage).copied().unwrap_or(0),
                ),
            });
        }
        // Largest first; equal values by currency code, so the order never depends on
        // the order the rows came in.
        for column in totals.values_mut() {
            column.values.sort_by(|a, b| {
                (b.value_cents.cmp(&a.value_cents))
                    .then_with(|| a.currency.as_str().cmp(b.currency.as_str()))
            });
        }
        Ok(totals)
    }

    /// How many deals of any status `query` (the filter's deals) finds.
    pub(super) async fn matching_count(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
        query: Select<deal::Entity>,
    ) -> Result<u64, AppError> {
        match rollup_owners(viewer, filter) {
            Some(owners) if !self.rollups_paused(viewer).await? => {
                let pipeline = filter.pipeline.map(|p| p.0);
                metrics::deal_count(&self.db, viewer, pipeline, owners.as_deref()).await
            }
            _ => query.count(&self.db).await.or_internal(),
        }
    }

    /// From the open-deal rollup: the dashboard's own query, folded over owners.
    async fn rollup_sums(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        owners: Option<&[Uuid]>,
    ) -> Result<Vec<Sum>, AppError> {
        let groups = metrics::open_groups(&self.db, viewer, pipeline, owners).await?;
        let mut sums: HashMap<(Uuid, String), Sum> = HashMap::new();
        for group in groups {
            let sum = sums
                .entry((group.stage, group.currency.clone()))
                .or_insert(Sum {
                    stage: group.stage,
                    currency: group.currency,
                    deals: 0,
                    value_cents: 0,
                });
            sum.deals = sum.deals.saturating_add(group.deals);
            sum.value_cents = sum.value_cents.saturating_add(group.value_cents);
        }
        Ok(sums.into_values().collect())
    }

    /// From the matching deals, grouped by the database.
    async fn grouped_sums(
        &self,
        viewer: &CurrentUser,
        filter: &DealFilter,
    ) -> Result<Vec<Sum>, AppError> {
        // CAST: PostgreSQL sums BIGINT into NUMERIC; both engines then hand back an i64.
        let rows: Vec<(Uuid, String, i64, i64)> = matching(viewer, filter)
            .select_only()
            .column(deal::Column::StageId)
            .column(deal::Column::Currency)
            .column_as(Expr::cust("COUNT(*)"), "deals")
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(value_cents), 0) AS BIGINT)"),
                "value",
            )
            .filter(deal::Column::Status.eq(DealStatus::Open))
            .group_by(deal::Column::StageId)
            .group_by(deal::Column::Currency)
            .into_tuple()
            .all(&self.db)
            .await
            .or_internal()?;
        Ok(rows
            .into_iter()
            .map(|(stage, currency, deals, value_cents)| Sum {
                stage,
                currency,
                deals: u64::try_from(deals).unwrap_or(0),
                value_cents,
            })
            .collect())
    }

    /// While a bulk load runs (the demo seeder), the triggers skip the workspace's rows
    /// and its rollups are incomplete until the load recounts them.
    async fn rollups_paused(&self, viewer: &CurrentUser) -> Result<bool, AppError> {
        let sql = Sql::new("SELECT 1 FROM rollups_paused WHERE workspace_id = ?")
            .bind("", viewer.workspace_id.0);
        let backend = self.db.get_database_backend();
        Ok(self
            .db
            .query_one_raw(sql.statement(backend))
            .await
            .or_internal()?
            .is_some())
    }
}

/// The owners whose rollup rows answer the filter (`Some(None)`: every owner's), or
/// `None` when the filter narrows by something the rollup does not keep.
fn rollup_owners(viewer: &CurrentUser, filter: &DealFilter) -> Option<Option<Vec<Uuid>>> {
    if !filter.text.trim().is_empty() || !filter.tag.trim().is_empty() || filter.no_next_step {
        return None;
    }
    let chosen = if filter.mine {
        Some(viewer.user_id.0)
    } else {
        filter.owner.map(|owner| owner.0)
    };
    Some(chosen.map(|owner| vec![owner]))
}
