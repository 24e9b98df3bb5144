//! Where the change being written comes from, for the activity log.
//!
//! The door a request came in through knows (the server's edge reads the address and the
//! browser; the web-form endpoint, the importer and the CLI know who they are); the write
//! helper, deep below, records it. A task-local carries it between the two, so no
//! service command has to pass it along, and a new door sets it once at the edge.

use domain::event::Origin;
use std::future::Future;

/// Longest address kept (an IPv6 address is at most 45 characters).
const ADDRESS_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSource {
    pub origin: Origin,
    /// The client's address (after trusted proxies), when known.
    pub address: Option<String>,
}

tokio::task_local! {
    static SOURCE: EventSource;
}

impl EventSource {
    pub fn new(origin: Origin) -> EventSource {
        EventSource {
            origin,
            address: None,
        }
    }

    /// A request from a browser: a phone or not, told by its User-Agent.
    pub fn browser(user_agent: &str, address: &str) -> EventSource {
        EventSource {
            origin: Origin::of_browser(user_agent),
            address: Some(address.chars().take(ADDRESS_MAX).collect()),
        }
    }

    /// The same source, another door (a web form posted through the same edge).
    #[must_use]
    pub fn through(self, origin: Origin) -> EventSource {
        EventSource { origin, ..self }
    }

    /// Runs `work` with this as the source of every event it writes.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        SOURCE.scope(self, work).await
    }

    /// The source of the running task; the server itself when no door set one (the
    /// reminders and housekeeping run outside any request).
    pub fn current() -> EventSource {
        SOURCE
            .try_with(Clone::clone)
            .unwrap_or_else(|_| EventSource::new(Origin::System))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_innermost_door_wins_and_outside_any_it_is_the_server() {
        assert_eq!(EventSource::current().origin, Origin::System);
        let phone = EventSource::browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5)", "10.0.0.7");
        let seen = phone
            .clone()
            .scope(async {
                let outer = EventSource::current();
                let inner = EventSource::current()
                    .through(Origin::WebForm)
                    .scope(async { EventSource::current() })
                    .await;
                (outer, inner)
            })
            .await;
        assert_eq!(seen.0, phone);
        assert_eq!(seen.1.origin, Origin::WebForm);
        assert_eq!(seen.1.address.as_deref(), Some("10.0.0.7"));
    }
}
