//! Deals on the board: stage rules on every write path, optimistic locking, outcomes,
//! paging and filters, pipeline settings. Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{
    count,
    deals::{board, fields, move_to, new_deal, rep, stage, workspace},
};
use domain::{
    account::CurrentUser,
    board::{
        BulkChange, DealFilter, DealSort, MoveDeal, NewDeal, Outcome, COLUMN_PAGE, FIRST_SCREEN,
    },
    deal::{ContactRole, DealChange},
    ids::{ContactId, DealId},
    pipeline::{SavePipeline, StageDraft},
    AppError,
};
use service::Crm;

/// A contact row for decision-maker tests (contacts have their own service and tests).
async fn insert_contact(crm: &Crm, viewer: &CurrentUser, name: &str) -> ContactId {
    use sea_orm::{sea_query::Query, ConnectionTrait};
    let id = uuid::Uuid::new_v4();
    let insert = Query::insert()
        .into_table("contacts")
        .columns(["id", "workspace_id", "name", "created_at"])
        .values_panic([
            id.into(),
            viewer.workspace_id.0.into(),
            name.into(),
            chrono::Utc::now().into(),
        ])
        .to_owned();
    crm.db().execute(&insert).await.unwrap();
    ContactId(id)
}

async fn a_new_workspace_has_the_buying_process_and_deals_land_in_its_first_stage(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let before = board(&crm, &dana).await;
    let names: Vec<&str> = before
        .columns
        .iter()
        .map(|c| c.stage.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Qualified",
            "Initial contact",
            "Needs assessment",
            "Proposal",
            "Negotiation",
            "Closing"
        ]
    );
    assert!(before.lost_reasons.contains(&"Price too high".to_owned()));
    let saved = new_deal(
        &crm,
        &dana,
        "Acme – 40 seats",
        vec![DealChange::Value("12,000".into())],
    )
    .await;
    assert_eq!(saved.card.owner.as_deref(), Some("Dana Whitfield"));
    let after = board(&crm, &dana).await;
    let first = &after.columns[0];
    assert_eq!(first.totals.deals, 1);
    assert_eq!(first.totals.values[0].value_cents, 1_200_000);
    assert_eq!(
        first.totals.values[0].weighted_cents, 120_000,
        "10 % of 12,000"
    );
    assert_eq!(first.cards[0].title, "Acme – 40 seats");
    assert_eq!(count(&crm, "stage_changes").await, 1);
}

async fn a_move_into_a_stage_with_unmet_criteria_is_refused_then_completed_in_one_request(
    crm: Crm,
) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let proposal = stage(&board(&crm, &dana).await, "Proposal");
    let saved = new_deal(&crm, &dana, "Globex renewal", vec![]).await;
    let refused = crm
        .move_deal(&dana, move_to(&saved, proposal, vec![]))
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["value", "expected_close_on", "stage"]);
    assert!(refused
        .explain()
        .contains("Proposal needs Value and Expected close date"));
    let unchanged = crm.deal_detail(&dana, saved.card.id).await.unwrap();
    assert_eq!((unchanged.version, unchanged.stage), (1, saved.stage));
    assert_eq!(count(&crm, "stage_changes").await, 1);

    let filled = vec![
        DealChange::Value("8,000".into()),
        DealChange::ExpectedCloseOn("2027-03-31".into()),
    ];
    let moved = crm
        .move_deal(&dana, move_to(&saved, proposal, filled))
        .await
        .unwrap();
    assert_eq!(moved.stage, proposal);
    assert_eq!((moved.card.version, moved.card.value_cents), (2, 800_000));
    let detail = crm.deal_detail(&dana, saved.card.id).await.unwrap();
    assert_eq!(detail.history[0].to, "Proposal");
    assert_eq!(detail.history[0].from.as_deref(), Some("Qualified"));
    assert_eq!(detail.history[0].by.as_deref(), Some("Dana Whitfield"));
}

async fn negotiation_needs_a_decision_maker_among_the_contacts(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let negotiation = stage(&board(&crm, &dana).await, "Negotiation");
    let champion = insert_contact(&crm, &dana, "Chris Champion").await;
    let boss = insert_contact(&crm, &dana, "Pat Boss").await;
    let saved = new_deal(
        &crm,
        &dana,
        "Initech",
        vec![
            DealChange::Value("5000".into()),
            DealChange::ExpectedCloseOn("2027-01-15".into()),
            DealChange::AddContact(champion, ContactRole::Champion),
        ],
    )
    .await;
    let refused = crm
        .move_deal(&dana, move_to(&saved, negotiation, vec![]))
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["decision_maker", "stage"]);
    let with_boss = vec![DealChange::AddContact(boss, ContactRole::DecisionMaker)];
    crm.move_deal(&dana, move_to(&saved, negotiation, with_boss))
        .await
        .unwrap();
    let detail = crm.deal_detail(&dana, saved.card.id).await.unwrap();
    assert_eq!(detail.contacts.len(), 2);
    assert!(detail.facts.has_decision_maker);
}

async fn create_update_and_bulk_paths_enforce_the_same_rules(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let proposal = stage(&board(&crm, &dana).await, "Proposal");
    let straight_in = NewDeal {
        pipeline: None,
        stage: Some(proposal),
        title: "Skips the queue".into(),
        changes: vec![],
    };
    let refused = crm
        .create_deal(&dana, straight_in.clone())
        .await
        .unwrap_err();
    assert!(fields(&refused).contains(&"value".to_owned()));
    assert_eq!(
        count(&crm, "deals").await,
        0,
        "a refused create writes nothing"
    );

    let complete = NewDeal {
        changes: vec![
            DealChange::Value("100".into()),
            DealChange::ExpectedCloseOn("2027-02-01".into()),
        ],
        ..straight_in
    };
    let in_proposal = crm.create_deal(&dana, complete).await.unwrap();
    let cleared = crm
        .update_deal(
            &dana,
            in_proposal.card.id,
            1,
            vec![DealChange::Value(String::new())],
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(&cleared),
        ["value", "stage"],
        "Proposal requires a value"
    );
    crm.update_deal(
        &dana,
        in_proposal.card.id,
        1,
        vec![DealChange::Title("Renamed".into())],
    )
    .await
    .unwrap();

    let ready = new_deal(
        &crm,
        &dana,
        "Ready",
        vec![
            DealChange::Value("1".into()),
            DealChange::ExpectedCloseOn("2027-05-05".into()),
        ],
    )
    .await;
    let bare = new_deal(&crm, &dana, "Bare", vec![]).await;
    let result = crm
        .bulk_change(
            &dana,
            vec![(ready.card.id, 1), (bare.card.id, 1)],
            BulkChange::Stage(proposal),
        )
        .await
        .unwrap();
    assert_eq!(result.changed, 1);
    assert_eq!(result.refused.len(), 1);
    assert_eq!(result.refused[0].0, "Bare");
    assert!(
        result.refused[0].1.contains("Proposal needs Value"),
        "{:?}",
        result.refused
    );
}

async fn bad_input_is_refused_by_field_and_changes_nothing(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let other = workspace(&crm, "eve@globex.com").await;
    let foreign_stage = stage(&board(&crm, &other).await, "Qualified");
    let saved = new_deal(&crm, &dana, "Hooli", vec![]).await;
    let to_foreign = crm
        .move_deal(&dana, move_to(&saved, foreign_stage, vec![]))
        .await;
    assert_eq!(to_foreign.unwrap_err(), AppError::NotFound);
    let peek = crm.deal_detail(&other, saved.card.id).await;
    assert_eq!(
        peek.unwrap_err(),
        AppError::NotFound,
        "another workspace cannot read it"
    );

    let second = crm.create_pipeline(&dana, "Renewals").await.unwrap();
    let second_board = crm
        .board(
            &dana,
            DealFilter {
                pipeline: Some(second),
                ..DealFilter::default()
            },
        )
        .await
        .unwrap();
    let other_pipeline = second_board.columns[0].stage.id;
    let refused = crm
        .move_deal(&dana, move_to(&saved, other_pipeline, vec![]))
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["stage"]);

    let bad = vec![
        DealChange::Title("x".repeat(10_000)),
        DealChange::Value("-50".into()),
        DealChange::Currency("ABC".into()),
        DealChange::ExpectedCloseOn("soon".into()),
    ];
    let refused = crm
        .update_deal(&dana, saved.card.id, 1, bad)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&refused),
        ["title", "value", "currency", "expected_close_on"]
    );
    let absurd = crm
        .update_deal(
            &dana,
            saved.card.id,
            1,
            vec![DealChange::Value("1e15".into())],
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&absurd), ["value"]);
    let detail = crm
        .deal_detail(&dana, DealId(saved.card.id.0))
        .await
        .unwrap();
    assert_eq!((detail.version, detail.title.as_str()), (1, "Hooli"));
}

async fn deals_are_won_lost_with_a_reason_and_reopened(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let saved = new_deal(
        &crm,
        &dana,
        "Soylent",
        vec![DealChange::Value("700".into())],
    )
    .await;
    let id = saved.card.id;
    let no_reason = crm
        .close_deal(&dana, id, 1, Outcome::Lost { reason: " ".into() })
        .await;
    assert_eq!(fields(&no_reason.unwrap_err()), ["lost_reason"]);
    let unknown = crm
        .close_deal(
            &dana,
            id,
            1,
            Outcome::Lost {
                reason: "Aliens".into(),
            },
        )
        .await;
    assert_eq!(fields(&unknown.unwrap_err()), ["lost_reason"]);
    crm.close_deal(
        &dana,
        id,
        1,
        Outcome::Lost {
            reason: "price too high".into(),
        },
    )
    .await
    .unwrap();
    let lost = crm.deal_detail(&dana, id).await.unwrap();
    assert_eq!(
        (lost.status.key(), lost.lost_reason.as_deref()),
        ("lost", Some("Price too high"))
    );
    assert_eq!(
        board(&crm, &dana).await.columns[0].totals.deals,
        0,
        "closed deals leave the board"
    );
    let reopened = crm.close_deal(&dana, id, 2, Outcome::Reopen).await.unwrap();
    assert_eq!(board(&crm, &dana).await.columns[0].totals.deals, 1);
    crm.close_deal(&dana, id, reopened.card.version, Outcome::Won)
        .await
        .unwrap();
    let won = crm.deal_detail(&dana, id).await.unwrap();
    assert_eq!((won.status.key(), won.lost_reason), ("won", None));
    let history: Vec<&str> = won.history.iter().map(|h| h.to.as_str()).collect();
    assert_eq!(history, ["Won", "Qualified", "Lost", "Qualified"]);
    let again = crm.close_deal(&dana, id, won.version, Outcome::Won).await;
    assert_eq!(fields(&again.unwrap_err()), ["status"]);
}

async fn columns_page_with_exact_totals_and_filters_narrow_them(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    for n in 0..35 {
        let tags = if n % 5 == 0 { "enterprise" } else { "smb" };
        new_deal(
            &crm,
            &dana,
            &format!("Deal {n:02}"),
            vec![
                DealChange::Value("100".into()),
                DealChange::Tags(tags.into()),
            ],
        )
        .await;
    }
    let full = board(&crm, &dana).await;
    // A card leaves out of its JSON the facts it states itself and gets them back on
    // reading (`domain::wire`): that holds only if the service's facts agree with the
    // card's own fields, so the board must come back from its wire form unchanged.
    let wire = serde_json::to_string(&full).unwrap();
    assert!(!wire.contains("has_owner"), "the owner fact travels once");
    assert_eq!(
        serde_json::from_str::<domain::board::Board>(&wire).unwrap(),
        full
    );
    let first = &full.columns[0];
    assert_eq!(
        first.cards.len() as u64,
        FIRST_SCREEN,
        "the first screen of cards"
    );
    assert_eq!(first.totals.deals, 35, "totals count every deal");
    assert_eq!(first.totals.values[0].value_cents, 350_000);
    assert_eq!(
        first.cards[0].title, "Deal 34",
        "most recently entered first"
    );
    let rest = crm
        .board_column(&dana, DealFilter::default(), first.stage.id, FIRST_SCREEN)
        .await
        .unwrap();
    assert_eq!(
        rest.len() as u64,
        (35 - FIRST_SCREEN).min(COLUMN_PAGE),
        "the rest, up to a page"
    );
    let tagged = DealFilter {
        tag: "Enterprise".into(),
        ..DealFilter::default()
    };
    assert_eq!(
        crm.board(&dana, tagged).await.unwrap().columns[0]
            .totals
            .deals,
        7
    );
    let text = DealFilter {
        text: "deal 1".into(),
        ..DealFilter::default()
    };
    assert_eq!(
        crm.board(&dana, text).await.unwrap().columns[0]
            .totals
            .deals,
        10
    );
    let wildcard = DealFilter {
        text: "%".into(),
        ..DealFilter::default()
    };
    assert_eq!(
        crm.board(&dana, wildcard).await.unwrap().columns[0]
            .totals
            .deals,
        0
    );
    let mine = DealFilter {
        mine: true,
        ..DealFilter::default()
    };
    assert_eq!(
        crm.board(&dana, mine).await.unwrap().columns[0]
            .totals
            .deals,
        35
    );
    let listed = crm
        .list_deals(
            &dana,
            DealFilter::default(),
            domain::board::DealSort::Title,
            0,
        )
        .await
        .unwrap();
    assert_eq!(
        (listed.total, listed.rows[0].title.as_str()),
        (35, "Deal 00")
    );
}

/// A board filtered only by owner reads its column totals from the open-deal rollup; a
/// search that every title matches groups the deals themselves. Both must agree for
/// everyone's deals, one owner's and "my deals", across currencies, unowned deals,
/// moves, value changes, wins, losses and reopens.
async fn column_totals_from_the_rollup_equal_the_deals_grouped(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let sam = rep(&crm, &dana).await;
    let start = board(&crm, &dana).await;
    let contact = stage(&start, "Initial contact");
    let reason = start.lost_reasons[0].clone();
    let mut deals = Vec::new();
    for n in 0..12_i32 {
        let owner = [Some(dana.user_id), Some(sam.user_id), None][(n % 3) as usize];
        let currency = if n % 4 == 0 { "EUR" } else { "USD" };
        let changes = vec![
            DealChange::Value(format!("{}", 100 + n)),
            DealChange::Currency(currency.into()),
            DealChange::Owner(owner),
        ];
        deals.push(new_deal(&crm, &dana, &format!("Deal {n}"), changes).await);
    }
    for saved in &deals[..5] {
        let changes = vec![DealChange::Value("5,000".into())];
        crm.move_deal(&dana, move_to(saved, contact, changes))
            .await
            .unwrap();
    }
    let ids: Vec<DealId> = deals.iter().map(|d| d.card.id).collect();
    let version = |n: usize| {
        let (crm, dana, id) = (crm.clone(), dana.clone(), ids[n]);
        async move { crm.deal_detail(&dana, id).await.unwrap().version }
    };
    let won = crm
        .close_deal(&dana, ids[0], version(0).await, Outcome::Won)
        .await
        .unwrap();
    crm.close_deal(&dana, ids[6], version(6).await, Outcome::Won)
        .await
        .unwrap();
    let lost = Outcome::Lost { reason };
    crm.close_deal(&dana, ids[7], version(7).await, lost)
        .await
        .unwrap();
    crm.close_deal(&dana, ids[0], won.card.version, Outcome::Reopen)
        .await
        .unwrap();

    let every_title = |filter: DealFilter| DealFilter {
        text: "deal".into(),
        ..filter
    };
    let filters = [
        DealFilter::default(),
        DealFilter {
            owner: Some(sam.user_id),
            ..DealFilter::default()
        },
        DealFilter {
            mine: true,
            ..DealFilter::default()
        },
    ];
    // A rep who sees only their own deals and nobody's (the workspace's visibility).
    let narrowed = CurrentUser {
        sees: domain::visibility::Sees::Owners(vec![sam.user_id]),
        ..sam.clone()
    };
    for viewer in [&dana, &sam, &narrowed] {
        for filter in filters.clone() {
            let totals = |board: domain::board::Board| -> Vec<_> {
                board.columns.into_iter().map(|c| c.totals).collect()
            };
            let rollup = totals(crm.board(viewer, filter.clone()).await.unwrap());
            let grouped = totals(
                crm.board(viewer, every_title(filter.clone()))
                    .await
                    .unwrap(),
            );
            assert_eq!(rollup, grouped, "{filter:?} as {}", viewer.name);
            let listed = |filter: DealFilter| async {
                crm.list_deals(viewer, filter, DealSort::Updated, 0)
                    .await
                    .unwrap()
                    .total
            };
            assert_eq!(
                listed(filter.clone()).await,
                listed(every_title(filter.clone())).await,
                "the list's count: {filter:?} as {}",
                viewer.name
            );
        }
    }
    let everyone = board(&crm, &dana).await;
    let open: u64 = everyone.columns.iter().map(|c| c.totals.deals).sum();
    assert_eq!(
        open, 10,
        "12 deals, one won and one lost; the reopened one is open"
    );
    let in_pipeline = DealFilter {
        pipeline: Some(everyone.pipeline),
        ..DealFilter::default()
    };
    let listed = crm.list_deals(&dana, in_pipeline, DealSort::Updated, 0);
    assert_eq!(listed.await.unwrap().total, 12);
}

async fn stages_are_edited_and_removing_one_relocates_its_deals(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let before = board(&crm, &dana).await;
    let saved = new_deal(&crm, &dana, "Moves along", vec![]).await;
    let mut drafts: Vec<StageDraft> = before
        .columns
        .iter()
        .map(|c| StageDraft {
            id: Some(c.stage.id),
            name: c.stage.name.clone(),
            probability: c.stage.probability,
            rotting_days: c.stage.rotting_days,
            criteria: c.stage.criteria.clone(),
        })
        .collect();
    let qualified = drafts.remove(0);
    drafts[0].name = "First call".into();
    drafts.push(StageDraft {
        id: None,
        name: "Contract sent".into(),
        probability: 95,
        rotting_days: 5,
        criteria: domain::deal::EntryCriteria {
            fields: vec![],
            checklist: vec!["Legal approved".into()],
        },
    });
    let mut command = SavePipeline {
        pipeline: before.pipeline,
        version: before.pipeline_version,
        name: "New business".into(),
        stages: drafts,
        relocate: vec![],
    };
    let refused = crm.save_pipeline(&dana, command.clone()).await.unwrap_err();
    assert_eq!(fields(&refused), ["relocate"]);
    let proposal = command
        .stages
        .iter()
        .find(|s| s.name == "Proposal")
        .unwrap()
        .id
        .unwrap();
    command.relocate = vec![(qualified.id.unwrap(), proposal)];
    let unfit = crm.save_pipeline(&dana, command.clone()).await.unwrap_err();
    assert!(
        unfit
            .explain()
            .contains("1 open deals in Qualified lack what Proposal requires"),
        "{unfit:?}"
    );
    let first_call = command.stages[0].id.unwrap();
    command.relocate = vec![(qualified.id.unwrap(), first_call)];
    let head = crm.event_head(&dana).await.unwrap();
    crm.save_pipeline(&dana, command.clone()).await.unwrap();
    // A second save from the same page, opened before the first, would drop whatever
    // the first changed: refused, naming who saved in between.
    let stale = crm.save_pipeline(&dana, command).await.unwrap_err();
    assert!(
        matches!(&stale, AppError::Conflict(m) if m.starts_with("Dana") && m.contains("pipeline")),
        "{stale:?}"
    );
    // The relocated deal has its own move in the log (timeline, live boards), before
    // the pipeline's own change.
    let logged = crm.events_since(&dana, head, 10).await.unwrap();
    let kinds: Vec<(domain::event::EventKind, String)> = logged
        .iter()
        .map(|e| (e.kind(), e.subject.to_string()))
        .collect();
    let subject = format!("deal:{}", saved.card.id);
    assert_eq!(
        kinds,
        [
            (domain::event::EventKind::DealMoved, subject),
            (
                domain::event::EventKind::StagesChanged,
                format!("pipeline:{}", before.pipeline)
            ),
        ]
    );
    assert_eq!(logged[0].payload.deal_after().unwrap().version, 2);
    let after = board(&crm, &dana).await;
    let names: Vec<&str> = after
        .columns
        .iter()
        .map(|c| c.stage.name.as_str())
        .collect();
    assert_eq!(names[0], "First call");
    assert_eq!(names.len(), 6);
    assert_eq!(after.columns[0].cards[0].id, saved.card.id);
    assert_eq!(after.pipelines[0].1, "New business");
    let contract = after.columns[5].stage.id;
    let moved = crm.deal_detail(&dana, saved.card.id).await.unwrap();
    let unchecked = crm
        .move_deal(
            &dana,
            MoveDeal {
                deal: saved.card.id,
                version: moved.version,
                stage: contract,
                changes: vec![],
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&unchecked), ["checklist", "stage"]);
    let ticked = vec![DealChange::Check("Legal approved".into(), true)];
    crm.move_deal(
        &dana,
        MoveDeal {
            deal: saved.card.id,
            version: moved.version,
            stage: contract,
            changes: ticked,
        },
    )
    .await
    .unwrap();

    let as_rep = rep(&crm, &dana).await;
    let forbidden = crm.create_pipeline(&as_rep, "Mine").await;
    assert_eq!(
        forbidden.unwrap_err(),
        AppError::Forbidden("Sales reps can't change pipelines.".into())
    );
}

async fn managers_edit_the_lost_reasons_and_new_losses_pick_from_them(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let saved = new_deal(&crm, &dana, "Lost to a rival", vec![]).await;
    let lines = vec![
        " Went with Globex ".to_owned(),
        String::new(),
        "went with globex".into(),
        "Budget cut".into(),
    ];
    let reasons = crm.save_lost_reasons(&dana, lines).await.unwrap();
    assert_eq!(
        reasons,
        ["Went with Globex", "Budget cut"],
        "trimmed, blank and repeated lines dropped"
    );
    let old = crm
        .close_deal(
            &dana,
            saved.card.id,
            1,
            Outcome::Lost {
                reason: "Price too high".into(),
            },
        )
        .await;
    assert_eq!(
        fields(&old.unwrap_err()),
        ["lost_reason"],
        "the old list is gone"
    );
    crm.close_deal(
        &dana,
        saved.card.id,
        1,
        Outcome::Lost {
            reason: "Budget cut".into(),
        },
    )
    .await
    .unwrap();
    let empty = crm
        .save_lost_reasons(&dana, vec![" ".into()])
        .await
        .unwrap_err();
    assert_eq!(fields(&empty), ["lost_reasons"]);
    let rep = CurrentUser {
        role: domain::Role::Rep,
        sees: Default::default(),
        ..dana.clone()
    };
    let forbidden = crm.save_lost_reasons(&rep, vec!["Mine".into()]).await;
    assert_eq!(
        forbidden.unwrap_err(),
        AppError::Forbidden("Sales reps can't change pipelines.".into())
    );
    assert_eq!(
        board(&crm, &dana).await.lost_reasons,
        ["Went with Globex", "Budget cut"]
    );
}

async fn the_list_puts_the_last_updated_first_and_offers_one_pipelines_stages(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let mut saved = Vec::new();
    for n in 0..3 {
        saved.push(new_deal(&crm, &dana, &format!("Deal {n}"), Vec::new()).await);
    }
    // The oldest deal, edited now, comes first in the default order.
    let oldest = &saved[0].card;
    crm.update_deal(
        &dana,
        oldest.id,
        oldest.version,
        vec![DealChange::Value("5".into())],
    )
    .await
    .unwrap();
    let listed = crm
        .list_deals(&dana, DealFilter::default(), DealSort::Updated, 0)
        .await
        .unwrap();
    let titles: Vec<&str> = listed.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["Deal 0", "Deal 2", "Deal 1"]);

    // One pipeline: "all pipelines" is it, so its stages are offered for bulk moves.
    let options = crm.list_options(&dana, None).await.unwrap();
    assert_eq!(options.pipelines.len(), 1);
    assert_eq!(options.owners.len(), 1);
    let stages = options.stages.expect("the only pipeline's stages");
    assert_eq!(stages[0].name, "Qualified");
    let second = crm.create_pipeline(&dana, "Renewals").await.unwrap();
    let options = crm.list_options(&dana, None).await.unwrap();
    assert_eq!(options.pipelines.len(), 2);
    assert!(options.stages.is_none(), "no stage moves across pipelines");
    let chosen = crm.list_options(&dana, Some(second)).await.unwrap();
    assert!(chosen.stages.is_some_and(|s| !s.is_empty()));

    let stranger = workspace(&crm, "sam@globex.com").await;
    assert_eq!(
        crm.list_options(&stranger, Some(second)).await.unwrap_err(),
        AppError::NotFound
    );
}

on_both_databases!(
    the_list_puts_the_last_updated_first_and_offers_one_pipelines_stages,
    managers_edit_the_lost_reasons_and_new_losses_pick_from_them,
    a_new_workspace_has_the_buying_process_and_deals_land_in_its_first_stage,
    a_move_into_a_stage_with_unmet_criteria_is_refused_then_completed_in_one_request,
    negotiation_needs_a_decision_maker_among_the_contacts,
    create_update_and_bulk_paths_enforce_the_same_rules,
    bad_input_is_refused_by_field_and_changes_nothing,
    deals_are_won_lost_with_a_reason_and_reopened,
    columns_page_with_exact_totals_and_filters_narrow_them,
    column_totals_from_the_rollup_equal_the_deals_grouped,
    stages_are_edited_and_removing_one_relocates_its_deals,
);
