use super::*;
use crate::stored::Listed;

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
fn criteria_are_stored_as_json_arrays_of_keys_and_items() {
    let criteria = proposal();
    let fields = Listed(criteria.fields.clone()).to_json();
    assert_eq!(fields, r#"["value","expected_close_on"]"#);
    let back: Vec<DealField> = serde_json::from_str(&fields).unwrap();
    assert_eq!(back, criteria.fields);
    let tags = Listed(vec!["vip".to_owned(), r#"say "hi""#.to_owned()]).to_json();
    assert_eq!(tags, r#"["vip","say \"hi\""]"#);
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

#[test]
fn a_request_makes_at_most_changes_max_edits() {
    let at_limit = vec![DealChange::NextStep("Call".into()); CHANGES_MAX];
    assert!(validate_changes(&at_limit).is_ok());
    let over = vec![DealChange::NextStep("Call".into()); CHANGES_MAX + 1];
    let errors = validate_changes(&over).unwrap_err();
    assert_eq!(errors.0.len(), 1, "one message, not one per change");
    assert_eq!(
        errors.for_field("changes"),
        Some("Make at most 50 changes to a deal at once.")
    );
}

#[test]
fn tags_are_bounded_as_typed_and_stop_at_the_first_extra_tag() {
    let ten: Vec<String> = (0..TAGS_MAX).map(|i| format!("tag{i}")).collect();
    assert_eq!(parse_tags(&ten.join(", ")).map(|t| t.len()), Ok(TAGS_MAX));
    let eleven: Vec<String> = (0..=TAGS_MAX).map(|i| format!("t{i}")).collect();
    assert_eq!(
        parse_tags(&eleven.join(",")),
        Err("Use at most 10 tags.".into())
    );
    assert!(
        parse_tags(&"a".repeat(TAGS_TEXT_MAX)).is_err(),
        "one tag too long"
    );
    assert!(parse_tags(&",".repeat(TAGS_TEXT_MAX)).is_ok());
    assert_eq!(
        parse_tags(&",".repeat(TAGS_TEXT_MAX + 1)),
        Err("Keep the tags to 400 characters or fewer.".into())
    );
}

#[test]
fn lost_reason_lists_are_bounded_in_lines_and_reasons() {
    let mut lines = vec![String::new(); LOST_REASON_LINES_MAX - 1];
    lines.push("Price".into());
    assert_eq!(parse_lost_reasons(&lines), Ok(vec!["Price".to_owned()]));
    lines.push("Timing".into());
    assert_eq!(
        parse_lost_reasons(&lines),
        Err("Keep the list to 100 lines or fewer.".into())
    );
    let thirty: Vec<String> = (0..LOST_REASONS_MAX).map(|i| format!("R{i}")).collect();
    assert_eq!(parse_lost_reasons(&thirty).map(|r| r.len()), Ok(30));
    let thirty_one: Vec<String> = (0..=LOST_REASONS_MAX).map(|i| format!("R{i}")).collect();
    assert_eq!(
        parse_lost_reasons(&thirty_one),
        Err("Keep it to 30 reasons.".into())
    );
}

#[test]
fn a_lost_reason_in_a_close_request_is_bounded() {
    assert!(check_lost_reason(&"r".repeat(LOST_REASON_MAX)).is_ok());
    assert_eq!(
        check_lost_reason(&"r".repeat(LOST_REASON_MAX + 1)),
        Err("Keep the reason to 120 characters or fewer.".into())
    );
    let lost = crate::board::Outcome::Lost {
        reason: "é".repeat(LOST_REASON_MAX + 1),
    };
    let refused = lost.check().unwrap_err();
    assert_eq!(refused.status_code(), 422);
    assert!(refused.field_message("lost_reason").is_some());
    assert!(crate::board::Outcome::Won.check().is_ok());
}

#[test]
fn a_deal_keeps_a_bounded_number_of_ticked_items() {
    let mut checked: Vec<String> = (1..CHECKED_MAX).map(|i| format!("item {i}")).collect();
    assert_eq!(tick(&mut checked, "last".into(), true), Ok(()));
    assert_eq!(checked.len(), CHECKED_MAX);
    assert_eq!(
        tick(&mut checked, "one more".into(), true),
        Err("A deal keeps at most 400 ticked checklist items; untick some first.".into())
    );
    assert_eq!(
        tick(&mut checked, "last".into(), true),
        Ok(()),
        "re-ticking"
    );
    assert_eq!(tick(&mut checked, "last".into(), false), Ok(()));
    assert_eq!(checked.len(), CHECKED_MAX - 1);
}

#[test]
fn a_deal_has_a_bounded_number_of_contacts() {
    assert!(check_contact_room(DEAL_CONTACTS_MAX - 1).is_ok());
    assert_eq!(
        check_contact_room(DEAL_CONTACTS_MAX),
        Err("A deal can have at most 50 contacts; remove one first.".into())
    );
}
