//! Sales goals (quotas): a target for business won over a period, set for one rep, a
//! sales team or the whole workspace, and how far along it is today.

use crate::{
    deal::{parse_date, parse_value},
    metrics::{Period, Ratio},
    money::Currency,
    FieldErrors,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// No goal spans more than two years: longer targets are plans, not quotas.
pub const GOAL_MAX_DAYS: i64 = 731;
/// The largest deal-count target accepted.
pub const GOAL_MAX_DEALS: i64 = 1_000_000;

/// What a goal counts: deals won in its period (by close date), as value or as deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalMeasure {
    /// Value of deals won, in the goal's currency only (never mixed currencies).
    WonValue,
    WonDeals,
}

impl GoalMeasure {
    pub const ALL: [GoalMeasure; 2] = [GoalMeasure::WonValue, GoalMeasure::WonDeals];

    pub fn key(self) -> &'static str {
        match self {
            GoalMeasure::WonValue => "won_value",
            GoalMeasure::WonDeals => "won_deals",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GoalMeasure::WonValue => "Won value",
            GoalMeasure::WonDeals => "Won deals",
        }
    }

    pub fn parse(key: &str) -> Option<GoalMeasure> {
        GoalMeasure::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// Whose deals count towards a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GoalOwner {
    /// Every deal of the workspace: the company number.
    Workspace,
    Rep(Uuid),
    /// The deals of the team's members at the time the figures are read.
    Team(Uuid),
}

impl GoalOwner {
    /// The form value: `everyone`, `rep:<id>` or `team:<id>`.
    pub fn key(self) -> String {
        match self {
            GoalOwner::Workspace => "everyone".into(),
            GoalOwner::Rep(id) => format!("rep:{id}"),
            GoalOwner::Team(id) => format!("team:{id}"),
        }
    }

    pub fn parse(key: &str) -> Option<GoalOwner> {
        let id = |s: &str| Uuid::parse_str(s).ok();
        match key.split_once(':') {
            None if key == "everyone" => Some(GoalOwner::Workspace),
            Some(("rep", rest)) => id(rest).map(GoalOwner::Rep),
            Some(("team", rest)) => id(rest).map(GoalOwner::Team),
            _ => None,
        }
    }
}

/// The goal form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalDraft {
    pub owner: String,
    pub measure: String,
    pub currency: String,
    pub starts_on: String,
    pub ends_on: String,
    pub target: String,
}

/// A checked goal, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGoal {
    pub owner: GoalOwner,
    pub measure: GoalMeasure,
    /// Set for `WonValue` only.
    pub currency: Option<Currency>,
    pub period: Period,
    /// Cents for `WonValue`, deals for `WonDeals`.
    pub target: i64,
}

impl GoalDraft {
    /// Checks every field and says what is wrong with each.
    ///
    /// # Errors
    /// One message per bad field.
    pub fn validate(&self) -> Result<NewGoal, FieldErrors> {
        let mut errors = FieldErrors::default();
        let owner = GoalOwner::parse(self.owner.trim());
        if owner.is_none() {
            errors.add("owner", "Choose who the goal is for.");
        }
        let measure = GoalMeasure::parse(self.measure.trim());
        if measure.is_none() {
            errors.add("measure", "Choose what the goal counts.");
        }
        let currency = match measure {
            Some(GoalMeasure::WonValue) => match Currency::parse(&self.currency) {
                Ok(code) => Some(code),
                Err(message) => {
                    errors.add("currency", message);
                    None
                }
            },
            _ => None,
        };
        let day = |errors: &mut FieldErrors, field: &str, text: &str| match parse_date(text) {
            Ok(Some(day)) => Some(day),
            Ok(None) => {
                errors.add(field, "Enter the date as YYYY-MM-DD.");
                None
            }
            Err(message) => {
                errors.add(field, message);
                None
            }
        };
        let starts = day(&mut errors, "starts_on", &self.starts_on);
        let ends = day(&mut errors, "ends_on", &self.ends_on);
        for (field, date) in [("starts_on", starts), ("ends_on", ends)] {
            if let Some(date) = date {
                crate::limits::check_day(&mut errors, field, date);
            }
        }
        let period = match (starts, ends) {
            (Some(from), Some(to)) => match Period::new(from, to) {
                Ok(period) if period.days() > GOAL_MAX_DAYS => {
                    errors.add("ends_on", "A goal covers at most two years.");
                    None
                }
                Ok(period) => Some(period),
                Err(message) => {
                    errors.add("ends_on", message);
                    None
                }
            },
            _ => None,
        };
        let target = measure.and_then(|m| match parse_target(m, &self.target) {
            Ok(target) => Some(target),
            Err(message) => {
                errors.add("target", message);
                None
            }
        });
        errors.into_result()?;
        match (owner, measure, period, target) {
            (Some(owner), Some(measure), Some(period), Some(target)) => Ok(NewGoal {
                owner,
                measure,
                currency,
                period,
                target,
            }),
            _ => Err(FieldErrors::default()),
        }
    }
}

fn parse_target(measure: GoalMeasure, text: &str) -> Result<i64, String> {
    let target = match measure {
        GoalMeasure::WonValue => parse_value(text)?,
        GoalMeasure::WonDeals => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=GOAL_MAX_DEALS).contains(n))
            .ok_or_else(|| "Enter the number of deals as a whole number, like 12.".to_owned())?,
    };
    if target == 0 {
        return Err("Set a target above zero.".into());
    }
    Ok(target)
}

/// A stored goal, with the name of whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: Uuid,
    pub owner: GoalOwner,
    pub owner_name: String,
    pub measure: GoalMeasure,
    pub currency: Option<Currency>,
    pub period: Period,
    pub target: i64,
}

/// Where a goal stands against the straight line from zero to target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalPace {
    Upcoming,
    OnTrack,
    Behind,
    Achieved,
    Missed,
}

impl GoalPace {
    pub fn label(self) -> &'static str {
        match self {
            GoalPace::Upcoming => "Not started",
            GoalPace::OnTrack => "On track",
            GoalPace::Behind => "Behind",
            GoalPace::Achieved => "Achieved",
            GoalPace::Missed => "Missed",
        }
    }
}

/// A goal and its figures on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub goal: Goal,
    /// Won so far in the goal's period: cents or deals, as the target.
    pub actual: i64,
    /// Actual ÷ target; above 100 % once exceeded.
    pub attainment: Option<Ratio>,
    /// The target prorated to the days elapsed (today included), rounded half up.
    pub expected: i64,
    pub pace: GoalPace,
}

/// How far along `goal` is on `today`, given what was won so far.
pub fn goal_progress(goal: Goal, actual: i64, today: NaiveDate) -> GoalProgress {
    let period = goal.period;
    let elapsed = ((today - period.from).num_days() + 1).clamp(0, period.days());
    let expected = prorate(goal.target, elapsed, period.days());
    let pace = if actual >= goal.target {
        GoalPace::Achieved
    } else if today > period.to {
        GoalPace::Missed
    } else if today < period.from {
        GoalPace::Upcoming
    } else if actual >= expected {
        GoalPace::OnTrack
    } else {
        GoalPace::Behind
    };
    let attainment = Ratio::of(
        u64::try_from(actual.max(0)).unwrap_or(0),
        u64::try_from(goal.target.max(0)).unwrap_or(0),
    );
    GoalProgress {
        goal,
        actual,
        attainment,
        expected,
        pace,
    }
}

/// `target × part ÷ whole`, rounded half up.
fn prorate(target: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let (target, part, whole) = (i128::from(target), i128::from(part), i128::from(whole));
    i64::try_from((2 * target * part + whole) / (2 * whole)).unwrap_or(i64::MAX)
}

/// A sales team: reps grouped for filtering figures and sharing a goal. A rep belongs
/// to at most one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesTeam {
    pub id: Uuid,
    pub name: String,
    pub members: Vec<Uuid>,
    /// What a rename or removal is based on: a stale one is refused.
    pub version: i32,
}

/// Longest team name (the column holds 60).
pub const TEAM_NAME_MAX: usize = 60;
/// Most sales teams a workspace may have: the dashboard's filter lists them all.
pub const SALES_TEAMS_MAX: usize = 100;

/// Room for another team in a workspace that has `existing`.
///
/// # Errors
/// `Validation` on `name` when the workspace already has `SALES_TEAMS_MAX`.
pub fn check_team_room(existing: u64) -> Result<(), crate::AppError> {
    crate::limits::check_room(
        "name",
        existing,
        SALES_TEAMS_MAX,
        &format!("A workspace can have at most {SALES_TEAMS_MAX} teams."),
    )
}

/// Trimmed, 1–60 characters, no control characters.
///
/// # Errors
/// A message saying what to change.
pub fn check_team_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        Err("Give the team a name.".into())
    } else if name.chars().count() > TEAM_NAME_MAX {
        Err(format!("Keep the team name to {TEAM_NAME_MAX} characters."))
    } else if name.chars().any(char::is_control) {
        Err("Remove the control characters from the name.".into())
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests;
