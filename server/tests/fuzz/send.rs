//! One request through the real router, and the verdict on its answer.

use crate::{common::HOST, seed::Who, watch};
use axum::{
    body::{Body, Bytes},
    http::{header, Method, Request, StatusCode},
    Router,
};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Largest answer allowed: the biggest page (a full board) is a few hundred KB.
pub const BODY_BOUND: usize = 2 * 1024 * 1024;
/// Most one request may add to the process's resident memory.
pub const MEMORY_BOUND_KIB: u64 = 256 * 1024;
/// Past this the fuzzer stops waiting (the server's own budget answers 503 at 15 s).
const HANG: Duration = Duration::from_secs(30);

/// A request as the fuzzer sends it; kept to show in a finding.
#[derive(Debug, Clone)]
pub struct Shot {
    /// The endpoint's path or the route's pattern: what figures are counted by.
    pub label: String,
    pub who: Who,
    pub method: Method,
    pub uri: String,
    pub content_type: Option<&'static str>,
    pub accept: &'static str,
    pub body: Payload,
    pub cookie: Option<String>,
    /// A server function's valid sample: it must at least parse.
    pub sample: bool,
    /// How the request differs from the valid sample, for a report.
    pub note: String,
}

/// A body given whole, or streamed without a length (as a chunked upload is).
#[derive(Debug, Clone)]
pub enum Payload {
    Whole(Vec<u8>),
    Chunked(Vec<u8>),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Whole(b) | Payload::Chunked(b) => b.len(),
        }
    }

    fn into_body(self) -> Body {
        match self {
            Payload::Whole(bytes) => Body::from(bytes),
            Payload::Chunked(bytes) => {
                let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
                    .chunks(8 * 1024)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                Body::from_stream(futures_util::stream::iter(chunks))
            }
        }
    }

    /// The first bytes, as text, for a report.
    pub fn preview(&self) -> String {
        match self {
            Payload::Whole(b) | Payload::Chunked(b) => preview(b, 600),
        }
    }
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: Option<StatusCode>,
    pub body: Bytes,
    pub elapsed: Duration,
    /// The process's peak resident memory during the request, and how far it rose
    /// above what was resident before.
    pub peak_kib: u64,
    pub grew_kib: u64,
    /// Resident memory after the request less before it: what it kept.
    pub kept_kib: i64,
    /// Problems seen on the way: a panic, an ERROR event, a body over the bound or
    /// broken off, no answer in time.
    pub trouble: Vec<String>,
}

/// Sends `shot`; `None` when it is not even a valid HTTP request (the client side
/// refuses it, so no server would see it).
pub async fn fire(router: &Router, shot: &Shot) -> Option<Answer> {
    let mut request = Request::builder()
        .method(shot.method.clone())
        .uri(&shot.uri)
        .header(header::HOST, HOST)
        .header(header::ACCEPT, shot.accept);
    if let Some(kind) = shot.content_type {
        request = request.header(header::CONTENT_TYPE, kind);
    }
    if let Some(cookie) = &shot.cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let request = request.body(shot.body.clone().into_body()).ok()?;
    let mark = watch::mark();
    // Without a resettable peak (not Linux) nothing is measured rather than guessed.
    let resident = watch::reset_peak();
    let started = Instant::now();
    let router = router.clone();
    // Its own task: a panic in the handler is a finding, not the fuzzer's end.
    let task = tokio::spawn(async move {
        let response = router.oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = Limited::new(response.into_body(), BODY_BOUND)
            .collect()
            .await;
        (status, body.map(|b| b.to_bytes()))
    });
    let abort = task.abort_handle();
    let mut trouble = Vec::new();
    let (status, body) = match tokio::time::timeout(HANG, task).await {
        Ok(Ok((status, Ok(body)))) => (Some(status), body),
        Ok(Ok((status, Err(error)))) => {
            if error.is::<LengthLimitError>() {
                trouble.push(format!("answer over {BODY_BOUND} bytes"));
            } else {
                trouble.push(format!("answer broke off: {error}"));
            }
            (Some(status), Bytes::new())
        }
        Ok(Err(join)) => {
            trouble.push(format!("the request's task failed: {join}"));
            (None, Bytes::new())
        }
        Err(_) => {
            abort.abort();
            trouble.push(format!("no answer within {} s", HANG.as_secs()));
            (None, Bytes::new())
        }
    };
    let elapsed = started.elapsed();
    trouble.extend(mark.trouble_since());
    let peak_kib = watch::peak_memory_kib().unwrap_or(0);
    let grew_kib = resident.map_or(0, |before| peak_kib.saturating_sub(before));
    let kept_kib = match (resident, watch::resident_kib()) {
        (Some(before), Some(after)) => {
            i64::try_from(after).unwrap_or(0) - i64::try_from(before).unwrap_or(0)
        }
        _ => 0,
    };
    if grew_kib > MEMORY_BOUND_KIB {
        trouble.push(format!("memory grew by {} MB", grew_kib / 1024));
    }
    Some(Answer {
        status,
        body,
        elapsed,
        peak_kib,
        grew_kib,
        kept_kib,
        trouble,
    })
}

/// Everything wrong with an answer; empty when it is acceptable.
pub fn judge(shot: &Shot, answer: &Answer, slow: Duration) -> Vec<String> {
    let mut problems = answer.trouble.clone();
    if let Some(status) = answer.status {
        if status.is_server_error() {
            problems.push(format!("answered {status}"));
        }
        if shot.sample && status == StatusCode::BAD_REQUEST {
            problems.push(
                "the valid sample was refused as malformed: is the catalogue's sample out of date?"
                    .into(),
            );
        }
    }
    if answer.elapsed > slow {
        problems.push(format!(
            "took {} ms (bound {} ms)",
            answer.elapsed.as_millis(),
            slow.as_millis()
        ));
    }
    problems
}

/// A body for a server function: JSON as is, or the URL form of an object (nested
/// values as `a[b][0]=…`, as `serde_qs` reads them).
pub fn encode(value: &Value, json: bool) -> Vec<u8> {
    if json {
        return serde_json::to_vec(value).unwrap_or_default();
    }
    let Value::Object(map) = value else {
        return value.to_string().into_bytes();
    };
    let mut pairs = Vec::new();
    for (key, child) in map {
        flatten(key.clone(), child, &mut pairs);
    }
    serde_urlencoded::to_string(&pairs)
        .unwrap_or_default()
        .into_bytes()
}

fn flatten(key: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, child) in map {
                flatten(format!("{key}[{k}]"), child, pairs);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), child, pairs);
            }
        }
        Value::String(text) => pairs.push((key, text.clone())),
        Value::Null => pairs.push((key, String::new())),
        other => pairs.push((key, other.to_string())),
    }
}

/// Percent-encodes everything but unreserved characters, for a path segment or query.
pub fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// At most `max` bytes of `bytes` as text, marked when cut.
pub fn preview(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
    if bytes.len() > max {
        format!("{text}… ({} bytes)", bytes.len())
    } else {
        text
    }
}
