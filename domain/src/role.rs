//! Roles decide what a member of a workspace may do.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the workspace: members, settings, everything a manager can do.
    Admin,
    /// Leads a team: pipeline settings, forecasts, reviews.
    Manager,
    /// Works deals and leads.
    Rep,
    /// Captures and qualifies leads, reads the marketing figures.
    Marketer,
}

impl Role {
    /// Every role, in the order the invite form offers them.
    pub const ALL: [Role; 4] = [Role::Rep, Role::Manager, Role::Marketer, Role::Admin];

    /// The stable lowercase name used in storage, forms and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Marketer => "marketer",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Rep => "Sales rep",
            Role::Marketer => "Marketer",
        }
    }

    /// The role's people, for sentences such as "Marketers can't close deals."
    pub fn plural_label(self) -> &'static str {
        match self {
            Role::Admin => "Admins",
            Role::Manager => "Managers",
            Role::Rep => "Sales reps",
            Role::Marketer => "Marketers",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(value.trim()))
    }

    /// True when this role may do `action` to some records: asks the one table in
    /// `permission`, for the browser's controls and the service's checks alike.
    pub fn may(self, action: crate::permission::Action) -> bool {
        crate::permission::may(self, action)
    }
}

crate::stored::stored_as_key!(Role, "role", |r| r.as_str(), Role::parse);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_stable_name_and_nothing_else() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("owner"), None);
    }
}
