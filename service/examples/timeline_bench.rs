//! Timeline benchmark (driven by `bench/timeline.sh`): one deal with N events (field
//! edits and stage moves through the service, as people make them), plus notes and
//! logged calls, on a SQLite file; then the first page of its timeline read repeatedly,
//! and a page deep in its history. Prints percentiles in milliseconds.
//!
//! Usage: timeline_bench [events] [reads]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use domain::{
    activity::{ActivityKind, LoggedWork},
    board::NewDeal,
    deal::DealChange,
    note::{NewNote, RecordRef},
};
use service::{connect, migrate, Crm, CrmSettings};
use std::time::Instant;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(label: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    println!(
        "{label}: n={} p50={:.2} ms p95={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 50.0),
        percentile(&samples, 95.0),
        percentile(&samples, 99.0),
        samples[samples.len() - 1]
    );
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let events: usize = args.get(1).map_or(Ok(5000), |a| a.parse())?;
    let reads: usize = args.get(2).map_or(Ok(1000), |a| a.parse())?;
    let path = std::env::temp_dir().join(format!("timeline-bench-{}.db", uuid::Uuid::new_v4()));
    let db = connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    migrate(&db).await?;
    let crm = Crm::new(db, CrmSettings::default());
    let (dana, _) = crm
        .sign_up(domain::account::SignUp {
            workspace_name: "Timeline bench".into(),
            name: "Dana Bench".into(),
            email: "dana@bench.example".into(),
            password: "timeline bench password".into(),
        })
        .await?;
    let mut saved = crm
        .create_deal(
            &dana,
            NewDeal {
                pipeline: None,
                stage: None,
                title: "Acme fleet renewal".into(),
                changes: vec![],
            },
        )
        .await?;
    let deal = saved.card.id;
    let started = Instant::now();
    for n in 1..events {
        let edit = if n % 2 == 0 {
            DealChange::Value(format!("{}", 10_000 + n))
        } else {
            DealChange::NextStep(format!("Step {n}"))
        };
        saved = crm
            .update_deal(&dana, deal, saved.card.version, vec![edit])
            .await?;
        // Every 25th event, a note and a logged call, so all three sources interleave.
        if n % 25 == 0 {
            crm.add_note(
                &dana,
                NewNote {
                    on: RecordRef::Deal(deal),
                    body: format!(
                        "Call notes {n}: **budget** confirmed, see <https://acme.example>"
                    ),
                },
            )
            .await?;
            crm.log_activity(
                &dana,
                LoggedWork {
                    deal,
                    kind: ActivityKind::Call,
                    subject: "Call: connected".into(),
                    outcome: format!("Talked pricing ({n})"),
                    next: None,
                },
            )
            .await?;
        }
    }
    println!(
        "seeded {events} deal events (+{} notes, +{} calls) in {:.1} s",
        events / 25,
        events / 25,
        started.elapsed().as_secs_f64()
    );
    let of = RecordRef::Deal(deal);
    // Warm the connection pool and the page cache, as a running server would be.
    for _ in 0..20 {
        crm.timeline(&dana, of, None).await?;
    }
    let mut first = Vec::with_capacity(reads);
    let mut cursor = None;
    for _ in 0..reads {
        let at = Instant::now();
        let page = crm.timeline(&dana, of, None).await?;
        first.push(at.elapsed().as_secs_f64() * 1000.0);
        cursor = page.next;
    }
    report("first page", first);
    // Walk 40 pages back (1,000 entries), then time that deep page.
    for _ in 0..39 {
        if let Some(after) = cursor.take() {
            cursor = crm.timeline(&dana, of, Some(after)).await?.next;
        }
    }
    if let Some(deep) = cursor {
        let mut samples = Vec::with_capacity(reads);
        for _ in 0..reads {
            let at = Instant::now();
            crm.timeline(&dana, of, Some(deep.clone())).await?;
            samples.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        report("page 41 (entries 1,001-1,025)", samples);
    }
    std::fs::remove_file(&path).ok();
    Ok(())
}
