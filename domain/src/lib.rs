//! Pipewright's business rules. Pure Rust, no IO: compiles to the browser and the server,
//! so the same validation runs on both sides of every form.

pub mod account;
pub mod activity;
pub mod audit;
pub mod board;
pub mod company;
pub mod deal;
pub mod error;
pub mod event;
pub mod followup;
pub mod goal;
pub mod ids;
pub mod import;
pub mod lead;
pub mod lead_form;
pub mod lead_rules;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod money;
pub mod note;
pub mod permission;
pub mod pipeline;
pub mod review;
pub mod role;
pub mod session;
pub mod stored;
pub mod timeline;
pub mod validation;
pub mod visibility;
pub mod wire;

pub use error::AppError;
pub use ids::{UserId, WorkspaceId};
pub use role::Role;
pub use validation::{FieldError, FieldErrors};
