//! The fuzzer kept in the test command (issue 15): generated inputs (valid, boundary
//! and malformed, from each endpoint's argument types) for every server function,
//! page and web form, through the real router, as an admin, a rep, a marketer and
//! signed out, on SQLite and PostgreSQL. A run fails on any 5xx, panic, ERROR event
//! in the log, answer over 2 MB or request slower than the bound.
//!
//! `PIPEWRIGHT_FUZZ_CASES` sets the generated cases per endpoint (default 16: under a
//! minute for both databases in a debug build); `PIPEWRIGHT_FUZZ_SEED` the generator's
//! seed (a failure prints it); `PIPEWRIGHT_FUZZ_SLOW_MS` the slow bound (default
//! 5000). `bench/fuzz.sh` runs a long one in release mode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;
/// The fuzzer's parts, in tests/fuzz/.
mod fuzz {
    pub mod calls;
    pub mod figures;
    pub mod mutate;
    pub mod pages;
    pub mod run;
    pub mod seed;
    pub mod send;
    pub mod texts;
    pub mod watch;
}

use fuzz::{calls, figures, mutate, pages, run, seed, send, texts, watch};
use run::{Fuzzer, Plan};
use service::Crm;
use std::time::Duration;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn plan() -> Plan {
    Plan {
        cases: usize::try_from(env_number("PIPEWRIGHT_FUZZ_CASES", 16)).unwrap_or(16),
        seed: env_number("PIPEWRIGHT_FUZZ_SEED", 15),
        slow: Duration::from_millis(env_number("PIPEWRIGHT_FUZZ_SLOW_MS", 5_000)),
    }
}

/// Long enough for the cases asked for, at a slow debug build's pace.
fn time_limit(plan: Plan) -> Duration {
    Duration::from_secs(120 + 40 * plan.cases as u64)
}

async fn fuzz(database: &'static str, crm: Crm) {
    watch::install();
    let plan = plan();
    eprintln!(
        "fuzzing {database}: {} cases per endpoint, seed {} (PIPEWRIGHT_FUZZ_SEED)",
        plan.cases, plan.seed
    );
    let started = std::time::Instant::now();
    let resident = || watch::resident_kib().unwrap_or(0) / 1024;
    eprintln!("{database}: {} MB resident before seeding", resident());
    let mut fuzzer = Fuzzer::new(database, crm, plan).await;
    eprintln!(
        "{database}: {} MB resident after seeding and building the router",
        resident()
    );
    fuzzer.server_functions().await;
    fuzzer.pages().await;
    fuzzer.web_form().await;
    fuzzer.reproductions().await;
    let lost = fuzzer.still_signed_in().await;
    let figures = &fuzzer.figures;
    eprintln!("{}", figures.report());
    eprintln!("{database}: {} s", started.elapsed().as_secs());
    assert!(
        lost.is_empty(),
        "{database}: sessions lost during the run: {lost:?}"
    );
    assert!(
        figures.problems.is_empty(),
        "{database}: {} kinds of problem (seed {}); see the examples above",
        figures.problems.len(),
        plan.seed
    );
}

#[test]
fn sqlite_survives_generated_input() {
    common::run_within(time_limit(plan()), async {
        fuzz("sqlite", common::crm().await).await;
    });
}

#[test]
fn postgres_survives_generated_input() {
    common::run_within(time_limit(plan()), async {
        if let Some(crm) = common::postgres_crm().await {
            fuzz("postgres", crm).await;
        }
    });
}

#[test]
fn every_server_function_is_catalogued() {
    let (missing, stale) = calls::uncatalogued();
    let registered = leptos::server_fn::axum::server_fn_paths().count();
    eprintln!("{registered} server functions registered");
    assert!(
        missing.is_empty(),
        "server functions without a fuzzer entry (add them to tests/fuzz/calls/): {missing:?}"
    );
    assert!(stale.is_empty(), "catalogued but not registered: {stale:?}");
}

#[test]
fn every_page_is_catalogued() {
    common::run(async {
        let declared: Vec<String> = leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|route| route.path().to_owned())
            .collect();
        let (missing, stale) = pages::uncatalogued(&declared);
        assert!(
            missing.is_empty(),
            "pages without a fuzzer entry (add them to tests/fuzz/pages.rs): {missing:?}"
        );
        assert!(stale.is_empty(), "listed but not routed: {stale:?}");
    });
}
