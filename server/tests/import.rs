//! The command line against real data: `pipewright import deals` loads the crm-sample
//! export (../shared/data/crm-sample, 8,800 deals) into a fresh workspace, and
//! `pipewright report --json` must give the figures this file computes on its own,
//! straight from the CSV. Bad files are refused row by row with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use serde_json::Value;
use std::{collections::BTreeMap, path::PathBuf, process::Command};

/// The crm-sample export: `$PIPEWRIGHT_CRM_SAMPLE`, else `shared/data/crm-sample` next to
/// the project or any folder above it (a CI clone may live elsewhere), else /work/shared.
fn sample() -> PathBuf {
    if let Ok(path) = std::env::var("PIPEWRIGHT_CRM_SAMPLE") {
        return PathBuf::from(path);
    }
    let file = "shared/data/crm-sample/sales_pipeline.csv";
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join(file))
        .chain([PathBuf::from("/work").join(file)])
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!("the crm-sample export ({file}) was not found; set PIPEWRIGHT_CRM_SAMPLE")
        })
}

/// A fresh database with one workspace.
struct Workspace {
    url: String,
}

impl Workspace {
    fn new() -> Workspace {
        let path =
            std::env::temp_dir().join(format!("pipewright-import-{}.db", uuid::Uuid::new_v4()));
        Workspace::at(format!("sqlite://{}?mode=rwc", path.display()))
    }

    /// A fresh PostgreSQL database on the test server (as the service tests use).
    fn postgres() -> Workspace {
        use sea_orm::ConnectionTrait;
        let server = std::env::var("PIPEWRIGHT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
        let name = format!("pipewright_import_{}", uuid::Uuid::new_v4().simple());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let admin = sea_orm::Database::connect(format!("{server}/postgres"))
                .await
                .expect("PostgreSQL is required");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            admin.close().await.ok();
        });
        Workspace::at(format!("{server}/{name}"))
    }

    fn at(url: String) -> Workspace {
        let ws = Workspace { url };
        let out = ws.run(&[
            "workspace",
            "create",
            "Maven",
            "--admin",
            "ops@maven.example",
        ]);
        assert!(out.0, "{}", out.2);
        ws
    }

    /// Runs `pipewright …`: (success, stdout, stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_pipewright"))
            .args(args)
            .env("DATABASE_URL", &self.url)
            .env("PIPEWRIGHT_PASSWORD", "import-test-password")
            .env("RUST_LOG", "error")
            .output()
            .expect("run pipewright");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn report(&self, extra: &[&str]) -> Value {
        let mut args = vec!["report", "--json"];
        args.extend_from_slice(extra);
        let (ok, out, err) = self.run(&args);
        assert!(ok, "{err}");
        serde_json::from_str(&out).expect("report is JSON")
    }
}

/// The sample's pipeline over all its dates.
const SAMPLE_PERIOD: &[&str] = &[
    "--pipeline",
    "Hardware",
    "--from",
    "2016-10-01",
    "--to",
    "2017-12-31",
];

const SAMPLE_MAP: &[&str] = &[
    "--pipeline",
    "Hardware",
    "--create-stages",
    "--stages",
    "Prospecting,Engaging",
    "--map",
    "title=product,account,opportunity_id",
    "--map",
    "owner=sales_agent",
    "--map",
    "company=account",
    "--map",
    "stage=deal_stage",
    "--map",
    "created=engage_date",
    "--map",
    "closed=close_date",
    "--map",
    "value=close_value",
];

/// The figures, computed from the CSV alone with the definitions of docs/METRICS.md.
#[derive(Debug, Default)]
struct Expected {
    won: u64,
    lost: u64,
    won_cents: i64,
    cycle_days: Vec<i64>,
    per_stage: BTreeMap<String, u64>,
    created: u64,
}

fn expected_from_csv() -> Expected {
    let mut reader = csv::Reader::from_path(sample()).expect("sample file");
    let mut expected = Expected::default();
    let day = |text: &str| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("sample dates are ISO")
    };
    for record in reader.records() {
        let row = record.expect("row");
        let (stage, engaged, closed, value) = (&row[4], &row[5], &row[6], &row[7]);
        if !engaged.is_empty() {
            expected.created += 1;
        }
        match stage {
            "Won" => {
                expected.won += 1;
                expected.won_cents += value.parse::<i64>().expect("whole dollars") * 100;
                expected
                    .cycle_days
                    .push((day(closed) - day(engaged)).num_days());
            }
            "Lost" => expected.lost += 1,
            open => *expected.per_stage.entry(open.to_owned()).or_default() += 1,
        }
    }
    expected
}

fn cents(amounts: &Value) -> i64 {
    let list = amounts.as_array().expect("amounts");
    assert_eq!(list.len(), 1, "one currency: {amounts}");
    assert_eq!(list[0]["currency"], "USD");
    list[0]["cents"].as_i64().expect("cents")
}

#[test]
fn the_crm_sample_imports_and_its_figures_match_the_csv_on_sqlite() {
    the_crm_sample_imports_and_its_figures_match_the_csv(&Workspace::new());
}

#[test]
fn the_crm_sample_imports_and_its_figures_match_the_csv_on_postgres() {
    the_crm_sample_imports_and_its_figures_match_the_csv(&Workspace::postgres());
}

fn the_crm_sample_imports_and_its_figures_match_the_csv(ws: &Workspace) {
    let file = sample();
    let file = file.to_str().expect("path");
    let mut args = vec!["import", "deals", file];
    args.extend_from_slice(SAMPLE_MAP);

    let mut dry = args.clone();
    dry.push("--dry-run");
    let (ok, out, err) = ws.run(&dry);
    assert!(ok, "{err}");
    assert!(
        out.contains("8800 rows fit (2089 open, 4238 won, 2473 lost), 0 refused"),
        "{out}"
    );
    assert!(out.contains("New stages: Prospecting, Engaging."), "{out}");
    assert!(
        out.contains("Rows without a created date, dated today: 500."),
        "{out}"
    );
    assert!(out.contains("Dry run: nothing was written."), "{out}");

    let (ok, out, err) = ws.run(&args);
    assert!(ok, "{err}");
    assert!(out.contains("Imported 8800 deals."), "{out}");

    let expected = expected_from_csv();
    let report = ws.report(SAMPLE_PERIOD);
    let now = &report["current"];
    assert_eq!(now["won_deals"], expected.won);
    assert_eq!(now["lost_deals"], expected.lost);
    assert_eq!(now["win_rate"]["part"], expected.won);
    assert_eq!(now["win_rate"]["whole"], expected.won + expected.lost);
    assert_eq!(cents(&now["won_value"]), expected.won_cents);
    let won = i64::try_from(expected.won).expect("count");
    // Average rounded half away from zero to the cent.
    assert_eq!(
        cents(&now["average_won_deal"]),
        (2 * expected.won_cents + won) / (2 * won)
    );
    let mut days = expected.cycle_days.clone();
    days.sort_unstable();
    let total: i64 = days.iter().sum();
    assert_eq!(
        now["sales_cycle_mean_tenths"],
        (total * 20 + won) / (2 * won)
    );
    let n = days.len();
    let median_tenths = if n % 2 == 1 {
        days[n / 2] * 10
    } else {
        (days[n / 2 - 1] + days[n / 2]) * 5
    };
    assert_eq!(now["sales_cycle_median_tenths"], median_tenths);
    assert_eq!(now["new_deals"], expected.created);
    let per_stage: BTreeMap<String, u64> = report["open_by_stage"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name").to_owned(),
                s["deals"].as_u64().expect("deals"),
            )
        })
        .collect();
    assert_eq!(per_stage, expected.per_stage);
    // As stated in the closing note: 4,238 won, 2,473 lost (63.2%), $10,005,534 won.
    assert_eq!(
        (expected.won, expected.lost, expected.won_cents),
        (4238, 2473, 1_000_553_400)
    );

    // One rep's slice adds up to that rep's rows.
    let darcel = ws.report(&[
        "--pipeline",
        "Hardware",
        "--owner",
        "Darcel Schlecht",
        "--from",
        "2016-10-01",
        "--to",
        "2017-12-31",
    ]);
    let leader = &report["leaderboard"][0];
    assert_eq!(leader["name"], "Darcel Schlecht");
    assert_eq!(darcel["current"]["won_deals"], leader["won_deals"]);

    // A recount of the rollups from the records changes no figure.
    let (ok, out, err) = ws.run(&["migrate", "--rebuild-rollups"]);
    assert!(ok, "{err}");
    assert!(out.contains("Dashboard rollups recounted."), "{out}");
    let recounted = ws.report(SAMPLE_PERIOD);
    assert_eq!(recounted["current"], report["current"]);
    assert_eq!(recounted["leaderboard"], report["leaderboard"]);
    assert_eq!(recounted["conversion"], report["conversion"]);

    // Importing the same file twice is a choice, not an accident: it adds, so check counts.
    let empty = ws.report(&[
        "--pipeline",
        "Hardware",
        "--from",
        "2030-01-01",
        "--to",
        "2030-03-31",
    ]);
    assert_eq!(empty["current"]["win_rate"], Value::Null);
    assert_eq!(empty["current"]["average_won_deal"], serde_json::json!([]));
}

fn write_csv(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("{}-{name}", uuid::Uuid::new_v4()));
    std::fs::write(&path, text).expect("write csv");
    path
}

#[test]
fn bad_files_are_refused_with_reasons_and_nothing_half_imported() {
    let ws = Workspace::new();
    let missing = write_csv("missing.csv", "Name,Amount\nA,1\n");
    let (ok, _, err) = ws.run(&[
        "import",
        "deals",
        missing.to_str().expect("p"),
        "--map",
        "title=Name",
        "--map",
        "stage=Stage",
    ]);
    assert!(!ok);
    assert!(err.contains("the file has no column \"Stage\""), "{err}");

    let mut text = String::from("Name,Stage,Amount,Created,Closed\n");
    for i in 0..100_000 {
        text.push_str(&format!("Deal {i},Qualified,{},2026-01-05,\n", 1000 + i));
    }
    text.push_str("Negative,Qualified,-5,2026-01-05,\n");
    text.push_str("Bad date,Qualified,5,2026-13-45,\n");
    text.push_str("Unknown stage,Nowhere,5,2026-01-05,\n");
    text.push_str("Won without date,Won,5,2026-01-05,\n");
    let big = write_csv("big.csv", &text);
    let big = big.to_str().expect("p");
    let args = [
        "import",
        "deals",
        big,
        "--map",
        "title=Name",
        "--map",
        "value=Amount",
    ];
    let (ok, out, err) = ws.run(&args);
    assert!(!ok, "{out}");
    assert!(err.contains("nothing imported: 4 rows refused"), "{err}");
    assert!(
        out.contains("line 100002: value: The value cannot be negative."),
        "{out}"
    );
    assert!(
        out.contains("line 100003: created: \"2026-13-45\" is not a date"),
        "{out}"
    );
    assert!(
        out.contains("line 100004: stage: no stage named \"Nowhere\""),
        "{out}"
    );
    assert!(
        out.contains("line 100005: closed: a won or lost deal needs its close date"),
        "{out}"
    );
    let all = ["--from", "2026-01-01", "--to", "2026-12-31"];
    assert_eq!(
        ws.report(&all)["current"]["new_deals"],
        0,
        "nothing was written"
    );

    let small = write_csv(
        "small.csv",
        "Name,Stage,Amount,Created\nGood,Qualified,10,2026-01-05\nBad,Qualified,abc,2026-01-05\n",
    );
    let (ok, out, err) = ws.run(&[
        "import",
        "deals",
        small.to_str().expect("p"),
        "--map",
        "title=Name",
        "--map",
        "value=Amount",
        "--partial",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("line 3: value:") && out.contains("Imported 1 deals."),
        "{out}"
    );
    assert_eq!(ws.report(&all)["current"]["new_deals"], 1);
}
