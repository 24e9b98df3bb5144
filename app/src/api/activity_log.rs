//! Settings → Activity log: a page of the workspace's events for admins.

use domain::{audit::AuditPage, AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The log's filters as the page's query string holds them: text, read and checked on
/// the server (`domain::audit::AuditQuery::parse`), so the browser carries no parser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFilters {
    pub person: String,
    pub kind: String,
    pub record: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub before: String,
}

impl LogFilters {
    /// Each filter's name and value, for the server's parser and the page's links.
    pub fn pairs(&self) -> [(&'static str, &str); 7] {
        [
            ("person", &self.person),
            ("kind", &self.kind),
            ("record", &self.record),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &self.before),
        ]
    }
}

/// A page of the activity log, newest first.
#[server(prefix = "/api", endpoint = "activity_log")]
pub async fn get_activity_log(filters: LogFilters) -> Result<AuditPage, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let query = domain::audit::AuditQuery::parse(filters.pairs())?;
        context.crm.activity_log(&viewer, &query).await
    })
    .await
}
