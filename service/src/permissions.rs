//! The service's side of `domain::permission`: works out whose a record is, then asks
//! the one table. Commands call these before they change anything.

use crate::{db::OrInternal, entity::sales_team_member};
use domain::{
    account::CurrentUser,
    permission::{self, Action, Reach, Whose},
    AppError,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Refuses an action on the workspace itself (a setting, or a record the viewer will own).
pub(crate) fn permit(viewer: &CurrentUser, action: Action) -> Result<(), AppError> {
    permission::permit(viewer.role, action, Whose::Workspace)
}

/// Refuses an action on a record owned by `owner` (`None`: nobody yet) unless the
/// viewer's role reaches it. Team membership is looked up only when it decides.
pub(crate) async fn permit_on<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
    action: Action,
    owner: Option<Uuid>,
) -> Result<(), AppError> {
    let whose = match owner {
        None => Whose::Nobodys,
        Some(owner) if owner == viewer.user_id.0 => Whose::Mine,
        Some(owner) => {
            if permission::reach(viewer.role, action) == Reach::Team
                && same_team(conn, viewer.user_id.0, owner).await?
            {
                Whose::Teammates
            } else {
                Whose::Others
            }
        }
    };
    permission::permit(viewer.role, action, whose)
}

/// True when both people are in the same sales team.
async fn same_team<C: ConnectionTrait>(conn: &C, a: Uuid, b: Uuid) -> Result<bool, AppError> {
    let rows = sales_team_member::Entity::find()
        .filter(sales_team_member::Column::UserId.is_in([a, b]))
        .all(conn)
        .await
        .or_internal()?;
    Ok(matches!(rows.as_slice(), [x, y] if x.team_id == y.team_id))
}

/// The person and everyone in their sales team (a rep is in at most one): whose records
/// a rep sees when the workspace narrows visibility.
pub(crate) async fn teammates<C: ConnectionTrait>(
    conn: &C,
    person: Uuid,
) -> Result<Vec<domain::UserId>, AppError> {
    use sea_orm::{sea_query::Query, QuerySelect};
    let my_team = Query::select()
        .column(sales_team_member::Column::TeamId)
        .from(sales_team_member::Entity)
        .and_where(sales_team_member::Column::UserId.eq(person))
        .to_owned();
    let mut people: Vec<domain::UserId> = sales_team_member::Entity::find()
        .select_only()
        .column(sales_team_member::Column::UserId)
        .filter(sales_team_member::Column::TeamId.in_subquery(my_team))
        .into_tuple::<Uuid>()
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .filter(|mate| *mate != person)
        .map(domain::UserId)
        .collect();
    // A stable order: the person first, then by id, whatever order the engine returns.
    people.sort();
    people.insert(0, domain::UserId(person));
    Ok(people)
}

/// Narrows a query of owned records (deals, leads) to those the viewer sees: all, or
/// their owners' and nobody's (`domain::visibility`). Every read of such records goes
/// through here, so a narrowed rep's board, lists, pages and figures agree.
pub(crate) fn visible<E: EntityTrait>(
    query: sea_orm::Select<E>,
    viewer: &CurrentUser,
    owner: impl ColumnTrait,
) -> sea_orm::Select<E> {
    match viewer.sees.owners() {
        None => query,
        Some(owners) => query.filter(
            sea_orm::Condition::any()
                .add(owner.is_null())
                .add(owner.is_in(owners.iter().map(|o| o.0))),
        ),
    }
}
