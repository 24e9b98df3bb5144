//! The `pipewright` server: configuration, the axum router and its guards.

pub mod activity_export;
pub mod assets;
pub mod cli;
pub mod edge;
pub mod forms;
pub mod guard;
pub mod import;
pub mod live;
pub mod memory;
pub mod plans;
pub mod report;
pub mod router;
pub mod socket_caps;

pub use router::{router, router_with};
