//! One module per page or group of pages.

pub mod account;
pub mod activities;
pub mod activity_log;
pub mod auth;
pub mod board;
pub mod companies;
pub mod contacts;
pub mod dashboard;
pub mod deal;
pub mod deal_list;
pub mod inbox;
pub mod lead_settings;
pub mod not_found;
pub mod password_reset;
pub mod pipeline_settings;
pub mod records;
pub mod settings;
pub mod shell;
pub mod teams;
