//! Public routes: every page (with garbage in its id and its query string), the public
//! web form `/f/<key>`, and the other routes a browser or a script can reach. A page
//! route the app has but this list lacks fails `every_page_is_catalogued`.

use crate::{mutate, seed::Ids, send::percent};
use proptest::{collection::vec, option, prelude::*, sample::select, strategy::BoxedStrategy};
use serde_json::{json, Value};
use std::sync::Arc;

/// Each page route (as the app declares it) and a path to it with real ids.
pub fn pages(ids: &Ids) -> Vec<(&'static str, String)> {
    let with = |pattern: &'static str, id: &str| {
        (pattern, pattern.replace(":id", id).replace(":token", id))
    };
    let plain = [
        "/",
        "/sign-in",
        "/sign-up",
        "/forgot-password",
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
        "/settings/account",
        "/settings/users",
        "/settings/teams",
        "/settings/pipeline",
        "/settings/leads",
        "/settings/activity-log",
    ];
    let mut pages: Vec<(&'static str, String)> =
        plain.iter().map(|p| (*p, (*p).to_owned())).collect();
    pages.extend([
        with("/invite/:token", &ids.invite_token),
        with("/reset-password/:token", &"ab".repeat(32)),
        with("/deals/:id", &ids.deal.0.to_string()),
        with("/inbox/:id", &ids.leads[0].0.to_string()),
        with("/contacts/:id", &ids.contact.to_string()),
        with("/companies/:id", &ids.company.to_string()),
    ]);
    pages
}

/// Page routes the app declares that `pages` lacks, and listed ones it does not declare.
/// Leptos lists `/deals/:id` as `/deals/{id}` (axum's syntax); both are read.
pub fn uncatalogued(declared: &[String]) -> (Vec<String>, Vec<String>) {
    let normal = |path: &str| {
        path.split('/')
            .map(
                |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => format!(":{name}"),
                    None => part.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    };
    let declared: Vec<String> = declared.iter().map(|p| normal(p)).collect();
    let listed: Vec<&str> = pages(&Ids::default()).into_iter().map(|(p, _)| p).collect();
    let missing = declared
        .iter()
        .filter(|p| !listed.contains(&p.as_str()))
        .cloned()
        .collect();
    let stale = listed
        .iter()
        .filter(|p| !declared.iter().any(|d| d == *p))
        .map(|p| (*p).to_owned())
        .collect();
    (missing, stale)
}

/// Query keys the pages read, and some they do not.
const QUERY_KEYS: [&str; 19] = [
    "q", "page", "sort", "view", "source", "campaign", "owner", "score", "period", "from", "to",
    "pipeline", "team", "company", "mine", "idle", "stage", "", "page[]",
];

/// A generated page request: maybe another id segment, and query pairs.
#[derive(Debug, Clone)]
pub struct PageCase {
    pub segment: Option<String>,
    pub query: Vec<(String, String)>,
}

impl PageCase {
    /// The request target for the page at `real` (its path with real ids).
    pub fn uri(&self, pattern: &str, real: &str) -> String {
        let mut path = real.to_owned();
        let param = pattern
            .rsplit_once('/')
            .is_some_and(|(_, last)| last.starts_with(':'));
        if let (Some(segment), true, Some((parent, _))) =
            (&self.segment, param, real.rsplit_once('/'))
        {
            path = format!("{parent}/{}", percent(segment));
        }
        if self.query.is_empty() {
            return path;
        }
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
            .collect();
        format!("{path}?{}", query.join("&"))
    }
}

pub fn page_cases(strings: Arc<Vec<String>>) -> BoxedStrategy<PageCase> {
    let text = {
        let strings = strings.clone();
        (0..strings.len()).prop_map(move |i| strings[i].clone())
    };
    let value = prop_oneof![4 => text.clone(), 1 => Just("custom".to_owned())];
    let pair = (select(QUERY_KEYS.to_vec()).prop_map(str::to_owned), value);
    (option::weighted(0.7, text), vec(pair, 0..4))
        .prop_map(|(segment, query)| PageCase { segment, query })
        .boxed()
}

/// The demo form's fields filled in as a visitor would, with the tracking fields.
pub fn form_sample(ids: &Ids) -> Value {
    let mut fields = serde_json::Map::new();
    for field in &ids.form_setup.fields {
        let value = match field.key() {
            "email" => "ada@visitor.example",
            "company_size" => "40",
            "phone" => "+44 20 7946 0000",
            _ => "Ada Lovelace",
        };
        fields.insert(field.key().to_owned(), json!(value));
    }
    fields.insert("email".into(), json!("ada@visitor.example"));
    fields.insert("utm_source".into(), json!("newsletter"));
    fields.insert("landing_page".into(), json!("https://acme.example/pricing"));
    Value::Object(fields)
}

/// A generated web-form post: the key (real or not), the body, and how it is sent.
#[derive(Debug, Clone)]
pub struct FormCase {
    pub key: Option<String>,
    pub case: mutate::Case,
    pub json: bool,
    pub wants_json: bool,
}

pub fn form_cases(sample: &Value, strings: Arc<Vec<String>>) -> BoxedStrategy<FormCase> {
    let key = {
        let strings = strings.clone();
        (0..strings.len()).prop_map(move |i| strings[i].clone())
    };
    let case = mutate::cases(sample, strings, mutate::raw_bodies());
    (
        option::weighted(0.15, key),
        case,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(key, case, json, wants_json)| FormCase {
            key,
            case,
            json,
            wants_json,
        })
        .boxed()
}

/// Other routes, with garbage: health, the live socket without an upgrade, static
/// files with traversal, unknown paths and an unknown server function.
pub fn other_routes() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GET", "/healthz"),
        ("GET", "/live"),
        ("GET", "/live?after=18446744073709551615"),
        ("GET", "/pkg/..%2F..%2FCargo.toml"),
        ("GET", "/pkg/pipewright.js"),
        ("GET", "/favicon.ico"),
        ("GET", "/%00"),
        ("GET", "/nope/%ZZ"),
        ("GET", "/deals/"),
        ("POST", "/api/no_such_function"),
        ("GET", "/api/board"),
        ("OPTIONS", "/f/anything"),
        ("DELETE", "/pipeline"),
    ]
}
