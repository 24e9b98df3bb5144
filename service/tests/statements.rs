//! How many statements the hottest requests run. Each is a round trip to the database
//! (on SQLite a hop to sqlx's thread and back), so the board must not run one per
//! column, and a move must not read again what it has just read.
//! Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::deals::{board, move_to, new_deal, stage, workspace};
use common::Statements;
use domain::{
    activity::{ActivityKind, LocalTime, NewActivity},
    board::{DealFilter, DealSort},
    deal::DealChange,
    lead::{InboxView, NewLead},
    lead_rules::InboxFilter,
    note::{NewNote, RecordRef},
};
use service::Crm;
use std::{future::Future, sync::atomic::Ordering};

/// Statements `crm` runs while `request` does.
async fn statements_of<T>(counter: &Statements, request: impl Future<Output = T>) -> (T, usize) {
    let before = counter.load(Ordering::Relaxed);
    let answer = request.await;
    (answer, counter.load(Ordering::Relaxed) - before)
}

async fn the_board_reads_every_column_at_once_and_a_move_reads_nothing_twice(
    crm: Crm,
    counter: Statements,
) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let columns = board(&crm, &dana).await;
    // Cards in two of the six columns (the others have entry criteria), so the board
    // has pages to read in more than one.
    let contacted = stage(&columns, "Initial contact");
    let waiting = new_deal(&crm, &dana, "Deal in Qualified", vec![]).await;
    let deal = new_deal(&crm, &dana, "Deal in Initial contact", vec![]).await;
    let moved = crm
        .move_deal(&dana, move_to(&deal, contacted, vec![]))
        .await
        .unwrap();
    let (loaded, read) = statements_of(&counter, crm.board(&dana, DealFilter::default())).await;
    let loaded = loaded.unwrap();
    assert_eq!(loaded.columns.len(), 6);
    // Each card in its own column, read in the same statement.
    let titles = |name: &str| -> Vec<String> {
        let column = loaded
            .columns
            .iter()
            .find(|c| c.stage.name == name)
            .unwrap();
        column.cards.iter().map(|card| card.title.clone()).collect()
    };
    assert_eq!(titles("Qualified"), ["Deal in Qualified"]);
    assert_eq!(titles("Initial contact"), ["Deal in Initial contact"]);
    // The stamp (the workspace's newest event), pipelines, stages, the totals (two:
    // paused rollups, then the sums), the first pages (one statement for all six
    // columns), the cards' contacts, names and next activities, the default currency and
    // the lost reasons: 11, met exactly. A statement per column would be five more.
    assert!(read <= 11, "the board ran {read} statements");
    // Asked again with nothing written in between: the stamp alone.
    let (again, checked) = statements_of(&counter, crm.board(&dana, DealFilter::default())).await;
    assert_eq!(again.unwrap(), loaded);
    assert_eq!(checked, 1, "an unchanged board ran {checked} statements");

    // A move with a field filled in on the way (its contacts are read once, for the
    // stage rule, and the answer's card reuses them).
    let order = move_to(
        &waiting,
        contacted,
        vec![DealChange::NextStep("Demo".into())],
    );
    let (saved, wrote) = statements_of(&counter, crm.move_deal(&dana, order)).await;
    let saved = saved.unwrap();
    assert_eq!((saved.stage, moved.stage), (contacted, contacted));
    assert_eq!(saved.card.next_step.as_deref(), Some("Demo"));
    // Lock the deal, its stage, its contacts, the update, the stage history (two: the
    // previous entry closed, the new one added), the event, the card's names and next
    // activity: 9, met exactly; on PostgreSQL also the workspace's rollup lock and its
    // event-order lock.
    let budget = if service::is_postgres(crm.db()) {
        11
    } else {
        9
    };
    assert!(wrote <= budget, "the move ran {wrote} statements");
    // The move is on the next board at once.
    let (after, read) = statements_of(&counter, crm.board(&dana, DealFilter::default())).await;
    let after = after.unwrap();
    let contacted_column = after.columns.iter().find(|c| c.stage.id == contacted);
    assert_eq!(contacted_column.map(|c| c.cards.len()), Some(2));
    assert!(read > 1, "a board after a write is read again");
}

/// The deal list reads what its table shows, and not the board's card facts.
async fn the_deal_list_reads_only_what_it_shows(crm: Crm, counter: Statements) {
    let dana = workspace(&crm, "dana@acme.com").await;
    for n in 0..3 {
        new_deal(
            &crm,
            &dana,
            &format!("Deal {n}"),
            vec![DealChange::Value("100".into())],
        )
        .await;
    }
    let (listed, read) = statements_of(
        &counter,
        crm.list_deals(&dana, DealFilter::default(), DealSort::Title, 0),
    )
    .await;
    let listed = listed.unwrap();
    let titles: Vec<&str> = listed.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["Deal 0", "Deal 1", "Deal 2"]);
    assert_eq!(listed.rows[0].value_cents, 10_000);
    assert_eq!(listed.rows[0].stage, "Qualified");
    assert_eq!(listed.rows[0].owner.as_deref(), Some(dana.name.as_str()));
    // The stamp, the count (two: paused rollups, then the rollup), the page, its stages,
    // and the company and owner names: 6, met exactly. The board's card loader would
    // add the contacts and the next activities.
    assert!(read <= 6, "the deal list ran {read} statements");
}

/// A deal page is the deal, its next steps and its timeline's first page: read again
/// with nothing written, each is its stamp alone; after a write, each shows it.
async fn a_deal_page_read_again_costs_three_stamps(crm: Crm, counter: Statements) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await.card.id;
    let on = RecordRef::Deal(deal);
    let page = async || {
        (
            crm.deal_detail(&dana, deal).await.unwrap(),
            crm.deal_activities(&dana, deal).await.unwrap(),
            crm.timeline(&dana, on, None).await.unwrap(),
        )
    };
    let (first, read) = statements_of(&counter, page()).await;
    assert!(read > 3, "the first reading reads");
    let (again, checked) = statements_of(&counter, page()).await;
    assert_eq!(again, first);
    assert_eq!(
        checked, 3,
        "an unchanged deal page ran {checked} statements"
    );

    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let call = NewActivity {
        kind: ActivityKind::Call,
        subject: "Call Bill about pricing".into(),
        due: LocalTime {
            local: tomorrow.format("%Y-%m-%dT%H:%M").to_string(),
            offset_minutes: 0,
            time_zone: "UTC".into(),
        },
        duration: String::new(),
        assignee: None,
        deal: Some(deal),
        contact: None,
        company: None,
    };
    crm.schedule_activity(&dana, call).await.unwrap();
    let body = "Wants a demo next week".to_owned();
    crm.add_note(
        &dana,
        NewNote {
            on,
            body: body.clone(),
        },
    )
    .await
    .unwrap();
    let (_, activities, timeline) = page().await;
    let planned: Vec<&str> = activities.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(planned, ["Call Bill about pricing"]);
    let shown = serde_json::to_string(&timeline.items).unwrap();
    assert!(
        shown.contains(&body),
        "the note is on the next timeline: {shown}"
    );
}

/// The inbox as it opens (a page and every view's count) read again with nothing
/// written is its stamp alone; a lead added is in the next one.
async fn the_inbox_read_again_costs_a_stamp(crm: Crm, counter: Statements) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let mine = async || {
        crm.inbox_page(&dana, InboxView::Mine, InboxFilter::default(), 0)
            .await
            .unwrap()
    };
    let first = mine().await;
    assert_eq!(first.counts.of(InboxView::Mine), 0);
    let (again, checked) = statements_of(&counter, mine()).await;
    assert_eq!(again, first);
    assert_eq!(checked, 1, "an unchanged inbox ran {checked} statements");

    let lead = NewLead {
        name: "Ana Lima".into(),
        email: "ana@globex.com".into(),
        ..NewLead::default()
    };
    crm.add_lead(&dana, lead).await.unwrap();
    let after = mine().await;
    assert_eq!(after.counts.of(InboxView::Mine), 1);
    let names: Vec<_> = after.leads.iter().map(|l| l.name.as_deref()).collect();
    assert_eq!(names, [Some("Ana Lima")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let (crm, counter) = common::counted_sqlite().await;
    the_board_reads_every_column_at_once_and_a_move_reads_nothing_twice(crm, counter).await;
    let (crm, counter) = common::counted_sqlite().await;
    the_deal_list_reads_only_what_it_shows(crm, counter).await;
    let (crm, counter) = common::counted_sqlite().await;
    a_deal_page_read_again_costs_three_stamps(crm, counter).await;
    let (crm, counter) = common::counted_sqlite().await;
    the_inbox_read_again_costs_a_stamp(crm, counter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some((crm, counter)) = common::counted_postgres().await {
        the_board_reads_every_column_at_once_and_a_move_reads_nothing_twice(crm, counter).await;
    }
    if let Some((crm, counter)) = common::counted_postgres().await {
        the_deal_list_reads_only_what_it_shows(crm, counter).await;
    }
    if let Some((crm, counter)) = common::counted_postgres().await {
        a_deal_page_read_again_costs_three_stamps(crm, counter).await;
    }
    if let Some((crm, counter)) = common::counted_postgres().await {
        the_inbox_read_again_costs_a_stamp(crm, counter).await;
    }
}
