use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn draft(measure: &str, target: &str) -> GoalDraft {
    GoalDraft {
        owner: "everyone".into(),
        measure: measure.into(),
        currency: "usd".into(),
        starts_on: "2026-10-01".into(),
        ends_on: "2026-12-31".into(),
        target: target.into(),
    }
}

fn quarter_goal(measure: GoalMeasure, target: i64) -> Goal {
    Goal {
        id: Uuid::nil(),
        owner: GoalOwner::Workspace,
        owner_name: "Everyone".into(),
        measure,
        currency: Some(crate::money::Currency::USD),
        period: Period::new(day(2026, 10, 1), day(2026, 12, 31)).expect("period"),
        target,
    }
}

#[test]
fn a_value_goal_is_kept_in_cents_of_its_currency() {
    let goal = draft("won_value", "250,000").validate().expect("valid");
    assert_eq!(goal.target, 25_000_000);
    assert_eq!(goal.currency.map(|c| c.to_string()).as_deref(), Some("USD"));
    assert_eq!(goal.owner, GoalOwner::Workspace);
    assert_eq!(goal.period.days(), 92);
}

#[test]
fn a_deal_count_goal_has_no_currency() {
    let goal = draft("won_deals", " 12 ").validate().expect("valid");
    assert_eq!((goal.target, goal.currency), (12, None));
}

#[test]
fn bad_goals_say_what_is_wrong_with_each_field() {
    let bad = GoalDraft {
        owner: "rep:not-an-id".into(),
        measure: "revenue".into(),
        currency: "US".into(),
        starts_on: "2026-12-31".into(),
        ends_on: "2026-01-01".into(),
        target: "-5".into(),
    };
    let errors = bad.validate().expect_err("invalid");
    assert!(errors.for_field("owner").is_some());
    assert!(errors.for_field("measure").is_some());
    assert!(errors.for_field("ends_on").is_some(), "{errors:?}");
    let zero = draft("won_value", "0").validate().expect_err("zero");
    assert_eq!(zero.for_field("target"), Some("Set a target above zero."));
    let fraction = draft("won_deals", "2.5").validate().expect_err("fraction");
    assert!(fraction.for_field("target").is_some());
    let currency = GoalDraft {
        currency: "XYZ".into(),
        ..draft("won_value", "10")
    };
    assert!(currency
        .validate()
        .expect_err("currency")
        .for_field("currency")
        .is_some());
    let long = GoalDraft {
        ends_on: "2029-01-01".into(),
        ..draft("won_deals", "3")
    };
    assert_eq!(
        long.validate().expect_err("long").for_field("ends_on"),
        Some("A goal covers at most two years.")
    );
    let missing = GoalDraft {
        starts_on: String::new(),
        ..draft("won_deals", "3")
    };
    assert!(missing
        .validate()
        .expect_err("missing")
        .for_field("starts_on")
        .is_some());
}

#[test]
fn goal_owners_round_trip_through_the_form_value() {
    let id = Uuid::from_u128(7);
    for owner in [
        GoalOwner::Workspace,
        GoalOwner::Rep(id),
        GoalOwner::Team(id),
    ] {
        assert_eq!(GoalOwner::parse(&owner.key()), Some(owner));
    }
    assert_eq!(GoalOwner::parse("boss:1"), None);
    assert_eq!(GoalOwner::parse(""), None);
}

#[test]
fn pace_compares_with_the_straight_line_to_the_target() {
    let goal = quarter_goal(GoalMeasure::WonDeals, 92);
    // 1 Nov: day 32 of 92, so 32 deals expected.
    let behind = goal_progress(goal.clone(), 31, day(2026, 11, 1));
    assert_eq!((behind.expected, behind.pace), (32, GoalPace::Behind));
    let on_track = goal_progress(goal.clone(), 32, day(2026, 11, 1));
    assert_eq!(on_track.pace, GoalPace::OnTrack);
    assert_eq!(on_track.attainment.map(|r| r.percent()), Some(34.8));
    let done = goal_progress(goal.clone(), 100, day(2026, 11, 1));
    assert_eq!(done.pace, GoalPace::Achieved);
    assert_eq!(done.attainment.map(|r| r.percent()), Some(108.7));
    let missed = goal_progress(goal.clone(), 91, day(2027, 1, 2));
    assert_eq!((missed.expected, missed.pace), (92, GoalPace::Missed));
    let early = goal_progress(goal, 0, day(2026, 9, 1));
    assert_eq!((early.expected, early.pace), (0, GoalPace::Upcoming));
}

#[test]
fn expected_value_is_rounded_half_up() {
    // 1,000 cents over 92 days, 1 day in: 10.87 → 11.
    let goal = quarter_goal(GoalMeasure::WonValue, 1_000);
    assert_eq!(
        goal_progress(goal.clone(), 0, day(2026, 10, 1)).expected,
        11
    );
    assert_eq!(goal_progress(goal, 0, day(2026, 12, 31)).expected, 1_000);
}

#[test]
fn team_names_are_trimmed_and_checked() {
    assert_eq!(check_team_name("  Enterprise "), Ok("Enterprise".into()));
    assert!(check_team_name(" ").is_err());
    assert!(check_team_name(&"x".repeat(61)).is_err());
    assert!(check_team_name("a\u{7}b").is_err());
}

#[test]
fn team_names_and_teams_are_bounded() {
    let longest = "t".repeat(TEAM_NAME_MAX);
    assert_eq!(check_team_name(&longest), Ok(longest));
    assert_eq!(
        check_team_name(&"t".repeat(TEAM_NAME_MAX + 1)),
        Err("Keep the team name to 60 characters.".into())
    );
    assert!(check_team_room(99).is_ok());
    assert_eq!(
        check_team_room(100)
            .unwrap_err()
            .field_message("name")
            .as_deref(),
        Some("A workspace can have at most 100 teams.")
    );
}
