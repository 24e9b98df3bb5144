//! The edge every request passes: a bounded body, a time budget, and one error shape
//! with the status that matches it.
//!
//! Error bodies under `/api/` and `/forms/` are the JSON form of `domain::AppError`
//! (documented in the README): `"NotFound"`, `{"Validation":[{"field":…,"message":…}]}`,
//! `{"Malformed":"…"}`, `"TooLarge"`, `"Unavailable"`…; the status is the error's own
//! (`AppError::status_code`). Pages answer HTML.

use app::ssr::{ClientAddr, TrustedProxies};
use axum::extract::{ConnectInfo, State};
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::{limits::BODY_MAX_BYTES, AppError};
use std::net::SocketAddr;
use std::time::Duration;

/// Longest a request may take before it is answered 503. Every page and call finishes
/// in well under a second at a million deals; this bounds what a stuck one can hold.
pub const REQUEST_BUDGET: Duration = Duration::from_secs(15);

/// Largest server-function error body read back to fix its status (errors are small;
/// a larger body is passed through untouched).
const ERROR_BODY_MAX: usize = 16 * 1024;

/// Header server functions put on their error answers (`server_fn::SERVER_FN_ERROR_HEADER`).
const SERVER_FN_ERROR: &str = "serverfnerror";

/// An error as an HTTP answer: its status and its JSON.
pub fn error_response(error: &AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_else(|_| "\"Internal\"".to_owned());
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    say_when_to_retry(error, response.headers_mut());
    response
}

/// `Retry-After` on a 429, in seconds.
fn say_when_to_retry(error: &AppError, headers: &mut axum::http::HeaderMap) {
    if let Some(seconds) = error.retry_after() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
}

/// Reads the whole body before any handler runs, at most `BODY_MAX_BYTES`: a chunked
/// upload without a length is cut off here with a 413 instead of failing inside a
/// parser as a 500.
pub async fn read_whole_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, BODY_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let too_large = is_length_limit(&error);
            return if too_large {
                error_response(&AppError::TooLarge)
            } else {
                error_response(&AppError::malformed("the request body could not be read"))
            };
        }
    };
    let encoding = if parts.headers.get(header::CONTENT_TYPE).is_some_and(|t| {
        t.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    }) {
        Written::Percent
    } else {
        Written::Json
    };
    if carries_nul(parts.uri.path().as_bytes(), Written::Percent)
        || parts
            .uri
            .query()
            .is_some_and(|q| carries_nul(q.as_bytes(), Written::Percent))
        || carries_nul(&bytes, encoding)
    {
        return error_response(&AppError::malformed(
            "the request holds a NUL character, which no text may contain",
        ));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// How a request's text is written, so a NUL is looked for in its encoded form.
#[derive(Clone, Copy)]
enum Written {
    /// URLs and form posts: `%00`.
    Percent,
    /// JSON (and anything else): `\u0000`.
    Json,
}

/// True when a request's bytes hold a NUL character in any of the ways a client can
/// send one: raw, percent-encoded (`%00`) or JSON-escaped (`\u0000`, not an escaped
/// backslash followed by "u0000"). No CRM text holds one; PostgreSQL refuses to store
/// it (a 500 before this check), SQLite would store it silently.
fn carries_nul(bytes: &[u8], written: Written) -> bool {
    bytes
        .iter()
        .enumerate()
        .any(|(at, byte)| match (byte, written) {
            (0, _) => true,
            (b'%', Written::Percent) => bytes.get(at + 1..at + 3).is_some_and(|hex| hex == b"00"),
            (b'u', Written::Json) => {
                let escaped = bytes.get(at + 1..at + 5) == Some(b"0000");
                let backslashes = bytes.get(..at).map_or(0, |before| {
                    before.iter().rev().take_while(|b| **b == b'\\').count()
                });
                escaped && backslashes % 2 == 1
            }
            _ => false,
        })
}

/// The answer when a handler panics: the connection gets a 500 in the one error shape
/// instead of being dropped, and the panic is logged as an error (tests and the load
/// bench fail on it). A last line of defence; the lints keep panics out of our code.
pub fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %message, "a request handler panicked");
    error_response(&AppError::Internal)
}

/// True when the body was cut off by a size limit (ours, or the limit layer's),
/// rather than broken off by the client.
fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.to_string().contains("length limit") {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Answers 503 when a request runs past `REQUEST_BUDGET`. Dropping the handler's future
/// rolls back any transaction it held open.
pub async fn time_budget(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(REQUEST_BUDGET, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, budget_secs = REQUEST_BUDGET.as_secs(), "request ran past its time budget");
            error_response(&AppError::Unavailable)
        }
    }
}

/// Gives every `/api/` answer the status of its error.
///
/// Server functions answer any error with 500, including arguments that failed to parse
/// (which never reach our code) and errors whose handler did not set a status; an
/// unknown function answers 400 with a paragraph of text, or 404 with a page. Here the error in the body
/// decides: `AppError::status_code`, and an unknown function is a JSON `NotFound`.
/// A no-JavaScript form post that failed keeps its redirect back to the form.
pub async fn api_status(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let is_server_fn_error = response.headers().contains_key(SERVER_FN_ERROR);
    if !is_server_fn_error {
        // No such function: server_fn answers 400 for a known prefix, the page
        // fallback 404 with an HTML page.
        let unknown = matches!(
            response.status(),
            StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND
        );
        return if unknown {
            error_response(&AppError::NotFound)
        } else {
            response
        };
    }
    if response.status().is_redirection() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_MAX).await else {
        return error_response(&AppError::Internal);
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        // The server never fails to reach itself: a "network" error made here is a JSON
        // body that would not decode (server_fn names both the same), so it is the
        // client's malformed input.
        Ok(AppError::Network(detail)) => error_response(&AppError::malformed(&detail)),
        Ok(error) => {
            parts.status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            say_when_to_retry(&error, &mut parts.headers);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// Sets the request's client address once (`app::ssr::ClientAddr`): the connection's
/// peer, or behind a trusted proxy (`--trusted-proxy`) the client the proxy names.
/// Every rate limit and the activity log read it from here.
pub async fn client_address(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let Some(peer) = peer else {
        return next.run(request).await;
    };
    // In a block: a borrow of the request must not live across the await below (the
    // body is not `Sync`, so the future would not be `Send`).
    let source = {
        let header = |name| {
            request
                .headers()
                .get(name)
                .and_then(|value: &HeaderValue| value.to_str().ok())
        };
        let client = proxies.client(peer, header("x-forwarded-for"), header("forwarded"));
        let source = service::EventSource::browser(
            header("user-agent").unwrap_or_default(),
            &client.to_string(),
        );
        request.extensions_mut().insert(ClientAddr(client));
        source
    };
    // What the request writes is logged with this address and browser (or phone).
    source.scope(next.run(request)).await
}

/// Gives each request one slot for its signed-in person, so the session is resolved
/// once per request, not once per server function the page runs.
pub async fn one_member_per_request(mut request: Request, next: Next) -> Response {
    request
        .extensions_mut()
        .insert(app::ssr::RequestMember::default());
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_however_it_is_written() {
        use Written::{Json, Percent};
        assert!(carries_nul(b"name=a%00b", Percent));
        assert!(carries_nul(br#"{"text":"a\u0000b"}"#, Json));
        assert!(carries_nul(b"a\0b", Json));
        assert!(
            !carries_nul(br#"{"text":"a\\u0000b"}"#, Json),
            "an escaped backslash"
        );
        assert!(!carries_nul(b"name=100%25&x=%0A", Percent));
        assert!(
            !carries_nul(br#"{"title":"Save 100%00"}"#, Json),
            "text, not a NUL"
        );
    }

    #[test]
    fn every_error_answers_with_its_own_status_and_json() {
        for (error, status) in [
            (AppError::malformed("expected u64"), 400),
            (AppError::Unauthorized, 401),
            (
                AppError::Forbidden("Marketers can't close deals.".into()),
                403,
            ),
            (AppError::NotFound, 404),
            (AppError::Conflict("stale".into()), 409),
            (AppError::TooLarge, 413),
            (AppError::invalid("page", "too far"), 422),
            (AppError::RateLimited(120), 429),
            (AppError::Unavailable, 503),
        ] {
            let response = error_response(&error);
            assert_eq!(response.status().as_u16(), status, "{error:?}");
            let retry = response.headers().get(header::RETRY_AFTER);
            assert_eq!(retry.is_some(), status == 429, "{error:?}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        }
    }
}
