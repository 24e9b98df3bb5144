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
        let (dana, _) = sign_up(&crm, "dana@acme.com").await;
        let form = crm
            .save_lead_form(
                &dana,
                None,
                FormSetup {
                    name: "Contact us".into(),
                    fields: vec![FormField::Name, FormField::Email],
                    campaign: "Spring".into(),
                    version: 0,
                },
            )
            .await
            .unwrap();
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
        // The same person as JSON: merged, and told so.
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
        assert!(body.contains("\"merged\":true"), "{body}");
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
        let (status, _, body) =
            send(&router, from_elsewhere(&path, html, "email=late%40x.com")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(body.contains("wait a minute"));
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
