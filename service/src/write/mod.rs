//! The one write path. Every command runs inside [`Crm::write`]: it opens the
//! transaction (on SQLite a savepoint in the one writer's batch; on PostgreSQL a
//! transaction with the lock the command asks for), runs the command, commits, then
//! publishes the events the command appended. Nothing else
//! in the service begins a write transaction or appends to the event log: the only way
//! to append is [`Write::append`], and only `Crm::write` makes a [`Write`].

mod batch;

pub use batch::WriteCounts;
pub(crate) use batch::WriteQueue;

use crate::{db::OrInternal, entity::event, event_log::Change, Crm};
use chrono::Utc;
use domain::{event::Event, AppError, WorkspaceId};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    ExecResult, QueryResult, Set, Statement, TransactionTrait,
};
use std::sync::Mutex;

/// What a write locks on PostgreSQL before its first step (SQLite's IMMEDIATE
/// transaction already makes writers take turns).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lock {
    /// Row locks only: the command locks what it reads for update.
    Rows,
    /// The workspace's rollup lock, the one the rollup triggers take: writes to deals
    /// or their stage history queue here before locking any row, so they never
    /// deadlock on each other's deal or rollup rows.
    Deals(WorkspaceId),
    /// The workspace row itself: member changes (never zero admins) and lead capture
    /// (never two open leads for one person) are decided one at a time.
    Workspace(WorkspaceId),
    /// Every workspace's rollup lock, in one order: the rollup rebuild, which no deal
    /// write of any workspace may interleave with.
    EveryWorkspace,
}

/// A write in progress: the transaction and the events appended to it so far.
pub(crate) struct Write {
    txn: DatabaseTransaction,
    appended: Mutex<Vec<Event>>,
}

impl Write {
    /// Appends one event in this transaction and returns it with its id; it is
    /// published once the transaction commits. Append last: on PostgreSQL the first
    /// append takes the workspace's event-order lock, held until commit.
    pub(crate) async fn append(&self, change: Change) -> Result<Event, AppError> {
        let event = append(&self.txn, change).await?;
        self.appended
            .lock()
            .map_err(|_| AppError::Internal)?
            .push(event.clone());
        Ok(event)
    }

    /// Appends one event per row of a bulk write (an import's deals), a few hundred rows
    /// per statement, then `summary` as [`Write::append`] does. Only the summary is
    /// published: the bus says which workspace has news, and the live feed reads every
    /// row back from the log. Taking the summary here is what makes sure the feed wakes.
    pub(crate) async fn append_rows(
        &self,
        rows: Vec<Change>,
        summary: Change,
    ) -> Result<Event, AppError> {
        // Nine columns a row, far below SQLite's 32,766 bound parameters.
        const ROWS_PER_STATEMENT: usize = 500;
        serialize_workspace_events(&self.txn, summary.workspace_id).await?;
        let at = Utc::now();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<event::ActiveModel> = rows
                .by_ref()
                .take(ROWS_PER_STATEMENT)
                .map(|change| new_row(&change, at))
                .collect();
            event::Entity::insert_many(chunk)
                .exec(&self.txn)
                .await
                .or_internal()?;
        }
        self.append(summary).await
    }
}

impl Crm {
    /// Runs `command` as one transaction: begin, lock, command, commit, publish.
    ///
    /// # Errors
    /// The command's error (nothing is written then), or `Internal` when the database
    /// fails.
    pub(crate) async fn write<T>(
        &self,
        lock: Lock,
        command: impl AsyncFnOnce(&Write) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        if self.db.get_database_backend() == DbBackend::Sqlite {
            self.write_in_batch(command).await
        } else {
            self.write_alone(lock, command).await
        }
    }

    /// PostgreSQL: the command in a transaction of its own, under its lock.
    async fn write_alone<T>(
        &self,
        lock: Lock,
        command: impl AsyncFnOnce(&Write) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        // PostgreSQL writes run side by side under their locks.
        let txn = self.db.begin().await.or_internal()?;
        take_lock(&txn, lock).await?;
        let write = Write {
            txn,
            appended: Mutex::new(Vec::new()),
        };
        let value = command(&write).await?;
        let Write { txn, appended } = write;
        let events = appended.into_inner().map_err(|_| AppError::Internal)?;
        let counted = self.writes.written.counting();
        txn.commit().await.or_internal()?;
        drop(counted);
        self.events.publish(events);
        Ok(value)
    }

    /// On SQLite, how many commands were written in how many commits (the batches of
    /// group commit); zero on PostgreSQL, which commits each on its own.
    pub fn write_counts(&self) -> WriteCounts {
        self.writes.counts()
    }

    /// SQLite: the command runs in its own savepoint of a batch that commits several
    /// writers' commands at once (see [`batch`]); it is answered once the batch is
    /// committed, or at once when it was refused (nothing of it is kept).
    async fn write_in_batch<T>(
        &self,
        command: impl AsyncFnOnce(&Write) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut turn = self.writes.turn().await;
        let write = Write {
            txn: turn.savepoint(&self.writer).await?,
            appended: Mutex::new(Vec::new()),
        };
        let outcome = command(&write).await;
        let Write { txn, appended } = write;
        let kept = match (&outcome, appended.into_inner()) {
            (Ok(_), Ok(events)) => Some(events),
            _ => None,
        };
        let refused = kept.is_none();
        let commit = turn.finish(txn, kept, &self.events).await;
        if refused {
            return outcome.and(Err(AppError::Internal));
        }
        if commit.wait(&self.writes, &self.events).await {
            outcome
        } else {
            Err(AppError::Internal)
        }
    }
}

async fn take_lock(txn: &DatabaseTransaction, lock: Lock) -> Result<(), AppError> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (sql, workspace) = match lock {
        Lock::Rows => return Ok(()),
        Lock::EveryWorkspace => {
            txn.execute_unprepared(
                "LOCK TABLE workspaces IN SHARE MODE; \
                 SELECT pg_advisory_xact_lock(hashtext('rollups:' || w.id::text)) \
                 FROM (SELECT id FROM workspaces ORDER BY id) w",
            )
            .await
            .or_internal()?;
            return Ok(());
        }
        Lock::Deals(workspace) => (
            "SELECT pg_advisory_xact_lock(hashtext('rollups:' || $1::text))",
            workspace,
        ),
        Lock::Workspace(workspace) => (
            "SELECT id FROM workspaces WHERE id = $1 FOR UPDATE",
            workspace,
        ),
    };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [workspace.0.into()],
    ))
    .await
    .or_internal()?;
    Ok(())
}

/// Appends one event in the caller's transaction and returns it with its id.
async fn append<C: ConnectionTrait>(conn: &C, change: Change) -> Result<Event, AppError> {
    serialize_workspace_events(conn, change.workspace_id).await?;
    let at = Utc::now();
    let row = new_row(&change, at).insert(conn).await.or_internal()?;
    Ok(Event {
        id: row.id,
        workspace_id: change.workspace_id,
        actor: change.actor,
        subject: change.subject,
        payload: change.payload,
        at,
    })
}

/// The log row for a change, in the current payload format.
fn new_row(change: &Change, at: chrono::DateTime<Utc>) -> event::ActiveModel {
    let (before, after) = change.payload.columns();
    let source = crate::EventSource::current();
    let address = source
        .address
        .filter(|_| change.payload.kind().keeps_address());
    event::ActiveModel {
        workspace_id: Set(change.workspace_id.0),
        actor_id: Set(change.actor.map(|actor| actor.0)),
        kind: Set(change.payload.kind()),
        subject: Set(change.subject),
        before: Set(before),
        after: Set(after),
        at: Set(at),
        format: Set(domain::event::payload::FORMAT),
        origin: Set(Some(source.origin)),
        address: Set(address),
        ..Default::default()
    }
}

/// On PostgreSQL, makes a workspace's events commit in id order and wakes every process.
///
/// Ids come from a sequence, so two transactions can take 10 and 11 and commit 11 first;
/// a live client that saw 11 and then reconnected "after 11" would miss 10. Holding a
/// per-workspace lock from taking the id until commit rules that out. Writes append their
/// event last, just before committing, so the lock is short and never waits on a row
/// lock. The NOTIFY is queued in the transaction and sent only if it commits.
/// SQLite needs neither: its write transactions already run one at a time.
async fn serialize_workspace_events<C: ConnectionTrait>(
    conn: &C,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), pg_notify($2, $1)",
        [
            workspace.0.to_string().into(),
            crate::live::EVENTS_CHANNEL.into(),
        ],
    ))
    .await
    .or_internal()?;
    Ok(())
}

/// A write reads and writes through its transaction like any connection.
#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
