//! The `pipewright` server: configuration, the axum router and its guards.

pub mod cli;
pub mod forms;
pub mod guard;
pub mod live;
pub mod router;

pub use router::{router, router_with};
