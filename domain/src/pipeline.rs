//! The buying process every new workspace starts with.

use crate::deal::DealField;

/// A stage as seeded into a new pipeline: name, win probability (%), rotting days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTemplate {
    pub name: &'static str,
    pub probability: u8,
    pub rotting_days: u16,
    /// Fields a deal must have before it may enter.
    pub entry_fields: &'static [DealField],
}

/// The default pipeline's stages, in order. Won and lost are outcomes, not stages.
pub const BUYING_PROCESS: [StageTemplate; 6] = [
    StageTemplate {
        name: "Qualified",
        probability: 10,
        rotting_days: 14,
        entry_fields: &[],
    },
    StageTemplate {
        name: "Initial contact",
        probability: 20,
        rotting_days: 14,
        entry_fields: &[],
    },
    StageTemplate {
        name: "Needs assessment",
        probability: 40,
        rotting_days: 21,
        entry_fields: &[DealField::Contact],
    },
    StageTemplate {
        name: "Proposal",
        probability: 60,
        rotting_days: 21,
        entry_fields: &[DealField::Value, DealField::ExpectedCloseOn],
    },
    StageTemplate {
        name: "Negotiation",
        probability: 80,
        rotting_days: 14,
        entry_fields: &[
            DealField::Value,
            DealField::ExpectedCloseOn,
            DealField::DecisionMaker,
        ],
    },
    StageTemplate {
        name: "Closing",
        probability: 90,
        rotting_days: 7,
        entry_fields: &[
            DealField::Value,
            DealField::ExpectedCloseOn,
            DealField::DecisionMaker,
            DealField::NextStep,
        ],
    },
];

/// Why deals are lost, until a workspace edits the list.
pub const LOST_REASONS: [&str; 6] = [
    "Price too high",
    "Chose a competitor",
    "No budget",
    "No decision / went quiet",
    "Timing not right",
    "Missing features",
];

/// The default pipeline's name.
pub const DEFAULT_PIPELINE: &str = "Sales pipeline";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_rise_through_the_process() {
        assert!(BUYING_PROCESS
            .windows(2)
            .all(|w| w[0].probability < w[1].probability));
        assert!(BUYING_PROCESS
            .iter()
            .all(|s| s.probability <= 100 && s.rotting_days > 0));
    }
}

/// Value × probability, in cents, rounded down: the stage's expected revenue.
pub fn weighted_cents(value_cents: i64, probability: u8) -> i64 {
    let weighted = i128::from(value_cents) * i128::from(probability.min(100)) / 100;
    i64::try_from(weighted).unwrap_or(i64::MAX)
}

/// Open value in one currency: total and weighted by the stage probability, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageValue {
    pub currency: crate::money::Currency,
    pub value_cents: i64,
    pub weighted_cents: i64,
}

/// One stage of the pipeline overview: open deals and their value, per currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageSummary {
    pub name: String,
    pub probability: u8,
    pub open_deals: u64,
    /// One entry per currency, largest value first.
    pub values: Vec<StageValue>,
}

/// Open deals by stage, plus closed outcomes: the pipeline at a glance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PipelineOverview {
    pub pipeline_name: String,
    pub stages: Vec<StageSummary>,
    pub won_deals: u64,
    pub lost_deals: u64,
}

impl PipelineOverview {
    /// Open deals across all stages.
    pub fn open_deals(&self) -> u64 {
        self.stages.iter().map(|s| s.open_deals).sum()
    }
}

#[cfg(test)]
mod weighted_tests {
    use super::*;

    #[test]
    fn weighting_uses_the_stage_probability() {
        assert_eq!(weighted_cents(100_000, 60), 60_000);
        assert_eq!(weighted_cents(999, 10), 99);
        assert_eq!(weighted_cents(i64::MAX, 100), i64::MAX);
        assert_eq!(
            weighted_cents(500, 250),
            500,
            "probability is capped at 100 %"
        );
    }
}

/// Most stages a pipeline may have: more columns than this stop being a board.
pub const STAGES_MAX: usize = 20;

/// A stage as edited in pipeline settings; `id` is `None` for a new stage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageDraft {
    pub id: Option<crate::ids::StageId>,
    pub name: String,
    pub probability: u8,
    pub rotting_days: u16,
    pub criteria: crate::deal::EntryCriteria,
}

/// A pipeline's new name and stage list, in order. Stages left out are removed; their
/// deals go where `relocate` says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavePipeline {
    pub pipeline: crate::ids::PipelineId,
    pub name: String,
    pub stages: Vec<StageDraft>,
    /// (removed stage, stage that takes its deals).
    pub relocate: Vec<(crate::ids::StageId, crate::ids::StageId)>,
}

impl SavePipeline {
    /// Field keys are `name` and `stage.<index>`.
    ///
    /// # Errors
    /// Blank or duplicate names, out-of-range figures, no stages or too many.
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        crate::validation::check_name(&mut errors, "name", "the pipeline's name", &self.name);
        if self.stages.is_empty() || self.stages.len() > STAGES_MAX {
            errors.add("stages", format!("Keep between 1 and {STAGES_MAX} stages."));
        }
        let mut seen: Vec<String> = Vec::new();
        for (index, stage) in self.stages.iter().enumerate() {
            let field = format!("stage.{index}");
            crate::validation::check_name(&mut errors, &field, "the stage's name", &stage.name);
            let key = stage.name.trim().to_lowercase();
            if seen.contains(&key) {
                errors.add(&field, "Two stages cannot share a name.");
            }
            seen.push(key);
            if stage.probability > 100 {
                errors.add(&field, "Win probability is a percentage from 0 to 100.");
            }
            if stage.rotting_days > 365 {
                errors.add(
                    &field,
                    "Use a rotting period of at most 365 days (0 = never).",
                );
            }
            if stage
                .criteria
                .checklist
                .iter()
                .any(|i| i.chars().count() > 120)
            {
                errors.add(&field, "Keep checklist items to 120 characters.");
            }
        }
        errors.into_result()
    }
}
