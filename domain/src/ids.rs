//! Public identifiers. Every record crosses the wire by UUID, never by serial id.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! public_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

public_id!(
    /// A tenant: one company's sales team and everything it owns.
    WorkspaceId
);
public_id!(
    /// A person who signs in to a workspace.
    UserId
);
public_id!(
    /// A pending invitation to join a workspace.
    InviteId
);
public_id!(
    /// A sales pipeline: an ordered set of stages.
    PipelineId
);
public_id!(
    /// One step of a pipeline's buying process.
    StageId
);
public_id!(
    /// A sales opportunity.
    DealId
);
public_id!(
    /// An organisation a workspace sells to.
    CompanyId
);
public_id!(
    /// A person at a company.
    ContactId
);
