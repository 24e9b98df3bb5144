//! Public web forms over HTTP: posts from other sites are welcome (no cross-site
//! refusal), as HTML form posts and as JSON; spam and bad input get clear answers and
//! change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::*;
use domain::lead_form::{FormField, FormSetup};

fn from_elsewhere(path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://www.globex-vans.example")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

/// Dana's workspace with a "Contact us" form asking for `fields`.
async fn contact_form(crm: &service::Crm, fields: Vec<FormField>) -> domain::lead_form::LeadForm {
    let (dana, _) = sign_up(crm, "dana@acme.com").await;
    crm.save_lead_form(
        &dana,
        None,
        FormSetup {
            name: "Contact us".into(),
            fields,
            campaign: "Spring".into(),
            version: 0,
        },
    )
    .await
    .unwrap()
}

async fn leads(crm: &service::Crm) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM leads".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[test]
fn a_form_post_from_another_site_becomes_a_lead_and_bad_posts_change_nothing() {
    run(async {
        let crm = crm().await;
        let form = contact_form(&crm, vec![FormField::Name, FormField::Email]).await;
        let router = router_limited(&crm, 6);
        let path = format!("/f/{}", form.key);
        let html = "application/x-www-form-urlencoded";

        // A plain HTML form post from another site: a thank-you page, text as text.
        let (status, headers, body) = send(
            &router,
            from_elsewhere(
                &path,
                html,
                "name=Ana+%3Cscript%3E&email=ana%40globex.com&website=",
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(header_value(&headers, "content-type").is_some_and(|t| t.starts_with("text/html")));
        assert!(body.contains("Thank you"));
        // The same person as JSON: received, and nothing more (not that they were a lead).
        let (status, headers, body) = send(
            &router,
            from_elsewhere(
                &path,
                "application/json",
                r#"{"email":"ANA@globex.com","name":"Ana"}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert!(body.contains(r#""status":"received""#), "{body}");
        assert!(!body.contains("merged") && !body.contains("lead"), "{body}");
        assert_eq!(
            header_value(&headers, "access-control-allow-origin"),
            Some("*")
        );
        assert_eq!(leads(&crm).await, 1);

        // Unknown fields and a missing address: 422 with the reason, as a page.
        let (status, _, body) = send(
            &router,
            from_elsewhere(&path, html, "email=a%40b.com&fax=1"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("no field called &quot;fax&quot;"), "{body}");
        let (status, _, body) = send(
            &router,
            from_elsewhere(&path, "application/json", r#"{"name":"<b>x</b>"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"email\""), "{body}");
        // A body that is not form fields.
        let (status, _, _) = send(
            &router,
            from_elsewhere(&path, "text/plain", "email=a@b.com"),
        )
        .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // An unknown form.
        let (status, _, _) = send(
            &router,
            from_elsewhere("/f/unknown", html, "email=a%40b.com"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(leads(&crm).await, 1);

        // The sixth post from this address in the minute was the last one allowed.
        let (status, headers_of_late, body) =
            send(&router, from_elsewhere(&path, html, "email=late%40x.com")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(body.contains("wait a minute"));
        assert!(header_value(&headers_of_late, "retry-after").is_some());
        assert_eq!(leads(&crm).await, 1);
    });
}

#[test]
fn a_5_mb_post_is_refused_before_it_is_read() {
    run(async {
        let crm = crm().await;
        let (dana, _) = sign_up(&crm, "dana@acme.com").await;
        let form = crm
            .save_lead_form(
                &dana,
                None,
                FormSetup {
                    name: "Contact us".into(),
                    fields: vec![FormField::Email, FormField::Message],
                    campaign: String::new(),
                    version: 0,
                },
            )
            .await
            .unwrap();
        let router = router(&crm);
        let huge = format!("email=a%40b.com&message={}", "x".repeat(5 * 1024 * 1024));
        let mut request = from_elsewhere(
            &format!("/f/{}", form.key),
            "application/x-www-form-urlencoded",
            huge.clone(),
        );
        request
            .headers_mut()
            .insert(header::CONTENT_LENGTH, huge.len().into());
        let (status, _, _) = send(&router, request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // A script's preflight is answered so JSON posts can follow.
        let preflight = Request::options(format!("/f/{}", form.key))
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "https://www.globex-vans.example")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(&router, preflight).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            header_value(&headers, "access-control-allow-methods"),
            Some("POST")
        );
        assert_eq!(leads(&crm).await, 0);
    });
}

/// Behind a trusted proxy each visitor is counted by the address the proxy forwards;
/// from anyone else the forwarding header is ignored, so it cannot dodge the limit.
#[test]
fn the_form_limit_counts_the_client_behind_a_trusted_proxy_and_ignores_forged_headers() {
    run(async {
        let crm = crm().await;
        let form = contact_form(&crm, vec![FormField::Email]).await;
        let path = format!("/f/{}", form.key);
        let post = |n: usize, peer: &str, forwarded: &str| {
            let mut request = from_elsewhere(
                &path,
                "application/x-www-form-urlencoded",
                format!("email=visitor{n}%40globex.com"),
            );
            request
                .headers_mut()
                .insert("x-forwarded-for", forwarded.parse().unwrap());
            connected_from(request, peer)
        };
        let proxied = router_behind(&crm, 2, &["127.0.0.1/32"]);
        for n in 0..2 {
            let (status, _, _) = send(&proxied, post(n, "127.0.0.1", "198.51.100.1")).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _, _) = send(&proxied, post(2, "127.0.0.1", "198.51.100.1")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the same visitor");
        let (status, _, _) = send(&proxied, post(3, "127.0.0.1", "198.51.100.2")).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "another visitor behind the same proxy"
        );

        // A visitor connecting directly writes a new address into the header each time.
        let direct = router_behind(&crm, 2, &["127.0.0.1/32"]);
        for n in 0..2 {
            let forged = format!("10.0.0.{n}");
            let (status, _, _) = send(&direct, post(10 + n, "203.0.113.5", &forged)).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _, _) = send(&direct, post(20, "203.0.113.5", "10.0.0.99")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    });
}

/// The form's page fetches a timing ticket from any site; it is never cached, and an
/// unknown form has none.
#[test]
fn a_form_page_gets_a_timing_ticket_any_site_may_read() {
    run(async {
        let crm = crm().await;
        let form = contact_form(&crm, vec![FormField::Email]).await;
        let router = router(&crm);
        let get = |path: String| {
            Request::get(path)
                .header(header::HOST, HOST)
                .header(header::ORIGIN, "https://www.globex.example")
                .body(Body::empty())
                .unwrap()
        };
        let (status, headers, ticket) = send(&router, get(format!("/f/{}/ticket", form.key))).await;
        assert_eq!(status, StatusCode::OK);
        let (stamp, tag) = ticket.split_once('.').expect("seconds.tag");
        assert!(stamp.parse::<i64>().is_ok() && tag.len() == 64, "{ticket}");
        assert_eq!(
            header_value(&headers, "access-control-allow-origin"),
            Some("*")
        );
        assert_eq!(header_value(&headers, "cache-control"), Some("no-store"));
        let (status, _, _) = send(&router, get("/f/unknown/ticket".into())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}
