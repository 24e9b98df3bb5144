//! The weekly pipeline review: a manager walks the deals that need a word (rotting, no
//! next step, close date slipped, closing now, changed most), comments on each, and the
//! review is kept — with a snapshot of the open pipeline, so the next one can say what
//! moved since.

use crate::{ids::DealId, metrics::Amount};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Comments are short notes, not essays.
pub const COMMENT_MAX: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReviewSection {
    Rotting,
    NoNextStep,
    Slipped,
    ClosingSoon,
    BiggestChanges,
}

impl ReviewSection {
    pub const ALL: [ReviewSection; 5] = [
        ReviewSection::Rotting,
        ReviewSection::NoNextStep,
        ReviewSection::Slipped,
        ReviewSection::ClosingSoon,
        ReviewSection::BiggestChanges,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ReviewSection::Rotting => "Rotting deals",
            ReviewSection::NoNextStep => "No next step",
            ReviewSection::Slipped => "Close date slipped",
            ReviewSection::ClosingSoon => "Due to close",
            ReviewSection::BiggestChanges => "Biggest changes",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            ReviewSection::Rotting => "Untouched longer than their stage allows.",
            ReviewSection::NoNextStep => "Open deals nobody has planned the next step for.",
            ReviewSection::Slipped => "Expected close date later than at the previous review.",
            ReviewSection::ClosingSoon => {
                "Expected to close by the end of this month, or already overdue."
            }
            ReviewSection::BiggestChanges => {
                "Value or stage changed most since the previous review."
            }
        }
    }
}

/// A deal as it stood when a review started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSnapshot {
    pub stage_name: String,
    pub value_cents: i64,
    pub expected_close_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewMark {
    pub by: String,
    pub comment: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDeal {
    pub id: DealId,
    pub title: String,
    pub owner: Option<String>,
    pub stage_name: String,
    pub value_cents: i64,
    pub currency: String,
    pub expected_close_on: Option<NaiveDate>,
    pub next_step: Option<String>,
    pub days_in_stage: i64,
    /// At the previous review, when the deal was open then.
    pub before: Option<DealSnapshot>,
    /// Whether there is a previous review to compare with at all.
    pub compared: bool,
    pub mark: Option<ReviewMark>,
}

impl ReviewDeal {
    /// What changed since the previous review, in words; empty when nothing did.
    pub fn changes(&self) -> Vec<String> {
        let Some(before) = &self.before else {
            return if self.compared {
                vec!["New since the previous review".into()]
            } else {
                Vec::new()
            };
        };
        let mut changes = Vec::new();
        if before.stage_name != self.stage_name {
            changes.push(format!("Stage {} → {}", before.stage_name, self.stage_name));
        }
        if before.value_cents != self.value_cents {
            changes.push(format!(
                "Value {} → {}",
                whole(before.value_cents),
                whole(self.value_cents)
            ));
        }
        if before.expected_close_on != self.expected_close_on {
            let day = |d: Option<NaiveDate>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
            changes.push(format!(
                "Close date {} → {}",
                day(before.expected_close_on),
                day(self.expected_close_on)
            ));
        }
        changes
    }
}

fn whole(cents: i64) -> String {
    format!("{}", cents / 100)
}

/// Whether the expected close date moved later (or was dropped) since the snapshot.
pub fn slipped(before: Option<NaiveDate>, now: Option<NaiveDate>) -> bool {
    match (before, now) {
        (Some(before), Some(now)) => now > before,
        (Some(_), None) => true,
        _ => false,
    }
}

/// One kept review: when, by whom, and the open pipeline it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub open_deals: u64,
    pub open_value: Vec<Amount>,
    pub reviewed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineReview {
    pub pipeline_name: String,
    /// The review being worked on; None before the first.
    pub current: Option<ReviewSummary>,
    pub sections: Vec<(ReviewSection, Vec<ReviewDeal>)>,
    /// Every kept review of the pipeline, newest first.
    pub history: Vec<ReviewSummary>,
    pub can_review: bool,
}

/// Checks a reviewer's comment.
///
/// # Errors
/// Too long or holding control characters other than line breaks.
pub fn parse_comment(comment: &str) -> Result<String, String> {
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        Err(format!(
            "Keep the comment to {COMMENT_MAX} characters or fewer."
        ))
    } else if comment
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Err("Remove the control characters from the comment.".into())
    } else {
        Ok(comment.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(
        stage: &str,
        value: i64,
        close: Option<&str>,
        before: Option<DealSnapshot>,
    ) -> ReviewDeal {
        ReviewDeal {
            id: DealId(Uuid::nil()),
            title: "Acme".into(),
            owner: None,
            stage_name: stage.into(),
            value_cents: value,
            currency: "USD".into(),
            expected_close_on: close.and_then(|d| d.parse().ok()),
            next_step: None,
            days_in_stage: 3,
            before,
            compared: true,
            mark: None,
        }
    }

    #[test]
    fn slipping_means_later_or_dropped() {
        let day = |d: &str| d.parse::<NaiveDate>().ok();
        assert!(slipped(day("2026-11-30"), day("2026-12-15")));
        assert!(slipped(day("2026-11-30"), None));
        assert!(!slipped(day("2026-11-30"), day("2026-11-20")));
        assert!(!slipped(None, day("2026-11-20")));
    }

    #[test]
    fn changes_read_as_before_and_after() {
        let before = DealSnapshot {
            stage_name: "Proposal".into(),
            value_cents: 500_000,
            expected_close_on: "2026-11-30".parse().ok(),
        };
        let now = deal(
            "Negotiation",
            650_000,
            Some("2026-12-15"),
            Some(before.clone()),
        );
        assert_eq!(
            now.changes(),
            [
                "Stage Proposal → Negotiation",
                "Value 5000 → 6500",
                "Close date 2026-11-30 → 2026-12-15"
            ]
        );
        assert!(deal("Proposal", 500_000, Some("2026-11-30"), Some(before))
            .changes()
            .is_empty());
        assert_eq!(
            deal("Proposal", 1, None, None).changes(),
            ["New since the previous review"]
        );
    }

    #[test]
    fn comments_are_checked() {
        assert_eq!(parse_comment("  Call the CFO\n"), Ok("Call the CFO".into()));
        assert!(parse_comment(&"x".repeat(COMMENT_MAX + 1)).is_err());
        assert!(parse_comment("bad\u{7}").is_err());
    }
}
