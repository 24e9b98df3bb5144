//! A database written by the previous release upgrades in place: lists kept as joined
//! text (a deal's tags and ticked items, a stage's required fields and checklist, a web
//! form's fields) read
//! back as the same lists after migration 16 turns them into JSON arrays. Each case
//! runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::deals::{board, new_deal, workspace};
use domain::{
    board::{DealFilter, DealSort},
    deal::{DealChange, DealField},
    lead_form::{FormField, FormSetup},
};
use sea_orm::{ConnectionTrait, Statement};
use service::{migrate, Crm};

async fn run(crm: &Crm, sql: &str) {
    let db = crm.db();
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn lists_in_the_old_joined_text_read_back_after_the_upgrade(crm: Crm) {
    let dana = workspace(&crm, "dana@acme.com").await;
    let tagged = new_deal(
        &crm,
        &dana,
        "Acme renewal",
        vec![DealChange::Tags("vip, big deal".into())],
    )
    .await;
    new_deal(
        &crm,
        &dana,
        "Other",
        vec![DealChange::Tags("vip-lounge".into())],
    )
    .await;
    let column = &board(&crm, &dana).await.columns[3];
    let (stage, stage_name) = (column.stage.id, column.stage.name.clone());

    // Back to what the previous release wrote, and migration 16 not yet run (its new
    // column may stay: the migration is re-runnable).
    // By name: ids are stored as text on one engine and as blobs on the other.
    run(&crm, "UPDATE deals SET tags = ',vip,big deal,', checked = 'Budget confirmed\n\nSigned' WHERE title = 'Acme renewal'").await;
    run(
        &crm,
        "UPDATE deals SET tags = ',vip-lounge,', checked = '' WHERE tags LIKE '%lounge%'",
    )
    .await;
    run(&crm, &format!(
        "UPDATE stages SET entry_fields = 'value,unknown,,contact', checklist = ' a \n\n a\nb' WHERE name = '{stage_name}'"
    ))
    .await;
    let form = FormSetup {
        name: "Contact us".into(),
        fields: vec![FormField::Name, FormField::Email, FormField::Message],
        campaign: String::new(),
        version: 0,
    };
    crm.save_lead_form(&dana, None, form).await.unwrap();
    run(&crm, "UPDATE lead_forms SET fields = 'email,name'").await;
    run(
        &crm,
        "DELETE FROM seaql_migrations WHERE version = 'm20261204_000016_visibility_and_lists'",
    )
    .await;
    migrate(crm.db()).await.expect("the upgrade");
    let forms = crm.lead_forms(&dana).await.unwrap();
    assert_eq!(forms[0].fields, [FormField::Email, FormField::Name]);

    let detail = crm.deal_detail(&dana, tagged.card.id).await.unwrap();
    assert_eq!(detail.tags, ["vip", "big deal"]);
    assert_eq!(detail.facts.checked, ["Budget confirmed", "Signed"]);
    let criteria = &detail
        .stages
        .iter()
        .find(|s| s.id == stage)
        .unwrap()
        .criteria;
    assert_eq!(criteria.fields, [DealField::Value, DealField::Contact]);
    assert_eq!(criteria.checklist, ["a", "b"]);

    // The tag filter matches whole tags only.
    let vip = DealFilter {
        tag: "vip".into(),
        ..DealFilter::default()
    };
    let found = crm
        .list_deals(&dana, vip, DealSort::Title, 0)
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.rows[0].title, "Acme renewal");

    // Running the upgrade again (an interrupted run) leaves the lists as they are.
    run(
        &crm,
        "DELETE FROM seaql_migrations WHERE version = 'm20261204_000016_visibility_and_lists'",
    )
    .await;
    migrate(crm.db()).await.expect("the upgrade again");
    let again = crm.deal_detail(&dana, tagged.card.id).await.unwrap();
    assert_eq!(again.tags, detail.tags);
    assert_eq!(again.facts.checked, detail.facts.checked);
}

on_both_databases!(lists_in_the_old_joined_text_read_back_after_the_upgrade);

/// Rows SQLite's statistics hold for `index` (none until ANALYZE has seen it).
async fn statistics_of(crm: &Crm, index: &str) -> usize {
    let db = crm.db();
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT stat FROM sqlite_stat1 WHERE idx = '{index}'"),
    ))
    .await
    .map(|rows| rows.len())
    .unwrap_or(0)
}

/// SQLite only: PostgreSQL keeps statistics per column, which a new index does not
/// change. A new index without statistics beside analyzed ones looks more selective
/// than any, and took the inbox's counts off their covering index; an upgrade of an
/// analyzed database therefore gathers them again.
#[tokio::test]
async fn an_upgrade_of_an_analyzed_database_gathers_statistics_for_its_new_indexes() {
    let crm = common::sqlite().await;
    let dana = workspace(&crm, "dana@acme.com").await;
    new_deal(&crm, &dana, "Acme renewal", vec![]).await;
    // A partial index of open deals (migration 21); the open deal above is in it, and
    // SQLite keeps no statistics for an empty index.
    let new_index = "ix_deals_open_closing";
    let without_migration_21 = async |crm: &Crm| {
        run(crm, &format!("DROP INDEX {new_index}")).await;
        run(
            crm,
            "DELETE FROM seaql_migrations WHERE version = 'm20261206_000021_review_indexes'",
        )
        .await;
    };

    // Never analyzed: left so, statistics of a nearly empty file would mislead later.
    without_migration_21(&crm).await;
    migrate(crm.db()).await.expect("the upgrade");
    assert_eq!(statistics_of(&crm, new_index).await, 0);

    crm.analyze().await.unwrap();
    without_migration_21(&crm).await;
    run(
        &crm,
        &format!("DELETE FROM sqlite_stat1 WHERE idx = '{new_index}'"),
    )
    .await;
    // Measured indexes keep what was measured (here a marker): only new ones are read.
    let kept = "ix_deals_workspace_id_owner_id";
    run(
        &crm,
        &format!("UPDATE sqlite_stat1 SET stat = '7 7 7' WHERE idx = '{kept}'"),
    )
    .await;
    migrate(crm.db()).await.expect("the upgrade");
    assert_eq!(statistics_of(&crm, new_index).await, 1);
    let db = crm.db();
    let marker = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT stat FROM sqlite_stat1 WHERE idx = '{kept}'"),
        ))
        .await
        .unwrap()
        .map(|row| row.try_get_by_index::<String>(0).unwrap());
    assert_eq!(marker.as_deref(), Some("7 7 7"));
    // Nothing pending: nothing gathered again.
    run(
        &crm,
        &format!("DELETE FROM sqlite_stat1 WHERE idx = '{new_index}'"),
    )
    .await;
    migrate(crm.db()).await.expect("no upgrade");
    assert_eq!(statistics_of(&crm, new_index).await, 0);
}
