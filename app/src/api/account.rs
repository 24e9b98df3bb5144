//! The signed-in person's own account: password, sessions, and the workspace's session
//! lifetime for admins; and, for visitors, resetting a forgotten password.

use domain::{session::ActiveSession, AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Settings → Your account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub sessions: Vec<ActiveSession>,
    /// Days a session of the workspace lasts at most.
    pub session_days: i32,
}

/// The signed-in person's sessions and the workspace's session lifetime.
#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountView, AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let current = context.session();
        Ok(AccountView {
            sessions: context.crm.my_sessions(&viewer, current.as_ref()).await?,
            session_days: context.crm.session_days(&viewer).await?,
        })
    })
    .await
}

/// Changes the password; every other session of the person ends.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        let current = context.session().ok_or(AppError::Unauthorized)?;
        let command = domain::session::ChangePassword {
            current_password,
            new_password,
        };
        context
            .crm
            .change_password(&viewer, &current, command, context.client_ip())
            .await?;
        // Also the page a form post without JavaScript comes back to.
        leptos_axum::redirect("/settings/account?changed=password");
        Ok(())
    })
    .await
}

/// Ends one of the person's sessions (another browser or phone).
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(key: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| context.crm.end_session(&viewer, &key).await)
        .await
}

/// Ends every session of the person, this one too, and sends them to sign in.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, viewer| {
        context.crm.sign_out_everywhere(&viewer).await?;
        context.clear_session_cookie()?;
        leptos_axum::redirect("/sign-in");
        Ok(())
    })
    .await
}

/// Sets how many days sessions of the workspace last at most (admins).
#[server(prefix = "/api", endpoint = "set_session_days")]
pub async fn set_session_days(days: String) -> Result<(), AppError> {
    crate::ssr::as_member(async move |context, admin| {
        // Anything that is not a whole number in range gets the same words.
        let days = days.trim().parse::<i32>().unwrap_or(0);
        context.crm.set_session_days(&admin, days).await
    })
    .await
}

/// A reset link for a member, for an admin to pass on.
#[server(prefix = "/api", endpoint = "member_reset_link")]
pub async fn member_reset_link(member_id: String) -> Result<String, AppError> {
    crate::ssr::as_member(async move |context, admin| {
        let member = member_id.parse().map_err(|_| AppError::NotFound)?;
        context
            .crm
            .reset_link_for(&admin, member, context.site_origin())
            .await
    })
    .await
}

/// Mails a reset link when the address has an account; answers the same either way.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        let command = domain::session::RequestReset { email };
        context
            .crm
            .request_password_reset(command, &context.sign_in_origin(), context.site_origin())
            .await?;
        leptos_axum::redirect("/forgot-password?sent=1");
        Ok(())
    })
    .await
}

/// Sets a new password from a reset link, signs the person in, and opens the pipeline.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    crate::ssr::as_visitor(async move |context| {
        let command = domain::session::ResetPassword { token, password };
        let (_, session) = context
            .crm
            .reset_password(command, &context.sign_in_origin())
            .await?;
        context.set_session_cookie(&session)?;
        leptos_axum::redirect("/pipeline");
        Ok(())
    })
    .await
}
