//! The dashboard's figures for a workspace: SQL aggregates (see `sql`) finished by the
//! formulas in `domain::metrics`, for the period and the one before it.

mod sql;

use crate::raw::Sql;
use crate::{
    db::OrInternal,
    entity::{deal, lead, pipeline, stage_change, user},
    goals::GoalQuery,
    Crm,
};
use chrono::Utc;
use domain::{
    account::CurrentUser,
    metrics::{
        Aggregates, Context, Dashboard, DealFact, LeadFact, MetricsFilter, Period, StageChangeFact,
        StageFact,
    },
    AppError,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
pub(crate) use sql::day_after;
use sql::DealScope;
use std::collections::HashMap;
use uuid::Uuid;

/// The raw records behind the figures of one pipeline, for checking them independently.
#[derive(Debug, Clone, Default)]
pub struct MetricFacts {
    pub stages: Vec<StageFact>,
    pub deals: Vec<DealFact>,
    pub changes: Vec<StageChangeFact>,
    pub leads: Vec<LeadFact>,
}

impl Crm {
    /// Every dashboard figure for the filter, with the previous period's headline; from
    /// memory while nothing is written (see `fresh`).
    ///
    /// # Errors
    /// `Validation` for a period outside 1970–2100 or longer than ten years; `NotFound`
    /// for a pipeline or owner outside the viewer's workspace.
    pub async fn dashboard(
        &self,
        viewer: &CurrentUser,
        filter: MetricsFilter,
    ) -> Result<Dashboard, AppError> {
        // First: the figures' work and size grow with the period's days and months.
        filter.period.check()?;
        let key = (viewer.clone(), filter);
        self.kept_or(
            &self.kept.dashboards,
            viewer.workspace_id,
            key,
            async |(_, filter)| self.read_dashboard(viewer, filter).await,
        )
        .await
    }

    /// The dashboard as the database has it now; its period is checked already.
    async fn read_dashboard(
        &self,
        viewer: &CurrentUser,
        filter: &MetricsFilter,
    ) -> Result<Dashboard, AppError> {
        let pipeline = self.metrics_pipeline(viewer, filter.pipeline).await?;
        let names = self.owner_names(viewer).await?;
        if filter.owner.is_some_and(|o| !names.contains_key(&o)) {
            return Err(AppError::NotFound);
        }
        let members = match filter.team {
            Some(team) => self.team_members(viewer, team).await?,
            None => Vec::new(),
        };
        let owners = filter.owners(&members);
        let stages = self.stage_facts(viewer, pipeline.id).await?;
        let scope = scope(viewer, pipeline.id, owners.as_deref());
        let current = self
            .aggregates(viewer, &scope, &stages, filter.period)
            .await?;
        let previous = self
            .headline_aggregates(
                viewer,
                pipeline.id,
                owners.as_deref(),
                filter.period.previous(),
                &current,
            )
            .await?;
        let context = Context {
            filter,
            pipeline: pipeline.id,
            pipeline_name: &pipeline.name,
            stages: &stages,
            names: &names,
        };
        let mut dashboard = Dashboard::finish(&context, &current, &previous);
        let goals = GoalQuery {
            period: filter.period,
            owner: filter.owner,
            team: filter.team,
            today: Utc::now().date_naive(),
        };
        dashboard.goals = self.goals(viewer, &goals).await?;
        Ok(dashboard)
    }

    /// All aggregates of one period, computed by the database.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn metrics_aggregates(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        owners: Option<&[Uuid]>,
        period: Period,
    ) -> Result<Aggregates, AppError> {
        period.check()?;
        let stages = self.stage_facts(viewer, pipeline).await?;
        self.aggregates(viewer, &scope(viewer, pipeline, owners), &stages, period)
            .await
    }

    /// The aggregates of one period for a scope whose stages are already loaded.
    async fn aggregates(
        &self,
        viewer: &CurrentUser,
        scope: &DealScope,
        stages: &[StageFact],
        period: Period,
    ) -> Result<Aggregates, AppError> {
        let owners = scope.owners.as_deref();
        // Independent reads of the rollups: side by side on the pool's connections.
        let db = &self.db;
        let ((closed, cycles, lost_reasons), open, forecast, stays, reach, sources, new_deals) = tokio::try_join!(
            sql::closed(db, scope, &period),
            sql::open(db, scope),
            sql::forecast(db, scope, &period),
            sql::stays(db, scope, stages, &period),
            sql::reach(db, scope, stages, &period),
            sql::sources(db, viewer.workspace_id.0, owners, &period),
            sql::new_deals(db, scope, &period),
        )?;
        Ok(Aggregates {
            closed,
            cycles,
            open,
            forecast,
            lost_reasons,
            stays,
            reach,
            sources,
            new_deals,
        }
        .sorted())
    }

    /// What the previous period's headline needs: its closed deals and new deals (the
    /// open pipeline is "now" in both periods).
    async fn headline_aggregates(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        owners: Option<&[Uuid]>,
        period: Period,
        current: &Aggregates,
    ) -> Result<Aggregates, AppError> {
        let scope = scope(viewer, pipeline, owners);
        let ((closed, cycles, lost_reasons), new_deals) = tokio::try_join!(
            sql::closed(&self.db, &scope, &period),
            sql::new_deals(&self.db, &scope, &period),
        )?;
        Ok(Aggregates {
            closed,
            cycles,
            open: current.open.clone(),
            lost_reasons,
            new_deals,
            ..Aggregates::default()
        }
        .sorted())
    }

    /// The pipeline asked for, or the workspace's first.
    pub(crate) async fn metrics_pipeline(
        &self,
        viewer: &CurrentUser,
        id: Option<Uuid>,
    ) -> Result<pipeline::Model, AppError> {
        match id {
            Some(id) => pipeline::Entity::find_by_id(id)
                .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .one(&self.db)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound),
            None => self.first_pipeline(viewer).await,
        }
    }

    async fn owner_names(&self, viewer: &CurrentUser) -> Result<HashMap<Uuid, String>, AppError> {
        Ok(user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }

    async fn stage_facts(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
    ) -> Result<Vec<StageFact>, AppError> {
        Ok(crate::deals::stages_of(&self.db, viewer, pipeline)
            .await?
            .into_iter()
            .map(|s| StageFact {
                id: s.id,
                name: s.name,
                position: s.position,
                probability: u8::try_from(s.probability.clamp(0, 100)).unwrap_or(0),
            })
            .collect())
    }

    /// Every record of the workspace the figures are computed from, row by row: for
    /// tests and checks that recompute the figures independently. Loads everything;
    /// never used by the dashboard itself.
    ///
    /// # Errors
    /// `NotFound` for a foreign pipeline.
    pub async fn metric_facts(
        &self,
        viewer: &CurrentUser,
        pipeline: Option<Uuid>,
    ) -> Result<(Uuid, MetricFacts), AppError> {
        let pipeline = self.metrics_pipeline(viewer, pipeline).await?;
        let workspace = viewer.workspace_id.0;
        let deals = deal::Entity::find()
            .filter(deal::Column::WorkspaceId.eq(workspace))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|d| DealFact {
                id: d.id,
                pipeline: d.pipeline_id,
                stage: d.stage_id,
                owner: d.owner_id,
                state: d.status,
                value_cents: d.value_cents,
                currency: d.currency.to_string(),
                created_on: d.created_at.date_naive(),
                closed_on: d.closed_at.map(|c| c.date_naive()),
                expected_close_on: d.expected_close_on,
                lost_reason: d.lost_reason,
            })
            .collect();
        let changes = stage_change::Entity::find()
            .filter(stage_change::Column::WorkspaceId.eq(workspace))
            .order_by_asc(stage_change::Column::At)
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|c| StageChangeFact {
                id: c.id,
                deal: c.deal_id,
                to_stage: c.to_stage_id,
                status: c.status,
                at: c.at,
            })
            .collect();
        let leads = lead::Entity::find()
            .filter(lead::Column::WorkspaceId.eq(workspace))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|l| LeadFact {
                owner: l.owner_id,
                source: l.source,
                created_on: l.created_at.date_naive(),
                converted: l.deal_id.is_some(),
            })
            .collect();
        let stages = self.stage_facts(viewer, pipeline.id).await?;
        Ok((
            pipeline.id,
            MetricFacts {
                stages,
                deals,
                changes,
                leads,
            },
        ))
    }
}

/// Recomputes each deal's furthest position in its pipeline from its history, after
/// the pipeline's stages were reordered or removed; the rollup triggers move each
/// changed deal in the funnel's rollup.
///
/// # Errors
/// `Internal` when the database fails.
pub(crate) async fn recompute_reach<C: ConnectionTrait>(
    conn: &C,
    pipeline: Uuid,
) -> Result<(), AppError> {
    let sql = Sql::new(&format!(
        "UPDATE deals SET reach = {} WHERE",
        crate::migration::reach_of("deals")
    ))
    .bind(" pipeline_id = ?", pipeline);
    conn.execute_raw(sql.statement(conn.get_database_backend()))
        .await
        .or_internal()?;
    Ok(())
}

/// Open deals per stage, owner and currency from the open-deal rollup, as the viewer
/// sees them (`owners`: only these): the board's column totals read these too.
pub(crate) async fn open_groups<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    pipeline: Uuid,
    owners: Option<&[Uuid]>,
) -> Result<Vec<domain::metrics::OpenGroup>, AppError> {
    sql::open(conn, &scope(viewer, pipeline, owners)).await
}

/// The deals a figure counts. A narrowed rep's figures are those of the deals their
/// board shows: their own, their team's and, unless they chose owners, nobody's (kept
/// under the workspace id, see the rollups migration).
fn scope(viewer: &CurrentUser, pipeline: Uuid, owners: Option<&[Uuid]>) -> DealScope {
    DealScope {
        workspace: viewer.workspace_id.0,
        pipeline,
        owners: owner_keys(viewer, owners),
    }
}

/// The rollups' owner keys for the owners chosen (`None`: everyone), narrowed to those
/// the viewer sees; `None` when every owner counts.
fn owner_keys(viewer: &CurrentUser, owners: Option<&[Uuid]>) -> Option<Vec<Uuid>> {
    let chosen = owners.map(<[Uuid]>::to_vec);
    let nobodys = chosen.is_none() && viewer.sees.owners().is_some();
    let mut keys = viewer.sees.narrow(chosen);
    if nobodys {
        keys.get_or_insert_with(Vec::new)
            .push(viewer.workspace_id.0);
    }
    keys
}

/// How many deals, of any status, the workspace (one pipeline, `Some`) holds as the
/// viewer sees them (`owners`: only these), from the rollup of created deals: a few
/// rows per owner and day where counting the deals reads one index entry per deal.
pub(crate) async fn deal_count<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    pipeline: Option<Uuid>,
    owners: Option<&[Uuid]>,
) -> Result<u64, AppError> {
    sql::created(
        conn,
        viewer.workspace_id.0,
        pipeline,
        owner_keys(viewer, owners),
    )
    .await
}

/// The dashboard's separate database queries, named for benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardQuery {
    /// Deals closed in the period: outcome groups, cycle histogram, lost reasons.
    Closed,
    Open,
    Forecast,
    NewDeals,
    TimeInStage,
    Funnel,
    LeadSources,
}

impl DashboardQuery {
    pub const ALL: [DashboardQuery; 7] = [
        DashboardQuery::Closed,
        DashboardQuery::Open,
        DashboardQuery::Forecast,
        DashboardQuery::NewDeals,
        DashboardQuery::TimeInStage,
        DashboardQuery::Funnel,
        DashboardQuery::LeadSources,
    ];
}

impl Crm {
    /// Runs one of the dashboard's queries on its own and says how many groups it
    /// returned: what `bench/metrics.sh` times.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn run_dashboard_query(
        &self,
        viewer: &CurrentUser,
        pipeline: Uuid,
        period: Period,
        query: DashboardQuery,
    ) -> Result<usize, AppError> {
        let scope = scope(viewer, pipeline, None);
        let stages = self.stage_facts(viewer, pipeline).await?;
        Ok(match query {
            DashboardQuery::Closed => {
                let (closed, cycles, lost) = sql::closed(&self.db, &scope, &period).await?;
                closed.len() + cycles.len() + lost.len()
            }
            DashboardQuery::Open => sql::open(&self.db, &scope).await?.len(),
            DashboardQuery::Forecast => sql::forecast(&self.db, &scope, &period).await?.len(),
            DashboardQuery::NewDeals => {
                usize::from(sql::new_deals(&self.db, &scope, &period).await? > 0)
            }
            DashboardQuery::TimeInStage => {
                sql::stays(&self.db, &scope, &stages, &period).await?.len()
            }
            DashboardQuery::Funnel => sql::reach(&self.db, &scope, &stages, &period).await?.len(),
            DashboardQuery::LeadSources => {
                sql::sources(&self.db, viewer.workspace_id.0, None, &period)
                    .await?
                    .len()
            }
        })
    }
}
