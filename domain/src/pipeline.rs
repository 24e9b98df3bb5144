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
/// Most pipelines a workspace may keep: every page's toolbar lists them all.
pub const PIPELINES_MAX: usize = 50;
/// Longest rotting period a stage may set, in days (0 = never).
pub const ROTTING_DAYS_MAX: u16 = 365;

/// Room for another pipeline in a workspace that has `existing`.
///
/// # Errors
/// `Validation` on `name` when the workspace already has `PIPELINES_MAX`.
pub fn check_pipeline_room(existing: u64) -> Result<(), crate::AppError> {
    crate::limits::check_room(
        "name",
        existing,
        PIPELINES_MAX,
        &format!("A workspace can have at most {PIPELINES_MAX} pipelines."),
    )
}

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
    /// The settings version the page was opened at.
    pub version: i32,
    pub name: String,
    pub stages: Vec<StageDraft>,
    /// (removed stage, stage that takes its deals).
    pub relocate: Vec<(crate::ids::StageId, crate::ids::StageId)>,
}

impl SavePipeline {
    /// Field keys are `name`, `stages`, `relocate` and `stage.<index>`.
    ///
    /// # Errors
    /// Blank or duplicate names, out-of-range figures, no stages or too many, entry
    /// criteria that repeat a field or hold too many or malformed checklist items.
    pub fn validate(&self) -> Result<(), crate::FieldErrors> {
        let mut errors = crate::FieldErrors::default();
        crate::validation::check_name(&mut errors, "name", "the pipeline's name", &self.name);
        if self.stages.is_empty() || self.stages.len() > STAGES_MAX {
            errors.add("stages", format!("Keep between 1 and {STAGES_MAX} stages."));
            // Nothing more is read: the list's length is the client's choice.
            return errors.into_result();
        }
        // A removed stage is one the pipeline had, and it has at most STAGES_MAX.
        if self.relocate.len() > STAGES_MAX {
            errors.add(
                "relocate",
                format!("Move the deals of at most {STAGES_MAX} removed stages."),
            );
        }
        let mut seen: Vec<String> = Vec::new();
        let mut ids: Vec<crate::ids::StageId> = Vec::new();
        for (index, stage) in self.stages.iter().enumerate() {
            let field = format!("stage.{index}");
            crate::validation::check_name(&mut errors, &field, "the stage's name", &stage.name);
            let key = stage.name.trim().to_lowercase();
            if seen.contains(&key) {
                errors.add(&field, "Two stages cannot share a name.");
            }
            seen.push(key);
            if let Some(id) = stage.id {
                if ids.contains(&id) {
                    errors.add(&field, "Each stage can appear only once.");
                }
                ids.push(id);
            }
            if stage.probability > 100 {
                errors.add(&field, "Win probability is a percentage from 0 to 100.");
            }
            if stage.rotting_days > ROTTING_DAYS_MAX {
                errors.add(
                    &field,
                    format!("Use a rotting period of at most {ROTTING_DAYS_MAX} days (0 = never)."),
                );
            }
            check_criteria(&mut errors, &field, &stage.criteria);
        }
        errors.into_result()
    }
}

/// A stage's entry criteria: each field at most once, and at most `CHECKLIST_MAX`
/// checklist items, each named in plain text of at most `CHECK_MAX` characters (the
/// same rule as ticking one on a deal, so every item can be ticked).
fn check_criteria(
    errors: &mut crate::FieldErrors,
    field: &str,
    criteria: &crate::deal::EntryCriteria,
) {
    use crate::deal::{parse_text, DealField, CHECKLIST_MAX, CHECK_MAX};
    let fields = &criteria.fields;
    let repeated = fields
        .iter()
        .enumerate()
        .any(|(i, f)| fields.iter().skip(i + 1).any(|other| other == f));
    if fields.len() > DealField::ALL.len() || repeated {
        errors.add(field, "Require each field at most once.");
    }
    let checklist = &criteria.checklist;
    if checklist.len() > CHECKLIST_MAX {
        errors.add(
            field,
            format!("Keep the checklist to {CHECKLIST_MAX} items or fewer."),
        );
        return;
    }
    for item in checklist {
        match parse_text(item, "checklist items", CHECK_MAX) {
            Ok(Some(_)) => {}
            Ok(None) => errors.add(field, "Name every checklist item."),
            Err(message) => errors.add(field, message),
        }
    }
}

#[cfg(test)]
mod save_tests {
    use super::*;
    use crate::deal::{DealField, EntryCriteria, CHECKLIST_MAX, CHECK_MAX};
    use crate::ids::{PipelineId, StageId};
    use uuid::Uuid;

    fn stage(name: &str) -> StageDraft {
        StageDraft {
            id: None,
            name: name.into(),
            probability: 50,
            rotting_days: 14,
            criteria: EntryCriteria::default(),
        }
    }

    fn save(stages: Vec<StageDraft>) -> SavePipeline {
        SavePipeline {
            pipeline: PipelineId(Uuid::nil()),
            version: 1,
            name: "Sales".into(),
            stages,
            relocate: Vec::new(),
        }
    }

    #[test]
    fn too_many_stages_are_refused_before_any_is_read() {
        let stages: Vec<StageDraft> = (0..STAGES_MAX).map(|i| stage(&format!("S{i}"))).collect();
        assert!(save(stages).validate().is_ok());
        let errors = save(vec![stage("Same"); STAGES_MAX + 1])
            .validate()
            .unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(
            errors.for_field("stages"),
            Some("Keep between 1 and 20 stages.")
        );
    }

    #[test]
    fn relocations_are_bounded_by_the_stages_a_pipeline_can_have() {
        let pair = (StageId(Uuid::nil()), StageId(Uuid::nil()));
        let mut command = save(vec![stage("Open")]);
        command.relocate = vec![pair; STAGES_MAX];
        assert!(command.validate().is_ok());
        command.relocate.push(pair);
        assert_eq!(
            command.validate().unwrap_err().for_field("relocate"),
            Some("Move the deals of at most 20 removed stages.")
        );
    }

    #[test]
    fn a_stage_appears_once() {
        let id = Some(StageId(Uuid::from_u128(7)));
        let (mut a, mut b) = (stage("A"), stage("B"));
        a.id = id;
        b.id = id;
        let errors = save(vec![a, b]).validate().unwrap_err();
        assert_eq!(
            errors.for_field("stage.1"),
            Some("Each stage can appear only once.")
        );
    }

    #[test]
    fn criteria_name_each_field_once_and_keep_checklists_short_and_plain() {
        let mut every = stage("Every");
        every.criteria.fields = DealField::ALL.to_vec();
        every.criteria.checklist = (0..CHECKLIST_MAX).map(|i| format!("Item {i}")).collect();
        every.criteria.checklist[0] = "x".repeat(CHECK_MAX);
        assert!(save(vec![every.clone()]).validate().is_ok());

        let mut repeated = stage("Repeated");
        repeated.criteria.fields = vec![DealField::Value; 1_000];
        assert_eq!(
            save(vec![repeated])
                .validate()
                .unwrap_err()
                .for_field("stage.0"),
            Some("Require each field at most once.")
        );

        let mut long = every.clone();
        long.criteria.checklist.push("One too many".into());
        assert_eq!(
            save(vec![long])
                .validate()
                .unwrap_err()
                .for_field("stage.0"),
            Some("Keep the checklist to 20 items or fewer.")
        );

        let mut wide = every.clone();
        wide.criteria.checklist[0] = "x".repeat(CHECK_MAX + 1);
        assert_eq!(
            save(vec![wide])
                .validate()
                .unwrap_err()
                .for_field("stage.0"),
            Some("Keep checklist items to 120 characters or fewer.")
        );

        let mut broken = every;
        broken.criteria.checklist[1] = "Budget\nconfirmed".into();
        broken.criteria.checklist[2] = "  ".into();
        let errors = save(vec![broken]).validate().unwrap_err();
        let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Remove the control characters from checklist items.",
                "Name every checklist item."
            ]
        );
    }

    #[test]
    fn pipelines_per_workspace_are_bounded() {
        assert!(check_pipeline_room(49).is_ok());
        let refused = check_pipeline_room(50).unwrap_err();
        assert_eq!(
            refused.field_message("name").as_deref(),
            Some("A workspace can have at most 50 pipelines.")
        );
    }
}
