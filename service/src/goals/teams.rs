//! Sales teams: managers group reps so figures can be filtered by team and a team can
//! share a goal. A rep is in at most one team (the membership row is keyed by rep).

use super::log_change;
use crate::write::{Lock, Write};
use crate::{
    db::OrInternal,
    entity::{goal, sales_team, sales_team_member, user},
    event_log::Change,
    Crm,
};
use chrono::Utc;
use domain::event::{payload::record, Payload, Subject};
use domain::{
    account::{CurrentUser, Member},
    goal::{check_team_name, SalesTeam},
    AppError,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

impl Crm {
    /// The workspace's teams with their members, by name.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn sales_teams(&self, viewer: &CurrentUser) -> Result<Vec<SalesTeam>, AppError> {
        let workspace = viewer.workspace_id.0;
        let mut members: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        for member in sales_team_member::Entity::find()
            .filter(sales_team_member::Column::WorkspaceId.eq(workspace))
            .all(&self.db)
            .await
            .or_internal()?
        {
            members
                .entry(member.team_id)
                .or_default()
                .push(member.user_id);
        }
        Ok(sales_team::Entity::find()
            .filter(sales_team::Column::WorkspaceId.eq(workspace))
            .order_by_asc(sales_team::Column::Name)
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|team| SalesTeam {
                members: members.remove(&team.id).unwrap_or_default(),
                id: team.id,
                name: team.name,
                version: team.version,
            })
            .collect())
    }

    /// Everyone in the workspace who can own deals, by name: active members first,
    /// then deactivated and imported owners (they still own history).
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn people(&self, viewer: &CurrentUser) -> Result<Vec<Member>, AppError> {
        let mut people: Vec<Member> = user::Entity::find()
            .filter(user::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .order_by_asc(user::Column::Name)
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .filter_map(crate::members::to_member)
            .collect();
        people.sort_by_key(|m| !m.active);
        Ok(people)
    }

    /// The reps in one of the viewer's teams.
    ///
    /// # Errors
    /// `NotFound` for a team of another workspace.
    pub async fn team_members(
        &self,
        viewer: &CurrentUser,
        team: Uuid,
    ) -> Result<Vec<Uuid>, AppError> {
        self.own_team(&self.db, viewer, team).await?;
        Ok(sales_team_member::Entity::find()
            .filter(sales_team_member::Column::TeamId.eq(team))
            .all(&self.db)
            .await
            .or_internal()?
            .into_iter()
            .map(|m| m.user_id)
            .collect())
    }

    /// Creates a team.
    ///
    /// # Errors
    /// `Forbidden` below manager; `Validation` for a bad or taken name.
    pub async fn create_sales_team(
        &self,
        actor: &CurrentUser,
        name: &str,
    ) -> Result<SalesTeam, AppError> {
        crate::permissions::permit(actor, domain::permission::Action::OrganiseTeams)?;
        let name = check_team_name(name).map_err(|m| AppError::invalid("name", m))?;
        self.write(Lock::Rows, async |txn| {
            let teams = sales_team::Entity::find()
                .filter(sales_team::Column::WorkspaceId.eq(actor.workspace_id.0))
                .count(txn)
                .await
                .or_internal()?;
            domain::goal::check_team_room(teams)?;
            self.name_is_free(txn, actor, &name, None).await?;
            let id = Uuid::new_v4();
            sales_team::ActiveModel {
                id: Set(id),
                workspace_id: Set(actor.workspace_id.0),
                name: Set(name.clone()),
                created_at: Set(Utc::now()),
                version: Set(1),
            }
            .insert(txn)
            .await
            .map_err(name_taken)?;
            log_change(
                txn,
                actor,
                Subject::Team(id),
                Payload::SalesTeamsChanged(None, Some(record(&json!({ "name": name })))),
            )
            .await?;
            Ok(SalesTeam {
                id,
                name,
                members: Vec::new(),
                version: 1,
            })
        })
        .await
    }

    /// Renames a team, based on the version the page showed.
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign team; `Validation` for a bad or
    /// taken name; `Conflict` when someone changed the team since `version`.
    pub async fn rename_sales_team(
        &self,
        actor: &CurrentUser,
        (team, version): (Uuid, i32),
        name: &str,
    ) -> Result<(), AppError> {
        crate::permissions::permit(actor, domain::permission::Action::OrganiseTeams)?;
        let name = check_team_name(name).map_err(|m| AppError::invalid("name", m))?;
        self.write(Lock::Rows, async |txn| {
            let existing = self.current_team(txn, actor, (team, version)).await?;
            self.name_is_free(txn, actor, &name, Some(team)).await?;
            let before = record(&json!({ "name": existing.name }));
            let next = existing.version.saturating_add(1);
            let mut row: sales_team::ActiveModel = existing.into();
            row.name = Set(name.clone());
            row.version = Set(next);
            row.update(txn).await.map_err(name_taken)?;
            log_change(
                txn,
                actor,
                Subject::Team(team),
                Payload::SalesTeamsChanged(Some(before), Some(record(&json!({ "name": name })))),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Removes a team, its memberships and its goals; the reps and their deals stay.
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign team; `Conflict` when someone
    /// changed the team since `version`.
    pub async fn remove_sales_team(
        &self,
        actor: &CurrentUser,
        (team, version): (Uuid, i32),
    ) -> Result<(), AppError> {
        crate::permissions::permit(actor, domain::permission::Action::OrganiseTeams)?;
        self.write(Lock::Rows, async |txn| {
            let existing = self.current_team(txn, actor, (team, version)).await?;
            sales_team_member::Entity::delete_many()
                .filter(sales_team_member::Column::TeamId.eq(team))
                .exec(txn)
                .await
                .or_internal()?;
            goal::Entity::delete_many()
                .filter(goal::Column::TeamId.eq(team))
                .exec(txn)
                .await
                .or_internal()?;
            sales_team::Entity::delete_by_id(team)
                .exec(txn)
                .await
                .or_internal()?;
            let before = record(&json!({ "name": existing.name }));
            log_change(
                txn,
                actor,
                Subject::Team(team),
                Payload::SalesTeamsChanged(Some(before), None),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Puts a member in a team, or in none.
    ///
    /// # Errors
    /// `Forbidden` below manager; `NotFound` for a foreign member or team.
    pub async fn assign_sales_team(
        &self,
        actor: &CurrentUser,
        member: Uuid,
        team: Option<Uuid>,
    ) -> Result<(), AppError> {
        crate::permissions::permit(actor, domain::permission::Action::OrganiseTeams)?;
        self.write(Lock::Rows, async |txn| {
            let person = user::Entity::find_by_id(member)
                .filter(user::Column::WorkspaceId.eq(actor.workspace_id.0))
                .one(txn)
                .await
                .or_internal()?
                .ok_or(AppError::NotFound)?;
            if let Some(team) = team {
                self.own_team(txn, actor, team).await?;
            }
            let before = sales_team_member::Entity::find_by_id(member)
                .one(txn)
                .await
                .or_internal()?
                .map(|m| m.team_id);
            sales_team_member::Entity::delete_by_id(member)
                .exec(txn)
                .await
                .or_internal()?;
            if let Some(team) = team {
                sales_team_member::ActiveModel {
                    user_id: Set(member),
                    team_id: Set(team),
                    workspace_id: Set(actor.workspace_id.0),
                }
                .insert(txn)
                .await
                .or_internal()?;
            }
            txn.append(Change {
                workspace_id: actor.workspace_id,
                actor: Some(actor.user_id),
                subject: Subject::Member(member),
                payload: Payload::SalesTeamsChanged(
                    Some(record(&json!({ "team": before }))),
                    Some(record(&json!({ "team": team, "name": person.name }))),
                ),
            })
            .await?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn own_team<C: ConnectionTrait>(
        &self,
        conn: &C,
        viewer: &CurrentUser,
        team: Uuid,
    ) -> Result<sales_team::Model, AppError> {
        sales_team::Entity::find_by_id(team)
            .filter(sales_team::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .one(conn)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)
    }

    /// A team of the viewer's workspace, locked, still at `version`.
    async fn current_team(
        &self,
        txn: &Write,
        viewer: &CurrentUser,
        (team, version): (Uuid, i32),
    ) -> Result<sales_team::Model, AppError> {
        let row = sales_team::Entity::find_by_id(team)
            .filter(sales_team::Column::WorkspaceId.eq(viewer.workspace_id.0))
            .lock_exclusive()
            .one(txn)
            .await
            .or_internal()?
            .ok_or(AppError::NotFound)?;
        crate::db::require_current(
            txn,
            (viewer.workspace_id, Subject::Team(team)),
            (row.version, version),
            "team",
        )
        .await?;
        Ok(row)
    }

    async fn name_is_free<C: ConnectionTrait>(
        &self,
        conn: &C,
        actor: &CurrentUser,
        name: &str,
        except: Option<Uuid>,
    ) -> Result<(), AppError> {
        let taken = sales_team::Entity::find()
            .filter(sales_team::Column::WorkspaceId.eq(actor.workspace_id.0))
            .all(conn)
            .await
            .or_internal()?
            .into_iter()
            .any(|t| Some(t.id) != except && t.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(AppError::invalid("name", "A team with that name exists."));
        }
        Ok(())
    }
}

/// Two managers naming teams alike at once: the unique index decides, and says so
/// as plainly as the check before it.
fn name_taken(error: sea_orm::DbErr) -> AppError {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::invalid("name", "A team with that name exists.")
        }
        _ => {
            tracing::error!(error = %error, "database operation failed");
            AppError::Internal
        }
    }
}
