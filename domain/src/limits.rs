//! Bounds on everything a request can ask for, shared by the browser (which keeps its
//! controls inside them) and the server (which refuses anything outside with a 422).
//!
//! The rule behind each number: no request may make the server do work, or allocate,
//! in proportion to a number the client chose. A period is capped in days, a page in
//! its number, a search in its length, a list in its items.

use crate::{AppError, FieldErrors};
use chrono::NaiveDate;

/// Largest request body accepted (forms and JSON calls are small).
pub const BODY_MAX_BYTES: usize = 64 * 1024;
/// Highest zero-based page number of any list; far beyond what a person pages through,
/// and small enough that `page × page size` never overflows.
pub const PAGE_MAX: u64 = 10_000;
/// Longest board-column offset (a column's "show more" at 30 cards a page).
pub const OFFSET_MAX: u64 = PAGE_MAX * 30;
/// Longest search text, in characters: enough for a full name or e-mail, and short
/// enough for SQLite's LIKE pattern limit and a cheap scan.
pub const SEARCH_MAX: usize = 200;
/// Earliest and latest day a period or a date filter may name.
pub const FIRST_DAY: (i32, u32, u32) = (1970, 1, 1);
pub const LAST_DAY: (i32, u32, u32) = (2100, 12, 31);
/// Longest period a report covers: ten years (and their leap days).
pub const PERIOD_MAX_DAYS: i64 = 3_653;
/// Most records one bulk request may change.
pub const BULK_MAX: usize = 200;

/// The first day a date may be.
pub fn first_day() -> NaiveDate {
    let (y, m, d) = FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The last day a date may be.
pub fn last_day() -> NaiveDate {
    let (y, m, d) = LAST_DAY;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MAX)
}

/// Records a problem when `day` lies outside 1970–2100.
pub fn check_day(errors: &mut FieldErrors, field: &str, day: NaiveDate) {
    if day < first_day() || day > last_day() {
        errors.add(
            field,
            format!(
                "Choose a date between {} and {}.",
                first_day().format("%-d %b %Y"),
                last_day().format("%-d %b %Y")
            ),
        );
    }
}

/// A page number, refused past `PAGE_MAX`.
///
/// # Errors
/// `Validation` on `page` when it is out of range.
pub fn check_page(page: u64) -> Result<u64, AppError> {
    if page > PAGE_MAX {
        return Err(AppError::invalid(
            "page",
            format!("Pages go up to {PAGE_MAX}; narrow the filter to find older records."),
        ));
    }
    Ok(page)
}

/// A column offset, refused past `OFFSET_MAX`.
///
/// # Errors
/// `Validation` on `offset` when it is out of range.
pub fn check_offset(offset: u64) -> Result<u64, AppError> {
    if offset > OFFSET_MAX {
        return Err(AppError::invalid(
            "offset",
            format!("A column shows at most {OFFSET_MAX} cards; filter the board instead."),
        ));
    }
    Ok(offset)
}

/// A search text, refused when longer than `SEARCH_MAX` characters.
///
/// # Errors
/// `Validation` on `field` when the text is too long.
pub fn check_search(field: &str, text: &str) -> Result<(), AppError> {
    if text.chars().count() > SEARCH_MAX {
        return Err(AppError::invalid(
            field,
            format!("Search for at most {SEARCH_MAX} characters."),
        ));
    }
    Ok(())
}

/// A bulk change of `count` records, refused past `BULK_MAX`.
///
/// # Errors
/// `Validation` on `deals` when too many are picked.
pub fn check_bulk(count: usize) -> Result<(), AppError> {
    if count > BULK_MAX {
        return Err(AppError::invalid(
            "deals",
            format!("Pick at most {BULK_MAX} deals at once."),
        ));
    }
    Ok(())
}

/// Room for one more record in a list a workspace keeps whole (pipelines, teams, forms,
/// rules): refused once `existing` has reached `max`, with `message` on `field`.
///
/// # Errors
/// `Validation` on `field` when the list is full.
pub fn check_room(field: &str, existing: u64, max: usize, message: &str) -> Result<(), AppError> {
    let max = u64::try_from(max).unwrap_or(u64::MAX);
    if existing >= max {
        return Err(AppError::invalid(field, message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_changes_stop_at_their_bound() {
        assert!(check_bulk(BULK_MAX).is_ok());
        let refused = check_bulk(BULK_MAX + 1).unwrap_err();
        assert_eq!(refused.status_code(), 422);
        assert_eq!(
            refused.field_message("deals").as_deref(),
            Some("Pick at most 200 deals at once.")
        );
    }

    #[test]
    fn a_full_list_has_no_room() {
        assert!(check_room("name", 4, 5, "Full.").is_ok());
        let refused = check_room("name", 5, 5, "Full.").unwrap_err();
        assert_eq!(refused.field_message("name").as_deref(), Some("Full."));
    }

    #[test]
    fn pages_and_offsets_stop_at_their_bounds() {
        assert_eq!(check_page(PAGE_MAX), Ok(PAGE_MAX));
        let refused = check_page(u64::MAX).unwrap_err();
        assert_eq!(refused.status_code(), 422);
        assert!(refused.field_message("page").is_some());
        assert!(check_offset(u64::MAX).is_err());
        assert!(
            PAGE_MAX.checked_mul(100).is_some(),
            "page × size cannot overflow"
        );
    }

    #[test]
    fn search_counts_characters_not_bytes() {
        assert!(check_search("text", &"é".repeat(SEARCH_MAX)).is_ok());
        assert!(check_search("text", &"a".repeat(SEARCH_MAX + 1)).is_err());
    }

    #[test]
    fn days_outside_1970_to_2100_are_refused() {
        let mut errors = FieldErrors::default();
        check_day(&mut errors, "from", first_day());
        check_day(&mut errors, "to", last_day());
        assert!(errors.is_empty());
        check_day(&mut errors, "to", NaiveDate::MAX);
        check_day(&mut errors, "from", NaiveDate::MIN);
        assert_eq!(errors.0.len(), 2);
        assert!(errors.for_field("to").unwrap().contains("2100"));
    }
}
