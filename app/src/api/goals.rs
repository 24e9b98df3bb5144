//! Goals and sales teams. Reading is for everyone signed in; changing is for managers
//! and admins (the service checks the role).

use domain::{
    goal::{Goal, SalesTeam},
    AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Settings → Teams: the teams and the people who can be put in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamsView {
    pub teams: Vec<SalesTeam>,
    pub people: Vec<Person>,
    pub can_organise: bool,
}

/// Who can be in a team: name only. E-mail and role stay on the admins' Users page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: uuid::Uuid,
    pub name: String,
    pub active: bool,
}

#[cfg(feature = "ssr")]
fn parse_id(value: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| AppError::NotFound)
}

/// Sets a goal; the fields are those of `domain::goal::GoalDraft`.
#[server(prefix = "/api", endpoint = "set_goal")]
pub async fn set_goal(
    owner: String,
    measure: String,
    currency: String,
    starts_on: String,
    ends_on: String,
    target: String,
) -> Result<Goal, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let draft = domain::goal::GoalDraft {
            owner,
            measure,
            currency,
            starts_on,
            ends_on,
            target,
        };
        context.crm.set_goal(&viewer, &draft).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_goal")]
pub async fn remove_goal(goal_id: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.remove_goal(&viewer, parse_id(&goal_id)?).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "sales_teams")]
pub async fn get_sales_teams() -> Result<TeamsView, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        Ok(TeamsView {
            teams: context.crm.sales_teams(&viewer).await?,
            people: context
                .crm
                .people(&viewer)
                .await?
                .into_iter()
                .map(|m| Person {
                    id: m.id.0,
                    name: m.name,
                    active: m.active,
                })
                .collect(),
            can_organise: viewer.role.may(domain::permission::Action::OrganiseTeams),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_sales_team")]
pub async fn create_sales_team(name: String) -> Result<SalesTeam, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.create_sales_team(&viewer, &name).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "rename_sales_team")]
pub async fn rename_sales_team(
    team_id: String,
    version: i32,
    name: String,
) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let team = parse_id(&team_id)?;
        context
            .crm
            .rename_sales_team(&viewer, (team, version), &name)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_sales_team")]
pub async fn remove_sales_team(team_id: String, version: i32) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context
            .crm
            .remove_sales_team(&viewer, (parse_id(&team_id)?, version))
            .await
    })
    .await
}

/// Puts a member in a team; an empty `team_id` takes them out of any.
#[server(prefix = "/api", endpoint = "assign_sales_team")]
pub async fn assign_sales_team(member_id: String, team_id: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let team = match team_id.trim() {
            "" => None,
            id => Some(parse_id(id)?),
        };
        context
            .crm
            .assign_sales_team(&viewer, parse_id(&member_id)?, team)
            .await
    })
    .await
}
