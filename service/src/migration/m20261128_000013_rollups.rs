//! Per-day rollups of the dashboard's figures, kept by triggers on `deals` and
//! `stage_changes`, so a dashboard query reads a few thousand pre-summed rows instead of
//! every deal of the period, however large the workspace grows.
//!
//! Why triggers and not the service: deals are written by the board, forms, undo, stage
//! removal (bulk moves), imports and the demo seeder; a rollup kept anywhere but the
//! database would drift the first time a new write path forgets it. Each trigger
//! subtracts the old row's share and adds the new row's (upserts of +1/-1), which
//! commutes, so concurrent writers never lose each other's counts.
//!
//! Keys never hold NULL (a NULL never matches an upsert's conflict target): a deal
//! without owner counts under its workspace id (never a user id), no lost reason under
//! '', no expected close date under month ''. `deals.reach` is the furthest position the
//! deal reached in its pipeline (`WON_REACH` once won, -1 before any step), kept by the
//! stage-history trigger and recomputed by the service when a pipeline's stages are
//! reordered or removed.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

/// `domain::metrics::WON_REACH`, frozen here as migrations never change.
const WON_REACH: i32 = 1_000_000;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let sql = Dialect(manager.get_database_backend());
        db.execute_unprepared("ALTER TABLE deals ADD COLUMN reach INTEGER NOT NULL DEFAULT -1")
            .await?;
        db.execute_unprepared(&format!(
            "UPDATE deals SET reach = {}",
            sql.reach_of("deals")
        ))
        .await?;
        for statement in sql.tables() {
            db.execute_unprepared(&statement).await?;
        }
        for statement in sql.backfill() {
            db.execute_unprepared(&statement).await?;
        }
        for statement in sql.triggers() {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// The same statements in SQLite's and PostgreSQL's words.
#[derive(Clone, Copy)]
struct Dialect(DbBackend);

impl Dialect {
    fn postgres(self) -> bool {
        self.0 == DbBackend::Postgres
    }

    /// The UTC day of a timestamp.
    fn day(self, ts: &str) -> String {
        if self.postgres() {
            format!("({ts} AT TIME ZONE 'UTC')::date")
        } else {
            format!("date({ts})")
        }
    }

    /// `YYYY-MM` of a date column, '' without one.
    fn month(self, date: &str) -> String {
        if self.postgres() {
            format!("COALESCE(to_char({date}, 'YYYY-MM'), '')")
        } else {
            format!("COALESCE(substr({date}, 1, 7), '')")
        }
    }

    /// Whole days from the UTC day of `from` to that of `to`.
    fn days(self, from: &str, to: &str) -> String {
        format!("({} - {})", self.day_number(to), self.day_number(from))
    }

    fn day_number(self, ts: &str) -> String {
        if self.postgres() {
            self.day(ts)
        } else {
            format!("CAST(julianday(date({ts})) AS INTEGER)")
        }
    }

    /// Whole seconds from `from` to `to`.
    fn seconds(self, from: &str, to: &str) -> String {
        let epoch = |ts: &str| {
            if self.postgres() {
                format!("CAST(EXTRACT(EPOCH FROM date_trunc('second', {ts})) AS BIGINT)")
            } else {
                format!("CAST(strftime('%s', {ts}) AS INTEGER)")
            }
        };
        format!("({} - {})", epoch(to), epoch(from))
    }

    /// The furthest position the deal `d` reached in its own pipeline, from its history.
    fn reach_of(self, d: &str) -> String {
        format!(
            "COALESCE((SELECT MAX(CASE WHEN c.status = 'won' THEN {WON_REACH} ELSE s.position END) \
             FROM stage_changes c JOIN stages s ON s.id = c.to_stage_id \
             WHERE c.deal_id = {d}.id AND s.pipeline_id = {d}.pipeline_id), -1)"
        )
    }

    fn tables(self) -> Vec<String> {
        let (id, day, count) = if self.postgres() {
            ("uuid", "date", "bigint")
        } else {
            // No declared type: SQLite keeps ids exactly as the deal rows hold them.
            ("blob", "text", "integer")
        };
        let table = |name: &str, keys: &[(&str, &str)], sums: &[&str]| {
            let mut columns: Vec<String> = keys
                .iter()
                .map(|(k, t)| format!("{k} {t} NOT NULL"))
                .collect();
            columns.extend(sums.iter().map(|s| format!("{s} {count} NOT NULL")));
            let key: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
            let rowid = if self.postgres() {
                ""
            } else {
                " WITHOUT ROWID"
            };
            format!(
                "CREATE TABLE {name} ({}, PRIMARY KEY ({})){rowid}",
                columns.join(", "),
                key.join(", ")
            )
        };
        let deal_day = |on: &'static str| {
            [
                ("workspace_id", id),
                ("pipeline_id", id),
                (on, day),
                ("owner_key", id),
            ]
        };
        vec![
            table(
                "rollup_created",
                &[&deal_day("created_on")[..], &[("reach", "integer")]].concat(),
                &["deals"],
            ),
            table(
                "rollup_closed",
                &[
                    &deal_day("closed_on")[..],
                    &[("status", "text"), ("currency", "text")],
                ]
                .concat(),
                &["deals", "value_cents", "cycle_days"],
            ),
            table(
                "rollup_won_cycles",
                &[&deal_day("closed_on")[..], &[("cycle", "integer")]].concat(),
                &["deals"],
            ),
            table(
                "rollup_lost",
                &[&deal_day("closed_on")[..], &[("reason", "text")]].concat(),
                &["deals"],
            ),
            table(
                "rollup_open",
                &[
                    ("workspace_id", id),
                    ("pipeline_id", id),
                    ("stage_id", id),
                    ("owner_key", id),
                    ("currency", "text"),
                    ("close_month", "text"),
                ],
                &["deals", "value_cents"],
            ),
            table(
                "rollup_stays",
                &[
                    ("workspace_id", id),
                    ("stage_id", id),
                    ("left_on", day),
                    ("owner_key", id),
                ],
                &["stays", "seconds"],
            ),
        ]
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) the deal row `r`'s share of each
    /// deal rollup.
    fn deal_shares(self, r: &str, sign: i32) -> Vec<String> {
        let owner = format!("COALESCE({r}.owner_id, {r}.workspace_id)");
        let cycle = self.days(&format!("{r}.created_at"), &format!("{r}.closed_at"));
        let closed = format!("{r}.closed_at IS NOT NULL");
        let base = format!("{r}.workspace_id, {r}.pipeline_id");
        let shares = vec![
            upsert(
                "rollup_created",
                &["workspace_id", "pipeline_id", "created_on", "owner_key", "reach"],
                &["deals"],
                &format!("{base}, {}, {owner}, {r}.reach, {sign} WHERE 1 = 1", self.day(&format!("{r}.created_at"))),
            ),
            upsert(
                "rollup_open",
                &["workspace_id", "pipeline_id", "stage_id", "owner_key", "currency", "close_month"],
                &["deals", "value_cents"],
                &format!(
                    "{base}, {r}.stage_id, {owner}, {r}.currency, {}, {sign}, {sign} * {r}.value_cents \
                     WHERE {r}.status = 'open'",
                    self.month(&format!("{r}.expected_close_on"))
                ),
            ),
            upsert(
                "rollup_closed",
                &["workspace_id", "pipeline_id", "closed_on", "owner_key", "status", "currency"],
                &["deals", "value_cents", "cycle_days"],
                &format!(
                    "{base}, {}, {owner}, {r}.status, {r}.currency, {sign}, {sign} * {r}.value_cents, \
                     {sign} * {cycle} WHERE {r}.status IN ('won', 'lost') AND {closed}",
                    self.day(&format!("{r}.closed_at"))
                ),
            ),
            upsert(
                "rollup_won_cycles",
                &["workspace_id", "pipeline_id", "closed_on", "owner_key", "cycle"],
                &["deals"],
                &format!(
                    "{base}, {}, {owner}, {cycle}, {sign} WHERE {r}.status = 'won' AND {closed}",
                    self.day(&format!("{r}.closed_at"))
                ),
            ),
            upsert(
                "rollup_lost",
                &["workspace_id", "pipeline_id", "closed_on", "owner_key", "reason"],
                &["deals"],
                &format!(
                    "{base}, {}, {owner}, COALESCE({r}.lost_reason, ''), {sign} \
                     WHERE {r}.status = 'lost' AND {closed}",
                    self.day(&format!("{r}.closed_at"))
                ),
            ),
        ];
        if sign > 0 {
            return shares;
        }
        // Rows taken down to nothing go: the queries then read only live groups.
        let deal = format!("workspace_id = {r}.workspace_id AND pipeline_id = {r}.pipeline_id");
        let on = |column: &str, ts: &str| format!("{column} = {}", self.day(&format!("{r}.{ts}")));
        let emptied = |table: &str, key: &str| {
            format!(
                "DELETE FROM {table} WHERE {deal} AND {key} AND owner_key = {owner} AND deals = 0"
            )
        };
        let cleanups = [
            emptied("rollup_created", &on("created_on", "created_at")),
            emptied("rollup_open", &format!("stage_id = {r}.stage_id")),
            emptied("rollup_closed", &on("closed_on", "closed_at")),
            emptied("rollup_won_cycles", &on("closed_on", "closed_at")),
            emptied("rollup_lost", &on("closed_on", "closed_at")),
        ];
        [shares, cleanups.to_vec()].concat()
    }

    /// The stay that the history row `c` closed, if any, under its deal's owner.
    fn stay_share(self, c: &str, sign: i32) -> Vec<String> {
        let share = upsert(
            "rollup_stays",
            STAY_KEY,
            &["stays", "seconds"],
            &format!(
                "{c}.workspace_id, {c}.to_stage_id, {}, COALESCE(d.owner_id, d.workspace_id), {sign}, \
                 {sign} * {} FROM deals d WHERE d.id = {c}.deal_id AND {c}.status = 'open' \
                 AND {c}.left_at IS NOT NULL",
                self.day(&format!("{c}.left_at")),
                self.seconds(&format!("{c}.at"), &format!("{c}.left_at"))
            ),
        );
        if sign > 0 {
            return vec![share];
        }
        let emptied = format!(
            "DELETE FROM rollup_stays WHERE workspace_id = {c}.workspace_id AND stage_id = {c}.to_stage_id \
             AND left_on = {} AND stays = 0",
            self.day(&format!("{c}.left_at"))
        );
        vec![share, emptied]
    }

    /// All completed stays of the deal `r`, under `r`'s owner: an owner change moves them.
    fn deal_stays(self, r: &str, sign: i32) -> Vec<String> {
        let day = self.day("c.left_at");
        let share = upsert(
            "rollup_stays",
            STAY_KEY,
            &["stays", "seconds"],
            &format!(
                "c.workspace_id, c.to_stage_id, {day}, COALESCE({r}.owner_id, {r}.workspace_id), \
                 {sign} * COUNT(*), {sign} * SUM({}) FROM stage_changes c WHERE c.deal_id = {r}.id \
                 AND c.status = 'open' AND c.left_at IS NOT NULL GROUP BY c.workspace_id, c.to_stage_id, {day}",
                self.seconds("c.at", "c.left_at")
            ),
        );
        if sign > 0 {
            return vec![share];
        }
        let emptied = format!(
            "DELETE FROM rollup_stays WHERE workspace_id = {r}.workspace_id AND stays = 0 \
             AND (stage_id, left_on) IN (SELECT c.to_stage_id, {day} FROM stage_changes c \
             WHERE c.deal_id = {r}.id AND c.left_at IS NOT NULL)"
        );
        vec![share, emptied]
    }

    /// A new step may take its deal further down the funnel.
    fn reach_step(self, c: &str) -> String {
        let position = format!(
            "(SELECT CASE WHEN {c}.status = 'won' THEN {WON_REACH} ELSE s.position END FROM stages s \
             WHERE s.id = {c}.to_stage_id AND s.pipeline_id = deals.pipeline_id)"
        );
        format!("UPDATE deals SET reach = {position} WHERE id = {c}.deal_id AND reach < COALESCE({position}, -1)")
    }

    /// The rollups of the rows already there, grouped in one pass per table.
    fn backfill(self) -> Vec<String> {
        let owner = "COALESCE(d.owner_id, d.workspace_id)";
        let cycle = self.days("d.created_at", "d.closed_at");
        let closed_on = self.day("d.closed_at");
        let closed = "d.closed_at IS NOT NULL";
        vec![
            format!(
                "INSERT INTO rollup_created SELECT d.workspace_id, d.pipeline_id, {}, {owner}, d.reach, COUNT(*) \
                 FROM deals d GROUP BY 1, 2, 3, 4, 5",
                self.day("d.created_at")
            ),
            format!(
                "INSERT INTO rollup_open SELECT d.workspace_id, d.pipeline_id, d.stage_id, {owner}, d.currency, {}, \
                 COUNT(*), SUM(d.value_cents) FROM deals d WHERE d.status = 'open' GROUP BY 1, 2, 3, 4, 5, 6",
                self.month("d.expected_close_on")
            ),
            format!(
                "INSERT INTO rollup_closed SELECT d.workspace_id, d.pipeline_id, {closed_on}, {owner}, d.status, \
                 d.currency, COUNT(*), SUM(d.value_cents), SUM({cycle}) FROM deals d \
                 WHERE d.status IN ('won', 'lost') AND {closed} GROUP BY 1, 2, 3, 4, 5, 6"
            ),
            format!(
                "INSERT INTO rollup_won_cycles SELECT d.workspace_id, d.pipeline_id, {closed_on}, {owner}, {cycle}, \
                 COUNT(*) FROM deals d WHERE d.status = 'won' AND {closed} GROUP BY 1, 2, 3, 4, 5"
            ),
            format!(
                "INSERT INTO rollup_lost SELECT d.workspace_id, d.pipeline_id, {closed_on}, {owner}, \
                 COALESCE(d.lost_reason, ''), COUNT(*) FROM deals d WHERE d.status = 'lost' AND {closed} \
                 GROUP BY 1, 2, 3, 4, 5"
            ),
            format!(
                "INSERT INTO rollup_stays SELECT c.workspace_id, c.to_stage_id, {}, {owner}, COUNT(*), SUM({}) \
                 FROM stage_changes c JOIN deals d ON d.id = c.deal_id \
                 WHERE c.status = 'open' AND c.left_at IS NOT NULL GROUP BY 1, 2, 3, 4",
                self.day("c.left_at"),
                self.seconds("c.at", "c.left_at")
            ),
        ]
    }

    fn triggers(self) -> Vec<String> {
        let changed = [
            "pipeline_id",
            "stage_id",
            "owner_id",
            "status",
            "value_cents",
            "currency",
            "expected_close_on",
            "created_at",
            "closed_at",
            "lost_reason",
            "reach",
        ];
        let step_changed = ["to_stage_id", "status", "at", "left_at", "deal_id"];
        let deal_update = [self.deal_shares("OLD", -1), self.deal_shares("NEW", 1)].concat();
        let owner_moved = [self.deal_stays("OLD", -1), self.deal_stays("NEW", 1)].concat();
        let step_insert = [self.stay_share("NEW", 1), vec![self.reach_step("NEW")]].concat();
        let step_update = [self.stay_share("OLD", -1), self.stay_share("NEW", 1)].concat();
        let step_delete = self.stay_share("OLD", -1);
        if self.postgres() {
            return vec![
                pg_function(
                    "rollup_deals",
                    &[
                        ("TG_OP = 'INSERT'", self.deal_shares("NEW", 1)),
                        ("TG_OP = 'UPDATE'", deal_update),
                        ("TG_OP = 'DELETE'", self.deal_shares("OLD", -1)),
                        (
                            "TG_OP = 'UPDATE' AND OLD.owner_id IS DISTINCT FROM NEW.owner_id",
                            owner_moved,
                        ),
                    ],
                ),
                pg_trigger(
                    "rollup_deals_insert",
                    "INSERT",
                    "deals",
                    "rollup_deals",
                    None,
                ),
                pg_trigger(
                    "rollup_deals_update",
                    "UPDATE",
                    "deals",
                    "rollup_deals",
                    Some(&distinct(&changed)),
                ),
                pg_trigger(
                    "rollup_deals_delete",
                    "DELETE",
                    "deals",
                    "rollup_deals",
                    None,
                ),
                pg_function(
                    "rollup_steps",
                    &[
                        ("TG_OP = 'INSERT'", step_insert),
                        ("TG_OP = 'UPDATE'", step_update),
                        ("TG_OP = 'DELETE'", step_delete),
                    ],
                ),
                pg_trigger(
                    "rollup_steps_insert",
                    "INSERT",
                    "stage_changes",
                    "rollup_steps",
                    None,
                ),
                pg_trigger(
                    "rollup_steps_update",
                    "UPDATE",
                    "stage_changes",
                    "rollup_steps",
                    Some(&distinct(&step_changed)),
                ),
                pg_trigger(
                    "rollup_steps_delete",
                    "DELETE",
                    "stage_changes",
                    "rollup_steps",
                    None,
                ),
            ];
        }
        vec![
            sqlite_trigger(
                "rollup_deals_insert",
                "INSERT",
                "deals",
                None,
                &self.deal_shares("NEW", 1),
            ),
            sqlite_trigger(
                "rollup_deals_update",
                "UPDATE",
                "deals",
                Some(&distinct(&changed)),
                &deal_update,
            ),
            sqlite_trigger(
                "rollup_deals_delete",
                "DELETE",
                "deals",
                None,
                &self.deal_shares("OLD", -1),
            ),
            sqlite_trigger(
                "rollup_deals_owner",
                "UPDATE OF owner_id",
                "deals",
                Some("OLD.owner_id IS NOT NEW.owner_id"),
                &owner_moved,
            ),
            sqlite_trigger(
                "rollup_steps_insert",
                "INSERT",
                "stage_changes",
                None,
                &step_insert,
            ),
            sqlite_trigger(
                "rollup_steps_update",
                "UPDATE",
                "stage_changes",
                Some(&distinct(&step_changed)),
                &step_update,
            ),
            sqlite_trigger(
                "rollup_steps_delete",
                "DELETE",
                "stage_changes",
                None,
                &step_delete,
            ),
        ]
    }
}

const STAY_KEY: &[&str] = &["workspace_id", "stage_id", "left_on", "owner_key"];

/// `INSERT … SELECT <select> ON CONFLICT (<keys>) DO UPDATE` adding to each sum.
fn upsert(table: &str, keys: &[&str], sums: &[&str], select: &str) -> String {
    let adds: Vec<String> = sums
        .iter()
        .map(|s| format!("{s} = {table}.{s} + excluded.{s}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}, {}) SELECT {select} ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", "),
        keys.join(", "),
        adds.join(", ")
    )
}

/// "Any of these columns changed", as a trigger's WHEN condition (same in both).
fn distinct(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("OLD.{c} IS DISTINCT FROM NEW.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn sqlite_trigger(
    name: &str,
    event: &str,
    table: &str,
    when: Option<&str>,
    body: &[String],
) -> String {
    let when = when.map_or_else(String::new, |w| {
        format!(" WHEN {}", w.replace("IS DISTINCT FROM", "IS NOT"))
    });
    format!(
        "CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN {}; END",
        body.join("; ")
    )
}

/// A plpgsql trigger function running each group of statements when its test holds.
/// It first takes the workspace's rollup lock, so two writers in one workspace update
/// the shared rollup rows one after the other and never deadlock on them.
fn pg_function(name: &str, branches: &[(&str, Vec<String>)]) -> String {
    let body: String = branches
        .iter()
        .map(|(test, statements)| format!("IF {test} THEN {}; END IF; ", statements.join("; ")))
        .collect();
    format!(
        "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN \
         PERFORM pg_advisory_xact_lock(hashtext('rollups:' || \
         COALESCE(NEW.workspace_id, OLD.workspace_id)::text)); {body}RETURN NULL; END $body$"
    )
}

fn pg_trigger(name: &str, event: &str, table: &str, function: &str, when: Option<&str>) -> String {
    let when = when.map_or_else(String::new, |w| format!(" WHEN ({w})"));
    format!("CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {function}()")
}
