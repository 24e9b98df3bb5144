//! Command-line interface: serve, migrate, demo, user, backup.

use clap::{Args, Parser, Subcommand};
use std::{net::SocketAddr, path::PathBuf};

/// The default embedded database: a SQLite file under ./data, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/pipewright.db?mode=rwc";

/// Pipewright: the sales pipeline CRM.
#[derive(Debug, Parser)]
#[command(name = "pipewright", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DatabaseArgs {
    /// sqlite://path?mode=rwc (embedded, the default) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// SQLite's page cache per pooled connection, in MiB (8 connections). Reads past it
    /// copy pages from the operating system's file cache.
    #[arg(long, env = "PIPEWRIGHT_SQLITE_CACHE_MIB", default_value_t = service::SQLITE_CACHE_MIB,
        value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub sqlite_cache_mib: u32,
    /// SQLite's memory in all, in MiB: every connection's cache and statements. Past
    /// it the caches recycle their least recently used pages instead of growing.
    #[arg(long, env = "PIPEWRIGHT_SQLITE_HEAP_MIB", default_value_t = service::SQLITE_HEAP_MIB,
        value_parser = clap::value_parser!(u32).range(4..=65536))]
    pub sqlite_heap_mib: u32,
    /// How much of the SQLite file is read through a memory map, in MiB (0, the default,
    /// turns it off). Mapped pages are shared by the connections and count in the
    /// server's resident memory once read; reads measured no faster with it.
    #[arg(long, env = "PIPEWRIGHT_SQLITE_MAP_MIB", default_value_t = service::SQLITE_MAP_MIB,
        value_parser = clap::value_parser!(u32).range(0..=65536))]
    pub sqlite_map_mib: u32,
    /// Statements slower than this many milliseconds are logged as warnings, with their
    /// SQL but never their values: where to look when a page gets slow.
    #[arg(long, env = "PIPEWRIGHT_SLOW_STATEMENT_MS", default_value_t = service::SLOW_STATEMENT_MS,
        value_parser = clap::value_parser!(u32).range(1..=600_000))]
    pub slow_statement_ms: u32,
}

impl DatabaseArgs {
    /// SQLite's memory settings.
    pub fn sqlite_memory(&self) -> service::SqliteMemory {
        service::SqliteMemory {
            cache_mib: self.sqlite_cache_mib,
            heap_mib: self.sqlite_heap_mib,
            map_mib: self.sqlite_map_mib,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(MigrateArgs),
    /// Create a demo workspace full of realistic deals (also the benchmark data generator).
    Demo(DemoArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Back up the database to a file (SQLite), or print the pg_dump command (PostgreSQL).
    Backup(BackupArgs),
    /// Create a workspace with its first admin.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Load records from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print every dashboard figure for a period (docs/METRICS.md names them).
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Also recount the dashboard's rollups from the deals and their history (a repair;
    /// the database keeps them up to date on every write).
    #[arg(long)]
    pub rebuild_rollups: bool,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// A new workspace and its admin. The password comes from PIPEWRIGHT_PASSWORD or is generated and printed.
    Create(WorkspaceCreateArgs),
}

#[derive(Debug, Args)]
pub struct WorkspaceCreateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Workspace name.
    pub name: String,
    /// The admin's e-mail address.
    #[arg(long)]
    pub admin: String,
    /// The admin's display name; defaults to the part of the e-mail before the @.
    #[arg(long)]
    pub admin_name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Deals from a CSV file with a header row.
    Deals(ImportDealsArgs),
}

#[derive(Debug, Args)]
pub struct ImportDealsArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The CSV file (UTF-8, comma-separated, first row names the columns).
    pub file: PathBuf,
    /// Workspace name; may be left out when there is only one.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Pipeline name; defaults to the workspace's first pipeline.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// field=column (repeatable). Fields: title, value, currency, stage, outcome, owner,
    /// company, created, closed, expected_close, lost_reason, source. The title may join
    /// several columns: title=product,account. Columns named like a field map themselves.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub maps: Vec<String>,
    /// Create stages (and the pipeline) the file names but the workspace lacks, instead
    /// of refusing those rows.
    #[arg(long)]
    pub create_stages: bool,
    /// With --create-stages: stages to create first, in this order (comma-separated);
    /// others follow in the order the file first names them.
    #[arg(long, value_delimiter = ',', requires = "create_stages")]
    pub stages: Vec<String>,
    /// Currency of rows without one (default: the workspace's).
    #[arg(long)]
    pub currency: Option<String>,
    /// Read 03/04/2017 as 3 April (default: March 4).
    #[arg(long)]
    pub day_first: bool,
    /// Check every row and report what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows even when some are refused (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Workspace name; may be left out when there is only one.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Pipeline name; defaults to the workspace's first pipeline.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// Only this owner's deals (display name).
    #[arg(long)]
    pub owner: Option<String>,
    /// Only the deals of this sales team's members (team name).
    #[arg(long)]
    pub team: Option<String>,
    /// First day of the period (YYYY-MM-DD); default: the current quarter.
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD), included.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// Print JSON (the only format for now; kept explicit for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PIPEWRIGHT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Seed a demo workspace if the database is empty, and print its logins.
    #[arg(long)]
    pub demo: bool,
    /// Folder with the built site (pkg/ with WASM, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Mark the session cookie Secure; implied by an https --public-url.
    #[arg(long, env = "PIPEWRIGHT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The address people use, e.g. https://crm.acme.com (for invitation and reset links;
    /// https also means Secure `__Host-` cookies and HSTS).
    #[arg(long, env = "PIPEWRIGHT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP relay (host:port) for reminders and password-reset links; without one they are
    /// only logged (an admin can then hand out reset links from Settings → Users).
    #[arg(long, env = "PIPEWRIGHT_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// Sender address of reminders and reset links.
    #[arg(
        long,
        env = "PIPEWRIGHT_MAIL_FROM",
        default_value = "pipewright@localhost"
    )]
    pub mail_from: String,
    /// Seconds between sweeps for activities coming due (tests shorten it).
    #[arg(long, env = "PIPEWRIGHT_REMINDER_SWEEP_SECS", default_value_t = 60)]
    pub reminder_sweep_secs: u64,
    /// A reverse proxy (address or CIDR range, repeatable) whose X-Forwarded-For or
    /// Forwarded header names the client. Without it those headers are ignored: rate
    /// limits count the connection's address.
    #[arg(
        long = "trusted-proxy",
        env = "PIPEWRIGHT_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<app::ssr::Cidr>,
    /// Accounts (sign-ups and accepted invitations) one network may create per hour.
    #[arg(long, env = "PIPEWRIGHT_ACCOUNTS_PER_NETWORK_PER_HOUR",
        default_value_t = service::ACCOUNTS_PER_NETWORK_PER_HOUR,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub accounts_per_network_per_hour: u32,
    /// Web-form posts one network (an IPv4 address, an IPv6 /64) may send per minute.
    #[arg(long, env = "PIPEWRIGHT_FORM_POSTS_PER_MINUTE", default_value_t = crate::forms::FORM_POSTS_PER_MINUTE)]
    pub form_posts_per_minute: u32,
    /// Posts one web form takes per minute from everyone together.
    #[arg(long, env = "PIPEWRIGHT_FORM_POSTS_PER_FORM_PER_MINUTE", default_value_t = service::FORM_POSTS_PER_FORM_PER_MINUTE)]
    pub form_posts_per_form_per_minute: u32,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Number of deals to generate.
    #[arg(long, default_value_t = 400)]
    pub size: usize,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account in a workspace. The password comes from PIPEWRIGHT_PASSWORD or is generated and printed.
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// E-mail address (the sign-in name).
    #[arg(long)]
    pub email: String,
    /// admin, manager, rep or marketer.
    #[arg(long)]
    pub role: String,
    /// Display name; defaults to the part of the e-mail before the @.
    #[arg(long)]
    pub name: Option<String>,
    /// Workspace name; may be left out when there is only one.
    #[arg(long)]
    pub workspace: Option<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// File to write; must not exist yet.
    pub file: PathBuf,
}
