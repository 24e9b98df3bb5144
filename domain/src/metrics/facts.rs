//! The raw records the formulas read: one row per deal, stage change, stage and lead.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::deal::DealStatus;

/// A deal as the metrics see it. Dates are UTC calendar days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFact {
    pub id: Uuid,
    pub pipeline: Uuid,
    pub stage: Uuid,
    pub owner: Option<Uuid>,
    pub state: DealStatus,
    pub value_cents: i64,
    pub currency: String,
    pub created_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub expected_close_on: Option<NaiveDate>,
    pub lost_reason: Option<String>,
}

/// One recorded step of a deal's journey: it entered `to_stage` with `status` at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChangeFact {
    pub id: Uuid,
    pub deal: Uuid,
    pub to_stage: Uuid,
    pub status: DealStatus,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFact {
    pub id: Uuid,
    pub name: String,
    pub position: i32,
    pub probability: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFact {
    pub owner: Option<Uuid>,
    pub source: String,
    pub created_on: NaiveDate,
    pub converted: bool,
}
