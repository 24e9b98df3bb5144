//! How a workspace runs its inbox: the first-response target, how qualification is
//! weighed, who gets which leads, and how the inbox is filtered.

use crate::{
    lead::{LeadSource, Qualification, ScoreWeights, FIRST_RESPONSE_MINUTES, TAG_MAX},
    validation::FieldErrors,
    UserId,
};
use serde::{Deserialize, Serialize};

/// The longest first-response target: a week.
pub const RESPONSE_TARGET_MAX: u32 = 7 * 24 * 60;
/// Most assignment rules a workspace may keep: every capture tries them in turn.
pub const LEAD_RULES_MAX: usize = 100;
/// Most people one rule hands leads to, in turn.
pub const RULE_MEMBERS_MAX: usize = 50;

/// Room for another rule in a workspace that has `existing`.
///
/// # Errors
/// `Validation` on `value` when the workspace already has `LEAD_RULES_MAX`.
pub fn check_rule_room(existing: u64) -> Result<(), crate::AppError> {
    crate::limits::check_room(
        "value",
        existing,
        LEAD_RULES_MAX,
        &format!("A workspace can have at most {LEAD_RULES_MAX} rules; remove one first."),
    )
}

/// A workspace's inbox settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSettings {
    /// Minutes a new lead may wait for its first response.
    pub first_response_minutes: u32,
    pub weights: ScoreWeights,
    /// Raised by every save (0: never saved); a save based on an older one is refused.
    #[serde(default)]
    pub version: i32,
    /// Web forms refuse posts without a timing ticket, or sent within seconds of the
    /// form's page opening (`lead_form::TICKET_FIELD`): most bots post at once or never
    /// run the form's script. Off by default: it needs JavaScript on the visitor's side.
    #[serde(default)]
    pub form_check: bool,
}

impl Default for LeadSettings {
    fn default() -> Self {
        LeadSettings {
            first_response_minutes: u32::try_from(FIRST_RESPONSE_MINUTES).unwrap_or(60),
            weights: ScoreWeights::default(),
            version: 0,
            form_check: false,
        }
    }
}

impl LeadSettings {
    /// # Errors
    /// A target out of range, or weights that add up to nothing.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if !(1..=RESPONSE_TARGET_MAX).contains(&self.first_response_minutes) {
            errors.add(
                "first_response_minutes",
                "Set a target between 1 minute and 7 days (10,080 minutes).",
            );
        }
        let w = self.weights;
        if [w.need, w.budget, w.authority, w.timeline]
            .iter()
            .all(|weight| *weight == 0)
        {
            errors.add(
                "weights",
                "Give at least one of need, budget, authority and timeline a weight.",
            );
        }
        if [w.need, w.budget, w.authority, w.timeline]
            .iter()
            .any(|weight| *weight > 100)
        {
            errors.add("weights", "Each weight is between 0 and 100.");
        }
        errors.into_result()
    }
}

/// What an assignment rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleField {
    Source,
    Campaign,
    Country,
}

impl RuleField {
    pub const ALL: [RuleField; 3] = [RuleField::Source, RuleField::Campaign, RuleField::Country];

    pub fn key(self) -> &'static str {
        match self {
            RuleField::Source => "source",
            RuleField::Campaign => "campaign",
            RuleField::Country => "country",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RuleField::Source => "Source",
            RuleField::Campaign => "Campaign",
            RuleField::Country => "Country",
        }
    }

    pub fn parse(key: &str) -> Option<RuleField> {
        Self::ALL.into_iter().find(|field| field.key() == key)
    }
}

/// "Leads whose country is Germany go to Jonas and Mia in turn."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRule {
    pub id: uuid::Uuid,
    pub field: RuleField,
    /// Matched without regard to case; for a source, its key (`web_form`, `event`…).
    pub value: String,
    /// Who gets the leads, in turn.
    pub members: Vec<(UserId, String)>,
}

/// A rule as an admin writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRule {
    pub field: RuleField,
    pub value: String,
    pub members: Vec<UserId>,
}

impl NewRule {
    /// # Errors
    /// An empty, long or unknown value, or nobody (or too many people, or someone
    /// twice) to hand leads to.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        let value = self.value.trim();
        if value.is_empty() {
            errors.add("value", "Say which value the rule matches.");
        } else if value.chars().count() > TAG_MAX {
            errors.add(
                "value",
                format!("Keep the value to {TAG_MAX} characters or fewer."),
            );
        } else if value.chars().any(char::is_control) {
            errors.add("value", "Remove the control characters from the value.");
        } else if self.field == RuleField::Source && LeadSource::parse(value).is_none() {
            errors.add("value", "Pick one of the lead sources.");
        }
        let members = &self.members;
        if members.is_empty() {
            errors.add("members", "Pick at least one person to get these leads.");
        } else if members.len() > RULE_MEMBERS_MAX {
            errors.add(
                "members",
                format!("Pick at most {RULE_MEMBERS_MAX} people for one rule."),
            );
        } else if members
            .iter()
            .enumerate()
            .any(|(i, m)| members.iter().skip(i + 1).any(|other| other == m))
        {
            errors.add("members", "Pick each person once.");
        }
        errors.into_result().map(|()| value.to_owned())
    }
}

/// The inbox's search and filters, carried in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    /// Name, e-mail, phone or company containing it.
    pub search: String,
    pub source: Option<LeadSource>,
    pub campaign: String,
    pub owner: Option<UserId>,
    pub min_score: Option<u8>,
}

impl InboxFilter {
    pub fn is_empty(&self) -> bool {
        *self == InboxFilter::default()
    }

    /// Refuses search texts longer than the bound (`limits::SEARCH_MAX`) and scores
    /// that no lead can have.
    ///
    /// # Errors
    /// `Validation` on `search`, `campaign` or `min_score`.
    pub fn check(&self) -> Result<(), crate::AppError> {
        crate::limits::check_search("search", &self.search)?;
        crate::limits::check_search("campaign", &self.campaign)?;
        if self.min_score.is_some_and(|score| score > 100) {
            return Err(crate::AppError::invalid(
                "min_score",
                "Pick a score from 0 to 100.",
            ));
        }
        Ok(())
    }
}

/// One row of the marketing view: a source or a campaign and what its leads became.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFigures {
    pub label: String,
    pub leads: u64,
    /// Qualified by marketing or sales, or converted.
    pub qualified: u64,
    /// Became deals.
    pub converted: u64,
    pub won_deals: u64,
    /// Won deal value per currency, in minor units (cents): never added across currencies.
    pub won_value: Vec<(crate::money::Currency, i64)>,
}

impl SourceFigures {
    /// Adds won value in one currency (saturating: a sum never wraps round).
    pub fn add_won(&mut self, currency: crate::money::Currency, cents: i64) {
        match self.won_value.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, total)) => *total = total.saturating_add(cents),
            None => self.won_value.push((currency, cents)),
        }
    }

    /// Folds another row's figures into this one.
    pub fn absorb(&mut self, other: SourceFigures) {
        self.leads = self.leads.saturating_add(other.leads);
        self.qualified = self.qualified.saturating_add(other.qualified);
        self.converted = self.converted.saturating_add(other.converted);
        self.won_deals = self.won_deals.saturating_add(other.won_deals);
        for (currency, cents) in other.won_value {
            self.add_won(currency, cents);
        }
    }

    /// "$12,000 · €3,000", or "—" with nothing won yet.
    pub fn won_text(&self) -> String {
        if self.won_value.is_empty() {
            return "—".to_owned();
        }
        self.won_value
            .iter()
            .map(|(currency, cents)| crate::money::format_whole(*cents, *currency))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl SourceFigures {
    /// Whole percent of `part` in `whole`; `None` when there is nothing to divide.
    pub fn percent(part: u64, whole: u64) -> Option<u64> {
        let (part, whole) = (u128::from(part), u128::from(whole));
        (whole > 0).then(|| u64::try_from((part * 100 + whole / 2) / whole).unwrap_or(u64::MAX))
    }
}

/// The marketing view: which sources and campaigns pay off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketingReport {
    pub by_source: Vec<SourceFigures>,
    pub by_campaign: Vec<SourceFigures>,
}

/// One submission that made or merged into a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub at: chrono::DateTime<chrono::Utc>,
    pub source: LeadSource,
    /// The posted fields that had a value, as sent.
    pub fields: Vec<(String, String)>,
}

/// A lead's page: everything known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetail {
    pub lead: crate::lead::Lead,
    pub title: Option<String>,
    pub domain: Option<String>,
    pub company_size: Option<i32>,
    pub utm: crate::lead::Utm,
    pub landing_page: Option<String>,
    pub referrer: Option<String>,
    pub message: Option<String>,
    pub qualification: Qualification,
    pub disqualify_reason: Option<String>,
    pub deal: Option<crate::ids::DealId>,
    pub submissions: Vec<Submission>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_need_a_sane_target_and_some_weight() {
        assert!(LeadSettings::default().validate().is_ok());
        let mut settings = LeadSettings {
            first_response_minutes: 0,
            ..LeadSettings::default()
        };
        assert!(settings.validate().is_err());
        settings.first_response_minutes = 30;
        settings.weights = ScoreWeights {
            need: 0,
            budget: 0,
            authority: 0,
            timeline: 0,
        };
        assert_eq!(settings.validate().unwrap_err().0[0].field, "weights");
    }

    #[test]
    fn a_source_rule_names_a_known_source() {
        let rule = NewRule {
            field: RuleField::Source,
            value: "billboard".into(),
            members: vec![UserId(uuid::Uuid::nil())],
        };
        assert!(rule.validate().is_err());
        let rule = NewRule {
            value: " event ".into(),
            ..rule
        };
        assert_eq!(rule.validate().unwrap(), "event");
    }

    #[test]
    fn a_rule_names_a_short_plain_value_and_each_person_once() {
        let person = |n: u128| UserId(uuid::Uuid::from_u128(n));
        let rule = NewRule {
            field: RuleField::Campaign,
            value: "c".repeat(TAG_MAX),
            members: (0..RULE_MEMBERS_MAX as u128).map(person).collect(),
        };
        assert!(
            rule.validate().is_ok(),
            "the limits themselves are accepted"
        );
        let long = NewRule {
            value: "c".repeat(TAG_MAX + 1),
            ..rule.clone()
        };
        assert_eq!(
            long.validate().unwrap_err().for_field("value"),
            Some("Keep the value to 200 characters or fewer.")
        );
        let crowded = NewRule {
            members: (0..=RULE_MEMBERS_MAX as u128).map(person).collect(),
            ..rule.clone()
        };
        assert_eq!(
            crowded.validate().unwrap_err().for_field("members"),
            Some("Pick at most 50 people for one rule.")
        );
        let twice = NewRule {
            members: vec![person(1), person(1)],
            ..rule
        };
        assert_eq!(
            twice.validate().unwrap_err().for_field("members"),
            Some("Pick each person once.")
        );
        assert!(check_rule_room(99).is_ok());
        assert_eq!(
            check_rule_room(100)
                .unwrap_err()
                .field_message("value")
                .as_deref(),
            Some("A workspace can have at most 100 rules; remove one first.")
        );
    }

    #[test]
    fn an_inbox_filter_asks_for_a_score_a_lead_can_have() {
        let filter = InboxFilter {
            min_score: Some(100),
            ..InboxFilter::default()
        };
        assert!(filter.check().is_ok());
        let refused = InboxFilter {
            min_score: Some(101),
            ..filter
        }
        .check()
        .unwrap_err();
        assert_eq!(
            refused.field_message("min_score").as_deref(),
            Some("Pick a score from 0 to 100.")
        );
    }

    #[test]
    fn percentages_round_and_never_divide_by_zero() {
        assert_eq!(SourceFigures::percent(1, 3), Some(33));
        assert_eq!(SourceFigures::percent(2, 3), Some(67));
        assert_eq!(SourceFigures::percent(0, 0), None);
        assert_eq!(SourceFigures::percent(u64::MAX, u64::MAX), Some(100));
    }

    #[test]
    fn won_sums_saturate_instead_of_wrapping() {
        let usd = crate::money::Currency::USD;
        let mut row = SourceFigures::default();
        row.add_won(usd, i64::MAX);
        row.add_won(usd, 1);
        assert_eq!(row.won_value, vec![(usd, i64::MAX)]);
    }
}
