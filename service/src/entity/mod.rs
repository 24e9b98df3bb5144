//! SeaORM entities. They never leave the service crate: callers get `domain` structs.

pub mod activity;
pub mod company;
pub mod contact;
pub mod deal;
pub mod deal_contact;
pub mod event;
pub mod followup_step;
pub mod invite;
pub mod lead;
pub mod lead_form;
pub mod lead_rotation;
pub mod lead_rule;
pub mod lead_settings;
pub mod lead_submission;
pub mod lost_reason;
pub mod note;
pub mod pipeline;
pub mod pipeline_review;
pub mod review_item;
pub mod review_mark;
pub mod session;
pub mod sign_in_failure;
pub mod stage;
pub mod stage_change;
pub mod user;
pub mod workspace;
