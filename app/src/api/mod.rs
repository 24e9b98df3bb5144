//! Server functions: thin endpoints that resolve the session, then call one service
//! operation. Endpoints are stable (`/api/<name>`) so tests and scripts can call them.

pub mod account;
pub mod activities;
pub mod activity_log;
pub mod companies;
pub mod deals;
pub mod goals;
pub mod json;
pub mod lead_setup;
pub mod leads;
pub mod metrics;
pub mod session;
pub mod team;
pub mod timeline;
