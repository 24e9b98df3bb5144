//! Settings → Your account and the password reset over HTTP: each endpoint checks the
//! session, bounds its input and answers with a status a client can branch on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, StatusCode},
};
use common::*;
use serde_json::json;

#[test]
fn the_account_endpoints_check_the_session_and_bound_their_input() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (admin, dana) = sign_up(&crm, "dana@acme.com").await;
        let sam = rep_cookie(&crm, &admin).await;
        // Form posts, as the pages send them (a JSON body is refused with 400).
        let call = |path: &'static str, cookie: String, body: serde_json::Value| {
            let router = router.clone();
            let fields: Vec<(String, String)> = body
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let body = serde_urlencoded::to_string(fields).unwrap();
            async move {
                let request = form_post(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::from(body))
                    .unwrap();
                send(&router, request).await
            }
        };
        // Signed out: nothing about anyone's sessions.
        let (status, _, _) = call("/api/account", "pw_session=nope".into(), json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _, text) = call("/api/account", dana.clone(), json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.contains(r#""current":true"#) && text.contains(r#""session_days":30"#),
            "{text}"
        );
        for key in ["", "zz", "0123456789abcdeg", &"f".repeat(5_000)] {
            let (status, _, text) =
                call("/api/end_session", dana.clone(), json!({ "key": key })).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key} {text}");
        }
        let (status, _, _) = call(
            "/api/end_session",
            dana.clone(),
            json!({ "key": "0123456789abcdef" }),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for days in ["abc", "0", "366", "99999999999999999999", "-5"] {
            let (status, _, text) = call(
                "/api/set_session_days",
                dana.clone(),
                json!({ "days": days }),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{days}");
            assert!(text.contains("between 1 and 365 days"), "{text}");
        }
        let (status, _, _) =
            call("/api/set_session_days", sam.clone(), json!({ "days": "7" })).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(
            "/api/member_reset_link",
            sam.clone(),
            json!({ "member_id": admin.user_id.to_string() }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(
            "/api/set_session_days",
            dana.clone(),
            json!({ "days": " 7 " }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, text) = call(
            "/api/change_password",
            dana.clone(),
            json!({ "current_password": "wrong password", "new_password": "staple battery horse" }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text.contains("That is not your current password."),
            "{text}"
        );
        // A visitor's reset request says nothing about whether the address exists.
        let ask = |email: &str| json!({ "email": email });
        let known = call(
            "/api/request_password_reset",
            String::new(),
            ask("dana@acme.com"),
        )
        .await;
        let unknown = call(
            "/api/request_password_reset",
            String::new(),
            ask("nobody@acme.com"),
        )
        .await;
        assert_eq!((known.0, &known.2), (unknown.0, &unknown.2));
        let junk = json!({ "token": "x".repeat(10_000), "password": "a brand new password" });
        let (status, _, text) = call("/api/reset_password", String::new(), junk).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("not valid"), "{text}");
        let unknown = json!({ "token": "ab".repeat(32), "password": "a brand new password" });
        let (status, _, text) = call("/api/reset_password", String::new(), unknown).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("expired or was already used"), "{text}");
    });
}

#[test]
fn without_javascript_a_password_change_comes_back_to_the_account_page_saying_so() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, dana) = sign_up(&crm, "dana@acme.com").await;
        let request = form_post("/api/change_password")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::REFERER, format!("http://{HOST}/settings/account"))
            .header(header::COOKIE, &dana)
            .body(Body::from(
                "current_password=correct+horse+battery&new_password=staple+battery+horse",
            ))
            .unwrap();
        let (status, headers, _) = send(&router, request).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            header_value(&headers, "location"),
            Some("/settings/account?changed=password")
        );
        let page = axum::http::Request::get("/settings/account?changed=password")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &dana)
            .body(Body::empty())
            .unwrap();
        let (status, _, html) = send(&router, page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Password changed. Your other sessions were signed out."));
        assert!(html.contains("(this browser)") && html.contains("Sign out everywhere"));
    });
}
