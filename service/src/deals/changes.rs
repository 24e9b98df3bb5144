//! Applying validated edits to a deal row, and explaining a version conflict.

use super::{
    rows::{contact_facts, facts_of},
    undo::ChangedSince,
};
use crate::{
    db::OrInternal,
    entity::{company, contact, deal, deal_contact, user},
};
use domain::stored::Listed;
use domain::{
    account::CurrentUser,
    deal::{check_contact_room, tick, DealFacts, ValidChange},
    AppError,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

/// Applies `changes` to `row` (and its contacts) and returns the facts the stage rules
/// read afterwards. Referenced people, companies and contacts must be in the workspace.
pub(super) async fn apply_changes<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    row: &mut deal::Model,
    changes: Vec<ValidChange>,
) -> Result<DealFacts, AppError> {
    let workspace = viewer.workspace_id.0;
    for change in changes {
        match change {
            ValidChange::Title(title) => row.title = title,
            ValidChange::Value(cents) => row.value_cents = cents,
            ValidChange::Currency(currency) => row.currency = currency,
            ValidChange::ExpectedCloseOn(date) => row.expected_close_on = date,
            ValidChange::Source(source) => row.source = source,
            ValidChange::NextStep(step) => row.next_step = step,
            ValidChange::Tags(tags) => row.tags = Listed(tags),
            ValidChange::Owner(owner) => {
                if let Some(owner) = owner {
                    let active = user::Entity::find_by_id(owner.0)
                        .filter(user::Column::WorkspaceId.eq(workspace))
                        .filter(user::Column::Active.eq(true))
                        .count(conn)
                        .await
                        .or_internal()?;
                    if active == 0 {
                        return Err(AppError::invalid(
                            "owner",
                            "Pick an active member as owner.",
                        ));
                    }
                }
                row.owner_id = owner.map(|o| o.0);
            }
            ValidChange::Company(company) => {
                if let Some(company) = company {
                    let found = company::Entity::find_by_id(company.0)
                        .filter(company::Column::WorkspaceId.eq(workspace))
                        .count(conn)
                        .await
                        .or_internal()?;
                    if found == 0 {
                        return Err(AppError::invalid("company", "That company does not exist."));
                    }
                }
                row.company_id = company.map(|c| c.0);
            }
            ValidChange::AddContact(contact, role) => {
                let found = contact::Entity::find_by_id(contact.0)
                    .filter(contact::Column::WorkspaceId.eq(workspace))
                    .count(conn)
                    .await
                    .or_internal()?;
                if found == 0 {
                    return Err(AppError::invalid("contact", "That contact does not exist."));
                }
                let others = deal_contact::Entity::find()
                    .filter(deal_contact::Column::DealId.eq(row.id))
                    .filter(deal_contact::Column::ContactId.ne(contact.0))
                    .count(conn)
                    .await
                    .or_internal()?;
                check_contact_room(others)
                    .map_err(|message| AppError::invalid("contact", message))?;
                deal_contact::Entity::delete_many()
                    .filter(deal_contact::Column::DealId.eq(row.id))
                    .filter(deal_contact::Column::ContactId.eq(contact.0))
                    .exec(conn)
                    .await
                    .or_internal()?;
                deal_contact::ActiveModel {
                    workspace_id: Set(workspace),
                    deal_id: Set(row.id),
                    contact_id: Set(contact.0),
                    role: Set(role),
                }
                .insert(conn)
                .await
                .or_internal()?;
            }
            ValidChange::RemoveContact(contact) => {
                deal_contact::Entity::delete_many()
                    .filter(deal_contact::Column::DealId.eq(row.id))
                    .filter(deal_contact::Column::ContactId.eq(contact.0))
                    .exec(conn)
                    .await
                    .or_internal()?;
            }
            ValidChange::Check(item, done) => {
                tick(&mut row.checked.0, item, done)
                    .map_err(|message| AppError::invalid("checklist", message))?;
            }
        }
    }
    let contacts = contact_facts(conn, &[row.id]).await?;
    Ok(facts_of(
        row,
        contacts.get(&row.id).copied().unwrap_or_default(),
    ))
}

/// A write that collides with someone's newer change: says who changed which of the
/// same fields, so nothing is overwritten silently and the person can choose.
pub(super) async fn conflict<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    since: &ChangedSince,
    fields: &[String],
) -> AppError {
    AppError::Conflict(format!(
        "{} since you opened this deal. Your change was not saved: \
         reload to see theirs, then apply yours again.",
        who_changed(conn, viewer, since, fields).await
    ))
}

/// "Dana changed value, next step": who made the changes since, and to which fields.
pub(super) async fn who_changed<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    since: &ChangedSince,
    fields: &[String],
) -> String {
    let actors = since.actors_of(fields);
    let mut names: Vec<String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actors.iter().copied().filter(|a| *a != viewer.user_id.0)))
        .all(conn)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|u| u.name)
        .collect();
    if actors.contains(&viewer.user_id.0) {
        names.push("you (in another window)".to_owned());
    }
    let who = match names.join(" and ") {
        none if none.is_empty() => "Someone".to_owned(),
        // Sentence case when it starts with "you" (by chars: a name may start with "É").
        some => {
            let mut chars = some.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    };
    let what = if fields.is_empty() {
        "this deal".to_owned()
    } else {
        fields
            .iter()
            .map(|f| f.replace('_', " "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{who} changed {what}")
}
