//! SQLite's one writer, with group commit.
//!
//! SQLite commits one transaction at a time, and a commit costs more than a small
//! command (writing the WAL frames of every page touched, updating the WAL index). So
//! writers take turns on one queue, and the writer whose turn it is runs its command
//! in a savepoint of a transaction that may already hold the commands of the writers
//! before it. When nobody is queued behind it (or the batch is full) it commits the
//! whole batch and publishes every member's events in order; otherwise it hands the
//! open transaction to the next writer and waits for the commit. A refused command
//! rolls back to its savepoint only, so it never fails the others. Nobody is answered
//! before the batch is durable: a client that reads after its answer sees its write.

use crate::{db::OrInternal, event_log::EventBus, fresh::Written};
use domain::{event::Event, AppError};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{watch, Mutex, MutexGuard};

/// Commands committed together at most: bounds the wait of the batch's first member
/// (each command is a few milliseconds) and the size of one transaction in the WAL.
const MAX_BATCH: usize = 32;

/// How long a member waits for its batch's commit before checking on it. A batch is
/// committed by its last member; this only matters when the writer it was handed to
/// went away (its request was dropped) and nobody came after it.
const ORPHAN_CHECK: Duration = Duration::from_millis(500);

/// The queue and the batch being filled.
#[derive(Default)]
pub(crate) struct WriteQueue {
    open: Mutex<Option<Batch>>,
    /// Writers waiting for their turn: when there are some, the batch stays open.
    queued: AtomicUsize,
    batches: AtomicU64,
    commands: AtomicU64,
    /// Commits made (or tried) by this process, on either database: what kept answers
    /// are checked against (`fresh`).
    pub(crate) written: Written,
}

/// How many commands the writer ran, in how many batches (commits) since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteCounts {
    pub commands: u64,
    pub batches: u64,
}

/// A transaction holding the commands of one or more writers, not yet committed.
struct Batch {
    number: u64,
    txn: DatabaseTransaction,
    members: usize,
    events: Vec<Event>,
    /// `Some(true)` once committed, `Some(false)` if the commit failed.
    committed: watch::Sender<Option<bool>>,
}

/// One writer's turn: the open batch, to run a command in.
pub(crate) struct Turn<'q> {
    queue: &'q WriteQueue,
    open: MutexGuard<'q, Option<Batch>>,
}

/// What a member waits on after its command: its batch's commit.
pub(crate) enum Commit {
    /// This member committed the batch; the result is known.
    Done(bool),
    /// The batch went on with the next writer.
    Pending(u64, watch::Receiver<Option<bool>>),
}

impl WriteQueue {
    pub(crate) fn counts(&self) -> WriteCounts {
        WriteCounts {
            commands: self.commands.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
        }
    }

    /// Waits for this writer's turn (first come, first served: Tokio's mutex is fair).
    pub(crate) async fn turn(&self) -> Turn<'_> {
        let queued = Queued::enter(&self.queued);
        let open = self.open.lock().await;
        drop(queued);
        Turn { queue: self, open }
    }
}

impl Turn<'_> {
    /// A savepoint in the open batch, beginning the batch if there is none.
    pub(crate) async fn savepoint(
        &mut self,
        db: &DatabaseConnection,
    ) -> Result<DatabaseTransaction, AppError> {
        if self.open.is_none() {
            let txn = db
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..TransactionOptions::default()
                })
                .await
                .or_internal()?;
            let number = self.queue.batches.fetch_add(1, Ordering::Relaxed);
            let (committed, _) = watch::channel(None);
            *self.open = Some(Batch {
                number,
                txn,
                members: 0,
                events: Vec::new(),
                committed,
            });
        }
        match self.open.as_ref() {
            Some(batch) => batch.txn.begin().await.or_internal(),
            None => Err(AppError::Internal),
        }
    }

    /// Ends this writer's command: keeps its savepoint's work and events (`Some`) or
    /// rolls it back (`None`), then commits the batch or hands it to the next writer.
    pub(crate) async fn finish(
        mut self,
        savepoint: DatabaseTransaction,
        kept: Option<Vec<Event>>,
        events: &EventBus,
    ) -> Commit {
        let Some(batch) = self.open.as_mut() else {
            return Commit::Done(false);
        };
        let ended = match kept {
            Some(appended) => {
                batch.events.extend(appended);
                savepoint.commit().await
            }
            None => savepoint.rollback().await,
        };
        batch.members += 1;
        self.queue.commands.fetch_add(1, Ordering::Relaxed);
        if ended.is_err() {
            // The savepoint could not be released or rolled back: the transaction is
            // in an unknown state, so nothing of this batch is kept.
            tracing::error!(error = ?ended.err(), "savepoint failed; batch rolled back");
            return Commit::Done(self.roll_back().await);
        }
        let others_waiting = self.queue.queued.load(Ordering::Acquire) > 0;
        if others_waiting && batch.members < MAX_BATCH {
            return Commit::Pending(batch.number, batch.committed.subscribe());
        }
        Commit::Done(self.commit(events).await)
    }

    /// Commits the open batch, publishes its events in order and tells its members.
    async fn commit(&mut self, events: &EventBus) -> bool {
        let Some(batch) = self.open.take() else {
            return false;
        };
        let counted = self.queue.written.counting();
        let ok = batch.txn.commit().await.or_internal().is_ok();
        drop(counted);
        if ok {
            events.publish(batch.events);
        }
        batch.committed.send_replace(Some(ok));
        ok
    }

    async fn roll_back(&mut self) -> bool {
        if let Some(batch) = self.open.take() {
            let _ = batch.txn.rollback().await;
            batch.committed.send_replace(Some(false));
        }
        false
    }
}

impl Commit {
    /// Whether the batch holding this member's command was committed.
    pub(crate) async fn wait(self, queue: &WriteQueue, events: &EventBus) -> bool {
        let (number, mut committed) = match self {
            Commit::Done(ok) => return ok,
            Commit::Pending(number, committed) => (number, committed),
        };
        loop {
            // The watch's borrow is not `Send`: copy the outcome out at once.
            let outcome = tokio::time::timeout(
                ORPHAN_CHECK,
                committed.wait_for(|outcome| outcome.is_some()),
            )
            .await
            .map(|seen| seen.map(|outcome| *outcome));
            match outcome {
                Ok(Ok(outcome)) => return outcome.unwrap_or(false),
                // The sender went away without a word: the batch was dropped unfinished.
                Ok(Err(_)) => return false,
                Err(_) => {
                    // Still open after a while: the writer it was handed to may have
                    // gone. Take a turn; if the batch is still open then, commit it.
                    // A batch that is open while nobody is queued would wait for the
                    // next writer: commit it too.
                    let mut turn = queue.turn().await;
                    let open = turn.open.as_ref().map(|batch| batch.number);
                    let nobody_queued = queue.queued.load(Ordering::Acquire) == 0;
                    if open == Some(number) {
                        return turn.commit(events).await;
                    } else if open.is_some() && nobody_queued {
                        turn.commit(events).await;
                    }
                }
            }
        }
    }
}

/// Counts a writer as queued until it has its turn, or until it gives up waiting.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Queued(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
