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
        db.execute_unprepared(&format!("UPDATE deals SET reach = {}", reach_of("deals")))
            .await?;
        for statement in sql.tables() {
            db.execute_unprepared(&statement).await?;
        }
        for statement in sql.backfill() {
            db.execute_unprepared(&statement).await?;
        }
        for statement in sql.triggers(Pausable::No) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}

/// Recomputes every deal's reach and every rollup from the deals and their history:
/// for repairs (`pipewright migrate --rebuild-rollups`) and for checking the triggers
/// against a recount.
pub(crate) fn rebuild(backend: DbBackend) -> Vec<String> {
    let sql = Dialect(backend);
    let mut statements = vec![format!("UPDATE deals SET reach = {}", reach_of("deals"))];
    statements.extend(
        sql.rollup_tables()
            .iter()
            .map(|t| format!("DELETE FROM {t}")),
    );
    statements.extend(sql.backfill());
    statements
}

/// The furthest position the deal `d` reached in its own pipeline, from its history
/// (the same words in both dialects): the backfill, the recount and
/// `metrics::recompute_reach` after stages move.
pub(crate) fn reach_of(d: &str) -> String {
    format!(
        "COALESCE((SELECT MAX(CASE WHEN c.status = 'won' THEN {WON_REACH} ELSE s.position END) \
         FROM stage_changes c JOIN stages s ON s.id = c.to_stage_id \
         WHERE c.deal_id = {d}.id AND s.pipeline_id = {d}.pipeline_id), -1)"
    )
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

    /// The id the figures of all owners together are kept under, beside each owner's.
    fn everyone(self) -> &'static str {
        if self.postgres() {
            "'00000000-0000-0000-0000-000000000000'::uuid"
        } else {
            "X'00000000000000000000000000000000'"
        }
    }

    /// What each deal row `r` adds to the deal rollups.
    fn deal_rollups(self, r: &str) -> Vec<Rollup> {
        let day = |ts: &str| self.day(&format!("{r}.{ts}"));
        let owner = format!("COALESCE({r}.owner_id, {r}.workspace_id)");
        let cycle = self.days(&format!("{r}.created_at"), &format!("{r}.closed_at"));
        let closed = format!("{r}.closed_at IS NOT NULL");
        let deal = |more: Vec<(&'static str, String)>| {
            let mut keys = vec![
                ("workspace_id", format!("{r}.workspace_id")),
                ("pipeline_id", format!("{r}.pipeline_id")),
            ];
            keys.extend(more);
            keys
        };
        let one = || vec![("deals", "1".to_owned())];
        vec![
            Rollup {
                table: "rollup_created",
                keys: deal(vec![
                    ("created_on", day("created_at")),
                    ("reach", format!("{r}.reach")),
                ]),
                owner: owner.clone(),
                sums: one(),
                filter: "1 = 1".into(),
                everyone: true,
            },
            Rollup {
                table: "rollup_open",
                keys: deal(vec![
                    ("stage_id", format!("{r}.stage_id")),
                    ("currency", format!("{r}.currency")),
                    ("close_month", self.month(&format!("{r}.expected_close_on"))),
                ]),
                owner: owner.clone(),
                sums: vec![
                    ("deals", "1".into()),
                    ("value_cents", format!("{r}.value_cents")),
                ],
                filter: format!("{r}.status = 'open'"),
                everyone: false,
            },
            Rollup {
                table: "rollup_closed",
                keys: deal(vec![
                    ("closed_on", day("closed_at")),
                    ("status", format!("{r}.status")),
                    ("currency", format!("{r}.currency")),
                ]),
                owner: owner.clone(),
                sums: vec![
                    ("deals", "1".into()),
                    ("value_cents", format!("{r}.value_cents")),
                    ("cycle_days", cycle.clone()),
                ],
                filter: format!("{r}.status IN ('won', 'lost') AND {closed}"),
                everyone: false,
            },
            Rollup {
                table: "rollup_won_cycles",
                keys: deal(vec![("closed_on", day("closed_at")), ("cycle", cycle)]),
                owner: owner.clone(),
                sums: one(),
                filter: format!("{r}.status = 'won' AND {closed}"),
                everyone: true,
            },
            Rollup {
                table: "rollup_lost",
                keys: deal(vec![
                    ("closed_on", day("closed_at")),
                    ("reason", format!("COALESCE({r}.lost_reason, '')")),
                ]),
                owner,
                sums: one(),
                filter: format!("{r}.status = 'lost' AND {closed}"),
                everyone: true,
            },
        ]
    }

    /// What the history row `c` adds to the stays rollup: the stay it closed, if any,
    /// under `owner`, its deal's.
    fn stay_rollup(self, c: &str, owner: String) -> Rollup {
        Rollup {
            table: "rollup_stays",
            keys: vec![
                ("workspace_id", format!("{c}.workspace_id")),
                ("stage_id", format!("{c}.to_stage_id")),
                ("left_on", self.day(&format!("{c}.left_at"))),
            ],
            owner,
            sums: vec![
                ("stays", "1".into()),
                (
                    "seconds",
                    self.seconds(&format!("{c}.at"), &format!("{c}.left_at")),
                ),
            ],
            // A step deleted with its deal: the deal's delete already took its stays.
            filter: format!(
                "{c}.status = 'open' AND {c}.left_at IS NOT NULL \
                 AND EXISTS (SELECT 1 FROM deals x WHERE x.id = {c}.deal_id)"
            ),
            everyone: true,
        }
    }

    fn tables(self) -> Vec<String> {
        let (id, day, count) = if self.postgres() {
            ("uuid", "date", "bigint")
        } else {
            // BLOB affinity: SQLite keeps ids exactly as the deal rows hold them.
            ("blob", "text", "integer")
        };
        let mut rollups = self.deal_rollups("d");
        rollups.push(self.stay_rollup("c", String::new()));
        let typed = |column: &str| match column {
            "workspace_id" | "pipeline_id" | "stage_id" | "owner_key" => id,
            "created_on" | "closed_on" | "left_on" => day,
            "reach" | "cycle" => "integer",
            _ => "text",
        };
        rollups
            .iter()
            .map(|rollup| {
                let key = rollup.key_columns();
                let mut columns: Vec<String> = key
                    .iter()
                    .map(|k| format!("{k} {} NOT NULL", typed(k)))
                    .collect();
                columns.extend(
                    rollup
                        .sums
                        .iter()
                        .map(|(s, _)| format!("{s} {count} NOT NULL")),
                );
                let rowid = if self.postgres() {
                    ""
                } else {
                    " WITHOUT ROWID"
                };
                format!(
                    "CREATE TABLE {} ({}, PRIMARY KEY ({})){rowid}",
                    rollup.table,
                    columns.join(", "),
                    key.join(", ")
                )
            })
            .collect()
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) the deal row `r`'s share of each
    /// deal rollup.
    fn deal_shares(self, r: &str, sign: i32) -> Vec<String> {
        let everyone = self.everyone();
        self.deal_rollups(r)
            .iter()
            .flat_map(|rollup| rollup.shares(sign, everyone))
            .collect()
    }

    /// The stay that the history row `c` closed, if any.
    fn stay_share(self, c: &str, sign: i32) -> Vec<String> {
        let owner = format!(
            "(SELECT COALESCE(d.owner_id, d.workspace_id) FROM deals d WHERE d.id = {c}.deal_id)"
        );
        self.stay_rollup(c, owner).shares(sign, self.everyone())
    }

    /// All completed stays of the deal `r`, under `r`'s owner (or everyone's total): an
    /// owner change moves them, a deleted deal takes them away.
    fn deal_stays(self, r: &str, sign: i32, everyone: bool) -> Vec<String> {
        let day = self.day("c.left_at");
        let seconds = self.seconds("c.at", "c.left_at");
        let owner = if everyone {
            self.everyone().to_owned()
        } else {
            format!("COALESCE({r}.owner_id, {r}.workspace_id)")
        };
        let share = upsert(
            "rollup_stays",
            &["workspace_id", "stage_id", "owner_key", "left_on"],
            &["stays", "seconds"],
            &format!(
                "c.workspace_id, c.to_stage_id, {owner}, {day}, {sign} * COUNT(*), \
                 {sign} * SUM({seconds}) FROM stage_changes c WHERE c.deal_id = {r}.id \
                 AND c.status = 'open' AND c.left_at IS NOT NULL \
                 GROUP BY c.workspace_id, c.to_stage_id, {day}"
            ),
        );
        if sign > 0 {
            return vec![share];
        }
        let emptied = format!(
            "DELETE FROM rollup_stays WHERE workspace_id = {r}.workspace_id AND owner_key = {owner} \
             AND stays = 0 AND (stage_id, left_on) IN (SELECT c.to_stage_id, {day} \
             FROM stage_changes c WHERE c.deal_id = {r}.id AND c.left_at IS NOT NULL)"
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
        self.backfill_where("")
    }

    /// The backfill limited by `scope` on the rows' workspace (`""` for every row, else
    /// a condition ending in `AND`, e.g. `workspace_id IN (…) AND`).
    fn backfill_where(self, scope: &str) -> Vec<String> {
        let everyone = self.everyone();
        let (deals, steps) = if scope.is_empty() {
            (String::new(), String::new())
        } else {
            (format!(" d.{scope}"), format!(" c.{scope}"))
        };
        let mut statements: Vec<String> = self
            .deal_rollups("d")
            .iter()
            .flat_map(|rollup| rollup.backfill(&format!(" FROM deals d WHERE{deals}"), everyone))
            .collect();
        let owner = "COALESCE(d.owner_id, d.workspace_id)".to_owned();
        statements.extend(self.stay_rollup("c", owner).backfill(
            &format!(" FROM stage_changes c JOIN deals d ON d.id = c.deal_id WHERE{steps}"),
            everyone,
        ));
        statements
    }

    /// The rollup tables, deal rollups first.
    fn rollup_tables(self) -> Vec<&'static str> {
        let mut tables: Vec<&str> = self.deal_rollups("d").iter().map(|r| r.table).collect();
        tables.push(self.stay_rollup("c", String::new()).table);
        tables
    }

    fn triggers(self, pausable: Pausable) -> Vec<String> {
        let deal_changed = distinct(&[
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
        ]);
        let rerouted = distinct(&["to_stage_id", "status", "deal_id"]);
        let step_changed = format!("{rerouted} OR {}", distinct(&["at", "left_at"]));
        let reach_again = |c: &str| {
            format!(
                "UPDATE deals SET reach = {} WHERE id = {c}.deal_id",
                reach_of("deals")
            )
        };
        let triggers = [
            Trigger {
                name: "rollup_deal_insert",
                timing: "AFTER INSERT ON deals",
                when: None,
                body: self.deal_shares("NEW", 1),
            },
            Trigger {
                name: "rollup_deal_update",
                timing: "AFTER UPDATE ON deals",
                when: Some(deal_changed),
                body: [self.deal_shares("OLD", -1), self.deal_shares("NEW", 1)].concat(),
            },
            Trigger {
                name: "rollup_deal_owner",
                timing: "AFTER UPDATE OF owner_id ON deals",
                when: Some(distinct(&["owner_id"])),
                body: [
                    self.deal_stays("OLD", -1, false),
                    self.deal_stays("NEW", 1, false),
                ]
                .concat(),
            },
            // Before the row goes: its history (deleted with it) still shows its stays.
            Trigger {
                name: "rollup_deal_gone",
                timing: "BEFORE DELETE ON deals",
                when: None,
                body: [
                    self.deal_stays("OLD", -1, false),
                    self.deal_stays("OLD", -1, true),
                ]
                .concat(),
            },
            Trigger {
                name: "rollup_deal_delete",
                timing: "AFTER DELETE ON deals",
                when: None,
                body: self.deal_shares("OLD", -1),
            },
            Trigger {
                name: "rollup_step_insert",
                timing: "AFTER INSERT ON stage_changes",
                when: None,
                body: [self.stay_share("NEW", 1), vec![self.reach_step("NEW")]].concat(),
            },
            Trigger {
                name: "rollup_step_update",
                timing: "AFTER UPDATE ON stage_changes",
                when: Some(step_changed),
                body: [self.stay_share("OLD", -1), self.stay_share("NEW", 1)].concat(),
            },
            // A step rewritten may lower how far its deal got: recount from the history.
            Trigger {
                name: "rollup_step_rerouted",
                timing: "AFTER UPDATE ON stage_changes",
                when: Some(rerouted),
                body: vec![reach_again("OLD"), reach_again("NEW")],
            },
            Trigger {
                name: "rollup_step_delete",
                timing: "AFTER DELETE ON stage_changes",
                when: None,
                body: [self.stay_share("OLD", -1), vec![reach_again("OLD")]].concat(),
            },
        ];
        triggers
            .iter()
            .flat_map(|t| t.create(self, pausable))
            .collect()
    }
}

/// Whether the triggers stand aside for a workspace listed in `rollups_paused` (a bulk
/// write that recounts its workspace once at the end: migration 18).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pausable {
    No,
    Yes,
}

/// The names of the rollup triggers, to replace them (migration 18).
pub(crate) const TRIGGERS: [&str; 9] = [
    "rollup_deal_insert",
    "rollup_deal_update",
    "rollup_deal_owner",
    "rollup_deal_gone",
    "rollup_deal_delete",
    "rollup_step_insert",
    "rollup_step_update",
    "rollup_step_rerouted",
    "rollup_step_delete",
];

/// The rollup triggers, standing aside for paused workspaces.
pub(crate) fn pausable_triggers(backend: DbBackend) -> Vec<String> {
    Dialect(backend).triggers(Pausable::Yes)
}

/// Recounts the rollups and reach of every workspace in `rollups_paused`, then resumes
/// the triggers for them: the end of a bulk write. The same statements as [`rebuild`],
/// limited to those workspaces.
pub(crate) fn recount_paused(backend: DbBackend) -> Vec<String> {
    let sql = Dialect(backend);
    let paused = "IN (SELECT workspace_id FROM rollups_paused)";
    let mut statements = vec![format!(
        "UPDATE deals SET reach = {} WHERE workspace_id {paused}",
        reach_of("deals")
    )];
    statements.extend(
        sql.rollup_tables()
            .iter()
            .map(|t| format!("DELETE FROM {t} WHERE workspace_id {paused}")),
    );
    statements.extend(sql.backfill_where(&format!("workspace_id {paused} AND")));
    statements.push("DELETE FROM rollups_paused".to_owned());
    statements
}

/// One rollup table and what a source row adds to it: the key columns with the
/// expressions that give them, the owner the row counts under, the sums, and when the
/// row counts at all. `everyone` rollups also keep the total of all owners under
/// `Dialect::everyone`, so a dashboard without owner filter reads a row per day and key
/// instead of one per owner.
struct Rollup {
    table: &'static str,
    keys: Vec<(&'static str, String)>,
    owner: String,
    sums: Vec<(&'static str, String)>,
    filter: String,
    everyone: bool,
}

impl Rollup {
    /// Workspace (and pipeline), then owner, then the rest: an owner filter and the
    /// everyone rows are both one range of the primary key.
    fn key_columns(&self) -> Vec<&'static str> {
        let scoped = if self.keys.get(1).is_some_and(|k| k.0 == "pipeline_id") {
            2
        } else {
            1
        };
        let mut columns: Vec<&'static str> = self.keys[..scoped].iter().map(|k| k.0).collect();
        columns.push("owner_key");
        columns.extend(self.keys[scoped..].iter().map(|k| k.0));
        columns
    }

    /// Key expressions in `key_columns` order, with `owner` as the owner.
    fn key_values(&self, owner: &str) -> Vec<String> {
        let scoped = self
            .key_columns()
            .iter()
            .position(|c| *c == "owner_key")
            .unwrap_or(0);
        let mut values: Vec<String> = self.keys[..scoped].iter().map(|k| k.1.clone()).collect();
        values.push(owner.to_owned());
        values.extend(self.keys[scoped..].iter().map(|k| k.1.clone()));
        values
    }

    fn owners<'a>(&'a self, everyone: &'a str) -> Vec<&'a str> {
        if self.everyone {
            vec![self.owner.as_str(), everyone]
        } else {
            vec![self.owner.as_str()]
        }
    }

    /// Upserts adding `sign` times the row's share; taking away also deletes the rows
    /// it left at zero.
    fn shares(&self, sign: i32, everyone: &str) -> Vec<String> {
        let columns = self.key_columns();
        let sums: Vec<&str> = self.sums.iter().map(|s| s.0).collect();
        let added: Vec<String> = self
            .sums
            .iter()
            .map(|(_, e)| format!("{sign} * {e}"))
            .collect();
        let mut statements = Vec::new();
        for owner in self.owners(everyone) {
            let values = self.key_values(owner);
            statements.push(upsert(
                self.table,
                &columns,
                &sums,
                &format!(
                    "{}, {} WHERE {}",
                    values.join(", "),
                    added.join(", "),
                    self.filter
                ),
            ));
            if sign < 0 {
                let at: Vec<String> = columns
                    .iter()
                    .zip(&values)
                    .map(|(c, v)| format!("{c} = {v}"))
                    .collect();
                statements.push(format!(
                    "DELETE FROM {} WHERE {} AND {} = 0",
                    self.table,
                    at.join(" AND "),
                    sums[0]
                ));
            }
        }
        statements
    }

    /// The whole table from the rows already there (`from` ends in WHERE).
    fn backfill(&self, from: &str, everyone: &str) -> Vec<String> {
        let columns = self.key_columns().join(", ");
        let sums: Vec<&str> = self.sums.iter().map(|s| s.0).collect();
        let summed: Vec<String> = self.sums.iter().map(|(_, e)| format!("SUM({e})")).collect();
        self.owners(everyone)
            .into_iter()
            .map(|owner| {
                let values = self.key_values(owner);
                // Grouped by the expressions, never by the constant everyone id.
                let grouped: Vec<&String> = values.iter().filter(|v| *v != everyone).collect();
                format!(
                    "INSERT INTO {} ({columns}, {}) SELECT {}, {}{from} {} GROUP BY {}",
                    self.table,
                    sums.join(", "),
                    values.join(", "),
                    summed.join(", "),
                    self.filter,
                    grouped
                        .iter()
                        .map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect()
    }
}

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

/// One trigger: SQLite runs its statements directly; PostgreSQL through a plpgsql
/// function of the same name, which first takes the workspace's rollup lock so writers
/// of one workspace update the shared rollup rows one after the other.
struct Trigger {
    name: &'static str,
    timing: &'static str,
    when: Option<String>,
    body: Vec<String>,
}

impl Trigger {
    fn create(&self, sql: Dialect, pausable: Pausable) -> Vec<String> {
        let Trigger {
            name,
            timing,
            when,
            body,
        } = self;
        let body = body.join("; ");
        // The row that names the workspace: NEW, except in a delete's trigger.
        let row_of = if timing.contains("DELETE") {
            "OLD"
        } else {
            "NEW"
        };
        let paused = format!(
            "EXISTS (SELECT 1 FROM rollups_paused p WHERE p.workspace_id = {row_of}.workspace_id)"
        );
        if !sql.postgres() {
            let changed = when
                .as_ref()
                .map(|w| w.replace("IS DISTINCT FROM", "IS NOT"));
            let guard = (pausable == Pausable::Yes).then(|| format!("NOT {paused}"));
            let when = match (changed, guard) {
                (Some(changed), Some(guard)) => format!(" WHEN ({changed}) AND {guard}"),
                (Some(only), None) | (None, Some(only)) => format!(" WHEN {only}"),
                (None, None) => String::new(),
            };
            return vec![format!(
                "CREATE TRIGGER {name} {timing} FOR EACH ROW{when} BEGIN {body}; END"
            )];
        }
        // A BEFORE trigger must hand the row back, or the delete would not happen.
        let row = if timing.starts_with("BEFORE") {
            "OLD"
        } else {
            "NULL"
        };
        let when = when
            .as_ref()
            .map_or_else(String::new, |w| format!(" WHEN ({w})"));
        // A trigger's WHEN cannot hold a subquery on PostgreSQL: the function checks.
        let guard = match pausable {
            Pausable::Yes => format!("IF {paused} THEN RETURN {row}; END IF; "),
            Pausable::No => String::new(),
        };
        vec![
            format!(
                "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN \
                 {guard}PERFORM pg_advisory_xact_lock(hashtext('rollups:' || \
                 COALESCE(NEW.workspace_id, OLD.workspace_id)::text)); {body}; RETURN {row}; END $body$"
            ),
            format!("CREATE TRIGGER {name} {timing} FOR EACH ROW{when} EXECUTE FUNCTION {name}()"),
        ]
    }
}
