//! What the kanban board, the deal list and the deal page exchange with the server.

use crate::{
    deal::{ContactRole, DealChange, DealFacts, DealStatus, EntryCriteria},
    ids::{CompanyId, ContactId, DealId, PipelineId, StageId, UserId},
    money::Currency,
    pipeline::StageValue,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Cards per column per request: a column holds thousands, the screen shows a dozen.
pub const COLUMN_PAGE: u64 = 30;

/// Cards per column when the board opens: what a laptop (1280 × 800) or a phone
/// (390 × 844) shows, three cards, and one more so the column overflows and scrolling
/// loads `COLUMN_PAGE` more at a time. A taller screen (five at 1920 × 1080) asks for
/// the next page once hydrated (`BoardColumn`). Each card costs the page about 1.3 KB
/// (its HTML and its hydration data): ten made /pipeline 127 KB at 10,000 deals and its
/// rendering the largest part of the page's CPU (bench/README.md).
pub const FIRST_SCREEN: u64 = 4;

/// Which deals the board or list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFilter {
    pub pipeline: Option<PipelineId>,
    pub owner: Option<UserId>,
    /// Only the viewer's own deals.
    pub mine: bool,
    pub tag: String,
    /// Matches the title.
    pub text: String,
    /// Only open deals with no open activity: the ones nobody is working.
    #[serde(default)]
    pub no_next_step: bool,
}

impl DealFilter {
    /// Refuses search texts longer than the bound (`limits::SEARCH_MAX`).
    ///
    /// # Errors
    /// `Validation` on `text` or `tag`.
    pub fn check(&self) -> Result<(), crate::AppError> {
        crate::limits::check_search("text", &self.text)?;
        crate::limits::check_search("tag", &self.tag)
    }
}

/// A stage as the board and the deal page need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInfo {
    pub id: StageId,
    pub name: String,
    pub probability: u8,
    pub rotting_days: u16,
    pub criteria: EntryCriteria,
}

/// A column header's figures, computed by the database over every matching deal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnTotals {
    pub deals: u64,
    /// One entry per currency, largest first.
    pub values: Vec<StageValue>,
}

/// One card on the board. Defaults (no company, not rotting, no tags…) are left off
/// the wire (`wire`): a card's JSON goes out with every first screen. Serde's
/// `remote = "Self"` derives the plain (de)serialisers as functions, so the trait
/// impls below can put back, on reading, the facts the wire leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct DealCard {
    pub id: DealId,
    pub version: i32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Who owns it, for what the viewer may do to it (`permission`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<UserId>,
    pub value_cents: i64,
    pub currency: Currency,
    pub days_in_stage: i64,
    #[serde(default, skip_serializing_if = "crate::wire::is_false")]
    pub rotting: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// What the stage rules read, so the browser can check a move before sending it.
    /// Sent without what the card says already (`wire::card_facts`).
    #[serde(serialize_with = "crate::wire::card_facts")]
    pub facts: DealFacts,
    /// The earliest open activity: every open deal should have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_activity: Option<NextActivity>,
}

impl Serialize for DealCard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DealCard::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for DealCard {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut card = DealCard::deserialize(deserializer)?;
        crate::wire::restore_card_facts(&mut card);
        Ok(card)
    }
}

/// A deal's next scheduled activity, as its card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextActivity {
    pub kind: crate::activity::ActivityKind,
    pub subject: String,
    pub due_at: DateTime<Utc>,
}

/// A board column: its stage, exact totals and the first page of cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub stage: StageInfo,
    pub totals: ColumnTotals,
    pub cards: Vec<DealCard>,
}

/// A person a deal can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub id: UserId,
    pub name: String,
}

/// What the board's toolbar offers: pipelines to pick and owners to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardOptions {
    pub pipelines: Vec<(PipelineId, String)>,
    pub owners: Vec<Owner>,
}

/// What the deal list's filters and bulk bar offer: far less than the board it used to
/// load for them (every column's cards and totals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOptions {
    pub pipelines: Vec<(PipelineId, String)>,
    pub owners: Vec<Owner>,
    /// The stages deals can be moved to: the chosen pipeline's, or the only pipeline's;
    /// `None` while the list spans several pipelines.
    pub stages: Option<Vec<StageInfo>>,
}

/// Everything the board screen opens with. The owners to pick from are not here: the
/// toolbar's [`BoardOptions`] carries them, and the page would send them twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub pipelines: Vec<(PipelineId, String)>,
    pub pipeline: PipelineId,
    /// The pipeline settings' version, which a settings save is based on.
    pub pipeline_version: i32,
    pub columns: Vec<Column>,
    pub lost_reasons: Vec<String>,
    pub default_currency: Currency,
    pub viewer: UserId,
}

/// Moves a deal to a stage, first applying any fields an inline form filled in; the
/// stage rules are checked against the result, all in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveDeal {
    pub deal: DealId,
    pub version: i32,
    pub stage: StageId,
    pub changes: Vec<DealChange>,
}

/// Closes a deal, or reopens it into its last stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Won,
    Lost { reason: String },
    Reopen,
}

impl Outcome {
    /// A lost reason no longer than any reason a workspace may list.
    ///
    /// # Errors
    /// `Validation` on `lost_reason` when it is too long.
    pub fn check(&self) -> Result<(), crate::AppError> {
        match self {
            Outcome::Lost { reason } => crate::deal::check_lost_reason(reason)
                .map_err(|message| crate::AppError::invalid("lost_reason", message)),
            Outcome::Won | Outcome::Reopen => Ok(()),
        }
    }
}

/// A new deal; `changes` carries everything but the title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDeal {
    pub pipeline: Option<PipelineId>,
    /// Defaults to the pipeline's first stage.
    pub stage: Option<StageId>,
    pub title: String,
    pub changes: Vec<DealChange>,
}

/// The result of a write: the deal's new version and its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub card: DealCard,
    pub stage: StageId,
    /// The event the write appended: what "Undo" refers to.
    pub event: i64,
}

/// A contact on a deal, with the part they play.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealContact {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub role: ContactRole,
}

/// One recorded stage change or outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    pub from: Option<String>,
    pub to: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// Everything the deal page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealDetail {
    pub id: DealId,
    pub version: i32,
    pub title: String,
    pub value_cents: i64,
    pub currency: Currency,
    pub expected_close_on: Option<NaiveDate>,
    pub owner: Option<UserId>,
    pub company: Option<(CompanyId, String)>,
    pub contacts: Vec<DealContact>,
    pub pipeline: (PipelineId, String),
    pub stage: StageId,
    pub stages: Vec<StageInfo>,
    pub status: DealStatus,
    pub lost_reason: Option<String>,
    pub source: Option<String>,
    pub next_step: Option<String>,
    pub tags: Vec<String>,
    pub facts: DealFacts,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Last real work: a stage change or a completed activity (what rotting reads).
    pub last_touched: DateTime<Utc>,
    pub stage_entered_at: DateTime<Utc>,
    pub history: Vec<StageChange>,
    pub owners: Vec<Owner>,
    pub lost_reasons: Vec<String>,
}

/// A row of the deal list: what the table shows, and the version a bulk change checks.
/// Not a [`DealCard`]: the list has no use for the card's rule facts and next activity,
/// which cost two statements and half the page's hydration data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealRow {
    pub id: DealId,
    pub version: i32,
    pub title: String,
    pub company: Option<String>,
    pub owner: Option<String>,
    pub value_cents: i64,
    pub currency: Currency,
    pub stage: String,
    pub status: DealStatus,
    pub expected_close_on: Option<NaiveDate>,
}

/// How the deal list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealSort {
    #[default]
    Updated,
    Title,
    ValueDesc,
    CloseDate,
    Stage,
}

/// One page of the deal list, with the total number of matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealPage {
    pub rows: Vec<DealRow>,
    pub total: u64,
}

/// A change applied to many deals at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkChange {
    Stage(StageId),
    Owner(UserId),
}

/// What a bulk change did: which deals moved, which did not and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub changed: u32,
    pub refused: Vec<(String, String)>,
}
