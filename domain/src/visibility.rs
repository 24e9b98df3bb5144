//! Record visibility: who sees which deals and leads. A workspace setting; by default
//! everyone sees everything, or reps see only their own records and their sales teams'.
//! Records nobody owns stay visible to all (the shared lead inbox is how leads get an
//! owner). Every read asks [`Sees::owner`]: the board and its totals, lists, pages,
//! dashboards, reports, exports and the live feed.

use crate::{role::Role, UserId};
use serde::{Deserialize, Serialize};

/// The workspace's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone sees every record (the default).
    #[default]
    Everyone,
    /// Reps see their own records and their sales teams'; other roles see everything.
    OwnAndTeam,
}

impl Visibility {
    pub const ALL: [Visibility; 2] = [Visibility::Everyone, Visibility::OwnAndTeam];

    /// The stable key used in storage and forms.
    pub fn key(self) -> &'static str {
        match self {
            Visibility::Everyone => "everyone",
            Visibility::OwnAndTeam => "own_and_team",
        }
    }

    pub fn parse(key: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.key() == key)
    }

    /// The choice as offered in Settings → Users.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Everyone => "Everyone sees every deal and lead",
            Visibility::OwnAndTeam => "Sales reps see their own and their sales team's",
        }
    }

    /// True when `role`'s view is narrowed under this setting.
    pub fn narrows(self, role: Role) -> bool {
        self == Visibility::OwnAndTeam && role == Role::Rep
    }
}

crate::stored::stored_as_key!(
    Visibility,
    "record visibility",
    |v| v.key(),
    Visibility::parse
);

/// Which owners' records a signed-in person sees, worked out once per request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sees {
    /// Every record of the workspace.
    #[default]
    Everything,
    /// Records owned by these people (the viewer and their teammates), and records
    /// nobody owns.
    Owners(Vec<UserId>),
}

impl Sees {
    /// True when a record owned by `owner` (`None`: nobody) is visible.
    pub fn owner(&self, owner: Option<UserId>) -> bool {
        match (self, owner) {
            (Sees::Everything, _) | (Sees::Owners(_), None) => true,
            (Sees::Owners(owners), Some(owner)) => owners.contains(&owner),
        }
    }

    /// The owners seen, or `None` for everyone.
    pub fn owners(&self) -> Option<&[UserId]> {
        match self {
            Sees::Everything => None,
            Sees::Owners(owners) => Some(owners),
        }
    }

    /// Narrows a dashboard's owner filter (`None`: everyone) to the owners seen.
    pub fn narrow(&self, chosen: Option<Vec<uuid::Uuid>>) -> Option<Vec<uuid::Uuid>> {
        let Some(seen) = self.owners() else {
            return chosen;
        };
        let seen = seen.iter().map(|u| u.0);
        Some(match chosen {
            None => seen.collect(),
            Some(chosen) => chosen
                .into_iter()
                .filter(|c| seen.clone().any(|s| s == *c))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_reps_are_narrowed_and_only_when_the_workspace_says_so() {
        for role in Role::ALL {
            assert!(!Visibility::Everyone.narrows(role));
            assert_eq!(Visibility::OwnAndTeam.narrows(role), role == Role::Rep);
        }
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.key()), Some(v));
        }
    }

    #[test]
    fn a_narrowed_rep_sees_the_owners_listed_and_records_nobody_owns() {
        let (me, mate, other) = (
            UserId(Uuid::from_u128(1)),
            UserId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
        );
        let sees = Sees::Owners(vec![me, mate]);
        assert!(sees.owner(Some(me)) && sees.owner(Some(mate)) && sees.owner(None));
        assert!(!sees.owner(Some(other)));
        assert!(Sees::Everything.owner(Some(other)));
        assert_eq!(sees.narrow(None), Some(vec![me.0, mate.0]));
        assert_eq!(sees.narrow(Some(vec![other.0, mate.0])), Some(vec![mate.0]));
        assert_eq!(
            Sees::Everything.narrow(Some(vec![other.0])),
            Some(vec![other.0])
        );
    }
}
