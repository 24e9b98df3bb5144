//! Server-only glue between server functions and the service layer: state, the
//! session cookie, and the client address.
//!
//! Server functions read everything they need from the request context in one
//! synchronous call (`server_context()`) before their first `.await`: during server
//! rendering a resource's future can outlive the view that started it, and context
//! looked up after an await may then be gone.

use axum::extract::{ConnectInfo, FromRef};
use domain::{account::CurrentUser, AppError};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use service::{Crm, SessionToken};
use std::{net::SocketAddr, sync::Arc};

/// Name of the session cookie over plain http (development, a trusted LAN).
pub const SESSION_COOKIE: &str = "pw_session";
/// Name of the session cookie over https: the `__Host-` prefix makes browsers refuse it
/// unless it is `Secure`, for this exact host and path `/`, so a sibling subdomain or a
/// plain-http page cannot plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-pw_session";

/// The session cookie's name for a site served over https (`secure`) or not.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Longest User-Agent read: only a device name is kept from it.
const USER_AGENT_MAX: usize = 512;

mod client;
pub use client::{Cidr, ClientAddr, TrustedProxies};

/// Everything a request handler needs; provided to server functions as context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Reverse proxies whose forwarding headers name the client (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    pub crm: Crm,
    /// Set the cookie's `Secure` flag (the site is served over https).
    pub secure_cookies: bool,
    /// The address people reach Pipewright at (e.g. `https://crm.acme.com`), for links
    /// such as invitations; without it links use the request's Host header.
    pub public_url: Option<String>,
}

/// Runs a server function for a signed-in member: resolves the session (401 without
/// one), runs `work` with the request and the member, and answers a failure with its
/// own HTTP status (403, 404, 409, 422…). Every protected endpoint is this one call.
///
/// # Errors
/// Whatever `work` returns, or `Unauthorized`.
pub async fn as_member<T>(
    work: impl AsyncFnOnce(&ServerContext, CurrentUser) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let context = server_context()?;
    let result = match context.require_user().await {
        Ok(viewer) => work(&context, viewer).await,
        Err(error) => Err(error),
    };
    context.answer(result)
}

/// Runs a public server function (signing in, a session check, an invitation) and
/// answers a failure with its own HTTP status.
///
/// # Errors
/// Whatever `work` returns.
pub async fn as_visitor<T>(
    work: impl AsyncFnOnce(&ServerContext) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let context = server_context()?;
    let result = work(&context).await;
    context.answer(result)
}

/// The signed-in person of one request, resolved once however many server functions
/// the request runs: rendering a page asks for the shell, the page's data and its
/// options, each of which needs the person. The server's edge puts an empty one in every
/// request's extensions; requests without it (tests driving a function directly)
/// resolve each time.
#[derive(Clone, Default)]
pub struct RequestMember(Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

/// What one server-function call knows about its request.
pub struct ServerContext {
    pub crm: Crm,
    session: Option<SessionToken>,
    member: RequestMember,
    response: Option<ResponseOptions>,
    /// A plain form post (JavaScript off): its answer must stay Leptos's redirect back
    /// to the form, whatever the outcome.
    plain_form_post: bool,
    secure_cookies: bool,
    client_ip: String,
    user_agent: String,
    origin: String,
}

/// Reads the request context. Call it first thing, before any `.await`.
///
/// # Errors
/// `Internal` when the handler was wired without `AppState`.
pub fn server_context() -> Result<ServerContext, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })?;
    let parts = use_context::<Parts>();
    let session = parts
        .as_ref()
        .and_then(|p| session_from_headers(&p.headers, state.secure_cookies));
    let user_agent = parts
        .as_ref()
        .and_then(|p| p.headers.get(header::USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .map(|agent| agent.chars().take(USER_AGENT_MAX).collect())
        .unwrap_or_default();
    // The edge sets the client address (behind a trusted proxy, the forwarded one).
    let client_ip = parts.as_ref().and_then(|p| {
        p.extensions
            .get::<ClientAddr>()
            .map(|client| client.0)
            .or_else(|| {
                p.extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|info| info.0.ip())
            })
    });
    let client_ip = client_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let host = parts
        .as_ref()
        .and_then(|p| p.headers.get(header::HOST))
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:3000");
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    let origin = state.public_url.as_deref().map_or_else(
        || format!("{scheme}://{host}"),
        |url| url.trim_end_matches('/').to_owned(),
    );
    Ok(ServerContext {
        origin,
        crm: state.crm,
        session,
        member: parts
            .as_ref()
            .and_then(|p| p.extensions.get::<RequestMember>())
            .cloned()
            .unwrap_or_default(),
        response: use_context::<ResponseOptions>(),
        plain_form_post: parts
            .as_ref()
            .and_then(|p| p.headers.get(header::ACCEPT))
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html")),
        secure_cookies: state.secure_cookies,
        client_ip,
        user_agent,
    })
}

/// The session cookie of a request, also for handlers outside server functions (the
/// live socket). Over https (`secure`) only the `__Host-` cookie counts.
pub fn session_from_headers(headers: &http::HeaderMap, secure: bool) -> Option<SessionToken> {
    let wanted = session_cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| SessionToken::from_cookie(value))
}

impl ServerContext {
    /// The session token the request carried, if any.
    pub fn session(&self) -> Option<SessionToken> {
        self.session.clone()
    }

    /// The signed-in person, or `None`.
    ///
    /// # Errors
    /// `Internal` on database failure.
    pub async fn signed_in_user(&self) -> Result<Option<CurrentUser>, AppError> {
        let Some(token) = &self.session else {
            return Ok(None);
        };
        // A failure is not kept: the next call in the request tries again.
        self.member
            .0
            .get_or_try_init(|| self.crm.resolve_session(token))
            .await
            .cloned()
    }

    /// Gives a failed call the HTTP status of its error (422, 404, 409…) so API clients
    /// can branch on it. JSON endpoints only: a no-JS form post must keep its redirect.
    pub fn answer<T>(&self, result: Result<T, AppError>) -> Result<T, AppError> {
        if self.plain_form_post {
            return result;
        }
        if let (Err(error), Some(response)) = (&result, &self.response) {
            if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
                response.set_status(status);
            }
            if let Some(seconds) = error.retry_after() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
        result
    }

    /// The signed-in person; every protected server function starts here.
    ///
    /// # Errors
    /// `Unauthorized` without a valid session.
    pub async fn require_user(&self) -> Result<CurrentUser, AppError> {
        self.signed_in_user().await?.ok_or(AppError::Unauthorized)
    }

    /// Sends the session cookie: HttpOnly, SameSite=Lax, Secure over https.
    ///
    /// # Errors
    /// `Internal` outside an HTTP request.
    pub fn set_session_cookie(&self, token: &SessionToken) -> Result<(), AppError> {
        // The server decides when a session ends (idle expiry, sliding); the cookie just
        // lives long enough (browsers cap it at 400 days) never to end it first.
        let max_age = 400 * 24 * 3600;
        let name = session_cookie_name(self.secure_cookies);
        self.write_cookie(&format!(
            "{name}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}",
            token.expose()
        ))
    }

    /// Tells the browser to forget the session cookie.
    ///
    /// # Errors
    /// `Internal` outside an HTTP request.
    pub fn clear_session_cookie(&self) -> Result<(), AppError> {
        let name = session_cookie_name(self.secure_cookies);
        self.write_cookie(&format!(
            "{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        ))
    }

    fn write_cookie(&self, cookie: &str) -> Result<(), AppError> {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let value =
            HeaderValue::from_str(&format!("{cookie}{secure}")).map_err(|_| AppError::Internal)?;
        let response = self.response.as_ref().ok_or(AppError::Internal)?;
        response.append_header(header::SET_COOKIE, value);
        Ok(())
    }

    /// The client's address for rate limiting: the socket peer, or behind a trusted
    /// proxy the address it forwarded (see `client::TrustedProxies`).
    pub fn client_ip(&self) -> &str {
        &self.client_ip
    }

    /// Where a sign-in, sign-up or reset comes from: the address, the browser, and the
    /// session cookie it carries (replaced, never reused).
    pub fn sign_in_origin(&self) -> service::SignInOrigin {
        service::SignInOrigin {
            ip: self.client_ip.clone(),
            previous_session: self.session.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    /// `scheme://host` of the request, for links shown to people (invitations).
    pub fn site_origin(&self) -> &str {
        &self.origin
    }
}
