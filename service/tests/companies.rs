//! Companies and contacts: saving, the duplicate guard, bad input, lists, detail pages and
//! workspace isolation, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use common::{count, sign_up};
use domain::{
    account::CurrentUser,
    company::{duplicate_of, CompanyInput, ContactInput, ListSort, PAGE_SIZE},
    event::EventKind,
    ids::{CompanyId, ContactId},
    AppError,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait,
};
use service::Crm;
use uuid::Uuid;

fn company(name: &str, domain: &str) -> CompanyInput {
    CompanyInput {
        name: name.into(),
        domain: domain.into(),
        ..CompanyInput::default()
    }
}

fn contact(name: &str, email: &str, company: &str) -> ContactInput {
    ContactInput {
        name: name.into(),
        email: email.into(),
        company: company.into(),
        ..ContactInput::default()
    }
}

async fn workspace(crm: &Crm, name: &str, email: &str) -> CurrentUser {
    crm.sign_up(sign_up(name, email)).await.unwrap().0
}

/// Adds a deal straight into the table (deals have their own service), in the first stage.
async fn insert_deal(
    crm: &Crm,
    owner: &CurrentUser,
    company: Option<CompanyId>,
    title: &str,
) -> Uuid {
    let db = crm.db();
    let find_stage = Query::select()
        .columns(["id", "pipeline_id"])
        .from("stages")
        .and_where(Expr::col("workspace_id").eq(owner.workspace_id.0))
        .order_by("position", sea_orm::Order::Asc)
        .limit(1)
        .to_owned();
    let stage = db.query_one(&find_stage).await.unwrap().expect("a stage");
    let (stage_id, pipeline_id): (Uuid, Uuid) = (
        stage.try_get("", "id").unwrap(),
        stage.try_get("", "pipeline_id").unwrap(),
    );
    let id = Uuid::new_v4();
    let now = chrono::Utc::now();
    let insert = Query::insert()
        .into_table("deals")
        .columns([
            "id",
            "workspace_id",
            "pipeline_id",
            "stage_id",
            "company_id",
            "title",
            "value_cents",
            "currency",
            "status",
            "created_at",
            "updated_at",
            "stage_entered_at",
            "version",
        ])
        .values_panic([
            id.into(),
            owner.workspace_id.0.into(),
            pipeline_id.into(),
            stage_id.into(),
            company.map(|c| c.0).into(),
            title.into(),
            1_250_000_i64.into(),
            "USD".into(),
            "open".into(),
            now.into(),
            now.into(),
            now.into(),
            1.into(),
        ])
        .to_owned();
    db.execute(&insert).await.unwrap();
    id
}

async fn link_contact(crm: &Crm, owner: &CurrentUser, deal: Uuid, contact: ContactId) {
    let insert = Query::insert()
        .into_table("deal_contacts")
        .columns(["workspace_id", "deal_id", "contact_id", "role"])
        .values_panic([
            owner.workspace_id.0.into(),
            deal.into(),
            contact.0.into(),
            "decision_maker".into(),
        ])
        .to_owned();
    crm.db().execute(&insert).await.unwrap();
}

async fn a_taken_domain_offers_the_existing_company(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let acme = crm
        .create_company(&dana, company("Acme Corp", "acme.com"))
        .await
        .unwrap();
    let again = crm
        .create_company(&dana, company("Acme Inc", "https://www.ACME.com/"))
        .await
        .unwrap_err();
    assert_eq!(duplicate_of(&again), Some(acme.0));
    assert_eq!(
        again.field_message("domain").as_deref(),
        Some("Acme Corp already uses this domain.")
    );
    assert_eq!(count(&crm, "companies").await, 1);
    // Editing another company onto the taken domain is refused the same way.
    let globex = crm
        .create_company(&dana, company("Globex", "globex.com"))
        .await
        .unwrap();
    let moved = crm
        .update_company(&dana, (globex, 1), company("Globex", "acme.com"))
        .await
        .unwrap_err();
    assert_eq!(duplicate_of(&moved), Some(acme.0));
    // Saving a company with its own domain is not a duplicate.
    let mut renamed = company("Acme Corporation", "acme.com");
    renamed.employees = "1,200".into();
    crm.update_company(&dana, (acme, 1), renamed).await.unwrap();
    let details = crm.company_details(&dana, acme).await.unwrap();
    assert_eq!(details.company.fields.name, "Acme Corporation");
    assert_eq!(details.company.fields.employees, Some(1200));
    // Another workspace may know the same company.
    let hank = workspace(&crm, "Globex Sales", "hank@globex.com").await;
    assert!(crm
        .create_company(&hank, company("Acme", "acme.com"))
        .await
        .is_ok());
}

async fn a_taken_email_offers_the_existing_contact(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let scully = crm
        .create_contact(&dana, contact("Dana Scully", "dana@fbi.gov", ""))
        .await
        .unwrap();
    let again = crm
        .create_contact(&dana, contact("D. Scully", " DANA@fbi.gov", ""))
        .await
        .unwrap_err();
    assert_eq!(duplicate_of(&again), Some(scully.0));
    assert_eq!(
        again.field_message("email").as_deref(),
        Some("Dana Scully already has this e-mail.")
    );
    assert_eq!(count(&crm, "contacts").await, 1);
    // Contacts without an e-mail are never duplicates of each other.
    crm.create_contact(&dana, contact("Fox Mulder", "", ""))
        .await
        .unwrap();
    let skinner = crm
        .create_contact(&dana, contact("Walter Skinner", "", ""))
        .await
        .unwrap();
    let clash = crm
        .update_contact(
            &dana,
            (skinner, 1),
            contact("Walter Skinner", "dana@fbi.gov", ""),
        )
        .await
        .unwrap_err();
    assert_eq!(duplicate_of(&clash), Some(scully.0));
    crm.update_contact(
        &dana,
        (scully, 1),
        contact("Dana K. Scully", "dana@fbi.gov", ""),
    )
    .await
    .unwrap();
    let kinds: Vec<_> = crm
        .events_since(&dana, 0, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind())
        .filter(|k| *k == EventKind::ContactSaved)
        .collect();
    assert_eq!(kinds.len(), 4, "three creations and one edit");
}

async fn bad_input_names_the_field_and_changes_nothing(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let events_before = crm.events_since(&dana, 0, 100).await.unwrap().len();
    let bad_companies = [
        ("name", company(&"n".repeat(161), "")),
        ("name", company("Acme\u{0}", "")),
        ("domain", company("Acme", "acme")),
        (
            "employees",
            CompanyInput {
                employees: "-3".into(),
                ..company("Acme", "")
            },
        ),
        (
            "address",
            CompanyInput {
                address: "x".repeat(301),
                ..company("Acme", "")
            },
        ),
    ];
    for (field, input) in bad_companies {
        let error = crm.create_company(&dana, input).await.unwrap_err();
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    let bad_contacts = [
        ("email", contact("Dana", "dana@", "")),
        ("name", contact("", "", "")),
        (
            "phone",
            ContactInput {
                phone: "call me".into(),
                ..contact("Dana", "", "")
            },
        ),
        (
            "title",
            ContactInput {
                title: "t\u{1b}[31m".into(),
                ..contact("Dana", "", "")
            },
        ),
        ("company", contact("Dana", "", "No Such Company")),
    ];
    for (field, input) in bad_contacts {
        let error = crm.create_contact(&dana, input).await.unwrap_err();
        assert!(error.field_message(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(count(&crm, "companies").await, 0);
    assert_eq!(count(&crm, "contacts").await, 0);
    let events_after = crm.events_since(&dana, 0, 100).await.unwrap().len();
    assert_eq!(events_before, events_after);
}

async fn lists_search_sort_and_page(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    for n in 0..53 {
        let mut input = company(&format!("Company {n:02}"), &format!("c{n}.example"));
        input.employees = (n * 10).to_string();
        crm.create_company(&dana, input).await.unwrap();
    }
    crm.create_company(&dana, company("acme 100%_done", ""))
        .await
        .unwrap();
    let first = crm
        .list_companies(&dana, "", ListSort::NameAsc, 0)
        .await
        .unwrap();
    assert_eq!((first.total, first.items.len() as u64), (54, PAGE_SIZE));
    assert_eq!(
        first.items[0].name, "acme 100%_done",
        "case-insensitive order"
    );
    let second = crm
        .list_companies(&dana, "", ListSort::NameAsc, 1)
        .await
        .unwrap();
    assert_eq!(second.items.len(), 4);
    assert_eq!(second.items[3].name, "Company 52");
    let largest = crm
        .list_companies(&dana, "", ListSort::Largest, 0)
        .await
        .unwrap();
    assert_eq!(largest.items[0].employees, Some(520));
    let newest = crm
        .list_companies(&dana, "", ListSort::Newest, 0)
        .await
        .unwrap();
    assert_eq!(newest.items[0].name, "acme 100%_done");
    // `%` and `_` are literal characters, not wildcards.
    let found = crm
        .list_companies(&dana, "0%_", ListSort::NameAsc, 0)
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    let by_domain = crm
        .list_companies(&dana, "C7.EXAMPLE", ListSort::NameAsc, 0)
        .await
        .unwrap();
    assert_eq!(by_domain.items[0].name, "Company 07");
    let picks = crm.search_companies(&dana, "company 1", 5).await.unwrap();
    assert_eq!(picks.len(), 5);
    assert_eq!(picks[0].1, "Company 10");
    assert_eq!(
        crm.list_companies(&dana, "", ListSort::NameAsc, 1_000_000)
            .await
            .unwrap_err()
            .status_code(),
        422,
        "a page past the bound is refused in words"
    );

    crm.create_contact(&dana, contact("Zoe Quinn", "zoe@c1.example", "company 01"))
        .await
        .unwrap();
    crm.create_contact(&dana, contact("adam Ant", "adam@c2.example", ""))
        .await
        .unwrap();
    let people = crm
        .list_contacts(&dana, "", ListSort::NameAsc, 0)
        .await
        .unwrap();
    let names: Vec<_> = people.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["adam Ant", "Zoe Quinn"]);
    assert_eq!(
        people.items[1].company.as_ref().map(|c| c.1.as_str()),
        Some("Company 01")
    );
    let by_email = crm
        .list_contacts(&dana, "ZOE@", ListSort::NameDesc, 0)
        .await
        .unwrap();
    assert_eq!(by_email.total, 1);
    let picks = crm.search_contacts(&dana, "zoe", 10).await.unwrap();
    assert_eq!(picks[0].2.as_deref(), Some("zoe@c1.example"));
}

async fn detail_pages_list_people_and_deals(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let acme = crm
        .create_company(&dana, company("Acme Corp", "acme.com"))
        .await
        .unwrap();
    let wile = crm
        .create_contact(
            &dana,
            contact("Wile E. Coyote", "wile@acme.com", "ACME CORP"),
        )
        .await
        .unwrap();
    let deal = insert_deal(&crm, &dana, Some(acme), "Rocket skates").await;
    insert_deal(&crm, &dana, None, "Unrelated").await;
    link_contact(&crm, &dana, deal, wile).await;

    let page = crm.company_details(&dana, acme).await.unwrap();
    assert_eq!(page.contacts.len(), 1);
    assert_eq!(page.contacts[0].name, "Wile E. Coyote");
    assert_eq!(
        (page.deals_total, page.deals[0].title.as_str()),
        (1, "Rocket skates")
    );
    assert_eq!(page.deals[0].stage, "Qualified");

    let person = crm.contact_details(&dana, wile).await.unwrap();
    assert_eq!(person.contact.company, Some((acme, "Acme Corp".to_owned())));
    assert_eq!(person.deals.len(), 1);
    assert_eq!(
        person.deals[0].role.map(|r| r.key()),
        Some("decision_maker")
    );
    assert_eq!(person.deals[0].value_cents, 1_250_000);
}

async fn another_workspace_is_invisible(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let hank = workspace(&crm, "Globex Sales", "hank@globex.com").await;
    let acme = crm
        .create_company(&dana, company("Acme Corp", "acme.com"))
        .await
        .unwrap();
    let wile = crm
        .create_contact(
            &dana,
            contact("Wile E. Coyote", "wile@acme.com", "Acme Corp"),
        )
        .await
        .unwrap();
    assert_eq!(
        crm.company_details(&hank, acme).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        crm.contact_details(&hank, wile).await.unwrap_err(),
        AppError::NotFound
    );
    let hijack = crm
        .update_company(&hank, (acme, 1), company("Mine now", ""))
        .await;
    assert_eq!(hijack.unwrap_err(), AppError::NotFound);
    let hijack = crm
        .update_contact(&hank, (wile, 1), contact("Mine now", "", ""))
        .await;
    assert_eq!(hijack.unwrap_err(), AppError::NotFound);
    // Hank cannot attach his contact to Dana's company by naming it.
    let named = crm
        .create_contact(&hank, contact("Hank", "", "Acme Corp"))
        .await;
    assert!(named.unwrap_err().field_message("company").is_some());
    assert_eq!(
        crm.list_companies(&hank, "", ListSort::NameAsc, 0)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        crm.list_contacts(&hank, "", ListSort::NameAsc, 0)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(crm
        .search_companies(&hank, "acme", 10)
        .await
        .unwrap()
        .is_empty());
    assert!(crm
        .search_contacts(&hank, "wile", 10)
        .await
        .unwrap()
        .is_empty());
    // The same e-mail in another workspace is someone else's contact, not a duplicate.
    assert!(crm
        .create_contact(&hank, contact("Wile", "wile@acme.com", ""))
        .await
        .is_ok());
    assert_eq!(
        crm.company_details(&dana, acme)
            .await
            .unwrap()
            .company
            .fields
            .name,
        "Acme Corp"
    );
}

async fn a_stale_edit_of_a_company_or_contact_names_who_changed_it(crm: Crm) {
    let dana = workspace(&crm, "Acme Sales", "dana@acme.com").await;
    let sam = common::deals::rep(&crm, &dana).await;
    let acme = crm
        .create_company(&dana, company("Acme", "acme.com"))
        .await
        .unwrap();
    let wile = crm
        .create_contact(&dana, contact("Wile E. Coyote", "wile@acme.com", "Acme"))
        .await
        .unwrap();
    // Both opened version 1; Sam saves first.
    crm.update_company(&sam, (acme, 1), company("Acme Corp", "acme.com"))
        .await
        .unwrap();
    crm.update_contact(
        &sam,
        (wile, 1),
        contact("Wile Coyote", "wile@acme.com", "Acme Corp"),
    )
    .await
    .unwrap();
    let stale = crm
        .update_company(&dana, (acme, 1), company("ACME Inc", "acme.com"))
        .await
        .unwrap_err();
    assert_eq!(
        stale,
        AppError::Conflict(
            "Sam Rep changed this company since you opened it. Reload to see their change, then make yours again.".into()
        )
    );
    let stale = crm
        .update_contact(&dana, (wile, 1), contact("W. Coyote", "", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, AppError::Conflict(m) if m.starts_with("Sam Rep changed this contact"))
    );
    let details = crm.company_details(&dana, acme).await.unwrap();
    assert_eq!(
        (
            details.company.fields.name.as_str(),
            details.company.version
        ),
        ("Acme Corp", 2)
    );
    let person = crm.contact_details(&dana, wile).await.unwrap();
    assert_eq!(
        (person.contact.name.as_str(), person.version),
        ("Wile Coyote", 2)
    );
    // Based on the current version, the edit goes through.
    crm.update_company(&dana, (acme, 2), company("ACME Inc", "acme.com"))
        .await
        .unwrap();
}

on_both_databases!(
    a_stale_edit_of_a_company_or_contact_names_who_changed_it,
    a_taken_domain_offers_the_existing_company,
    a_taken_email_offers_the_existing_contact,
    bad_input_names_the_field_and_changes_nothing,
    lists_search_sort_and_page,
    detail_pages_list_people_and_deals,
    another_workspace_is_invisible,
);
