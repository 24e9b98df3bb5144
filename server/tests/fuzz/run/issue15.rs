//! The inputs issue 15 reported, sent on every run whatever the generator picks, with
//! their answers printed so a closing note can quote them.

use super::Fuzzer;
use crate::{
    seed::Who,
    send::{percent, preview, Payload, Shot},
};
use axum::http::Method;
use serde_json::json;

impl Fuzzer {
    pub async fn reproductions(&mut self) {
        let today = chrono::Utc::now().date_naive().to_string();
        let pipeline = self.seed.ids.pipeline;
        let dashboard = |from: &str, to: &str| json!({"filter": {"period": {"from": from, "to": to}, "pipeline": pipeline, "owner": null, "team": null}});
        let inbox = |page: serde_json::Value| json!({"view": "Unassigned", "filter": {"search": "", "source": null, "campaign": "", "owner": null, "min_score": null}, "page": page});
        let calls = [
            ("/api/dashboard", dashboard(&today, "+262142-12-31")),
            ("/api/dashboard", dashboard(&today, "+99999-12-31")),
            ("/api/dashboard", dashboard("1970-01-01", "9999-12-31")),
            ("/api/dashboard", dashboard("-262143-01-01", &today)),
            ("/api/inbox", inbox(json!(u64::MAX))),
            ("/api/inbox", inbox(json!(i64::MAX))),
        ];
        for (path, body) in calls {
            let body = Payload::Whole(body.to_string().into_bytes());
            self.post_as_admin(path, "application/json", body).await;
        }
        let form = "application/x-www-form-urlencoded";
        let like = format!("text={}", "%25".repeat(20_000));
        let like = Payload::Whole(like.into_bytes());
        self.post_as_admin("/api/search_companies", form, like)
            .await;
        let id = Payload::Whole(b"id=not-a-uuid".to_vec());
        self.post_as_admin("/api/company", form, id).await;
        let big = format!("{{\"filter\":{{\"text\":\"{}\"}}}}", "a".repeat(70_000));
        let big = Payload::Chunked(big.into_bytes());
        self.post_as_admin("/api/board", "application/json", big)
            .await;
        for uri in [
            "/inbox?page=18446744073709551615".to_owned(),
            "/deals?page=18446744073709551615".to_owned(),
            "/companies?page=18446744073709551615".to_owned(),
            "/dashboard?period=custom&from=-262143-01-01&to=%2B262142-12-31".to_owned(),
            "/dashboard?period=custom&from=1970-01-01&to=9999-12-31".to_owned(),
            format!("/deals/{}", percent("</title><script>")),
        ] {
            let shot = self.get("issue 15 pages", Who::Admin, uri.clone());
            let (status, body) = self.shoot(shot).await;
            let title = body
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split("</title>").next());
            let db = self.figures.database;
            eprintln!("issue 15, {db}: GET {uri} -> {status}, title {title:?}");
        }
    }

    async fn post_as_admin(&mut self, path: &str, kind: &'static str, body: Payload) {
        let size = body.len();
        let chunked = if matches!(body, Payload::Chunked(_)) {
            ", chunked"
        } else {
            ""
        };
        let shot = Shot {
            label: format!("issue 15 {path}"),
            who: Who::Admin,
            method: Method::POST,
            uri: path.to_owned(),
            content_type: Some(kind),
            accept: "application/json",
            body,
            cookie: Some(self.seed.admin.cookie.clone()),
            sample: false,
            note: "issue 15's reproduction".into(),
        };
        let (status, body) = self.shoot(shot).await;
        let db = self.figures.database;
        let body = preview(body.as_bytes(), 160);
        eprintln!("issue 15, {db}: POST {path} ({kind}, {size} bytes{chunked}) -> {status} {body}");
    }
}
