//! The live socket against real `pipewright serve` processes: a change made through one
//! process reaches a client of another over PostgreSQL, and bad sockets are refused or
//! closed on their own without disturbing anyone else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Database};
use service::{connect, migrate, Crm, CrmSettings, SessionToken};
use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, protocol::frame::coding::CloseCode, Message},
    MaybeTlsStream, WebSocketStream,
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A `pipewright serve` child process, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn serve(database_url: &str) -> Server {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_pipewright"))
        .args(["serve", "--addr", &addr, "--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start pipewright serve");
    let server = Server { child, addr };
    for _ in 0..300 {
        if let Ok((status, _)) = http(&server.addr, "GET", "/healthz", None, "").await {
            if status == 200 {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("pipewright serve on {} did not come up", server.addr);
}

/// One plain HTTP/1.1 request; returns the status and body.
async fn http(
    addr: &str,
    method: &str,
    path: &str,
    session: Option<&SessionToken>,
    json: &str,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let cookie = session
        .map(|s| format!("Cookie: pw_session={}\r\n", s.expose()))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Content-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

async fn crm(url: &str) -> Crm {
    let db = connect(url).await.expect("open database");
    migrate(&db).await.expect("migrate");
    Crm::new(
        db,
        CrmSettings {
            password_memory_kib: 1024,
            ..CrmSettings::default()
        },
    )
}

/// A signed-up person's session, made through the service on the shared database.
async fn session(crm: &Crm, email: &str) -> SessionToken {
    crm.sign_up(domain::account::SignUp {
        workspace_name: format!("Workspace of {email}"),
        name: "Dana Whitfield".into(),
        email: email.into(),
        password: "correct horse battery".into(),
    })
    .await
    .expect("sign up")
    .1
}

async fn open_socket(
    addr: &str,
    session: Option<&SessionToken>,
    origin: Option<&str>,
) -> Result<Socket, u16> {
    let mut request = format!("ws://{addr}/live")
        .into_client_request()
        .expect("request");
    if let Some(session) = session {
        let cookie = format!("pw_session={}", session.expose());
        request
            .headers_mut()
            .insert("cookie", cookie.parse().expect("header"));
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("header"));
    }
    match connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected handshake failure: {other}"),
    }
}

/// The next text message as JSON, skipping pings; fails after five seconds.
async fn next_json(socket: &mut Socket) -> serde_json::Value {
    loop {
        let message = timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("socket open")
            .expect("no socket error");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON message");
        }
    }
}

/// The next deal event, skipping hello and presence.
async fn next_event(socket: &mut Socket) -> serde_json::Value {
    loop {
        let message = next_json(socket).await;
        if message["t"] == "event" {
            return message;
        }
    }
}

async fn create_deal(addr: &str, session: &SessionToken, title: &str) {
    let body = serde_json::json!({
        "deal": { "pipeline": null, "stage": null, "title": title, "changes": [] }
    });
    let (status, answer) = http(
        addr,
        "POST",
        "/api/create_deal",
        Some(session),
        &body.to_string(),
    )
    .await
    .expect("request");
    assert_eq!(status, 200, "{answer}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn a_change_through_one_process_reaches_a_client_of_another_over_postgres() {
    if std::env::var("PIPEWRIGHT_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("PostgreSQL skipped: PIPEWRIGHT_SKIP_POSTGRES=1");
        return;
    }
    runtime().block_on(async {
        let server = std::env::var("PIPEWRIGHT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
        let admin = Database::connect(format!("{server}/postgres"))
            .await
            .expect("PostgreSQL is required for this test");
        let name = format!("pipewright_live_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let url = format!("{server}/{name}");
        let crm = crm(&url).await;
        let dana = session(&crm, "dana@acme.com").await;
        let (a, b) = (serve(&url).await, serve(&url).await);

        let mut on_b = open_socket(&b.addr, Some(&dana), None).await.expect("open");
        assert_eq!(next_json(&mut on_b).await["t"], "hello");
        create_deal(&a.addr, &dana, "Made on A").await;
        let event = next_event(&mut on_b).await;
        assert_eq!(event["kind"], "DealCreated");
        assert_eq!(event["gist"]["title"], "Made on A");

        // And the other way round, in order, with nothing lost.
        let mut on_a = open_socket(&a.addr, Some(&dana), None).await.expect("open");
        assert_eq!(next_json(&mut on_a).await["t"], "hello");
        for title in ["First on B", "Second on B"] {
            create_deal(&b.addr, &dana, title).await;
        }
        let first = next_event(&mut on_a).await;
        let second = next_event(&mut on_a).await;
        assert_eq!(first["gist"]["title"], "First on B");
        assert_eq!(second["gist"]["title"], "Second on B");
        assert!(second["id"].as_i64() > first["id"].as_i64());
        drop((a, b));
        crm.db().clone().close().await.ok();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    });
}

#[test]
fn bad_sockets_are_refused_or_closed_alone() {
    runtime().block_on(async {
        let path =
            std::env::temp_dir().join(format!("pipewright-live-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let crm = crm(&url).await;
        let dana = session(&crm, "dana@acme.com").await;
        let server = serve(&url).await;

        assert_eq!(open_socket(&server.addr, None, None).await.err(), Some(401));
        let forged = SessionToken::from_cookie("not-a-session");
        assert_eq!(
            open_socket(&server.addr, Some(&forged), None).await.err(),
            Some(401)
        );
        let cross_site = open_socket(&server.addr, Some(&dana), Some("http://evil.example")).await;
        assert_eq!(cross_site.err(), Some(403));

        let mut rude = open_socket(&server.addr, Some(&dana), None)
            .await
            .expect("open");
        let mut polite = open_socket(&server.addr, Some(&dana), None)
            .await
            .expect("open");
        assert_eq!(next_json(&mut rude).await["t"], "hello");
        assert_eq!(next_json(&mut polite).await["t"], "hello");
        rude.send(Message::text("{\"t\":\"drop_tables\"}"))
            .await
            .expect("send");
        let closed = loop {
            match timeout(Duration::from_secs(5), rude.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => break frame,
                Ok(Some(Ok(_))) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        };
        assert_eq!(closed.map(|f| f.code), Some(CloseCode::Policy));

        // The well-behaved socket is untouched and still hears changes.
        polite
            .send(Message::text("{\"t\":\"view\",\"view\":\"deals\"}"))
            .await
            .expect("send");
        create_deal(&server.addr, &dana, "Still live").await;
        let event = next_event(&mut polite).await;
        assert_eq!(event["gist"]["title"], "Still live");

        // One session may hold eight sockets (tabs); the ninth is told to wait.
        let cap = server::socket_caps::SOCKETS_PER_SESSION as usize;
        let mut tabs = vec![polite];
        while tabs.len() < cap {
            match open_socket(&server.addr, Some(&dana), None).await {
                Ok(tab) => tabs.push(tab),
                // The rude socket's place is given back once the server sees it close.
                Err(429) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(status) => panic!("{status}"),
            }
        }
        assert_eq!(
            open_socket(&server.addr, Some(&dana), None).await.err(),
            Some(429)
        );
        let other = session(&crm, "olga@other.example").await;
        assert!(
            open_socket(&server.addr, Some(&other), None).await.is_ok(),
            "another person"
        );
        let mut closing = tabs.pop().expect("a tab");
        closing.close(None).await.expect("close");
        let reopened = async {
            loop {
                match open_socket(&server.addr, Some(&dana), None).await {
                    Ok(tab) => break tab,
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        };
        timeout(Duration::from_secs(5), reopened)
            .await
            .expect("a closed tab frees its place");
        let _ = std::fs::remove_file(&path);
    });
}

#[test]
fn a_long_message_gets_a_policy_close_and_sigterm_closes_every_socket() {
    runtime().block_on(async {
        let path =
            std::env::temp_dir().join(format!("pipewright-live-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let crm = crm(&url).await;
        let dana = session(&crm, "dana@acme.com").await;
        let mut server = serve(&url).await;

        let mut chatty = open_socket(&server.addr, Some(&dana), None)
            .await
            .expect("open");
        assert_eq!(next_json(&mut chatty).await["t"], "hello");
        let long = format!("{{\"t\":\"view\",\"view\":\"{}\"}}", "x".repeat(2048));
        chatty.send(Message::text(long)).await.expect("send");
        assert_eq!(close_code(&mut chatty).await, Some(CloseCode::Policy));

        // SIGTERM: open sockets are told the server is going away, and the process
        // exits within its grace period (10 s) even with a socket still open.
        let mut staying = open_socket(&server.addr, Some(&dana), None)
            .await
            .expect("open");
        assert_eq!(next_json(&mut staying).await["t"], "hello");
        let started = std::time::Instant::now();
        let signalled = Command::new("kill")
            .args(["-TERM", &server.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(signalled.success());
        assert_eq!(close_code(&mut staying).await, Some(CloseCode::Away));
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                assert!(status.success(), "a clean exit: {status}");
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(12),
                "stopped in time"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = std::fs::remove_file(&path);
    });
}

/// Reads until the server's close frame; its code.
async fn close_code(socket: &mut Socket) -> Option<CloseCode> {
    loop {
        match timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| f.code),
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}
