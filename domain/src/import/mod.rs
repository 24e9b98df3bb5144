//! Reading deals from a CSV export: which column feeds which field, and turning one row
//! into a checked draft or the reasons it is refused. No IO: the service does the
//! writing, the CLI the reading.

use crate::deal::{parse_text, parse_title, parse_value};
use crate::metrics::DealStatus;
use crate::money::Currency;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Deal fields an import can fill. `Title` may take several columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ImportField {
    Title,
    Value,
    Currency,
    Stage,
    Outcome,
    Owner,
    Company,
    Created,
    Closed,
    ExpectedClose,
    LostReason,
    Source,
}

impl ImportField {
    pub const ALL: [ImportField; 12] = [
        ImportField::Title,
        ImportField::Value,
        ImportField::Currency,
        ImportField::Stage,
        ImportField::Outcome,
        ImportField::Owner,
        ImportField::Company,
        ImportField::Created,
        ImportField::Closed,
        ImportField::ExpectedClose,
        ImportField::LostReason,
        ImportField::Source,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ImportField::Title => "title",
            ImportField::Value => "value",
            ImportField::Currency => "currency",
            ImportField::Stage => "stage",
            ImportField::Outcome => "outcome",
            ImportField::Owner => "owner",
            ImportField::Company => "company",
            ImportField::Created => "created",
            ImportField::Closed => "closed",
            ImportField::ExpectedClose => "expected_close",
            ImportField::LostReason => "lost_reason",
            ImportField::Source => "source",
        }
    }

    pub fn parse(key: &str) -> Option<ImportField> {
        ImportField::ALL.into_iter().find(|f| f.key() == key.trim())
    }
}

/// `field=column[,column…]` pairs resolved against a file's header row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// Per field, the header positions it reads (several only for the title).
    pub columns: Vec<(ImportField, Vec<usize>)>,
}

impl ColumnMap {
    /// Resolves `--map` arguments against the header. Fields not mapped but named like
    /// a header column (`title`, `value`, `stage`, …) are picked up by name.
    ///
    /// # Errors
    /// Every unknown field, missing column and missing required mapping, one line each.
    pub fn resolve(maps: &[String], header: &[String]) -> Result<ColumnMap, Vec<String>> {
        let mut errors = Vec::new();
        let mut columns: Vec<(ImportField, Vec<usize>)> = Vec::new();
        let position = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        };
        for map in maps {
            let Some((field, names)) = map.split_once('=') else {
                errors.push(format!("--map {map:?}: write it as field=column."));
                continue;
            };
            let Some(field) = ImportField::parse(field) else {
                let known: Vec<&str> = ImportField::ALL.iter().map(|f| f.key()).collect();
                errors.push(format!(
                    "--map {map:?}: unknown field {field:?} (known: {}).",
                    known.join(", ")
                ));
                continue;
            };
            if field != ImportField::Title && names.contains(',') {
                errors.push(format!(
                    "--map {map:?}: only the title can be built from several columns."
                ));
                continue;
            }
            let mut found = Vec::new();
            for name in names.split(',') {
                match position(name) {
                    Some(at) => found.push(at),
                    None => errors.push(format!(
                        "--map {map:?}: the file has no column {:?} (it has: {}).",
                        name.trim(),
                        header.join(", ")
                    )),
                }
            }
            columns.retain(|(f, _)| *f != field);
            columns.push((field, found));
        }
        for field in ImportField::ALL {
            if !columns.iter().any(|(f, _)| *f == field) {
                if let Some(at) = position(field.key()) {
                    columns.push((field, vec![at]));
                }
            }
        }
        let has = |field| columns.iter().any(|(f, _)| *f == field);
        if !has(ImportField::Title) {
            errors.push(
                "Map a title: --map title=COLUMN (several columns joined: --map title=a,b).".into(),
            );
        }
        if !has(ImportField::Stage) && !has(ImportField::Outcome) {
            errors.push("Map a stage or an outcome: --map stage=COLUMN.".into());
        }
        if errors.is_empty() {
            columns.sort();
            Ok(ColumnMap { columns })
        } else {
            Err(errors)
        }
    }

    fn cells<'a>(&self, field: ImportField, row: &'a [String]) -> Vec<&'a str> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, at)| {
                at.iter()
                    .filter_map(|i| row.get(*i))
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn cell<'a>(&self, field: ImportField, row: &'a [String]) -> Option<&'a str> {
        self.cells(field, row).into_iter().next()
    }
}

/// How dates like `03/04/2017` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// 03/04/2017 is March 4th.
    #[default]
    MonthFirst,
    /// 03/04/2017 is 3 April.
    DayFirst,
}

/// One row, checked: what the service writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealDraft {
    pub title: String,
    pub value_cents: i64,
    pub currency: Option<Currency>,
    /// None for a won or lost row whose stage column only held the outcome.
    pub stage: Option<String>,
    pub state: DealStatus,
    pub owner: Option<String>,
    pub company: Option<String>,
    pub created_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub expected_close_on: Option<NaiveDate>,
    pub lost_reason: Option<String>,
    pub source: Option<String>,
}

/// `won`, `Closed Won`, `closed-lost`… as an outcome; anything else is not one.
pub fn parse_outcome(text: &str) -> Option<DealStatus> {
    let words: String = text
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphabetic() { c } else { ' ' })
        .collect();
    match words.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["won"] | ["closed", "won"] => Some(DealStatus::Won),
        ["lost"] | ["closed", "lost"] => Some(DealStatus::Lost),
        ["open"] => Some(DealStatus::Open),
        _ => None,
    }
}

/// ISO dates (with or without a time), `2017/03/01`, `01.03.2017`, `03/01/2017` (month
/// or day first, by `order`), `1 Mar 2017`, `Mar 1, 2017`. Empty is no date.
///
/// # Errors
/// Anything else, or a year outside 1990–2100.
pub fn parse_import_date(text: &str, order: DateOrder) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let slashed = match order {
        DateOrder::MonthFirst => "%m/%d/%Y",
        DateOrder::DayFirst => "%d/%m/%Y",
    };
    let formats = [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d.%m.%Y",
        slashed,
        "%d %b %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%B %d, %Y",
    ];
    let date = formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|d| d.date_naive())
        })
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.date())
        })
        .ok_or_else(|| format!("{text:?} is not a date (use YYYY-MM-DD)"))?;
    let year = chrono::Datelike::year(&date);
    if !(1990..=2100).contains(&year) {
        return Err(format!("{text:?} is outside 1990–2100"));
    }
    Ok(Some(date))
}

/// Checks one row. The stage column may hold an outcome (`Won`, `Closed Lost`), which
/// then sets the status; a mapped outcome column wins over it.
///
/// # Errors
/// Every reason the row cannot be imported, each naming the field.
pub fn read_row(
    map: &ColumnMap,
    row: &[String],
    order: DateOrder,
) -> Result<DealDraft, Vec<String>> {
    let mut errors = Vec::new();
    let title = note(
        &mut errors,
        "title",
        parse_title(&map.cells(ImportField::Title, row).join(" · ")),
    );
    let value = map.cell(ImportField::Value, row).unwrap_or("");
    let value_cents = note(
        &mut errors,
        "value",
        parse_value(value.trim_start_matches(['$', '€', '£'])),
    );
    let currency = map
        .cell(ImportField::Currency, row)
        .and_then(|code| note(&mut errors, "currency", Currency::parse(code)));
    let stage_cell = map.cell(ImportField::Stage, row);
    let outcome_cell = map.cell(ImportField::Outcome, row);
    let outcome = outcome_cell.and_then(|text| {
        let parsed =
            parse_outcome(text).ok_or_else(|| format!("{text:?} is not won, lost or open"));
        note(&mut errors, "outcome", parsed)
    });
    let stage_outcome = stage_cell.and_then(parse_outcome);
    let state = outcome.or(stage_outcome).unwrap_or(DealStatus::Open);
    let stage = stage_cell
        .filter(|_| stage_outcome.is_none())
        .and_then(|cell| {
            note(
                &mut errors,
                "stage",
                parse_text(cell, "the stage name", crate::validation::NAME_MAX),
            )
            .flatten()
        });
    if stage_cell.is_none() && state == DealStatus::Open {
        errors.push("stage: an open deal needs a stage".into());
    }
    let mut date = |field: ImportField| {
        let cell = map.cell(field, row).unwrap_or("");
        note(&mut errors, field.key(), parse_import_date(cell, order)).flatten()
    };
    let created_on = date(ImportField::Created);
    let closed_on = date(ImportField::Closed);
    let expected_close_on = date(ImportField::ExpectedClose);
    let mut text = |field: ImportField, max: usize| {
        let cell = map.cell(field, row).unwrap_or("");
        note(&mut errors, field.key(), parse_text(cell, field.key(), max)).flatten()
    };
    // The widths of the records they become: a member's name, a company's name, a
    // deal's lost reason and source.
    let owner = text(ImportField::Owner, crate::validation::NAME_MAX);
    let company = text(ImportField::Company, crate::company::COMPANY_NAME_MAX);
    let lost_reason = text(ImportField::LostReason, crate::deal::LOST_REASON_MAX);
    let source = text(ImportField::Source, crate::deal::SOURCE_MAX);
    if state != DealStatus::Open
        && closed_on.is_none()
        && map.cell(ImportField::Closed, row).is_none()
    {
        errors.push("closed: a won or lost deal needs its close date".into());
    }
    if let (Some(created), Some(closed)) = (created_on, closed_on) {
        if closed < created {
            errors.push(format!(
                "closed: {closed} is before the deal was created ({created})"
            ));
        }
    }
    match (title, value_cents) {
        (Some(title), Some(value_cents)) if errors.is_empty() => Ok(DealDraft {
            title,
            value_cents,
            currency,
            stage,
            state,
            owner,
            company,
            created_on,
            closed_on: closed_on.filter(|_| state != DealStatus::Open),
            expected_close_on,
            lost_reason: lost_reason.filter(|_| state == DealStatus::Lost),
            source,
        }),
        _ => Err(errors),
    }
}

/// Keeps a parsed value, or records why it failed under the field's name.
fn note<T>(errors: &mut Vec<String>, field: &str, result: Result<T, String>) -> Option<T> {
    result
        .map_err(|message| errors.push(format!("{field}: {message}")))
        .ok()
}

#[cfg(test)]
mod tests;
