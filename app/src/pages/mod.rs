//! One module per page or group of pages.

pub mod auth;
pub mod not_found;
pub mod pipeline;
pub mod placeholders;
pub mod settings;
pub mod shell;
