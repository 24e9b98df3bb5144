//! Reminders for activities coming due: an `activity.due` event in the log (the browser
//! shows it to the assignee through the live feed) and, when SMTP is configured, an
//! e-mail. A sweep runs every minute; each reminder is claimed with a conditional update,
//! so several server processes never send one twice.

use crate::write::Lock;
use crate::{
    db::OrInternal,
    entity::{activity, deal, user},
    event_log::Change,
    mail::{Mail, Mailer},
    Crm,
};
use chrono::{DateTime, Duration, Utc};
use domain::event::{payload::ActivityDue, Payload, Subject};
use domain::{UserId, WorkspaceId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// How far ahead an activity is announced.
pub const REMIND_AHEAD_MINUTES: i64 = 15;
/// Activities claimed per sweep; the next sweep takes the rest.
const SWEEP_MAX: u64 = 500;

impl Crm {
    /// Announces every open activity due within [`REMIND_AHEAD_MINUTES`] of `now` that
    /// was not announced yet. Ones already more than a day overdue are marked without a
    /// reminder, so a server that was down does not flood people. Returns how many were
    /// announced.
    ///
    /// # Errors
    /// Database failure.
    pub async fn send_due_reminders(
        &self,
        now: DateTime<Utc>,
        mailer: &Mailer,
    ) -> Result<usize, domain::AppError> {
        let due = activity::Entity::find()
            .filter(activity::Column::Done.eq(false))
            .filter(activity::Column::RemindedAt.is_null())
            .filter(activity::Column::DueAt.lte(now + Duration::minutes(REMIND_AHEAD_MINUTES)))
            .order_by_asc(activity::Column::DueAt)
            .limit(SWEEP_MAX)
            .all(&self.db)
            .await
            .or_internal()?;
        let mut announced = 0;
        for row in due {
            // Claim it and announce it in one write; a reminder someone else claimed
            // first, or one long overdue, is only marked.
            let announcement = self
                .write(Lock::Rows, async |txn| {
                    let claimed = activity::Entity::update_many()
                        .col_expr(activity::Column::RemindedAt, now.into())
                        .filter(activity::Column::Id.eq(row.id))
                        .filter(activity::Column::RemindedAt.is_null())
                        .exec(txn)
                        .await
                        .or_internal()?;
                    if claimed.rows_affected == 0 || row.due_at < now - Duration::days(1) {
                        return Ok(None);
                    }
                    let deal_title = match row.deal_id {
                        Some(id) => deal::Entity::find_by_id(id)
                            .one(txn)
                            .await
                            .or_internal()?
                            .map(|d| d.title),
                        None => None,
                    };
                    txn.append(Change {
                        workspace_id: WorkspaceId(row.workspace_id),
                        actor: None,
                        subject: Subject::Activity(row.id),
                        payload: Payload::ActivityDue(
                            (),
                            ActivityDue {
                                title: row.subject.clone(),
                                kind: row.kind,
                                assignee: row.assignee_id,
                                due_at: row.due_at,
                                deal: row.deal_id,
                                deal_title: deal_title.clone(),
                            },
                        ),
                    })
                    .await?;
                    let assignee = match row.assignee_id {
                        Some(id) => user::Entity::find_by_id(id).one(txn).await.or_internal()?,
                        None => None,
                    };
                    Ok(Some((deal_title, assignee)))
                })
                .await?;
            let Some((deal_title, assignee)) = announcement else {
                continue;
            };
            announced += 1;
            if let Some(person) = assignee.filter(|p| p.active) {
                let about = deal_title.map(|t| format!(" ({t})")).unwrap_or_default();
                mailer.send(Mail {
                    to: person.email,
                    to_user: UserId(person.id),
                    subject: format!("Due soon: {}{about}", row.subject),
                    body: format!(
                        "Hello {},\n\n“{}”{about} is due at {} UTC.\n\n— Pipewright",
                        person.name,
                        row.subject,
                        row.due_at.format("%Y-%m-%d %H:%M")
                    ),
                });
            }
        }
        Ok(announced)
    }
}

/// Sweeps for due activities every `every` (a minute in production) while the process runs.
pub fn start_reminders(crm: &Crm, every: std::time::Duration) {
    let crm = crm.clone();
    let mailer = crm.settings.mailer.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = crm.send_due_reminders(Utc::now(), &mailer).await {
                tracing::warn!(
                    ?error,
                    "the reminder sweep failed; retrying at the next sweep"
                );
            }
        }
    });
}
