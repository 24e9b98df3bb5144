//! Pipewright's server-side services. Every write is one typed command that runs in one
//! transaction: permission check, domain validation, row changes, and an event-log entry.

mod accounts;
mod activities;
pub use activities::ActivityChange;
mod companies;
mod db;
mod deals;
pub use deals::LIST_PAGE;
pub mod demo;
mod entity;
mod event_log;
mod event_source;
pub use event_source::EventSource;
mod audit;
pub use audit::AuditExport;
mod followups;
mod fresh;
mod goals;
mod housekeeping;
pub use goals::GoalQuery;
pub use housekeeping::{start_housekeeping, Purged};
mod imports;
pub use imports::{ImportOptions, ImportReport, ImportRow};
mod live;
pub use live::{wire, About, Delivery, LiveHub, Subscription, Wire, PRESENCE_EVERY, SOCKET_BUFFER};
mod leads;
pub use leads::{CaptureBy, FormPost, INBOX_PAGE};
mod mail;
pub use mail::{deliver, Mail, Mailer};
mod members;
mod metrics;
pub use members::Team;
pub use metrics::{DashboardQuery, MetricFacts};
mod migration;
mod my_sessions;
mod notes;
pub use notes::render_markdown;
mod overview;
mod passwords;
mod permissions;
mod pipelines;
mod raw;
mod reminders;
mod reviews;
pub use reminders::{start_reminders, REMIND_AHEAD_MINUTES};
mod secrets;
mod sessions;
mod throttle;
mod timeline;
mod visibility;
mod write;
pub use write::WriteCounts;

pub use accounts::SignInOrigin;
pub use db::{
    backup_sqlite, connect, connect_with, is_postgres, migrate, Crm, CrmSettings, SqliteMemory,
    FORM_POSTS_PER_FORM_PER_MINUTE, SLOW_STATEMENT_MS, SQLITE_CACHE_MIB, SQLITE_HEAP_MIB,
    SQLITE_MAP_MIB,
};
pub use event_log::EventBus;
pub use migration::Migrator;
pub use secrets::SessionToken;
pub use throttle::{
    network_of, NetworkLimiter, ACCOUNTS_PER_NETWORK_PER_HOUR, FREE_FAILURES,
    MAX_FAILURES_PER_NETWORK, REMEMBERED_NETWORKS,
};
