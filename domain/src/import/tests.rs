use super::*;

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

fn maven_map() -> ColumnMap {
    let header = strings(&[
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    ]);
    let maps = strings(&[
        "title=product,account",
        "owner=sales_agent",
        "company=account",
        "stage=deal_stage",
        "created=engage_date",
        "closed=close_date",
        "value=close_value",
    ]);
    ColumnMap::resolve(&maps, &header).expect("mapping")
}

#[test]
fn outcomes_are_recognised_in_any_spelling() {
    for won in ["Won", "won", "Closed Won", "closed-won", "CLOSED_WON"] {
        assert_eq!(parse_outcome(won), Some(DealStatus::Won), "{won}");
    }
    for lost in ["Lost", "Closed Lost", "closed lost"] {
        assert_eq!(parse_outcome(lost), Some(DealStatus::Lost), "{lost}");
    }
    assert_eq!(parse_outcome("Engaging"), None);
    assert_eq!(parse_outcome("Won over"), None);
}

#[test]
fn dates_in_common_formats() {
    let expect = NaiveDate::from_ymd_opt(2017, 3, 4);
    for text in [
        "2017-03-04",
        "2017/03/04",
        "04.03.2017",
        "03/04/2017",
        "4 Mar 2017",
        "Mar 4, 2017",
        "2017-03-04T10:00:00Z",
        "2017-03-04 10:00:00",
    ] {
        assert_eq!(
            parse_import_date(text, DateOrder::MonthFirst),
            Ok(expect),
            "{text}"
        );
    }
    assert_eq!(
        parse_import_date("04/03/2017", DateOrder::DayFirst),
        Ok(expect)
    );
    assert_eq!(parse_import_date("", DateOrder::MonthFirst), Ok(None));
    assert!(parse_import_date("2017-02-30", DateOrder::MonthFirst).is_err());
    assert!(parse_import_date("yesterday", DateOrder::MonthFirst).is_err());
    assert!(parse_import_date("1850-01-01", DateOrder::MonthFirst).is_err());
}

#[test]
fn a_maven_row_with_the_outcome_in_the_stage_column() {
    let row = strings(&[
        "1C1I7A6R",
        "Moses Frase",
        "GTX Plus Basic",
        "Cancity",
        "Won",
        "2016-10-20",
        "2017-03-01",
        "1054",
    ]);
    let draft = read_row(&maven_map(), &row, DateOrder::MonthFirst).expect("row");
    assert_eq!(draft.title, "GTX Plus Basic · Cancity");
    assert_eq!(draft.state, DealStatus::Won);
    assert_eq!(draft.stage, None);
    assert_eq!(draft.value_cents, 105_400);
    assert_eq!(draft.owner.as_deref(), Some("Moses Frase"));
    assert_eq!(draft.created_on, NaiveDate::from_ymd_opt(2016, 10, 20));
    assert_eq!(draft.closed_on, NaiveDate::from_ymd_opt(2017, 3, 1));
}

#[test]
fn an_open_row_keeps_its_stage_and_may_lack_dates_and_account() {
    let row = strings(&[
        "3LCLVRVV",
        "Anna Snelling",
        "GTX Basic",
        "",
        "Prospecting",
        "",
        "",
        "",
    ]);
    let draft = read_row(&maven_map(), &row, DateOrder::MonthFirst).expect("row");
    assert_eq!(
        (draft.title.as_str(), draft.stage.as_deref()),
        ("GTX Basic", Some("Prospecting"))
    );
    assert_eq!(
        (draft.company, draft.created_on, draft.value_cents),
        (None, None, 0)
    );
}

#[test]
fn bad_rows_get_every_reason() {
    let row = strings(&["X", "Ana", "", "", "Won", "someday", "", "-5"]);
    let reasons = read_row(&maven_map(), &row, DateOrder::MonthFirst).expect_err("refused");
    assert!(
        reasons.iter().any(|r| r.starts_with("title:")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("value:") && r.contains("negative")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("created:")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("needs its close date")),
        "{reasons:?}"
    );
    let backwards = strings(&["X", "Ana", "P", "", "Lost", "2017-03-02", "2017-03-01", "0"]);
    let reasons = read_row(&maven_map(), &backwards, DateOrder::MonthFirst).expect_err("refused");
    assert!(
        reasons[0].contains("before the deal was created"),
        "{reasons:?}"
    );
}

#[test]
fn a_separate_outcome_column_wins_and_mapping_errors_name_the_column() {
    let header = strings(&["Name", "Stage", "Result", "Closed"]);
    let map = ColumnMap::resolve(
        &strings(&[
            "title=Name",
            "stage=Stage",
            "outcome=Result",
            "closed=Closed",
        ]),
        &header,
    )
    .expect("map");
    let row = strings(&["Big one", "Negotiation", "Closed Lost", "2026-01-02"]);
    let draft = read_row(&map, &row, DateOrder::MonthFirst).expect("row");
    assert_eq!(
        (draft.state, draft.stage.as_deref()),
        (DealStatus::Lost, Some("Negotiation"))
    );

    let errors = ColumnMap::resolve(
        &strings(&["title=Nom", "colour=Stage", "value=Stage,Result"]),
        &header,
    )
    .expect_err("refused");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("no column \"Nom\""));
    assert!(errors[1].contains("unknown field \"colour\""));
    let missing = ColumnMap::resolve(&[], &strings(&["Amount"])).expect_err("refused");
    assert!(missing.iter().any(|e| e.contains("Map a title")));
}

#[test]
fn imported_text_is_bounded_by_the_records_it_becomes() {
    let row = |stage: &str, owner: &str, company: &str| {
        strings(&["X", owner, "Deal", company, stage, "", "", ""])
    };
    let name = "n".repeat(crate::validation::NAME_MAX);
    let company = "c".repeat(crate::company::COMPANY_NAME_MAX);
    let draft = read_row(
        &maven_map(),
        &row(&name, &name, &company),
        DateOrder::MonthFirst,
    )
    .expect("the limits themselves are accepted");
    assert_eq!(draft.stage.as_deref(), Some(name.as_str()));
    let long = format!("{name}n");
    let reasons = read_row(
        &maven_map(),
        &row(&long, &long, &format!("{company}c")),
        DateOrder::MonthFirst,
    )
    .expect_err("refused");
    assert_eq!(
        reasons,
        [
            "stage: Keep the stage name to 80 characters or fewer.",
            "owner: Keep owner to 80 characters or fewer.",
            "company: Keep company to 160 characters or fewer.",
        ]
    );
}
