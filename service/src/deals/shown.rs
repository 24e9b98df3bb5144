//! Field changes as people read them ("Value: $12,000 → $15,000"), written into each deal
//! event so a timeline shows them without replaying history.

use crate::{
    db::OrInternal,
    entity::{company, deal, user},
};
use domain::event::payload::DealBefore;
use domain::{
    deal::DealChange,
    money::{format_whole, Currency},
    timeline::FieldChange,
    AppError,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

const EMPTY: &str = "—";

fn or_empty(value: &str) -> String {
    if value.trim().is_empty() {
        EMPTY.to_owned()
    } else {
        value.to_owned()
    }
}

fn money(value: &str, currency: &str) -> String {
    let cents = value
        .parse::<Decimal>()
        .ok()
        .and_then(|d| i64::try_from((d * Decimal::from(100)).trunc()).ok());
    match (cents, Currency::parse(currency)) {
        (Some(cents), Ok(currency)) => format_whole(cents, currency),
        _ => or_empty(value),
    }
}

async fn person<C: ConnectionTrait>(conn: &C, id: Option<Uuid>) -> Result<String, AppError> {
    let Some(id) = id else {
        return Ok("Nobody".to_owned());
    };
    Ok(user::Entity::find_by_id(id)
        .one(conn)
        .await
        .or_internal()?
        .map_or_else(|| "A former member".to_owned(), |u| u.name))
}

async fn company_name<C: ConnectionTrait>(conn: &C, id: Option<Uuid>) -> Result<String, AppError> {
    let Some(id) = id else {
        return Ok(EMPTY.to_owned());
    };
    Ok(company::Entity::find_by_id(id)
        .one(conn)
        .await
        .or_internal()?
        .map_or_else(|| "A removed company".to_owned(), |c| c.name))
}

/// Before → after for each plain field the change touched; contacts and checklist items
/// are told by the event's `changed` list instead.
pub(super) async fn field_changes<C: ConnectionTrait>(
    conn: &C,
    before: Option<&DealBefore>,
    row: &deal::Model,
) -> Result<Vec<FieldChange>, AppError> {
    let Some(before) = before else {
        return Ok(Vec::new());
    };
    let mut changes = Vec::new();
    // `restore` runs newest edit first; show fields in the order they were edited.
    for old in before.restore.iter().rev() {
        let (label, was, now) = match old {
            DealChange::Title(was) => ("Title", or_empty(was), row.title.clone()),
            DealChange::Value(was) => (
                "Value",
                money(was, row.currency.as_str()),
                format_whole(row.value_cents, row.currency),
            ),
            DealChange::Currency(was) => ("Currency", or_empty(was), row.currency.to_string()),
            DealChange::ExpectedCloseOn(was) => (
                "Expected close",
                or_empty(was),
                row.expected_close_on
                    .map_or_else(|| EMPTY.to_owned(), |d| d.to_string()),
            ),
            DealChange::Owner(was) => (
                "Owner",
                person(conn, was.map(|u| u.0)).await?,
                person(conn, row.owner_id).await?,
            ),
            DealChange::Company(was) => (
                "Company",
                company_name(conn, was.map(|c| c.0)).await?,
                company_name(conn, row.company_id).await?,
            ),
            DealChange::Source(was) => (
                "Source",
                or_empty(was),
                or_empty(row.source.as_deref().unwrap_or_default()),
            ),
            DealChange::NextStep(was) => (
                "Next step",
                or_empty(was),
                or_empty(row.next_step.as_deref().unwrap_or_default()),
            ),
            DealChange::Tags(was) => ("Tags", or_empty(was), or_empty(&row.tags.0.join(", "))),
            DealChange::AddContact(..) | DealChange::RemoveContact(_) | DealChange::Check(..) => {
                continue
            }
        };
        if was != now && !changes.iter().any(|c: &FieldChange| c.label == label) {
            changes.push(FieldChange {
                label: label.to_owned(),
                before: was,
                after: now,
            });
        }
    }
    Ok(changes)
}
