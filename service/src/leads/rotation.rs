//! Who gets a new lead. The first assignment rule that matches it (by source, campaign
//! or country) hands it to its own members in turn; otherwise the workspace's active
//! sales reps take turns. Each turn's place is one row, read and written inside the
//! capturing transaction (which holds the workspace lock), so two leads arriving at
//! once never go to the same person out of turn.

use crate::{
    db::OrInternal,
    entity::{lead_rotation, lead_rule, user},
};
use domain::{lead::ValidLead, lead_rules::RuleField, AppError, Role, WorkspaceId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

/// The member whose turn it is for this lead, moving that turn on; `None` when nobody
/// can take it (the lead then waits, unassigned, in the inbox).
pub(super) async fn next_owner<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
    source: &str,
    lead: &ValidLead,
) -> Result<Option<Uuid>, AppError> {
    let rules = lead_rule::Entity::find()
        .filter(lead_rule::Column::WorkspaceId.eq(workspace.0))
        .order_by_asc(lead_rule::Column::Position)
        .all(conn)
        .await
        .or_internal()?;
    for rule in rules {
        if !matches(&rule, source, lead) {
            continue;
        }
        let named: Vec<Uuid> = parse_ids(&rule.members);
        let pool = active(conn, workspace, |q| q.filter(user::Column::Id.is_in(named))).await?;
        // A rule whose people have all left falls through to the next rule.
        let Some(next) = next_after(&pool, rule.last_user_id) else {
            continue;
        };
        let mut row: lead_rule::ActiveModel = rule.into();
        row.last_user_id = Set(Some(next));
        row.update(conn).await.or_internal()?;
        return Ok(Some(next));
    }
    next_rep(conn, workspace).await
}

fn matches(rule: &lead_rule::Model, source: &str, lead: &ValidLead) -> bool {
    let value = match RuleField::parse(&rule.field) {
        Some(RuleField::Source) => Some(source),
        Some(RuleField::Campaign) => lead
            .campaign
            .as_deref()
            .or((!lead.utm.campaign.is_empty()).then_some(lead.utm.campaign.as_str())),
        Some(RuleField::Country) => lead.country.as_deref(),
        None => None,
    };
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case(rule.value.trim()))
}

pub(crate) fn parse_ids(list: &str) -> Vec<Uuid> {
    list.split(',')
        .filter_map(|id| Uuid::parse_str(id.trim()).ok())
        .collect()
}

/// Active members of the workspace narrowed by `narrow`, in a stable order.
async fn active<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
    narrow: impl FnOnce(sea_orm::Select<user::Entity>) -> sea_orm::Select<user::Entity>,
) -> Result<Vec<Uuid>, AppError> {
    let query = user::Entity::find()
        .filter(user::Column::WorkspaceId.eq(workspace.0))
        .filter(user::Column::Active.eq(true));
    let mut ids: Vec<Uuid> = narrow(query)
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| u.id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The first member after the last one served, wrapping round; someone who left or
/// joined simply falls out of or into the order.
fn next_after(pool: &[Uuid], last: Option<Uuid>) -> Option<Uuid> {
    last.and_then(|last| pool.iter().find(|member| **member > last))
        .or_else(|| pool.first())
        .copied()
}

/// The workspace-wide turn among active sales reps.
async fn next_rep<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<Option<Uuid>, AppError> {
    let reps = active(conn, workspace, |q| {
        q.filter(user::Column::Role.eq(Role::Rep.as_str()))
    })
    .await?;
    let place = lead_rotation::Entity::find_by_id(workspace.0)
        .one(conn)
        .await
        .or_internal()?;
    let Some(next) = next_after(&reps, place.as_ref().and_then(|p| p.last_user_id)) else {
        return Ok(None);
    };
    let row = lead_rotation::ActiveModel {
        workspace_id: Set(workspace.0),
        last_user_id: Set(Some(next)),
    };
    if place.is_some() {
        row.update(conn).await.or_internal()?;
    } else {
        row.insert(conn).await.or_internal()?;
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::next_after;
    use uuid::Uuid;

    #[test]
    fn the_turn_wraps_round_and_skips_whoever_left() {
        let [a, b, c] = [1_u128, 2, 3].map(Uuid::from_u128);
        assert_eq!(next_after(&[a, b, c], None), Some(a));
        assert_eq!(next_after(&[a, b, c], Some(a)), Some(b));
        assert_eq!(next_after(&[a, b, c], Some(c)), Some(a));
        // b left after being served: the turn goes on to c.
        assert_eq!(next_after(&[a, c], Some(b)), Some(c));
        assert_eq!(next_after(&[], Some(b)), None);
    }
}
