//! Request guards that run before any handler: cross-site request refusal and
//! security headers.

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Server functions have no CSRF token of their own, and a cookie session is sent with
/// any cross-site form post, so every non-GET request must prove it is same-origin:
/// `Sec-Fetch-Site` when the browser sends it, else `Origin` against `Host`. Requests
/// with neither come from non-browser clients, which cannot borrow a victim's cookies.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_site(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        return crate::edge::error_response(&domain::AppError::Forbidden(
            "Refused: this change came from another site. Use Pipewright's own pages.".into(),
        ));
    }
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut());
    response
}

/// Over https, tells browsers to use only https for this host for a year (HSTS), so a
/// network attacker cannot downgrade a later visit to plain http and read the cookie.
/// Subdomains are left out: they may be other services of the company.
pub async fn strict_transport(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// True when the browser's own signals say the request comes from this site.
pub fn same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest.trim_end_matches('/'));
            matches!((origin_host, host), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
        }
    }
}

fn add_security_headers(headers: &mut HeaderMap) {
    // Pages carry the signed-in person's data: a shared cache (a proxy, a CDN) must
    // never keep one, and the browser asks again each time (its back button aside).
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
}

/// Turns the body-limit layer's bare 413 (a declared length over the bound) into the
/// one error shape.
pub async fn explain_too_large(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return crate::edge::error_response(&domain::AppError::TooLarge);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_site(&headers(&[
            ("sec-fetch-site", "same-site"),
            ("origin", "http://a"),
            ("host", "a")
        ])));
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!same_site(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!same_site(&headers(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(
            same_site(&headers(&[("host", "127.0.0.1:3000")])),
            "non-browser clients"
        );
    }
}
