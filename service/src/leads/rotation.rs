//! Round-robin: new leads go to the active sales reps in turn. The workspace's place in
//! the turn is one row, read and written inside the capturing transaction (which holds
//! the workspace lock on PostgreSQL), so two leads at once never go to the same rep
//! out of turn.

use crate::{
    db::OrInternal,
    entity::{lead_rotation, user},
};
use domain::{AppError, Role, WorkspaceId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// The rep whose turn it is, moving the turn on; `None` when the workspace has no
/// active rep (the lead then waits, unassigned, in the inbox).
pub(super) async fn next_in_rotation<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<Option<Uuid>, AppError> {
    let mut reps: Vec<Uuid> = user::Entity::find()
        .filter(user::Column::WorkspaceId.eq(workspace.0))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.eq(Role::Rep.as_str()))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| u.id)
        .collect();
    if reps.is_empty() {
        return Ok(None);
    }
    reps.sort_unstable();
    let place = lead_rotation::Entity::find_by_id(workspace.0)
        .one(conn)
        .await
        .or_internal()?;
    let last = place.as_ref().and_then(|p| p.last_user_id);
    // The first rep after the last one served, wrapping round; a rep who left or joined
    // simply falls out of or into the order.
    let next = last
        .and_then(|last| reps.iter().find(|rep| **rep > last))
        .or_else(|| reps.first())
        .copied();
    let row = lead_rotation::ActiveModel {
        workspace_id: Set(workspace.0),
        last_user_id: Set(next),
    };
    if place.is_some() {
        row.update(conn).await.or_internal()?;
    } else {
        row.insert(conn).await.or_internal()?;
    }
    Ok(next)
}
