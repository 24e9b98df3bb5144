//! Working together: edits merge field by field, the same field is a conflict that names
//! who changed it, undo puts a change back as a new event, and the live feed delivers
//! every committed event once, in order, to its own workspace only.
//! Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::deals::{board, fields, move_to, new_deal, rep, stage, titles, workspace};
use domain::{
    board::Outcome,
    deal::DealChange,
    event::EventKind,
    live::{LiveEvent, ServerMessage},
    AppError,
};
use service::{Crm, LiveHub, Subscription};
use std::time::Duration;

fn conflict_message(error: AppError) -> String {
    match error {
        AppError::Conflict(message) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_conflict_names_a_colleague_whose_name_starts_with_an_accent(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let elodie = crm
        .create_member(
            Some("Acme Sales"),
            domain::account::NewMember {
                name: "Élodie Durand".into(),
                email: "elodie@acme.com".into(),
                password: "member password 123".into(),
                role: domain::Role::Manager,
            },
        )
        .await
        .unwrap();
    let elodie = domain::account::CurrentUser {
        user_id: elodie.id,
        name: "Élodie Durand".into(),
        role: domain::Role::Manager,
        sees: Default::default(),
        ..dana.clone()
    };
    let saved = new_deal(&crm, &dana, "Umbrella", vec![]).await;
    crm.update_deal(
        &elodie,
        saved.card.id,
        1,
        vec![DealChange::Value("900".into())],
    )
    .await
    .unwrap();
    let stale = crm
        .update_deal(
            &dana,
            saved.card.id,
            1,
            vec![DealChange::Value("500".into())],
        )
        .await
        .unwrap_err();
    let message = conflict_message(stale);
    assert!(
        message.starts_with("Élodie Durand changed value since you opened"),
        "{message}"
    );
}

async fn different_fields_merge_and_the_same_field_is_a_conflict(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    // Sam's deal: a rep changes only their own, the admin anyone's.
    let saved = new_deal(&crm, &sam, "Umbrella", vec![]).await;
    let id = saved.card.id;
    // Both opened version 1. Sam saves the value first.
    crm.update_deal(&sam, id, 1, vec![DealChange::Value("900".into())])
        .await
        .unwrap();
    // Dana's title, based on version 1, merges: nobody else touched the title.
    let merged = crm
        .update_deal(
            &dana,
            id,
            1,
            vec![DealChange::Title("Umbrella Corp".into())],
        )
        .await
        .unwrap();
    assert_eq!(merged.card.version, 3);
    // Dana's value, based on version 1, collides with Sam's.
    let same_field = crm
        .update_deal(&dana, id, 1, vec![DealChange::Value("500".into())])
        .await
        .unwrap_err();
    let message = conflict_message(same_field);
    assert!(
        message.starts_with("Sam Rep changed value since you opened"),
        "{message}"
    );
    // A move based on version 1 merges too (nobody moved it), but then a close or a
    // second move based on the old version is a conflict: both decide where it stands.
    let second = stage(&board(&crm, &dana).await, "Initial contact");
    crm.move_deal(&sam, move_to(&saved, second, vec![]))
        .await
        .unwrap();
    let close = crm
        .close_deal(&dana, id, 1, Outcome::Won)
        .await
        .unwrap_err();
    assert!(conflict_message(close).contains("changed stage"));
    let detail = crm.deal_detail(&dana, id).await.unwrap();
    assert_eq!(
        (
            detail.title.as_str(),
            detail.value_cents,
            detail.stage,
            detail.status.key(),
            detail.version
        ),
        ("Umbrella Corp", 90_000, second, "open", 4)
    );
    // A version from the future is not a merge base.
    let bogus = crm
        .update_deal(&dana, id, 99, vec![DealChange::Title("X".into())])
        .await;
    assert!(matches!(bogus, Err(AppError::Validation(_))));
}

async fn undo_reverts_ones_own_recent_change_as_a_new_event(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let stages = board(&crm, &dana).await;
    let (first, second) = (
        stage(&stages, "Qualified"),
        stage(&stages, "Initial contact"),
    );
    let saved = new_deal(&crm, &sam, "Initech", vec![]).await;
    let id = saved.card.id;

    let moved = crm
        .move_deal(&dana, move_to(&saved, second, vec![]))
        .await
        .unwrap();
    let undone = crm.undo_deal_change(&dana, moved.event).await.unwrap();
    assert_eq!(undone.stage, first);
    assert!(undone.card.version > moved.card.version);

    let edited = crm
        .update_deal(
            &dana,
            id,
            undone.card.version,
            vec![
                DealChange::Title("Initech renewal".into()),
                DealChange::NextStep("Call Bill".into()),
                DealChange::Value("1,250.50".into()),
            ],
        )
        .await
        .unwrap();
    crm.undo_deal_change(&dana, edited.event).await.unwrap();
    let detail = crm.deal_detail(&dana, id).await.unwrap();
    assert_eq!(
        (detail.title.as_str(), detail.next_step, detail.value_cents),
        ("Initech", None, 0)
    );

    let won = crm
        .close_deal(&dana, id, detail.version, Outcome::Won)
        .await
        .unwrap();
    let reopened = crm.undo_deal_change(&dana, won.event).await.unwrap();
    let detail = crm.deal_detail(&dana, id).await.unwrap();
    assert_eq!((detail.status.key(), detail.stage), ("open", first));

    // Only the author may undo, and only while nobody changed the deal since.
    let theirs = crm.undo_deal_change(&sam, reopened.event).await;
    assert!(matches!(theirs, Err(AppError::Validation(_))));
    let retitled = crm
        .update_deal(
            &dana,
            id,
            detail.version,
            vec![DealChange::Title("A".into())],
        )
        .await
        .unwrap();
    crm.update_deal(
        &sam,
        id,
        retitled.card.version,
        vec![DealChange::Source("Web".into())],
    )
    .await
    .unwrap();
    let late = crm
        .undo_deal_change(&dana, retitled.event)
        .await
        .unwrap_err();
    let message = conflict_message(late);
    assert!(message.contains("Sam Rep changed source"), "{message}");
    let unknown = crm.undo_deal_change(&dana, i64::MAX).await;
    assert_eq!(unknown.unwrap_err(), AppError::NotFound);

    // Each undo is an event of its own that names what it undid.
    let log = crm.events_since(&dana, 0, 100).await.unwrap();
    let undo_of: Vec<i64> = log
        .iter()
        .filter_map(|e| e.payload.deal_after()?.undo_of)
        .collect();
    assert_eq!(undo_of, [moved.event, edited.event, won.event]);
}

/// The next message on a subscription, or a failure after a few seconds.
async fn next(subscription: &mut Subscription) -> ServerMessage {
    let message = tokio::time::timeout(Duration::from_secs(5), subscription.receiver.recv())
        .await
        .expect("a live message within 5 s")
        .expect("the feed is open");
    serde_json::from_str(&message.wire).expect("a server message")
}

async fn next_event(subscription: &mut Subscription) -> LiveEvent {
    loop {
        if let ServerMessage::Event(event) = next(subscription).await {
            return *event;
        }
    }
}

async fn the_live_feed_delivers_in_order_to_its_workspace_and_replays_a_gap(crm: Crm) {
    let hub = LiveHub::start(&crm);
    let dana = workspace(&crm, "dana@acme.com").await;
    let eve = crm
        .sign_up(common::sign_up("Globex", "eve@globex.com"))
        .await
        .unwrap()
        .0;
    let mut danas = hub.join(&dana, None).await.unwrap();
    let mut eves = hub.join(&eve, None).await.unwrap();
    let ServerMessage::Hello { head } = danas.first[0] else {
        panic!("a new socket is greeted first: {:?}", danas.first);
    };

    let saved = new_deal(&crm, &dana, "Acme renewal", vec![]).await;
    let second = stage(&board(&crm, &dana).await, "Initial contact");
    crm.move_deal(&dana, move_to(&saved, second, vec![]))
        .await
        .unwrap();
    let created = next_event(&mut danas).await;
    let moved = next_event(&mut danas).await;
    assert_eq!(created.kind, EventKind::DealCreated);
    assert!(created.id > head && moved.id > created.id);
    assert_eq!(
        moved.describe(),
        "Dana Whitfield moved Acme renewal to Initial contact"
    );

    // Eve's workspace hears only its own news.
    new_deal(&crm, &eve, "Globex deal", vec![]).await;
    let hers = next_event(&mut eves).await;
    assert_eq!(hers.gist.title.as_deref(), Some("Globex deal"));

    // A client that saw only the first event reconnects and gets exactly the rest.
    let resumed = hub.join(&dana, Some(created.id)).await.unwrap();
    let replayed: Vec<i64> = resumed
        .first
        .iter()
        .filter_map(|m| match m {
            ServerMessage::Event(e) => Some(e.id),
            _ => None,
        })
        .collect();
    assert_eq!(replayed, [moved.id]);
    assert!(matches!(
        resumed.first.last(),
        Some(ServerMessage::Hello { head }) if *head == moved.id
    ));

    // Presence: what one socket looks at, everyone in the workspace sees.
    let socket = uuid::Uuid::new_v4();
    let view = format!("deal:{}", saved.card.id);
    hub.present(socket, &dana, Some(view.clone()));
    let viewers = loop {
        if let ServerMessage::Presence { viewers } = next(&mut danas).await {
            break viewers;
        }
    };
    assert_eq!(viewers.len(), 1);
    assert_eq!(viewers[0].view.as_deref(), Some(view.as_str()));
    // A tab switching views 100 times at once costs the others one message per
    // interval, carrying where it ended up, not 100 that would fill their buffers.
    for n in 0..100 {
        hub.present(socket, &dana, Some(format!("list:{n}")));
    }
    let mut presences = Vec::new();
    let quiet_after = tokio::time::Instant::now() + service::PRESENCE_EVERY * 4;
    while let Ok(Ok(delivery)) = tokio::time::timeout_at(quiet_after, danas.receiver.recv()).await {
        if let Ok(ServerMessage::Presence { viewers }) = serde_json::from_str(&delivery.wire) {
            presences.push(viewers);
        }
    }
    assert!((1..=2).contains(&presences.len()), "{}", presences.len());
    let last = presences.last().unwrap();
    assert_eq!(last[0].view.as_deref(), Some("list:99"));
    hub.leave(socket);
}

async fn a_client_that_stops_reading_is_cut_off_and_a_long_absence_resyncs(crm: Crm) {
    let hub = LiveHub::start(&crm);
    let dana = workspace(&crm, "dana@acme.com").await;
    let saved = new_deal(&crm, &dana, "Busy deal", vec![]).await;
    let mut stalled = hub.join(&dana, None).await.unwrap();
    let ServerMessage::Hello { head: before } = stalled.first[0] else {
        panic!("greeted first");
    };
    let mut version = saved.card.version;
    // More changes than a socket may have queued, and more than a replay covers.
    let changes = domain::live::REPLAY_LIMIT as usize + 10;
    for n in 0..changes {
        let title = format!("Busy deal {n}");
        version = crm
            .update_deal(
                &dana,
                saved.card.id,
                version,
                vec![DealChange::Title(title)],
            )
            .await
            .unwrap()
            .card
            .version;
    }
    // The feed never waits for the stalled socket: it is told it fell behind instead.
    let lagged = loop {
        match tokio::time::timeout(Duration::from_secs(10), stalled.receiver.recv()).await {
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(missed))) => break missed,
            Ok(Ok(_)) => continue,
            other => panic!("expected the stalled socket to lag, got {other:?}"),
        }
    };
    assert!(lagged > 0);
    // Reconnecting after that long is a resync, not a replay of every event.
    let back = hub.join(&dana, Some(before)).await.unwrap();
    assert!(
        matches!(back.first.as_slice(), [ServerMessage::Resync { .. }]),
        "{:?}",
        back.first.len()
    );
}

/// Rewrites event `id` exactly as the first release (payload format 1) stored it.
async fn store_as_first_release(crm: &Crm, id: i64, after: serde_json::Value) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = crm.db();
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "UPDATE events SET format = 1, after = $1 WHERE id = $2",
        _ => "UPDATE events SET format = 1, after = ? WHERE id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [after.into(), id.into()],
    ))
    .await
    .unwrap();
}

async fn merge_and_undo_read_events_the_first_release_wrote(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let saved = new_deal(&crm, &sam, "Initech", vec![]).await;
    let id = saved.card.id;
    let edited = crm
        .update_deal(
            &dana,
            id,
            saved.card.version,
            vec![DealChange::Value("900".into())],
        )
        .await
        .unwrap();
    let detail = crm.deal_detail(&dana, id).await.unwrap();
    // The untyped JSON of format 1: same keys, looked up by name in that release.
    store_as_first_release(
        &crm,
        edited.event,
        serde_json::json!({
            "version": edited.card.version, "changed": ["value"],
            "stage": detail.stage.0, "stage_name": "Qualified", "status": "open",
            "pipeline": detail.pipeline.0 .0, "title": "Initech", "undo_of": null,
            "fields": [], "lost_reason": null,
        }),
    )
    .await;
    // Merge reads the old row's `changed`: another field based on the old version merges,
    // the same field is a conflict naming who made it.
    let merged = crm
        .update_deal(
            &sam,
            id,
            saved.card.version,
            vec![DealChange::NextStep("Call".into())],
        )
        .await
        .unwrap();
    assert!(merged.card.version > edited.card.version);
    let clash = crm
        .update_deal(
            &sam,
            id,
            saved.card.version,
            vec![DealChange::Value("1".into())],
        )
        .await
        .unwrap_err();
    assert!(matches!(clash, AppError::Conflict(_)), "{clash:?}");
    // Undo reads the old row's version and finds the deal moved on since.
    let late = crm.undo_deal_change(&dana, edited.event).await.unwrap_err();
    assert!(matches!(late, AppError::Conflict(_)), "{late:?}");
    // The timeline reads it too.
    let log = crm.events_since(&dana, 0, 100).await.unwrap();
    let old = log.iter().find(|e| e.id == edited.event).unwrap();
    assert_eq!(old.kind(), EventKind::DealUpdated);
    assert_eq!(old.payload.deal_after().unwrap().changed, ["value"]);
}

/// SQLite commits writers who arrive together in one batch, each in its own savepoint;
/// PostgreSQL runs them side by side. Either way each is kept or refused alone.
async fn writers_at_once_are_kept_or_refused_each_alone_and_published_in_order(crm: Crm) {
    let hub = LiveHub::start(&crm);
    let dana = workspace(&crm, "dana@acme.com").await;
    let columns = board(&crm, &dana).await;
    let contacted = stage(&columns, "Initial contact");
    let proposal = stage(&columns, "Proposal");
    let mut deals = Vec::new();
    for n in 0..24 {
        deals.push(new_deal(&crm, &dana, &format!("Deal {n}"), vec![]).await);
    }
    let mut feed = hub.join(&dana, None).await.unwrap();
    let before = crm.write_counts();
    // Every third asks for Proposal with a value but no close date: its value is written
    // in its savepoint, then the stage rule refuses it, and only its own work goes.
    let refused = |n: usize| n % 3 == 2;
    let tasks: Vec<_> = deals
        .iter()
        .enumerate()
        .map(|(n, saved)| {
            let order = if refused(n) {
                move_to(saved, proposal, vec![DealChange::Value("5,000".into())])
            } else {
                move_to(saved, contacted, vec![])
            };
            let (crm, dana) = (crm.clone(), dana.clone());
            tokio::spawn(async move { crm.move_deal(&dana, order).await })
        })
        .collect();
    let mut kept = 0;
    for (n, task) in tasks.into_iter().enumerate() {
        let answer = task.await.unwrap();
        if refused(n) {
            assert_eq!(fields(&answer.unwrap_err()), ["expected_close_on", "stage"]);
        } else {
            answer.unwrap();
            kept += 1;
        }
    }
    for (n, saved) in deals.iter().enumerate() {
        let deal = crm.deal_detail(&dana, saved.card.id).await.unwrap();
        let expected = if refused(n) {
            (1, saved.stage, 0)
        } else {
            (2, contacted, 0)
        };
        assert_eq!(
            (deal.version, deal.stage, deal.value_cents),
            expected,
            "{n}"
        );
    }
    assert_eq!(common::count(&crm, "stage_changes").await, 24 + kept);
    let after = crm.write_counts();
    if !service::is_postgres(crm.db()) {
        // The moves queued behind each other and shared commits.
        assert_eq!(after.commands - before.commands, 24);
        assert!(after.batches - before.batches < 24, "{before:?} {after:?}");
    }
    // One event per kept move, in id order, none for a refused one.
    let mut ids = Vec::new();
    for _ in 0..kept {
        let event = next_event(&mut feed).await;
        assert_eq!(event.kind, EventKind::DealMoved);
        ids.push(event.id);
    }
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
}

/// A board is answered from memory while nothing is written: a write from this process
/// or from another one on the same database (a second server, the CLI) is on the next
/// board at once, and nobody is answered with someone else's board.
async fn the_next_board_shows_every_write_wherever_it_came_from(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let elsewhere = common::another_process(&crm);
    let first = board(&crm, &dana).await;
    assert!(titles(&first).is_empty());
    new_deal(&crm, &dana, "Written here", vec![]).await;
    assert_eq!(titles(&board(&crm, &dana).await), ["Written here"]);
    let deal = new_deal(&elsewhere, &dana, "Written elsewhere", vec![]).await;
    assert_eq!(
        titles(&board(&crm, &dana).await),
        ["Written elsewhere", "Written here"]
    );
    let contacted = stage(&first, "Initial contact");
    elsewhere
        .move_deal(&dana, move_to(&deal, contacted, vec![]))
        .await
        .unwrap();
    let moved = board(&crm, &dana).await;
    let column = moved.columns.iter().find(|c| c.stage.id == contacted);
    assert_eq!(column.map(|c| c.cards.len()), Some(1));
    // Asked twice in a row, each person gets their own.
    assert_eq!(board(&crm, &sam).await.viewer, sam.user_id);
    assert_eq!(board(&crm, &dana).await.viewer, dana.user_id);
}

on_both_databases!(
    the_next_board_shows_every_write_wherever_it_came_from,
    writers_at_once_are_kept_or_refused_each_alone_and_published_in_order,
    merge_and_undo_read_events_the_first_release_wrote,
    a_conflict_names_a_colleague_whose_name_starts_with_an_accent,
    a_client_that_stops_reading_is_cut_off_and_a_long_absence_resyncs,
    different_fields_merge_and_the_same_field_is_a_conflict,
    undo_reverts_ones_own_recent_change_as_a_new_event,
    the_live_feed_delivers_in_order_to_its_workspace_and_replays_a_gap,
);
