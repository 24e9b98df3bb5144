//! `pipewright`: the command-line entry point.

use app::ssr::AppState;
use clap::Parser;
use leptos::config::LeptosOptions;
use server::{
    cli::{
        BackupArgs, Cli, Command, DatabaseArgs, DemoArgs, ImportCommand, MigrateArgs, ServeArgs,
        UserCommand, UserCreateArgs, WorkspaceCommand, WorkspaceCreateArgs,
    },
    live::Stopping,
    router_with,
};
use service::{
    connect_with,
    demo::{DemoOptions, DEMO_PASSWORD},
    is_postgres, migrate, start_housekeeping, start_reminders, Crm, CrmSettings, Mailer,
};
use std::{future::IntoFuture, io::Write, net::SocketAddr, process::ExitCode};
use tracing_subscriber::EnvFilter;

type Failure = Box<dyn std::error::Error>;

/// mimalloc instead of glibc's malloc, measured (bench/README.md, issue 18): malloc and
/// free were a quarter of the CPU a deal-list page costs, and glibc's arenas kept the
/// memory of load peaks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // The log goes to standard error: standard output is what a command prints (the
    // demo's logins, an import's summary, a report), and stays clean for scripts.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .init();
    server::memory::purge_freed_pages_promptly();
    // Before anything opens a database: SQLite then allocates from mimalloc as well.
    if let Err(code) = server::memory::use_server_allocator() {
        tracing::warn!(code, "SQLite keeps the C library's allocator");
    }
    if let Err(code) = server::plans::plan_each_statement_once() {
        tracing::warn!(code, "SQLite re-plans statements per bound value");
    }
    let cli = Cli::parse();
    // What a command writes is logged as from the command line (an import as such);
    // the server's requests set their own source at the edge.
    let source = service::EventSource::new(match cli.command {
        Command::Import(_) => domain::event::Origin::Import,
        Command::Serve(_) => domain::event::Origin::System,
        _ => domain::event::Origin::Cli,
    });
    let outcome = source.scope(run(cli)).await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pipewright: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate_command(args).await,
        Command::Demo(args) => demo(args).await,
        Command::User(UserCommand::Create(args)) => create_user(args).await,
        Command::Backup(args) => backup(args).await,
        Command::Workspace(WorkspaceCommand::Create(args)) => create_workspace(args).await,
        Command::Import(ImportCommand::Deals(args)) => match open(&args.database).await {
            Ok(crm) => server::import::import_deals(&crm, &args).await,
            Err(error) => Err(error),
        },
        Command::Report(args) => match open(&args.database).await {
            Ok(crm) => server::report::report(&crm, &args).await,
            Err(error) => Err(error),
        },
    }
}

async fn migrate_command(args: MigrateArgs) -> Result<(), Failure> {
    let crm = open(&args.database).await?;
    println!("Database is up to date.");
    if args.rebuild_rollups {
        crm.rebuild_rollups().await.map_err(|e| e.message())?;
        println!("Dashboard rollups recounted.");
    }
    Ok(())
}

/// Opens and migrates the database, creating the SQLite file's folder if needed.
async fn open(args: &DatabaseArgs) -> Result<Crm, Failure> {
    open_with(args, CrmSettings::default()).await
}

/// As [`open`], with settings other than the defaults (the server's limits).
async fn open_with(args: &DatabaseArgs, settings: CrmSettings) -> Result<Crm, Failure> {
    if let Some(path) = sqlite_path(&args.database_url) {
        if let Some(folder) = std::path::Path::new(&path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)?;
        }
    }
    let db = connect_with(
        &args.database_url,
        args.sqlite_memory(),
        args.slow_statement_ms,
    )
    .await?;
    migrate(&db).await?;
    let crm = Crm::new(db, settings)
        .with_sqlite_writer(
            &args.database_url,
            args.sqlite_memory(),
            args.slow_statement_ms,
        )
        .await?;
    Ok(crm)
}

/// The file behind a `sqlite://path?…` URL.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

/// A release build with `hash-files` leaves `hash.txt` (the content hashes in the
/// asset names) beside the binary; Leptos reads it to link the right files.
fn release_is_fingerprinted() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let mailer = match args.smtp_relay.clone() {
        Some(relay) => Mailer::Smtp {
            relay,
            from: args.mail_from.clone(),
        },
        None => Mailer::Log,
    };
    let settings = CrmSettings {
        accounts_per_network_per_hour: args.accounts_per_network_per_hour,
        form_posts_per_form_per_minute: args.form_posts_per_form_per_minute,
        mailer,
        ..CrmSettings::default()
    };
    let crm = open_with(&args.database, settings).await?;
    if args.demo {
        if crm.is_empty().await? {
            seed(&crm, DemoOptions::default()).await?;
        } else {
            println!("The database already has data; the demo was not seeded again.");
        }
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("pipewright")
        .site_root(args.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .hash_files(release_is_fingerprinted())
        .build();
    let served_over_https = args
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    let state = AppState {
        leptos_options,
        trusted_proxies: app::ssr::TrustedProxies::new(args.trusted_proxies.clone()),
        crm,
        secure_cookies: args.secure_cookies || served_over_https,
        public_url: args.public_url.clone(),
    };
    start_housekeeping(&state.crm, HOUSEKEEPING_EVERY);
    start_reminders(
        &state.crm,
        std::time::Duration::from_secs(args.reminder_sweep_secs.max(1)),
    );
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    println!("Pipewright is running on http://{}", args.addr);
    let (stop, stopping) = Stopping::channel();
    let sockets = stopping.clone();
    let mut stopped = stop.subscribe();
    let server = axum::serve(
        listener,
        router_with(state, args.form_posts_per_minute, stopping)
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        println!("Stopping: no new connections; live sockets told to reconnect.");
        let _ = stop.send(true);
    });
    // On SIGTERM or Ctrl-C the server stops accepting and waits for requests in flight,
    // but never longer than SHUTDOWN_GRACE: what still runs then is abandoned (its
    // transaction rolls back) and the process exits.
    let deadline = async move {
        if stopped.wait_for(|stopping| *stopping).await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = server.into_future() => {
            served?;
            sockets.sockets_closed(SOCKETS_CLOSE_WITHIN).await;
        }
        () = deadline => eprintln!(
            "Stopped after {} s with requests still running; they were abandoned.",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    Ok(())
}

/// Longest the server waits, once requests are done, for live sockets to send their
/// close frame (the browser then reconnects at once instead of after a reset).
const SOCKETS_CLOSE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// How often ended sessions, reset links and old sign-in failures are deleted.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Longest the server waits for requests in flight once told to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}

async fn seed(crm: &Crm, options: DemoOptions) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let total = options.deals;
    let report = |done: usize| {
        if total >= 10_000 {
            eprint!("\r  {done}/{total} deals ({}%)", done * 100 / total.max(1));
        }
    };
    let demo = crm.seed_demo(options, &report).await?;
    if total >= 10_000 {
        eprintln!();
        crm.analyze().await?;
    }
    // Written, not printed: `pipewright demo | head -1` (the benchmarks) closes the pipe
    // after the first line, and a closed pipe is no reason to fail a finished seed.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Demo workspace \"{}\": {} deals, {} companies, {} contacts in {:.1}s.",
        demo.name,
        demo.deals,
        demo.companies,
        demo.contacts,
        started.elapsed().as_secs_f64()
    );
    let _ = writeln!(out, "Demo logins (password: {DEMO_PASSWORD}):");
    for login in &demo.logins {
        let _ = writeln!(out, "  {:<9} {}", login.role.label(), login.email);
    }
    Ok(())
}

async fn demo(args: DemoArgs) -> Result<(), Failure> {
    let crm = open(&args.database).await?;
    seed(
        &crm,
        DemoOptions {
            deals: args.size,
            seed: args.seed,
        },
    )
    .await
}

async fn create_user(args: UserCreateArgs) -> Result<(), Failure> {
    let role =
        domain::Role::parse(&args.role).ok_or("role must be admin, manager, rep or marketer")?;
    let crm = open(&args.database).await?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| args.email.split('@').next().unwrap_or_default().to_owned());
    let (password, generated) = match std::env::var("PIPEWRIGHT_PASSWORD") {
        Ok(password) => (password, false),
        Err(_) => (random_password(), true),
    };
    let member = crm
        .create_member(
            args.workspace.as_deref(),
            domain::account::NewMember {
                email: args.email.clone(),
                name,
                role,
                password: password.clone(),
            },
        )
        .await
        .map_err(|error| match error {
            domain::AppError::NotFound => {
                "no single workspace matches: pass --workspace with the exact workspace name"
                    .to_owned()
            }
            domain::AppError::Validation(errors) => errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.message(),
        })?;
    println!(
        "Created {} ({}) as {}.",
        member.name,
        member.email,
        member.role.label()
    );
    if generated {
        println!("Password: {password}");
    }
    Ok(())
}

async fn create_workspace(args: WorkspaceCreateArgs) -> Result<(), Failure> {
    let crm = open(&args.database).await?;
    let name = args
        .admin_name
        .clone()
        .unwrap_or_else(|| args.admin.split('@').next().unwrap_or_default().to_owned());
    let (password, generated) = match std::env::var("PIPEWRIGHT_PASSWORD") {
        Ok(password) => (password, false),
        Err(_) => (random_password(), true),
    };
    let command = domain::account::SignUp {
        workspace_name: args.name.clone(),
        name,
        email: args.admin.clone(),
        password: password.clone(),
    };
    let (admin, _) = crm.sign_up(command).await.map_err(|error| match error {
        domain::AppError::Validation(errors) => errors
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.message(),
    })?;
    println!(
        "Created workspace \"{}\" with admin {}.",
        admin.workspace_name, admin.email
    );
    if generated {
        println!("Password: {password}");
    }
    Ok(())
}

fn random_password() -> String {
    // 20 hex characters from the OS random source: 80 bits.
    use std::fmt::Write;
    let mut out = String::new();
    for byte in uuid::Uuid::new_v4().as_bytes().iter().take(10) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

async fn backup(args: BackupArgs) -> Result<(), Failure> {
    if args.file.exists() {
        return Err(format!("{} already exists; choose a new file", args.file.display()).into());
    }
    let crm = open(&args.database).await?;
    if is_postgres(crm.db()) {
        println!("PostgreSQL is backed up with its own tool. Run:");
        println!(
            "  pg_dump --format=custom --file={} '{}'",
            args.file.display(),
            args.database.database_url
        );
        return Ok(());
    }
    let target = args
        .file
        .to_str()
        .ok_or("the backup path must be valid UTF-8")?;
    service::backup_sqlite(crm.db(), target).await?;
    println!("Backed up to {}.", args.file.display());
    Ok(())
}
