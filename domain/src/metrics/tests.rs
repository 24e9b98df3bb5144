use super::*;
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::HashMap;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn q1() -> Period {
    Period::new(day("2026-01-01"), day("2026-03-31")).expect("period")
}

#[test]
fn periods_know_their_predecessor_and_months() {
    let period = q1();
    assert_eq!(period.days(), 90);
    assert_eq!(
        period.previous(),
        Period::new(day("2025-10-03"), day("2025-12-31")).expect("p")
    );
    assert_eq!(period.months(), ["2026-01", "2026-02", "2026-03"]);
    assert_eq!(
        Period::quarter_of(day("2026-11-28")),
        Period::new(day("2026-10-01"), day("2026-12-31")).expect("p")
    );
    assert!(Period::new(day("2026-02-01"), day("2026-01-01")).is_err());
}

#[test]
fn ratios_round_half_up_and_never_divide_by_zero() {
    assert_eq!(Ratio::of(1, 0), None);
    assert_eq!(Ratio::of(1, 3).map(|r| r.percent()), Some(33.3));
    assert_eq!(Ratio::of(2, 3).map(|r| r.percent()), Some(66.7));
    assert_eq!(Ratio::of(1, 8).map(|r| r.percent()), Some(12.5));
    assert_eq!(Ratio::of(1, 16).map(|r| r.percent()), Some(6.3));
}

#[test]
fn averages_round_half_away_from_zero() {
    assert_eq!(average_cents(10, 4), Some(3));
    assert_eq!(average_cents(10, 3), Some(3));
    assert_eq!(average_cents(11, 2), Some(6));
    assert_eq!(average_cents(-11, 2), Some(-6));
    assert_eq!(average_cents(5, 0), None);
    assert_eq!(mean_tenths(10, 3), Some(33));
    assert_eq!(mean_tenths(0, 0), None);
}

#[test]
fn median_takes_the_middle_or_the_mean_of_the_two_middles() {
    let hist = |pairs: &[(i64, u64)]| -> Vec<CycleCount> {
        pairs
            .iter()
            .map(|&(days, deals)| CycleCount { days, deals })
            .collect()
    };
    assert_eq!(median_tenths(&hist(&[])), None);
    assert_eq!(median_tenths(&hist(&[(7, 1)])), Some(70));
    assert_eq!(median_tenths(&hist(&[(1, 1), (4, 1)])), Some(25));
    assert_eq!(median_tenths(&hist(&[(9, 2), (1, 1)])), Some(90));
    assert_eq!(median_tenths(&hist(&[(1, 2), (3, 1), (10, 1)])), Some(20));
}

#[test]
fn velocity_is_open_deals_times_win_rate_times_size_over_cycle() {
    // 10 open × 1/2 × 1,000.00 ÷ 25.0 days = 200.00 a day.
    assert_eq!(
        velocity_cents_per_day(10, Ratio::of(1, 2), Some(100_000), Some(250)),
        Some(20_000)
    );
    assert_eq!(
        velocity_cents_per_day(10, None, Some(100_000), Some(250)),
        None
    );
    assert_eq!(
        velocity_cents_per_day(10, Ratio::of(1, 2), Some(100_000), Some(0)),
        None
    );
    assert_eq!(weighted_open(999, 50), 499);
}

struct World {
    pipeline: Uuid,
    stages: Vec<StageFact>,
    deals: Vec<DealFact>,
    changes: Vec<StageChangeFact>,
}

fn world() -> World {
    let pipeline = Uuid::from_u128(1);
    let stages: Vec<StageFact> = [("Qualified", 10), ("Proposal", 50), ("Closing", 90)]
        .iter()
        .enumerate()
        .map(|(i, (name, p))| StageFact {
            id: Uuid::from_u128(10 + i as u128),
            name: (*name).into(),
            position: i as i32,
            probability: *p,
        })
        .collect();
    let (ana, ben) = (Some(Uuid::from_u128(100)), Some(Uuid::from_u128(101)));
    let deal = |n: u128,
                stage: usize,
                owner,
                state,
                value,
                created: &str,
                closed: Option<&str>,
                expected: Option<&str>| DealFact {
        id: Uuid::from_u128(1000 + n),
        pipeline,
        stage: stages[stage].id,
        owner,
        state,
        value_cents: value,
        currency: if n == 5 { "EUR".into() } else { "USD".into() },
        created_on: day(created),
        closed_on: closed.map(day),
        expected_close_on: expected.map(day),
        lost_reason: (state == DealStatus::Lost).then(|| "Price".to_owned()),
    };
    let deals = vec![
        deal(
            1,
            2,
            ana,
            DealStatus::Won,
            100_000,
            "2026-01-05",
            Some("2026-01-25"),
            None,
        ),
        deal(
            2,
            2,
            ana,
            DealStatus::Won,
            300_000,
            "2026-01-10",
            Some("2026-02-19"),
            None,
        ),
        deal(
            3,
            1,
            ben,
            DealStatus::Lost,
            50_000,
            "2026-02-01",
            Some("2026-02-11"),
            None,
        ),
        deal(
            4,
            1,
            ben,
            DealStatus::Open,
            80_000,
            "2026-02-15",
            None,
            Some("2026-03-15"),
        ),
        deal(
            5,
            0,
            ana,
            DealStatus::Open,
            20_000,
            "2025-12-01",
            None,
            Some("2026-04-02"),
        ),
        // Closed before the period: counts in the previous one only.
        deal(
            6,
            2,
            ben,
            DealStatus::Won,
            70_000,
            "2025-11-01",
            Some("2025-12-01"),
            None,
        ),
    ];
    let at = |d: &str, h: u32| Utc.from_utc_datetime(&day(d).and_hms_opt(h, 0, 0).expect("time"));
    let change = |n: u128, deal: u128, stage: usize, status, when| StageChangeFact {
        id: Uuid::from_u128(5000 + n),
        deal: Uuid::from_u128(1000 + deal),
        to_stage: stages[stage].id,
        status,
        at: when,
    };
    let changes = vec![
        change(1, 1, 0, DealStatus::Open, at("2026-01-05", 9)),
        change(2, 1, 2, DealStatus::Open, at("2026-01-15", 9)),
        change(3, 1, 2, DealStatus::Won, at("2026-01-25", 9)),
        change(4, 2, 0, DealStatus::Open, at("2026-01-10", 0)),
        change(5, 2, 2, DealStatus::Won, at("2026-02-19", 12)),
        change(6, 3, 1, DealStatus::Open, at("2026-02-01", 0)),
        change(7, 3, 1, DealStatus::Lost, at("2026-02-11", 0)),
        change(8, 4, 0, DealStatus::Open, at("2026-02-15", 0)),
        change(9, 4, 1, DealStatus::Open, at("2026-02-16", 0)),
    ];
    World {
        pipeline,
        stages,
        deals,
        changes,
    }
}

#[test]
fn the_dashboard_follows_the_definitions() {
    let w = world();
    let filter = MetricsFilter {
        period: q1(),
        pipeline: Some(w.pipeline),
        owner: None,
        team: None,
    };
    let scope = Scope {
        pipeline: w.pipeline,
        owners: None,
        period: q1(),
        stages: &w.stages,
    };
    let leads = vec![
        LeadFact {
            owner: None,
            source: "Web".into(),
            created_on: day("2026-01-02"),
            converted: true,
        },
        LeadFact {
            owner: None,
            source: "Web".into(),
            created_on: day("2026-01-03"),
            converted: false,
        },
        LeadFact {
            owner: None,
            source: "Event".into(),
            created_on: day("2025-01-03"),
            converted: false,
        },
    ];
    let current = Aggregates::from_facts(&scope, &w.deals, &w.changes, &leads);
    let previous = Aggregates::from_facts(
        &Scope {
            period: q1().previous(),
            ..scope
        },
        &w.deals,
        &w.changes,
        &leads,
    );
    let names = HashMap::from([
        (Uuid::from_u128(100), "Ana".to_owned()),
        (Uuid::from_u128(101), "Ben".to_owned()),
    ]);
    let context = Context {
        filter: &filter,
        pipeline: w.pipeline,
        pipeline_name: "Sales",
        stages: &w.stages,
        names: &names,
    };
    let board = Dashboard::finish(&context, &current, &previous);
    let usd = |cents| {
        vec![Amount {
            currency: "USD".into(),
            cents,
        }]
    };

    let now = &board.current;
    assert_eq!((now.won_deals, now.lost_deals, now.new_deals), (2, 1, 4));
    assert_eq!(now.win_rate, Ratio::of(2, 3));
    assert_eq!(now.won_value, usd(400_000));
    assert_eq!(now.average_won_deal, usd(200_000));
    // Cycles 20 and 40 days.
    assert_eq!(
        (now.sales_cycle_mean_tenths, now.sales_cycle_median_tenths),
        (Some(300), Some(300))
    );
    assert_eq!(now.open_deals, 2);
    assert_eq!(
        now.open_value,
        vec![
            Amount {
                currency: "EUR".into(),
                cents: 20_000
            },
            Amount {
                currency: "USD".into(),
                cents: 80_000
            }
        ]
    );
    assert_eq!(
        now.weighted_value,
        vec![
            Amount {
                currency: "EUR".into(),
                cents: 2_000
            },
            Amount {
                currency: "USD".into(),
                cents: 40_000
            }
        ]
    );
    // 1 open USD deal × 2/3 × 2,000.00 ÷ 30 days = 44.44 a day.
    assert_eq!(now.velocity_per_day, usd(4_444));
    assert_eq!(board.previous.won_deals, 1);
    assert_eq!(board.previous.win_rate, Ratio::of(1, 1));

    assert_eq!(
        board
            .forecast
            .iter()
            .map(|m| m.total.clone())
            .collect::<Vec<_>>(),
        [usd(100_000), usd(300_000), usd(40_000)]
    );
    let reached: Vec<u64> = board.conversion.iter().map(|s| s.reached).collect();
    // Created in Q1: deals 1–4. Reached Qualified+: 4; Proposal+: 1, 2, 3 (via Closing/won), 4 → 4; Closing+: 1, 2; won: 1, 2.
    assert_eq!(reached, [4, 4, 2, 2]);
    assert_eq!(board.conversion[1].to_next, Ratio::of(2, 4));
    // Qualified stays: deal 1 (10 days), deal 2 (40.5 days), deal 4 (1 day) → 17.2 days.
    assert_eq!(board.time_in_stage[0].stays, 3);
    assert_eq!(board.time_in_stage[0].mean_days_tenths, Some(172));
    assert_eq!(
        board.lost_reasons,
        vec![LostReason {
            reason: "Price".into(),
            deals: 1,
            share: Ratio::of(1, 1)
        }]
    );
    assert_eq!(board.leaderboard[0].name, "Ana");
    assert_eq!(board.leaderboard[0].won_value, usd(400_000));
    assert_eq!(board.leaderboard[1].win_rate, Ratio::of(0, 1));
    assert_eq!(
        board.sources,
        vec![SourceRow {
            source: "Web".into(),
            leads: 2,
            converted: 1,
            lead_to_deal: Ratio::of(1, 2)
        }]
    );
}

#[test]
fn an_empty_period_shows_dashes_not_division_by_zero() {
    let w = world();
    let empty = Period::new(day("2030-01-01"), day("2030-01-31")).expect("p");
    let filter = MetricsFilter {
        period: empty,
        pipeline: None,
        owner: None,
        team: None,
    };
    let scope = Scope {
        pipeline: w.pipeline,
        owners: None,
        period: empty,
        stages: &w.stages,
    };
    let current = Aggregates::from_facts(&scope, &w.deals, &w.changes, &[]);
    let names = HashMap::new();
    let context = Context {
        filter: &filter,
        pipeline: w.pipeline,
        pipeline_name: "Sales",
        stages: &w.stages,
        names: &names,
    };
    let board = Dashboard::finish(&context, &current, &current);
    assert_eq!(board.current.win_rate, None);
    assert_eq!(board.current.sales_cycle_mean_tenths, None);
    assert!(board.current.average_won_deal.is_empty());
    assert!(board.current.velocity_per_day.is_empty());
    assert!(board.conversion.iter().all(|s| s.to_next.is_none()));
}

#[test]
fn presets_resolve_around_today() {
    let today = day("2026-11-28");
    let resolve = |p: PeriodPreset| p.resolve(today, None, None);
    let period = |a, b| Period::new(day(a), day(b)).expect("p");
    assert_eq!(
        resolve(PeriodPreset::ThisQuarter),
        period("2026-10-01", "2026-12-31")
    );
    assert_eq!(
        resolve(PeriodPreset::LastQuarter),
        period("2026-07-01", "2026-09-30")
    );
    assert_eq!(
        resolve(PeriodPreset::ThisMonth),
        period("2026-11-01", "2026-11-30")
    );
    assert_eq!(
        resolve(PeriodPreset::LastMonth),
        period("2026-10-01", "2026-10-31")
    );
    assert_eq!(
        resolve(PeriodPreset::LastYear),
        period("2025-01-01", "2025-12-31")
    );
    let custom =
        PeriodPreset::Custom.resolve(today, Some(day("2017-01-01")), Some(day("2017-02-01")));
    assert_eq!(custom, period("2017-01-01", "2017-02-01"));
    let reversed =
        PeriodPreset::Custom.resolve(today, Some(day("2017-02-01")), Some(day("2017-01-01")));
    assert_eq!(reversed, resolve(PeriodPreset::ThisQuarter));
    assert_eq!(
        PeriodPreset::parse("last-month"),
        Some(PeriodPreset::LastMonth)
    );
}

#[test]
fn a_team_counts_only_the_deals_of_its_members() {
    let w = world();
    let (ana, ben) = (Uuid::from_u128(100), Uuid::from_u128(101));
    let everyone = Period::new(day("2020-01-01"), day("2030-12-31")).expect("p");
    let fold = |owners: Option<&[Uuid]>| {
        Aggregates::from_facts(
            &Scope {
                pipeline: w.pipeline,
                owners,
                period: everyone,
                stages: &w.stages,
            },
            &w.deals,
            &w.changes,
            &[],
        )
    };
    let team = fold(Some(&[ana]));
    assert!(!team.closed.is_empty());
    assert!(team.closed.iter().all(|g| g.owner == Some(ana)));
    assert!(team.open.iter().all(|g| g.owner == Some(ana)));
    let all = fold(None);
    let both = fold(Some(&[ana, ben]));
    assert!(all.new_deals >= both.new_deals && both.new_deals > team.new_deals);
    assert_eq!(fold(Some(&[])).new_deals, 0, "an empty team counts nothing");

    let filter = |owner, team| MetricsFilter {
        period: everyone,
        pipeline: None,
        owner,
        team,
    };
    let squad = Some(Uuid::from_u128(900));
    assert_eq!(filter(None, None).owners(&[ana]), None);
    assert_eq!(filter(Some(ben), None).owners(&[]), Some(vec![ben]));
    assert_eq!(
        filter(None, squad).owners(&[ana, ben]),
        Some(vec![ana, ben])
    );
    assert_eq!(filter(Some(ben), squad).owners(&[ana]), Some(vec![]));
}
