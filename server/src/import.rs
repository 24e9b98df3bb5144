//! `pipewright import deals FILE.csv`: reads the file, checks every row with
//! `domain::import`, and hands the checked rows to the service's one import operation.

use crate::cli::ImportDealsArgs;
use domain::{
    import::{read_row, ColumnMap, DateOrder},
    money::Currency,
    AppError,
};
use service::{Crm, ImportOptions, ImportReport, ImportRow};
use std::io::{IsTerminal, Write};

type Failure = Box<dyn std::error::Error>;

/// Runs the import and prints its report; fails when rows were refused (and the
/// import was neither partial nor a dry run) or the file cannot be read.
///
/// # Errors
/// Unreadable file, bad mapping, unknown workspace or pipeline, refused rows.
pub async fn import_deals(crm: &Crm, args: &ImportDealsArgs) -> Result<(), Failure> {
    let viewer = crm
        .workspace_admin(args.workspace.as_deref())
        .await
        .map_err(|_| "no single workspace matches (or it has no active admin): pass --workspace with its exact name, or create one with `pipewright workspace create`")?;
    let currency = match &args.currency {
        Some(code) => Some(Currency::parse(code)?),
        None => None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header row of {}: {e}", args.file.display()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let map = ColumnMap::resolve(&args.maps, &header).map_err(|errors| errors.join("\n"))?;
    let order = if args.day_first {
        DateOrder::DayFirst
    } else {
        DateOrder::MonthFirst
    };
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        // Line numbers as an editor shows them (the header is line 1).
        let line = index + 2;
        let cells: Vec<String> = match record {
            Ok(record) => record.iter().map(str::to_owned).collect(),
            Err(error) => {
                refused.push((line, vec![format!("unreadable row: {error}")]));
                continue;
            }
        };
        if cells.len() != header.len() {
            refused.push((
                line,
                vec![format!(
                    "{} cells where the header has {}",
                    cells.len(),
                    header.len()
                )],
            ));
            continue;
        }
        match read_row(&map, &cells, order) {
            Ok(draft) => rows.push(ImportRow { line, draft }),
            Err(reasons) => refused.push((line, reasons)),
        }
    }
    let options = ImportOptions {
        pipeline: args.pipeline.clone(),
        create_stages: args.create_stages,
        stage_order: args.stages.clone(),
        currency,
        dry_run: args.dry_run,
        partial: args.partial,
    };
    let mut bar = ProgressBar::new();
    let report = crm
        .import_deals(&viewer, rows, refused, &options, &mut |done, total| {
            bar.show(done, total)
        })
        .await
        .map_err(|error| match error {
            AppError::Validation(errors) => errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            other => other.message(),
        })?;
    bar.finish();
    if report.committed {
        // Many new rows: let the planner see them before the dashboard asks.
        crm.analyze().await.map_err(|e| e.message())?;
    }
    print_report(&report, args);
    if report.committed || args.dry_run {
        Ok(())
    } else {
        Err(format!(
            "nothing imported: {} rows refused (fix them, or pass --partial to import the rest)",
            report.refused.len()
        )
        .into())
    }
}

fn print_report(report: &ImportReport, args: &ImportDealsArgs) {
    println!("Read {} rows of {}.", report.rows, args.file.display());
    for (line, reasons) in &report.refused {
        println!("  line {line}: {}", reasons.join("; "));
    }
    let placed = report.open + report.won + report.lost;
    println!(
        "Pipeline \"{}\": {placed} rows fit ({} open, {} won, {} lost), {} refused.",
        report.pipeline,
        report.open,
        report.won,
        report.lost,
        report.refused.len()
    );
    if !report.new_stages.is_empty() {
        println!("New stages: {}.", report.new_stages.join(", "));
    }
    if !report.new_owners.is_empty() {
        println!(
            "New owners (accounts that cannot sign in until invited): {}.",
            report.new_owners.join(", ")
        );
    }
    if report.new_companies > 0 {
        println!("New companies: {}.", report.new_companies);
    }
    if report.undated > 0 {
        println!(
            "Rows without a created date, dated today: {}.",
            report.undated
        );
    }
    if report.committed {
        println!("Imported {} deals.", report.imported);
    } else if args.dry_run {
        println!("Dry run: nothing was written.");
    }
}

/// A one-line bar on stderr, only when a person is watching.
struct ProgressBar {
    shown: bool,
}

impl ProgressBar {
    fn new() -> ProgressBar {
        ProgressBar { shown: false }
    }

    fn show(&mut self, done: usize, total: usize) {
        let mut err = std::io::stderr();
        if !err.is_terminal() || total == 0 {
            return;
        }
        let filled = done * 30 / total;
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total} deals",
            "#".repeat(filled),
            " ".repeat(30 - filled)
        );
        let _ = err.flush();
        self.shown = true;
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
