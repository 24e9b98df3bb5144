//! The HTTP surface end to end, without a socket: sessions, CSRF refusal, tenancy,
//! and bad input, through the real router.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::*;
use domain::Role;

#[test]
fn a_form_sign_up_sets_a_safe_cookie_and_opens_the_pipeline() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let body =
            "workspace_name=Acme&name=Dana&email=dana%40acme.com&password=correct+horse+battery";
        let request = form_post("/api/sign_up")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::REFERER, format!("http://{HOST}/sign-up"))
            .body(Body::from(body))
            .unwrap();
        let (status, headers, _) = send(&router, request).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(header_value(&headers, "location"), Some("/pipeline"));
        let cookie = header_value(&headers, "set-cookie").expect("a session cookie");
        assert!(
            cookie.starts_with("pw_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
        );
        assert!(!cookie.contains("Secure"), "plain http on localhost");
        assert_eq!(header_value(&headers, "strict-transport-security"), None);
        let session = cookie.split(';').next().unwrap().to_owned();

        let page = Request::get("/pipeline")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &session);
        let (status, headers, html) = send(&router, page.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Acme") && html.contains(">Pipeline</h1>"));
        assert!(
            html.contains(">Qualified</h2>"),
            "the board renders on the server"
        );
        let policy = header_value(&headers, "content-security-policy").expect("a CSP");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "inline scripts carry the nonce"
        );
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"));

        let anonymous = Request::get("/pipeline")
            .header(header::HOST, HOST)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(&router, anonymous).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(header_value(&headers, "location"), Some("/sign-in"));
    });
}

#[test]
fn a_cross_site_post_to_a_server_function_is_refused() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (admin, cookie) = sign_up(&crm, "dana@acme.com").await;
        let body = "email=mallory%40evil.example&role=admin";
        for (name, value) in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ] {
            let request = form_post("/api/invite_teammate")
                .header(header::COOKIE, &cookie)
                .header(name, value)
                .body(Body::from(body))
                .unwrap();
            let (status, _, text) = send(&router, request).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
            assert!(
                text.starts_with("{\"Forbidden\":\"Refused: this change came from another site"),
                "the one error shape, in words: {text}"
            );
        }
        assert!(
            crm.team(&admin).await.unwrap().invites.is_empty(),
            "nothing was written"
        );

        let same_site = form_post("/api/invite_teammate")
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        let (status, _, text) = send(&router, same_site).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(text.contains("/invite/"));
        assert_eq!(crm.team(&admin).await.unwrap().invites.len(), 1);
    });
}

#[test]
fn another_workspace_s_data_is_refused() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, acme_cookie) = sign_up(&crm, "dana@acme.com").await;
        let (beta_admin, _) = sign_up(&crm, "eve@beta.com").await;
        let body = format!("member_id={}&version=1&role=rep", beta_admin.user_id);
        let request = form_post("/api/change_role")
            .header(header::COOKIE, &acme_cookie)
            .body(Body::from(body))
            .unwrap();
        let (status, _, text) = send(&router, request).await;
        assert!(status.is_server_error() || status.is_client_error());
        assert!(text.contains("NotFound"), "{text}");
        let beta_team = crm.team(&beta_admin).await.unwrap();
        assert_eq!(beta_team.members[0].role, Role::Admin, "unchanged");
    });
}

#[test]
fn bad_requests_get_clear_answers_and_change_nothing() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (admin, _) = sign_up(&crm, "dana@acme.com").await;

        let garbage = form_post("/api/team")
            .header(header::COOKIE, "pw_session=%00garbage'--")
            .body(Body::empty())
            .unwrap();
        let (_, _, text) = send(&router, garbage).await;
        assert!(text.contains("Unauthorized"), "{text}");

        let huge = "x".repeat(200 * 1024);
        let oversized = form_post("/api/sign_in")
            .header(header::CONTENT_LENGTH, huge.len())
            .body(Body::from(huge.clone()))
            .unwrap();
        let (status, _, text) = send(&router, oversized).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(text, "\"TooLarge\"");

        let malformed = form_post("/api/sign_up")
            .body(Body::from("name=only"))
            .unwrap();
        let (status, _, text) = send(&router, malformed).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            text.contains("Malformed") && text.contains("workspace_name"),
            "{text}"
        );

        let wrong = "email=dana%40acme.com&password=nope+nope+nope";
        let (_, _, text) = send(
            &router,
            form_post("/api/sign_in").body(Body::from(wrong)).unwrap(),
        )
        .await;
        assert!(
            text.contains("That e-mail and password do not match."),
            "{text}"
        );

        let (status, _, html) = send(
            &router,
            Request::get("/no/such/page")
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Page not found"));

        let team = crm.team(&admin).await.unwrap();
        assert_eq!((team.members.len(), team.invites.len()), (1, 0));
    });
}

#[test]
fn a_rep_cannot_use_admin_endpoints() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (admin, _) = sign_up(&crm, "dana@acme.com").await;
        let cookie = rep_cookie(&crm, &admin).await;
        let (_, _, text) = send(
            &router,
            form_post("/api/team")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(text, r#"{"Forbidden":"Sales reps can't manage users."}"#);
        let page = Request::get("/settings/users")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie);
        let (status, _, html) = send(&router, page.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("Only workspace admins can manage users."));
    });
}

#[test]
fn behind_https_cookies_are_secure_and_links_use_the_public_address() {
    run(async {
        let crm = crm().await;
        let router = router_at(&crm, Some("https://crm.acme.example/"));
        let body =
            "workspace_name=Acme&name=Dana&email=dana%40acme.com&password=correct+horse+battery";
        let request = form_post("/api/sign_up").body(Body::from(body)).unwrap();
        let (_, headers, _) = send(&router, request).await;
        let cookie = header_value(&headers, "set-cookie").expect("a session cookie");
        assert!(cookie.contains("; Secure"), "{cookie}");
        // The __Host- prefix: the browser keeps it only as Secure, this host, path /.
        assert!(
            cookie.starts_with("__Host-pw_session=")
                && cookie.contains("Path=/;")
                && !cookie.contains("Domain"),
            "{cookie}"
        );
        assert_eq!(
            header_value(&headers, "strict-transport-security"),
            Some("max-age=31536000")
        );
        let session = cookie.split(';').next().unwrap().to_owned();
        // The same token under the plain name is not a session over https.
        let unprefixed = session.replace("__Host-", "");
        let request = form_post("/api/account")
            .header(header::COOKIE, unprefixed)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&router, request).await.0, StatusCode::UNAUTHORIZED);
        let invite = "email=sam%40acme.com&role=rep";
        let request = form_post("/api/invite_teammate")
            .header(header::COOKIE, session)
            .body(Body::from(invite))
            .unwrap();
        let (_, _, text) = send(&router, request).await;
        assert!(text.contains("https://crm.acme.example/invite/"), "{text}");
    });
}

#[test]
fn a_fresh_install_opens_at_create_workspace() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let home = || {
            Request::get("/")
                .header(header::HOST, HOST)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap()
        };
        let (status, headers, _) = send(&router, home()).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(header_value(&headers, "location"), Some("/sign-up"));
        sign_up(&crm, "dana@acme.com").await;
        let (_, headers, _) = send(&router, home()).await;
        assert_eq!(
            header_value(&headers, "location"),
            Some("/sign-in"),
            "once a workspace exists"
        );
    });
}

#[test]
fn the_deal_api_answers_with_statuses_a_client_can_branch_on() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, dana) = sign_up(&crm, "dana@acme.com").await;
        let (_, eve) = sign_up(&crm, "eve@globex.com").await;
        let create = serde_json::json!({ "deal": {
            "pipeline": null, "stage": null, "title": "Acme", "changes": [{ "Value": "500" }]
        }});
        let (status, _, body) = send(&router, json_post("/api/create_deal", &dana, create)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let saved: serde_json::Value = serde_json::from_str(&body).unwrap();
        let deal = saved["card"]["id"].as_str().unwrap().to_owned();

        let (status, _, body) = send(
            &router,
            json_post(
                "/api/board",
                &eve,
                serde_json::json!({ "filter": {
                    "pipeline": null, "owner": null, "mine": false, "tag": "", "text": ""
                }}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let eves: serde_json::Value = serde_json::from_str(&body).unwrap();
        let foreign_stage = eves["columns"][1]["stage"]["id"].clone();
        let moved = serde_json::json!({ "command": {
            "deal": deal, "version": 1, "stage": foreign_stage, "changes": []
        }});
        let (status, _, _) = send(&router, json_post("/api/move_deal", &dana, moved)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another workspace's stage");

        let peek =
            serde_json::json!({ "deal": deal, "version": 1, "changes": [{ "Title": "Mine now" }] });
        let (status, _, _) = send(&router, json_post("/api/update_deal", &eve, peek)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another workspace's deal");

        let bad =
            serde_json::json!({ "deal": deal, "version": 1, "changes": [{ "Currency": "XYZ" }] });
        let (status, _, body) = send(&router, json_post("/api/update_deal", &dana, bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("currency"), "{body}");

        let edit =
            serde_json::json!({ "deal": deal, "version": 1, "changes": [{ "NextStep": "Call" }] });
        let (status, _, _) =
            send(&router, json_post("/api/update_deal", &dana, edit.clone())).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, body) = send(&router, json_post("/api/update_deal", &dana, edit)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("changed next step"), "{body}");

        let anonymous = serde_json::json!({ "filter": {
            "pipeline": null, "owner": null, "mine": false, "tag": "", "text": ""
        }});
        let (status, _, _) = send(
            &router,
            json_post("/api/board", "pw_session=nope", anonymous),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    });
}

#[test]
fn notes_timelines_and_leads_check_the_session_the_workspace_and_the_size() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, dana) = sign_up(&crm, "dana@acme.com").await;
        let (_, eve) = sign_up(&crm, "eve@globex.com").await;
        let create = serde_json::json!({ "deal": {
            "pipeline": null, "stage": null, "title": "Acme", "changes": []
        }});
        let (_, _, body) = send(&router, json_post("/api/create_deal", &dana, create)).await;
        let saved: serde_json::Value = serde_json::from_str(&body).unwrap();
        let deal = saved["card"]["id"].as_str().unwrap().to_owned();
        let note =
            |body: &str| serde_json::json!({ "note": { "on": { "Deal": deal }, "body": body } });

        let (status, _, body) =
            send(&router, json_post("/api/add_note", &dana, note("**ok**"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _, _) = send(&router, json_post("/api/add_note", &eve, note("mine"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another workspace's deal");
        let (status, _, _) = send(
            &router,
            json_post("/api/add_note", "pw_session=nope", note("x")),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // As a browser sends it, with its length declared.
        let huge = note(&"x".repeat(1_000_000)).to_string();
        let mut request = json_post("/api/add_note", &dana, serde_json::Value::Null);
        request
            .headers_mut()
            .insert(header::CONTENT_LENGTH, huge.len().into());
        *request.body_mut() = Body::from(huge);
        let (status, _, body) = send(&router, request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body, "\"TooLarge\"");

        let of = serde_json::json!({ "of": { "Deal": deal }, "after": null });
        let (status, _, body) = send(&router, json_post("/api/timeline", &dana, of.clone())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("<strong>ok</strong>"), "{body}");
        let (status, _, _) = send(&router, json_post("/api/timeline", &eve, of)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A lead with nobody to reach is a 422 naming the field; one in Eve's workspace
        // stays out of Dana's inbox.
        let lead = |email: &str| {
            serde_json::json!({ "lead": {
                "name": "Ana", "email": email, "phone": "", "title": "", "company": "",
                "domain": "", "company_size": "", "campaign": "",
                "utm": { "source": "", "medium": "", "campaign": "", "term": "", "content": "" },
                "landing_page": "", "referrer": "", "message": ""
            }})
        };
        let (status, _, body) = send(&router, json_post("/api/add_lead", &dana, lead(""))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("email"), "{body}");
        let (status, _, _) = send(
            &router,
            json_post("/api/add_lead", &eve, lead("ana@globex.com")),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let mine = serde_json::json!({ "view": "Mine", "filter": { "search": "", "source": null, "campaign": "", "owner": null, "min_score": null }, "page": 0 });
        let (status, _, body) = send(&router, json_post("/api/inbox", &dana, mine)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"leads\":[]"), "{body}");
    });
}
