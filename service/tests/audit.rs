//! The activity log: filters, before → after, where each change came from, addresses for
//! sign-ins and permission changes, bounded pages, the CSV download, admins only. On
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Days, Utc};
use common::{
    deals::{board, move_to, new_deal, rep, stage, workspace},
    origin,
};
use domain::{
    account::{CurrentUser, SignIn},
    audit::{AuditLine, AuditQuery, AUDIT_SCAN},
    event::{EventKind, Origin, Subject},
    AppError, Role,
};
use sea_orm::{sea_query::Query, ConnectionTrait};
use service::{Crm, EventSource, SignInOrigin};

const PIXEL: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

async fn log(crm: &Crm, admin: &CurrentUser, query: AuditQuery) -> Vec<AuditLine> {
    crm.activity_log(admin, &query).await.unwrap().lines
}

fn only(action: EventKind) -> AuditQuery {
    AuditQuery {
        action: Some(action),
        ..AuditQuery::default()
    }
}

async fn a_stage_move_is_found_by_person_and_date_with_where_it_came_from(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let deal = new_deal(&crm, &sam, "Globex fleet", vec![]).await;
    let to = stage(&board(&crm, &sam).await, "Initial contact");
    // As the server's edge would set it for a phone on 10.1.2.3.
    EventSource::browser(PIXEL, "10.1.2.3")
        .scope(crm.move_deal(&sam, move_to(&deal, to, vec![])))
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let query = AuditQuery {
        person: Some(sam.user_id.0),
        action: Some(EventKind::DealMoved),
        from: Some(today),
        to: Some(today),
        ..AuditQuery::default()
    };
    let lines = log(&crm, &dana, query.clone()).await;
    assert_eq!(lines.len(), 1);
    let moved = &lines[0];
    assert_eq!(moved.person.as_deref(), Some("Sam Rep"));
    assert_eq!(moved.record.name, "Globex fleet");
    assert_eq!(moved.record.subject, Subject::Deal(deal.card.id.0));
    assert_eq!(moved.change_text(), "Stage: Qualified → Initial contact");
    assert_eq!(moved.origin, Some(Origin::Phone));
    assert_eq!(
        moved.address, None,
        "a rep's moves are not a location trail"
    );

    let tomorrow = today.checked_add_days(Days::new(1)).unwrap();
    let later = AuditQuery {
        from: Some(tomorrow),
        to: Some(tomorrow),
        ..query.clone()
    };
    assert!(log(&crm, &dana, later).await.is_empty());
    let yesterday = AuditQuery {
        from: today.checked_sub_days(Days::new(1)),
        to: today.checked_sub_days(Days::new(1)),
        ..query
    };
    assert!(log(&crm, &dana, yesterday).await.is_empty());
    let by_dana = AuditQuery {
        person: Some(dana.user_id.0),
        action: Some(EventKind::DealMoved),
        ..AuditQuery::default()
    };
    assert!(log(&crm, &dana, by_dana).await.is_empty());
    // Created outside any request: the server's own door.
    let created = log(&crm, &dana, only(EventKind::DealCreated)).await;
    assert_eq!(created[0].origin, Some(Origin::System));
}

async fn sign_ins_failures_and_role_changes_keep_their_address(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let wrong = SignIn {
        email: "sam@acme.com".into(),
        password: "not sam's password".into(),
    };
    crm.sign_in(wrong, origin("203.0.113.9")).await.unwrap_err();
    let right = SignIn {
        email: "sam@acme.com".into(),
        password: "rep password 123".into(),
    };
    let from_phone = SignInOrigin {
        user_agent: PIXEL.into(),
        ..origin("198.51.100.4")
    };
    crm.sign_in(right, from_phone).await.unwrap();
    let failed = log(&crm, &dana, only(EventKind::SignInFailed)).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].person, None, "nobody signed in did it");
    assert_eq!(failed[0].record.name, "Sam Rep");
    assert_eq!(failed[0].address.as_deref(), Some("203.0.113.9"));
    let signed_in = log(&crm, &dana, only(EventKind::SignedIn)).await;
    let sams: Vec<_> = signed_in
        .iter()
        .filter(|line| line.person.as_deref() == Some("Sam Rep"))
        .collect();
    assert_eq!(sams.len(), 1);
    assert_eq!(sams[0].address.as_deref(), Some("198.51.100.4"));
    assert_eq!(sams[0].origin, Some(Origin::Phone));
    assert_eq!(sams[0].change_text(), "Device: Chrome on Android");

    let version = crm
        .team(&dana)
        .await
        .unwrap()
        .members
        .iter()
        .find(|m| m.id == sam.user_id)
        .unwrap()
        .version;
    EventSource::browser("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "192.0.2.1")
        .scope(crm.change_role(&dana, (sam.user_id, version), Role::Manager))
        .await
        .unwrap();
    let role = log(&crm, &dana, only(EventKind::MemberRoleChanged)).await;
    assert_eq!(role[0].change_text(), "Role: rep → manager");
    assert_eq!(role[0].address.as_deref(), Some("192.0.2.1"));
    assert_eq!(role[0].origin, Some(Origin::Browser));
    let members = AuditQuery {
        record: Some(Subject::Member(sam.user_id.0)),
        ..AuditQuery::default()
    };
    let about_sam = log(&crm, &dana, members).await;
    assert!(
        about_sam.len() >= 3,
        "joined, failed, signed in, role: {about_sam:?}"
    );
    assert!(about_sam
        .iter()
        .all(|l| l.record.subject == Subject::Member(sam.user_id.0)));
}

async fn a_wrong_current_password_is_a_failed_sign_in_by_the_signed_in_person(crm: Crm) {
    let (dana, token) = crm
        .sign_up(common::sign_up("Acme Sales", "dana@acme.com"))
        .await
        .unwrap();
    let guess = domain::session::ChangePassword {
        current_password: "a guess at it".into(),
        new_password: "another long password".into(),
    };
    EventSource::browser(PIXEL, "203.0.113.77")
        .scope(crm.change_password(&dana, &token, guess, "203.0.113.77"))
        .await
        .unwrap_err();
    let failed = log(&crm, &dana, only(EventKind::SignInFailed)).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].person.as_deref(), Some("Dana Whitfield"));
    assert_eq!(failed[0].address.as_deref(), Some("203.0.113.77"));
    assert_eq!(failed[0].origin, Some(Origin::Phone));
}

async fn only_admins_read_the_log_and_a_removed_record_keeps_its_lines(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    assert!(matches!(
        crm.activity_log(&sam, &AuditQuery::default()).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        crm.export_activity_log(&sam, &AuditQuery::default()).await,
        Err(AppError::Forbidden(_))
    ));
    let team = crm.create_sales_team(&dana, "Enterprise").await.unwrap();
    crm.remove_sales_team(&dana, (team.id, team.version))
        .await
        .unwrap();
    let lines = log(&crm, &dana, only(EventKind::SalesTeamsChanged)).await;
    assert_eq!(lines.len(), 2, "created and removed: {lines:?}");
    assert!(lines.iter().all(|l| l.record.name == "Enterprise"));
    assert_eq!(lines[0].change_text(), "Name: Enterprise → —");
}

async fn the_csv_download_is_logged_and_defuses_formulas(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    new_deal(&crm, &dana, "=HYPERLINK(\"http://evil\")", vec![]).await;
    let mut export = crm
        .export_activity_log(&dana, &only(EventKind::DealCreated))
        .await
        .unwrap();
    let mut file = String::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        file.push_str(&chunk);
    }
    let rows: Vec<&str> = file.lines().collect();
    assert_eq!(rows.len(), 2, "{file}");
    assert!(rows[0].starts_with("id,at (UTC),person,action"));
    assert!(rows[1].contains("Deal added"));
    assert!(
        rows[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{}",
        rows[1]
    );
    let exported = log(&crm, &dana, only(EventKind::DataExported)).await;
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].person.as_deref(), Some("Dana Whitfield"));
    assert_eq!(
        exported[0].change_text(),
        "Filters: action=deal.created; What: activity log"
    );
}

/// Writes `n` sign-in events for `who` straight into the log, a few hundred a statement.
async fn pad_log(crm: &Crm, who: &CurrentUser, n: usize) {
    let at = Utc::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(400) {
        let mut insert = Query::insert();
        insert.into_table("events").columns([
            "workspace_id",
            "actor_id",
            "kind",
            "subject",
            "after",
            "at",
            "format",
            "origin",
        ]);
        for _ in chunk {
            insert.values_panic([
                who.workspace_id.0.into(),
                who.user_id.0.into(),
                "member.signed_in".into(),
                format!("user:{}", who.user_id.0).into(),
                serde_json::json!({ "device": "Chrome on Linux" }).into(),
                at.into(),
                2i16.into(),
                "browser".into(),
            ]);
        }
        crm.db().execute(&insert.to_owned()).await.unwrap();
    }
}

async fn a_rare_match_is_searched_a_bounded_stretch_at_a_time(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    crm.sign_in(
        SignIn {
            email: "dana@acme.com".into(),
            password: "wrong wrong wrong".into(),
        },
        origin("203.0.113.9"),
    )
    .await
    .unwrap_err();
    pad_log(&crm, &dana, usize::try_from(AUDIT_SCAN).unwrap() + 100).await;
    let rare = only(EventKind::SignInFailed);
    let first = crm.activity_log(&dana, &rare).await.unwrap();
    assert!(first.lines.is_empty(), "the failure lies beyond one look");
    assert!(first.searched_back_to.is_some());
    let next = AuditQuery {
        before: first.older,
        ..rare
    };
    let second = crm.activity_log(&dana, &next).await.unwrap();
    assert_eq!(second.lines.len(), 1);
    assert_eq!(second.lines[0].action, EventKind::SignInFailed);
    assert_eq!(second.older, None, "nothing older is left");
    let everything = crm
        .activity_log(&dana, &AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(everything.lines.len(), 50);
    assert!(everything.older.is_some());
}

on_both_databases!(
    a_stage_move_is_found_by_person_and_date_with_where_it_came_from,
    sign_ins_failures_and_role_changes_keep_their_address,
    a_wrong_current_password_is_a_failed_sign_in_by_the_signed_in_person,
    only_admins_read_the_log_and_a_removed_record_keeps_its_lines,
    the_csv_download_is_logged_and_defuses_formulas,
    a_rare_match_is_searched_a_bounded_stretch_at_a_time,
);
