//! The reference fold: raw records → aggregates, in memory. The service computes the
//! same aggregates in SQL; tests hold the two equal on generated data.

use super::{
    Aggregates, ClosedGroup, CycleCount, DealFact, DealStatus, ForecastGroup, LeadFact, LostGroup,
    OpenGroup, Period, ReachGroup, SourceGroup, StageChangeFact, StageFact, StayGroup, WON_REACH,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Deals, value and cycle days of one group.
type Sums = (u64, i64, i64);

/// Which records count: one pipeline, maybe only some owners, one period.
pub struct Scope<'a> {
    pub pipeline: Uuid,
    /// `None`: every owner (and no owner); `Some`: deals owned by one of these.
    pub owners: Option<&'a [Uuid]>,
    pub period: Period,
    pub stages: &'a [StageFact],
}

impl Scope<'_> {
    fn counts_owner(&self, owner: Option<Uuid>) -> bool {
        match self.owners {
            None => true,
            Some(owners) => owner.is_some_and(|o| owners.contains(&o)),
        }
    }
}

impl Aggregates {
    /// Folds raw records into the aggregates the figures are finished from.
    pub fn from_facts(
        scope: &Scope<'_>,
        deals: &[DealFact],
        changes: &[StageChangeFact],
        leads: &[LeadFact],
    ) -> Aggregates {
        let period = scope.period;
        // Stays are the pipeline's stages' own history: whichever pipeline the deal is
        // in now, so only the owner filter applies to the deal.
        let owned: Vec<&DealFact> = deals
            .iter()
            .filter(|d| scope.counts_owner(d.owner))
            .collect();
        let deals: Vec<&DealFact> = deals
            .iter()
            .filter(|d| d.pipeline == scope.pipeline && scope.counts_owner(d.owner))
            .collect();
        let mut closed: BTreeMap<(Option<Uuid>, bool, String), Sums> = BTreeMap::new();
        let mut cycles: BTreeMap<i64, u64> = BTreeMap::new();
        let mut open: BTreeMap<(Uuid, Option<Uuid>, String), (u64, i64)> = BTreeMap::new();
        let mut forecast: BTreeMap<(String, Option<Uuid>, String), i64> = BTreeMap::new();
        let mut lost: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let months = period.months();
        let mut new_deals = 0;
        for deal in &deals {
            if period.contains(deal.created_on) {
                new_deals += 1;
            }
            match (deal.state, deal.closed_on) {
                (DealStatus::Open, _) => {
                    let group = open
                        .entry((deal.stage, deal.owner, deal.currency.clone()))
                        .or_default();
                    group.0 += 1;
                    group.1 = group.1.saturating_add(deal.value_cents);
                    if let Some(month) = deal
                        .expected_close_on
                        .map(|d| d.format("%Y-%m").to_string())
                    {
                        if months.contains(&month) {
                            let sum = forecast
                                .entry((month, Some(deal.stage), deal.currency.clone()))
                                .or_default();
                            *sum = sum.saturating_add(deal.value_cents);
                        }
                    }
                }
                (state, Some(closed_on)) if period.contains(closed_on) => {
                    let won = state == DealStatus::Won;
                    let days = (closed_on - deal.created_on).num_days();
                    let group = closed
                        .entry((deal.owner, won, deal.currency.clone()))
                        .or_default();
                    group.0 += 1;
                    group.1 = group.1.saturating_add(deal.value_cents);
                    group.2 += days;
                    if won {
                        *cycles.entry(days).or_default() += 1;
                        let month = closed_on.format("%Y-%m").to_string();
                        let sum = forecast
                            .entry((month, None, deal.currency.clone()))
                            .or_default();
                        *sum = sum.saturating_add(deal.value_cents);
                    } else {
                        *lost.entry(deal.lost_reason.clone()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        Aggregates {
            closed: closed
                .into_iter()
                .map(
                    |((owner, won, currency), (deals, value_cents, cycle_days))| ClosedGroup {
                        owner,
                        won,
                        currency,
                        deals,
                        value_cents,
                        cycle_days,
                    },
                )
                .collect(),
            cycles: cycles
                .into_iter()
                .map(|(days, deals)| CycleCount { days, deals })
                .collect(),
            open: open
                .into_iter()
                .map(
                    |((stage, owner, currency), (deals, value_cents))| OpenGroup {
                        stage,
                        owner,
                        currency,
                        deals,
                        value_cents,
                    },
                )
                .collect(),
            forecast: forecast
                .into_iter()
                .map(|((month, stage, currency), value_cents)| ForecastGroup {
                    month,
                    stage,
                    currency,
                    value_cents,
                })
                .collect(),
            lost_reasons: lost
                .into_iter()
                .map(|(reason, deals)| LostGroup { reason, deals })
                .collect(),
            stays: stays(scope, &owned, changes),
            reach: reach(scope, &deals, changes),
            sources: sources(scope, leads),
            new_deals,
        }
        .sorted()
    }
}

/// Each change that put a deal into one of the pipeline's stages as open starts a stay,
/// which ends with the deal's next change; stays ending in the period count.
fn stays(scope: &Scope<'_>, deals: &[&DealFact], changes: &[StageChangeFact]) -> Vec<StayGroup> {
    let mut journeys: HashMap<Uuid, Vec<&StageChangeFact>> =
        deals.iter().map(|d| (d.id, Vec::new())).collect();
    for change in changes {
        if let Some(journey) = journeys.get_mut(&change.deal) {
            journey.push(change);
        }
    }
    let ours: HashMap<Uuid, ()> = scope.stages.iter().map(|s| (s.id, ())).collect();
    let mut groups: BTreeMap<Uuid, (u64, i64)> = BTreeMap::new();
    for journey in journeys.values_mut() {
        journey.sort_by_key(|c| (c.at, c.id));
        for pair in journey.windows(2) {
            let (stay, next) = (pair[0], pair[1]);
            if stay.status == DealStatus::Open
                && ours.contains_key(&stay.to_stage)
                && scope.period.contains(next.at.date_naive())
            {
                let group = groups.entry(stay.to_stage).or_default();
                group.0 += 1;
                group.1 += next.at.timestamp() - stay.at.timestamp();
            }
        }
    }
    groups
        .into_iter()
        .map(|(stage, (stays, seconds))| StayGroup {
            stage,
            stays,
            seconds,
        })
        .collect()
}

/// The furthest stage each deal created in the period reached, by stage position.
fn reach(scope: &Scope<'_>, deals: &[&DealFact], changes: &[StageChangeFact]) -> Vec<ReachGroup> {
    let position: HashMap<Uuid, i32> = scope.stages.iter().map(|s| (s.id, s.position)).collect();
    let mut furthest: HashMap<Uuid, i32> = HashMap::new();
    let cohort: HashMap<Uuid, ()> = deals
        .iter()
        .filter(|d| scope.period.contains(d.created_on))
        .map(|d| (d.id, ()))
        .collect();
    for change in changes.iter().filter(|c| cohort.contains_key(&c.deal)) {
        let Some(&at) = position.get(&change.to_stage) else {
            continue;
        };
        let reached = if change.status == DealStatus::Won {
            WON_REACH
        } else {
            at
        };
        let best = furthest.entry(change.deal).or_insert(reached);
        *best = (*best).max(reached);
    }
    let mut groups: BTreeMap<i32, u64> = BTreeMap::new();
    for reached in furthest.into_values() {
        *groups.entry(reached).or_default() += 1;
    }
    groups
        .into_iter()
        .map(|(position, deals)| ReachGroup { position, deals })
        .collect()
}

fn sources(scope: &Scope<'_>, leads: &[LeadFact]) -> Vec<SourceGroup> {
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for lead in leads {
        if scope.period.contains(lead.created_on) && scope.counts_owner(lead.owner) {
            let group = groups.entry(lead.source.clone()).or_default();
            group.0 += 1;
            group.1 += u64::from(lead.converted);
        }
    }
    groups
        .into_iter()
        .map(|(source, (leads, converted))| SourceGroup {
            source,
            leads,
            converted,
        })
        .collect()
}
