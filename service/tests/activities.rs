//! Activities: scheduling with links checked, completing (which touches the deal and
//! says whether a next step is left), rescheduling and reassigning, and "My day" judged
//! in the viewer's own time zone. Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{DateTime, Duration, Timelike, Utc};
use common::{
    count,
    deals::{new_deal, rep, workspace},
    sign_up,
};
use domain::{
    account::CurrentUser,
    activity::{ActivityKind, LocalTime, NewActivity},
    ids::DealId,
    AppError,
};
use service::{ActivityChange, Crm};

/// A due time `from_now` ahead, as a browser `offset` minutes behind UTC would send it.
fn due(from_now: Duration, offset: i32) -> LocalTime {
    let local = Utc::now() + from_now - Duration::minutes(i64::from(offset));
    LocalTime {
        local: local.format("%Y-%m-%dT%H:%M").to_string(),
        offset_minutes: offset,
        time_zone: "Etc/Test".into(),
    }
}

fn call(subject: &str, when: LocalTime, deal: Option<DealId>) -> NewActivity {
    NewActivity {
        kind: ActivityKind::Call,
        subject: subject.into(),
        due: when,
        duration: "30".into(),
        assignee: None,
        deal,
        contact: None,
        company: None,
    }
}

/// An offset that puts the viewer's clock at about noon now, so "today" cannot tip over
/// midnight while the test runs.
fn noon_offset() -> i32 {
    let now = Utc::now();
    let minutes = i32::try_from(now.hour() * 60 + now.minute()).unwrap_or(0);
    minutes - 12 * 60
}

fn field_of(error: &AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.0.iter().map(|e| e.field.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn completing_touches_the_deal_and_says_if_a_next_step_is_left(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let touched_before: DateTime<Utc> = crm.deal_detail(&dana, deal).await.unwrap().last_touched;
    let first = crm
        .schedule_activity(
            &dana,
            call("Call Bill", due(Duration::hours(2), 0), Some(deal)),
        )
        .await
        .unwrap();
    let second = crm
        .schedule_activity(
            &dana,
            call("Send pricing", due(Duration::days(2), 0), Some(deal)),
        )
        .await
        .unwrap();
    assert_eq!(
        first.deal.as_ref().map(|d| d.1.as_str()),
        Some("Acme renewal")
    );
    assert_eq!(
        first.assignee.as_ref().map(|a| a.1.as_str()),
        Some("Dana Whitfield")
    );
    let listed = crm.deal_activities(&dana, deal).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|a| a.subject.as_str())
            .collect::<Vec<_>>(),
        ["Call Bill", "Send pricing"],
        "open ones by due time"
    );

    let done = crm
        .complete_activity(
            &dana,
            first.id,
            first.version,
            "Reached Bill, wants a demo".into(),
        )
        .await
        .unwrap();
    assert!(done.activity.done);
    assert_eq!(done.open_left_on_deal, Some(1));
    let last = crm
        .complete_activity(&dana, second.id, second.version, String::new())
        .await
        .unwrap();
    assert_eq!(
        last.open_left_on_deal,
        Some(0),
        "time to schedule the next step"
    );
    let touched = crm.deal_detail(&dana, deal).await.unwrap().last_touched;
    assert!(
        touched > touched_before,
        "completing counts as working the deal"
    );

    let again = crm
        .complete_activity(&dana, first.id, done.activity.version, String::new())
        .await;
    assert!(matches!(again, Err(AppError::Validation(_))));
    let stale = crm
        .change_activity(
            &dana,
            first.id,
            first.version,
            ActivityChange::Reschedule(due(Duration::days(1), 0)),
        )
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))));
}

async fn bad_activities_are_refused_by_field_and_write_nothing(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let eve = crm
        .sign_up(sign_up("Globex", "eve@globex.com"))
        .await
        .unwrap()
        .0;
    let theirs = new_deal(&crm, &eve, "Globex deal", vec![]).await.card.id;
    let mut silly = call(" ", due(Duration::hours(1), 0), None);
    silly.due.local = "99999-01-01T10:00".into();
    silly.duration = "-5".into();
    let refused = crm.schedule_activity(&dana, silly).await.unwrap_err();
    assert_eq!(field_of(&refused), ["subject", "due", "duration"]);
    let foreign = crm
        .schedule_activity(
            &dana,
            call("Snoop", due(Duration::hours(1), 0), Some(theirs)),
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&foreign), ["deal"]);
    let mut outsider = call("Hand off", due(Duration::hours(1), 0), None);
    outsider.assignee = Some(eve.user_id);
    let refused = crm.schedule_activity(&dana, outsider).await.unwrap_err();
    assert_eq!(field_of(&refused), ["assignee"]);
    assert_eq!(count(&crm, "activities").await, 0);

    let fine = crm
        .schedule_activity(&dana, call("Call", due(Duration::hours(1), 0), None))
        .await
        .unwrap();
    let long = crm
        .complete_activity(&dana, fine.id, fine.version, "x".repeat(1001))
        .await
        .unwrap_err();
    assert_eq!(field_of(&long), ["outcome"]);
    let elsewhere = crm
        .complete_activity(&eve, fine.id, fine.version, String::new())
        .await;
    assert_eq!(elsewhere.unwrap_err(), AppError::NotFound);
}

async fn my_day_buckets_in_the_viewers_time_zone_and_managers_see_the_team(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam: CurrentUser = rep(&crm, &dana).await;
    let offset = noon_offset();
    for (subject, from_now) in [
        ("Overdue call", Duration::hours(-1)),
        ("Today's call", Duration::hours(1)),
        ("Call on Friday", Duration::days(2)),
        ("Next month", Duration::days(30)),
    ] {
        crm.schedule_activity(&dana, call(subject, due(from_now, offset), None))
            .await
            .unwrap();
    }
    let sams = crm
        .schedule_activity(
            &sam,
            call("Sam's call", due(Duration::hours(2), offset), None),
        )
        .await
        .unwrap();
    let day = crm.my_day(&dana, offset, false).await.unwrap();
    let names = |list: &[domain::activity::Activity]| {
        list.iter().map(|a| a.subject.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&day.overdue), ["Overdue call"]);
    assert_eq!(names(&day.today), ["Today's call"]);
    assert_eq!(names(&day.soon), ["Call on Friday"]);

    // Dana is the admin: her team view has Sam's call too; Sam's never has hers.
    let team = crm.my_day(&dana, offset, true).await.unwrap();
    assert_eq!(names(&team.today), ["Today's call", "Sam's call"]);
    let sams_view = crm.my_day(&sam, offset, true).await.unwrap();
    assert_eq!(names(&sams_view.today), ["Sam's call"]);
    assert!(sams_view.overdue.is_empty());

    // Reassigning moves it to Dana's day; rescheduling moves it out of today.
    let moved = crm
        .change_activity(
            &sam,
            sams.id,
            sams.version,
            ActivityChange::Reassign(dana.user_id),
        )
        .await
        .unwrap();
    assert_eq!(
        crm.my_day(&dana, offset, false).await.unwrap().today.len(),
        2
    );
    crm.change_activity(
        &dana,
        moved.id,
        moved.version,
        ActivityChange::Reschedule(due(Duration::days(3), offset)),
    )
    .await
    .unwrap();
    let day = crm.my_day(&dana, offset, false).await.unwrap();
    assert_eq!(names(&day.today), ["Today's call"]);
    assert_eq!(day.soon.len(), 2);
}

on_both_databases!(
    completing_touches_the_deal_and_says_if_a_next_step_is_left,
    bad_activities_are_refused_by_field_and_write_nothing,
    my_day_buckets_in_the_viewers_time_zone_and_managers_see_the_team,
);
