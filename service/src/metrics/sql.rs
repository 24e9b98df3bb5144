//! The dashboard's aggregates in SQL: sums over the per-day rollups the database keeps
//! beside the deals (see the rollups migration), never deal rows in memory. A quarter
//! reads a few rows per owner and day, however many deals the workspace holds.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::deal::DealStatus;
use domain::{
    metrics::{
        ClosedGroup, CycleCount, ForecastGroup, LostGroup, OpenGroup, Period, ReachGroup,
        SourceGroup, StageFact, StayGroup,
    },
    AppError,
};
use sea_orm::{ConnectionTrait, DbBackend};
use uuid::Uuid;

use crate::raw::{count, get, rows, Sql};

/// Which deals: one workspace's pipeline, maybe only some owners (one rep, a team).
pub(crate) struct DealScope {
    pub workspace: Uuid,
    pub pipeline: Uuid,
    pub owners: Option<Vec<Uuid>>,
}

impl DealScope {
    /// The owner a rollup row counts under: deals without owner count under the
    /// workspace's own id (see the rollups migration), which is nobody's.
    fn owner(&self, key: Uuid) -> Option<Uuid> {
        (key != self.workspace).then_some(key)
    }
}

/// The rollups' recurring conditions.
trait Scoped {
    fn scoped(self, scope: &DealScope) -> Self;
    fn scoped_total(self, scope: &DealScope) -> Self;
    fn owned(self, scope: &DealScope) -> Self;
    fn total(self, scope: &DealScope) -> Self;
    fn on_days(self, column: &str, period: &Period) -> Self;
}

impl Scoped for Sql {
    /// `r.` rollup rows of the scope's pipeline, one per owner.
    fn scoped(self, scope: &DealScope) -> Sql {
        self.bind(" r.workspace_id = ?", scope.workspace)
            .bind(" AND r.pipeline_id = ?", scope.pipeline)
            .owned(scope)
    }

    /// The same from a rollup that also keeps everyone's total.
    fn scoped_total(self, scope: &DealScope) -> Sql {
        self.bind(" r.workspace_id = ?", scope.workspace)
            .bind(" AND r.pipeline_id = ?", scope.pipeline)
            .total(scope)
    }

    fn owned(self, scope: &DealScope) -> Sql {
        match &scope.owners {
            Some(owners) => self.any_of("r.owner_key", owners),
            None => self,
        }
    }

    /// The owners asked for, or the rows keeping all owners' total (the nil id, see the
    /// rollups migration).
    fn total(self, scope: &DealScope) -> Sql {
        owners_or_total(self, scope.owners.as_deref())
    }

    /// A day column within the period: the rollups key their rows by UTC day.
    fn on_days(self, column: &str, period: &Period) -> Sql {
        self.bind(&format!(" AND {column} >= ?"), period.from)
            .bind(&format!(" AND {column} < ?"), day_after(period.to))
    }
}

/// `r.owner_key` among `owners`, or the rows keeping all owners' total (the nil id,
/// see the rollups migration) when every owner counts.
fn owners_or_total(sql: Sql, owners: Option<&[Uuid]>) -> Sql {
    match owners {
        Some(owners) => sql.any_of("r.owner_key", owners),
        None => sql.bind(" AND r.owner_key = ?", Uuid::nil()),
    }
}

pub(crate) fn day_after(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

/// Midnight UTC of the first day, and of the day after the last.
fn bounds(period: &Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    (midnight(period.from), midnight(day_after(period.to)))
}

/// `YYYY-MM` of a day column.
fn month_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
        _ => format!("substr({column}, 1, 7)"),
    }
}

/// A rollup sum as a 64-bit integer (PostgreSQL sums bigints as numeric).
fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")
}

/// Deals closed in the period: outcome groups, the cycle histogram and lost reasons,
/// three reads of three rollups run side by side on the pool.
pub(crate) async fn closed<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<(Vec<ClosedGroup>, Vec<CycleCount>, Vec<LostGroup>), AppError> {
    tokio::try_join!(
        outcomes(conn, scope, period),
        cycles(conn, scope, period),
        lost_reasons(conn, scope, period)
    )
}

async fn outcomes<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<Vec<ClosedGroup>, AppError> {
    let sql = Sql::new(&format!(
        "SELECT r.owner_key, r.status, r.currency, {}, {}, {} FROM rollup_closed r WHERE",
        sum("r.deals"),
        sum("r.value_cents"),
        sum("r.cycle_days")
    ))
    .scoped(scope)
    .on_days("r.closed_on", period)
    .push(" GROUP BY r.owner_key, r.status, r.currency HAVING SUM(r.deals) > 0");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(ClosedGroup {
            owner: scope.owner(get(&row, 0)?),
            won: get::<DealStatus>(&row, 1)? == DealStatus::Won,
            currency: get(&row, 2)?,
            deals: count(&row, 3)?,
            value_cents: get(&row, 4)?,
            cycle_days: get(&row, 5)?,
        });
    }
    Ok(groups)
}

async fn cycles<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<Vec<CycleCount>, AppError> {
    let sql = Sql::new(&format!(
        "SELECT CAST(r.cycle AS BIGINT), {} FROM rollup_won_cycles r WHERE",
        sum("r.deals")
    ))
    .scoped_total(scope)
    .on_days("r.closed_on", period)
    .push(" GROUP BY r.cycle HAVING SUM(r.deals) > 0");
    let mut cycles = Vec::new();
    for row in rows(conn, sql).await? {
        cycles.push(CycleCount {
            days: get(&row, 0)?,
            deals: count(&row, 1)?,
        });
    }
    Ok(cycles)
}

async fn lost_reasons<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<Vec<LostGroup>, AppError> {
    let sql = Sql::new(&format!(
        "SELECT r.reason, {} FROM rollup_lost r WHERE",
        sum("r.deals")
    ))
    .scoped_total(scope)
    .on_days("r.closed_on", period)
    .push(" GROUP BY r.reason HAVING SUM(r.deals) > 0");
    let mut lost = Vec::new();
    for row in rows(conn, sql).await? {
        let reason: String = get(&row, 0)?;
        lost.push(LostGroup {
            reason: (!reason.is_empty()).then_some(reason),
            deals: count(&row, 1)?,
        });
    }
    Ok(lost)
}

/// Every deal created and still there, of any status, in the workspace or one of its
/// pipelines: `owners` keys, or the rows keeping everyone's total.
pub(crate) async fn created<C: ConnectionTrait>(
    conn: &C,
    workspace: Uuid,
    pipeline: Option<Uuid>,
    owners: Option<Vec<Uuid>>,
) -> Result<u64, AppError> {
    let sql = Sql::new(&format!(
        "SELECT {} FROM rollup_created r WHERE",
        sum("r.deals")
    ))
    .bind(" r.workspace_id = ?", workspace);
    // Each pipeline by its own key range, rather than the workspace's whole range.
    let sql = match pipeline {
        Some(pipeline) => sql.bind(" AND r.pipeline_id = ?", pipeline),
        None => sql.bind(
            " AND r.pipeline_id IN (SELECT id FROM pipelines WHERE workspace_id = ?)",
            workspace,
        ),
    };
    let sql = owners_or_total(sql, owners.as_deref());
    match rows(conn, sql).await?.first() {
        Some(row) => count(row, 0),
        None => Ok(0),
    }
}

pub(crate) async fn open<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
) -> Result<Vec<OpenGroup>, AppError> {
    let sql = Sql::new(&format!(
        "SELECT r.stage_id, r.owner_key, r.currency, {}, {} FROM rollup_open r WHERE",
        sum("r.deals"),
        sum("r.value_cents")
    ))
    .scoped(scope)
    .push(" GROUP BY r.stage_id, r.owner_key, r.currency HAVING SUM(r.deals) > 0");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(OpenGroup {
            stage: get(&row, 0)?,
            owner: scope.owner(get(&row, 1)?),
            currency: get(&row, 2)?,
            deals: count(&row, 3)?,
            value_cents: get(&row, 4)?,
        });
    }
    Ok(groups)
}

/// Open deals expected to close in the months the period touches, per stage; deals won
/// in the period, per month.
pub(crate) async fn forecast<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<Vec<ForecastGroup>, AppError> {
    let backend = conn.get_database_backend();
    let first = period.from.with_day0(0).unwrap_or(period.from);
    let after = period
        .to
        .with_day0(0)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(period.to);
    let month = |day: NaiveDate| day.format("%Y-%m").to_string();
    let sql = Sql::new(&format!(
        "SELECT r.close_month, r.stage_id, r.currency, {} FROM rollup_open r WHERE",
        sum("r.value_cents")
    ))
    .scoped(scope)
    .bind(" AND r.close_month >= ?", month(first))
    .bind(" AND r.close_month < ?", month(after))
    .push(" GROUP BY r.close_month, r.stage_id, r.currency HAVING SUM(r.deals) > 0");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(ForecastGroup {
            month: get(&row, 0)?,
            stage: Some(get(&row, 1)?),
            currency: get(&row, 2)?,
            value_cents: get(&row, 3)?,
        });
    }
    let month = month_of(backend, "r.closed_on");
    let sql = Sql::new(&format!(
        "SELECT {month}, r.currency, {} FROM rollup_closed r WHERE",
        sum("r.value_cents")
    ))
    .scoped(scope)
    .push(" AND r.status = 'won'")
    .on_days("r.closed_on", period)
    .push(" GROUP BY 1, 2 HAVING SUM(r.deals) > 0");
    for row in rows(conn, sql).await? {
        groups.push(ForecastGroup {
            month: get(&row, 0)?,
            stage: None,
            currency: get(&row, 1)?,
            value_cents: get(&row, 2)?,
        });
    }
    Ok(groups)
}

pub(crate) async fn new_deals<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<u64, AppError> {
    let sql = Sql::new(&format!(
        "SELECT {} FROM rollup_created r WHERE",
        sum("r.deals")
    ))
    .scoped_total(scope)
    .on_days("r.created_on", period);
    match rows(conn, sql).await?.first() {
        Some(row) => count(row, 0),
        None => Ok(0),
    }
}

/// Completed stays in the pipeline's stages that ended in the period, per stage: the
/// stays rollup is keyed by stage, so the pipeline is its list of stages.
pub(crate) async fn stays<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    stages: &[StageFact],
    period: &Period,
) -> Result<Vec<StayGroup>, AppError> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = stages.iter().map(|s| s.id).collect();
    let sql = Sql::new(&format!(
        "SELECT r.stage_id, {}, {} FROM rollup_stays r WHERE",
        sum("r.stays"),
        sum("r.seconds")
    ))
    .bind(" r.workspace_id = ?", scope.workspace)
    .any_of("r.stage_id", &ids)
    .total(scope)
    .on_days("r.left_on", period)
    .push(" GROUP BY r.stage_id HAVING SUM(r.stays) > 0");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(StayGroup {
            stage: get(&row, 0)?,
            stays: count(&row, 1)?,
            seconds: get(&row, 2)?,
        });
    }
    Ok(groups)
}

/// How many deals created in the period got furthest to each stage position: each
/// deal's `reach` is kept by the stage history (see the rollups migration).
pub(crate) async fn reach<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    stages: &[StageFact],
    period: &Period,
) -> Result<Vec<ReachGroup>, AppError> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let sql = Sql::new(&format!(
        "SELECT r.reach, {} FROM rollup_created r WHERE",
        sum("r.deals")
    ))
    .scoped_total(scope)
    .on_days("r.created_on", period)
    .push(" AND r.reach >= 0 GROUP BY r.reach HAVING SUM(r.deals) > 0");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(ReachGroup {
            position: get(&row, 0)?,
            deals: count(&row, 1)?,
        });
    }
    Ok(groups)
}

/// Leads created in the period per source, and how many became deals.
pub(crate) async fn sources<C: ConnectionTrait>(
    conn: &C,
    workspace: Uuid,
    owners: Option<&[Uuid]>,
    period: &Period,
) -> Result<Vec<SourceGroup>, AppError> {
    let sql = Sql::new(
        "SELECT l.source, COUNT(*), \
         CAST(COALESCE(SUM(CASE WHEN l.deal_id IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) \
         FROM leads l WHERE",
    )
    .bind(" l.workspace_id = ?", workspace);
    let (start, end) = bounds(period);
    let sql = sql
        .bind(" AND l.created_at >= ?", start)
        .bind(" AND l.created_at < ?", end);
    let sql = match owners {
        Some(owners) => sql.any_of("l.owner_id", owners),
        None => sql,
    }
    .push(" GROUP BY l.source");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(SourceGroup {
            source: get(&row, 0)?,
            leads: count(&row, 1)?,
            converted: count(&row, 2)?,
        });
    }
    Ok(groups)
}
