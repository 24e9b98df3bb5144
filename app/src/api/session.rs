//! Signing up, in and out, and accepting invitations.

use domain::{
    account::{CurrentUser, InviteDetails},
    AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What every page needs to know about the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<CurrentUser>,
    /// No workspace exists yet: send visitors to create one.
    pub fresh_install: bool,
    /// The workspace's newest event id as this page was rendered: the live channel
    /// resumes after it, so nothing committed between render and connect is missed.
    pub live_head: Option<i64>,
}

/// The visitor's session, if any.
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    crate::ssr::as_visitor(async move |context| {
        let user = context.signed_in_user().await?;
        let fresh_install = match user {
            Some(_) => false,
            None => context.crm.is_empty().await?,
        };
        let live_head = match &user {
            Some(viewer) => Some(context.crm.event_head(viewer).await?),
            None => None,
        };
        Ok(SessionInfo {
            user,
            fresh_install,
            live_head,
        })
    })
    .await
}

/// Creates a workspace and signs its first admin in.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn create_workspace(
    workspace_name: String,
    name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        let command = domain::account::SignUp {
            workspace_name,
            name,
            email,
            password,
        };
        let (_, token) = context
            .crm
            .sign_up_from(command, &context.sign_in_origin())
            .await?;
        open_pipeline(context, &token)
    })
    .await
}

/// Signs in with e-mail and password.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        let command = domain::account::SignIn { email, password };
        let (_, token) = context
            .crm
            .sign_in(command, context.sign_in_origin())
            .await?;
        open_pipeline(context, &token)
    })
    .await
}

/// Ends the current session.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        if let Some(token) = context.session() {
            context.crm.sign_out(&token).await?;
        }
        context.clear_session_cookie()?;
        leptos_axum::redirect("/sign-in");
        Ok(())
    })
    .await
}

/// What an invitation link offers.
#[server(prefix = "/api", endpoint = "invite_details")]
pub async fn get_invite(token: String) -> Result<InviteDetails, AppError> {
    crate::ssr::as_visitor(async move |context| context.crm.invite_details(&token).await).await
}

/// Accepts an invitation: creates the account and signs it in.
#[server(prefix = "/api", endpoint = "accept_invite")]
pub async fn accept_invite(token: String, name: String, password: String) -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        let command = domain::account::AcceptInvite {
            token,
            name,
            password,
        };
        let (_, token) = context
            .crm
            .accept_invite_from(command, &context.sign_in_origin())
            .await?;
        open_pipeline(context, &token)
    })
    .await
}

/// Hands the new session to the browser and sends it to the pipeline: the last step of
/// signing up, signing in and accepting an invitation.
#[cfg(feature = "ssr")]
fn open_pipeline(
    context: &crate::ssr::ServerContext,
    token: &service::SessionToken,
) -> Result<(), AppError> {
    context.set_session_cookie(token)?;
    leptos_axum::redirect("/pipeline");
    Ok(())
}
