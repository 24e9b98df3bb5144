//! What the HTTP tests share: one runtime, a fresh SQLite Crm, the real router, and
//! request helpers.
#![allow(dead_code)]

use app::ssr::AppState;
use axum::{
    body::Body,
    http::{header, Request, Response, StatusCode},
    Router,
};
use domain::account::SignUp;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use service::{connect, migrate, Crm, CrmSettings};
use tower::ServiceExt;

/// All HTTP tests share one runtime and run one at a time, as a server process does:
/// it builds its router (`generate_route_list` renders the app in a route-collecting
/// mode) once, before serving. Building routers while other tests render pages hung
/// about one run in ten. The timeout turns any hang into a failure.
pub fn run(test: impl std::future::Future<Output = ()>) {
    run_within(std::time::Duration::from_secs(60), test);
}

/// `run` with another time limit, for a test whose length is chosen (the fuzzer's).
pub fn run_within(limit: std::time::Duration, test: impl std::future::Future<Output = ()>) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
    });
    RUNTIME.block_on(async {
        tokio::time::timeout(limit, test)
            .await
            .unwrap_or_else(|_| panic!("test finished within {} s", limit.as_secs()));
    });
}

pub async fn crm() -> Crm {
    let path = std::env::temp_dir().join(format!("pipewright-http-{}.db", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = connect(&url).await.unwrap();
    migrate(&db).await.unwrap();
    let settings = CrmSettings {
        password_memory_kib: 1024,
        ..CrmSettings::default()
    };
    Crm::new(db, settings)
        .with_sqlite_writer(
            &url,
            service::SqliteMemory::default(),
            service::SLOW_STATEMENT_MS,
        )
        .await
        .unwrap()
}

/// A fresh PostgreSQL database, migrated, as the service tests make one: the server
/// from `PIPEWRIGHT_TEST_POSTGRES` (default: the local trust-auth server). `None` only
/// when `PIPEWRIGHT_SKIP_POSTGRES=1` asks to skip it; unreachable is a failure.
pub async fn postgres_crm() -> Option<Crm> {
    use sea_orm::{ConnectionTrait, Database};
    if std::env::var("PIPEWRIGHT_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("PostgreSQL skipped: PIPEWRIGHT_SKIP_POSTGRES=1");
        return None;
    }
    let server = std::env::var("PIPEWRIGHT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap_or_else(|err| panic!("PostgreSQL at {server} is required: {err}"));
    let name = format!("pipewright_http_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let db = connect(&format!("{server}/{name}")).await.unwrap();
    migrate(&db).await.unwrap();
    Some(Crm::new(
        db,
        CrmSettings {
            password_memory_kib: 1024,
            ..CrmSettings::default()
        },
    ))
}

pub fn router(crm: &Crm) -> Router {
    router_at(crm, None)
}

/// The router as deployed at `public_url` (https implies Secure cookies, as `serve` does).
pub fn router_at(crm: &Crm, public_url: Option<&str>) -> Router {
    server::router(state(crm, public_url))
}

fn state(crm: &Crm, public_url: Option<&str>) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("pipewright")
        .site_root("target/site")
        .build();
    AppState {
        leptos_options,
        trusted_proxies: Default::default(),
        crm: crm.clone(),
        secure_cookies: public_url.is_some_and(|url| url.starts_with("https://")),
        public_url: public_url.map(str::to_owned),
    }
}

/// The router serving the built site at `site_root` (`fingerprinted`: as a release
/// built with `hash-files`).
pub fn router_for_site(crm: &Crm, site_root: &str, fingerprinted: bool) -> Router {
    let mut state = state(crm, None);
    state.leptos_options = LeptosOptions::builder()
        .output_name("pipewright")
        .site_root(site_root.to_owned())
        .hash_files(fingerprinted)
        .build();
    server::router(state)
}

/// The router with a web-form rate limit of `per_minute` posts per address.
pub fn router_limited(crm: &Crm, per_minute: u32) -> Router {
    server::router_with(
        state(crm, None),
        per_minute,
        server::live::Stopping::never(),
    )
}

/// The router trusting `proxies` (CIDR ranges) to name the client, with a web-form
/// limit of `per_minute`.
pub fn router_behind(crm: &Crm, per_minute: u32, proxies: &[&str]) -> Router {
    let mut state = state(crm, None);
    state.trusted_proxies =
        app::ssr::TrustedProxies::new(proxies.iter().map(|p| p.parse().unwrap()).collect());
    server::router_with(state, per_minute, server::live::Stopping::never())
}

/// `request` as if it came over a connection from `peer`.
pub fn connected_from(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let peer: std::net::IpAddr = peer.parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            peer, 40_000,
        ))));
    request
}

pub const HOST: &str = "127.0.0.1:3000";

pub fn form_post(path: &str) -> http::request::Builder {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

pub async fn send(
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, Vec<(String, String)>, String) {
    let response: Response<Body> = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub async fn sign_up(crm: &Crm, email: &str) -> (domain::account::CurrentUser, String) {
    let (user, token) = crm
        .sign_up(SignUp {
            workspace_name: format!("Team of {email}"),
            name: "Dana Whitfield".into(),
            email: email.into(),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap();
    (user, format!("pw_session={}", token.expose()))
}

/// Sam, a rep invited into `admin`'s workspace, and his session cookie.
pub async fn rep_cookie(crm: &Crm, admin: &domain::account::CurrentUser) -> String {
    let invite = crm
        .invite_teammate(
            admin,
            domain::account::InviteTeammate {
                email: "sam@acme.com".into(),
                role: domain::Role::Rep,
            },
        )
        .await
        .unwrap();
    let (_, token) = crm
        .accept_invite(domain::account::AcceptInvite {
            token: invite.token,
            name: "Sam".into(),
            password: "rep password 123".into(),
        })
        .await
        .unwrap();
    format!("pw_session={}", token.expose())
}

/// A GET of `path` carrying a session cookie, as a signed-in browser sends it.
pub fn signed_in_get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

pub fn json_post(path: &str, cookie: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}
