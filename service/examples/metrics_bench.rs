//! Dashboard benchmark (driven by `bench/metrics.sh`): a demo workspace of N deals (one
//! million by default) with their stage history and leads, then every dashboard query
//! timed on its own through the service, for the current quarter and for the last
//! twelve months, plus the whole dashboard call. Nothing is loaded into memory: each
//! query returns grouped sums. SQLite in a temp file; `DATABASE_URL=postgres://…` uses
//! that database instead. Prints percentiles in ms.
//!
//! Usage: metrics_bench [deals] [reads]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use chrono::{Duration, Utc};
use domain::{
    account::CurrentUser,
    board::{DealFilter, MoveDeal},
    metrics::{MetricsFilter, Period},
};
use service::{connect, demo::DemoOptions, migrate, Crm, CrmSettings, DashboardQuery};
use std::{future::Future, time::Instant};
use uuid::Uuid;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Times `reads` calls after 5 warm-up calls (pool and page cache warm, as in a server).
async fn time<T, F, Fut>(label: &str, reads: usize, mut call: F) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, domain::AppError>>,
{
    for _ in 0..5 {
        call().await?;
    }
    let mut samples = Vec::with_capacity(reads);
    for _ in 0..reads {
        let at = Instant::now();
        call().await?;
        samples.push(at.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "| {label} | {:.1} | {:.1} | {:.1} |",
        percentile(&samples, 50.0),
        percentile(&samples, 99.0),
        samples[samples.len() - 1]
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let deals: usize = args.get(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let reads: usize = args.get(2).map_or(Ok(100), |a| a.parse())?;
    // METRICS_BENCH_DB keeps the seeded SQLite file between runs: seeding a million
    // deals takes far longer than measuring them.
    let kept = std::env::var("METRICS_BENCH_DB").ok();
    let path = kept.clone().map_or_else(
        || std::env::temp_dir().join(format!("metrics-bench-{}.db", Uuid::new_v4().simple())),
        std::path::PathBuf::from,
    );
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", path.display()));
    let db = connect(&url).await?;
    migrate(&db).await?;
    let crm = Crm::new(db, CrmSettings::default());
    let viewer = match crm.workspace_admin(None).await {
        Ok(viewer) if kept.is_some() => {
            eprintln!("  reusing the seeded database {}", path.display());
            viewer
        }
        _ => {
            let started = Instant::now();
            let demo = crm
                .seed_demo(DemoOptions { deals, seed: 2026 }, &|done| {
                    if done % 100_000 == 0 {
                        eprint!("\r  seeded {done}/{deals} deals");
                    }
                })
                .await?;
            eprintln!("\n  seeded in {:.0} s", started.elapsed().as_secs_f64());
            crm.workspace_admin(Some(&demo.name)).await?
        }
    };
    // Planner statistics, as a database in service has them.
    crm.analyze().await?;
    let workspace_name = viewer.workspace_name.clone();
    let today = Utc::now().date_naive();
    // The demo's (first) pipeline.
    let first = MetricsFilter {
        period: Period::quarter_of(today),
        pipeline: None,
        owner: None,
        team: None,
    };
    let pipeline = crm.dashboard(&viewer, first).await?.pipeline;
    let periods = [
        ("quarter", Period::quarter_of(today)),
        (
            "12 months",
            Period::new(today - Duration::days(364), today)?,
        ),
    ];
    println!(
        "{deals} deals, {} on {}",
        workspace_name,
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    moves(&crm, &viewer, reads).await?;
    println!("| query (period) | p50 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, period) in periods {
        for query in DashboardQuery::ALL {
            let label = format!("{query:?} ({name})");
            time(&label, reads, || {
                crm.run_dashboard_query(&viewer, pipeline, period, query)
            })
            .await?;
        }
        let filter = MetricsFilter {
            period,
            pipeline: Some(pipeline),
            owner: None,
            team: None,
        };
        time(&format!("whole dashboard ({name})"), reads / 2, || {
            crm.dashboard(&viewer, filter.clone())
        })
        .await?;
    }
    Ok(())
}

/// The write side of the rollups: one deal moved back and forth between the first two
/// stages through the service (stage history, rollup triggers and event log included).
async fn moves(crm: &Crm, viewer: &CurrentUser, reads: usize) -> Result<(), Failure> {
    let board = crm.board(viewer, DealFilter::default()).await?;
    let (Some(first), Some(second)) = (board.columns.first(), board.columns.get(1)) else {
        return Ok(());
    };
    let Some(card) = first.cards.first() else {
        return Ok(());
    };
    let stages = [second.stage.id, first.stage.id];
    let (mut version, mut samples) = (card.version, Vec::with_capacity(reads));
    for i in 0..reads + 5 {
        let at = Instant::now();
        let saved = crm
            .move_deal(
                viewer,
                MoveDeal {
                    deal: card.id,
                    version,
                    stage: stages[i % 2],
                    changes: vec![],
                },
            )
            .await?;
        version = saved.card.version;
        if i >= 5 {
            samples.push(at.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "move a deal (write, {reads} moves): p50 {:.1} ms, p99 {:.1} ms",
        percentile(&samples, 50.0),
        percentile(&samples, 99.0)
    );
    Ok(())
}
