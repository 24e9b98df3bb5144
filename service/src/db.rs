//! Connecting, migrating, and the one transaction shape every write uses.

use crate::{event_log::EventBus, migration::Migrator, write::Lock};
use domain::AppError;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// A statement that runs longer is logged as a warning, unless the server is told
/// otherwise (see `connect_with`).
pub const SLOW_STATEMENT_MS: u32 = 500;

/// Password hashes computed at once: 19 MiB each, so at most ~76 MiB in flight.
const PASSWORD_WORKERS: usize = 4;

/// Posts one web form takes per minute unless configured: a busy site's form gets a
/// post a second; a script looping on one form stops here whatever addresses it uses.
pub const FORM_POSTS_PER_FORM_PER_MINUTE: u32 = 60;

/// Knobs that differ between deployments.
#[derive(Debug, Clone)]
pub struct CrmSettings {
    /// Argon2id memory cost in KiB. OWASP's minimum for argon2id is 19 MiB; tests lower it.
    pub password_memory_kib: u32,
    /// Accounts one network may create per hour (sign-ups and accepted invitations).
    pub accounts_per_network_per_hour: u32,
    /// Where reminders and password-reset links go.
    pub mailer: crate::Mailer,
    /// Posts one web form takes per minute, from everyone together.
    pub form_posts_per_form_per_minute: u32,
}

impl Default for CrmSettings {
    fn default() -> Self {
        CrmSettings {
            password_memory_kib: 19 * 1024,
            accounts_per_network_per_hour: crate::throttle::ACCOUNTS_PER_NETWORK_PER_HOUR,
            mailer: crate::Mailer::Log,
            form_posts_per_form_per_minute: FORM_POSTS_PER_FORM_PER_MINUTE,
        }
    }
}

/// The service layer's handle: the connection pool, the live event bus and settings.
/// Cheap to clone; one per process, shared through axum state and Leptos context.
#[derive(Clone)]
pub struct Crm {
    pub(crate) db: DatabaseConnection,
    pub(crate) events: EventBus,
    pub(crate) settings: CrmSettings,
    /// A hash of a random secret, verified against when an e-mail is unknown.
    pub(crate) decoy_hash: std::sync::Arc<str>,
    /// Bounds concurrent password hashing (memory- and CPU-hard on purpose).
    pub(crate) password_work: std::sync::Arc<tokio::sync::Semaphore>,
    /// New accounts' hashing takes one of these first: one fewer than `password_work`,
    /// so sign-in always finds a free slot.
    pub(crate) new_account_work: std::sync::Arc<tokio::sync::Semaphore>,
    /// Accounts created per network (sign-ups and accepted invitations).
    pub(crate) new_accounts: std::sync::Arc<crate::throttle::NetworkLimiter>,
    /// Password-reset links asked for per network: each sends an e-mail.
    pub(crate) reset_requests: std::sync::Arc<crate::throttle::NetworkLimiter>,
    /// Posts per web form, from every address together.
    pub(crate) form_posts: std::sync::Arc<crate::throttle::NetworkLimiter>,
    /// The queue for SQLite's one writer, committing in batches (see `Crm::write`).
    pub(crate) writes: std::sync::Arc<crate::write::WriteQueue>,
    /// Where SQLite's write batches run: the pool itself, or one connection of its own
    /// ([`Crm::with_sqlite_writer`]).
    pub(crate) writer: DatabaseConnection,
    /// The busiest reads' answers, kept while nothing is written (see `fresh`).
    pub(crate) kept: std::sync::Arc<crate::fresh::Kept>,
}

impl Crm {
    /// Wraps an open, migrated connection.
    pub fn new(db: DatabaseConnection, settings: CrmSettings) -> Self {
        let accounts_per_hour = settings.accounts_per_network_per_hour;
        let posts_per_form = settings.form_posts_per_form_per_minute;
        let decoy_hash = crate::secrets::decoy_hash(settings.password_memory_kib).into();
        Crm {
            writer: db.clone(),
            db,
            events: EventBus::new(),
            settings,
            decoy_hash,
            password_work: std::sync::Arc::new(tokio::sync::Semaphore::new(PASSWORD_WORKERS)),
            new_account_work: std::sync::Arc::new(tokio::sync::Semaphore::new(
                PASSWORD_WORKERS - 1,
            )),
            new_accounts: std::sync::Arc::new(crate::throttle::NetworkLimiter::per_hour(
                accounts_per_hour,
            )),
            reset_requests: std::sync::Arc::new(crate::throttle::NetworkLimiter::per_hour(
                accounts_per_hour,
            )),
            form_posts: std::sync::Arc::new(crate::throttle::NetworkLimiter::per_minute(
                posts_per_form,
            )),
            writes: std::sync::Arc::default(),
            kept: std::sync::Arc::default(),
        }
    }

    /// On SQLite, runs the write batches on a connection of their own to `url` (the
    /// file the pool reads; see [`connect_writer`]) instead of on whichever pooled
    /// connection is free; reads keep the pool. PostgreSQL is left as it is.
    ///
    /// # Errors
    /// The writer's connection cannot be opened.
    pub async fn with_sqlite_writer(
        mut self,
        url: &str,
        memory: SqliteMemory,
        slow_ms: u32,
    ) -> Result<Self, DbErr> {
        // An in-memory database lives in its pool: another pool would open another one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !is_postgres(&self.db) && !in_memory {
            self.writer = connect_writer(url, memory, slow_ms).await?;
        }
        Ok(self)
    }

    /// The settings it was made with (the mailer, the limits).
    pub fn settings(&self) -> &CrmSettings {
        &self.settings
    }

    /// The connection pool, for the CLI's backup and for tests.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Subscribes to committed events of every workspace (the live channel filters).
    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// Refreshes the query planner's statistics: worth it after loading many rows (an
    /// import, a demo seed), so the dashboard's grouped queries pick their indexes.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn analyze(&self) -> Result<(), AppError> {
        use sea_orm::ConnectionTrait;
        self.db.execute_unprepared("ANALYZE").await.or_internal()?;
        Ok(())
    }

    /// Recounts the dashboard's rollups from the deals and their stage history, in one
    /// transaction; the triggers keep them between rebuilds, this is the repair. Deal
    /// writes wait while it runs.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub async fn rebuild_rollups(&self) -> Result<(), AppError> {
        use sea_orm::ConnectionTrait;
        let backend = self.db.get_database_backend();
        self.write(Lock::EveryWorkspace, async |txn| {
            for statement in crate::migration::rebuild_rollups(backend) {
                txn.execute_unprepared(&statement).await.or_internal()?;
            }
            // Everything is counted now, a paused workspace's too.
            txn.execute_unprepared("DELETE FROM rollups_paused")
                .await
                .or_internal()?;
            Ok(())
        })
        .await
    }
}

/// SQLite's page cache per connection, in MiB, unless the server is told otherwise:
/// the 8 readers and the writer would stop at 72 MiB, but `SQLITE_HEAP_MIB` caps them
/// all first. Past the cache, reads copy pages from the operating system's file cache.
/// At 1,000,000 deals 2 MiB kept the server at 140 MiB resident instead of 180 but
/// served pages about 10 % slower (bench/README.md).
pub const SQLITE_CACHE_MIB: u32 = 8;

/// How much of the SQLite file is read through a memory map, in MiB, unless the server
/// is told otherwise: none. Mapped pages count in the server's resident memory once
/// read (250 MiB of its 430 after load at 1,000,000 deals), and reading through the
/// connections' caches instead measured the same speed at 10,000 and 1,000,000 deals
/// (bench/README.md). A server with memory to spare may map the file.
pub const SQLITE_MAP_MIB: u32 = 0;

/// SQLite's memory in all, for the whole server, in MiB, unless the server is told
/// otherwise: page caches and prepared statements of every connection. Past it SQLite
/// recycles the least recently used cached pages (one cache shared by the connections)
/// instead of growing. A soft limit: a statement that needs more still gets it.
pub const SQLITE_HEAP_MIB: u32 = 48;

/// SQLite's memory: page cache per connection, its total, and the file's memory map.
#[derive(Debug, Clone, Copy)]
pub struct SqliteMemory {
    pub cache_mib: u32,
    pub heap_mib: u32,
    pub map_mib: u32,
}

impl Default for SqliteMemory {
    fn default() -> Self {
        SqliteMemory {
            cache_mib: SQLITE_CACHE_MIB,
            heap_mib: SQLITE_HEAP_MIB,
            map_mib: SQLITE_MAP_MIB,
        }
    }
}

/// Opens a pool for `url` (`sqlite://path?mode=rwc` or `postgres://…`).
///
/// # Errors
/// The database cannot be reached or opened.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, SqliteMemory::default(), SLOW_STATEMENT_MS).await
}

/// Opens a pool for `url` with `memory` for SQLite (ignored for PostgreSQL); statements
/// slower than `slow_ms` milliseconds are logged.
///
/// # Errors
/// The database cannot be reached or opened.
pub async fn connect_with(
    url: &str,
    memory: SqliteMemory,
    slow_ms: u32,
) -> Result<DatabaseConnection, DbErr> {
    open_pool(url, memory, slow_ms, SQLITE_READERS).await
}

/// SQLite's writer: one connection, kept open, on which every write batch runs
/// ([`Crm::with_sqlite_writer`]). Its page cache stays warm: in WAL mode a connection drops
/// its whole cache when it finds that another connection wrote since its last
/// transaction, so batches that ran on whichever pooled connection was free read back
/// from the file the pages the previous batch had just written.
///
/// # Errors
/// The database cannot be opened.
async fn connect_writer(
    url: &str,
    memory: SqliteMemory,
    slow_ms: u32,
) -> Result<DatabaseConnection, DbErr> {
    open_pool(url, memory, slow_ms, 1).await
}

/// Connections in the SQLite pool that serves reads (and writes, without a writer).
const SQLITE_READERS: u32 = 8;

async fn open_pool(
    url: &str,
    memory: SqliteMemory,
    slow_ms: u32,
    sqlite_connections: u32,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // A negative cache_size is in KiB.
        let cache_kib = format!("-{}", u64::from(memory.cache_mib) * 1024);
        let map_bytes = (u64::from(memory.map_mib) * 1024 * 1024).to_string();
        // Process-wide in SQLite: every connection sets the same value.
        let heap_bytes = (u64::from(memory.heap_mib) * 1024 * 1024).to_string();
        // WAL lets readers run beside the one writer. Writers queue in the process
        // (`Crm::write`); the timeout only covers a writer from outside it (the CLI).
        options
            .max_connections(sqlite_connections)
            .min_connections(1)
            .map_sqlx_sqlite_opts(move |opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .create_if_missing(true)
                    .pragma("mmap_size", map_bytes.clone())
                    .pragma("cache_size", cache_kib.clone())
                    .pragma("soft_heap_limit", heap_bytes.clone())
            });
    } else {
        options.max_connections(16);
    }
    let mut db = Database::connect(options).await?;
    let slow = Duration::from_millis(u64::from(slow_ms));
    db.set_metric_callback(move |run| {
        if run.elapsed >= slow {
            log_slow(run);
        }
    });
    Ok(db)
}

/// Longest part of a slow statement's SQL that is logged: enough to know which one it
/// is; a bulk insert of a thousand rows would otherwise log 50 KB of placeholders.
const SLOW_SQL_SHOWN: usize = 300;

/// Logs a statement that ran longer than the threshold: its time and the start of its
/// SQL, whitespace collapsed. Never its values: they are the customers' data.
fn log_slow(run: &sea_orm::metric::Info<'_>) {
    let sql = run
        .statement
        .sql
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut shown: String = sql.chars().take(SLOW_SQL_SHOWN).collect();
    if shown.len() < sql.len() {
        shown.push_str(" …");
    }
    tracing::warn!(
        elapsed_ms = u64::try_from(run.elapsed.as_millis()).unwrap_or(u64::MAX),
        failed = run.failed,
        "slow statement: {shown}"
    );
}

/// Applies every pending migration.
///
/// # Errors
/// A migration failed: on SQLite none of the pending ones is applied; on PostgreSQL the
/// database is left at the last one that succeeded.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if is_postgres(db) {
        // PostgreSQL runs each migration in its own transaction already.
        return Migrator::up(db, None).await;
    }
    // On SQLite the migrator would run each statement on whichever pooled connection is
    // free. A connection whose last read was not reset still holds the schema from
    // before a DROP TRIGGER on another connection, and its CREATE TRIGGER then fails
    // with "already exists" (seen in the test suites, now and then, under load). One
    // transaction pins every statement to one connection and applies all or nothing.
    let txn = db.begin().await?;
    let pending = Migrator::get_pending_migrations(&txn).await?.len();
    Migrator::up(&txn, None).await?;
    if pending > 0 {
        refresh_statistics(&txn).await?;
    }
    txn.commit().await
}

/// After a migration on a database whose statistics were gathered (`Crm::analyze`
/// after a seed or an import), gathers them for each index that has none: a new index
/// without statistics looks to SQLite far more selective than the measured ones (the
/// lead indexes of migration 23 took the inbox's counts off their covering index: 83
/// to 38 pages a second at 1,000,000 deals). Only the new indexes are read, in full
/// (a few seconds at 1,000,000 deals, where a whole ANALYZE takes 24 s); a sampled
/// ANALYZE of everything was tried and guessed a workspace holds 1,001 deals, which
/// turned the marketing report's lookups by id into scans. Tables never analyzed are
/// left so: statistics of a nearly empty table would mislead later.
async fn refresh_statistics<C: sea_orm::ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    let analyzed = conn
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'",
        ))
        .await?
        .is_some();
    if !analyzed {
        return Ok(());
    }
    let unmeasured = conn
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN (SELECT tbl FROM sqlite_stat1) \
             AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)",
        ))
        .await?;
    for row in unmeasured {
        let name: String = row.try_get_by_index(0)?;
        // A name from the schema, quoted as an identifier.
        conn.execute_unprepared(&format!("ANALYZE \"{}\"", name.replace('"', "\"\"")))
            .await?;
    }
    Ok(())
}

/// True when the pool talks to PostgreSQL.
pub fn is_postgres(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Logs a database error in full and hands the caller a detail-free `Internal`.
pub(crate) trait OrInternal<T> {
    fn or_internal(self) -> Result<T, AppError>;
}

impl<T> OrInternal<T> for Result<T, DbErr> {
    fn or_internal(self) -> Result<T, AppError> {
        self.map_err(|err| {
            tracing::error!(error = %err, "database operation failed");
            AppError::Internal
        })
    }
}

/// Writes a consistent copy of a live SQLite database to `target` (VACUUM INTO).
///
/// # Errors
/// The file cannot be written, or the database is not SQLite.
pub async fn backup_sqlite(db: &DatabaseConnection, target: &str) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(DbErr::Custom("VACUUM INTO is SQLite only".into()));
    }
    // VACUUM INTO takes no bound parameters; quote the path as an SQL string literal.
    let quoted = target.replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await?;
    Ok(())
}

/// Display names of rows by id, in one query: `name` picks (id, name) from a row.
pub(crate) async fn names_by_id<E, C>(
    conn: &C,
    id_column: E::Column,
    ids: impl IntoIterator<Item = uuid::Uuid>,
    name: fn(E::Model) -> (uuid::Uuid, String),
) -> Result<std::collections::HashMap<uuid::Uuid, String>, AppError>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let ids: std::collections::HashSet<uuid::Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(E::find()
        .filter(id_column.is_in(ids))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(name)
        .collect())
}

/// The display name of one row of the viewer's workspace, if it is there.
pub(crate) async fn name_in_workspace<E, C>(
    conn: &C,
    (id_column, id): (E::Column, uuid::Uuid),
    (workspace_column, workspace): (E::Column, uuid::Uuid),
    name: fn(E::Model) -> String,
) -> Result<Option<String>, AppError>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(E::find()
        .filter(id_column.eq(id))
        .filter(workspace_column.eq(workspace))
        .one(conn)
        .await
        .or_internal()?
        .map(name))
}

/// An edit based on version `based_on` of the record `subject` ("company:<id>") must
/// find it still at that version; otherwise it is refused naming who changed it last,
/// so nothing is overwritten silently.
pub(crate) async fn require_current<C: sea_orm::ConnectionTrait>(
    conn: &C,
    (workspace, subject): (domain::WorkspaceId, domain::event::Subject),
    (current, based_on): (i32, i32),
    what: &str,
) -> Result<(), AppError> {
    use crate::entity::{event, user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    if current == based_on {
        return Ok(());
    }
    let last = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(workspace.0))
        .filter(event::Column::Subject.eq(subject))
        .order_by_desc(event::Column::Id)
        .one(conn)
        .await
        .or_internal()?;
    let who = match last.and_then(|e| e.actor_id) {
        Some(actor) => user::Entity::find_by_id(actor)
            .one(conn)
            .await
            .or_internal()?
            .map(|u| u.name),
        None => None,
    };
    let who = who.unwrap_or_else(|| "Someone".to_owned());
    Err(AppError::Conflict(format!(
        "{who} changed this {what} since you opened it. Reload to see their change, then make yours again."
    )))
}

/// A write based on `based_on` must find the row still at that version.
pub(crate) fn require_version(current: i32, based_on: i32, what: &str) -> Result<(), AppError> {
    if current == based_on {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Someone changed this {what} since you opened it. Reload to see the change."
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test stops on a broken assumption
    use super::*;
    use crate::raw::{get, rows, Sql};

    async fn pragma(db: &DatabaseConnection, name: &str) -> i64 {
        let found = rows(db, Sql::new(&format!("PRAGMA {name}"))).await.unwrap();
        get::<i64>(&found[0], 0).unwrap()
    }

    /// The memory settings reach SQLite, each different from SQLite's default: the
    /// cache per connection in KiB (negative), the process-wide soft limit and the
    /// memory map in bytes.
    #[tokio::test]
    async fn sqlite_memory_settings_reach_the_connections() {
        let path =
            std::env::temp_dir().join(format!("pipewright-memory-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let memory = SqliteMemory {
            cache_mib: 3,
            heap_mib: 20,
            map_mib: 1,
        };
        let db = connect_with(&url, memory, SLOW_STATEMENT_MS).await.unwrap();
        assert_eq!(pragma(&db, "cache_size").await, -3 * 1024);
        assert_eq!(pragma(&db, "soft_heap_limit").await, 20 * 1024 * 1024);
        assert_eq!(pragma(&db, "mmap_size").await, 1024 * 1024);
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
