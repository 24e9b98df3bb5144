use super::*;

fn company(name: &str, domain: &str, employees: &str) -> CompanyInput {
    CompanyInput {
        name: name.into(),
        domain: domain.into(),
        employees: employees.into(),
        ..CompanyInput::default()
    }
}

#[test]
fn company_fields_are_trimmed_and_normalised() {
    let fields = company("  Acme Corp ", "https://www.Acme.COM/", "1,200")
        .validate()
        .unwrap();
    assert_eq!(fields.name, "Acme Corp");
    assert_eq!(fields.domain.as_deref(), Some("acme.com"));
    assert_eq!(fields.employees, Some(1200));
    assert_eq!(fields.industry, None);
}

#[test]
fn bad_company_input_names_each_field() {
    let mut input = company("", "acme", "-5");
    input.industry = "x".repeat(INDUSTRY_MAX + 1);
    input.address = "Main St\u{7}".into();
    let errors = input.validate().unwrap_err();
    for field in ["name", "domain", "employees", "industry", "address"] {
        assert!(
            errors.for_field(field).is_some(),
            "{field} should be refused"
        );
    }
    assert_eq!(
        errors.for_field("employees"),
        Some("The size cannot be negative.")
    );
}

#[test]
fn domains_are_checked_label_by_label() {
    let ok = |d: &str| {
        let mut e = FieldErrors::default();
        rule_domain(&mut e, d);
        e.is_empty()
    };
    assert!(ok("acme.co.uk") && ok("my-shop.example") && ok(""));
    for bad in [
        "acme",
        "acme..com",
        "-acme.com",
        "ac me.com",
        "acme.com/about",
        "a@b.com",
    ] {
        assert!(!ok(bad), "{bad:?} should be refused");
    }
    assert!(!ok(&format!("{}.com", "a".repeat(64))));
}

#[test]
fn sizes_are_whole_non_negative_numbers() {
    for (text, ok) in [
        ("250", true),
        ("0", true),
        ("2.5", false),
        ("many", false),
        ("99999999999", false),
    ] {
        let mut e = FieldErrors::default();
        rule_employees(&mut e, text);
        assert_eq!(e.is_empty(), ok, "{text}");
    }
}

#[test]
fn contact_email_is_optional_but_checked_and_lower_cased() {
    let mut input = ContactInput {
        name: "Dana Scully".into(),
        email: " Dana@FBI.gov ".into(),
        ..ContactInput::default()
    };
    assert_eq!(
        input.validate().unwrap().email.as_deref(),
        Some("dana@fbi.gov")
    );
    input.email = "dana@".into();
    assert!(input.validate().unwrap_err().for_field("email").is_some());
    input.email.clear();
    assert_eq!(input.validate().unwrap().email, None);
}

#[test]
fn phones_allow_what_people_write() {
    let ok = |p: &str| {
        let mut e = FieldErrors::default();
        rule_phone(&mut e, p);
        e.is_empty()
    };
    assert!(ok("+1 (555) 010-0200 ext 12") && ok("030 1234567") && ok(""));
    assert!(!ok("call me") && !ok("12") && !ok(&"1".repeat(PHONE_MAX + 1)));
}

#[test]
fn duplicates_carry_the_existing_record() {
    let id = uuid::Uuid::from_u128(0x2a);
    let error = duplicate_error("email", "Dana Scully already has this e-mail.".into(), id);
    assert_eq!(duplicate_of(&error), Some(id));
    assert!(error.field_message("email").is_some());
    assert_eq!(duplicate_of(&AppError::NotFound), None);
}

#[test]
fn sort_keys_round_trip_and_unknown_falls_back() {
    for sort in ListSort::ALL {
        assert_eq!(ListSort::parse(sort.key()), sort);
    }
    assert_eq!(ListSort::parse("drop table"), ListSort::NameAsc);
}
