//! Dashboard tables as CSV files people open in a spreadsheet.

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted. A cell a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, or a tab or carriage
/// return, which some spreadsheets skip before reading a formula) gets a leading `'`, so
/// a deal named `=HYPERLINK(…)` stays text.
pub fn to_csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| quote(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(cell: &str) -> String {
    let numeric = cell.parse::<f64>().is_ok();
    let cell = if !numeric && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::to_csv;

    #[test]
    fn quotes_what_needs_quoting_and_defuses_formulas() {
        let rows = vec![
            vec!["Stage".to_owned(), "Deals".to_owned()],
            vec!["Needs, assessment".to_owned(), "3".to_owned()],
            vec!["Say \"hi\"".to_owned(), "-2.5".to_owned()],
            vec!["=HYPERLINK(\"x\")".to_owned(), "@sum".to_owned()],
        ];
        assert_eq!(
            to_csv(&rows),
            "Stage,Deals\r\n\"Needs, assessment\",3\r\n\"Say \"\"hi\"\"\",-2.5\r\n\"'=HYPERLINK(\"\"x\"\")\",'@sum\r\n"
        );
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_defused_too() {
        let rows = vec![vec!["\t=cmd|' /C calc'!A0".to_owned(), "\r=1+1".to_owned()]];
        assert_eq!(to_csv(&rows), "'\t=cmd|' /C calc'!A0,\"'\r=1+1\"\r\n");
    }
}
