//! Public web forms: `POST /f/<key>` from any site, as a plain HTML form post or as
//! JSON. No session and no cross-site check (posting from other sites is the point),
//! so the defences are here: the form key, rate limits per network and per form, the
//! body limit (the router's), a honeypot, and strict field checks. A browser gets a
//! small thank-you page; a script gets JSON that says only "received".

use app::ssr::ClientAddr;
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use domain::{lead_form::escape, AppError, FieldErrors};
use serde_json::{json, Value};
use service::{network_of, Crm, FormPost, NetworkLimiter};
use std::{net::IpAddr, sync::Arc};

/// Posts one network (an IPv4 address, an IPv6 /64) may make per minute, across all
/// forms, unless configured. Kept by `service::NetworkLimiter` (governor) in bounded
/// memory: at most `service::REMEMBERED_NETWORKS` networks.
pub const FORM_POSTS_PER_MINUTE: u32 = 20;

#[derive(Clone)]
struct Forms {
    crm: Crm,
    per_network: Arc<NetworkLimiter>,
    /// Tickets fetched per network: one per page view of a form, so more than posts.
    tickets: Arc<NetworkLimiter>,
}

/// Timing tickets one network may fetch per minute (each page view of a form fetches one).
const TICKETS_PER_MINUTE: u32 = 60;

/// The public form routes; merged outside the cross-site guard.
pub fn routes<S: Clone + Send + Sync + 'static>(crm: Crm, per_minute: u32) -> Router<S> {
    Router::new()
        .route("/f/{key}", post(receive).options(preflight))
        .route("/f/{key}/ticket", get(ticket))
        .with_state(Forms {
            crm,
            per_network: Arc::new(NetworkLimiter::per_minute(per_minute)),
            tickets: Arc::new(NetworkLimiter::per_minute(TICKETS_PER_MINUTE)),
        })
}

/// `GET /f/<key>/ticket`: a timing ticket for the form's page (see
/// `service::leads::ticket`), as text any site may read; never cached.
async fn ticket(
    State(forms): State<Forms>,
    Path(key): Path<String>,
    client: Option<Extension<ClientAddr>>,
) -> Response {
    let from = client.map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0 .0);
    if let Err(limited) = forms.tickets.check(&network_key(from)) {
        return too_many(Answer::Json, &limited);
    }
    let (status, text) = match forms.crm.form_ticket(&key).await {
        Ok(ticket) => (StatusCode::OK, ticket),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, String::new()),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    };
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How the sender wants the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Page,
    Json,
}

async fn receive(
    State(forms): State<Forms>,
    Path(key): Path<String>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let wants_json = content_type.starts_with("application/json")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("application/json"));
    let answer = if wants_json {
        Answer::Json
    } else {
        Answer::Page
    };
    let from = client.map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0 .0);
    if let Err(limited) = forms.per_network.check(&network_key(from)) {
        return too_many(answer, &limited);
    }
    let pairs = match read_body(&content_type, &body) {
        Ok(pairs) => pairs,
        Err(status) => {
            return reply(
                answer,
                status,
                "This form accepts form fields (application/x-www-form-urlencoded) or a JSON object of text values.",
                json!({ "error": "unsupported_body" }),
            )
        }
    };
    let posted = service::EventSource::current()
        .through(domain::event::Origin::WebForm)
        .scope(forms.crm.post_form(&key, &pairs))
        .await;
    match posted {
        // Any site may read the answer, so it says only "received": not whether the
        // address was already a lead, nor which. A bot gets the same, so it learns nothing.
        Ok(FormPost::Captured(_) | FormPost::Ignored) => reply(
            answer,
            if answer == Answer::Page {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            },
            "Thank you! We received your message and will get back to you soon.",
            json!({ "status": "received" }),
        ),
        Err(limited @ AppError::RateLimited(_)) => too_many(answer, &limited),
        Err(AppError::Validation(errors)) => refused(answer, &errors),
        Err(AppError::NotFound) => reply(
            answer,
            StatusCode::NOT_FOUND,
            "This form no longer exists. Please contact us another way.",
            json!({ "error": "unknown_form" }),
        ),
        Err(_) => reply(
            answer,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Please try again in a moment.",
            json!({ "error": "internal" }),
        ),
    }
}

/// What the per-network limit counts: an IPv4 address, or an IPv6 /64 (inside which a
/// visitor can rotate addresses freely).
fn network_key(from: IpAddr) -> String {
    network_of(&from.to_string())
}

/// 429 with `Retry-After`: too many posts from this network, or to this form.
fn too_many(answer: Answer, limited: &AppError) -> Response {
    let mut response = reply(
        answer,
        StatusCode::TOO_MANY_REQUESTS,
        "Too many submissions right now. Please wait a minute and try again.",
        json!({ "error": "rate_limited" }),
    );
    if let Some(seconds) = limited.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The posted fields as name/value pairs, or the status to refuse the body with.
fn read_body(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, StatusCode> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return serde_urlencoded::from_bytes(body).map_err(|_| StatusCode::BAD_REQUEST);
    }
    if content_type.starts_with("application/json") {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Err(StatusCode::BAD_REQUEST);
        };
        return map
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(text) => Ok((name, text)),
                Value::Number(n) => Ok((name, n.to_string())),
                Value::Null => Ok((name, String::new())),
                _ => Err(StatusCode::BAD_REQUEST),
            })
            .collect();
    }
    Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
}

fn refused(answer: Answer, errors: &FieldErrors) -> Response {
    let lines: Vec<String> = errors.0.iter().map(|e| e.message.clone()).collect();
    reply(
        answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        &lines.join(" "),
        json!({ "errors": errors.0.iter().map(|e| json!({ "field": e.field, "message": e.message })).collect::<Vec<_>>() }),
    )
}

/// A JSON body, or a minimal page that shows `message` as text.
fn reply(answer: Answer, status: StatusCode, message: &str, body: Value) -> Response {
    let mut response = match answer {
        Answer::Json => {
            let mut body = body;
            if let Value::Object(map) = &mut body {
                map.insert("message".into(), Value::String(message.to_owned()));
            }
            (status, axum::Json(body)).into_response()
        }
        Answer::Page => (status, axum::response::Html(page(status, message))).into_response(),
    };
    let headers = response.headers_mut();
    // Any site may post; no credentials are ever read, so a wildcard is safe.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn page(status: StatusCode, message: &str) -> String {
    let title = if status.is_success() {
        "Thank you"
    } else {
        "Not sent"
    };
    let back = if status.is_success() {
        ""
    } else {
        "<p><a href=\"javascript:history.back()\">Go back to the form</a></p>"
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5\">\
         <h1>{title}</h1><p>{}</p>{back}</body></html>",
        escape(message)
    )
}

/// Lets scripts on other sites post JSON.
async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
        (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
        (header::ACCESS_CONTROL_MAX_AGE, "86400"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10,000 posts from addresses rotating inside one IPv6 /64 are one visitor; 10,000
    /// distinct IPv4 addresses are remembered each, within the limiter's bound
    /// (`REMEMBERED_NETWORKS`, 20,000 keys of at most ~40 bytes of text: about 2 MB, estimated, not measured).
    #[test]
    fn a_flood_of_addresses_is_counted_per_network_in_bounded_memory() {
        let limiter = NetworkLimiter::per_minute(FORM_POSTS_PER_MINUTE);
        let mut allowed = 0;
        for n in 0..10_000u16 {
            let rotating = IpAddr::from([0x2001, 0xdb8, 7, 7, n, n, n, n]);
            if limiter.check(&network_key(rotating)).is_ok() {
                allowed += 1;
            }
        }
        assert_eq!((allowed, limiter.remembered()), (FORM_POSTS_PER_MINUTE, 1));
        for n in 0..10_000u32 {
            let [_, b, c, d] = n.to_be_bytes();
            assert!(limiter
                .check(&network_key(IpAddr::from([10, b, c, d])))
                .is_ok());
        }
        assert_eq!(limiter.remembered(), 10_001);
        assert!(limiter.remembered() <= service::REMEMBERED_NETWORKS);
    }

    #[test]
    fn bodies_are_read_as_text_pairs() {
        let pairs = read_body(
            "application/x-www-form-urlencoded",
            b"name=Ana+B&email=a%40b.c",
        )
        .unwrap();
        assert_eq!(pairs[0], ("name".into(), "Ana B".into()));
        let pairs = read_body(
            "application/json",
            br#"{"email":"a@b.c","company_size":40}"#,
        )
        .unwrap();
        assert!(pairs.contains(&("company_size".into(), "40".into())));
        assert_eq!(
            read_body("application/json", b"[1]"),
            Err(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            read_body("multipart/form-data; boundary=x", b""),
            Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
    }

    #[test]
    fn the_page_shows_text_as_text() {
        assert!(page(StatusCode::UNPROCESSABLE_ENTITY, "<script>").contains("&lt;script&gt;"));
    }
}
