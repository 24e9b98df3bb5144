//! Pages rendered side by side, as a loaded server renders them: every answer arrives,
//! whole, with its own record's title.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

mod common;

use axum::http::StatusCode;
use common::*;
use std::{future::Future, pin::Pin, task::Poll};

/// Polls every request in turn from this one task until all have answered, as a
/// worker thread interleaves the tasks of concurrent requests: whatever one request
/// leaves current on the thread, the next one finds.
async fn interleaved<F: Future>(requests: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Pin<Box<F>>> = requests.into_iter().map(Box::pin).collect();
    let mut answers: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (request, answer) in pending.iter_mut().zip(answers.iter_mut()) {
            if answer.is_none() {
                if let Poll::Ready(done) = request.as_mut().poll(cx) {
                    *answer = Some(done);
                }
            }
        }
        if answers.iter().all(Option::is_some) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    answers.into_iter().map(Option::unwrap).collect()
}

#[test]
fn deal_pages_rendered_side_by_side_each_show_their_own_deal() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        // Two workspaces, so a title from the wrong request would also cross tenants.
        let mut deals = Vec::new();
        for (email, company) in [("dana@acme.com", "Acme"), ("eve@globex.com", "Globex")] {
            let (_, cookie) = sign_up(&crm, email).await;
            for n in 0..4 {
                let title = format!("{company} renewal {n}");
                let create = serde_json::json!({ "deal": {
                    "pipeline": null, "stage": null, "title": title, "changes": [{ "Value": "500" }]
                }});
                let (status, _, body) =
                    send(&router, json_post("/api/create_deal", &cookie, create)).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                let saved: serde_json::Value = serde_json::from_str(&body).unwrap();
                let id = saved["card"]["id"].as_str().unwrap().to_owned();
                deals.push((format!("/deals/{id}"), cookie.clone(), title));
            }
        }
        for _ in 0..5 {
            let requests: Vec<_> = deals
                .iter()
                .map(|(path, cookie, _)| send(&router, signed_in_get(path, cookie)))
                .collect();
            for ((path, _, title), (status, _, html)) in
                deals.iter().zip(interleaved(requests).await)
            {
                assert_eq!(status, StatusCode::OK, "{path}");
                assert!(
                    html.contains(&format!("<title>{title} · Pipewright</title>")),
                    "{path} should be titled {title}: {}",
                    html.split("</title>").next().unwrap_or_default()
                );
            }
        }
    });
}

#[test]
fn every_signed_in_page_answers_while_others_render() {
    run(async {
        let crm = crm().await;
        let router = router(&crm);
        let (_, dana) = sign_up(&crm, "dana@acme.com").await;
        let (_, eve) = sign_up(&crm, "eve@globex.com").await;
        let paths = [
            "/pipeline",
            "/deals",
            "/inbox",
            "/marketing",
            "/activities",
            "/contacts",
            "/companies",
            "/dashboard",
            "/review",
            "/settings",
            "/settings/users",
            "/settings/teams",
            "/settings/pipeline",
            "/settings/leads",
        ];
        let requests: Vec<_> = paths
            .iter()
            .flat_map(|path| [signed_in_get(path, &dana), signed_in_get(path, &eve)])
            .map(|request| send(&router, request))
            .collect();
        let answers = interleaved(requests).await;
        for (path, (status, _, _)) in paths.iter().flat_map(|p| [p, p]).zip(answers) {
            assert!(!status.is_server_error(), "{path}: {status}");
        }
    });
}
