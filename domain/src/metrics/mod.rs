//! Sales metrics, defined once (docs/METRICS.md) and computed in two steps:
//! raw deals are folded into small integer aggregates (sums and counts per group),
//! then the aggregates are finished into the figures people read. The service computes
//! the same aggregates with SQL at scale; tests check both folds agree, so the formulas
//! in `figures` are the single source of every number on the dashboard.

mod export;
mod facts;
mod figures;
mod fold;
pub use fold::Scope;
#[cfg(test)]
mod tests;

pub use export::to_csv;
pub use facts::{DealFact, DealStatus, LeadFact, StageChangeFact, StageFact};
pub use figures::{
    average_cents, mean_tenths, median_tenths, velocity_cents_per_day, weighted_open, Amount,
    Context, Dashboard, ForecastMonth, Headline, LostReason, RepRow, SourceRow, StageOpen,
    StageStep, StageTime,
};

use crate::{
    limits::{check_day, PERIOD_MAX_DAYS},
    FieldErrors,
};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days from `from` to `to`, both included, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// A period; refuses one that ends before it starts.
    ///
    /// # Errors
    /// A message when `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, String> {
        if to < from {
            return Err(format!("The period ends ({to}) before it starts ({from})."));
        }
        Ok(Period { from, to })
    }

    /// Checks a period that arrived from outside (a request, a command line): it starts
    /// no later than it ends, both days lie in 1970–2100, and it spans at most ten
    /// years, so the figures' work and size stay bounded whatever was asked.
    ///
    /// # Errors
    /// The problems, on the fields `from` and `to`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        check_day(&mut errors, "from", self.from);
        check_day(&mut errors, "to", self.to);
        if !errors.is_empty() {
            return Err(errors);
        }
        if self.to < self.from {
            errors.add("to", "The period must end on or after the day it starts.");
        } else if self.days() > PERIOD_MAX_DAYS {
            errors.add("to", "Choose a period of at most ten years.");
        }
        errors.into_result()
    }

    /// The calendar quarter holding `day`: the dashboard's default.
    pub fn quarter_of(day: NaiveDate) -> Period {
        let first_month = (day.month0() / 3) * 3 + 1;
        let from = NaiveDate::from_ymd_opt(day.year(), first_month, 1).unwrap_or(day);
        let next = add_months(from, 3);
        Period {
            from,
            to: next.pred_opt().unwrap_or(next),
        }
    }

    /// Days in the period, both ends included (`signed_duration_since` cannot overflow
    /// for any two dates chrono can hold).
    pub fn days(&self) -> i64 {
        self.to
            .signed_duration_since(self.from)
            .num_days()
            .saturating_add(1)
    }

    /// The same number of days, ending the day before this period starts; clamped to
    /// the earliest date chrono holds rather than overflowing.
    pub fn previous(&self) -> Period {
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = Duration::try_days(self.days().saturating_sub(1))
            .and_then(|span| to.checked_sub_signed(span))
            .unwrap_or(NaiveDate::MIN);
        Period { from, to }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Calendar months the period touches, as `YYYY-MM`.
    pub fn months(&self) -> Vec<String> {
        let mut month = self.from.with_day(1).unwrap_or(self.from);
        let mut months = Vec::new();
        while month <= self.to {
            months.push(month.format("%Y-%m").to_string());
            match month.checked_add_months(chrono::Months::new(1)) {
                Some(next) => month = next,
                None => break,
            }
        }
        months
    }
}

fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .unwrap_or(day)
}

/// Which deals the figures cover. The period applies to close dates (and creation dates
/// for new deals, the conversion funnel and leads); the open pipeline is always "now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsFilter {
    pub period: Period,
    /// None: the workspace's first pipeline.
    pub pipeline: Option<Uuid>,
    pub owner: Option<Uuid>,
    /// A sales team: deals owned by its members now.
    #[serde(default)]
    pub team: Option<Uuid>,
}

impl MetricsFilter {
    /// The owners whose deals count, given the team's members: `None` for everyone.
    /// A rep outside the chosen team counts nothing rather than everything.
    pub fn owners(&self, team_members: &[Uuid]) -> Option<Vec<Uuid>> {
        match (self.owner, self.team) {
            (None, None) => None,
            (Some(owner), None) => Some(vec![owner]),
            (None, Some(_)) => Some(team_members.to_vec()),
            (Some(owner), Some(_)) => Some(
                team_members
                    .iter()
                    .copied()
                    .filter(|m| *m == owner)
                    .collect(),
            ),
        }
    }
}

/// A share, kept as its two counts so it is exact; `None` figures show as "—".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub part: u64,
    pub whole: u64,
}

impl Ratio {
    /// None when there is nothing to divide by.
    pub fn of(part: u64, whole: u64) -> Option<Ratio> {
        (whole > 0).then_some(Ratio { part, whole })
    }

    /// Percent rounded half up to one decimal place.
    pub fn percent(&self) -> f64 {
        let tenths =
            (u128::from(self.part) * 2000 + u128::from(self.whole)) / (2 * u128::from(self.whole));
        tenths as f64 / 10.0
    }
}

/// The integer aggregates every figure is finished from. Each `Vec` is sorted, so two
/// computations of the same data compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregates {
    pub closed: Vec<ClosedGroup>,
    pub cycles: Vec<CycleCount>,
    pub open: Vec<OpenGroup>,
    pub forecast: Vec<ForecastGroup>,
    pub lost_reasons: Vec<LostGroup>,
    pub stays: Vec<StayGroup>,
    pub reach: Vec<ReachGroup>,
    pub sources: Vec<SourceGroup>,
    pub new_deals: u64,
}

impl Aggregates {
    /// Sorts every group list into its canonical order.
    pub fn sorted(mut self) -> Aggregates {
        self.closed.sort();
        self.cycles.sort();
        self.open.sort();
        self.forecast.sort();
        self.lost_reasons.sort();
        self.stays.sort();
        self.reach.sort();
        self.sources.sort();
        self
    }
}

/// Deals closed in the period, per owner, outcome and currency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ClosedGroup {
    pub owner: Option<Uuid>,
    pub won: bool,
    pub currency: String,
    pub deals: u64,
    pub value_cents: i64,
    /// Sum over the group of days from creation to close.
    pub cycle_days: i64,
}

/// How many won deals in the period took this many days (for the median).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CycleCount {
    pub days: i64,
    pub deals: u64,
}

/// Open deals now, per stage, owner and currency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpenGroup {
    pub stage: Uuid,
    pub owner: Option<Uuid>,
    pub currency: String,
    pub deals: u64,
    pub value_cents: i64,
}

/// Forecast input for one month (`YYYY-MM`): open deals expected to close then, per
/// stage (`Some`), or deals won then (`stage: None`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ForecastGroup {
    pub month: String,
    pub stage: Option<Uuid>,
    pub currency: String,
    pub value_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LostGroup {
    pub reason: Option<String>,
    pub deals: u64,
}

/// Completed stays in a stage that ended in the period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StayGroup {
    pub stage: Uuid,
    pub stays: u64,
    pub seconds: i64,
}

/// Deals created in the period whose furthest point was this stage position
/// (`WON_REACH` for won deals).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReachGroup {
    pub position: i32,
    pub deals: u64,
}

/// The reach of a won deal: past every stage.
pub const WON_REACH: i32 = 1_000_000;

/// Leads created in the period, per source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceGroup {
    pub source: String,
    pub leads: u64,
    pub converted: u64,
}

/// The periods the dashboard offers, kept in the URL as `?period=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodPreset {
    ThisQuarter,
    LastQuarter,
    ThisMonth,
    LastMonth,
    ThisYear,
    LastYear,
    Custom,
}

impl PeriodPreset {
    pub const ALL: [PeriodPreset; 7] = [
        PeriodPreset::ThisQuarter,
        PeriodPreset::LastQuarter,
        PeriodPreset::ThisMonth,
        PeriodPreset::LastMonth,
        PeriodPreset::ThisYear,
        PeriodPreset::LastYear,
        PeriodPreset::Custom,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PeriodPreset::ThisQuarter => "this-quarter",
            PeriodPreset::LastQuarter => "last-quarter",
            PeriodPreset::ThisMonth => "this-month",
            PeriodPreset::LastMonth => "last-month",
            PeriodPreset::ThisYear => "this-year",
            PeriodPreset::LastYear => "last-year",
            PeriodPreset::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PeriodPreset::ThisQuarter => "This quarter",
            PeriodPreset::LastQuarter => "Last quarter",
            PeriodPreset::ThisMonth => "This month",
            PeriodPreset::LastMonth => "Last month",
            PeriodPreset::ThisYear => "This year",
            PeriodPreset::LastYear => "Last year",
            PeriodPreset::Custom => "Custom dates",
        }
    }

    pub fn parse(key: &str) -> Option<PeriodPreset> {
        PeriodPreset::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The period this preset means on `today`; `Custom` uses `from`/`to` and falls
    /// back to this quarter when they are missing or reversed.
    pub fn resolve(
        self,
        today: NaiveDate,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Period {
        let quarter = Period::quarter_of(today);
        let month_from = today.with_day(1).unwrap_or(today);
        let month = Period {
            from: month_from,
            to: add_months(month_from, 1).pred_opt().unwrap_or(today),
        };
        let year_from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let year = Period {
            from: year_from,
            to: NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today),
        };
        let back = |p: Period, months: u32| Period {
            from: p
                .from
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(p.from),
            to: p.from.pred_opt().unwrap_or(p.from),
        };
        match self {
            PeriodPreset::ThisQuarter => quarter,
            PeriodPreset::LastQuarter => back(quarter, 3),
            PeriodPreset::ThisMonth => month,
            PeriodPreset::LastMonth => back(month, 1),
            PeriodPreset::ThisYear => year,
            PeriodPreset::LastYear => back(year, 12),
            PeriodPreset::Custom => match (from, to) {
                (Some(from), Some(to)) => Period::new(from, to).unwrap_or(quarter),
                _ => quarter,
            },
        }
    }
}
