//! Web-form intake benchmark (driven by `bench/forms.sh`): the real router served
//! in-process on 127.0.0.1 over a SQLite file (form rate limit off), one web form, three
//! reps in the round-robin, and C clients, each on its own keep-alive connection,
//! posting as fast as they are answered for S seconds. Each post is a new person, except
//! every 10th, which repeats an earlier e-mail (the merge path). Prints accepted posts
//! per second, latency percentiles in ms and the rows written.
//!
//! Usage: form_bench [clients] [seconds]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use app::ssr::AppState;
use domain::{
    account::{NewMember, SignUp},
    lead_form::{FormField, FormSetup},
    Role,
};
use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Statement};
use service::{connect, migrate, Crm, CrmSettings};
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What one client saw: latencies of accepted posts, and every status's count.
#[derive(Default)]
struct Seen {
    latencies: Vec<f64>,
    statuses: BTreeMap<u16, u64>,
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).map_or(Ok(8), |a| a.parse())?;
    let seconds: u64 = args.get(2).map_or(Ok(20), |a| a.parse())?;
    let path = std::env::temp_dir().join(format!("form-bench-{}.db", uuid::Uuid::new_v4()));
    let db = connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    migrate(&db).await?;
    let crm = Crm::new(
        db,
        CrmSettings {
            password_memory_kib: 1024,
            ..CrmSettings::default()
        },
    );
    let (dana, _) = crm
        .sign_up(SignUp {
            workspace_name: "Form bench".into(),
            name: "Dana Bench".into(),
            email: "dana@bench.example".into(),
            password: "form bench password".into(),
        })
        .await?;
    let form = crm
        .save_lead_form(
            &dana,
            None,
            FormSetup {
                name: "Contact us".into(),
                fields: vec![
                    FormField::Name,
                    FormField::Email,
                    FormField::Company,
                    FormField::Message,
                ],
                campaign: "Bench".into(),
                version: 0,
            },
        )
        .await?;
    for n in 1..=3 {
        let rep = NewMember {
            name: format!("Rep {n}"),
            email: format!("rep{n}@bench.example"),
            password: "form bench password".into(),
            role: Role::Rep,
        };
        crm.create_member(Some("Form bench"), rep).await?;
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("pipewright")
        .site_root("target/site")
        .build();
    let state = AppState {
        leptos_options,
        trusted_proxies: Default::default(),
        crm: crm.clone(),
        secure_cookies: false,
        public_url: None,
    };
    let router = server::router_with(state, u32::MAX, server::live::Stopping::never());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });

    let target: Arc<str> = format!("/f/{}", form.key).into();
    let numbers = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (target, numbers) = (target.clone(), numbers.clone());
        tasks.push(tokio::spawn(client(addr, target, numbers, deadline)));
    }
    let mut seen = Seen::default();
    for task in tasks {
        let one = task.await??;
        seen.latencies.extend(one.latencies);
        for (status, n) in one.statuses {
            *seen.statuses.entry(status).or_default() += n;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let posts = numbers.load(Ordering::Relaxed);
    let accepted = seen.latencies.len();
    println!(
        "{clients} clients, {elapsed:.1} s: {posts} posts, statuses {:?}",
        seen.statuses
    );
    println!(
        "accepted (201): {accepted}, {:.1} posts/s",
        accepted as f64 / elapsed
    );
    let mut samples = seen.latencies;
    samples.sort_by(f64::total_cmp);
    if let Some(max) = samples.last() {
        println!(
            "latency of accepted posts: p50={:.2} ms p95={:.2} ms p99={:.2} ms max={max:.2} ms",
            percentile(&samples, 50.0),
            percentile(&samples, 95.0),
            percentile(&samples, 99.0),
        );
    }
    let backend = crm.db().get_database_backend();
    for table in ["leads", "lead_submissions"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = crm
            .db()
            .query_one_raw(Statement::from_string(backend, sql))
            .await?;
        let n: i64 = row.ok_or("no count")?.try_get("", "n")?;
        println!("{table}: {n} rows");
    }
    println!(
        "(expected leads: {} new people, the rest merged)",
        posts - posts / 10
    );
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
    Ok(())
}

/// Posts until the deadline on one keep-alive connection.
async fn client(
    addr: SocketAddr,
    target: Arc<str>,
    numbers: Arc<AtomicU64>,
    deadline: Instant,
) -> Result<Seen, Failure> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(8192);
    let mut seen = Seen::default();
    while Instant::now() < deadline {
        let n = numbers.fetch_add(1, Ordering::Relaxed);
        // Every 10th post repeats the e-mail of an earlier, first-time post.
        let person = match n % 10 {
            9 if (n / 2) % 10 == 9 => n / 2 - 1,
            9 => n / 2,
            _ => n,
        };
        let body = format!(
            "name=Bench+Person+{person}&email=person{person}%40bench.example&company=Co+{person}&message=hello"
        );
        let request = format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let at = Instant::now();
        stream.write_all(request.as_bytes()).await?;
        let status = read_response(&mut stream, &mut buf).await?;
        if status == 201 {
            seen.latencies.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        *seen.statuses.entry(status).or_default() += 1;
    }
    Ok(seen)
}

/// Reads one response (Content-Length or chunked body) and returns its status.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<u16, Failure> {
    let head_end = fill_until(stream, buf, b"\r\n\r\n").await? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end);
    let status: u16 = head.split(' ').nth(1).ok_or("no status line")?.parse()?;
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_ascii_lowercase())
        })
    };
    if let Some(length) = header("content-length") {
        skip(stream, buf, length.parse()?).await?;
    } else if header("transfer-encoding").is_some_and(|te| te.contains("chunked")) {
        loop {
            let line_end = fill_until(stream, buf, b"\r\n").await?;
            let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
            buf.drain(..line_end + 2);
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)?;
            skip(stream, buf, size + 2).await?;
            if size == 0 {
                break;
            }
        }
    } else {
        return Err("response without a length".into());
    }
    Ok(status)
}

/// Reads until `marker` is buffered; returns where it starts.
async fn fill_until(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    marker: &[u8],
) -> Result<usize, Failure> {
    loop {
        if let Some(at) = buf.windows(marker.len()).position(|w| w == marker) {
            return Ok(at);
        }
        if stream.read_buf(buf).await? == 0 {
            return Err("connection closed".into());
        }
    }
}

/// Reads and drops `n` bytes.
async fn skip(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> Result<(), Failure> {
    while buf.len() < n {
        if stream.read_buf(buf).await? == 0 {
            return Err("connection closed".into());
        }
    }
    buf.drain(..n);
    Ok(())
}
