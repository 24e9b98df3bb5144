//! The weekly pipeline review: snapshots, the sections that compare with the previous
//! review, marks with comments, and who may do what — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use chrono::{Duration, Utc};
use common::deals::{new_deal, rep, workspace};
use domain::{
    deal::DealChange,
    review::{PipelineReview, ReviewSection, COMMENT_MAX},
    AppError,
};
use sea_orm::{ConnectionTrait, Statement};
use service::Crm;

fn titles(review: &PipelineReview, section: ReviewSection) -> Vec<String> {
    review
        .sections
        .iter()
        .find(|(s, _)| *s == section)
        .map(|(_, deals)| deals.iter().map(|d| d.title.clone()).collect())
        .unwrap_or_default()
}

async fn a_review_compares_with_the_previous_one(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let soon = Utc::now().date_naive().to_string();
    let later = (Utc::now() + Duration::days(60)).date_naive().to_string();
    let acme = new_deal(
        &crm,
        &dana,
        "Acme renewal",
        vec![
            DealChange::Value("5000".into()),
            DealChange::ExpectedCloseOn(soon),
        ],
    )
    .await;
    new_deal(
        &crm,
        &dana,
        "Globex pilot",
        vec![
            DealChange::Value("900".into()),
            DealChange::NextStep("Send the quote".into()),
        ],
    )
    .await;

    let before = crm.pipeline_review(&dana, None).await.expect("review");
    assert!(before.current.is_none() && before.can_review);
    assert_eq!(titles(&before, ReviewSection::NoNextStep), ["Acme renewal"]);
    assert_eq!(
        titles(&before, ReviewSection::ClosingSoon),
        ["Acme renewal"]
    );

    crm.start_review(&dana, None).await.expect("first review");
    let first = crm.pipeline_review(&dana, None).await.expect("review");
    assert!(
        titles(&first, ReviewSection::Slipped).is_empty(),
        "nothing to compare with yet"
    );
    assert_eq!(first.history.len(), 1);
    assert_eq!(first.history[0].open_deals, 2);

    crm.update_deal(
        &dana,
        acme.card.id,
        acme.card.version,
        vec![
            DealChange::ExpectedCloseOn(later.clone()),
            DealChange::Value("6500".into()),
        ],
    )
    .await
    .expect("slip");
    let second_id = crm.start_review(&dana, None).await.expect("second review");
    let second = crm.pipeline_review(&dana, None).await.expect("review");
    assert_eq!(titles(&second, ReviewSection::Slipped), ["Acme renewal"]);
    assert_eq!(
        titles(&second, ReviewSection::BiggestChanges),
        ["Acme renewal"]
    );
    let slipped = &second
        .sections
        .iter()
        .find(|(s, _)| *s == ReviewSection::Slipped)
        .expect("section")
        .1[0];
    assert!(
        slipped
            .changes()
            .iter()
            .any(|c| c.starts_with("Close date") && c.ends_with(&later)),
        "{:?}",
        slipped.changes()
    );
    assert!(slipped.changes().contains(&"Value 5000 → 6500".to_owned()));

    let mark = crm
        .mark_reviewed(
            &dana,
            second_id,
            acme.card.id,
            "  Push for signature before the 15th ",
        )
        .await
        .expect("mark");
    assert_eq!(mark.comment, "Push for signature before the 15th");
    // The deal's own history says it was reviewed, and what was said.
    let history = crm
        .timeline(&dana, domain::note::RecordRef::Deal(acme.card.id), None)
        .await
        .expect("timeline");
    assert!(history.items.iter().any(|item| item.entry
        == domain::timeline::Entry::Reviewed {
            comment: "Push for signature before the 15th".into()
        }
        && item.headline() == "Dana Whitfield reviewed it in the pipeline review"));
    let marked = crm.pipeline_review(&dana, None).await.expect("review");
    let acme_row = &marked
        .sections
        .iter()
        .find(|(s, _)| *s == ReviewSection::Slipped)
        .expect("section")
        .1[0];
    assert_eq!(
        acme_row.mark.as_ref().map(|m| m.by.as_str()),
        Some(dana.name.as_str())
    );
    assert_eq!(marked.history.len(), 2);
    assert_eq!(
        (marked.history[0].reviewed, marked.history[1].reviewed),
        (1, 0)
    );
    assert_eq!(marked.history[0].open_value[0].cents, 740_000);
    assert_eq!(marked.history[1].open_value[0].cents, 590_000);
}

async fn only_managers_review_and_only_their_own_workspace(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    let sam = rep(&crm, &dana).await;
    let deal = new_deal(&crm, &dana, "Acme renewal", vec![]).await;
    assert_eq!(
        crm.start_review(&sam, None).await,
        Err(AppError::Forbidden(
            "Sales reps can't run pipeline reviews.".into()
        ))
    );
    let review = crm.start_review(&dana, None).await.expect("review");
    assert_eq!(
        crm.mark_reviewed(&sam, review, deal.card.id, "ok").await,
        Err(AppError::Forbidden(
            "Sales reps can't run pipeline reviews.".into()
        ))
    );
    assert!(
        !crm.pipeline_review(&sam, None)
            .await
            .expect("reps can read")
            .can_review
    );

    let long = "x".repeat(COMMENT_MAX + 1);
    assert!(matches!(
        crm.mark_reviewed(&dana, review, deal.card.id, &long).await,
        Err(AppError::Validation(_))
    ));
    assert_eq!(
        common::count(&crm, "review_marks").await,
        0,
        "a refused mark writes nothing"
    );

    let other = crm
        .sign_up(common::sign_up("Globex", "gail@globex.example"))
        .await
        .expect("other")
        .0;
    assert_eq!(
        crm.mark_reviewed(&other, review, deal.card.id, "mine?")
            .await,
        Err(AppError::NotFound)
    );
    let theirs = crm.start_review(&other, None).await.expect("their review");
    assert_eq!(
        crm.mark_reviewed(&dana, theirs, deal.card.id, "hm").await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        crm.pipeline_review(&other, None)
            .await
            .expect("theirs")
            .history[0]
            .open_deals,
        0
    );
}

/// Puts a deal in `stage`, entered `days` ago; `touched` days ago when given.
async fn age(crm: &Crm, title: &str, stage: &str, days: i64, touched: Option<i64>) {
    let at = |days: i64| format!("'{}'", (Utc::now() - Duration::days(days)).to_rfc3339());
    let touched = touched.map_or_else(|| "NULL".to_owned(), at);
    let statement = format!(
        "UPDATE deals SET stage_entered_at = {}, touched_at = {touched}, \
         stage_id = (SELECT s.id FROM stages s WHERE s.pipeline_id = deals.pipeline_id AND s.name = '{stage}') \
         WHERE title = '{title}'",
        at(days)
    );
    let db = crm.db();
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement))
        .await
        .unwrap();
}

async fn rotting_lists_the_longest_stuck_first_across_stages(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.example").await;
    // Qualified allows 14 days, Initial contact 14, Closing 7.
    let mut placed = Vec::new();
    for days in 20..40 {
        placed.push((format!("Qualified {days}"), "Qualified", days, None));
    }
    for days in 100..110 {
        placed.push((format!("Contact {days}"), "Initial contact", days, None));
    }
    placed.push(("Closing 8".into(), "Closing", 8, None));
    placed.push(("Closing 5".into(), "Closing", 5, None));
    // Long in its stage but worked on two days ago: not rotting.
    placed.push(("Touched 300".into(), "Qualified", 300, Some(2)));
    // Worked on long ago: rotting, by how long it has sat in the stage.
    placed.push(("Touched 200".into(), "Initial contact", 200, Some(60)));
    for (title, stage, days, touched) in &placed {
        new_deal(&crm, &dana, title, vec![]).await;
        age(&crm, title, stage, *days, *touched).await;
    }
    let won = new_deal(&crm, &dana, "Won 400", vec![]).await;
    age(&crm, "Won 400", "Qualified", 400, None).await;
    crm.db()
        .execute_raw(Statement::from_string(
            crm.db().get_database_backend(),
            format!(
                "UPDATE deals SET status = 'won' WHERE title = '{}'",
                won.card.title
            ),
        ))
        .await
        .unwrap();

    let review = crm.pipeline_review(&dana, None).await.expect("review");
    let mut expected = vec!["Touched 200".to_owned()];
    expected.extend((100..110).rev().map(|d| format!("Contact {d}")));
    expected.extend((25..40).rev().map(|d| format!("Qualified {d}")));
    // 25 at most: the oldest of every stage, merged; open deals only.
    assert_eq!(titles(&review, ReviewSection::Rotting), expected[..25]);

    // A rep who sees only their own and nobody's deals finds only those here: the
    // per-stage reads keep the visibility condition.
    let sam = rep(&crm, &dana).await;
    let narrowed = domain::account::CurrentUser {
        sees: domain::visibility::Sees::Owners(vec![sam.user_id]),
        ..sam
    };
    crm.db()
        .execute_raw(Statement::from_string(
            crm.db().get_database_backend(),
            "UPDATE deals SET owner_id = NULL WHERE title IN ('Contact 104', 'Qualified 30')",
        ))
        .await
        .unwrap();
    let seen = crm.pipeline_review(&narrowed, None).await.expect("review");
    assert_eq!(
        titles(&seen, ReviewSection::Rotting),
        ["Contact 104", "Qualified 30"]
    );
}

on_both_databases!(
    a_review_compares_with_the_previous_one,
    only_managers_review_and_only_their_own_workspace,
    rotting_lists_the_longest_stuck_first_across_stages
);
