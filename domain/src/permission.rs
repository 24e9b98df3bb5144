//! Who may do what: the one table of role × action × whose record. Every service
//! command asks [`permit`]; the browser asks [`may`] to hide or disable what a person
//! may not do. A new [`Action`] without a row here does not compile: [`reach`] matches
//! every pair without a wildcard.

use crate::{error::AppError, role::Role};
use serde::{Deserialize, Serialize};

/// Something a member does to the workspace's records or settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Add a deal (it becomes the creator's).
    CreateDeal,
    /// Change a deal's fields, contacts, checklist or owner.
    EditDeal,
    /// Move a deal to another stage.
    MoveDeal,
    /// Mark a deal won or lost, or reopen it.
    CloseDeal,
    /// Load deals from a CSV file.
    ImportDeals,
    /// Add a lead by hand.
    AddLead,
    /// Assign, qualify, disqualify or snooze a lead.
    WorkLead,
    /// Turn a qualified lead into a deal.
    ConvertLead,
    /// Add or edit companies and contacts.
    EditRecords,
    /// Schedule or log an activity, or complete, reschedule or hand over one.
    WorkActivity,
    /// Comment on a record.
    AddNote,
    /// Pipelines, stages, lost reasons and the post-sale follow-up plan.
    EditPipelines,
    /// Web forms and their campaigns.
    EditLeadForms,
    /// Lead routing rules and the inbox's settings.
    EditLeadRouting,
    /// Sales goals.
    SetGoals,
    /// Sales teams and who is in them.
    OrganiseTeams,
    /// Start a pipeline review and mark deals reviewed.
    RunReviews,
    /// Invite, deactivate and re-role members, hand out their reset links, and set how
    /// long the workspace's sessions last.
    ManageMembers,
    /// Read and export the workspace's activity log (who did what, from where).
    ReadActivityLog,
}

impl Action {
    /// Every action, for the generated permission tests and the settings overview.
    pub const ALL: [Action; 19] = [
        Action::CreateDeal,
        Action::EditDeal,
        Action::MoveDeal,
        Action::CloseDeal,
        Action::ImportDeals,
        Action::AddLead,
        Action::WorkLead,
        Action::ConvertLead,
        Action::EditRecords,
        Action::WorkActivity,
        Action::AddNote,
        Action::EditPipelines,
        Action::EditLeadForms,
        Action::EditLeadRouting,
        Action::SetGoals,
        Action::OrganiseTeams,
        Action::RunReviews,
        Action::ManageMembers,
        Action::ReadActivityLog,
    ];

    /// True when the action changes an existing, owned record, so whose it is decides;
    /// the others act on the workspace (a setting, or a new record).
    pub fn on_owned_record(self) -> bool {
        matches!(
            self,
            Action::EditDeal
                | Action::MoveDeal
                | Action::CloseDeal
                | Action::WorkLead
                | Action::ConvertLead
                | Action::WorkActivity
        )
    }

    /// The verb and the records it acts on, for refusals: "can't" + verb + records.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Action::CreateDeal => ("add", "deals"),
            Action::EditDeal => ("change", "deals"),
            Action::MoveDeal => ("move", "deals"),
            Action::CloseDeal => ("close", "deals"),
            Action::ImportDeals => ("import", "deals"),
            Action::AddLead => ("add", "leads"),
            Action::WorkLead => ("work", "leads"),
            Action::ConvertLead => ("convert", "leads"),
            Action::EditRecords => ("change", "companies and contacts"),
            Action::WorkActivity => ("plan or complete", "activities"),
            Action::AddNote => ("add", "notes"),
            Action::EditPipelines => ("change", "pipelines"),
            Action::EditLeadForms => ("change", "web forms"),
            Action::EditLeadRouting => ("change", "lead routing"),
            Action::SetGoals => ("set", "goals"),
            Action::OrganiseTeams => ("organise", "sales teams"),
            Action::RunReviews => ("run", "pipeline reviews"),
            Action::ManageMembers => ("manage", "users"),
            Action::ReadActivityLog => ("read", "the activity log"),
        }
    }
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reach {
    /// Not at all.
    Nothing,
    /// Records the member owns, or that nobody owns yet (the shared lead inbox).
    Own,
    /// Also records owned by anyone in one of the member's sales teams.
    Team,
    /// Every record of the workspace.
    Anyone,
}

/// Whose record it is, seen from the member acting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Whose {
    /// The member owns it (or is handed it).
    Mine,
    /// Nobody owns it yet.
    Nobodys,
    /// A colleague in one of the member's sales teams owns it.
    Teammates,
    /// Someone else owns it.
    Others,
    /// Not a record: a setting, or a new record the member will own.
    Workspace,
}

impl Whose {
    /// Whose a record owned by `owner` is for `viewer`, without team membership: what
    /// the browser can tell on its own (no default role's reach depends on teams).
    pub fn of(viewer: crate::UserId, owner: Option<crate::UserId>) -> Whose {
        match owner {
            None => Whose::Nobodys,
            Some(owner) if owner == viewer => Whose::Mine,
            Some(_) => Whose::Others,
        }
    }
}

/// The table. Admins do everything; managers everything but users; reps their own
/// deals, leads and activities and may read the rest; marketers leads, forms and
/// records, and read deals only.
pub fn reach(role: Role, action: Action) -> Reach {
    use Action::*;
    use Reach::*;
    match (role, action) {
        (Role::Admin, _) => Anyone,
        // The log names addresses and every member's sign-ins: admins only.
        (Role::Manager, ManageMembers | ReadActivityLog) => Nothing,
        (Role::Manager, _) => Anyone,
        (Role::Rep, CreateDeal | EditDeal | MoveDeal | CloseDeal) => Own,
        (Role::Rep, AddLead | WorkLead | ConvertLead | WorkActivity) => Own,
        (Role::Rep, EditRecords | AddNote) => Anyone,
        (
            Role::Rep,
            ImportDeals | EditPipelines | EditLeadForms | EditLeadRouting | SetGoals
            | OrganiseTeams | RunReviews | ManageMembers | ReadActivityLog,
        ) => Nothing,
        (Role::Marketer, AddLead | WorkLead | EditLeadForms | EditRecords | AddNote) => Anyone,
        (Role::Marketer, WorkActivity) => Own,
        (
            Role::Marketer,
            CreateDeal | EditDeal | MoveDeal | CloseDeal | ImportDeals | ConvertLead
            | EditPipelines | EditLeadRouting | SetGoals | OrganiseTeams | RunReviews
            | ManageMembers | ReadActivityLog,
        ) => Nothing,
    }
}

/// True when `role` may do `action` to at least some records: what the browser asks
/// before it shows a control.
pub fn may(role: Role, action: Action) -> bool {
    reach(role, action) != Reach::Nothing
}

/// True when `role` may do `action` to a record that is `whose`.
pub fn allows(role: Role, action: Action, whose: Whose) -> bool {
    let needed = match whose {
        Whose::Mine | Whose::Nobodys | Whose::Workspace => Reach::Own,
        Whose::Teammates => Reach::Team,
        Whose::Others => Reach::Anyone,
    };
    reach(role, action) >= needed
}

/// `Ok` when allowed, else a 403 that says in words why ("Marketers can't close deals.").
///
/// # Errors
/// `Forbidden` with the reason.
pub fn permit(role: Role, action: Action, whose: Whose) -> Result<(), AppError> {
    if allows(role, action, whose) {
        return Ok(());
    }
    let people = role.plural_label();
    let (verb, records) = action.words();
    Err(AppError::Forbidden(match reach(role, action) {
        Reach::Nothing => format!("{people} can't {verb} {records}."),
        Reach::Own => {
            format!("{people} can {verb} only their own {records}; ask the owner or a manager.")
        }
        Reach::Team | Reach::Anyone => {
            format!("{people} can {verb} only their sales team's {records}.")
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_do_everything_and_only_admins_manage_users() {
        for action in Action::ALL {
            assert!(allows(Role::Admin, action, Whose::Others), "{action:?}");
        }
        for role in [Role::Manager, Role::Rep, Role::Marketer] {
            assert!(!may(role, Action::ManageMembers));
        }
    }

    #[test]
    fn marketers_read_deals_only_and_say_so() {
        for action in [Action::MoveDeal, Action::CloseDeal, Action::EditDeal] {
            assert!(!may(Role::Marketer, action));
        }
        assert_eq!(
            permit(Role::Marketer, Action::CloseDeal, Whose::Mine),
            Err(AppError::Forbidden("Marketers can't close deals.".into()))
        );
        assert!(may(Role::Marketer, Action::EditLeadForms));
        assert!(!may(Role::Marketer, Action::EditLeadRouting));
    }

    #[test]
    fn reps_change_their_own_deals_and_take_unassigned_leads() {
        assert!(allows(Role::Rep, Action::MoveDeal, Whose::Mine));
        assert!(!allows(Role::Rep, Action::MoveDeal, Whose::Others));
        assert!(!allows(Role::Rep, Action::MoveDeal, Whose::Teammates));
        assert!(allows(Role::Rep, Action::WorkLead, Whose::Nobodys));
        assert!(allows(Role::Rep, Action::CreateDeal, Whose::Workspace));
        let refusal = permit(Role::Rep, Action::CloseDeal, Whose::Others).unwrap_err();
        assert_eq!(
            refusal.message(),
            "Sales reps can close only their own deals; ask the owner or a manager."
        );
        assert_eq!(refusal.status_code(), 403);
    }

    #[test]
    fn managers_do_everything_but_users_and_the_log() {
        for action in Action::ALL {
            assert_eq!(
                allows(Role::Manager, action, Whose::Others),
                !matches!(action, Action::ManageMembers | Action::ReadActivityLog)
            );
        }
    }
}
