//! The pipeline being edited: the name, the stages in order (each field its own signal,
//! so typing re-renders one input), the stages marked for removal with where their deals
//! go, and turning all of it into one `SavePipeline` checked by the domain's rules.

use domain::{
    board::Board,
    deal::{split_lines, DealField, EntryCriteria},
    ids::{PipelineId, StageId},
    pipeline::{SavePipeline, StageDraft},
    FieldErrors,
};
use leptos::prelude::*;

/// A new stage starts at a middling probability and the default rotting period.
const NEW_PROBABILITY: &str = "50";
const NEW_ROTTING_DAYS: &str = "14";

/// One stage as edited; `key` stays put while the stage moves, so its row does too.
#[derive(Clone, Copy)]
pub struct StageEdit {
    pub key: u32,
    pub id: Option<StageId>,
    /// From the board's column totals; new stages hold none.
    pub open_deals: u64,
    pub name: RwSignal<String>,
    pub probability: RwSignal<String>,
    pub rotting_days: RwSignal<String>,
    pub fields: RwSignal<Vec<DealField>>,
    pub checklist: RwSignal<String>,
    /// Where its deals go if it is removed. Created with the other signals: one made in
    /// the Remove click would belong to the row, which is gone once the stage leaves.
    pub destination: RwSignal<Option<StageId>>,
}

/// A saved stage marked for removal, and the stage that takes its deals.
#[derive(Clone, Copy)]
pub struct Removed {
    pub stage: StageEdit,
    pub destination: RwSignal<Option<StageId>>,
}

/// Everything the settings form shares; cheap to copy into each row.
#[derive(Clone, Copy)]
pub struct Editor {
    pub pipeline: PipelineId,
    /// The settings version this page was opened at.
    pub version: i32,
    pub name: RwSignal<String>,
    pub stages: RwSignal<Vec<StageEdit>>,
    pub removed: RwSignal<Vec<Removed>>,
    pub errors: RwSignal<FieldErrors>,
    /// Read by a polite live region: reorders and removals are otherwise silent.
    pub announce: RwSignal<String>,
    next_key: StoredValue<u32>,
    owner: StoredValue<Option<Owner>>,
}

impl Editor {
    pub fn new(board: &Board) -> Editor {
        let name = board
            .pipelines
            .iter()
            .find(|(id, _)| *id == board.pipeline)
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        let stages: Vec<StageEdit> = board
            .columns
            .iter()
            .zip(0..)
            .map(|(column, key)| StageEdit {
                key,
                id: Some(column.stage.id),
                open_deals: column.totals.deals,
                name: RwSignal::new(column.stage.name.clone()),
                probability: RwSignal::new(column.stage.probability.to_string()),
                rotting_days: RwSignal::new(column.stage.rotting_days.to_string()),
                fields: RwSignal::new(column.stage.criteria.fields.clone()),
                checklist: RwSignal::new(column.stage.criteria.checklist_lines()),
                destination: RwSignal::new(None),
            })
            .collect();
        let next_key = u32::try_from(stages.len()).unwrap_or(u32::MAX);
        Editor {
            pipeline: board.pipeline,
            version: board.pipeline_version,
            name: RwSignal::new(name),
            stages: RwSignal::new(stages),
            removed: RwSignal::new(Vec::new()),
            errors: RwSignal::new(FieldErrors::default()),
            announce: RwSignal::new(String::new()),
            next_key: StoredValue::new(next_key),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// The stage's place in the list (tracked), for its heading and its error key.
    pub fn index_of(&self, key: u32) -> Option<usize> {
        self.stages
            .with(|s| s.iter().position(|stage| stage.key == key))
    }

    /// The first message for a field key such as `stage.2`.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.with(|e| e.for_field(field).map(str::to_owned))
    }

    pub fn add_stage(&self) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key.saturating_add(1));
        self.stages.update(|stages| {
            // The page's owner, not the clicked row's: rows come and go with reorders.
            let fresh = || StageEdit {
                key,
                id: None,
                open_deals: 0,
                name: RwSignal::new(String::new()),
                probability: RwSignal::new(NEW_PROBABILITY.to_owned()),
                rotting_days: RwSignal::new(NEW_ROTTING_DAYS.to_owned()),
                fields: RwSignal::new(Vec::new()),
                checklist: RwSignal::new(String::new()),
                destination: RwSignal::new(None),
            };
            let stage = match self.owner.try_get_value().flatten() {
                Some(owner) => owner.with(fresh),
                None => fresh(),
            };
            stages.push(stage);
        });
        let count = self.stages.with_untracked(Vec::len);
        self.announce
            .set(format!("Stage {count} added. Give it a name."));
    }

    /// Moves a stage one place up (`-1`) or down (`1`); at either end nothing happens.
    pub fn shift(&self, key: u32, by: isize) {
        let mut moved = None;
        self.stages.update(|stages| {
            let Some(from) = stages.iter().position(|s| s.key == key) else {
                return;
            };
            let Some(to) = from.checked_add_signed(by).filter(|to| *to < stages.len()) else {
                return;
            };
            stages.swap(from, to);
            moved = Some((stages[to].name.get_untracked(), to + 1));
        });
        if let Some((name, place)) = moved {
            self.announce
                .set(format!("{} is now stage {place}.", shown_name(&name)));
        }
    }

    /// Takes a stage out of the list; a saved one waits below for where its deals go.
    pub fn remove(&self, key: u32) {
        let mut taken = None;
        self.stages.update(|stages| {
            if let Some(at) = stages.iter().position(|s| s.key == key) {
                taken = Some(stages.remove(at));
            }
        });
        let Some(stage) = taken else { return };
        let name = shown_name(&stage.name.get_untracked());
        if stage.id.is_some() {
            self.removed.update(|removed| {
                removed.push(Removed {
                    stage,
                    destination: stage.destination,
                });
            });
            self.announce
                .set(format!("{name} will be removed when you save."));
        } else {
            self.announce.set(format!("{name} removed."));
        }
    }

    /// Puts a stage marked for removal back, last in the list.
    pub fn keep(&self, key: u32) {
        let mut kept = None;
        self.removed.update(|removed| {
            if let Some(at) = removed.iter().position(|r| r.stage.key == key) {
                kept = Some(removed.remove(at).stage);
            }
        });
        if let Some(stage) = kept {
            let name = shown_name(&stage.name.get_untracked());
            self.stages.update(|stages| stages.push(stage));
            self.announce
                .set(format!("{name} kept, as the last stage."));
        }
    }

    /// The command to send, or every problem the browser can find first: the numbers,
    /// the domain's own rules, and removed stages whose open deals have nowhere to go.
    pub fn command(&self) -> Result<SavePipeline, FieldErrors> {
        let mut errors = FieldErrors::default();
        let stages: Vec<StageDraft> = self.stages.with_untracked(|stages| {
            stages
                .iter()
                .enumerate()
                .map(|(index, stage)| draft(stage, &format!("stage.{index}"), &mut errors))
                .collect()
        });
        let kept: Vec<StageId> = stages.iter().filter_map(|s| s.id).collect();
        let mut relocate = Vec::new();
        for removed in self.removed.get_untracked() {
            let Some(from) = removed.stage.id else {
                continue;
            };
            match removed.destination.get_untracked() {
                Some(to) if kept.contains(&to) => relocate.push((from, to)),
                _ if removed.stage.open_deals > 0 => errors.add(
                    "relocate",
                    relocate_message(
                        removed.stage.open_deals,
                        &shown_name(&removed.stage.name.get_untracked()),
                    ),
                ),
                _ => {}
            }
        }
        let command = SavePipeline {
            pipeline: self.pipeline,
            version: self.version,
            name: self.name.get_untracked(),
            stages,
            relocate,
        };
        if let Err(rules) = command.validate() {
            errors.0.extend(rules.0);
        }
        errors.into_result().map(|()| command)
    }
}

/// One stage's draft; numbers that do not parse are reported against the stage.
fn draft(stage: &StageEdit, field: &str, errors: &mut FieldErrors) -> StageDraft {
    let probability = stage.probability.get_untracked();
    let probability = probability.trim().parse::<u8>().unwrap_or_else(|_| {
        errors.add(field, "Win probability is a percentage from 0 to 100.");
        0
    });
    let rotting = stage.rotting_days.get_untracked();
    let rotting = rotting.trim();
    let rotting_days = if rotting.is_empty() {
        0
    } else {
        rotting.parse::<u16>().unwrap_or_else(|_| {
            errors.add(
                field,
                "Use a rotting period of at most 365 days (0 = never).",
            );
            0
        })
    };
    StageDraft {
        id: stage.id,
        name: stage.name.get_untracked(),
        probability,
        rotting_days,
        criteria: EntryCriteria {
            fields: stage.fields.get_untracked(),
            checklist: split_lines(&stage.checklist.get_untracked()),
        },
    }
}

/// Asks for a destination for a removed stage's open deals.
fn relocate_message(open_deals: u64, stage: &str) -> String {
    if open_deals == 1 {
        format!("Choose where the open deal in {stage} goes.")
    } else {
        format!("Choose where the {open_deals} open deals in {stage} go.")
    }
}

/// A stage's name for messages; a new, still unnamed one is "The new stage".
pub fn shown_name(name: &str) -> String {
    match name.trim() {
        "" => "The new stage".to_owned(),
        name => name.to_owned(),
    }
}

#[cfg(test)]
#[path = "editor_tests.rs"]
mod tests;
