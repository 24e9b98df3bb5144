//! Settings → Users: the admin's view of the team.

use domain::{
    account::{Member, PendingInvite},
    visibility::Visibility,
    AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Members and pending invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub members: Vec<Member>,
    pub invites: Vec<PendingInvite>,
    /// Who sees which deals and leads.
    pub visibility: Visibility,
}

/// A new invitation and the link to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLink {
    pub email: String,
    pub link: String,
}

#[cfg(feature = "ssr")]
fn parse_role(role: &str) -> Result<domain::Role, AppError> {
    domain::Role::parse(role)
        .ok_or_else(|| AppError::invalid("role", "Choose one of the offered roles."))
}

#[cfg(feature = "ssr")]
fn parse_id<T: std::str::FromStr>(value: &str) -> Result<T, AppError> {
    value.parse().map_err(|_| AppError::NotFound)
}

/// The team, for admins.
#[server(prefix = "/api", endpoint = "team")]
pub async fn get_team() -> Result<TeamView, AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let team = context.crm.team(&admin).await?;
        Ok(TeamView {
            members: team.members,
            invites: team.invites,
            visibility: context.crm.visibility(&admin).await?,
        })
    })
    .await
}

/// Invites a teammate; returns the one-time link to pass on.
#[server(prefix = "/api", endpoint = "invite_teammate")]
pub async fn invite_teammate(email: String, role: String) -> Result<InviteLink, AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let command = domain::account::InviteTeammate {
            email,
            role: parse_role(&role)?,
        };
        let issued = context.crm.invite_teammate(&admin, command).await?;
        let link = format!("{}/invite/{}", context.site_origin(), issued.token);
        Ok(InviteLink {
            email: issued.invite.email,
            link,
        })
    })
    .await
}

/// Withdraws a pending invitation.
#[server(prefix = "/api", endpoint = "revoke_invite")]
pub async fn revoke_invite(invite_id: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, admin| {
        context
            .crm
            .revoke_invite(&admin, parse_id(&invite_id)?)
            .await
    })
    .await
}

/// Gives a member another role.
#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(member_id: String, version: i32, role: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let (member, role) = (parse_id(&member_id)?, parse_role(&role)?);
        context
            .crm
            .change_role(&admin, (member, version), role)
            .await
            .map(|_| ())
    })
    .await
}

/// Deactivates or reactivates a member (`active` is "true" or "false").
#[server(prefix = "/api", endpoint = "set_member_active")]
pub async fn set_member_active(
    member_id: String,
    version: i32,
    active: String,
) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let active = active == "true";
        let member = parse_id(&member_id)?;
        context
            .crm
            .set_member_active(&admin, (member, version), active)
            .await
            .map(|_| ())
    })
    .await
}

/// Sets who sees which deals and leads (`visibility` is a `Visibility` key).
#[server(prefix = "/api", endpoint = "set_visibility")]
pub async fn set_visibility(visibility: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let visibility = Visibility::parse(&visibility).ok_or_else(|| {
            AppError::invalid("visibility", "Choose one of the offered settings.")
        })?;
        context
            .crm
            .set_visibility(&admin, visibility)
            .await
            .map(|_| ())
    })
    .await
}
