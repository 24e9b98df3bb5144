//! Notes, the merged timeline and its paging, follow-up plans, the rotting rule, quick
//! logging and reminders. Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, Utc};
use common::{
    count,
    deals::{board, fields, move_to, new_deal, rep, stage, workspace},
};
use domain::{
    account::CurrentUser,
    activity::{ActivityKind, LocalTime, LoggedWork, NewActivity},
    board::{DealFilter, Outcome},
    deal::DealChange,
    followup::FollowUpStep,
    ids::DealId,
    note::{NewNote, RecordRef},
    timeline::{Entry, TimelineItem},
    AppError,
};
use sea_orm::{ConnectionTrait, Statement};
use service::{ActivityChange, Crm, Mailer};

fn note(deal: DealId, body: &str) -> NewNote {
    NewNote {
        on: RecordRef::Deal(deal),
        body: body.into(),
    }
}

fn in_days(days: i64) -> LocalTime {
    LocalTime {
        local: (Utc::now() + Duration::days(days))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        offset_minutes: 0,
        time_zone: "UTC".into(),
    }
}

fn call_on(deal: DealId, subject: &str, due: LocalTime) -> NewActivity {
    NewActivity {
        kind: ActivityKind::Call,
        subject: subject.into(),
        due,
        duration: String::new(),
        assignee: None,
        deal: Some(deal),
        contact: None,
        company: None,
    }
}

fn headlines(items: &[TimelineItem]) -> Vec<String> {
    items.iter().map(TimelineItem::headline).collect()
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

async fn card(crm: &Crm, viewer: &CurrentUser, deal: DealId) -> domain::board::DealCard {
    crm.board_card(viewer, DealFilter::default(), deal)
        .await
        .unwrap()
        .unwrap()
        .0
}

async fn the_timeline_merges_everything_newest_first_and_pages_without_gaps(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let created = new_deal(&crm, &dana, "Acme renewal", vec![]).await;
    let deal = created.card.id;
    let valued = crm
        .update_deal(&dana, deal, 1, vec![DealChange::Value("12000".into())])
        .await
        .unwrap();
    crm.add_note(
        &dana,
        note(deal, "Budget **approved** <script>alert(1)</script>"),
    )
    .await
    .unwrap();
    crm.log_activity(
        &dana,
        LoggedWork {
            deal,
            kind: ActivityKind::Call,
            subject: "Call: connected".into(),
            outcome: "Wants a pilot".into(),
            next: None,
        },
    )
    .await
    .unwrap();
    let board = board(&crm, &dana).await;
    crm.move_deal(
        &dana,
        move_to(&valued, stage(&board, "Initial contact"), vec![]),
    )
    .await
    .unwrap();

    let page = crm
        .timeline(&dana, RecordRef::Deal(deal), None)
        .await
        .unwrap();
    assert_eq!(
        headlines(&page.items),
        [
            "Dana Whitfield moved it from Qualified to Initial contact",
            "Call: connected",
            "Dana Whitfield added a note",
            "Dana Whitfield changed Value",
            "Dana Whitfield created Acme renewal",
        ]
    );
    assert!(page.next.is_none());
    let Entry::Fields { changes } = &page.items[3].entry else {
        panic!("expected field changes");
    };
    assert_eq!(
        (changes[0].before.as_str(), changes[0].after.as_str()),
        ("$0", "$12,000")
    );
    let Entry::Note { html } = &page.items[2].entry else {
        panic!("expected a note");
    };
    assert!(html.contains("<strong>approved</strong>"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"));

    // Sixty more notes: pages of 25 walk back through all 65 entries once each.
    for n in 0..60 {
        crm.add_note(&dana, note(deal, &format!("Note {n}")))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = crm
            .timeline(&dana, RecordRef::Deal(deal), cursor)
            .await
            .unwrap();
        assert!(page.items.len() <= domain::timeline::TIMELINE_PAGE);
        seen.extend(page.items.iter().map(|i| i.key.clone()));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 65);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 65, "no entry repeats across pages");
}

async fn notes_are_checked_and_stay_in_their_workspace(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let empty = crm.add_note(&dana, note(deal, "  \n")).await.unwrap_err();
    assert_eq!(fields(&empty), ["body"]);
    let huge = crm
        .add_note(&dana, note(deal, &"x".repeat(1_000_000)))
        .await
        .unwrap_err();
    assert_eq!(fields(&huge), ["body"]);

    let eve = crm
        .sign_up(common::sign_up("Rival", "eve@rival.com"))
        .await
        .unwrap()
        .0;
    let foreign = crm
        .add_note(&eve, note(deal, "Mine now"))
        .await
        .unwrap_err();
    assert_eq!(foreign, AppError::NotFound);
    let peek = crm
        .timeline(&eve, RecordRef::Deal(deal), None)
        .await
        .unwrap_err();
    assert_eq!(peek, AppError::NotFound);
    assert_eq!(count(&crm, "notes").await, 0);
}

async fn a_won_deal_gets_its_pipelines_follow_up_plan_and_undo_withdraws_it(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let pipeline = board(&crm, &dana).await.pipeline;
    let plan = vec![
        FollowUpStep {
            day: 30,
            kind: ActivityKind::Meeting,
            subject: "Check-in".into(),
        },
        FollowUpStep {
            day: 1,
            kind: ActivityKind::Call,
            subject: "Kickoff call".into(),
        },
    ];
    let refused = crm
        .set_followup_plan(&sam, pipeline, plan.clone())
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        AppError::Forbidden("Sales reps can't change pipelines.".into())
    );
    let bad = vec![FollowUpStep {
        day: -5,
        kind: ActivityKind::Call,
        subject: "Too early".into(),
    }];
    let refused = crm
        .set_followup_plan(&dana, pipeline, bad)
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["step-1"]);
    crm.set_followup_plan(&dana, pipeline, plan).await.unwrap();
    let saved = crm.followup_plan(&sam, Some(pipeline)).await.unwrap();
    assert_eq!(saved[0].subject, "Kickoff call");

    let deal = new_deal(&crm, &sam, "Globex expansion", vec![]).await.card;
    let won = crm
        .close_deal(&sam, deal.id, deal.version, Outcome::Won)
        .await
        .unwrap();
    let follow_ups = crm.deal_activities(&sam, deal.id).await.unwrap();
    let subjects: Vec<_> = follow_ups.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["Kickoff call", "Check-in"]);
    assert!(follow_ups
        .iter()
        .all(|a| a.assignee.as_ref().map(|p| p.0) == Some(sam.user_id)));
    let lead = follow_ups[1].due_at - follow_ups[0].due_at;
    assert_eq!(lead.num_days(), 29);
    assert_eq!(
        won.card.next_activity.map(|n| n.subject).as_deref(),
        Some("Kickoff call")
    );

    crm.undo_deal_change(&sam, won.event).await.unwrap();
    assert!(crm.deal_activities(&sam, deal.id).await.unwrap().is_empty());
}

async fn only_stage_changes_and_completed_activities_keep_a_deal_fresh(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card;
    // Qualified allows 14 days; this deal has sat there for 30.
    let month_ago = (Utc::now() - Duration::days(30)).to_rfc3339();
    sql(
        &crm,
        &format!(
            "UPDATE deals SET stage_entered_at = '{month_ago}', updated_at = '{month_ago}', created_at = '{month_ago}'"
        ),
    )
    .await;
    assert!(card(&crm, &dana, deal.id).await.rotting);
    // An edit is not work on the deal: still rotting.
    crm.update_deal(
        &dana,
        deal.id,
        deal.version,
        vec![DealChange::Title("Acme renewal 2027".into())],
    )
    .await
    .unwrap();
    assert!(card(&crm, &dana, deal.id).await.rotting);
    // Scheduling is a plan, not work: still rotting. Completing it is work.
    let call = crm
        .schedule_activity(&dana, call_on(deal.id, "Call Bill", in_days(1)))
        .await
        .unwrap();
    assert!(card(&crm, &dana, deal.id).await.rotting);
    crm.complete_activity(&dana, call.id, call.version, "Reached him".into())
        .await
        .unwrap();
    assert!(!card(&crm, &dana, deal.id).await.rotting);
}

async fn a_quick_log_sets_the_next_step_or_writes_nothing(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let work = |next: Option<NewActivity>| LoggedWork {
        deal,
        kind: ActivityKind::Call,
        subject: "Call: no answer".into(),
        outcome: String::new(),
        next,
    };
    let mut bad_next = call_on(deal, "Try again", in_days(1));
    bad_next.duration = "-5".into();
    let refused = crm
        .log_activity(&dana, work(Some(bad_next)))
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["next-duration"]);
    assert_eq!(count(&crm, "activities").await, 0);

    let logged = crm
        .log_activity(&dana, work(Some(call_on(deal, "Try again", in_days(1)))))
        .await
        .unwrap();
    assert!(logged.done.done);
    assert_eq!(logged.next.map(|n| n.subject).as_deref(), Some("Try again"));
    let card = card(&crm, &dana, deal).await;
    assert_eq!(
        card.next_activity.map(|n| n.subject).as_deref(),
        Some("Try again")
    );
}

async fn reminders_go_out_once_and_skip_long_overdue_work(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let soon = LocalTime {
        local: (Utc::now() + Duration::minutes(10))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        offset_minutes: 0,
        time_zone: "UTC".into(),
    };
    crm.schedule_activity(&dana, call_on(deal, "Call Bill", soon))
        .await
        .unwrap();
    crm.schedule_activity(&dana, call_on(deal, "Next month", in_days(30)))
        .await
        .unwrap();
    crm.schedule_activity(&dana, call_on(deal, "Forgotten", in_days(-3)))
        .await
        .unwrap();
    let head = crm.event_head(&dana).await.unwrap();
    assert_eq!(
        crm.send_due_reminders(Utc::now(), &Mailer::Log)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        crm.send_due_reminders(Utc::now(), &Mailer::Log)
            .await
            .unwrap(),
        0
    );
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM events WHERE kind = 'activity.due' AND id > {head}"),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}

async fn rescheduling_or_handing_over_work_arms_its_reminder_again(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let in_minutes = |minutes: i64| LocalTime {
        local: (Utc::now() + Duration::minutes(minutes))
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        offset_minutes: 0,
        time_zone: "UTC".into(),
    };
    let call = crm
        .schedule_activity(&dana, call_on(deal, "Call Bill", in_minutes(10)))
        .await
        .unwrap();
    let remind = || crm.send_due_reminders(Utc::now(), &Mailer::Log);
    assert_eq!(remind().await.unwrap(), 1);
    assert_eq!(remind().await.unwrap(), 0, "once per due time");
    // Moved to a new time that is due soon again: reminded again.
    let moved = crm
        .change_activity(
            &dana,
            call.id,
            call.version,
            ActivityChange::Reschedule(in_minutes(5)),
        )
        .await
        .unwrap();
    assert_eq!(remind().await.unwrap(), 1, "rescheduled");
    // Handed to Sam: Sam is reminded.
    crm.change_activity(
        &dana,
        moved.id,
        moved.version,
        ActivityChange::Reassign(sam.user_id),
    )
    .await
    .unwrap();
    assert_eq!(remind().await.unwrap(), 1, "handed over");
    assert_eq!(remind().await.unwrap(), 0);
}

on_both_databases!(
    rescheduling_or_handing_over_work_arms_its_reminder_again,
    the_timeline_merges_everything_newest_first_and_pages_without_gaps,
    notes_are_checked_and_stay_in_their_workspace,
    a_won_deal_gets_its_pipelines_follow_up_plan_and_undo_withdraws_it,
    only_stage_changes_and_completed_activities_keep_a_deal_fresh,
    a_quick_log_sets_the_next_step_or_writes_nothing,
    reminders_go_out_once_and_skip_long_overdue_work,
);
