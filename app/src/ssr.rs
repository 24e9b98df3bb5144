//! Server-only glue between server functions and the service layer: state, the
//! session cookie, and the client address.

use axum::extract::{ConnectInfo, FromRef};
use domain::{account::CurrentUser, AppError};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use service::{Crm, SessionToken};
use std::net::SocketAddr;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pw_session";

/// Everything a request handler needs; provided to server functions as context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub crm: Crm,
    /// Set the cookie's `Secure` flag (the site is served over https).
    pub secure_cookies: bool,
}

/// The application state, or `Internal` when a handler was wired without it.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        let path = use_context::<Parts>().map(|parts| parts.uri.to_string());
        tracing::error!(?path, "AppState missing from server function context");
        AppError::Internal
    })
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// The session token from the request's cookie, if any.
pub fn session_cookie() -> Option<SessionToken> {
    let parts = use_context::<Parts>()?;
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| SessionToken::from_cookie(value))
}

/// The signed-in person, or `None`.
///
/// # Errors
/// `Internal` on database failure.
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = session_cookie() else {
        return Ok(None);
    };
    state()?.crm.resolve_session(&token).await
}

/// The signed-in person; every protected server function starts here.
///
/// # Errors
/// `Unauthorized` without a valid session.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    signed_in_user().await?.ok_or(AppError::Unauthorized)
}

/// Sends the session cookie: HttpOnly, SameSite=Lax, Secure over https.
pub fn set_session_cookie(token: &SessionToken) -> Result<(), AppError> {
    let max_age = domain::account::SESSION_IDLE_DAYS * 24 * 3600;
    write_cookie(&format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
        token.expose()
    ))
}

/// Tells the browser to forget the session cookie.
pub fn clear_session_cookie() -> Result<(), AppError> {
    write_cookie(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    ))
}

fn write_cookie(cookie: &str) -> Result<(), AppError> {
    let secure = if state()?.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value =
        HeaderValue::from_str(&format!("{cookie}{secure}")).map_err(|_| AppError::Internal)?;
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// The client's address for rate limiting; the socket peer (no proxy headers are trusted).
pub fn client_ip() -> String {
    request_parts()
        .ok()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// `scheme://host` of the current request, for links shown to people (invitations).
pub fn site_origin() -> String {
    let host = request_parts()
        .ok()
        .and_then(|parts| {
            parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let secure = state().map(|s| s.secure_cookies).unwrap_or(false);
    format!("{}://{host}", if secure { "https" } else { "http" })
}
