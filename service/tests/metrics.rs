//! The dashboard's SQL aggregates against the reference fold in `domain::metrics`, on
//! generated history (imported rows with their own dates, plus live moves, wins and
//! losses through the normal write path), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, NaiveDate, Utc};
use common::deals::{board, move_to, new_deal, rep, stage, workspace};
use domain::{
    account::CurrentUser,
    board::Outcome,
    deal::{DealChange, EntryCriteria},
    ids::{PipelineId, WorkspaceId},
    import::{read_row, ColumnMap, DateOrder},
    lead::{LeadSource, NewLead},
    metrics::{Aggregates, Context, Dashboard, MetricsFilter, Period, Scope, WON_REACH},
    pipeline::{SavePipeline, StageDraft},
    AppError,
};
use sea_orm::ConnectionTrait;
use service::{CaptureBy, Crm, ImportOptions, ImportRow, MetricFacts};
use std::collections::HashMap;

/// A small deterministic generator, so a failure reproduces.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % sides
    }
}

const HEADER: [&str; 10] = [
    "name", "owner", "stage", "created", "closed", "value", "currency", "reason", "expected",
    "account",
];

fn generated_rows(count: usize) -> Vec<Vec<String>> {
    let mut dice = Dice(7);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let owners = ["Ana Reyes", "Ben Okafor", "Chloé Martin"];
    let reasons = ["Price too high", "Went with a competitor", ""];
    (0..count)
        .map(|i| {
            let created = start + Duration::days(i64::try_from(dice.roll(600)).unwrap_or(0));
            let outcome = dice.roll(10);
            let (stage, closed) = match outcome {
                0..=3 => (
                    "Won".to_owned(),
                    Some(created + Duration::days(i64::try_from(dice.roll(120)).unwrap_or(0))),
                ),
                4..=6 => (
                    "Lost".to_owned(),
                    Some(created + Duration::days(i64::try_from(dice.roll(90)).unwrap_or(0))),
                ),
                _ => (
                    ["Qualified", "Initial contact", "Proposal"]
                        [usize::try_from(dice.roll(3)).unwrap_or(0)]
                    .to_owned(),
                    None,
                ),
            };
            let expected =
                created + Duration::days(30 + i64::try_from(dice.roll(400)).unwrap_or(0));
            vec![
                format!("Deal {i}"),
                owners[usize::try_from(dice.roll(3)).unwrap_or(0)].to_owned(),
                stage,
                created.to_string(),
                closed.map(|d| d.to_string()).unwrap_or_default(),
                format!("{}.{:02}", 100 + dice.roll(50_000), dice.roll(100)),
                if dice.roll(5) == 0 {
                    "EUR".into()
                } else {
                    "USD".into()
                },
                reasons[usize::try_from(dice.roll(3)).unwrap_or(0)].to_owned(),
                expected.to_string(),
                format!("Account {}", dice.roll(20)),
            ]
        })
        .collect()
}

fn import_rows(rows: &[Vec<String>]) -> Vec<ImportRow> {
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    let maps: Vec<String> = [
        "title=name",
        "closed=closed",
        "lost_reason=reason",
        "expected_close=expected",
        "company=account",
    ]
    .iter()
    .map(|m| (*m).to_owned())
    .collect();
    let map = ColumnMap::resolve(&maps, &header).expect("mapping");
    rows.iter()
        .enumerate()
        .map(|(i, row)| ImportRow {
            line: i + 2,
            draft: read_row(&map, row, DateOrder::MonthFirst).expect("generated rows are valid"),
        })
        .collect()
}

/// Live history today: deals created, moved, won and lost through the write path.
async fn live_history(crm: &Crm, dana: &CurrentUser) {
    let columns = board(crm, dana).await;
    let contact = stage(&columns, "Initial contact");
    let proposal = stage(&columns, "Proposal");
    for i in 0..6 {
        let saved = new_deal(
            crm,
            dana,
            &format!("Live {i}"),
            vec![DealChange::Value(format!("{}000", i + 1))],
        )
        .await;
        let moved = crm
            .move_deal(dana, move_to(&saved, contact, vec![]))
            .await
            .expect("move");
        if i < 2 {
            continue;
        }
        let expected = (Utc::now() + Duration::days(10)).date_naive().to_string();
        let moved = crm
            .move_deal(
                dana,
                move_to(
                    &moved,
                    proposal,
                    vec![DealChange::ExpectedCloseOn(expected)],
                ),
            )
            .await
            .expect("move");
        let outcome = if i % 2 == 0 {
            Outcome::Won
        } else {
            Outcome::Lost {
                reason: "Price too high".into(),
            }
        };
        if i < 5 {
            crm.close_deal(dana, moved.card.id, moved.card.version, outcome)
                .await
                .expect("close");
        }
    }
    for (i, source) in [
        LeadSource::WebForm,
        LeadSource::Referral,
        LeadSource::WebForm,
    ]
    .into_iter()
    .enumerate()
    {
        let by = CaptureBy {
            workspace: WorkspaceId(dana.workspace_id.0),
            member: Some(dana.user_id),
            source,
            form: None,
        };
        let lead = NewLead {
            name: format!("Lead {i}"),
            email: format!("lead{i}@example.com"),
            ..NewLead::default()
        };
        crm.capture_lead(by, lead).await.expect("lead");
    }
}

/// The SQL aggregates of one period and owner set, asserted equal to the reference fold
/// over the records; returns them.
async fn checked_aggregates(
    crm: &Crm,
    dana: &CurrentUser,
    pipeline: uuid::Uuid,
    facts: &MetricFacts,
    period: Period,
    owners: Option<&[uuid::Uuid]>,
) -> Aggregates {
    let scope = Scope {
        pipeline,
        owners,
        period,
        stages: &facts.stages,
    };
    let expected = Aggregates::from_facts(&scope, &facts.deals, &facts.changes, &facts.leads);
    let actual = crm
        .metrics_aggregates(dana, pipeline, owners, period)
        .await
        .expect("aggregates");
    assert_eq!(actual, expected, "period {period:?}, owners {owners:?}");
    expected
}

async fn sql_aggregates_match_the_reference_fold(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let report = crm
        .import_deals(
            &dana,
            import_rows(&generated_rows(400)),
            vec![],
            &ImportOptions::default(),
            &mut |_, _| {},
        )
        .await
        .expect("import");
    assert!(report.committed && report.imported == 400, "{report:?}");
    // Each imported deal has its own `deal.created`, then the import's summary.
    let log = crm.events_since(&dana, 0, 1000).await.expect("log");
    let created: Vec<_> = log
        .iter()
        .filter(|e| e.kind() == domain::event::EventKind::DealCreated)
        .collect();
    assert_eq!(created.len(), 400);
    assert!(created
        .iter()
        .all(|e| e.payload.deal_after().is_some_and(|a| a.version == 1)));
    assert_eq!(
        log.last().map(domain::event::Event::kind),
        Some(domain::event::EventKind::DealsImported)
    );
    live_history(&crm, &dana).await;

    let (pipeline, facts) = crm.metric_facts(&dana, None).await.expect("facts");
    let today = Utc::now().date_naive();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let mut sellers: Vec<uuid::Uuid> = facts
        .deals
        .iter()
        .filter_map(|d| d.owner.filter(|o| *o != dana.user_id.0))
        .collect();
    sellers.sort();
    sellers.dedup();
    let (ana, ben) = (sellers[0], sellers[1]);
    // A team of two of the three sellers: its figures are theirs, not the third's.
    let duo = crm.create_sales_team(&dana, "Duo").await.expect("team");
    for seller in [ana, ben] {
        crm.assign_sales_team(&dana, seller, Some(duo.id))
            .await
            .expect("assign");
    }
    let periods = [
        Period::quarter_of(today),
        Period::new(day(2025, 1, 1), day(2025, 12, 31)).expect("p"),
        Period::new(day(2025, 4, 10), day(2026, 2, 20)).expect("p"),
        Period::new(day(2024, 1, 1), today).expect("p"),
        Period::new(day(2030, 1, 1), day(2030, 1, 31)).expect("p"),
    ];
    let names: HashMap<uuid::Uuid, String> = crm
        .people(&dana)
        .await
        .expect("people")
        .into_iter()
        .map(|m| (m.id.0, m.name))
        .collect();
    let filters = [
        (None, None, None),
        (Some(ana), None, Some(vec![ana])),
        (None, Some(duo.id), Some(vec![ana, ben])),
    ];
    for period in periods {
        for (owner, team, owners) in filters.clone() {
            let expected =
                checked_aggregates(&crm, &dana, pipeline, &facts, period, owners.as_deref()).await;
            let filter = MetricsFilter {
                period,
                pipeline: Some(pipeline),
                owner,
                team,
            };
            let context = Context {
                filter: &filter,
                pipeline,
                pipeline_name: "Sales",
                stages: &facts.stages,
                names: &names,
            };
            let previous = crm
                .metrics_aggregates(&dana, pipeline, owners.as_deref(), period.previous())
                .await
                .expect("previous");
            let board = crm
                .dashboard(&dana, filter.clone())
                .await
                .expect("dashboard");
            let reference = Dashboard::finish(&context, &expected, &previous);
            assert_eq!(board.current, reference.current, "period {period:?}");
            assert_eq!(board.previous.win_rate, reference.previous.win_rate);
            assert_eq!(board.open_by_stage, reference.open_by_stage);
            assert_eq!(board.forecast, reference.forecast);
            assert_eq!(board.conversion, reference.conversion);
            assert_eq!(board.time_in_stage, reference.time_in_stage);
            assert_eq!(board.lost_reasons, reference.lost_reasons);
            assert_eq!(board.leaderboard, reference.leaderboard);
            assert_eq!(board.sources, reference.sources);
        }
    }
    // The data is not trivial: every figure has something behind it.
    let current = crm
        .metrics_aggregates(&dana, pipeline, None, Period::quarter_of(today))
        .await
        .expect("now");
    assert!(!current.stays.is_empty() && !current.reach.is_empty() && !current.sources.is_empty());
    let history = crm
        .metrics_aggregates(&dana, pipeline, None, periods[3])
        .await
        .expect("all");
    assert!(
        history.closed.len() > 6 && history.cycles.len() > 20 && history.forecast.len() > 10,
        "{history:?}"
    );
}

async fn figures_of_another_workspace_stay_out_of_sight(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let other = crm
        .sign_up(common::sign_up("Globex", "gail@globex.example"))
        .await
        .expect("other")
        .0;
    crm.import_deals(
        &other,
        import_rows(&generated_rows(30)),
        vec![],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .await
    .expect("import");
    let (globex_pipeline, _) = crm.metric_facts(&other, None).await.expect("facts");
    let all = Period::new(
        NaiveDate::from_ymd_opt(2024, 1, 1).expect("d"),
        Utc::now().date_naive(),
    )
    .expect("p");
    let mine = crm
        .dashboard(
            &dana,
            MetricsFilter {
                period: all,
                pipeline: None,
                owner: None,
                team: None,
            },
        )
        .await
        .expect("mine");
    assert_eq!((mine.current.won_deals, mine.current.open_deals), (0, 0));
    let foreign = crm
        .dashboard(
            &dana,
            MetricsFilter {
                period: all,
                pipeline: Some(globex_pipeline),
                owner: None,
                team: None,
            },
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let foreign_owner = crm
        .dashboard(
            &dana,
            MetricsFilter {
                period: all,
                pipeline: None,
                owner: Some(other.user_id.0),
                team: None,
            },
        )
        .await;
    assert_eq!(foreign_owner, Err(AppError::NotFound));
}

/// The dashboard's aggregates equal the reference fold over the records themselves, for
/// the whole workspace and for one seller, now and over all the history.
async fn assert_figures_match_the_records(crm: &Crm, dana: &CurrentUser, sellers: [uuid::Uuid; 2]) {
    let (pipeline, facts) = crm.metric_facts(dana, None).await.expect("facts");
    let today = Utc::now().date_naive();
    let all = Period::new(NaiveDate::from_ymd_opt(2024, 1, 1).expect("day"), today).expect("p");
    for period in [Period::quarter_of(today), all] {
        for owners in [None, Some(vec![sellers[0]]), Some(vec![sellers[1]])] {
            checked_aggregates(crm, dana, pipeline, &facts, period, owners.as_deref()).await;
        }
    }
}

/// A stage's position now.
async fn stage_position(crm: &Crm, dana: &CurrentUser, pipeline: uuid::Uuid, name: &str) -> i32 {
    let (_, facts) = crm.metric_facts(dana, Some(pipeline)).await.expect("facts");
    facts
        .stages
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.position)
        .expect("stage")
}

/// The rollups the database keeps follow every kind of write after an import: handing a
/// deal with history to someone else and to nobody, reopening, editing value, currency
/// and close date, reordering the stages and removing one whose deals move on.
async fn rollups_follow_every_kind_of_write(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    crm.import_deals(
        &dana,
        import_rows(&generated_rows(120)),
        vec![],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .await
    .expect("import");
    live_history(&crm, &dana).await;
    let (pipeline, facts) = crm.metric_facts(&dana, None).await.expect("facts");
    let seller = facts
        .deals
        .iter()
        .find_map(|d| d.owner.filter(|o| *o != dana.user_id.0))
        .expect("an imported seller");
    // Imported owners are inactive: deals are handed to a member who can sell.
    let sam = rep(&crm, &dana).await.user_id;
    let sellers = [seller, sam.0];
    assert_figures_match_the_records(&crm, &dana, sellers).await;

    let columns = board(&crm, &dana).await;
    let saved = new_deal(
        &crm,
        &dana,
        "Handed on",
        vec![DealChange::Value("2500".into())],
    )
    .await;
    let moved = crm
        .move_deal(
            &dana,
            move_to(&saved, stage(&columns, "Initial contact"), vec![]),
        )
        .await
        .expect("move");
    let won = crm
        .close_deal(&dana, moved.card.id, moved.card.version, Outcome::Won)
        .await
        .expect("won");
    // Its stay in Qualified and its win now count for Sam.
    let handed = crm
        .update_deal(
            &dana,
            won.card.id,
            won.card.version,
            vec![DealChange::Owner(Some(sam))],
        )
        .await
        .expect("hand over");
    assert_figures_match_the_records(&crm, &dana, sellers).await;
    let reopened = crm
        .close_deal(&dana, handed.card.id, handed.card.version, Outcome::Reopen)
        .await
        .expect("reopen");
    let edited = crm
        .update_deal(
            &dana,
            reopened.card.id,
            reopened.card.version,
            vec![
                DealChange::Value("7,500".into()),
                DealChange::Currency("EUR".into()),
                DealChange::ExpectedCloseOn(
                    (Utc::now() + Duration::days(3)).date_naive().to_string(),
                ),
            ],
        )
        .await
        .expect("edit");
    crm.update_deal(
        &dana,
        edited.card.id,
        edited.card.version,
        vec![DealChange::Owner(None)],
    )
    .await
    .expect("nobody's");
    assert_figures_match_the_records(&crm, &dana, sellers).await;

    // Reverse the stages and drop one that holds deals: every reach is recomputed.
    let (name, infos) = crm
        .pipeline_stages(&dana, PipelineId(pipeline))
        .await
        .expect("stages");
    let open_to_all = infos
        .iter()
        .find(|s| s.criteria == EntryCriteria::default())
        .expect("a stage without criteria")
        .id;
    let dropped = stage(&columns, "Initial contact");
    let stages = infos
        .iter()
        .rev()
        .filter(|s| s.id != dropped)
        .map(|s| StageDraft {
            id: Some(s.id),
            name: s.name.clone(),
            probability: s.probability,
            rotting_days: s.rotting_days,
            criteria: s.criteria.clone(),
        })
        .collect();
    crm.save_pipeline(
        &dana,
        SavePipeline {
            pipeline: PipelineId(pipeline),
            version: 1,
            name,
            stages,
            relocate: vec![(dropped, open_to_all)],
        },
    )
    .await
    .expect("save stages");
    assert_figures_match_the_records(&crm, &dana, sellers).await;
    let today = Utc::now().date_naive();
    let funnel = crm
        .metrics_aggregates(&dana, pipeline, None, Period::quarter_of(today))
        .await
        .expect("now");
    // Deals deleted with their history take their share with them (no screen deletes
    // deals yet; the rollups must not depend on that).
    let (deals, steps) = (
        common::count(&crm, "deals").await,
        common::count(&crm, "stage_changes").await,
    );
    crm.db()
        .execute_unprepared("DELETE FROM deals WHERE title IN ('Live 1', 'Live 3', 'Handed on')")
        .await
        .expect("delete deals");
    assert_eq!(common::count(&crm, "deals").await, deals - 3);
    assert!(
        common::count(&crm, "stage_changes").await <= steps - 8,
        "their history went too"
    );
    assert_figures_match_the_records(&crm, &dana, sellers).await;
    // A recount from the records gives the very figures the triggers kept.
    crm.rebuild_rollups().await.expect("rebuild");
    assert_figures_match_the_records(&crm, &dana, sellers).await;
    // Qualified now comes last: every deal that entered it reached the furthest stage.
    let qualified = stage_position(&crm, &dana, pipeline, "Qualified").await;
    assert!(
        funnel.reach.iter().any(|g| g.position == WON_REACH)
            && funnel.reach.iter().any(|g| g.position == qualified),
        "{:?}",
        funnel.reach
    );
}

on_both_databases!(
    sql_aggregates_match_the_reference_fold,
    figures_of_another_workspace_stay_out_of_sight,
    rollups_follow_every_kind_of_write
);
