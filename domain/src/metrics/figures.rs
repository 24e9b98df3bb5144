//! Aggregates → the figures on the dashboard and in `pipewright report --json`.
//! Every formula here is named in docs/METRICS.md.

use super::{Aggregates, CycleCount, MetricsFilter, Period, Ratio, StageFact, WON_REACH};
use crate::pipeline::weighted_cents;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Money in one currency. Figures keep one amount per currency: never added across.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Amount {
    pub currency: String,
    pub cents: i64,
}

/// `sum / count` rounded half away from zero; None for no deals.
pub fn average_cents(sum: i64, count: u64) -> Option<i64> {
    if count == 0 {
        return None;
    }
    let (sum, count) = (i128::from(sum), i128::from(count));
    let rounded = (2 * sum + sum.signum() * count) / (2 * count);
    i64::try_from(rounded).ok()
}

/// A mean number of days in tenths of a day (`123` = 12.3 days), rounded half up.
pub fn mean_tenths(sum_days: i64, count: u64) -> Option<i64> {
    average_cents(sum_days.saturating_mul(10), count)
}

/// The median of a days histogram, in tenths of a day; the mean of the two middle
/// values when the count is even.
pub fn median_tenths(histogram: &[CycleCount]) -> Option<i64> {
    let total: u64 = histogram.iter().map(|c| c.deals).sum();
    if total == 0 {
        return None;
    }
    let mut sorted: Vec<&CycleCount> = histogram.iter().filter(|c| c.deals > 0).collect();
    sorted.sort_by_key(|c| c.days);
    // 0-based ranks of the middle value(s).
    let (low, high) = ((total - 1) / 2, total / 2);
    let mut seen = 0;
    let (mut low_days, mut high_days) = (None, None);
    for bucket in sorted {
        let next = seen + bucket.deals;
        if low_days.is_none() && low < next {
            low_days = Some(bucket.days);
        }
        if high < next {
            high_days = Some(bucket.days);
            break;
        }
        seen = next;
    }
    Some(low_days? * 5 + high_days? * 5)
}

/// Value × probability for open deals of one stage (rounded down to the cent).
pub fn weighted_open(value_cents: i64, probability: u8) -> i64 {
    weighted_cents(value_cents, probability)
}

/// Pipeline velocity, money per day: open deals × win rate × average won deal ÷ mean
/// sales cycle. None without a win rate, a won deal or a cycle longer than zero days.
pub fn velocity_cents_per_day(
    open_deals: u64,
    win_rate: Option<Ratio>,
    average_won_cents: Option<i64>,
    cycle_mean_tenths: Option<i64>,
) -> Option<i64> {
    let (rate, average, cycle) = (win_rate?, average_won_cents?, cycle_mean_tenths?);
    if cycle <= 0 {
        return None;
    }
    let top = i128::from(open_deals) * i128::from(rate.part) * i128::from(average) * 10;
    let bottom = i128::from(rate.whole) * i128::from(cycle);
    i64::try_from((2 * top + top.signum() * bottom) / (2 * bottom)).ok()
}

/// The headline figures of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub new_deals: u64,
    pub won_deals: u64,
    pub lost_deals: u64,
    pub win_rate: Option<Ratio>,
    pub won_value: Vec<Amount>,
    pub average_won_deal: Vec<Amount>,
    pub sales_cycle_mean_tenths: Option<i64>,
    pub sales_cycle_median_tenths: Option<i64>,
    pub open_deals: u64,
    pub open_value: Vec<Amount>,
    pub weighted_value: Vec<Amount>,
    pub velocity_per_day: Vec<Amount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageOpen {
    pub stage: Uuid,
    pub name: String,
    pub probability: u8,
    pub deals: u64,
    pub value: Vec<Amount>,
    pub weighted: Vec<Amount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub weighted_open: Vec<Amount>,
    pub won: Vec<Amount>,
    pub total: Vec<Amount>,
}

/// One funnel step: deals (created in the period) that got at least this far, and the
/// share of them that went on to the next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStep {
    pub name: String,
    pub reached: u64,
    pub to_next: Option<Ratio>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTime {
    pub name: String,
    pub stays: u64,
    pub mean_days_tenths: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReason {
    pub reason: String,
    pub deals: u64,
    pub share: Option<Ratio>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepRow {
    pub owner: Option<Uuid>,
    pub name: String,
    pub won_deals: u64,
    pub lost_deals: u64,
    pub win_rate: Option<Ratio>,
    pub won_value: Vec<Amount>,
    pub open_deals: u64,
    pub open_value: Vec<Amount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    pub source: String,
    pub leads: u64,
    pub converted: u64,
    pub lead_to_deal: Option<Ratio>,
}

/// Everything the dashboard shows for one filter, with the previous period's headline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filter: MetricsFilter,
    pub pipeline: Uuid,
    pub pipeline_name: String,
    pub previous_period: Period,
    pub current: Headline,
    pub previous: Headline,
    pub open_by_stage: Vec<StageOpen>,
    pub forecast: Vec<ForecastMonth>,
    pub conversion: Vec<StageStep>,
    pub time_in_stage: Vec<StageTime>,
    pub lost_reasons: Vec<LostReason>,
    pub leaderboard: Vec<RepRow>,
    pub sources: Vec<SourceRow>,
    /// Goals overlapping the period, each over its own dates (filled by the service:
    /// goals span pipelines, the rest of the dashboard does not).
    #[serde(default)]
    pub goals: Vec<crate::goal::GoalProgress>,
}

/// What the figures need beside the aggregates: the pipeline's stages (in order) and
/// the owners' names.
pub struct Context<'a> {
    pub filter: &'a MetricsFilter,
    pub pipeline: Uuid,
    pub pipeline_name: &'a str,
    pub stages: &'a [StageFact],
    pub names: &'a HashMap<Uuid, String>,
}

/// Adds amounts up per currency, sorted by currency code. Sums saturate rather than
/// wrap: stored values are bounded per deal, not in number.
fn per_currency(items: impl IntoIterator<Item = (String, i64)>) -> Vec<Amount> {
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for (currency, cents) in items {
        let sum = sums.entry(currency).or_default();
        *sum = sum.saturating_add(cents);
    }
    sums.into_iter()
        .map(|(currency, cents)| Amount { currency, cents })
        .collect()
}

impl Dashboard {
    pub fn finish(context: &Context<'_>, current: &Aggregates, previous: &Aggregates) -> Dashboard {
        let probability: HashMap<Uuid, u8> = context
            .stages
            .iter()
            .map(|s| (s.id, s.probability))
            .collect();
        Dashboard {
            filter: context.filter.clone(),
            pipeline: context.pipeline,
            pipeline_name: context.pipeline_name.to_owned(),
            previous_period: context.filter.period.previous(),
            current: headline(current, &probability),
            previous: headline(previous, &probability),
            open_by_stage: open_by_stage(context.stages, current),
            forecast: forecast(&context.filter.period, current, &probability),
            conversion: conversion(context.stages, current),
            time_in_stage: time_in_stage(context.stages, current),
            lost_reasons: lost_reasons(current),
            leaderboard: leaderboard(context.names, current),
            sources: current
                .sources
                .iter()
                .map(|s| SourceRow {
                    source: if s.source.is_empty() {
                        "Unknown".into()
                    } else {
                        s.source.clone()
                    },
                    leads: s.leads,
                    converted: s.converted,
                    lead_to_deal: Ratio::of(s.converted, s.leads),
                })
                .collect(),
            goals: Vec::new(),
        }
    }
}

fn headline(aggregates: &Aggregates, probability: &HashMap<Uuid, u8>) -> Headline {
    let won = aggregates.closed.iter().filter(|g| g.won);
    let won_deals: u64 = won.clone().map(|g| g.deals).sum();
    let lost_deals: u64 = aggregates
        .closed
        .iter()
        .filter(|g| !g.won)
        .map(|g| g.deals)
        .sum();
    let win_rate = Ratio::of(won_deals, won_deals + lost_deals);
    let won_value = per_currency(won.clone().map(|g| (g.currency.clone(), g.value_cents)));
    let mut won_count: BTreeMap<&str, u64> = BTreeMap::new();
    for group in won.clone() {
        *won_count.entry(&group.currency).or_default() += group.deals;
    }
    let average_won_deal: Vec<Amount> = won_value
        .iter()
        .filter_map(|a| {
            let count = won_count.get(a.currency.as_str()).copied().unwrap_or(0);
            average_cents(a.cents, count).map(|cents| Amount {
                currency: a.currency.clone(),
                cents,
            })
        })
        .collect();
    let cycle_mean = mean_tenths(won.map(|g| g.cycle_days).sum(), won_deals);
    let open_value = per_currency(
        aggregates
            .open
            .iter()
            .map(|g| (g.currency.clone(), g.value_cents)),
    );
    // Weighted per stage and currency, rounded down once per stage (as on the board).
    let mut by_stage: BTreeMap<(Uuid, String), i64> = BTreeMap::new();
    let mut open_count: BTreeMap<String, u64> = BTreeMap::new();
    for group in &aggregates.open {
        let sum = by_stage
            .entry((group.stage, group.currency.clone()))
            .or_default();
        *sum = sum.saturating_add(group.value_cents);
        *open_count.entry(group.currency.clone()).or_default() += group.deals;
    }
    let weighted_value = per_currency(by_stage.into_iter().map(|((stage, currency), cents)| {
        let p = probability.get(&stage).copied().unwrap_or(0);
        (currency, weighted_open(cents, p))
    }));
    let velocity_per_day = average_won_deal
        .iter()
        .filter_map(|average| {
            let open = open_count.get(&average.currency).copied().unwrap_or(0);
            velocity_cents_per_day(open, win_rate, Some(average.cents), cycle_mean).map(|cents| {
                Amount {
                    currency: average.currency.clone(),
                    cents,
                }
            })
        })
        .collect();
    Headline {
        new_deals: aggregates.new_deals,
        won_deals,
        lost_deals,
        win_rate,
        won_value,
        average_won_deal,
        sales_cycle_mean_tenths: cycle_mean,
        sales_cycle_median_tenths: median_tenths(&aggregates.cycles),
        open_deals: open_count.values().sum(),
        open_value,
        weighted_value,
        velocity_per_day,
    }
}

fn open_by_stage(stages: &[StageFact], aggregates: &Aggregates) -> Vec<StageOpen> {
    stages
        .iter()
        .map(|stage| {
            let groups = aggregates.open.iter().filter(|g| g.stage == stage.id);
            let value = per_currency(groups.clone().map(|g| (g.currency.clone(), g.value_cents)));
            let weighted = value
                .iter()
                .map(|a| Amount {
                    currency: a.currency.clone(),
                    cents: weighted_open(a.cents, stage.probability),
                })
                .collect();
            StageOpen {
                stage: stage.id,
                name: stage.name.clone(),
                probability: stage.probability,
                deals: groups.map(|g| g.deals).sum(),
                value,
                weighted,
            }
        })
        .collect()
}

fn forecast(
    period: &Period,
    aggregates: &Aggregates,
    probability: &HashMap<Uuid, u8>,
) -> Vec<ForecastMonth> {
    period
        .months()
        .into_iter()
        .map(|month| {
            let groups = aggregates.forecast.iter().filter(|g| g.month == month);
            let weighted_open = per_currency(groups.clone().filter_map(|g| {
                let stage = g.stage?;
                let p = probability.get(&stage).copied().unwrap_or(0);
                Some((g.currency.clone(), weighted_open(g.value_cents, p)))
            }));
            let won = per_currency(
                groups
                    .filter(|g| g.stage.is_none())
                    .map(|g| (g.currency.clone(), g.value_cents)),
            );
            let total = per_currency(
                weighted_open
                    .iter()
                    .chain(&won)
                    .map(|a| (a.currency.clone(), a.cents)),
            );
            ForecastMonth {
                month,
                weighted_open,
                won,
                total,
            }
        })
        .collect()
}

fn conversion(stages: &[StageFact], aggregates: &Aggregates) -> Vec<StageStep> {
    let reached_at = |position: i32| -> u64 {
        aggregates
            .reach
            .iter()
            .filter(|r| r.position >= position)
            .map(|r| r.deals)
            .sum()
    };
    let mut steps: Vec<StageStep> = stages
        .iter()
        .map(|s| StageStep {
            name: s.name.clone(),
            reached: reached_at(s.position),
            to_next: None,
        })
        .collect();
    steps.push(StageStep {
        name: "Won".into(),
        reached: reached_at(WON_REACH),
        to_next: None,
    });
    for i in 0..steps.len().saturating_sub(1) {
        steps[i].to_next = Ratio::of(steps[i + 1].reached, steps[i].reached);
    }
    steps
}

fn time_in_stage(stages: &[StageFact], aggregates: &Aggregates) -> Vec<StageTime> {
    stages
        .iter()
        .map(|stage| {
            let (stays, seconds) = aggregates
                .stays
                .iter()
                .filter(|s| s.stage == stage.id)
                .fold((0, 0), |(n, secs), s| (n + s.stays, secs + s.seconds));
            StageTime {
                name: stage.name.clone(),
                stays,
                // Seconds → tenths of a day: × 10 ÷ 86,400.
                mean_days_tenths: average_cents(seconds, stays.saturating_mul(8_640)),
            }
        })
        .collect()
}

fn lost_reasons(aggregates: &Aggregates) -> Vec<LostReason> {
    let total: u64 = aggregates.lost_reasons.iter().map(|l| l.deals).sum();
    let mut reasons: Vec<LostReason> = aggregates
        .lost_reasons
        .iter()
        .map(|l| LostReason {
            reason: l
                .reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| "No reason given".into()),
            deals: l.deals,
            share: Ratio::of(l.deals, total),
        })
        .collect();
    reasons.sort_by(|a, b| b.deals.cmp(&a.deals).then_with(|| a.reason.cmp(&b.reason)));
    reasons
}

fn leaderboard(names: &HashMap<Uuid, String>, aggregates: &Aggregates) -> Vec<RepRow> {
    let mut rows: BTreeMap<Option<Uuid>, RepRow> = BTreeMap::new();
    let mut won_values: BTreeMap<Option<Uuid>, Vec<(String, i64)>> = BTreeMap::new();
    let mut open_values: BTreeMap<Option<Uuid>, Vec<(String, i64)>> = BTreeMap::new();
    for group in &aggregates.closed {
        let entry = rep(&mut rows, names, group.owner);
        if group.won {
            entry.won_deals += group.deals;
            won_values
                .entry(group.owner)
                .or_default()
                .push((group.currency.clone(), group.value_cents));
        } else {
            entry.lost_deals += group.deals;
        }
    }
    for group in &aggregates.open {
        rep(&mut rows, names, group.owner).open_deals += group.deals;
        open_values
            .entry(group.owner)
            .or_default()
            .push((group.currency.clone(), group.value_cents));
    }
    let mut board: Vec<RepRow> = rows
        .into_values()
        .map(|mut r| {
            r.win_rate = Ratio::of(r.won_deals, r.won_deals + r.lost_deals);
            r.won_value = per_currency(won_values.remove(&r.owner).unwrap_or_default());
            r.open_value = per_currency(open_values.remove(&r.owner).unwrap_or_default());
            r
        })
        .collect();
    board.sort_by(|a, b| {
        b.won_deals
            .cmp(&a.won_deals)
            .then_with(|| a.name.cmp(&b.name))
    });
    board
}

fn rep<'a>(
    rows: &'a mut BTreeMap<Option<Uuid>, RepRow>,
    names: &HashMap<Uuid, String>,
    owner: Option<Uuid>,
) -> &'a mut RepRow {
    rows.entry(owner).or_insert_with(|| RepRow {
        owner,
        name: owner
            .and_then(|o| names.get(&o).cloned())
            .unwrap_or_else(|| "No owner".into()),
        won_deals: 0,
        lost_deals: 0,
        win_rate: None,
        won_value: Vec::new(),
        open_deals: 0,
        open_value: Vec::new(),
    })
}

#[cfg(test)]
mod sum_tests {
    use super::per_currency;

    #[test]
    fn sums_per_currency_saturate_instead_of_wrapping() {
        let sums = per_currency([
            ("USD".to_owned(), i64::MAX),
            ("USD".to_owned(), 1),
            ("EUR".to_owned(), 5),
        ]);
        let cents: Vec<(&str, i64)> = sums
            .iter()
            .map(|a| (a.currency.as_str(), a.cents))
            .collect();
        assert_eq!(cents, [("EUR", 5), ("USD", i64::MAX)]);
    }
}
