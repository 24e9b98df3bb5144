//! Lead inbox benchmark (driven by `bench/inbox.sh`): one workspace with N leads
//! bulk-inserted in a realistic mix (statuses, owners, sources, campaigns, ages over
//! 180 days), then the inbox's reads timed through the service: the unassigned view,
//! the counts of all seven views, a name search in "Mine", and the marketing report.
//! SQLite in a temp file; `DATABASE_URL=postgres://…` uses that database instead
//! (migrated, with a uniquely named workspace left behind). Prints percentiles in ms.
//!
//! Usage: inbox_bench [leads] [reads]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use chrono::{Duration, Utc};
use domain::{
    account::{CurrentUser, NewMember, SignUp},
    lead::InboxView,
    lead_rules::InboxFilter,
    Role,
};
use sea_orm::{sea_query::Query, ConnectionTrait, TransactionTrait, Value};
use service::{connect, migrate, Crm, CrmSettings};
use std::{future::Future, time::Instant};
use uuid::Uuid;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Rows per multi-row INSERT (23 columns: 11,500 bound values, under SQLite's limit).
const CHUNK: usize = 500;
const COLUMNS: &str = "id workspace_id status source name email phone phone_digits company domain \
    campaign disqualify_reason message owner_id qualification score submissions created_at \
    updated_at first_response_at version country snoozed_until";
const FIRST: [&str; 12] = [
    "Ana", "João", "Maria", "Pedro", "Sofia", "Lukas", "Emma", "Noah", "Olivia", "Liam", "Chloé",
    "Mateo",
];
const LAST: [&str; 15] = [
    "Silva", "Santos", "Müller", "Schmidt", "Smith", "Johnson", "Garcia", "Martin", "Rossi",
    "Costa", "Novak", "Dubois", "Kowalski", "Jensen", "Brown",
];
const COMPANIES: [&str; 10] = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Vandelay", "Soylent",
    "Tyrell",
];

/// splitmix64: a deterministic spread without a dependency.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(label: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    println!(
        "{label}: n={} p50={:.2} ms p95={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 50.0),
        percentile(&samples, 95.0),
        percentile(&samples, 99.0),
        samples[samples.len() - 1]
    );
}

/// Times `reads` calls after 10 warm-up calls (pool and page cache warm, as in a server).
async fn time<T, F, Fut>(label: &str, reads: usize, mut call: F) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, domain::AppError>>,
{
    for _ in 0..10 {
        call().await?;
    }
    let mut samples = Vec::with_capacity(reads);
    for _ in 0..reads {
        let at = Instant::now();
        call().await?;
        samples.push(at.elapsed().as_secs_f64() * 1000.0);
    }
    report(label, samples);
    Ok(())
}

/// One lead's 23 values, in the order of `COLUMNS`.
fn lead_row(workspace: Uuid, owners: &[Uuid], n: usize, rng: &mut u64) -> Vec<Value> {
    let now = Utc::now();
    let roll = next(rng) % 100;
    // 40 % new (half waiting unassigned), 20 % working, 10 % MQL, 8 % SQL,
    // 12 % disqualified, 10 % converted.
    let status = match roll {
        0..40 => "new",
        40..60 => "working",
        60..70 => "marketing_qualified",
        70..78 => "qualified",
        78..90 => "disqualified",
        _ => "converted",
    };
    let owner = (roll >= 20).then(|| owners[(next(rng) % owners.len() as u64) as usize]);
    let source = match next(rng) % 100 {
        0..45 => "web_form",
        45..60 => "import",
        60..68 => "api",
        68..78 => "manual",
        78..88 => "event",
        88..96 => "referral",
        _ => "other",
    };
    let campaign = matches!(source, "web_form" | "event" | "import")
        .then(|| format!("Campaign {:02}", next(rng) % 40));
    let (first, last) = (FIRST[n % FIRST.len()], LAST[(next(rng) % 15) as usize]);
    let company = COMPANIES[(next(rng) % 10) as usize];
    let domain = format!("{}{}.example", company.to_lowercase(), n % 2000);
    let email = format!(
        "{}.{}{n}@{domain}",
        first.to_lowercase(),
        last.to_lowercase()
    );
    let digits = format!("351{:09}", next(rng) % 1_000_000_000);
    let created = now - Duration::seconds((next(rng) % (180 * 86_400)) as i64);
    let responded = (status != "new").then(|| created + Duration::minutes(5 + (n % 600) as i64));
    let open = matches!(
        status,
        "new" | "working" | "marketing_qualified" | "qualified"
    );
    let snoozed = (open && n.is_multiple_of(50)).then(|| now + Duration::days(3));
    let country =
        (n.is_multiple_of(10)).then(|| if n.is_multiple_of(20) { "PT" } else { "DE" }.to_owned());
    vec![
        Uuid::new_v4().into(),
        workspace.into(),
        status.into(),
        source.into(),
        Some(format!("{first} {last}")).into(),
        Some(email).into(),
        Some(format!("+{digits}")).into(),
        Some(digits).into(),
        Some(format!("{company} {}", n % 2000)).into(),
        Some(domain).into(),
        campaign.into(),
        (status == "disqualified")
            .then(|| "No budget".to_owned())
            .into(),
        Some("Please call me about pricing.".to_owned()).into(),
        owner.into(),
        "{}".into(),
        ((next(rng) % 101) as i32).into(),
        1i32.into(),
        created.into(),
        created.into(),
        responded.into(),
        1i32.into(),
        country.into(),
        snoozed.into(),
    ]
}

async fn seed(crm: &Crm, workspace: Uuid, owners: &[Uuid], leads: usize) -> Result<(), Failure> {
    let mut rng = 7_u64;
    let txn = crm.db().begin().await?;
    let mut done = 0;
    while done < leads {
        let mut insert = Query::insert();
        insert.into_table("leads").columns(COLUMNS.split(' '));
        for n in done..(done + CHUNK).min(leads) {
            let row = lead_row(workspace, owners, n, &mut rng);
            insert.values(row.into_iter().map(Into::into))?;
        }
        txn.execute(&insert).await?;
        done = (done + CHUNK).min(leads);
    }
    txn.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let leads: usize = args.get(1).map_or(Ok(100_000), |a| a.parse())?;
    let reads: usize = args.get(2).map_or(Ok(300), |a| a.parse())?;
    let run = Uuid::new_v4().simple().to_string();
    let path = std::env::temp_dir().join(format!("inbox-bench-{run}.db"));
    let external = std::env::var("DATABASE_URL").ok();
    let url = external
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", path.display()));
    let db = connect(&url).await?;
    migrate(&db).await?;
    // Password hashing is not what is measured here.
    let crm = Crm::new(
        db,
        CrmSettings {
            password_memory_kib: 1024,
            ..CrmSettings::default()
        },
    );
    let workspace_name = format!("Inbox bench {}", run.chars().take(8).collect::<String>());
    let (dana, _) = crm
        .sign_up(SignUp {
            workspace_name: workspace_name.clone(),
            name: "Dana Bench".into(),
            email: format!("dana-{run}@bench.example"),
            password: "inbox bench password".into(),
        })
        .await?;
    // Dana and four reps own the assigned leads.
    let mut owners = vec![dana.user_id.0];
    for n in 1..5 {
        let member = NewMember {
            name: format!("Rep {n}"),
            email: format!("rep{n}-{run}@bench.example"),
            password: "inbox bench password".into(),
            role: Role::Rep,
        };
        owners.push(crm.create_member(Some(&workspace_name), member).await?.id.0);
    }
    let started = Instant::now();
    seed(&crm, dana.workspace_id.0, &owners, leads).await?;
    println!(
        "seeded {leads} leads in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if external.is_none() {
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let wal = path.with_extension("db-wal");
        println!(
            "SQLite file {:.1} MB (+ WAL {:.1} MB)",
            size(&path) as f64 / 1e6,
            size(&wal) as f64 / 1e6
        );
    }
    bench_reads(&crm, &dana, reads).await?;
    if external.is_none() {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
    } else {
        println!("left workspace \"{workspace_name}\" in the database");
    }
    Ok(())
}

async fn bench_reads(crm: &Crm, viewer: &CurrentUser, reads: usize) -> Result<(), Failure> {
    let all = &InboxFilter::default();
    let search = &InboxFilter {
        search: "silva".into(),
        ..InboxFilter::default()
    };
    time("inbox: New & unassigned, first page", reads, move || {
        crm.inbox(viewer, InboxView::Unassigned, all, 0)
    })
    .await?;
    time("inbox counts (7 views)", reads, move || {
        crm.inbox_counts(viewer, all)
    })
    .await?;
    time("inbox: Mine, search \"silva\"", reads, move || {
        crm.inbox(viewer, InboxView::Mine, search, 0)
    })
    .await?;
    let fewer = (reads / 10).max(1);
    time("marketing report", fewer, move || {
        crm.marketing_report(viewer)
    })
    .await?;
    Ok(())
}
