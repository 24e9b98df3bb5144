//! The editor's rules without a browser: what it sends and what it refuses.

use super::*;
use domain::{
    board::{Column, ColumnTotals, StageInfo},
    money::Currency,
    UserId,
};
use uuid::Uuid;

/// Signals need an owner; the browser and the server provide one, a test does not.
fn within(test: impl FnOnce()) {
    Owner::new().with(test);
}

fn board(open_deals: &[u64]) -> Board {
    let columns = open_deals
        .iter()
        .zip(1..)
        .map(|(deals, n)| Column {
            stage: StageInfo {
                id: StageId(Uuid::new_v4()),
                name: format!("Stage {n}"),
                probability: 10,
                rotting_days: 14,
                criteria: EntryCriteria::default(),
            },
            totals: ColumnTotals {
                deals: *deals,
                values: Vec::new(),
            },
            cards: Vec::new(),
        })
        .collect();
    let pipeline = PipelineId(Uuid::new_v4());
    Board {
        pipelines: vec![(pipeline, "Sales".into())],
        pipeline,
        pipeline_version: 1,
        columns,
        lost_reasons: Vec::new(),
        default_currency: Currency::USD,
        viewer: UserId(Uuid::new_v4()),
    }
}

#[test]
fn an_unchanged_pipeline_saves_as_loaded() {
    within(|| {
        let editor = Editor::new(&board(&[0, 2]));
        let command = editor.command().expect("valid as loaded");
        assert_eq!(command.name, "Sales");
        assert_eq!(command.stages.len(), 2);
        assert!(command.relocate.is_empty());
    });
}

#[test]
fn bad_figures_are_reported_against_their_stage() {
    within(|| {
        let editor = Editor::new(&board(&[0, 0]));
        let second = editor.stages.get_untracked()[1];
        second.probability.set("abc".into());
        let errors = editor.command().expect_err("probability is not a number");
        assert!(errors.for_field("stage.1").is_some());
        assert!(errors.for_field("stage.0").is_none());
    });
}

#[test]
fn removing_a_stage_with_open_deals_needs_a_destination() {
    within(|| {
        let editor = Editor::new(&board(&[0, 3]));
        let [first, second] = editor.stages.get_untracked()[..] else {
            panic!("two stages");
        };
        editor.remove(second.key);
        let errors = editor.command().expect_err("deals have nowhere to go");
        assert_eq!(
            errors.for_field("relocate"),
            Some("Choose where the 3 open deals in Stage 2 go.")
        );
        editor.removed.get_untracked()[0].destination.set(first.id);
        let command = editor.command().expect("destination chosen");
        assert_eq!(
            command.relocate,
            vec![(second.id.unwrap(), first.id.unwrap())]
        );
    });
}

#[test]
fn stages_move_within_bounds_and_come_back_last() {
    within(|| {
        let editor = Editor::new(&board(&[0, 0, 0]));
        let keys = |e: &Editor| {
            e.stages
                .with_untracked(|s| s.iter().map(|s| s.key).collect::<Vec<_>>())
        };
        editor.shift(0, -1);
        assert_eq!(keys(&editor), vec![0, 1, 2]);
        editor.shift(0, 1);
        assert_eq!(keys(&editor), vec![1, 0, 2]);
        editor.remove(1);
        editor.keep(1);
        assert_eq!(keys(&editor), vec![0, 2, 1]);
    });
}
