//! Sales teams and goals: attainment computed from won deals (per currency, across
//! pipelines, by close date), team filters on the dashboard, and who may set them — on
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::NaiveDate;
use common::{count, deals::rep, deals::workspace};
use domain::{
    account::CurrentUser,
    goal::{GoalDraft, GoalOwner, GoalPace},
    import::{read_row, ColumnMap, DateOrder},
    metrics::{MetricsFilter, Period},
    AppError,
};
use service::{Crm, GoalQuery, ImportOptions, ImportRow};
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn q1() -> Period {
    Period::new(day(2026, 1, 1), day(2026, 3, 31)).expect("period")
}

/// Closed deals with their own dates: Ana and Ben sell, Chloé closed before the quarter.
async fn closed_history(crm: &Crm, dana: &CurrentUser) {
    let header: Vec<String> = [
        "name", "owner", "stage", "created", "closed", "value", "currency",
    ]
    .map(str::to_owned)
    .to_vec();
    let map = ColumnMap::resolve(&["title=name".to_owned()], &header).expect("map");
    let rows = [
        [
            "Atlas",
            "Ana Reyes",
            "Won",
            "2025-12-01",
            "2026-01-10",
            "1000",
            "USD",
        ],
        [
            "Borealis",
            "Ana Reyes",
            "Won",
            "2025-12-05",
            "2026-02-01",
            "500",
            "EUR",
        ],
        [
            "Cobalt",
            "Ben Okafor",
            "Won",
            "2026-01-02",
            "2026-01-20",
            "2000",
            "USD",
        ],
        [
            "Delta",
            "Ana Reyes",
            "Lost",
            "2026-01-03",
            "2026-01-15",
            "900",
            "USD",
        ],
        [
            "Ember",
            "Chloé Martin",
            "Won",
            "2025-11-01",
            "2025-12-30",
            "700",
            "USD",
        ],
    ];
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| ImportRow {
            line: i + 2,
            draft: read_row(&map, &row.map(str::to_owned), DateOrder::MonthFirst).expect("row"),
        })
        .collect();
    let report = crm
        .import_deals(
            dana,
            rows,
            vec![],
            &ImportOptions::default(),
            &mut |_, _| {},
        )
        .await
        .expect("import");
    assert!(report.committed, "{report:?}");
}

async fn member(crm: &Crm, dana: &CurrentUser, name: &str) -> Uuid {
    crm.team(dana)
        .await
        .expect("team")
        .members
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.id.0)
        .expect("member")
}

fn draft(owner: GoalOwner, measure: &str, currency: &str, target: &str) -> GoalDraft {
    GoalDraft {
        owner: owner.key(),
        measure: measure.into(),
        currency: currency.into(),
        starts_on: "2026-01-01".into(),
        ends_on: "2026-03-31".into(),
        target: target.into(),
    }
}

async fn goals_count_what_their_owners_won(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    closed_history(&crm, &dana).await;
    let (ana, ben) = (
        member(&crm, &dana, "Ana Reyes").await,
        member(&crm, &dana, "Ben Okafor").await,
    );
    let enterprise = crm
        .create_sales_team(&dana, " Enterprise ")
        .await
        .expect("team");
    assert_eq!(enterprise.name, "Enterprise");
    for rep in [ana, ben] {
        crm.assign_sales_team(&dana, rep, Some(enterprise.id))
            .await
            .expect("assign");
    }
    let team = GoalOwner::Team(enterprise.id);
    crm.set_goal(
        &dana,
        &draft(GoalOwner::Workspace, "won_value", "usd", "10,000"),
    )
    .await
    .expect("company goal");
    crm.set_goal(&dana, &draft(team, "won_deals", "", "4"))
        .await
        .expect("team goal");
    crm.set_goal(
        &dana,
        &draft(GoalOwner::Rep(ana), "won_value", "EUR", "400"),
    )
    .await
    .expect("rep goal");

    let query = |owner, team| GoalQuery {
        period: q1(),
        owner,
        team,
        today: day(2026, 2, 15),
    };
    let all = crm.goals(&dana, &query(None, None)).await.expect("goals");
    let figures: Vec<(String, i64, i64, GoalPace)> = all
        .iter()
        .map(|p| (p.goal.owner_name.clone(), p.actual, p.goal.target, p.pace))
        .collect();
    assert_eq!(
        figures,
        [
            // USD only: Atlas and Cobalt; Ember closed before the quarter.
            ("Everyone".into(), 300_000, 1_000_000, GoalPace::Behind),
            // Atlas, Borealis and Cobalt; the lost Delta does not count.
            ("Enterprise".into(), 3, 4, GoalPace::OnTrack),
            ("Ana Reyes".into(), 50_000, 40_000, GoalPace::Achieved),
        ]
    );
    assert_eq!(all[2].attainment.map(|r| r.percent()), Some(125.0));

    let team_view = crm
        .goals(&dana, &query(None, Some(enterprise.id)))
        .await
        .expect("team goals");
    assert_eq!(team_view.len(), 2, "the team's goal and its members'");
    let ben_view = crm
        .goals(&dana, &query(Some(ben), None))
        .await
        .expect("ben");
    assert!(ben_view.is_empty());
    let later = GoalQuery {
        period: Period::new(day(2026, 6, 1), day(2026, 6, 30)).expect("p"),
        ..query(None, None)
    };
    assert!(crm.goals(&dana, &later).await.expect("later").is_empty());

    // The dashboard's team filter counts the members' deals only.
    let filter = |owner, team| MetricsFilter {
        period: q1(),
        pipeline: None,
        owner,
        team,
    };
    let board = crm
        .dashboard(&dana, filter(None, Some(enterprise.id)))
        .await
        .expect("team dashboard");
    assert_eq!((board.current.won_deals, board.current.lost_deals), (3, 1));
    let outsider = crm
        .dashboard(&dana, filter(Some(dana.user_id.0), Some(enterprise.id)))
        .await
        .expect("outsider");
    assert_eq!(outsider.current.won_deals, 0, "Dana is not in the team");

    // Moving Ben out of the team takes his deals out of its figures.
    crm.assign_sales_team(&dana, ben, None)
        .await
        .expect("unassign");
    let smaller = crm
        .goals(&dana, &query(None, Some(enterprise.id)))
        .await
        .expect("goals");
    assert_eq!(smaller.first().map(|p| p.actual), Some(2));
    let outside = crm
        .goals(&dana, &query(Some(ben), Some(enterprise.id)))
        .await
        .expect("outside");
    assert!(
        outside.is_empty(),
        "like the figures: a rep outside the team shows nothing"
    );

    // A rename moves the team's version on; a removal based on the old one is refused.
    crm.rename_sales_team(
        &dana,
        (enterprise.id, enterprise.version),
        "Enterprise East",
    )
    .await
    .expect("rename");
    let stale = crm
        .remove_sales_team(&dana, (enterprise.id, enterprise.version))
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    // Removing the team removes its goal; the rest stay.
    crm.remove_sales_team(&dana, (enterprise.id, enterprise.version + 1))
        .await
        .expect("remove");
    assert_eq!(count(&crm, "goals").await, 2);
    assert_eq!(count(&crm, "sales_team_members").await, 0);
    let first = crm.goals(&dana, &query(None, None)).await.expect("goals");
    crm.remove_goal(&dana, first[0].goal.id)
        .await
        .expect("remove goal");
    assert_eq!(count(&crm, "goals").await, 1);
}

async fn reps_read_goals_but_do_not_set_them(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let sam = rep(&crm, &dana).await;
    let goal = crm
        .set_goal(
            &dana,
            &draft(GoalOwner::Rep(sam.user_id.0), "won_deals", "", "5"),
        )
        .await
        .expect("goal");
    assert_eq!(goal.owner_name, "Sam Rep");
    let refused = crm
        .set_goal(&sam, &draft(GoalOwner::Workspace, "won_deals", "", "5"))
        .await;
    assert_eq!(
        refused,
        Err(AppError::Forbidden("Sales reps can't set goals.".into()))
    );
    assert_eq!(
        crm.create_sales_team(&sam, "Sam's crew").await,
        Err(AppError::Forbidden(
            "Sales reps can't organise sales teams.".into()
        ))
    );
    assert_eq!(
        crm.remove_goal(&sam, goal.id).await,
        Err(AppError::Forbidden("Sales reps can't set goals.".into()))
    );
    let query = GoalQuery {
        period: q1(),
        owner: None,
        team: None,
        today: day(2026, 2, 15),
    };
    let seen = crm.goals(&sam, &query).await.expect("read");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].pace, GoalPace::Behind);
    assert_eq!(count(&crm, "goals").await, 1);
}

async fn bad_goals_and_foreign_teams_change_nothing(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let other = crm
        .sign_up(common::sign_up("Globex", "gail@globex.example"))
        .await
        .expect("other")
        .0;
    let theirs = crm
        .create_sales_team(&other, "Globex West")
        .await
        .expect("t");
    let bad = GoalDraft {
        target: "-3".into(),
        ..draft(GoalOwner::Workspace, "won_value", "USD", "")
    };
    assert!(matches!(
        crm.set_goal(&dana, &bad).await,
        Err(AppError::Validation(_))
    ));
    let foreign = crm
        .set_goal(
            &dana,
            &draft(GoalOwner::Team(theirs.id), "won_deals", "", "3"),
        )
        .await;
    assert!(
        matches!(&foreign, Err(AppError::Validation(e)) if e.for_field("owner").is_some()),
        "{foreign:?}"
    );
    assert_eq!(count(&crm, "goals").await, 0);
    assert_eq!(
        crm.assign_sales_team(&dana, dana.user_id.0, Some(theirs.id))
            .await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        crm.assign_sales_team(&dana, other.user_id.0, None).await,
        Err(AppError::NotFound)
    );
    let filter = MetricsFilter {
        period: q1(),
        pipeline: None,
        owner: None,
        team: Some(theirs.id),
    };
    assert_eq!(crm.dashboard(&dana, filter).await, Err(AppError::NotFound));
    assert_eq!(
        crm.remove_sales_team(&dana, (theirs.id, theirs.version))
            .await,
        Err(AppError::NotFound)
    );
    crm.create_sales_team(&dana, "West").await.expect("west");
    let taken = crm.create_sales_team(&dana, "west").await;
    assert!(matches!(taken, Err(AppError::Validation(_))), "{taken:?}");
    assert_eq!(count(&crm, "sales_teams").await, 2);
    assert_eq!(crm.sales_teams(&dana).await.expect("teams").len(), 1);
}

on_both_databases!(
    goals_count_what_their_owners_won,
    reps_read_goals_but_do_not_set_them,
    bad_goals_and_foreign_teams_change_nothing
);
