//! The event log's vocabulary: every committed change is one event.

pub mod origin;
pub mod payload;
mod subject;

pub use origin::Origin;
pub use payload::Payload;
pub use subject::Subject;

use crate::ids::{UserId, WorkspaceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened. Later capabilities add kinds; stored as the stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    WorkspaceCreated,
    MemberJoined,
    MemberInvited,
    InviteRevoked,
    MemberRoleChanged,
    MemberDeactivated,
    MemberReactivated,
    DemoSeeded,
    DealCreated,
    DealUpdated,
    DealMoved,
    DealWon,
    DealLost,
    DealReopened,
    StagesChanged,
    CompanySaved,
    ContactSaved,
    LostReasonsChanged,
    ActivityScheduled,
    ActivityCompleted,
    ActivityUpdated,
    /// An open activity is coming due: the reminder, for its assignee.
    ActivityDue,
    NoteAdded,
    FollowUpPlanChanged,
    LeadCaptured,
    LeadMerged,
    LeadAssigned,
    LeadQualified,
    LeadDisqualified,
    LeadConverted,
    LeadSnoozed,
    /// Forms, assignment rules or inbox settings changed.
    LeadSetupChanged,
    /// Deals loaded from a file by `pipewright import deals`.
    DealsImported,
    /// A manager started a pipeline review (a snapshot of the open deals).
    ReviewStarted,
    /// A deal was marked reviewed, with a comment.
    DealReviewed,
    /// A sales goal (quota) was set, changed or removed.
    GoalChanged,
    /// Sales teams were created, renamed, removed, or a rep moved between them.
    SalesTeamsChanged,
    /// The workspace's record visibility changed (who sees which deals and leads).
    VisibilityChanged,
    /// A member signed in (the address is kept).
    SignedIn,
    /// A wrong password for a member's e-mail (the address is kept).
    SignInFailed,
    /// A member changed their password, or set a new one from a reset link.
    PasswordChanged,
    /// A member ended all their sessions.
    SignedOutEverywhere,
    /// An admin changed how long the workspace's sessions last.
    SessionLifetimeChanged,
    /// Someone downloaded records from the workspace (the activity log as CSV).
    DataExported,
}

impl EventKind {
    const NAMES: [(EventKind, &'static str); 44] = [
        (EventKind::WorkspaceCreated, "workspace.created"),
        (EventKind::MemberJoined, "member.joined"),
        (EventKind::MemberInvited, "member.invited"),
        (EventKind::InviteRevoked, "invite.revoked"),
        (EventKind::MemberRoleChanged, "member.role_changed"),
        (EventKind::MemberDeactivated, "member.deactivated"),
        (EventKind::MemberReactivated, "member.reactivated"),
        (EventKind::DemoSeeded, "workspace.demo_seeded"),
        (EventKind::DealCreated, "deal.created"),
        (EventKind::DealUpdated, "deal.updated"),
        (EventKind::DealMoved, "deal.moved"),
        (EventKind::DealWon, "deal.won"),
        (EventKind::DealLost, "deal.lost"),
        (EventKind::DealReopened, "deal.reopened"),
        (EventKind::StagesChanged, "pipeline.stages_changed"),
        (EventKind::CompanySaved, "company.saved"),
        (EventKind::ContactSaved, "contact.saved"),
        (
            EventKind::LostReasonsChanged,
            "workspace.lost_reasons_changed",
        ),
        (EventKind::ActivityScheduled, "activity.scheduled"),
        (EventKind::ActivityCompleted, "activity.completed"),
        (EventKind::ActivityUpdated, "activity.updated"),
        (EventKind::ActivityDue, "activity.due"),
        (EventKind::NoteAdded, "note.added"),
        (EventKind::FollowUpPlanChanged, "pipeline.followup_changed"),
        (EventKind::LeadCaptured, "lead.captured"),
        (EventKind::LeadMerged, "lead.merged"),
        (EventKind::LeadAssigned, "lead.assigned"),
        (EventKind::LeadQualified, "lead.qualified"),
        (EventKind::LeadDisqualified, "lead.disqualified"),
        (EventKind::LeadConverted, "lead.converted"),
        (EventKind::LeadSnoozed, "lead.snoozed"),
        (EventKind::LeadSetupChanged, "workspace.lead_setup_changed"),
        (EventKind::DealsImported, "deals.imported"),
        (EventKind::ReviewStarted, "pipeline.review_started"),
        (EventKind::DealReviewed, "deal.reviewed"),
        (EventKind::GoalChanged, "workspace.goals_changed"),
        (EventKind::SalesTeamsChanged, "workspace.teams_changed"),
        (EventKind::VisibilityChanged, "workspace.visibility_changed"),
        (EventKind::SignedIn, "member.signed_in"),
        (EventKind::SignInFailed, "member.sign_in_failed"),
        (EventKind::PasswordChanged, "member.password_changed"),
        (
            EventKind::SignedOutEverywhere,
            "member.signed_out_everywhere",
        ),
        (
            EventKind::SessionLifetimeChanged,
            "workspace.session_lifetime_changed",
        ),
        (EventKind::DataExported, "workspace.exported"),
    ];

    /// Every kind, in the order the activity log's filter lists them.
    pub fn all() -> impl Iterator<Item = EventKind> {
        Self::NAMES.iter().map(|(kind, _)| *kind)
    }

    /// Kinds only the activity log shows: the live feed does not send them, so a
    /// colleague's sign-in never wakes anyone's board.
    pub fn only_audited(self) -> bool {
        matches!(
            self,
            EventKind::SignedIn
                | EventKind::SignInFailed
                | EventKind::PasswordChanged
                | EventKind::SignedOutEverywhere
                | EventKind::SessionLifetimeChanged
                | EventKind::DataExported
        )
    }

    /// Kinds whose client address the log keeps: who got in, and who changed who may
    /// get in. Other events keep none (a rep's moves are not a location trail).
    pub fn keeps_address(self) -> bool {
        self.only_audited()
            || matches!(
                self,
                EventKind::WorkspaceCreated
                    | EventKind::MemberJoined
                    | EventKind::MemberInvited
                    | EventKind::InviteRevoked
                    | EventKind::MemberRoleChanged
                    | EventKind::MemberDeactivated
                    | EventKind::MemberReactivated
                    | EventKind::VisibilityChanged
            )
    }

    /// The stable dotted name stored in the log.
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("unknown", |(_, name)| name)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<EventKind> {
        Self::NAMES
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(kind, _)| *kind)
    }
}

crate::stored::stored_as_key!(EventKind, "event kind", |k| k.as_str(), EventKind::parse);

/// One entry of the event log: who did what to which record, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Monotonic per database; clients resume from the last id they saw.
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub actor: Option<UserId>,
    pub subject: Subject,
    pub payload: Payload,
    pub at: DateTime<Utc>,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.payload.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_unique_stable_name() {
        let mut names: Vec<_> = EventKind::NAMES.iter().map(|(_, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventKind::NAMES.len());
        for (kind, name) in EventKind::NAMES {
            assert_eq!(EventKind::parse(name), Some(kind));
            assert_eq!(kind.as_str(), name);
        }
    }
}
