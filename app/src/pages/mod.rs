//! One module per page or group of pages.

pub mod auth;
pub mod companies;
pub mod contacts;
pub mod deal_list;
pub mod not_found;
pub mod pipeline;
pub mod pipeline_settings;
pub mod placeholders;
pub mod records;
pub mod settings;
pub mod shell;
