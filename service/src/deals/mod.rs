//! Deals: create, edit, move between stages, close and reopen. Every write passes the
//! version it was based on and the stage rules in `domain::deal`, in one transaction.

mod board;
mod changes;
mod detail;
mod list;
mod rows;
mod shown;
mod stages;
mod totals;
mod undo;

use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{deal, stage, stage_change, user},
    event_log::Change,
    Crm,
};
use changes::{apply_changes, conflict, who_changed};
use chrono::{DateTime, Utc};
use domain::deal::DealStatus;
use domain::event::{
    payload::{DealAfter, DealBefore},
    Payload, Subject,
};
use domain::permission::Action;
use domain::stored::Listed;
use domain::{
    account::CurrentUser,
    board::{MoveDeal, NewDeal, Outcome, Saved},
    deal::{describe_missing, missing_for_entry, parse_title, DealChange, DealFacts, Missing},
    event::{Event, EventKind},
    ids::{DealId, StageId},
    money::Currency,
    AppError, FieldErrors,
};
pub(crate) use rows::stage_info;
use rows::{cards_with, contact_facts, facts_of, load_stage, lock_deal, ContactFacts};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Iterable,
    ModelTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use undo::{changed_since, contacts_of, snapshot};
use uuid::Uuid;

pub use list::LIST_PAGE;
pub(crate) use rows::{load_deal, stages_of};

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
    // The step the deal is leaving ends now: time in stage reads these ends directly.
    stage_change::Entity::update_many()
        .col_expr(stage_change::Column::LeftAt, Expr::value(at))
        .filter(stage_change::Column::DealId.eq(deal.id))
        .filter(stage_change::Column::LeftAt.is_null())
        .exec(conn)
        .await
        .or_internal()?;
    stage_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        workspace_id: Set(viewer.workspace_id.0),
        deal_id: Set(deal.id),
        from_stage_id: Set(from),
        to_stage_id: Set(deal.stage_id),
        status: Set(deal.status),
        actor_id: Set(Some(viewer.user_id.0)),
        at: Set(at),
        left_at: Set(None),
    }
    .insert(conn)
    .await
    .or_internal()?;
    Ok(())
}

/// Writes the new row only if nobody else has since: the version is the lock.
async fn save_versioned(
    txn: &Write,
    viewer: &CurrentUser,
    original: &deal::Model,
    mut row: deal::Model,
    now: DateTime<Utc>,
) -> Result<deal::Model, AppError> {
    let based_on = original.version;
    row.version = based_on + 1;
    row.updated_at = now;
    let result = deal::Entity::update_many()
        .set(changed_columns(original, &row))
        .filter(deal::Column::Id.eq(row.id))
        .filter(deal::Column::Version.eq(based_on))
        .exec(txn)
        .await
        .or_internal()?;
    if result.rows_affected == 1 {
        Ok(row)
    } else {
        let since = changed_since(txn, viewer, row.id, based_on).await?;
        let fields = since.fields();
        Err(conflict(txn, viewer, &since, &fields).await)
    }
}

/// Only the columns whose values differ. An UPDATE that sets a column rewrites every
/// index on it (SQLite decides by the SET list, not by the values) and wakes the
/// triggers listening to it: setting all of them rewrote all of the table's indexes on
/// each stage move.
fn changed_columns(original: &deal::Model, row: &deal::Model) -> deal::ActiveModel {
    let mut active = deal::ActiveModel::from(original.clone());
    for column in deal::Column::iter() {
        let value = row.get(column);
        if original.get(column) != value {
            active.set(column, value);
        }
    }
    active
}

/// What a deal event records beside the new row: the fields touched, the state to undo
/// to, and which earlier event this one undoes.
struct Written<'a> {
    kind: EventKind,
    changed: &'a [&'a str],
    before: Option<DealBefore>,
    undo_of: Option<i64>,
    /// The deal's stage when the command has it loaded already; read otherwise.
    stage: Option<&'a stage::Model>,
}

/// What a write command has read already and the card it answers with can reuse.
#[derive(Default, Clone, Copy)]
struct Known<'a> {
    stage: Option<&'a stage::Model>,
    /// The deal's facts after the command's changes (its contacts are current).
    facts: Option<&'a DealFacts>,
}

/// The deal's stage: `known` when it is that stage (a command that loaded it), else read.
async fn stage_of<C: ConnectionTrait>(
    conn: &C,
    row: &deal::Model,
    known: Option<&stage::Model>,
) -> Result<Option<stage::Model>, AppError> {
    match known {
        Some(stage) if stage.id == row.stage_id => Ok(Some(stage.clone())),
        _ => stage::Entity::find_by_id(row.stage_id)
            .one(conn)
            .await
            .or_internal(),
    }
}

async fn deal_event(
    conn: &Write,
    viewer: &CurrentUser,
    row: &deal::Model,
    written: Written<'_>,
) -> Result<Event, AppError> {
    // Names as they were at the time, so the change note and timeline read well later.
    let stage_name = stage_of(conn, row, written.stage).await?.map(|s| s.name);
    let fields = shown::field_changes(conn, written.before.as_ref(), row).await?;
    let after = DealAfter {
        version: row.version,
        changed: written.changed.iter().map(|f| (*f).to_owned()).collect(),
        stage: row.stage_id,
        stage_name,
        status: row.status,
        pipeline: row.pipeline_id,
        title: row.title.clone(),
        undo_of: written.undo_of,
        fields,
        lost_reason: row.lost_reason.clone(),
    };
    let before = written.before;
    let payload = match written.kind {
        EventKind::DealCreated => Payload::DealCreated((), after),
        EventKind::DealMoved => Payload::DealMoved(before, after),
        EventKind::DealWon => Payload::DealWon(before, after),
        EventKind::DealLost => Payload::DealLost(before, after),
        EventKind::DealReopened => Payload::DealReopened(before, after),
        EventKind::DealUpdated => Payload::DealUpdated(before, after),
        other => return Err(crate::event_log::not_of_its_record(other)),
    };
    conn.append(Change {
        workspace_id: viewer.workspace_id,
        actor: Some(viewer.user_id),
        subject: Subject::Deal(row.id),
        payload,
    })
    .await
}

impl Crm {
    /// The saved deal as a board card, after a write. `known` is what the command has
    /// read already (its stage, its contact facts after the change), so it is not read
    /// again.
    async fn saved<C: ConnectionTrait>(
        &self,
        conn: &C,
        row: deal::Model,
        known: Known<'_>,
        event: i64,
    ) -> Result<Saved, AppError> {
        let stage = stage_of(conn, &row, known.stage).await?;
        let rotting: HashMap<Uuid, u16> = stage
            .map(|s| (s.id, stage_info(&s).rotting_days))
            .into_iter()
            .collect();
        let stage_id = StageId(row.stage_id);
        let contacts = match known.facts {
            Some(facts) => HashMap::from([(row.id, ContactFacts::from(facts))]),
            None => contact_facts(conn, &[row.id]).await?,
        };
        let card = cards_with(conn, vec![row], &contacts, &rotting, Utc::now())
            .await?
            .pop()
            .ok_or(AppError::Internal)?;
        Ok(Saved {
            card,
            stage: stage_id,
            event,
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
        crate::permissions::permit(viewer, Action::CreateDeal)?;
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let (saved, _event) = self.insert_deal(txn, viewer, &new, title, changes).await?;
            Ok(saved)
        })
        .await
    }

    /// Creates a checked deal inside the caller's transaction (a lead's conversion makes
    /// its contact, company and deal in one).
    pub(crate) async fn insert_deal(
        &self,
        txn: &Write,
        viewer: &CurrentUser,
        new: &NewDeal,
        title: String,
        changes: Vec<domain::deal::ValidChange>,
    ) -> Result<(Saved, Event), AppError> {
        let stage = self.entry_stage(txn, viewer, new).await?;
        let default_currency = crate::entity::workspace::Entity::find_by_id(viewer.workspace_id.0)
            .one(txn)
            .await
            .or_internal()?
            .map_or(Currency::USD, |w| w.default_currency);
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
            status: DealStatus::Open,
            lost_reason: None,
            source: None,
            next_step: None,
            created_at: now,
            updated_at: now,
            stage_entered_at: now,
            closed_at: None,
            touched_at: None,
            version: 1,
            tags: Listed::default(),
            checked: Listed::default(),
        };
        deal::ActiveModel::from(row.clone())
            .insert(txn)
            .await
            .or_internal()?;
        let facts = apply_changes(txn, viewer, &mut row, changes).await?;
        let missing = missing_for_entry(&facts, &stage_info(&stage).criteria);
        if !missing.is_empty() {
            return Err(refuse_entry(&stage, &missing));
        }
        deal::ActiveModel::from(row.clone())
            .reset_all()
            .update(txn)
            .await
            .or_internal()?;
        record_stage_change(txn, viewer, &row, None, now).await?;
        let written = Written {
            kind: EventKind::DealCreated,
            changed: &[],
            before: None,
            undo_of: None,
            stage: Some(&stage),
        };
        let event = deal_event(txn, viewer, &row, written).await?;
        let known = Known {
            stage: Some(&stage),
            facts: Some(&facts),
        };
        let saved = self.saved(txn, row, known, event.id).await?;
        Ok((saved, event))
    }

    /// The stage a new deal enters: the one asked for, or the pipeline's first.
    async fn entry_stage(
        &self,
        txn: &Write,
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
    /// Based on an older version, the edit still applies when nobody changed the same
    /// fields since: two people editing different fields both keep their edits.
    ///
    /// # Errors
    /// `Validation` for bad fields; `Conflict` when someone changed the same field since.
    pub async fn update_deal(
        &self,
        viewer: &CurrentUser,
        id: DealId,
        version: i32,
        edits: Vec<DealChange>,
    ) -> Result<Saved, AppError> {
        let changes = domain::deal::validate_changes(&edits).map_err(AppError::Validation)?;
        let changed: Vec<&str> = edits.iter().map(DealChange::field).collect();
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let original = lock_deal(txn, viewer, id, Action::EditDeal).await?;
            let mut row = original.clone();
            self.merge_or_refuse(txn, viewer, &row, version, &changed)
                .await?;
            let before = snapshot(&row, &contacts_of(txn, row.id, &edits).await?, &edits);
            let stage = load_stage(txn, viewer, StageId(row.stage_id)).await?;
            let criteria = stage_info(&stage).criteria;
            let facts_before = contact_facts(txn, &[row.id]).await?;
            let facts_before =
                facts_of(&row, facts_before.get(&row.id).copied().unwrap_or_default());
            let missing_before = missing_for_entry(&facts_before, &criteria);
            let facts = apply_changes(txn, viewer, &mut row, changes).await?;
            let newly_missing: Vec<Missing> = missing_for_entry(&facts, &criteria)
                .into_iter()
                .filter(|m| !missing_before.contains(m))
                .collect();
            if row.status == DealStatus::Open && !newly_missing.is_empty() {
                return Err(refuse_entry(&stage, &newly_missing));
            }
            let row = save_versioned(txn, viewer, &original, row, Utc::now()).await?;
            let written = Written {
                kind: EventKind::DealUpdated,
                changed: &changed,
                before: Some(before),
                undo_of: None,
                stage: Some(&stage),
            };
            let event = deal_event(txn, viewer, &row, written).await?;
            let known = Known {
                stage: Some(&stage),
                facts: Some(&facts),
            };
            let saved = self.saved(txn, row, known, event.id).await?;
            Ok(saved)
        })
        .await
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
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let original = lock_deal(txn, viewer, command.deal, Action::MoveDeal).await?;
            let mut row = original.clone();
            self.merge_or_refuse(txn, viewer, &row, command.version, &changed)
                .await?;
            let before = snapshot(
                &row,
                &contacts_of(txn, row.id, &command.changes).await?,
                &command.changes,
            );
            let target = load_stage(txn, viewer, command.stage).await?;
            if target.pipeline_id != row.pipeline_id {
                return Err(AppError::invalid(
                    "stage",
                    "That stage belongs to another pipeline.",
                ));
            }
            if row.status != DealStatus::Open {
                return Err(AppError::invalid(
                    "stage",
                    "Reopen the deal before moving it.",
                ));
            }
            let facts = apply_changes(txn, viewer, &mut row, changes).await?;
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
            let row = save_versioned(txn, viewer, &original, row, now).await?;
            if from != target.id {
                record_stage_change(txn, viewer, &row, Some(from), now).await?;
            }
            let written = Written {
                kind: EventKind::DealMoved,
                changed: &changed,
                before: Some(before),
                undo_of: None,
                stage: Some(&target),
            };
            let event = deal_event(txn, viewer, &row, written).await?;
            let known = Known {
                stage: Some(&target),
                facts: Some(&facts),
            };
            let saved = self.saved(txn, row, known, event.id).await?;
            Ok(saved)
        })
        .await
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
        outcome.check()?;
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let original = lock_deal(txn, viewer, id, Action::CloseDeal).await?;
            let mut row = original.clone();
            self.merge_or_refuse(txn, viewer, &row, version, &["status"])
                .await?;
            let before = snapshot(&row, &[], &[]);
            let now = Utc::now();
            let kind = match outcome {
                Outcome::Won | Outcome::Lost { .. } if row.status != DealStatus::Open => {
                    return Err(AppError::invalid(
                        "status",
                        "This deal is already closed. Reopen it first.",
                    ));
                }
                Outcome::Reopen if row.status == DealStatus::Open => {
                    return Err(AppError::invalid("status", "This deal is already open."));
                }
                Outcome::Won => {
                    row.status = DealStatus::Won;
                    row.lost_reason = None;
                    row.closed_at = Some(now);
                    EventKind::DealWon
                }
                Outcome::Lost { reason } => {
                    row.lost_reason = Some(self.known_lost_reason(txn, viewer, &reason).await?);
                    row.status = DealStatus::Lost;
                    row.closed_at = Some(now);
                    EventKind::DealLost
                }
                Outcome::Reopen => {
                    // Reopening re-enters the stage: its criteria may have grown since.
                    let stage = load_stage(txn, viewer, StageId(row.stage_id)).await?;
                    let contacts = contact_facts(txn, &[row.id]).await?;
                    let facts = facts_of(&row, contacts.get(&row.id).copied().unwrap_or_default());
                    let missing = missing_for_entry(&facts, &stage_info(&stage).criteria);
                    if !missing.is_empty() {
                        return Err(refuse_entry(&stage, &missing));
                    }
                    row.status = DealStatus::Open;
                    row.lost_reason = None;
                    row.closed_at = None;
                    row.stage_entered_at = now;
                    EventKind::DealReopened
                }
            };
            let was = before.status;
            let row = save_versioned(txn, viewer, &original, row, now).await?;
            record_stage_change(txn, viewer, &row, Some(row.stage_id), now).await?;
            let written = Written {
                kind,
                changed: &["status"],
                before: Some(before),
                undo_of: None,
                stage: None,
            };
            let event = deal_event(txn, viewer, &row, written).await?;
            crate::followups::on_status_change(txn, viewer, &row, was).await?;
            self.saved(txn, row, Known::default(), event.id).await
        })
        .await
    }

    /// Lets a write based on an older version through when nobody touched its fields
    /// since (the merge); otherwise says who changed which of them.
    async fn merge_or_refuse(
        &self,
        txn: &Write,
        viewer: &CurrentUser,
        row: &deal::Model,
        version: i32,
        mine: &[&str],
    ) -> Result<(), AppError> {
        if row.version == version {
            return Ok(());
        }
        if version > row.version || version < 1 {
            return Err(AppError::invalid(
                "version",
                "That version of the deal does not exist; reload the deal.",
            ));
        }
        let since = changed_since(txn, viewer, row.id, version).await?;
        let overlap = since.overlap(mine);
        if overlap.is_empty() {
            return Ok(());
        }
        Err(conflict(txn, viewer, &since, &overlap).await)
    }

    async fn known_lost_reason(
        &self,
        txn: &Write,
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

impl Crm {
    /// Reverts one of the viewer's own deal changes, made in the last
    /// [`undo::UNDO_WINDOW_SECS`] seconds, as a new event, provided nobody changed the
    /// deal since. Stage rules are not re-checked: the deal goes back to a state it held.
    ///
    /// # Errors
    /// `NotFound` for an unknown or foreign event; `Validation` when the change is too
    /// old, someone else's, or not undoable; `Conflict` when the deal changed since.
    pub async fn undo_deal_change(
        &self,
        viewer: &CurrentUser,
        event_id: i64,
    ) -> Result<Saved, AppError> {
        use crate::entity::event;
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let entry = event::Entity::find_by_id(event_id)
                .filter(event::Column::WorkspaceId.eq(viewer.workspace_id.0))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let deal_id = entry.subject.deal().ok_or(AppError::NotFound)?;
            let (entry_actor, entry_at) = (entry.actor_id, entry.at);
            let entry = crate::event_log::from_row(entry)?;
            let cannot = |message: &str| Err(AppError::invalid("undo", message));
            if entry_actor != Some(viewer.user_id.0) {
                return cannot("Only the person who made a change can undo it.");
            }
            if (Utc::now() - entry_at).num_seconds() > undo::UNDO_WINDOW_SECS {
                return cannot("It is too late to undo that change; edit the deal instead.");
            }
            let (Some(before), Some(after)) =
                (entry.payload.deal_before(), entry.payload.deal_after())
            else {
                return cannot("That change cannot be undone.");
            };
            let before = before.clone();
            let version = i64::from(after.version);
            let original = lock_deal(txn, viewer, DealId(deal_id), Action::EditDeal).await?;
            let mut row = original.clone();
            if i64::from(row.version) != version {
                let since =
                    changed_since(txn, viewer, row.id, row.version.min(based_on_i32(version)))
                        .await?;
                let fields = since.fields();
                let who = who_changed(txn, viewer, &since, &fields).await;
                return Err(AppError::Conflict(format!(
                    "{who} since, so undo is no longer possible."
                )));
            }
            let redo = snapshot(
                &row,
                &contacts_of(txn, row.id, &before.restore).await?,
                &before.restore,
            );
            let restore =
                domain::deal::validate_changes(&before.restore).map_err(AppError::Validation)?;
            apply_changes(txn, viewer, &mut row, restore).await?;
            let (from_stage, from_status) = (row.stage_id, row.status);
            row.stage_id = before.stage;
            row.status = before.status;
            row.lost_reason = before.lost_reason.clone();
            row.closed_at = before.closed_at;
            row.stage_entered_at = before.stage_entered_at;
            let now = Utc::now();
            let row = save_versioned(txn, viewer, &original, row, now).await?;
            let mut changed: Vec<&str> = before.restore.iter().map(DealChange::field).collect();
            let kind = if from_status != row.status {
                changed.push("status");
                match row.status {
                    DealStatus::Won => EventKind::DealWon,
                    DealStatus::Lost => EventKind::DealLost,
                    DealStatus::Open => EventKind::DealReopened,
                }
            } else if from_stage != row.stage_id {
                changed.push("stage");
                EventKind::DealMoved
            } else {
                EventKind::DealUpdated
            };
            if from_stage != row.stage_id || from_status != row.status {
                record_stage_change(txn, viewer, &row, Some(from_stage), now).await?;
            }
            let written = Written {
                kind,
                changed: &changed,
                before: Some(redo),
                undo_of: Some(event_id),
                stage: None,
            };
            let event = deal_event(txn, viewer, &row, written).await?;
            crate::followups::on_status_change(txn, viewer, &row, from_status).await?;
            self.saved(txn, row, Known::default(), event.id).await
        })
        .await
    }
}

/// An event's stored version as the deal's column type (0 when out of range).
fn based_on_i32(version: i64) -> i32 {
    i32::try_from(version).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveModelTrait;

    fn open_deal(at: DateTime<Utc>) -> deal::Model {
        deal::Model {
            id: Uuid::new_v4(),
            workspace_id: Uuid::new_v4(),
            pipeline_id: Uuid::new_v4(),
            stage_id: Uuid::new_v4(),
            company_id: None,
            owner_id: Some(Uuid::new_v4()),
            title: "Fleet renewal".to_owned(),
            value_cents: 1_200_000,
            currency: Currency::USD,
            expected_close_on: None,
            status: DealStatus::Open,
            lost_reason: None,
            source: None,
            next_step: Some("Call the buyer".to_owned()),
            created_at: at,
            updated_at: at,
            stage_entered_at: at,
            closed_at: None,
            touched_at: None,
            version: 3,
            tags: Listed(vec!["fleet".to_owned()]),
            checked: Listed::default(),
        }
    }

    /// A move's UPDATE names the four columns it changes, not the other indexed ones.
    #[test]
    fn a_move_sets_only_the_columns_it_changed() {
        let at = Utc::now();
        let original = open_deal(at);
        let mut moved = original.clone();
        moved.stage_id = Uuid::new_v4();
        moved.stage_entered_at = at + chrono::Duration::minutes(5);
        moved.updated_at = moved.stage_entered_at;
        moved.version += 1;
        let active = changed_columns(&original, &moved);
        let set: Vec<String> = deal::Column::iter()
            .filter(|column| active.get(*column).is_set())
            .map(|column| format!("{column:?}"))
            .collect();
        assert_eq!(set, ["StageId", "UpdatedAt", "StageEnteredAt", "Version"]);
    }
}
