//! Deals: create, edit, move between stages, close and reopen. Every write passes the
//! version it was based on and the stage rules in `domain::deal`, in one transaction.

mod board;
mod changes;
mod detail;
mod list;
mod rows;
mod stages;

use crate::{
    db::OrInternal,
    entity::{deal, stage, stage_change, user},
    event_log::{append, Change},
    Crm,
};
use changes::{apply_changes, conflict};
use chrono::{DateTime, Utc};
use domain::{
    account::CurrentUser,
    board::{MoveDeal, NewDeal, Outcome, Saved},
    deal::{describe_missing, missing_for_entry, parse_title, DealChange, Missing},
    event::{Event, EventKind},
    ids::{DealId, StageId},
    money::Currency,
    AppError, FieldErrors,
};
use rows::{cards, contact_facts, facts_of, load_stage, lock_deal, stage_info};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

pub use list::LIST_PAGE;
pub(crate) use rows::stages_of;

/// Refuses a move with the stage's unmet criteria, one message per missing field.
fn refuse_entry(stage: &stage::Model, missing: &[Missing]) -> AppError {
    let mut errors = FieldErrors::default();
    for item in missing {
        let field = match item {
            Missing::Field(field) => field.key(),
            Missing::Checklist(_) => "checklist",
        };
        errors.add(
            field,
            format!("{} needs {} first.", stage.name, item.describe()),
        );
    }
    errors.add(
        "stage",
        format!(
            "{} needs {} before a deal can enter.",
            stage.name,
            describe_missing(missing)
        ),
    );
    AppError::Validation(errors)
}

/// Records one step of the deal's journey for history and the metrics.
async fn record_stage_change<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    deal: &deal::Model,
    from: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    stage_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(viewer.workspace_id.0),
        deal_id: Set(deal.id),
        from_stage_id: Set(from),
        to_stage_id: Set(deal.stage_id),
        status: Set(deal.status.clone()),
        actor_id: Set(Some(viewer.user_id.0)),
        at: Set(at),
    }
    .insert(conn)
    .await
    .or_internal()?;
    Ok(())
}

/// Writes the new row only if nobody else has since: the version is the lock.
async fn save_versioned(
    txn: &DatabaseTransaction,
    viewer: &CurrentUser,
    mut row: deal::Model,
    based_on: i32,
    now: DateTime<Utc>,
) -> Result<deal::Model, AppError> {
    row.version = based_on + 1;
    row.updated_at = now;
    let active: deal::ActiveModel = row.clone().into();
    let result = deal::Entity::update_many()
        .set(active.reset_all())
        .filter(deal::Column::Id.eq(row.id))
        .filter(deal::Column::Version.eq(based_on))
        .exec(txn)
        .await
        .or_internal()?;
    if result.rows_affected == 1 {
        Ok(row)
    } else {
        Err(conflict(txn, viewer, row.id, based_on).await)
    }
}

async fn deal_event<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    kind: EventKind,
    row: &deal::Model,
    changed: &[&str],
) -> Result<Event, AppError> {
    append(
        conn,
        Change {
            workspace_id: viewer.workspace_id,
            actor: Some(viewer.user_id),
            kind,
            subject: format!("deal:{}", row.id),
            before: None,
            after: Some(json!({
                "version": row.version,
                "changed": changed,
                "stage": row.stage_id,
                "status": row.status,
                "pipeline": row.pipeline_id,
            })),
        },
    )
    .await
}

impl Crm {
    /// The saved deal as a board card, after a write.
    async fn saved<C: ConnectionTrait>(
        &self,
        conn: &C,
        row: deal::Model,
    ) -> Result<Saved, AppError> {
        let stage = stage::Entity::find_by_id(row.stage_id)
            .one(conn)
            .await
            .or_internal()?;
        let rotting: HashMap<Uuid, u16> = stage
            .map(|s| (s.id, stage_info(&s).rotting_days))
            .into_iter()
            .collect();
        let stage_id = StageId(row.stage_id);
        let card = cards(conn, vec![row], &rotting, Utc::now())
            .await?
            .pop()
            .ok_or(AppError::Internal)?;
        Ok(Saved {
            card,
            stage: stage_id,
        })
    }

    /// Creates a deal in a pipeline's first stage (or the given one, if its criteria are met).
    ///
    /// # Errors
    /// `Validation` for bad fields or unmet entry criteria; `NotFound` for a foreign stage.
    pub async fn create_deal(&self, viewer: &CurrentUser, new: NewDeal) -> Result<Saved, AppError> {
        let title = parse_title(&new.title).map_err(|message| AppError::invalid("title", message));
        let changes = domain::deal::validate_changes(&new.changes);
        let (title, changes) = match (title, changes) {
            (Ok(title), Ok(changes)) => (title, changes),
            (Err(AppError::Validation(mut a)), Err(b)) => {
                a.0.extend(b.0);
                return Err(AppError::Validation(a));
            }
            (Err(error), _) => return Err(error),
            (_, Err(errors)) => return Err(AppError::Validation(errors)),
        };
        let txn = self.begin_write().await?;
        let stage = self.entry_stage(&txn, viewer, &new).await?;
        let default_currency = crate::entity::workspace::Entity::find_by_id(viewer.workspace_id.0)
            .one(&txn)
            .await
            .or_internal()?
            .map_or_else(|| Currency::USD.to_string(), |w| w.default_currency);
        let now = Utc::now();
        let mut row = deal::Model {
            id: Uuid::new_v4(),
            workspace_id: viewer.workspace_id.0,
            pipeline_id: stage.pipeline_id,
            stage_id: stage.id,
            company_id: None,
            owner_id: Some(viewer.user_id.0),
            title,
            value_cents: 0,
            currency: default_currency,
            expected_close_on: None,
            status: "open".into(),
            lost_reason: None,
            source: None,
            next_step: None,
            created_at: now,
            updated_at: now,
            stage_entered_at: now,
            closed_at: None,
            version: 1,
            tags: String::new(),
            checked: String::new(),
        };
        deal::ActiveModel::from(row.clone())
            .insert(&txn)
            .await
            .or_internal()?;
        let facts = apply_changes(&txn, viewer, &mut row, changes).await?;
        let missing = missing_for_entry(&facts, &stage_info(&stage).criteria);
        if !missing.is_empty() {
            return Err(refuse_entry(&stage, &missing));
        }
        deal::ActiveModel::from(row.clone())
            .reset_all()
            .update(&txn)
            .await
            .or_internal()?;
        record_stage_change(&txn, viewer, &row, None, now).await?;
        let event = deal_event(&txn, viewer, EventKind::DealCreated, &row, &[]).await?;
        let saved = self.saved(&txn, row).await?;
        self.commit_and_publish(txn, vec![event]).await?;
        Ok(saved)
    }

    /// The stage a new deal enters: the one asked for, or the pipeline's first.
    async fn entry_stage(
        &self,
        txn: &DatabaseTransaction,
        viewer: &CurrentUser,
        new: &NewDeal,
    ) -> Result<stage::Model, AppError> {
        if let Some(stage) = new.stage {
            let stage = load_stage(txn, viewer, stage).await?;
            if new.pipeline.is_some_and(|p| p.0 != stage.pipeline_id) {
                return Err(AppError::invalid(
                    "stage",
                    "That stage belongs to another pipeline.",
                ));
            }
            return Ok(stage);
        }
        let pipeline = match new.pipeline {
            Some(pipeline) => pipeline.0,
            None => self.first_pipeline(viewer).await?.id,
        };
        stages_of(txn, viewer, pipeline)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)
    }

    /// Edits fields of a deal. Clearing something its current stage requires is refused.
    ///
    /// # Errors
    /// `Validation` for bad fields; `Conflict` when `version` is stale.
    pub async fn update_deal(
        &self,
        viewer: &CurrentUser,
        id: DealId,
        version: i32,
        edits: Vec<DealChange>,
    ) -> Result<Saved, AppError> {
        let changes = domain::deal::validate_changes(&edits).map_err(AppError::Validation)?;
        let changed: Vec<&str> = edits.iter().map(DealChange::field).collect();
        let txn = self.begin_write().await?;
        let mut row = lock_deal(&txn, viewer, id).await?;
        if row.version != version {
            return Err(conflict(&txn, viewer, row.id, version).await);
        }
        let stage = load_stage(&txn, viewer, StageId(row.stage_id)).await?;
        let criteria = stage_info(&stage).criteria;
        let before = contact_facts(&txn, &[row.id]).await?;
        let before = facts_of(&row, before.get(&row.id).copied().unwrap_or_default());
        let missing_before = missing_for_entry(&before, &criteria);
        let facts = apply_changes(&txn, viewer, &mut row, changes).await?;
        let newly_missing: Vec<Missing> = missing_for_entry(&facts, &criteria)
            .into_iter()
            .filter(|m| !missing_before.contains(m))
            .collect();
        if row.status == "open" && !newly_missing.is_empty() {
            return Err(refuse_entry(&stage, &newly_missing));
        }
        let row = save_versioned(&txn, viewer, row, version, Utc::now()).await?;
        let event = deal_event(&txn, viewer, EventKind::DealUpdated, &row, &changed).await?;
        let saved = self.saved(&txn, row).await?;
        self.commit_and_publish(txn, vec![event]).await?;
        Ok(saved)
    }

    /// Moves an open deal to another stage of its pipeline, after applying the fields an
    /// inline form filled in. The stage's entry criteria are the final word.
    ///
    /// # Errors
    /// `Validation` for unmet criteria, bad fields or a stage of another pipeline;
    /// `Conflict` when the version is stale; `NotFound` for foreign ids.
    pub async fn move_deal(
        &self,
        viewer: &CurrentUser,
        command: MoveDeal,
    ) -> Result<Saved, AppError> {
        let changes =
            domain::deal::validate_changes(&command.changes).map_err(AppError::Validation)?;
        let mut changed: Vec<&str> = command.changes.iter().map(DealChange::field).collect();
        changed.push("stage");
        let txn = self.begin_write().await?;
        let mut row = lock_deal(&txn, viewer, command.deal).await?;
        if row.version != command.version {
            return Err(conflict(&txn, viewer, row.id, command.version).await);
        }
        let target = load_stage(&txn, viewer, command.stage).await?;
        if target.pipeline_id != row.pipeline_id {
            return Err(AppError::invalid(
                "stage",
                "That stage belongs to another pipeline.",
            ));
        }
        if row.status != "open" {
            return Err(AppError::invalid(
                "stage",
                "Reopen the deal before moving it.",
            ));
        }
        let facts = apply_changes(&txn, viewer, &mut row, changes).await?;
        let missing = missing_for_entry(&facts, &stage_info(&target).criteria);
        if !missing.is_empty() {
            return Err(refuse_entry(&target, &missing));
        }
        let now = Utc::now();
        let from = row.stage_id;
        if from != target.id {
            row.stage_id = target.id;
            row.stage_entered_at = now;
        }
        let row = save_versioned(&txn, viewer, row, command.version, now).await?;
        if from != target.id {
            record_stage_change(&txn, viewer, &row, Some(from), now).await?;
        }
        let event = deal_event(&txn, viewer, EventKind::DealMoved, &row, &changed).await?;
        let saved = self.saved(&txn, row).await?;
        self.commit_and_publish(txn, vec![event]).await?;
        Ok(saved)
    }

    /// Marks a deal won or lost (with a reason from the workspace's list), or reopens it.
    ///
    /// # Errors
    /// `Validation` for a missing or unknown lost reason or a pointless change;
    /// `Conflict` when the version is stale.
    pub async fn close_deal(
        &self,
        viewer: &CurrentUser,
        id: DealId,
        version: i32,
        outcome: Outcome,
    ) -> Result<Saved, AppError> {
        let txn = self.begin_write().await?;
        let mut row = lock_deal(&txn, viewer, id).await?;
        if row.version != version {
            return Err(conflict(&txn, viewer, row.id, version).await);
        }
        let now = Utc::now();
        let kind = match outcome {
            Outcome::Won | Outcome::Lost { .. } if row.status != "open" => {
                return Err(AppError::invalid(
                    "status",
                    "This deal is already closed. Reopen it first.",
                ));
            }
            Outcome::Reopen if row.status == "open" => {
                return Err(AppError::invalid("status", "This deal is already open."));
            }
            Outcome::Won => {
                row.status = "won".into();
                row.lost_reason = None;
                row.closed_at = Some(now);
                EventKind::DealWon
            }
            Outcome::Lost { reason } => {
                row.lost_reason = Some(self.known_lost_reason(&txn, viewer, &reason).await?);
                row.status = "lost".into();
                row.closed_at = Some(now);
                EventKind::DealLost
            }
            Outcome::Reopen => {
                // Reopening re-enters the stage: its criteria may have grown since.
                let stage = load_stage(&txn, viewer, StageId(row.stage_id)).await?;
                let contacts = contact_facts(&txn, &[row.id]).await?;
                let facts = facts_of(&row, contacts.get(&row.id).copied().unwrap_or_default());
                let missing = missing_for_entry(&facts, &stage_info(&stage).criteria);
                if !missing.is_empty() {
                    return Err(refuse_entry(&stage, &missing));
                }
                row.status = "open".into();
                row.lost_reason = None;
                row.closed_at = None;
                row.stage_entered_at = now;
                EventKind::DealReopened
            }
        };
        let row = save_versioned(&txn, viewer, row, version, now).await?;
        record_stage_change(&txn, viewer, &row, Some(row.stage_id), now).await?;
        let event = deal_event(&txn, viewer, kind, &row, &["status"]).await?;
        let saved = self.saved(&txn, row).await?;
        self.commit_and_publish(txn, vec![event]).await?;
        Ok(saved)
    }

    async fn known_lost_reason(
        &self,
        txn: &DatabaseTransaction,
        viewer: &CurrentUser,
        reason: &str,
    ) -> Result<String, AppError> {
        let reason = reason.trim();
        let known = self.lost_reasons_in(txn, viewer).await?;
        known
            .into_iter()
            .find(|label| label.eq_ignore_ascii_case(reason))
            .ok_or_else(|| {
                let message = if reason.is_empty() {
                    "Pick why the deal was lost."
                } else {
                    "Pick a reason from the list."
                };
                AppError::invalid("lost_reason", message)
            })
    }

    /// The workspace's lost reasons, in its order.
    pub(crate) async fn lost_reasons_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        viewer: &CurrentUser,
    ) -> Result<Vec<String>, AppError> {
        use crate::entity::lost_reason;
        Ok(lost_reason::Entity::find()
            .filter(lost_reason::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(lost_reason::Column::Position)
            .all(conn)
            .await
            .or_internal()?
            .into_iter()
            .map(|r| r.label)
            .collect())
    }

    /// Active members a deal can be assigned to.
    pub(crate) async fn owners_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        viewer: &CurrentUser,
    ) -> Result<Vec<domain::board::Owner>, AppError> {
        Ok(user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(conn)
            .await
            .or_internal()?
            .into_iter()
            .map(|u| domain::board::Owner {
                id: domain::UserId(u.id),
                name: u.name,
            })
            .collect())
    }
}
