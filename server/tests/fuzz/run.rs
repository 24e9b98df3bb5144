//! One fuzzing run against one database: valid samples as every role, then generated
//! cases for every server function, page and web form, then the issue's own
//! reproductions. Requests go one at a time, so every panic and ERROR event belongs
//! to the request that was in flight.

mod issue15;

use crate::{
    calls::{self, Endpoint},
    figures::Figures,
    mutate, pages,
    seed::{self, Seed, Who},
    send::{self, encode, percent, Payload, Shot},
    texts,
};
use axum::{http::Method, Router};
use proptest::{
    prelude::*,
    sample::select,
    strategy::ValueTree,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};
use serde_json::Value;
use service::Crm;
use std::{sync::Arc, time::Duration};

/// How much to do and what counts as too slow.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Generated cases per server function, page and for the web form.
    pub cases: usize,
    pub seed: u64,
    pub slow: Duration,
}

/// The bytes a case sends: the mutated sample, encoded, or its raw body.
fn body_of(case: &mutate::Case, sample: &Value, json: bool) -> Vec<u8> {
    match (case.apply(sample), case) {
        (Some(value), _) => encode(&value, json),
        (None, mutate::Case::Raw(bytes)) => bytes.clone(),
        (None, mutate::Case::Mutated(_)) => Vec::new(),
    }
}

pub struct Fuzzer {
    crm: Crm,
    router: Router,
    seed: Seed,
    plan: Plan,
    runner: TestRunner,
    strings: Arc<Vec<String>>,
    pub figures: Figures,
}

impl Fuzzer {
    pub async fn new(database: &'static str, crm: Crm, plan: Plan) -> Fuzzer {
        let seed = seed::plant(&crm).await;
        let strings = Arc::new(texts::strings(&seed.all_ids()));
        let mut bytes = [0_u8; 32];
        bytes[..8].copy_from_slice(&plan.seed.to_le_bytes());
        Fuzzer {
            // No rate limit on the public form: the fuzzer posts far more than 20 a minute.
            router: crate::common::router_limited(&crm, u32::MAX),
            crm,
            seed,
            plan,
            runner: TestRunner::new_with_rng(
                Config::default(),
                TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
            ),
            strings,
            figures: Figures::new(database),
        }
    }

    fn generate<T: std::fmt::Debug>(&mut self, strategy: &BoxedStrategy<T>) -> T {
        strategy
            .new_tree(&mut self.runner)
            .expect("a generated case")
            .current()
    }

    /// Sends, judges and counts one request; returns its status and body as text.
    async fn shoot(&mut self, shot: Shot) -> (String, String) {
        let Some(answer) = send::fire(&self.router, &shot).await else {
            self.figures.unsendable += 1;
            return ("not sent: not a valid HTTP request".into(), String::new());
        };
        let problems = send::judge(&shot, &answer, self.plan.slow);
        self.figures.record(&shot, &answer, &problems);
        let status = answer.status.map_or("no answer".into(), |s| s.to_string());
        (status, String::from_utf8_lossy(&answer.body).into_owned())
    }

    async fn cookie(&self, who: Who, endpoint: &Endpoint) -> Option<String> {
        let member = self.seed.member(who)?;
        Some(if endpoint.own_session {
            seed::fresh_cookie(&self.crm, member).await
        } else {
            member.cookie.clone()
        })
    }

    async fn call(
        &mut self,
        endpoint: &Endpoint,
        who: Who,
        body: Payload,
        note: String,
        html: bool,
    ) {
        let method = calls::method_of(endpoint.path);
        let (uri, body) = match (&method, body) {
            (&Method::GET, Payload::Whole(query)) => (
                format!("{}?{}", endpoint.path, String::from_utf8_lossy(&query)),
                Payload::Whole(Vec::new()),
            ),
            (_, body) => (endpoint.path.to_owned(), body),
        };
        let shot_was_sample = note.is_empty();
        let shot = Shot {
            label: endpoint.path.to_owned(),
            who,
            method,
            uri,
            content_type: Some(endpoint.content_type),
            accept: if html {
                "text/html"
            } else {
                "application/json"
            },
            body,
            cookie: self.cookie(who, endpoint).await,
            sample: note.is_empty(),
            note,
        };
        let (status, body) = self.shoot(shot).await;
        if endpoint.ends_sessions {
            self.seed.sign_in_again(who, &self.crm).await;
        }
        // How deep the valid samples reach: one the admin cannot do fuzzes less.
        if who == Who::Admin
            && shot_was_sample
            && !status.starts_with('2')
            && !status.starts_with('3')
        {
            let body = send::preview(body.as_bytes(), 120);
            self.figures
                .refused_samples
                .push(format!("{} {status} {body}", endpoint.path));
        }
    }

    /// Every server function: its valid sample as each role, then generated cases.
    pub async fn server_functions(&mut self) {
        let raw = mutate::raw_bodies();
        // Mostly the admin, who may do everything and so reaches the deepest code.
        let roles = vec![
            Who::Admin,
            Who::Admin,
            Who::Admin,
            Who::Rep,
            Who::Marketer,
            Who::SignedOut,
        ];
        for endpoint in calls::all(&self.seed.ids) {
            let json = endpoint.is_json();
            for who in Who::ALL {
                let body = Payload::Whole(encode(&endpoint.sample, json));
                self.call(&endpoint, who, body, String::new(), false).await;
            }
            let strategy = (
                select(roles.clone()),
                mutate::cases(&endpoint.sample, self.strings.clone(), raw.clone()),
                proptest::bool::weighted(0.1),
            )
                .boxed();
            for _ in 0..self.plan.cases {
                let (who, case, html) = self.generate(&strategy);
                let body = body_of(&case, &endpoint.sample, json);
                let note = case.describe();
                self.call(&endpoint, who, Payload::Whole(body), note, html)
                    .await;
            }
        }
    }

    fn get(&self, label: &str, who: Who, uri: String) -> Shot {
        Shot {
            label: label.to_owned(),
            who,
            method: Method::GET,
            uri,
            content_type: None,
            accept: "text/html",
            body: Payload::Whole(Vec::new()),
            cookie: self.seed.member(who).map(|m| m.cookie.clone()),
            sample: false,
            note: String::new(),
        }
    }

    /// Every page as each role, then with generated ids and query strings.
    pub async fn pages(&mut self) {
        let roles = vec![
            Who::Admin,
            Who::Admin,
            Who::Rep,
            Who::Marketer,
            Who::SignedOut,
        ];
        let strategy = (select(roles), pages::page_cases(self.strings.clone())).boxed();
        for (pattern, real) in pages::pages(&self.seed.ids) {
            for who in Who::ALL {
                let (status, _) = self.shoot(self.get(pattern, who, real.clone())).await;
                if who == Who::Admin && !status.starts_with('2') && !status.starts_with('3') {
                    let refused = format!("GET {real} {status}");
                    self.figures.refused_samples.push(refused);
                }
            }
            for _ in 0..self.plan.cases {
                let (who, case) = self.generate(&strategy);
                self.shoot(self.get(pattern, who, case.uri(pattern, &real)))
                    .await;
            }
        }
        for (method, uri) in pages::other_routes() {
            let mut shot = self.get(uri, Who::Admin, uri.to_owned());
            shot.method = method.parse().expect("a method");
            self.shoot(shot).await;
        }
    }

    /// The public web form, posted as a visitor's browser or a script would.
    pub async fn web_form(&mut self) {
        let sample = pages::form_sample(&self.seed.ids);
        let strategy = pages::form_cases(&sample, self.strings.clone());
        let key = self.seed.ids.form_key.clone();
        for n in 0..self.plan.cases.max(1) * 4 {
            let case = if n == 0 {
                pages::FormCase {
                    key: None,
                    case: mutate::Case::Mutated(Vec::new()),
                    json: false,
                    wants_json: false,
                }
            } else {
                self.generate(&strategy)
            };
            let body = body_of(&case.case, &sample, case.json);
            let key = case.key.as_deref().map_or_else(|| key.clone(), percent);
            let shot = Shot {
                label: "POST /f/:key".into(),
                who: Who::SignedOut,
                method: Method::POST,
                uri: format!("/f/{key}"),
                content_type: Some(if case.json {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                }),
                accept: if case.wants_json {
                    "application/json"
                } else {
                    "text/html"
                },
                body: Payload::Whole(body),
                cookie: None,
                sample: false,
                note: case.case.describe(),
            };
            self.shoot(shot).await;
        }
    }

    /// The fuzzing roles must still be signed in at the end: a run whose sessions were
    /// lost halfway fuzzed only the sign-in wall.
    pub async fn still_signed_in(&self) -> Vec<Who> {
        let mut lost = Vec::new();
        for who in [Who::Admin, Who::Rep, Who::Marketer] {
            let mut shot = self.get("/api/session", who, "/api/session".into());
            shot.method = Method::POST;
            shot.accept = "application/json";
            let answer = send::fire(&self.router, &shot).await;
            let user = answer
                .and_then(|a| serde_json::from_slice::<Value>(&a.body).ok())
                .map(|v| v["user"].clone());
            if !matches!(user, Some(Value::Object(_))) {
                lost.push(who);
            }
        }
        lost
    }
}
