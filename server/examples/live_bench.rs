//! Live fan-out benchmark (driven by `bench/live.sh`): N WebSocket clients on one
//! workspace of a running `pipewright serve`, a steady stream of stage moves through the
//! HTTP API, and for every event at every client the time from its commit (the event's
//! `at`, stamped in the write transaction) to its arrival. Prints percentiles, misses and
//! the server's resident memory over the run.
//!
//! Usage: live_bench <addr> <database-url> <server-pid> <clients> <moves/s> <seconds>
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use futures_util::StreamExt;
use service::{connect, migrate, Crm, CrmSettings, SessionToken};
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, url, pid, clients, rate, seconds] = args.as_slice() else {
        return Err(
            "usage: live_bench <addr> <database-url> <pid> <clients> <moves/s> <seconds>".into(),
        );
    };
    let (clients, rate, seconds): (usize, u64, u64) =
        (clients.parse()?, rate.parse()?, seconds.parse()?);
    let db = connect(url).await?;
    migrate(&db).await?;
    let crm = Crm::new(db, CrmSettings::default());
    let (dana, session) = crm
        .sign_up(domain::account::SignUp {
            workspace_name: "Live bench".into(),
            name: "Dana Bench".into(),
            email: format!("bench-{}@example.com", uuid::Uuid::new_v4().simple()),
            password: "correct horse battery".into(),
        })
        .await
        .map_err(|e| e.message())?;
    let board = crm
        .board(&dana, domain::board::DealFilter::default())
        .await
        .map_err(|e| e.message())?;
    let stages = [board.columns[0].stage.id, board.columns[1].stage.id];

    let latencies: Arc<Mutex<Vec<f64>>> = Arc::new(Mutex::new(Vec::new()));
    let mut listeners = Vec::new();
    for _ in 0..clients {
        listeners.push(tokio::spawn(listen(
            addr.clone(),
            session.expose().to_owned(),
            latencies.clone(),
        )));
        // Don't stampede the accept queue: this is a team arriving, not a flood.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_start = rss_kib(pid);
    println!("{clients} clients connected; server RSS {rss_start} KiB");

    // Twenty deals moved back and forth between the first two stages.
    let mut deals = Vec::new();
    for n in 0..20 {
        let saved = crm
            .create_deal(
                &dana,
                domain::board::NewDeal {
                    pipeline: None,
                    stage: None,
                    title: format!("Bench deal {n}"),
                    changes: Vec::new(),
                },
            )
            .await
            .map_err(|e| e.message())?;
        deals.push((saved.card.id, saved.card.version, 0usize));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    latencies.lock().map_err(|_| "poisoned")?.clear();

    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    let (mut moves, mut rss_samples) = (0u64, vec![(0u64, rss_start)]);
    let mut next_sample = 30;
    while started.elapsed() < Duration::from_secs(seconds) {
        ticker.tick().await;
        let slot = (moves as usize) % deals.len();
        let (deal, version, at) = deals[slot];
        let to = stages[1 - at];
        let body = serde_json::json!({
            "command": { "deal": deal, "version": version, "stage": to, "changes": [] }
        });
        let answer = post(addr, &session, "/api/move_deal", &body.to_string()).await?;
        let saved: serde_json::Value = serde_json::from_str(&answer)?;
        let version = saved["card"]["version"].as_i64().ok_or("no version")? as i32;
        deals[slot] = (deal, version, 1 - at);
        moves += 1;
        if started.elapsed().as_secs() >= next_sample {
            rss_samples.push((next_sample, rss_kib(pid)));
            next_sample += 30;
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    rss_samples.push((started.elapsed().as_secs(), rss_kib(pid)));
    for listener in listeners {
        listener.abort();
    }

    let mut all = latencies.lock().map_err(|_| "poisoned")?.clone();
    all.sort_by(f64::total_cmp);
    let expected = moves as usize * clients;
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "{moves} moves in {:.0} s ({:.1}/s) to {clients} clients: {} of {expected} deliveries",
        started.elapsed().as_secs_f64(),
        moves as f64 / started.elapsed().as_secs_f64(),
        all.len()
    );
    println!(
        "commit → client: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        all.last().copied().unwrap_or(f64::NAN)
    );
    let samples: Vec<String> = rss_samples
        .iter()
        .map(|(s, kib)| format!("{s}s {:.1} MiB", *kib as f64 / 1024.0))
        .collect();
    println!("server RSS: {}", samples.join(", "));
    Ok(())
}

/// One client: records, for each deal event, milliseconds since the event's commit.
async fn listen(addr: String, session: String, latencies: Arc<Mutex<Vec<f64>>>) {
    let Ok(mut request) = format!("ws://{addr}/live").into_client_request() else {
        return;
    };
    if let Ok(cookie) = format!("pw_session={session}").parse() {
        request.headers_mut().insert("cookie", cookie);
    }
    let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
        eprintln!("a client could not connect");
        return;
    };
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        // Only the timed stream: the setup's deals were written by this process, which
        // (on SQLite) the server hears of only with its next own write.
        if value["t"] != "event" || value["kind"] != "DealMoved" {
            continue;
        }
        let Some(at) = value["at"]
            .as_str()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        else {
            continue;
        };
        let ms = (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_microseconds();
        if let (Some(us), Ok(mut all)) = (ms, latencies.lock()) {
            all.push(us as f64 / 1000.0);
        }
    }
}

async fn post(
    addr: &str,
    session: &SessionToken,
    path: &str,
    json: &str,
) -> Result<String, Failure> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: pw_session={}\r\n\
         Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{json}",
        session.expose(),
        json.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (head, body) = answer.split_once("\r\n\r\n").ok_or("no HTTP body")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("{path}: {head} {body}").into());
    }
    Ok(body.to_owned())
}

/// Resident memory of a process, from /proc (0 where unavailable).
fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}
