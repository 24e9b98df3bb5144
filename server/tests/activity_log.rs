//! Settings → Activity log over HTTP: the edge records where each change came from, the
//! page and the CSV download are for admins only, and bad filters are refused in words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, StatusCode},
};
use common::*;
use domain::{
    audit::AuditQuery,
    event::{EventKind, Origin},
};

const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

#[test]
fn a_change_made_over_http_is_logged_with_its_phone_and_address_and_downloads_as_csv() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (dana, cookie) = sign_up(&crm, "dana@acme.com").await;
        let sam_cookie = rep_cookie(&crm, &dana).await;
        let team = crm.team(&dana).await.unwrap();
        let sam = team
            .members
            .iter()
            .find(|m| m.email == "sam@acme.com")
            .unwrap();
        let body = format!(
            "member_id={}&version={}&role=manager",
            sam.id.0, sam.version
        );
        let request = form_post("/api/change_role")
            .header(header::COOKIE, cookie.as_str())
            .header(header::USER_AGENT, PHONE)
            .body(Body::from(body))
            .unwrap();
        let (status, _, text) = send(&router, connected_from(request, "192.0.2.44")).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status} {text}"
        );
        let query = AuditQuery {
            action: Some(EventKind::MemberRoleChanged),
            ..AuditQuery::default()
        };
        let lines = crm.activity_log(&dana, &query).await.unwrap().lines;
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].origin, Some(Origin::Phone));
        assert_eq!(lines[0].address.as_deref(), Some("192.0.2.44"));

        // The page, as the server renders it (what a browser without JavaScript shows).
        let (status, _, page) = send(
            &router,
            signed_in_get("/settings/activity-log?action=member.role_changed", &cookie),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Role changed") && page.contains("192.0.2.44"),
            "{page}"
        );
        let (status, _, _) = send(
            &router,
            signed_in_get("/settings/activity-log", &sam_cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, headers, csv) = send(
            &router,
            signed_in_get(
                "/settings/activity-log.csv?action=member.role_changed",
                &cookie,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            header_value(&headers, "content-type"),
            Some("text/csv; charset=utf-8")
        );
        assert!(header_value(&headers, "content-disposition")
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(
            header_value(&headers, "cache-control"),
            Some("private, no-store")
        );
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 2, "{csv}");
        assert!(
            rows[1].contains("Role changed")
                && rows[1].contains("Phone")
                && rows[1].contains("192.0.2.44")
        );

        let (status, _, _) = send(
            &router,
            signed_in_get("/settings/activity-log.csv", &sam_cookie),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, headers, _) = send(
            &router,
            signed_in_get("/settings/activity-log.csv", "pw_session=nope"),
        )
        .await;
        assert!(status.is_redirection());
        assert_eq!(header_value(&headers, "location"), Some("/sign-in"));
        for bad in [
            "from=2026-13-01",
            "action=deal.exploded",
            "from=2026-12-06&to=2026-12-01",
            "person=%FF%FE",
        ] {
            let (status, _, text) = send(
                &router,
                signed_in_get(&format!("/settings/activity-log.csv?{bad}"), &cookie),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {text}");
        }
        // The downloads above were logged; refused ones were not.
        let exports = AuditQuery {
            action: Some(EventKind::DataExported),
            ..AuditQuery::default()
        };
        assert_eq!(
            crm.activity_log(&dana, &exports).await.unwrap().lines.len(),
            1
        );
    });
}

/// Over a real connection, as browsers download it: the file ends cleanly and the same
/// kept-alive connection answers the next request (hyper polls a body once more after
/// its end; a stream that panics there would drop the connection).
#[test]
fn the_download_ends_cleanly_on_a_kept_alive_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    run(async {
        let crm = crm().await;
        let (_, cookie) = sign_up(&crm, "dana@acme.com").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = router(&crm).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let mut buffer = [0u8; 8192];
        // Plain, then compressed as browsers ask for it: the compression layer is what
        // polls the file's body again after its end.
        for encoding in ["identity", "gzip"] {
            let ask = format!(
                "GET /settings/activity-log.csv HTTP/1.1\r\nHost: {HOST}\r\nCookie: {cookie}\r\nAccept-Encoding: {encoding}\r\n\r\n"
            );
            stream.write_all(ask.as_bytes()).await.unwrap();
            let mut seen = Vec::new();
            // A chunked body ends with an empty chunk.
            while !seen.ends_with(b"0\r\n\r\n") {
                let read = stream.read(&mut buffer).await.unwrap();
                assert!(read > 0, "the connection closed mid-file ({encoding})");
                seen.extend_from_slice(&buffer[..read]);
            }
            let text = String::from_utf8_lossy(&seen);
            assert!(text.starts_with("HTTP/1.1 200"), "{text}");
            if encoding == "identity" {
                assert!(text.contains("Signed in"), "{text}");
            }
        }
        let ask = format!("GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n");
        stream.write_all(ask.as_bytes()).await.unwrap();
        let read = stream.read(&mut buffer).await.unwrap();
        let next = String::from_utf8_lossy(&buffer[..read]);
        assert!(
            next.starts_with("HTTP/1.1 200"),
            "the connection survived: {next}"
        );
    });
}
