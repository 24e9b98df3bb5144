//! The dashboard's aggregates in SQL: grouped sums and counts over covering indexes,
//! never deal rows in memory. Date arithmetic differs per engine; each helper below
//! says the same thing in SQLite's and PostgreSQL's words.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::{
    metrics::{
        ClosedGroup, CycleCount, ForecastGroup, LostGroup, OpenGroup, Period, ReachGroup,
        SourceGroup, StageFact, StayGroup, WON_REACH,
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

/// The dashboard's two recurring conditions.
trait Scoped {
    fn scoped(self, scope: &DealScope) -> Self;
    fn between(self, column: &str, period: &Period) -> Self;
}

impl Scoped for Sql {
    /// `d.` columns limited to the scope.
    fn scoped(self, scope: &DealScope) -> Sql {
        let sql = self
            .bind(" d.workspace_id = ?", scope.workspace)
            .bind(" AND d.pipeline_id = ?", scope.pipeline);
        match &scope.owners {
            Some(owners) => sql.any_of("d.owner_id", owners),
            None => sql,
        }
    }

    fn between(self, column: &str, period: &Period) -> Sql {
        let (start, end) = bounds(period);
        self.bind(&format!(" AND {column} >= ?"), start)
            .bind(&format!(" AND {column} < ?"), end)
    }
}

/// Midnight UTC of the first day, and of the day after the last.
pub(crate) fn bounds(period: &Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
    (
        midnight(period.from),
        midnight(period.to.succ_opt().unwrap_or(period.to)),
    )
}

/// Whole days from the UTC day of `from` to the UTC day of `to`.
fn days_between(backend: DbBackend, from: &str, to: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("(({to} AT TIME ZONE 'UTC')::date - ({from} AT TIME ZONE 'UTC')::date)")
        }
        _ => format!("CAST(julianday(date({to})) - julianday(date({from})) AS INTEGER)"),
    }
}

/// `YYYY-MM` of a timestamp (UTC) or of a date column.
fn month_of(backend: DbBackend, column: &str, is_date: bool) -> String {
    match (backend, is_date) {
        (DbBackend::Postgres, true) => format!("to_char({column}, 'YYYY-MM')"),
        (DbBackend::Postgres, false) => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"),
        (_, true) => format!("substr({column}, 1, 7)"),
        (_, false) => format!("strftime('%Y-%m', {column})"),
    }
}

/// Whole seconds since 1970 of a timestamp.
fn epoch(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(EXTRACT(EPOCH FROM date_trunc('second', {column})) AS BIGINT)")
        }
        _ => format!("CAST(strftime('%s', {column}) AS INTEGER)"),
    }
}

pub(crate) async fn closed<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    period: &Period,
) -> Result<(Vec<ClosedGroup>, Vec<CycleCount>, Vec<LostGroup>), AppError> {
    let backend = conn.get_database_backend();
    let days = days_between(backend, "d.created_at", "d.closed_at");
    let sql = Sql::new(&format!(
        "SELECT d.owner_id, d.status, d.currency, COUNT(*), \
         CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT), CAST(COALESCE(SUM({days}), 0) AS BIGINT) \
         FROM deals d WHERE"
    ))
    .scoped(scope)
    .push(" AND d.status IN ('won', 'lost')")
    .between("d.closed_at", period)
    .push(" GROUP BY d.owner_id, d.status, d.currency");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(ClosedGroup {
            owner: get(&row, 0)?,
            won: get::<String>(&row, 1)? == "won",
            currency: get(&row, 2)?,
            deals: count(&row, 3)?,
            value_cents: get(&row, 4)?,
            cycle_days: get(&row, 5)?,
        });
    }
    let sql = Sql::new(&format!(
        "SELECT CAST({days} AS BIGINT), COUNT(*) FROM deals d WHERE"
    ))
    .scoped(scope)
    .push(" AND d.status = 'won'")
    .between("d.closed_at", period)
    .push(" GROUP BY 1");
    let mut cycles = Vec::new();
    for row in rows(conn, sql).await? {
        cycles.push(CycleCount {
            days: get(&row, 0)?,
            deals: count(&row, 1)?,
        });
    }
    let sql = Sql::new("SELECT d.lost_reason, COUNT(*) FROM deals d WHERE")
        .scoped(scope)
        .push(" AND d.status = 'lost'")
        .between("d.closed_at", period)
        .push(" GROUP BY d.lost_reason");
    let mut lost = Vec::new();
    for row in rows(conn, sql).await? {
        lost.push(LostGroup {
            reason: get(&row, 0)?,
            deals: count(&row, 1)?,
        });
    }
    Ok((groups, cycles, lost))
}

pub(crate) async fn open<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
) -> Result<Vec<OpenGroup>, AppError> {
    let sql = Sql::new(&format!(
        "SELECT d.stage_id, d.owner_id, d.currency, COUNT(*), {} FROM deals d WHERE",
        "CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT)"
    ))
    .scoped(scope)
    .push(" AND d.status = 'open' GROUP BY d.stage_id, d.owner_id, d.currency");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(OpenGroup {
            stage: get(&row, 0)?,
            owner: get(&row, 1)?,
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
    let month = month_of(backend, "d.expected_close_on", true);
    let sql = Sql::new(&format!(
        "SELECT {month}, d.stage_id, d.currency, CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT) \
         FROM deals d WHERE"
    ))
    .scoped(scope)
    .push(" AND d.status = 'open'")
    .bind(" AND d.expected_close_on >= ?", first)
    .bind(" AND d.expected_close_on < ?", after)
    .push(" GROUP BY 1, 2, 3");
    let mut groups = Vec::new();
    for row in rows(conn, sql).await? {
        groups.push(ForecastGroup {
            month: get(&row, 0)?,
            stage: Some(get(&row, 1)?),
            currency: get(&row, 2)?,
            value_cents: get(&row, 3)?,
        });
    }
    let month = month_of(backend, "d.closed_at", false);
    let sql = Sql::new(&format!(
        "SELECT {month}, d.currency, CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT) \
         FROM deals d WHERE"
    ))
    .scoped(scope)
    .push(" AND d.status = 'won'")
    .between("d.closed_at", period)
    .push(" GROUP BY 1, 2");
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
    let sql = Sql::new("SELECT COUNT(*) FROM deals d WHERE")
        .scoped(scope)
        .between("d.created_at", period);
    match rows(conn, sql).await?.first() {
        Some(row) => count(row, 0),
        None => Ok(0),
    }
}

/// Completed stays in the pipeline's stages that ended in the period, per stage, from
/// each step's `left_at`. Without an owner filter the stage history alone answers (a
/// covering range scan); with one, each stay's deal is looked up for its owner.
pub(crate) async fn stays<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    stages: &[StageFact],
    period: &Period,
) -> Result<Vec<StayGroup>, AppError> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let seconds = format!(
        "{} - {}",
        epoch(backend, "c.left_at"),
        epoch(backend, "c.at")
    );
    let ids: Vec<Uuid> = stages.iter().map(|s| s.id).collect();
    let sql = Sql::new(&format!(
        "SELECT c.to_stage_id, COUNT(*), CAST(COALESCE(SUM({seconds}), 0) AS BIGINT) \
         FROM stage_changes c"
    ));
    let sql = match &scope.owners {
        Some(owners) => sql
            .push(" JOIN deals d ON d.id = c.deal_id WHERE")
            .bind(" d.workspace_id = ?", scope.workspace)
            .any_of("d.owner_id", owners)
            .push(" AND"),
        None => sql.push(" WHERE"),
    }
    .bind(" c.workspace_id = ?", scope.workspace)
    .between("c.left_at", period)
    .push(" AND c.status = 'open'")
    .any_of("c.to_stage_id", &ids)
    .push(" GROUP BY c.to_stage_id");
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

/// The furthest stage (by position) each deal created in the period reached. Positions
/// come in as a CASE over the pipeline's few stages rather than a join, so the plan
/// walks the period's deals once and each deal's history by its index.
pub(crate) async fn reach<C: ConnectionTrait>(
    conn: &C,
    scope: &DealScope,
    stages: &[StageFact],
    period: &Period,
) -> Result<Vec<ReachGroup>, AppError> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT r.reach, COUNT(*) FROM (SELECT x.deal_id, \
         MAX(CASE WHEN x.status = 'won' THEN {WON_REACH} ELSE x.position END) AS reach FROM \
         (SELECT c.deal_id, c.status, CASE c.to_stage_id"
    ));
    for stage in stages {
        sql = sql
            .bind(" WHEN ?", stage.id)
            .push(&format!(" THEN {}", stage.position));
    }
    let sql = sql
        .push(" END AS position FROM deals d JOIN stage_changes c ON c.deal_id = d.id WHERE")
        .scoped(scope)
        .between("d.created_at", period)
        .push(") x WHERE x.position IS NOT NULL GROUP BY x.deal_id) r GROUP BY r.reach");
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
    .bind(" l.workspace_id = ?", workspace)
    .between("l.created_at", period);
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
