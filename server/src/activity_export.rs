//! `GET /settings/activity-log.csv`: the activity log as a CSV file, for admins.
//!
//! A plain route rather than a server function, so the browser downloads it as a file
//! (also without JavaScript) and the server streams it a bounded look at a time instead
//! of holding the whole file.

use crate::edge::error_response;
use app::ssr::{session_from_headers, AppState};
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use domain::{audit::AuditQuery, AppError};
use service::AuditExport;

pub async fn activity_log_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(token) = session_from_headers(&headers, state.secure_cookies) else {
        return Redirect::to("/sign-in").into_response();
    };
    let viewer = match state.crm.resolve_session(&token).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return Redirect::to("/sign-in").into_response(),
        Err(error) => return error_response(&error),
    };
    let query = query.unwrap_or_default();
    let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(&query) else {
        return error_response(&AppError::malformed("the filters do not read"));
    };
    let filters = AuditQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let export = match filters {
        Ok(filters) => state.crm.export_activity_log(&viewer, &filters).await,
        Err(error) => Err(error),
    };
    let export = match export {
        Ok(export) => export,
        Err(error) => return error_response(&error),
    };
    let name = format!(
        "attachment; filename=\"activity-log-{}.csv\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let mut response = Response::new(Body::from_stream(chunks(export)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The file's pieces as they are read. A failure mid-file ends the download with an
/// error, so the browser reports it instead of saving half a file as whole. Fused:
/// hyper may poll a body again after its end, which an unfused `unfold` answers with a
/// panic (seen behind the compression layer).
fn chunks(
    export: AuditExport,
) -> impl futures_util::Stream<Item = Result<String, std::io::Error>> + Send {
    use futures_util::StreamExt;
    futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(export))),
            Ok(None) => None,
            Err(_) => Some((
                Err(std::io::Error::other("the log could not be read")),
                None,
            )),
        }
    })
    .fuse()
}
