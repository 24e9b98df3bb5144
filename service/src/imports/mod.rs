//! Deal import: rows already read and checked by `domain::import` are placed in a
//! pipeline's stages (created on request), tied to owners and companies by name, and
//! written in one transaction with their own created and close dates, so the metrics
//! reflect the file's history. Nothing is written when any row is refused, unless the
//! caller asks for a partial import; a dry run writes nothing at all.

mod acting;
mod names;

use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{deal, pipeline, stage, stage_change},
    event_log::Change,
    Crm,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::event::{
    payload::{DealAfter, DealsImported},
    Payload, Subject,
};
use domain::stored::Listed;
use domain::{
    account::CurrentUser,
    deal::{describe_missing, missing_for_entry, DealFacts},
    import::DealDraft,
    metrics::DealStatus,
    money::Currency,
    pipeline::STAGES_MAX,
    AppError,
};
use names::{Companies, Owners};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per INSERT: well inside SQLite's bound-parameter limit.
const BATCH: usize = 400;

/// How an import treats what the workspace does not have yet.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Pipeline by name; None: the workspace's first.
    pub pipeline: Option<String>,
    /// Create stages (and the pipeline) the file names but the workspace lacks.
    pub create_stages: bool,
    /// Stage names to create first, in this order (with `create_stages`); other new
    /// names follow in the order the file first uses them.
    pub stage_order: Vec<String>,
    /// Currency of rows without one; None: the workspace's default.
    pub currency: Option<Currency>,
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// Write the good rows even when some are refused.
    pub partial: bool,
}

/// One checked row and the file line it came from (for messages).
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: usize,
    pub draft: DealDraft,
}

/// What an import did, or (dry run, or refused rows) would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub pipeline: String,
    pub rows: usize,
    pub imported: usize,
    pub open: usize,
    pub won: usize,
    pub lost: usize,
    /// Line and every reason, for each refused row.
    pub refused: Vec<(usize, Vec<String>)>,
    pub new_stages: Vec<String>,
    pub new_owners: Vec<String>,
    pub new_companies: usize,
    /// Rows without a created date, dated the day of the import.
    pub undated: usize,
    /// True when the rows were written.
    pub committed: bool,
}

/// A row placed in a stage, ready to write.
struct Placed {
    draft: DealDraft,
    stage: Uuid,
}

impl Crm {
    /// Imports checked rows. `refused` carries rows the caller could not read, so the
    /// report (and the all-or-nothing rule) covers the whole file. `progress` hears
    /// (rows written, rows to write) after each batch.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for a missing pipeline.
    pub async fn import_deals(
        &self,
        viewer: &CurrentUser,
        rows: Vec<ImportRow>,
        mut refused: Vec<(usize, Vec<String>)>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport, AppError> {
        crate::permissions::permit(viewer, domain::permission::Action::ImportDeals)?;
        self.write(Lock::Deals(viewer.workspace_id), async |txn| {
            let workspace = crate::entity::workspace::Entity::find_by_id(viewer.workspace_id.0)
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            let currency = options
                .currency
                .unwrap_or(workspace.default_currency);
            let mut report = ImportReport {
                rows: rows.len() + refused.len(),
                ..ImportReport::default()
            };
            let (pipeline, mut stages) = self.import_pipeline(txn, viewer, options).await?;
            report.pipeline.clone_from(&pipeline.name);
            if options.create_stages {
                let named = options
                    .stage_order
                    .iter()
                    .chain(rows.iter().filter_map(|r| r.draft.stage.as_ref()));
                // A pipeline holds at most `STAGES_MAX` stages (or the ones it has already).
                let room = STAGES_MAX.max(stages.len());
                for name in named {
                    domain::deal::parse_text(name, "the stage name", domain::validation::NAME_MAX)
                        .map_err(|message| AppError::invalid("stage", message))?;
                    add_stage(&mut stages, name);
                    if stages.len() > room {
                        return Err(AppError::invalid(
                            "stage",
                            format!(
                                "A pipeline holds at most {STAGES_MAX} stages; the import names more."
                            ),
                        ));
                    }
                }
            }
            let mut placed = Vec::with_capacity(rows.len());
            for row in rows {
                match place(&stages, &row.draft) {
                    Ok(stage) => placed.push(Placed {
                        draft: row.draft,
                        stage,
                    }),
                    Err(reason) => refused.push((row.line, vec![reason])),
                }
            }
            refused.sort();
            report.new_stages = stages
                .iter()
                .filter(|s| s.is_new)
                .map(|s| s.name.clone())
                .collect();
            report.refused = refused;
            for row in &placed {
                match row.draft.state {
                    DealStatus::Open => report.open += 1,
                    DealStatus::Won => report.won += 1,
                    DealStatus::Lost => report.lost += 1,
                }
                report.undated += usize::from(row.draft.created_on.is_none());
            }
            let mut owners = Owners::load(txn, viewer).await?;
            let mut companies = Companies::load(txn, viewer).await?;
            for row in &placed {
                owners.note(row.draft.owner.as_deref());
                companies.note(row.draft.company.as_deref());
            }
            report.new_owners = owners.missing();
            report.new_companies = companies.missing_count();
            report.imported = placed.len();
            if options.dry_run || (!report.refused.is_empty() && !options.partial) {
                report.imported = 0;
                return Ok(report);
            }
            save_stages(txn, viewer, pipeline.id, &mut stages).await?;
            owners.create(txn, viewer).await?;
            companies.create(txn, viewer).await?;
            let now = Utc::now();
            let total = placed.len();
            let stage_names: HashMap<Uuid, String> =
                stages.iter().map(|s| (s.id, s.name.clone())).collect();
            // One `deal.created` per deal, as the board writes it: the timeline, the
            // audit log and merge read an imported deal like any other.
            let mut created = Vec::with_capacity(total);
            for (done, chunk) in placed.chunks(BATCH).enumerate() {
                let mut deals = Vec::with_capacity(chunk.len());
                let mut steps = Vec::with_capacity(chunk.len());
                for row in chunk {
                    let (deal, step) =
                        rows_for(viewer, &pipeline, row, &owners, &companies, currency, now);
                    created.push(imported_event(viewer, &deal, &stage_names));
                    deals.push(deal::ActiveModel::from(deal));
                    steps.push(stage_change::ActiveModel::from(step));
                }
                deal::Entity::insert_many(deals)
                    .exec(txn)
                    .await
                    .or_internal()?;
                stage_change::Entity::insert_many(steps)
                    .exec(txn)
                    .await
                    .or_internal()?;
                progress((done * BATCH + chunk.len()).min(total), total);
            }
            let summary = Change {
                workspace_id: viewer.workspace_id,
                actor: Some(viewer.user_id),
                subject: Subject::Pipeline(pipeline.id),
                payload: Payload::DealsImported(
                    (),
                    DealsImported {
                        pipeline: pipeline.id,
                        title: pipeline.name.clone(),
                        deals: report.imported as u64,
                        won: report.won as u64,
                        lost: report.lost as u64,
                    },
                ),
            };
            txn.append_rows(created, summary).await?;
            report.committed = true;
            Ok(report)
        })
        .await
    }

    /// The pipeline named in the options (created when allowed), and its stages.
    async fn import_pipeline(
        &self,
        txn: &Write,
        viewer: &CurrentUser,
        options: &ImportOptions,
    ) -> Result<(pipeline::Model, Vec<StageSlot>), AppError> {
        let all = pipeline::Entity::find()
            .filter(pipeline::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(pipeline::Column::Position)
            .all(txn)
            .await
            .or_internal()?;
        let found = match &options.pipeline {
            None => all.first().cloned(),
            Some(name) => all
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
                .cloned(),
        };
        let pipeline = match (found, &options.pipeline) {
            (Some(found), _) => found,
            (None, Some(name)) if options.create_stages => pipeline::Model {
                id: Uuid::new_v4(),
                workspace_id: viewer.workspace_id.0,
                name: name.trim().to_owned(),
                position: all.iter().map(|p| p.position + 1).max().unwrap_or(0),
                created_at: Utc::now(),
                version: 1,
            },
            (None, name) => {
                let name = name.as_deref().unwrap_or("");
                return Err(AppError::invalid(
                    "pipeline",
                    format!(
                        "There is no pipeline named {name:?}; add --create-stages to create it."
                    ),
                ));
            }
        };
        let stages = crate::deals::stages_of(txn, viewer, pipeline.id)
            .await?
            .into_iter()
            .map(|s| StageSlot {
                id: s.id,
                name: s.name.clone(),
                position: s.position,
                criteria: crate::deals::stage_info(&s).criteria,
                is_new: false,
            })
            .collect();
        if !all.iter().any(|p| p.id == pipeline.id) && !options.dry_run {
            pipeline::ActiveModel::from(pipeline.clone())
                .insert(txn)
                .await
                .or_internal()?;
        }
        Ok((pipeline, stages))
    }
}

/// A stage as the import sees it: an existing one, or one it will create.
struct StageSlot {
    id: Uuid,
    name: String,
    position: i32,
    criteria: domain::deal::EntryCriteria,
    is_new: bool,
}

/// Adds a stage the workspace lacks, after the others.
fn add_stage(stages: &mut Vec<StageSlot>, name: &str) {
    let name = name.trim();
    if name.is_empty() || stages.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
        return;
    }
    stages.push(StageSlot {
        id: Uuid::new_v4(),
        name: name.to_owned(),
        position: stages.iter().map(|s| s.position + 1).max().unwrap_or(0),
        criteria: domain::deal::EntryCriteria::default(),
        is_new: true,
    });
}

/// The stage a row goes to. A won row with only an outcome goes to the last stage, a
/// lost one to the first (the file does not say how far it got).
fn place(stages: &[StageSlot], draft: &DealDraft) -> Result<Uuid, String> {
    let slot = match &draft.stage {
        Some(name) => match stages
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
        {
            Some(at) => at,
            None => {
                let known: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
                return Err(format!(
                    "stage: no stage named {name:?} (the pipeline has: {}; add --create-stages to create it)",
                    known.join(", ")
                ));
            }
        },
        None if stages.is_empty() => {
            return Err("stage: the pipeline has no stages to put this deal in".into())
        }
        None if draft.state == DealStatus::Won => stages.len() - 1,
        None => 0,
    };
    let stage = &stages[slot];
    // The stage rules bind deals entering a stage now; closed rows are history.
    if draft.state == DealStatus::Open {
        let facts = DealFacts {
            value_cents: draft.value_cents,
            expected_close_on: draft.expected_close_on,
            has_company: draft.company.is_some(),
            has_owner: draft.owner.is_some(),
            has_source: draft.source.is_some(),
            ..DealFacts::default()
        };
        let missing = missing_for_entry(&facts, &stage.criteria);
        if !missing.is_empty() {
            return Err(format!(
                "stage: {} needs {} before a deal can enter",
                stage.name,
                describe_missing(&missing)
            ));
        }
    }
    Ok(stage.id)
}

async fn save_stages(
    txn: &Write,
    viewer: &CurrentUser,
    pipeline: Uuid,
    stages: &mut [StageSlot],
) -> Result<(), AppError> {
    for slot in stages.iter_mut().filter(|s| s.is_new) {
        stage::ActiveModel {
            id: Set(slot.id),
            workspace_id: Set(viewer.workspace_id.0),
            pipeline_id: Set(pipeline),
            name: Set(slot.name.clone()),
            position: Set(slot.position),
            probability: Set(0),
            rotting_days: Set(30),
            entry_fields: Set(Listed::default()),
            checklist: Set(Listed::default()),
        }
        .insert(txn)
        .await
        .or_internal()?;
        slot.is_new = false;
    }
    Ok(())
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The deal row and its one history step (see docs/METRICS.md, "Imported history").
fn rows_for(
    viewer: &CurrentUser,
    pipeline: &pipeline::Model,
    row: &Placed,
    owners: &Owners,
    companies: &Companies,
    currency: Currency,
    now: DateTime<Utc>,
) -> (deal::Model, stage_change::Model) {
    let draft = &row.draft;
    let created = draft.created_on.map_or(now, midnight);
    let closed = draft.closed_on.map(midnight);
    let status = draft.state;
    let deal = deal::Model {
        id: Uuid::new_v4(),
        workspace_id: viewer.workspace_id.0,
        pipeline_id: pipeline.id,
        stage_id: row.stage,
        company_id: companies.id_of(draft.company.as_deref()),
        owner_id: owners.id_of(draft.owner.as_deref()),
        title: draft.title.clone(),
        value_cents: draft.value_cents,
        currency: draft.currency.unwrap_or(currency),
        expected_close_on: draft.expected_close_on,
        status,
        lost_reason: draft.lost_reason.clone(),
        source: draft.source.clone(),
        next_step: None,
        created_at: created,
        updated_at: now,
        stage_entered_at: closed.unwrap_or(created),
        closed_at: closed,
        touched_at: Some(closed.unwrap_or(created)),
        version: 1,
        tags: Listed::default(),
        checked: Listed::default(),
    };
    let step = stage_change::Model {
        id: Uuid::new_v4(),
        workspace_id: viewer.workspace_id.0,
        deal_id: deal.id,
        from_stage_id: None,
        to_stage_id: row.stage,
        status,
        actor_id: Some(viewer.user_id.0),
        at: closed.unwrap_or(created),
        left_at: None,
    };
    (deal, step)
}

/// The `deal.created` event of an imported deal.
fn imported_event(
    viewer: &CurrentUser,
    deal: &deal::Model,
    stage_names: &HashMap<Uuid, String>,
) -> Change {
    let after = DealAfter {
        version: deal.version,
        changed: Vec::new(),
        stage: deal.stage_id,
        stage_name: stage_names.get(&deal.stage_id).cloned(),
        status: deal.status,
        pipeline: deal.pipeline_id,
        title: deal.title.clone(),
        undo_of: None,
        fields: Vec::new(),
        lost_reason: deal.lost_reason.clone(),
    };
    Change {
        workspace_id: viewer.workspace_id,
        actor: Some(viewer.user_id),
        subject: Subject::Deal(deal.id),
        payload: Payload::DealCreated((), after),
    }
}
