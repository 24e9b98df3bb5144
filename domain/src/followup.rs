//! Post-sale follow-up plans: the activities a won deal gets for its owner, e.g. a
//! kickoff call on day 1, a check-in on day 30 and a renewal review on day 330.

use crate::{
    activity::{ActivityKind, SUBJECT_MAX},
    validation::FieldErrors,
};
use serde::{Deserialize, Serialize};

/// Steps in one plan.
pub const PLAN_MAX: usize = 20;
/// Latest day a step may fall on: a renewal review up to two years out.
pub const DAY_MAX: i32 = 730;

/// One step: `day` days after the win, an activity of `kind` titled `subject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpStep {
    pub day: i32,
    pub kind: ActivityKind,
    pub subject: String,
}

/// Checks a whole plan; steps come back trimmed and ordered by day.
///
/// # Errors
/// Field errors named `step-<n>` (1-based, as listed) for bad days or subjects.
pub fn validate_plan(steps: &[FollowUpStep]) -> Result<Vec<FollowUpStep>, FieldErrors> {
    let mut errors = FieldErrors::default();
    if steps.len() > PLAN_MAX {
        errors.add("plan", format!("A plan holds at most {PLAN_MAX} steps."));
        // Nothing more is read: the list's length is the client's choice.
        return Err(errors);
    }
    let mut plan = Vec::with_capacity(steps.len());
    for (index, step) in steps.iter().enumerate() {
        let field = format!("step-{}", index + 1);
        let subject = step.subject.trim();
        if subject.is_empty() {
            errors.add(&field, "Say what the step is, e.g. \"Kickoff call\".");
        } else if subject.chars().count() > SUBJECT_MAX {
            errors.add(&field, format!("Keep it under {SUBJECT_MAX} characters."));
        } else if subject.chars().any(char::is_control) {
            errors.add(&field, "Remove the control characters from the step.");
        }
        if !(0..=DAY_MAX).contains(&step.day) {
            errors.add(
                &field,
                format!("Pick a day from 0 (the day it is won) to {DAY_MAX}."),
            );
        }
        plan.push(FollowUpStep {
            day: step.day,
            kind: step.kind,
            subject: subject.to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    plan.sort_by_key(|step| step.day);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(day: i32, subject: &str) -> FollowUpStep {
        FollowUpStep {
            day,
            kind: ActivityKind::Call,
            subject: subject.into(),
        }
    }

    #[test]
    fn a_plan_is_ordered_by_day() {
        let plan = validate_plan(&[step(30, "Check-in "), step(1, "Kickoff")]).unwrap();
        assert_eq!(plan[0].subject, "Kickoff");
        assert_eq!(plan[1].subject, "Check-in");
    }

    #[test]
    fn negative_or_far_days_and_blank_subjects_are_refused_per_step() {
        let errors =
            validate_plan(&[step(-5, "Kickoff"), step(1, " "), step(9999, "x")]).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["step-1", "step-2", "step-3"]);
    }

    #[test]
    fn a_plan_is_bounded_in_steps_and_plain_in_subjects() {
        let full: Vec<FollowUpStep> = (0..PLAN_MAX).map(|day| step(day as i32, "Call")).collect();
        assert_eq!(validate_plan(&full).map(|p| p.len()), Ok(PLAN_MAX));
        let over = vec![step(1, " "); PLAN_MAX + 1];
        let errors = validate_plan(&over).unwrap_err();
        assert_eq!(errors.0.len(), 1, "one message, not one per step");
        assert_eq!(
            errors.for_field("plan"),
            Some("A plan holds at most 20 steps.")
        );
        let longest = "s".repeat(SUBJECT_MAX);
        assert!(validate_plan(&[step(1, &longest)]).is_ok());
        let errors = validate_plan(&[step(1, "Kick\u{7}off")]).unwrap_err();
        assert_eq!(
            errors.for_field("step-1"),
            Some("Remove the control characters from the step.")
        );
    }
}
