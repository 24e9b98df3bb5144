//! Rows that only matter until a moment passes: ended sessions, expired or used reset
//! links, and sign-in failures older than the window they count in. The server purges
//! them on a timer so the tables stay the size of what is live.

use crate::{
    db::OrInternal,
    entity::{password_reset, session, sign_in_failure},
    throttle::FAILURE_WINDOW_MINUTES,
    write::Lock,
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::AppError;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

/// Rows removed by one purge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub resets: u64,
    pub failures: u64,
}

impl Crm {
    /// Deletes what ended before `now`.
    ///
    /// # Errors
    /// Database failure.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<Purged, AppError> {
        self.write(Lock::Rows, async |txn| {
            let sessions = session::Entity::delete_many()
                .filter(session::Column::ExpiresAt.lte(now))
                .exec(txn)
                .await
                .or_internal()?;
            let resets = password_reset::Entity::delete_many()
                .filter(
                    Condition::any()
                        .add(password_reset::Column::ExpiresAt.lte(now))
                        .add(password_reset::Column::UsedAt.is_not_null()),
                )
                .exec(txn)
                .await
                .or_internal()?;
            let failures = sign_in_failure::Entity::delete_many()
                .filter(
                    sign_in_failure::Column::At.lt(now - Duration::minutes(FAILURE_WINDOW_MINUTES)),
                )
                .exec(txn)
                .await
                .or_internal()?;
            Ok(Purged {
                sessions: sessions.rows_affected,
                resets: resets.rows_affected,
                failures: failures.rows_affected,
            })
        })
        .await
    }
}

/// Purges every `every` (an hour in production) while the process runs, first at start.
pub fn start_housekeeping(crm: &Crm, every: std::time::Duration) {
    let crm = crm.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match crm.purge_expired(Utc::now()).await {
                Ok(purged) if purged != Purged::default() => {
                    tracing::info!(?purged, "purged ended sessions, reset links and failures");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "the purge failed; retrying at the next one"),
            }
        }
    });
}
