//! The lead inbox's service: dedupe on arrival, round-robin fairness and the
//! first-response timer. Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, Utc};
use common::{
    count,
    deals::{fields, workspace},
};
use domain::{
    account::{CurrentUser, NewMember},
    lead::{Answer, ConvertLead, InboxView, LeadSource, NewLead, Qualification},
    lead_rules::InboxFilter,
    Role, UserId,
};
use sea_orm::{ConnectionTrait, Statement};
use service::{CaptureBy, Crm};

fn form(dana: &CurrentUser) -> CaptureBy {
    CaptureBy {
        workspace: dana.workspace_id,
        member: None,
        source: LeadSource::WebForm,
        form: None,
    }
}

/// No search, no filters.
fn all() -> InboxFilter {
    InboxFilter::default()
}

fn person(name: &str, email: &str, phone: &str) -> NewLead {
    NewLead {
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        ..NewLead::default()
    }
}

async fn member(crm: &Crm, name: &str, email: &str, role: Role) -> UserId {
    crm.create_member(
        Some("Acme Sales"),
        NewMember {
            name: name.into(),
            email: email.into(),
            password: "member password 123".into(),
            role,
        },
    )
    .await
    .unwrap()
    .id
}

async fn sql(crm: &Crm, statement: &str) {
    let db = crm.db();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        statement.to_owned(),
    ))
    .await
    .unwrap();
}

async fn the_same_person_merges_into_their_open_lead_and_every_submission_is_kept(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let first = crm
        .capture_lead(form(&dana), person("Ana Silva", "ana@globex.com", ""))
        .await
        .unwrap();
    assert!(!first.merged);
    // Same address in other case, now with a phone: the same lead. An anonymous post
    // changes none of its fields (anyone can type anyone's address); it is a submission.
    let again = crm
        .capture_lead(
            form(&dana),
            person("", " ANA@globex.com", "+1 (555) 010-2030"),
        )
        .await
        .unwrap();
    assert!(again.merged);
    assert_eq!(again.lead, first.lead);
    let unfilled = crm.lead_detail(&dana, first.lead).await.unwrap().lead;
    assert_eq!(unfilled.phone, None);
    // A member entering the same person fills in what the lead lacks.
    let typed = crm
        .add_lead(&dana, person("", "ana@globex.com", "+1 (555) 010-2030"))
        .await
        .unwrap();
    assert_eq!((typed.lead, typed.merged), (first.lead, true));
    // The phone alone, written differently, now finds her.
    let by_phone = crm
        .capture_lead(form(&dana), person("A. Silva", "", "15550102030"))
        .await
        .unwrap();
    assert_eq!(by_phone.lead, first.lead);
    assert_eq!(count(&crm, "leads").await, 1);
    assert_eq!(count(&crm, "lead_submissions").await, 4);
    let listed = crm
        .inbox(&dana, InboxView::Unassigned, &all(), 0)
        .await
        .unwrap();
    assert_eq!(
        listed[0].name.as_deref(),
        Some("Ana Silva"),
        "the first name is kept"
    );
    assert_eq!(listed[0].phone.as_deref(), Some("+1 (555) 010-2030"));
    assert_eq!(listed[0].submissions, 4);

    // Company-only leads match on the domain; people at that company do not.
    let badge = NewLead {
        company: "Globex".into(),
        domain: "https://www.globex.com/".into(),
        ..NewLead::default()
    };
    let company_only = crm.capture_lead(form(&dana), badge.clone()).await.unwrap();
    assert_ne!(company_only.lead, first.lead);
    assert!(crm.capture_lead(form(&dana), badge).await.unwrap().merged);

    // A disqualified lead is closed: the next submission starts a new one.
    let ana = &crm
        .inbox(&dana, InboxView::Unassigned, &all(), 0)
        .await
        .unwrap()[0];
    crm.disqualify_lead(&dana, ana.id, ana.version, "Student project".into())
        .await
        .unwrap();
    let back = crm
        .capture_lead(form(&dana), person("Ana Silva", "ana@globex.com", ""))
        .await
        .unwrap();
    assert!(!back.merged);
    assert_eq!(count(&crm, "leads").await, 3);

    // Nobody to get back to, or a 6,000-character message: refused, nothing written.
    let nobody = crm
        .capture_lead(form(&dana), person("<script>alert(1)</script>", "", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&nobody), ["email"]);
    let essay = NewLead {
        message: "x".repeat(6_000),
        ..person("Bob", "bob@initech.com", "")
    };
    let refused = crm.capture_lead(form(&dana), essay).await.unwrap_err();
    assert_eq!(fields(&refused), ["message"]);
    assert_eq!(count(&crm, "lead_submissions").await, 7);
}

async fn web_leads_go_round_the_reps_in_turn(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let reps = [
        member(&crm, "Rep One", "one@acme.com", Role::Rep).await,
        member(&crm, "Rep Two", "two@acme.com", Role::Rep).await,
        member(&crm, "Rep Three", "three@acme.com", Role::Rep).await,
    ];
    member(&crm, "Mo Marketing", "mo@acme.com", Role::Marketer).await;
    let mut got = Vec::new();
    for n in 0..9 {
        let lead = crm
            .capture_lead(
                form(&dana),
                person("", &format!("buyer{n}@example.org"), ""),
            )
            .await
            .unwrap();
        got.push(lead.owner.unwrap());
    }
    for rep in reps {
        assert_eq!(got.iter().filter(|owner| **owner == rep).count(), 3);
    }
    // Strict turns: no rep gets two in a row.
    assert!(got.windows(2).all(|pair| pair[0] != pair[1]));
    // A quick add by a member is theirs and does not take anyone's turn.
    let quick = crm
        .capture_lead(
            CaptureBy {
                member: Some(dana.user_id),
                source: LeadSource::Manual,
                ..form(&dana)
            },
            person("Walk-in", "walkin@example.org", ""),
        )
        .await
        .unwrap();
    assert_eq!(quick.owner, Some(dana.user_id));
    let next = crm
        .capture_lead(form(&dana), person("", "buyer9@example.org", ""))
        .await
        .unwrap();
    assert_eq!(next.owner, Some(got[0]), "the turn goes on where it was");
}

async fn new_leads_past_the_first_response_target_are_listed_until_someone_responds(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let lead = crm
        .capture_lead(form(&dana), person("Ana", "ana@globex.com", ""))
        .await
        .unwrap();
    assert!(crm
        .inbox(&dana, InboxView::ResponseOverdue, &all(), 0)
        .await
        .unwrap()
        .is_empty());
    let two_hours_ago = (Utc::now() - Duration::hours(2)).to_rfc3339();
    sql(
        &crm,
        &format!("UPDATE leads SET created_at = '{two_hours_ago}'"),
    )
    .await;
    let overdue = crm
        .inbox(&dana, InboxView::ResponseOverdue, &all(), 0)
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].response_overdue);
    assert_eq!(
        crm.inbox_counts(&dana, &all())
            .await
            .unwrap()
            .of(InboxView::ResponseOverdue),
        1
    );

    // Assigning is not a response; qualifying is.
    let assigned = crm
        .assign_lead(&dana, lead.lead, overdue[0].version, Some(dana.user_id))
        .await
        .unwrap();
    assert!(assigned.response_overdue);
    let answers = Qualification {
        need: (Answer::Yes, "Fleet of 40 vans".into()),
        budget: (Answer::Partly, "Approved next quarter".into()),
        ..Qualification::default()
    };
    let qualified = crm
        .qualify_lead(&dana, lead.lead, assigned.version, answers)
        .await
        .unwrap();
    assert!(!qualified.response_overdue);
    assert!(qualified.first_response_at.is_some());
    assert_eq!(qualified.score, 43);
    let counts = crm.inbox_counts(&dana, &all()).await.unwrap();
    assert_eq!(
        (
            counts.of(InboxView::ResponseOverdue),
            counts.of(InboxView::SalesQualified),
            counts.of(InboxView::Mine)
        ),
        (0, 1, 1)
    );
    // A stale version is refused.
    let stale = crm
        .disqualify_lead(&dana, lead.lead, assigned.version, "Spam".into())
        .await
        .unwrap_err();
    assert!(matches!(stale, domain::AppError::Conflict(_)));
}

async fn a_qualified_lead_converts_once_into_contact_company_and_deal(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let ana = NewLead {
        company: "Globex".into(),
        title: "Fleet manager".into(),
        campaign: "Spring vans".into(),
        ..person("Ana Silva", "ana@globex.com", "+1 555 010 2030")
    };
    let lead = crm.capture_lead(form(&dana), ana).await.unwrap();
    let listed = &crm
        .inbox(&dana, InboxView::Unassigned, &all(), 0)
        .await
        .unwrap()[0];
    let answers = Qualification {
        authority: (Answer::Yes, "Signs off fleet purchases".into()),
        ..Qualification::default()
    };
    let qualified = crm
        .qualify_lead(&dana, lead.lead, listed.version, answers)
        .await
        .unwrap();
    let to = |title: &str, value: &str| ConvertLead {
        pipeline: None,
        stage: None,
        title: title.into(),
        value: value.into(),
    };
    // A bad value is refused and nothing is made.
    let refused = crm
        .convert_lead(
            &dana,
            lead.lead,
            qualified.version,
            to("Globex vans", "lots"),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["value"]);
    assert_eq!(count(&crm, "deals").await, 0);
    assert_eq!(count(&crm, "contacts").await, 0);

    let made = crm
        .convert_lead(
            &dana,
            lead.lead,
            qualified.version,
            to("Globex vans", "48,000"),
        )
        .await
        .unwrap();
    let (card, _) = crm
        .board_card(&dana, domain::board::DealFilter::default(), made.deal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (card.title.as_str(), card.value_cents),
        ("Globex vans", 4_800_000)
    );
    assert_eq!(card.company.as_deref(), Some("Globex"));
    let detail = crm.deal_detail(&dana, made.deal).await.unwrap();
    assert_eq!(detail.source.as_deref(), Some("Web form · Spring vans"));
    assert!(made.contact.is_some() && made.company.is_some());

    // Converting twice is impossible.
    let twice = crm
        .convert_lead(&dana, lead.lead, qualified.version + 1, to("Again", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&twice), ["status"]);

    // A colleague from the same company: the company is found, not made again.
    let bo = crm
        .capture_lead(form(&dana), person("Bo Chen", "bo@globex.com", ""))
        .await
        .unwrap();
    let again = crm
        .convert_lead(&dana, bo.lead, 1, to("Globex service plan", ""))
        .await
        .unwrap();
    assert_eq!(again.company, made.company);
    assert_eq!(count(&crm, "companies").await, 1);
    assert_eq!(count(&crm, "contacts").await, 2);
    assert_eq!(count(&crm, "deals").await, 2);
}

on_both_databases!(
    a_qualified_lead_converts_once_into_contact_company_and_deal,
    the_same_person_merges_into_their_open_lead_and_every_submission_is_kept,
    web_leads_go_round_the_reps_in_turn,
    new_leads_past_the_first_response_target_are_listed_until_someone_responds,
);
