use super::*;

fn proposal() -> EntryCriteria {
    EntryCriteria {
        fields: vec![DealField::Value, DealField::ExpectedCloseOn],
        checklist: vec!["Budget confirmed".into()],
    }
}

#[test]
fn an_empty_deal_lacks_every_criterion_in_order() {
    let missing = missing_for_entry(&DealFacts::default(), &proposal());
    assert_eq!(
        missing,
        vec![
            Missing::Field(DealField::Value),
            Missing::Field(DealField::ExpectedCloseOn),
            Missing::Checklist("Budget confirmed".into()),
        ]
    );
    assert_eq!(
        describe_missing(&missing),
        "Value, Expected close date and Checklist: Budget confirmed"
    );
}

#[test]
fn filling_the_missing_fields_allows_entry() {
    let mut facts = DealFacts::default();
    let changes = validate_changes(&[
        DealChange::Value("12,500.50".into()),
        DealChange::ExpectedCloseOn("2027-03-31".into()),
        DealChange::Check("Budget confirmed".into(), true),
    ])
    .unwrap();
    for change in &changes {
        change.apply_to(&mut facts);
    }
    assert_eq!(facts.value_cents, 1_250_050);
    assert!(missing_for_entry(&facts, &proposal()).is_empty());
    assert!(missing_for_entry(&facts, &EntryCriteria::default()).is_empty());
}

#[test]
fn a_decision_maker_is_a_contact_with_that_role() {
    let criteria = EntryCriteria {
        fields: vec![DealField::DecisionMaker],
        checklist: vec![],
    };
    let mut facts = DealFacts::default();
    ValidChange::AddContact(ContactId(uuid::Uuid::nil()), ContactRole::Champion)
        .apply_to(&mut facts);
    assert_eq!(missing_for_entry(&facts, &criteria).len(), 1);
    ValidChange::AddContact(ContactId(uuid::Uuid::nil()), ContactRole::DecisionMaker)
        .apply_to(&mut facts);
    assert!(missing_for_entry(&facts, &criteria).is_empty());
}

#[test]
fn criteria_round_trip_through_storage() {
    let criteria = proposal();
    let stored = EntryCriteria::decode(&criteria.encode_fields(), &criteria.encode_checklist());
    assert_eq!(stored, criteria);
    assert_eq!(
        EntryCriteria::decode("value,unknown,,", " a \n\n a\nb"),
        EntryCriteria {
            fields: vec![DealField::Value],
            checklist: vec!["a".into(), "b".into()],
        }
    );
}

#[test]
fn values_are_exact_decimals_within_reason() {
    assert_eq!(parse_value("12,500.5"), Ok(1_250_050));
    assert_eq!(parse_value(" 0 "), Ok(0));
    assert_eq!(parse_value(""), Ok(0));
    assert_eq!(parse_value("1 000 000"), Ok(100_000_000));
    assert!(parse_value("-5").is_err());
    assert!(parse_value("12.345").is_err());
    assert!(parse_value("ten").is_err());
    assert!(parse_value("1e9").is_err());
    assert!(parse_value("99999999999999999999").is_err());
    assert!(parse_value("1000000000001").is_err());
}

#[test]
fn bad_input_is_refused_field_by_field() {
    let errors = validate_changes(&[
        DealChange::Title("x".repeat(10_000)),
        DealChange::Currency("XYZ".into()),
        DealChange::ExpectedCloseOn("next Tuesday".into()),
        DealChange::Value("-1".into()),
        DealChange::NextStep("Call".into()),
    ])
    .unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "currency", "expected_close_on", "value"]);
    assert!(parse_date("2027-02-30").is_err());
    let long_source = validate_changes(&[DealChange::Source("s".repeat(SOURCE_MAX + 1))]);
    assert!(
        long_source.is_err(),
        "the source column holds 80 characters"
    );
    let split = validate_changes(&[DealChange::Check("one\ntwo".into(), true)]);
    assert!(split.is_err(), "a newline would split one item into two");
    assert!(parse_date("1899-01-01").is_err());
    assert_eq!(parse_date(""), Ok(None));
}

#[test]
fn tags_are_normalised() {
    assert_eq!(
        parse_tags(" Enterprise, q4 ,enterprise,,"),
        Ok(vec!["enterprise".to_owned(), "q4".to_owned()])
    );
    assert!(parse_tags(&"t,".repeat(5).replace('t', "a")).is_ok());
    let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    assert!(parse_tags(&many.join(",")).is_err());
}

#[test]
fn rotting_starts_after_the_stage_allowance() {
    assert!(!is_rotting(14, 14));
    assert!(is_rotting(15, 14));
    assert!(!is_rotting(400, 0), "0 days means the stage never rots");
}
