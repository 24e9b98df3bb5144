//! The activity log: every event of a workspace, filtered for an admin, and its lines.
//!
//! The filters arrive as a page's query string (`?person=…&action=deal.moved&from=…`);
//! the page, its "Older" link and the CSV download all read and write them through
//! [`AuditQuery`], so the three never disagree.

use crate::{
    event::{EventKind, Origin, Subject},
    limits::check_day,
    timeline::FieldChange,
    AppError, FieldErrors,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Lines per page.
pub const AUDIT_PAGE: u64 = 50;
/// Events one page looks at, at most: a filter that matches rarely stops here and offers
/// to search further back, so no request's work grows with the size of the log.
pub const AUDIT_SCAN: u64 = 5_000;
/// Lines one CSV download holds at most; a longer one ends with a line saying so.
pub const AUDIT_EXPORT_MAX: u64 = 50_000;
/// Events one CSV download looks at, at most.
pub const AUDIT_EXPORT_SCAN: u64 = 500_000;
/// Longest value of any filter in the query string.
const PARAM_MAX: usize = 64;

/// What kind of record an event is about, as the filter offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordKind {
    Workspace,
    Member,
    Invite,
    Pipeline,
    Deal,
    Lead,
    Company,
    Contact,
    Activity,
    Note,
    Goal,
    Team,
}

impl RecordKind {
    /// Each kind, its prefix in the stored subject, and its name in the filter.
    pub const ALL: [(RecordKind, &'static str, &'static str); 12] = [
        (RecordKind::Deal, "deal", "Deals"),
        (RecordKind::Lead, "lead", "Leads"),
        (RecordKind::Company, "company", "Companies"),
        (RecordKind::Contact, "contact", "Contacts"),
        (RecordKind::Activity, "activity", "Activities"),
        (RecordKind::Note, "note", "Notes"),
        (RecordKind::Member, "user", "Members"),
        (RecordKind::Invite, "invite", "Invitations"),
        (RecordKind::Pipeline, "pipeline", "Pipelines"),
        (RecordKind::Goal, "goal", "Goals"),
        (RecordKind::Team, "team", "Sales teams"),
        (RecordKind::Workspace, "workspace", "Workspace settings"),
    ];

    /// The subject prefix (`deal`, `user`, …).
    pub fn prefix(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, ..)| *kind == self)
            .map_or("workspace", |(_, prefix, _)| prefix)
    }

    pub fn label(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, ..)| *kind == self)
            .map_or("Records", |(.., label)| label)
    }

    pub fn parse(prefix: &str) -> Option<RecordKind> {
        Self::ALL
            .iter()
            .find(|(_, known, _)| *known == prefix)
            .map(|(kind, ..)| *kind)
    }

    pub fn of(subject: Subject) -> RecordKind {
        RecordKind::parse(subject.kind()).unwrap_or(RecordKind::Workspace)
    }
}

/// The log's filters, and where the page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Who did it.
    pub person: Option<Uuid>,
    pub kind: Option<RecordKind>,
    /// One record (`deal:<uuid>`), from a record's "Activity log" link.
    pub record: Option<Subject>,
    pub action: Option<EventKind>,
    /// First and last day, inclusive, in UTC.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only events older than this id: the "Older" link's cursor.
    pub before: Option<i64>,
}

impl AuditQuery {
    /// Reads the query string's pairs. Empty values mean "any".
    ///
    /// # Errors
    /// `Validation` naming the filter that does not read, or a range that ends before
    /// it starts.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut query = AuditQuery::default();
        let mut errors = FieldErrors::default();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if value.len() > PARAM_MAX {
                errors.add(name, "That filter is too long.");
                continue;
            }
            let read = match name {
                "person" => Uuid::parse_str(value)
                    .map(|id| query.person = Some(id))
                    .is_ok(),
                "kind" => RecordKind::parse(value)
                    .map(|k| query.kind = Some(k))
                    .is_some(),
                "record" => Subject::parse(value)
                    .map(|s| query.record = Some(s))
                    .is_some(),
                "action" => EventKind::parse(value)
                    .map(|a| query.action = Some(a))
                    .is_some(),
                "from" => day(value).map(|d| query.from = Some(d)).is_some(),
                "to" => day(value).map(|d| query.to = Some(d)).is_some(),
                "before" => value
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .map(|id| query.before = Some(id))
                    .is_some(),
                // Other parameters (a tracking tag on a shared link) are not ours.
                _ => true,
            };
            if !read {
                errors.add(name, format!("“{value}” is not a {name} this log knows."));
            }
        }
        errors.into_result()?;
        query.validate()?;
        Ok(query)
    }

    /// The range's bounds must be real days, in order.
    ///
    /// # Errors
    /// `Validation` on `from` or `to`.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        for (field, day) in [("from", self.from), ("to", self.to)] {
            if let Some(day) = day {
                check_day(&mut errors, field, day);
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                errors.add("to", "The last day comes before the first.");
            }
        }
        Ok(errors.into_result()?)
    }

    /// The query string for these filters (without `?`), for links and the download.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push(format!("{name}={value}"));
            }
        };
        add("person", self.person.map(|p| p.to_string()));
        add("kind", self.kind.map(|k| k.prefix().to_owned()));
        add("record", self.record.map(|r| r.to_string()));
        add("action", self.action.map(|a| a.as_str().to_owned()));
        add("from", self.from.map(|d| d.to_string()));
        add("to", self.to.map(|d| d.to_string()));
        add("before", self.before.map(|b| b.to_string()));
        pairs.join("&")
    }

    /// The same filters from the newest event on (the download and "Newest" ignore the
    /// page the person was on).
    pub fn from_the_top(&self) -> AuditQuery {
        AuditQuery {
            before: None,
            ..self.clone()
        }
    }

    /// The filters in words, as the export event records them.
    pub fn describe(&self) -> String {
        let filters = self.from_the_top().to_query();
        if filters.is_empty() {
            "everything".to_owned()
        } else {
            filters
        }
    }
}

fn day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it; `None` for a visitor, the server, or a failed sign-in.
    pub person: Option<String>,
    pub action: EventKind,
    pub record: AuditRecord,
    /// Each field as it was and became.
    pub changes: Vec<FieldChange>,
    /// `None` for events written before origins were kept.
    pub origin: Option<Origin>,
    /// For sign-ins and changes to who may get in.
    pub address: Option<String>,
}

/// The record a line is about, named as it was then (so it reads after a deletion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub subject: Subject,
    pub name: String,
    /// Its page, while it has one.
    pub href: Option<String>,
}

/// A page of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    /// The cursor for older lines, when there may be some.
    pub older: Option<i64>,
    /// When the page stopped at [`AUDIT_SCAN`] events before filling up: the time of
    /// the oldest event looked at.
    pub searched_back_to: Option<DateTime<Utc>>,
    /// The workspace's members, for the "person" filter.
    pub people: Vec<(Uuid, String)>,
}

/// How the log names an action.
pub fn action_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::WorkspaceCreated => "Workspace created",
        EventKind::MemberJoined => "Member joined",
        EventKind::MemberInvited => "Member invited",
        EventKind::InviteRevoked => "Invitation revoked",
        EventKind::MemberRoleChanged => "Role changed",
        EventKind::MemberDeactivated => "Member deactivated",
        EventKind::MemberReactivated => "Member reactivated",
        EventKind::DemoSeeded => "Demo data loaded",
        EventKind::DealCreated => "Deal added",
        EventKind::DealUpdated => "Deal changed",
        EventKind::DealMoved => "Deal moved",
        EventKind::DealWon => "Deal won",
        EventKind::DealLost => "Deal lost",
        EventKind::DealReopened => "Deal reopened",
        EventKind::StagesChanged => "Stages changed",
        EventKind::CompanySaved => "Company saved",
        EventKind::ContactSaved => "Contact saved",
        EventKind::LostReasonsChanged => "Lost reasons changed",
        EventKind::ActivityScheduled => "Activity planned",
        EventKind::ActivityCompleted => "Activity done",
        EventKind::ActivityUpdated => "Activity changed",
        EventKind::ActivityDue => "Activity reminder",
        EventKind::NoteAdded => "Note added",
        EventKind::FollowUpPlanChanged => "Follow-up plan changed",
        EventKind::LeadCaptured => "Lead captured",
        EventKind::LeadMerged => "Lead merged",
        EventKind::LeadAssigned => "Lead assigned",
        EventKind::LeadQualified => "Lead qualified",
        EventKind::LeadDisqualified => "Lead disqualified",
        EventKind::LeadConverted => "Lead converted",
        EventKind::LeadSnoozed => "Lead snoozed",
        EventKind::LeadSetupChanged => "Lead capture settings changed",
        EventKind::DealsImported => "Deals imported",
        EventKind::ReviewStarted => "Review started",
        EventKind::DealReviewed => "Deal reviewed",
        EventKind::GoalChanged => "Goal changed",
        EventKind::SalesTeamsChanged => "Sales teams changed",
        EventKind::VisibilityChanged => "Record visibility changed",
        EventKind::SignedIn => "Signed in",
        EventKind::SignInFailed => "Failed sign-in",
        EventKind::PasswordChanged => "Password changed",
        EventKind::SignedOutEverywhere => "Signed out everywhere",
        EventKind::SessionLifetimeChanged => "Session lifetime changed",
        EventKind::DataExported => "Data exported",
    }
}

/// The CSV header, and one line as its cells (quoted by `metrics::to_csv`).
pub const CSV_HEADER: [&str; 10] = [
    "id",
    "at (UTC)",
    "person",
    "action",
    "record kind",
    "record",
    "record id",
    "change",
    "origin",
    "address",
];

impl AuditLine {
    pub fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            self.person.clone().unwrap_or_default(),
            action_label(self.action).to_owned(),
            RecordKind::of(self.record.subject).label().to_owned(),
            self.record.name.clone(),
            self.record.subject.id().to_string(),
            self.change_text(),
            self.origin
                .map(Origin::label)
                .unwrap_or_default()
                .to_owned(),
            self.address.clone().unwrap_or_default(),
        ]
    }

    /// "Stage: Proposal → Negotiation; Device: Chrome on Linux" (a field that had no
    /// value before shows only what it became).
    pub fn change_text(&self) -> String {
        self.changes
            .iter()
            .map(|c| match c.had_value() {
                true => format!("{}: {} → {}", c.label, c.before, c.after),
                false => format!("{}: {}", c.label, c.after),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_back_what_they_write() {
        let query = AuditQuery {
            person: Some(Uuid::from_u128(7)),
            kind: Some(RecordKind::Deal),
            record: Some(Subject::Deal(Uuid::from_u128(9))),
            action: Some(EventKind::DealMoved),
            from: NaiveDate::from_ymd_opt(2026, 12, 1),
            to: NaiveDate::from_ymd_opt(2026, 12, 6),
            before: Some(42),
        };
        let text = query.to_query();
        let pairs = text.split('&').filter_map(|pair| pair.split_once('='));
        assert_eq!(AuditQuery::parse(pairs).unwrap(), query);
        assert!(!query.from_the_top().to_query().contains("before"));
    }

    #[test]
    fn bad_filters_are_refused_in_words() {
        for pairs in [
            vec![("person", "alex")],
            vec![("action", "deal.exploded")],
            vec![("from", "2026-13-01")],
            vec![("from", "2026-12-06"), ("to", "2026-12-01")],
            vec![("before", "-3")],
            vec![("to", "1900-01-01")],
        ] {
            let error = AuditQuery::parse(pairs.clone()).unwrap_err();
            assert_eq!(error.status_code(), 422, "{pairs:?}");
        }
        let long = "x".repeat(PARAM_MAX + 1);
        assert!(AuditQuery::parse([("record", long.as_str())]).is_err());
        assert_eq!(
            AuditQuery::parse([("utm", "x"), ("kind", "")]).unwrap(),
            AuditQuery::default()
        );
    }
}
