//! The demo seed and synthetic generator, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, origin};
use domain::{account::SignIn, Role};
use service::{
    demo::{DemoOptions, DEMO_PASSWORD},
    Crm,
};

async fn demo_workspace_has_realistic_spread_and_working_logins(crm: Crm) {
    assert!(crm.is_empty().await.unwrap());
    let demo = crm
        .seed_demo(
            DemoOptions {
                deals: 2_500,
                seed: 7,
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert!(!crm.is_empty().await.unwrap());
    assert_eq!(demo.deals, 2_500);
    assert_eq!(count(&crm, "deals").await, 2_500);
    assert_eq!(count(&crm, "companies").await as usize, demo.companies);
    assert_eq!(count(&crm, "contacts").await as usize, demo.contacts);
    // Most open deals have a next step and recent work; the plan is there to win into.
    assert!(count(&crm, "activities").await > 1_500);
    assert_eq!(count(&crm, "followup_steps").await, 3);
    for role in [Role::Admin, Role::Manager, Role::Rep, Role::Marketer] {
        let login = demo
            .logins
            .iter()
            .find(|l| l.role == role)
            .expect("a login per role");
        let signed_in = crm
            .sign_in(
                SignIn {
                    email: login.email.clone(),
                    password: DEMO_PASSWORD.into(),
                },
                origin("127.0.0.1"),
            )
            .await;
        let viewer = signed_in.unwrap().0;
        assert_eq!(viewer.role, role);
        if role == Role::Marketer {
            // The inbox has leads from every source, and the loop to won revenue closes.
            let report = crm.marketing_report(&viewer).await.unwrap();
            let leads: u64 = report.by_source.iter().map(|r| r.leads).sum();
            assert_eq!(leads, 833);
            assert!(report.by_source.len() >= 5);
            assert!(report.by_source.iter().any(|r| r.won_deals > 0));
            assert_eq!(count(&crm, "lead_forms").await, 1);
        }
        if role == Role::Admin {
            // Demo deals obey the stages' entry rules, like any deal entered by hand.
            let board = crm.board(&viewer, Default::default()).await.unwrap();
            for column in &board.columns {
                for card in &column.cards {
                    let missing =
                        domain::deal::missing_for_entry(&card.facts, &column.stage.criteria);
                    assert!(missing.is_empty(), "{} lacks {missing:?}", card.title);
                }
            }
        }
    }
    let open = count_where(&crm, "status = 'open'").await;
    let won = count_where(&crm, "status = 'won'").await;
    let lost = count_where(&crm, "status = 'lost'").await;
    assert_eq!(open + won + lost, 2_500);
    assert!(
        open > won && won > lost && lost > 0,
        "open {open}, won {won}, lost {lost}"
    );
    assert_eq!(
        count_where(&crm, "status = 'lost' AND lost_reason IS NULL").await,
        0
    );
    assert_eq!(
        count_where(&crm, "status <> 'open' AND closed_at IS NULL").await,
        0
    );
    // A second demo workspace gets its own addresses.
    let second = crm
        .seed_demo(DemoOptions { deals: 50, seed: 8 }, &|_| {})
        .await
        .unwrap();
    assert_ne!(second.logins[0].email, demo.logins[0].email);
}

async fn count_where(crm: &Crm, condition: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM deals WHERE {condition}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

on_both_databases!(demo_workspace_has_realistic_spread_and_working_logins);

async fn overview_sums_open_deals_per_stage_in_the_database(crm: Crm) {
    let demo = crm
        .seed_demo(
            DemoOptions {
                deals: 1_200,
                seed: 11,
            },
            &|_| {},
        )
        .await
        .unwrap();
    let login = &demo.logins[0];
    let (viewer, _) = crm
        .sign_in(
            SignIn {
                email: login.email.clone(),
                password: DEMO_PASSWORD.into(),
            },
            origin("127.0.0.1"),
        )
        .await
        .unwrap();
    let overview = crm.pipeline_overview(&viewer).await.unwrap();
    assert_eq!(overview.stages.len(), 6);
    assert_eq!(overview.stages[0].name, "Qualified");
    let open = count_where(&crm, "status = 'open'").await as u64;
    assert_eq!(overview.open_deals(), open);
    assert_eq!(
        overview.won_deals,
        count_where(&crm, "status = 'won'").await as u64
    );
    let total: i64 = overview
        .stages
        .iter()
        .flat_map(|s| s.values.iter().map(|v| v.value_cents))
        .sum();
    assert_eq!(total, sum_open_value(&crm).await);
    for stage in &overview.stages {
        for value in &stage.values {
            let expected = domain::pipeline::weighted_cents(value.value_cents, stage.probability);
            assert_eq!(value.weighted_cents, expected);
        }
    }
    // An empty workspace has the stages and nothing in them.
    let (fresh, _) = crm
        .sign_up(common::sign_up("Empty Co", "empty@empty.example"))
        .await
        .unwrap();
    let empty = crm.pipeline_overview(&fresh).await.unwrap();
    assert_eq!((empty.stages.len(), empty.open_deals()), (6, 0));
}

async fn sum_open_value(crm: &Crm) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(SUM(value_cents) AS BIGINT) AS n FROM deals WHERE status = 'open'"
                .to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

on_both_databases!(overview_sums_open_deals_per_stage_in_the_database);

const ROLLUPS: [&str; 6] = [
    "rollup_created",
    "rollup_open",
    "rollup_closed",
    "rollup_won_cycles",
    "rollup_lost",
    "rollup_stays",
];

/// Rows of `table` not in `other` (both ways makes them equal as sets).
async fn rows_missing(crm: &Crm, table: &str, other: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM (SELECT * FROM {table} EXCEPT SELECT * FROM {other}) x"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The seeder writes its rows with the rollup triggers paused for its workspace and
/// counts the rollups once at the end: the figures are exactly a full recount's, and the
/// triggers count the next write again.
async fn the_demo_counts_its_rollups_once_and_exactly(crm: Crm) {
    use sea_orm::ConnectionTrait;
    crm.seed_demo(
        DemoOptions {
            deals: 400,
            seed: 3,
        },
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(count(&crm, "rollups_paused").await, 0);
    assert!(count(&crm, "rollup_stays").await > 0);
    let db = crm.db();
    let mut snapshots: Vec<(String, String)> = ROLLUPS
        .iter()
        .map(|t| (t.to_string(), format!("kept_{t}")))
        .collect();
    snapshots.push(("deals".into(), "kept_deals".into()));
    for (table, kept) in &snapshots {
        db.execute_unprepared(&format!("CREATE TABLE {kept} AS SELECT * FROM {table}"))
            .await
            .unwrap();
    }
    crm.rebuild_rollups().await.unwrap();
    for (table, kept) in &snapshots {
        assert_eq!(count(&crm, table).await, count(&crm, kept).await, "{table}");
        assert_eq!(rows_missing(&crm, table, kept).await, 0, "{table}");
        assert_eq!(rows_missing(&crm, kept, table).await, 0, "{table}");
    }
    // The triggers count again once the seeding is over: a write changes the rollups,
    // and a recount agrees with them.
    db.execute_unprepared("UPDATE deals SET value_cents = value_cents + 100 WHERE status = 'open'")
        .await
        .unwrap();
    for (table, kept) in &snapshots {
        db.execute_unprepared(&format!(
            "CREATE TABLE after_{kept} AS SELECT * FROM {table}"
        ))
        .await
        .unwrap();
    }
    assert!(rows_missing(&crm, "after_kept_rollup_open", "kept_rollup_open").await > 0);
    crm.rebuild_rollups().await.unwrap();
    for (table, kept) in &snapshots {
        let after = format!("after_{kept}");
        assert_eq!(rows_missing(&crm, table, &after).await, 0, "{table}");
        assert_eq!(rows_missing(&crm, &after, table).await, 0, "{table}");
    }
}

on_both_databases!(the_demo_counts_its_rollups_once_and_exactly);
