//! Goals (quotas) and how far along each is: the figure is summed from the closed-deals
//! rollup across every pipeline when asked, never stored with the goal.

mod teams;

use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{goal, sales_team, user},
    event_log::Change,
    metrics::day_after,
    raw::{count, get, rows, Sql},
    Crm,
};
use chrono::{NaiveDate, Utc};
use domain::event::{payload::record, Payload, Subject};
use domain::{
    account::CurrentUser,
    goal::{goal_progress, Goal, GoalDraft, GoalMeasure, GoalOwner, GoalProgress, NewGoal},
    metrics::Period,
    AppError,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Which goals the dashboard shows: those overlapping the period, for the owner or
/// team chosen (a team's view includes its members' own goals).
pub struct GoalQuery {
    pub period: Period,
    pub owner: Option<Uuid>,
    pub team: Option<Uuid>,
    pub today: NaiveDate,
}

impl Crm {
    /// Sets a goal.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` per bad field; `NotFound` for a rep or
    /// team of another workspace.
    pub async fn set_goal(&self, actor: &CurrentUser, draft: &GoalDraft) -> Result<Goal, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::SetGoals)?;
        let new = draft.validate().map_err(AppError::Validation)?;
        // Checked inside the write: a team removed meanwhile cannot get a goal.
        self.write(Lock::Rows, async |txn| {
            let names = goal_owner_names(txn, actor).await?;
            if !names.contains_key(&new.owner) {
                return Err(AppError::invalid(
                    "owner",
                    "Choose a rep or team of this workspace.",
                ));
            }
            let id = Uuid::new_v4();
            let (owner_id, team_id) = match new.owner {
                GoalOwner::Workspace => (None, None),
                GoalOwner::Rep(rep) => (Some(rep), None),
                GoalOwner::Team(team) => (None, Some(team)),
            };
            goal::ActiveModel {
                id: Set(id),
                workspace_id: Set(actor.workspace_id.0),
                owner_id: Set(owner_id),
                team_id: Set(team_id),
                measure: Set(new.measure.key().to_owned()),
                currency: Set(new.currency),
                starts_on: Set(new.period.from),
                ends_on: Set(new.period.to),
                target: Set(new.target),
                set_by: Set(actor.user_id.0),
                created_at: Set(Utc::now()),
            }
            .insert(txn)
            .await
            .or_internal()?;
            let goal = stored(id, new, &names);
            let subject = Subject::Goal(id);
            log_change(
                txn,
                actor,
                subject,
                Payload::GoalChanged(None, Some(record(&goal))),
            )
            .await?;
            Ok(goal)
        })
        .await
    }

    /// Removes a goal.
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a goal of another workspace.
    pub async fn remove_goal(&self, actor: &CurrentUser, id: Uuid) -> Result<(), AppError> {
        crate::permissions::permit(actor, domain::permission::Action::SetGoals)?;
        self.write(Lock::Rows, async |txn| {
            let existing = goal::Entity::find_by_id(id)
                .filter(goal::Column::WorkspaceId.eq(actor.workspace_id.0))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            goal::Entity::delete_by_id(id)
                .exec(txn)
                .await
                .or_internal()?;
            let before = record(&json!({ "measure": existing.measure, "target": existing.target }));
            let subject = Subject::Goal(id);
            log_change(
                txn,
                actor,
                subject,
                Payload::GoalChanged(Some(before), None),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Goals overlapping the period, each with what has been won towards it: the
    /// company's first, then teams', then reps', each by name and start.
    ///
    /// # Errors
    /// `NotFound` for a team of another workspace.
    pub async fn goals(
        &self,
        viewer: &CurrentUser,
        query: &GoalQuery,
    ) -> Result<Vec<GoalProgress>, AppError> {
        let teams: HashMap<Uuid, Vec<Uuid>> = self
            .sales_teams(viewer)
            .await?
            .into_iter()
            .map(|t| (t.id, t.members))
            .collect();
        let members = match query.team {
            Some(team) => teams.get(&team).cloned().ok_or(AppError::NotFound)?,
            None => Vec::new(),
        };
        // The same people the figures count: a rep outside the chosen team shows none.
        let shown = |owner: &GoalOwner| match (query.owner, query.team) {
            (None, None) => true,
            (Some(rep), team) => {
                *owner == GoalOwner::Rep(rep) && (team.is_none() || members.contains(&rep))
            }
            (None, Some(team)) => match owner {
                GoalOwner::Team(t) => *t == team,
                GoalOwner::Rep(rep) => members.contains(rep),
                GoalOwner::Workspace => false,
            },
        };
        let names = goal_owner_names(&self.db, viewer).await?;
        let rows = goal::Entity::find()
            .filter(goal::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .filter(goal::Column::StartsOn.lte(query.period.to))
            .filter(goal::Column::EndsOn.gte(query.period.from))
            .order_by_asc(goal::Column::StartsOn)
            .all(&self.db)
            .await
            .or_internal()?;
        let mut progress = Vec::new();
        for row in rows {
            let Some(goal) = from_row(row, &names) else {
                continue;
            };
            if !shown(&goal.owner) {
                continue;
            }
            let owners = match goal.owner {
                GoalOwner::Workspace => None,
                GoalOwner::Rep(rep) => Some(vec![rep]),
                // A team removed since: its goals went with it (or are going).
                GoalOwner::Team(team) => match teams.get(&team) {
                    Some(members) => Some(members.clone()),
                    None => continue,
                },
            };
            let actual = self.won_towards(viewer, &goal, owners.as_deref()).await?;
            progress.push(goal_progress(goal, actual, query.today));
        }
        progress.sort_by_key(|p| {
            let rank = match p.goal.owner {
                GoalOwner::Workspace => 0,
                GoalOwner::Team(_) => 1,
                GoalOwner::Rep(_) => 2,
            };
            (rank, p.goal.owner_name.to_lowercase(), p.goal.period.from)
        });
        Ok(progress)
    }

    /// Deals won in the goal's period by its owners, in every pipeline: their value in
    /// the goal's currency, or their number.
    async fn won_towards(
        &self,
        viewer: &CurrentUser,
        goal: &Goal,
        owners: Option<&[Uuid]>,
    ) -> Result<i64, AppError> {
        // The pipeline list lets the closed rollup's key serve a workspace-wide sum.
        let sql = Sql::new(
            "SELECT CAST(COALESCE(SUM(r.deals), 0) AS BIGINT), \
             CAST(COALESCE(SUM(r.value_cents), 0) AS BIGINT) FROM rollup_closed r WHERE",
        )
        .bind(" r.workspace_id = ?", viewer.workspace_id.0)
        .bind(
            " AND r.pipeline_id IN (SELECT p.id FROM pipelines p WHERE p.workspace_id = ?)",
            viewer.workspace_id.0,
        )
        .push(" AND r.status = 'won'")
        .bind(" AND r.closed_on >= ?", goal.period.from)
        .bind(" AND r.closed_on < ?", day_after(goal.period.to));
        let sql = match owners {
            Some(owners) => sql.any_of("r.owner_key", owners),
            None => sql,
        };
        let sql = match &goal.currency {
            Some(currency) => sql.bind(" AND r.currency = ?", *currency),
            None => sql,
        };
        let Some(row) = rows(&self.db, sql).await?.into_iter().next() else {
            return Ok(0);
        };
        Ok(match goal.measure {
            GoalMeasure::WonDeals => i64::try_from(count(&row, 0)?).unwrap_or(i64::MAX),
            GoalMeasure::WonValue => get(&row, 1)?,
        })
    }
}

fn stored(id: Uuid, new: NewGoal, names: &HashMap<GoalOwner, String>) -> Goal {
    Goal {
        id,
        owner_name: names.get(&new.owner).cloned().unwrap_or_default(),
        owner: new.owner,
        measure: new.measure,
        currency: new.currency,
        period: new.period,
        target: new.target,
    }
}

/// A stored goal; `None` for a row no current code can read (an unknown measure).
fn from_row(row: goal::Model, names: &HashMap<GoalOwner, String>) -> Option<Goal> {
    let owner = match (row.owner_id, row.team_id) {
        (Some(rep), _) => GoalOwner::Rep(rep),
        (None, Some(team)) => GoalOwner::Team(team),
        (None, None) => GoalOwner::Workspace,
    };
    let new = NewGoal {
        owner,
        measure: GoalMeasure::parse(&row.measure)?,
        currency: row.currency,
        period: Period::new(row.starts_on, row.ends_on).ok()?,
        target: row.target,
    };
    Some(stored(row.id, new, names))
}

/// Who a goal can be for, with names: everyone, each member, each team.
async fn goal_owner_names<C: ConnectionTrait>(
    conn: &C,
    viewer: &CurrentUser,
) -> Result<HashMap<GoalOwner, String>, AppError> {
    let mut names = HashMap::from([(GoalOwner::Workspace, "Everyone".to_owned())]);
    for person in user::Entity::find()
        .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .all(conn)
        .await
        .or_internal()?
    {
        names.insert(GoalOwner::Rep(person.id), person.name);
    }
    for team in sales_team::Entity::find()
        .filter(sales_team::Column::WorkspaceId.eq(viewer.workspace_id.0))
        .all(conn)
        .await
        .or_internal()?
    {
        names.insert(GoalOwner::Team(team.id), team.name);
    }
    Ok(names)
}

/// The log entry for a goal or team set, changed or removed (`goal:<id>`, `team:<id>`:
/// the dashboard and the teams page listen for both).
pub(super) async fn log_change(
    conn: &Write,
    actor: &CurrentUser,
    subject: Subject,
    payload: Payload,
) -> Result<domain::event::Event, AppError> {
    conn.append(Change {
        workspace_id: actor.workspace_id,
        actor: Some(actor.user_id),
        subject,
        payload,
    })
    .await
}
