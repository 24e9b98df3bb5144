//! The bad-input drill's reproductions (issue 15), each answered with its own status and
//! a message in words instead of a crash, a 500 or work proportional to the input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may stop on a broken assumption

mod common;

use axum::body::Body;
use common::{crm, json_post, router, run, send, sign_up, HOST};
use futures_util::stream;
use http::{header, Request, StatusCode};
use serde_json::json;

fn dashboard(from: &str, to: &str) -> serde_json::Value {
    json!({ "filter": { "period": { "from": from, "to": to }, "pipeline": null, "owner": null } })
}

#[test]
fn periods_outside_1970_to_2100_or_over_ten_years_are_refused_in_words() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, cookie) = sign_up(&crm, "dana@acme.com").await;
        for (from, to) in [
            ("2026-01-01", "+262142-12-31"),
            ("2026-01-01", "+99999-12-31"),
            ("2026-01-01", "9999-12-31"),
            ("-262143-01-01", "2026-12-31"),
            ("1900-01-01", "2026-12-31"),
            ("2000-01-01", "2026-12-31"),
            ("2026-12-31", "2026-01-01"),
        ] {
            let (status, _, body) = send(
                &router,
                json_post("/api/dashboard", &cookie, dashboard(from, to)),
            )
            .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{from}..{to}: {body}"
            );
            assert!(body.contains("Validation"), "{body}");
            assert!(
                body.len() < 500,
                "a short refusal, not figures: {} bytes",
                body.len()
            );
        }
        let (status, _, body) = send(
            &router,
            json_post(
                "/api/dashboard",
                &cookie,
                dashboard("2017-01-01", "2026-12-31"),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "ten years is allowed: {body}");
    });
}

#[test]
fn page_numbers_and_search_texts_past_their_bounds_are_422() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, cookie) = sign_up(&crm, "dana@acme.com").await;
        let filter = |search: &str| json!({ "search": search, "source": null, "campaign": "", "owner": null, "min_score": null });
        for page in [u64::MAX, i64::MAX as u64 / 25 + 1, 10_001] {
            let body = json!({ "view": "Unassigned", "filter": filter(""), "page": page });
            let (status, _, text) = send(&router, json_post("/api/inbox", &cookie, body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "page {page}: {text}"
            );
            assert!(text.contains("Pages go up to"), "{text}");
        }
        let long = "%_".repeat(30_000);
        let body = json!({ "view": "Unassigned", "filter": filter(&long), "page": 0 });
        let (status, _, text) = send(&router, json_post("/api/inbox", &cookie, body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            text.chars().take(80).collect::<String>()
        );
        assert!(text.contains("at most 200 characters"), "{text}");

        let search = common::form_post("/api/search_companies")
            .header(header::COOKIE, &cookie)
            .body(Body::from(format!("text={}", "a".repeat(60_000))))
            .unwrap();
        let (status, _, _) = send(&router, search).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    });
}

#[test]
fn each_error_answers_with_its_own_status() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, cookie) = sign_up(&crm, "dana@acme.com").await;
        let form = |path: &str, body: &str| {
            common::form_post(path)
                .header(header::COOKIE, &cookie)
                .body(Body::from(body.to_owned()))
                .unwrap()
        };
        // A malformed argument never reaches our code: 400, saying what was wrong.
        let (status, _, text) = send(
            &router,
            json_post(
                "/api/deal_activities",
                &cookie,
                json!({ "deal": "not-a-uuid" }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.starts_with("{\"Malformed\""), "{text}");
        let (status, _, _) = send(&router, json_post("/api/inbox", &cookie, json!([1, 2]))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Companies, contacts: a missing record is 404, not 500.
        let missing = uuid::Uuid::new_v4();
        for path in ["/api/company", "/api/contact"] {
            let (status, _, text) = send(&router, form(path, &format!("id={missing}"))).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {text}");
            assert_eq!(text, "\"NotFound\"");
        }
        // A field that breaks a rule is 422.
        let (status, _, _) = send(
            &router,
            form(
                "/api/save_company",
                "id=&version=&name=&domain=&industry=&employees=&address=",
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Signed out is 401; an unknown function is a 404 in the same shape.
        let signed_out = common::form_post("/api/companies")
            .body(Body::from("text=&sort=&page=0"))
            .unwrap();
        assert_eq!(send(&router, signed_out).await.0, StatusCode::UNAUTHORIZED);
        let (status, _, text) = send(&router, form("/api/no_such_function", "")).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::NOT_FOUND, "\"NotFound\"")
        );
    });
}

#[test]
fn a_chunked_body_over_64_kib_is_413() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, cookie) = sign_up(&crm, "dana@acme.com").await;
        // No Content-Length: the body arrives in chunks and is cut off as it grows.
        let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 8 * 1024]));
        let request = Request::post("/api/add_note")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &cookie)
            .body(Body::from_stream(stream::iter(chunks)))
            .unwrap();
        let (status, _, text) = send(&router, request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(text, "\"TooLarge\"");
    });
}
