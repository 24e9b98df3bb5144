//! The exact HTTP status of each endpoint family's refusals, through the real router:
//! 401 without a session, 403 for a role the permission table refuses (with the reason
//! in words), 404 for what is not there, 409 for a state conflict, 422 for bad input.
//! No endpoint answers a client's mistake with a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::*;
use domain::{
    account::{NewMember, SignIn},
    Role,
};
use service::Crm;

const NOBODY: &str = "00000000-0000-4000-8000-000000000000";

/// A url-encoded call as the hydrated page (or an API client) makes it: not a plain
/// HTML form post, so the answer carries the error's status.
async fn call(
    router: &axum::Router,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut request = form_post(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, text) = send(router, request.body(Body::from(body.to_owned())).unwrap()).await;
    (status.as_u16(), text)
}

/// A signed-in member of the admin's workspace, with a session cookie.
async fn member(crm: &Crm, workspace: &str, role: Role, email: &str) -> String {
    crm.create_member(
        Some(workspace),
        NewMember {
            name: "Sam Okafor".into(),
            email: email.into(),
            password: "member password 123".into(),
            role,
        },
    )
    .await
    .unwrap();
    let origin = service::SignInOrigin {
        ip: "127.0.0.1".into(),
        ..Default::default()
    };
    let signed_in = SignIn {
        email: email.into(),
        password: "member password 123".into(),
    };
    let (_, token) = crm.sign_in(signed_in, origin).await.unwrap();
    format!("pw_session={}", token.expose())
}

#[test]
fn companies_and_contacts_answer_401_404_409_and_422() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (dana, admin) = sign_up(&crm, "dana@acme.example").await;
        let admin = Some(admin.as_str());
        let missing = format!("id={NOBODY}");
        for (path, cookie, body, expected) in [
            ("/api/company", None, missing.as_str(), 401),
            ("/api/company", admin, missing.as_str(), 404),
            ("/api/company", admin, "id=not-an-id", 404),
            ("/api/contact", None, missing.as_str(), 401),
            ("/api/contact", admin, missing.as_str(), 404),
            ("/api/companies", None, "text=&sort=name&page=0", 401),
            ("/api/contacts", None, "text=&sort=name&page=0", 401),
            ("/api/search_companies", None, "text=ac", 401),
            ("/api/search_contacts", None, "text=ac", 401),
            (
                "/api/save_company",
                admin,
                "id=&version=&name=&domain=&industry=&employees=&address=",
                422,
            ),
            (
                "/api/save_company",
                admin,
                &format!("id={NOBODY}&version=1&name=Acme&domain=&industry=&employees=&address="),
                404,
            ),
            (
                "/api/save_contact",
                admin,
                "id=&version=&name=&email=&phone=&title=&company=",
                422,
            ),
            (
                "/api/save_contact",
                admin,
                &format!("id={NOBODY}&version=1&name=Bo&email=&phone=&title=&company="),
                404,
            ),
        ] {
            let (status, text) = call(&router, path, cookie, body).await;
            assert_eq!(status, expected, "{path} {body}: {text}");
        }
        // An edit based on an old version: 409, naming who changed it.
        let acme = crm
            .create_company(
                &dana,
                domain::company::CompanyInput {
                    name: "Acme".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let edit =
            format!("id={acme}&version=1&name=Acme+Corp&domain=&industry=&employees=&address=");
        let (first, _) = call(&router, "/api/save_company", admin, &edit).await;
        assert!(first < 400, "{first}");
        let (status, text) = call(&router, "/api/save_company", admin, &edit).await;
        assert_eq!(status, 409, "{text}");
        assert!(
            text.contains("Dana Whitfield changed this company since you opened it"),
            "{text}"
        );
    });
}

#[test]
fn member_management_answers_403_404_409_and_422() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (dana, admin) = sign_up(&crm, "dana@acme.example").await;
        let rep = member(&crm, &dana.workspace_name, Role::Rep, "sam@acme.example").await;
        let (admin, rep) = (Some(admin.as_str()), Some(rep.as_str()));
        let own = format!("member_id={}&version=1&role=rep", dana.user_id);
        for (path, cookie, body, expected) in [
            ("/api/team", None, "", 401),
            ("/api/team", rep, "", 403),
            (
                "/api/invite_teammate",
                rep,
                "email=x%40acme.example&role=rep",
                403,
            ),
            ("/api/invite_teammate", admin, "email=nope&role=rep", 422),
            (
                "/api/invite_teammate",
                admin,
                "email=x%40acme.example&role=owner",
                422,
            ),
            (
                "/api/change_role",
                admin,
                &format!("member_id={NOBODY}&version=1&role=rep"),
                404,
            ),
            (
                "/api/change_role",
                admin,
                "member_id=nobody&version=1&role=rep",
                404,
            ),
            // The last admin cannot step down: the workspace would have nobody to run it.
            ("/api/change_role", admin, own.as_str(), 409),
            (
                "/api/set_member_active",
                admin,
                &format!("member_id={NOBODY}&version=1&active=false"),
                404,
            ),
            (
                "/api/revoke_invite",
                admin,
                &format!("invite_id={NOBODY}"),
                404,
            ),
        ] {
            let (status, text) = call(&router, path, cookie, body).await;
            assert_eq!(status, expected, "{path} {body}: {text}");
        }
        let (_, text) = call(&router, "/api/team", rep, "").await;
        assert_eq!(text, r#"{"Forbidden":"Sales reps can't manage users."}"#);
    });
}

#[test]
fn sessions_answer_404_and_422() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        sign_up(&crm, "dana@acme.example").await;
        let taken = "workspace_name=Acme&name=Dana&email=dana%40acme.example&password=correct+horse+battery";
        for (path, body, expected) in [
            (
                "/api/sign_in",
                "email=dana%40acme.example&password=wrong+password+here",
                422,
            ),
            ("/api/sign_in", "email=&password=", 422),
            (
                "/api/sign_up",
                "workspace_name=&name=&email=&password=",
                422,
            ),
            // A taken e-mail is the form's e-mail field to correct.
            ("/api/sign_up", taken, 422),
            ("/api/invite_details", "token=bogus", 404),
            (
                "/api/accept_invite",
                "token=bogus&name=Sam&password=member+password+123",
                404,
            ),
        ] {
            let (status, text) = call(&router, path, None, body).await;
            assert_eq!(status, expected, "{path} {body}: {text}");
        }
        // Signed out, the session says so without an error.
        let (status, _) = call(&router, "/api/session", None, "").await;
        assert_eq!(status, 200);
    });
}

#[test]
fn a_marketer_closing_a_deal_gets_403_in_words_and_nothing_changes() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (dana, _) = sign_up(&crm, "dana@acme.example").await;
        let marketer = member(
            &crm,
            &dana.workspace_name,
            Role::Marketer,
            "mo@acme.example",
        )
        .await;
        let deal = crm
            .create_deal(
                &dana,
                domain::board::NewDeal {
                    pipeline: None,
                    stage: None,
                    title: "Acme renewal".into(),
                    changes: vec![],
                },
            )
            .await
            .unwrap();
        let body = serde_json::json!({
            "deal": deal.card.id,
            "version": deal.card.version,
            "outcome": "Won",
        });
        let request = json_post("/api/close_deal", &marketer, body);
        let (status, _, text) = send(&router, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(text, r#"{"Forbidden":"Marketers can't close deals."}"#);
        let detail = crm.deal_detail(&dana, deal.card.id).await.unwrap();
        assert_eq!(
            (detail.status.key(), detail.version),
            ("open", deal.card.version)
        );
        // Reading stays open to them.
        let page = Request::get(format!("/deals/{}", deal.card.id))
            .header(header::HOST, HOST)
            .header(header::COOKIE, &marketer)
            .body(Body::empty())
            .unwrap();
        let (status, _, html) = send(&router, page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Marketers can&#x27;t close deals.")
                || html.contains("Marketers can't close deals.")
        );
    });
}
