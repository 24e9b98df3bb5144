//! What each kind of event records: one Rust type per kind, its state before and after.
//!
//! An event row keeps two JSON columns, `before` and `after`. `Payload` is the only way
//! to write or read them: `columns` serialises a payload, `read` parses one for its
//! kind, and the match in `read` has no wildcard, so a new kind without a payload type
//! does not compile. Readers (merge, undo, the timeline, the live feed) match on the
//! variants instead of looking keys up, so a misspelt key is a compile error.
//!
//! Formats: 1 is the untyped JSON of the first release; 2 (this one) keeps its keys and
//! value shapes, so rows of both read through the same types (see the tests). A later
//! format that renames or reshapes a field converts older rows in `read`.

use super::{EventKind, Subject};
use crate::{
    activity::ActivityKind,
    deal::{DealChange, DealStatus},
    lead::LeadStatus,
    timeline::FieldChange,
    Role,
};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The format the write path stores with every event.
pub const FORMAT: i16 = 2;

/// A record logged whole (companies, contacts, goals, teams, lead settings): field name
/// to value, diffed field by field by the timeline.
pub type Record = BTreeMap<String, Value>;

/// A deal before a change: enough to put it back (undo) and to name where it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealBefore {
    pub stage: Uuid,
    pub status: DealStatus,
    #[serde(default)]
    pub lost_reason: Option<String>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    pub stage_entered_at: DateTime<Utc>,
    /// Edits that restore the fields the change touched, in the order to apply them.
    #[serde(default)]
    pub restore: Vec<DealChange>,
}

/// A deal after a change, with the names as they were then (so timelines read well
/// after a rename).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealAfter {
    pub version: i32,
    /// The fields the change touched: what merge compares against a stale edit.
    #[serde(default)]
    pub changed: Vec<String>,
    pub stage: Uuid,
    #[serde(default)]
    pub stage_name: Option<String>,
    pub status: DealStatus,
    pub pipeline: Uuid,
    pub title: String,
    /// The event this change undid.
    #[serde(default)]
    pub undo_of: Option<i64>,
    #[serde(default)]
    pub fields: Vec<FieldChange>,
    #[serde(default)]
    pub lost_reason: Option<String>,
}

/// A lead after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadAfter {
    pub version: i32,
    #[serde(default)]
    pub title: Option<String>,
    pub status: LeadStatus,
    #[serde(default)]
    pub assignee: Option<Uuid>,
    #[serde(default)]
    pub owner_name: Option<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub submissions: i32,
    #[serde(default)]
    pub score: i32,
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Why it was disqualified.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An activity after it was planned, changed or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityAfter {
    pub version: i32,
    pub title: String,
    #[serde(default)]
    pub deal: Option<Uuid>,
    #[serde(default)]
    pub assignee: Option<Uuid>,
    pub due_at: DateTime<Utc>,
    #[serde(default)]
    pub done: bool,
}

/// An activity coming due: the reminder its assignee gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDue {
    pub title: String,
    pub kind: ActivityKind,
    #[serde(default)]
    pub assignee: Option<Uuid>,
    pub due_at: DateTime<Utc>,
    #[serde(default)]
    pub deal: Option<Uuid>,
    #[serde(default)]
    pub deal_title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteAdded {
    /// The deal, contact, company or lead the note is on.
    pub record: Subject,
    /// That record's name.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealsImported {
    pub pipeline: Uuid,
    /// The pipeline's name.
    pub title: String,
    pub deals: u64,
    #[serde(default)]
    pub won: u64,
    #[serde(default)]
    pub lost: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewStarted {
    pub review: Uuid,
    /// The pipeline's name.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealReviewed {
    pub review: Uuid,
    /// The deal's title.
    pub title: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceCreated {
    pub name: String,
    /// The first admin's e-mail address.
    pub admin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoSeeded {
    pub deals: u64,
    pub companies: u64,
    pub contacts: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberJoined {
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The invitation accepted, if they came by one.
    #[serde(default)]
    pub invite: Option<Uuid>,
    /// `cli` when added by `pipewright member add`.
    #[serde(default)]
    pub via: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invited {
    pub email: String,
    #[serde(default)]
    pub role: Option<Role>,
}

/// The workspace's record visibility, before or after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub visibility: crate::visibility::Visibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHeld {
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Active {
    pub active: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagesChanged {
    /// How many stages the pipeline has now.
    #[serde(default)]
    pub stages: Option<u64>,
    /// The pipeline was created with its first stages.
    #[serde(default)]
    pub created: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReasons {
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpPlan {
    /// The pipeline's name.
    #[serde(default)]
    pub title: Option<String>,
    pub steps: u64,
}

/// A sign-in, or a failed one: the browser it came from, named as in the session list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInAttempt {
    pub device: String,
}

/// How a password was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordSet {
    /// With the current password, on the account page.
    Changed,
    /// From a reset link.
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    pub how: PasswordSet,
    /// Other sessions it ended.
    pub sessions_ended: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsEnded {
    pub sessions: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLifetime {
    pub days: i32,
}

/// A download of workspace records: what, and the filters it was taken with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    pub what: String,
    #[serde(default)]
    pub filters: String,
}

/// Declares `Payload`, one variant per event kind with its `(before, after)` types.
/// `()` is "nothing on that side" (stored as NULL).
macro_rules! payloads {
    ($($kind:ident: $before:ty => $after:ty,)*) => {
        /// One event's typed content; its kind follows from the variant.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Payload {
            $($kind($before, $after),)*
        }

        impl Payload {
            pub fn kind(&self) -> EventKind {
                match self {
                    $(Payload::$kind(..) => EventKind::$kind,)*
                }
            }

            /// The `before` and `after` columns.
            pub fn columns(&self) -> (Option<Value>, Option<Value>) {
                match self {
                    $(Payload::$kind(before, after) => (column(before), column(after)),)*
                }
            }

            /// Parses stored columns for `kind`.
            ///
            /// # Errors
            /// A column that does not hold what `kind` records.
            pub fn read(
                kind: EventKind,
                before: Option<Value>,
                after: Option<Value>,
            ) -> Result<Payload, serde_json::Error> {
                Ok(match kind {
                    $(EventKind::$kind => Payload::$kind(parse(before)?, parse(after)?),)*
                })
            }
        }
    };
}

payloads! {
    WorkspaceCreated: () => WorkspaceCreated,
    MemberJoined: () => MemberJoined,
    MemberInvited: () => Invited,
    InviteRevoked: Invited => (),
    MemberRoleChanged: RoleHeld => RoleHeld,
    MemberDeactivated: Active => Active,
    MemberReactivated: Active => Active,
    DemoSeeded: () => DemoSeeded,
    DealCreated: () => DealAfter,
    DealUpdated: Option<DealBefore> => DealAfter,
    DealMoved: Option<DealBefore> => DealAfter,
    DealWon: Option<DealBefore> => DealAfter,
    DealLost: Option<DealBefore> => DealAfter,
    DealReopened: Option<DealBefore> => DealAfter,
    StagesChanged: () => StagesChanged,
    CompanySaved: Option<Record> => Record,
    ContactSaved: Option<Record> => Record,
    LostReasonsChanged: () => LostReasons,
    ActivityScheduled: () => ActivityAfter,
    ActivityCompleted: () => ActivityAfter,
    ActivityUpdated: () => ActivityAfter,
    ActivityDue: () => ActivityDue,
    NoteAdded: () => NoteAdded,
    FollowUpPlanChanged: () => FollowUpPlan,
    LeadCaptured: () => LeadAfter,
    LeadMerged: () => LeadAfter,
    LeadAssigned: () => LeadAfter,
    LeadQualified: () => LeadAfter,
    LeadDisqualified: () => LeadAfter,
    LeadConverted: () => LeadAfter,
    LeadSnoozed: () => LeadAfter,
    LeadSetupChanged: () => Record,
    DealsImported: () => DealsImported,
    ReviewStarted: () => ReviewStarted,
    DealReviewed: () => DealReviewed,
    GoalChanged: Option<Record> => Option<Record>,
    SalesTeamsChanged: Option<Record> => Option<Record>,
    VisibilityChanged: Shown => Shown,
    SignedIn: () => SignInAttempt,
    SignInFailed: () => SignInAttempt,
    PasswordChanged: () => PasswordChanged,
    SignedOutEverywhere: () => SessionsEnded,
    SessionLifetimeChanged: SessionLifetime => SessionLifetime,
    DataExported: () => Exported,
}

/// A side as a column: `()` and `None` are NULL.
fn column<T: Serialize>(side: &T) -> Option<Value> {
    match serde_json::to_value(side) {
        Ok(Value::Null) | Err(_) => None,
        Ok(value) => Some(value),
    }
}

fn parse<T: DeserializeOwned>(column: Option<Value>) -> Result<T, serde_json::Error> {
    serde_json::from_value(column.unwrap_or(Value::Null))
}

impl Payload {
    /// The deal state after a deal event.
    pub fn deal_after(&self) -> Option<&DealAfter> {
        match self {
            Payload::DealCreated(_, after)
            | Payload::DealUpdated(_, after)
            | Payload::DealMoved(_, after)
            | Payload::DealWon(_, after)
            | Payload::DealLost(_, after)
            | Payload::DealReopened(_, after) => Some(after),
            _ => None,
        }
    }

    /// The deal state before a deal event, for undo and "moved from".
    pub fn deal_before(&self) -> Option<&DealBefore> {
        match self {
            Payload::DealUpdated(before, _)
            | Payload::DealMoved(before, _)
            | Payload::DealWon(before, _)
            | Payload::DealLost(before, _)
            | Payload::DealReopened(before, _) => before.as_ref(),
            _ => None,
        }
    }

    /// The lead state after a lead event.
    pub fn lead_after(&self) -> Option<&LeadAfter> {
        match self {
            Payload::LeadCaptured(_, after)
            | Payload::LeadMerged(_, after)
            | Payload::LeadAssigned(_, after)
            | Payload::LeadQualified(_, after)
            | Payload::LeadDisqualified(_, after)
            | Payload::LeadConverted(_, after)
            | Payload::LeadSnoozed(_, after) => Some(after),
            _ => None,
        }
    }

    /// The activity after an activity event.
    pub fn activity_after(&self) -> Option<&ActivityAfter> {
        match self {
            Payload::ActivityScheduled(_, after)
            | Payload::ActivityCompleted(_, after)
            | Payload::ActivityUpdated(_, after) => Some(after),
            _ => None,
        }
    }
}

/// A record as logged whole, from any serialisable form of it.
pub fn record<T: Serialize>(fields: &T) -> Record {
    match serde_json::to_value(fields) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => Record::new(),
    }
}

#[cfg(test)]
mod tests;
