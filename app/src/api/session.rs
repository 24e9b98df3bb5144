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
}

/// The visitor's session, if any.
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    use crate::ssr::{signed_in_user, state};
    let user = signed_in_user().await?;
    let fresh_install = match user {
        Some(_) => false,
        None => state()?.crm.is_empty().await?,
    };
    Ok(SessionInfo {
        user,
        fresh_install,
    })
}

/// Creates a workspace and signs its first admin in.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn create_workspace(
    workspace_name: String,
    name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::{set_session_cookie, state};
    let command = domain::account::SignUp {
        workspace_name,
        name,
        email,
        password,
    };
    let (_, token) = state()?.crm.sign_up(command).await?;
    set_session_cookie(&token)?;
    leptos_axum::redirect("/pipeline");
    Ok(())
}

/// Signs in with e-mail and password.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{client_ip, session_cookie, set_session_cookie, state};
    let origin = service::SignInOrigin {
        ip: client_ip(),
        previous_session: session_cookie(),
    };
    let command = domain::account::SignIn { email, password };
    let (_, token) = state()?.crm.sign_in(command, origin).await?;
    set_session_cookie(&token)?;
    leptos_axum::redirect("/pipeline");
    Ok(())
}

/// Ends the current session.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{clear_session_cookie, session_cookie, state};
    if let Some(token) = session_cookie() {
        state()?.crm.sign_out(&token).await?;
    }
    clear_session_cookie()?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// What an invitation link offers.
#[server(prefix = "/api", endpoint = "invite_details")]
pub async fn get_invite(token: String) -> Result<InviteDetails, AppError> {
    crate::ssr::state()?.crm.invite_details(&token).await
}

/// Accepts an invitation: creates the account and signs it in.
#[server(prefix = "/api", endpoint = "accept_invite")]
pub async fn accept_invite(token: String, name: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{set_session_cookie, state};
    let command = domain::account::AcceptInvite {
        token,
        name,
        password,
    };
    let (_, token) = state()?.crm.accept_invite(command).await?;
    set_session_cookie(&token)?;
    leptos_axum::redirect("/pipeline");
    Ok(())
}
