//! Read models kept while nothing has been written: the board is read far more often
//! than anything on it changes (every phone that opens /pipeline, every reconnect), and
//! it costs a dozen statements and a few milliseconds of one core to build.
//!
//! An answer is reused only while its [`Stamp`] is unchanged: the workspace's newest
//! event id (a write from another process: the CLI, a second server on PostgreSQL) and
//! this process's count of commits (every write here, with an event or without one, such
//! as a team renamed). The stamp is read before the answer is built and counted after a
//! commit, so an answer is never kept under a stamp newer than what it read, and nobody
//! whose write has been answered is then shown an answer from before it. [`KEPT_FOR`]
//! bounds what no stamp sees: a write from another process that appends no event, and
//! the clock (a card's rotting mark).
//!
//! After a write, everyone who asks for the same answer while it is read again waits for
//! that one reading instead of reading it too (see [`Fresh::answer`]).

use crate::Crm;
use domain::{
    account::CurrentUser,
    activity::Activity,
    board::{Board, BoardOptions, DealDetail, DealFilter, DealPage, DealSort, ListOptions},
    ids::{DealId, PipelineId},
    lead::{InboxPage, InboxView},
    lead_rules::InboxFilter,
    metrics::{Dashboard, MetricsFilter},
    note::RecordRef,
    timeline::TimelinePage,
    AppError, WorkspaceId,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The longest an answer is reused, however quiet the workspace.
pub(crate) const KEPT_FOR: Duration = Duration::from_secs(2);

/// Answers kept at once, per kind: one per person and filter (or deal) in use. A board
/// is about 40 KB, so this bounds each kind near a few MB, whatever the number of people.
const KEPT: usize = 64;

/// What an answer was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The workspace's newest event id.
    pub head: i64,
    /// Commits made by this process ([`Written`]).
    pub written: u64,
}

/// This process's count of commits.
#[derive(Debug, Default)]
pub(crate) struct Written(AtomicU64);

impl Written {
    /// Counts a commit when dropped: take it just before the commit and drop it after.
    /// Dropped with a request cancelled while committing, it counts too, since that
    /// commit may have gone through; so does a failed one: an extra count costs one
    /// answer read again, a missing one would keep a stale answer.
    pub(crate) fn counting(&self) -> Counting<'_> {
        Counting(self)
    }

    pub(crate) fn now(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

/// See [`Written::counting`].
pub(crate) struct Counting<'a>(&'a Written);

impl Drop for Counting<'_> {
    fn drop(&mut self) {
        // After the commit, never before: an answer is then never kept under a stamp
        // newer than what it read.
        self.0 .0.fetch_add(1, Ordering::AcqRel);
    }
}

impl Crm {
    /// The stamp of what `workspace` reads now: take it before reading the answer.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub(crate) async fn stamp(&self, workspace: WorkspaceId) -> Result<Stamp, AppError> {
        let written = self.writes.written.now();
        let head = crate::live::head_of(&self.db, workspace.0).await?;
        Ok(Stamp { head, written })
    }

    /// `key`'s answer from `kept` if nothing was written since it was read, else `read`'s,
    /// which is then kept.
    ///
    /// # Errors
    /// `read`'s error (nothing is kept then), or `Internal` when the database fails.
    pub(crate) async fn kept_or<K: PartialEq + Clone, V: Clone>(
        &self,
        kept: &Fresh<K, V>,
        workspace: WorkspaceId,
        key: K,
        read: impl AsyncFnOnce(&K) -> Result<V, AppError>,
    ) -> Result<V, AppError> {
        // Before the answer: an answer is never kept under a newer stamp than it read.
        let stamp = self.stamp(workspace).await?;
        kept.answer(key, stamp, read).await
    }
}

/// Answers kept per kind of read, each keyed by the person asking and what they asked.
#[derive(Default)]
pub(crate) struct Kept {
    pub boards: Fresh<(CurrentUser, DealFilter), Board>,
    pub lists: Fresh<(CurrentUser, DealFilter, DealSort, u64), DealPage>,
    pub deals: Fresh<(CurrentUser, DealId), DealDetail>,
    /// A deal page's next steps and the first page of its timeline: a deal page is the
    /// deal and these two, and a rep opening it between meetings changes nothing.
    pub deal_activities: Fresh<(CurrentUser, DealId), Vec<Activity>>,
    pub timelines: Fresh<(CurrentUser, RecordRef), TimelinePage>,
    /// The pipelines, owners and stages that the board's, the deal list's and the inbox's
    /// filters offer: read with every one of those pages.
    pub board_options: Fresh<CurrentUser, BoardOptions>,
    pub list_options: Fresh<(CurrentUser, Option<PipelineId>), ListOptions>,
    pub inboxes: Fresh<(CurrentUser, InboxView, InboxFilter, u64), InboxPage>,
    pub dashboards: Fresh<(CurrentUser, MetricsFilter), Dashboard>,
}

/// An answer being read or read already: everyone who asks meanwhile waits for it.
type Answer<V> = Arc<OnceCell<V>>;

struct Entry<K, V> {
    key: K,
    stamp: Stamp,
    at: Instant,
    answer: Answer<V>,
}

/// Answers by key, each valid for one stamp and at most [`KEPT_FOR`].
pub(crate) struct Fresh<K, V> {
    kept: Mutex<Vec<Entry<K, V>>>,
}

impl<K, V> Default for Fresh<K, V> {
    fn default() -> Self {
        Fresh {
            kept: Mutex::new(Vec::new()),
        }
    }
}

impl Stamp {
    /// Whether this stamp was read before `other` (neither part is newer): an answer
    /// kept at `other` is then not to be replaced by one read at this stamp.
    fn older_than(self, other: Stamp) -> bool {
        self != other && self.head <= other.head && self.written <= other.written
    }
}

impl<K: PartialEq + Clone, V: Clone> Fresh<K, V> {
    /// `key`'s answer at `stamp`: the kept one, or `read`'s. Whoever asks for it while it
    /// is read waits for that one reading: after a write, ten phones reloading the board
    /// cost one board, not ten. A failed read keeps nothing; the next asker reads again.
    ///
    /// # Errors
    /// `read`'s error.
    pub(crate) async fn answer(
        &self,
        key: K,
        stamp: Stamp,
        read: impl AsyncFnOnce(&K) -> Result<V, AppError>,
    ) -> Result<V, AppError> {
        let answer = self.slot(&key, stamp);
        let read = answer.get_or_try_init(|| read(&key)).await.cloned();
        if read.is_err() {
            // Nothing to keep: free the slot, unless someone has read it meanwhile.
            self.lock()
                .retain(|entry| !Arc::ptr_eq(&entry.answer, &answer) || entry.answer.initialized());
        }
        read
    }

    /// The kept answers; a panic while they were held cannot leave them half changed
    /// (every change is one `Vec` call), so a poisoned lock is taken as it is.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry<K, V>>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Where `key`'s answer at `stamp` is (or is to be) kept. A new one replaces what was
    /// kept for the key, unless that was read at a later stamp: an answer then goes
    /// unkept rather than push out a newer one. When full, the oldest answer goes. A
    /// linear scan: [`KEPT`] entries compare faster than one statement runs.
    fn slot(&self, key: &K, stamp: Stamp) -> Answer<V> {
        let mut kept = self.lock();
        if let Some(at) = kept.iter().position(|entry| entry.key == *key) {
            let entry = &kept[at];
            if entry.stamp == stamp && entry.at.elapsed() < KEPT_FOR {
                return Arc::clone(&entry.answer);
            }
            if stamp.older_than(entry.stamp) {
                return Answer::default();
            }
            kept.remove(at);
        }
        kept.retain(|entry| entry.at.elapsed() < KEPT_FOR);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        let answer = Answer::default();
        kept.push(Entry {
            key: key.clone(),
            stamp,
            at: Instant::now(),
            answer: Arc::clone(&answer),
        });
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    const AT_1: Stamp = Stamp {
        head: 1,
        written: 0,
    };

    /// `fresh`'s answer for `key` at `stamp`, read as `value` when it is not kept; and
    /// whether it was read.
    async fn ask(fresh: &Fresh<u8, u32>, key: u8, stamp: Stamp, value: u32) -> (u32, bool) {
        let read = AtomicUsize::new(0);
        let answer = fresh
            .answer(key, stamp, async |_| {
                read.fetch_add(1, Ordering::Relaxed);
                Ok(value)
            })
            .await
            .unwrap_or_default();
        (answer, read.load(Ordering::Relaxed) == 1)
    }

    #[tokio::test]
    async fn an_answer_is_reused_only_at_its_stamp() {
        let fresh = Fresh::default();
        assert_eq!(ask(&fresh, 1, AT_1, 10).await, (10, true));
        assert_eq!(ask(&fresh, 1, AT_1, 11).await, (10, false), "kept");
        assert_eq!(ask(&fresh, 2, AT_1, 20).await, (20, true), "another key");
        let newer_event = Stamp { head: 2, ..AT_1 };
        assert_eq!(ask(&fresh, 1, newer_event, 12).await, (12, true));
        let written_here = Stamp {
            written: 1,
            ..newer_event
        };
        assert_eq!(ask(&fresh, 1, written_here, 13).await, (13, true));
        // A reader that took its stamp before that write does not push out the newer one.
        assert_eq!(ask(&fresh, 1, AT_1, 14).await, (14, true));
        assert_eq!(ask(&fresh, 1, written_here, 15).await, (13, false));
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let fresh = Fresh::<u8, u32>::default();
        let failed = fresh
            .answer(1, AT_1, async |_| Err(AppError::Internal))
            .await;
        assert_eq!(failed, Err(AppError::Internal));
        assert!(fresh.lock().is_empty(), "a failed read takes no slot");
        assert_eq!(ask(&fresh, 1, AT_1, 10).await, (10, true));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn askers_at_once_wait_for_one_reading() {
        let fresh = Arc::new(Fresh::<u8, u32>::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let askers: Vec<_> = (0..10)
            .map(|_| {
                let (fresh, reads) = (Arc::clone(&fresh), Arc::clone(&reads));
                tokio::spawn(async move {
                    fresh
                        .answer(1, AT_1, async |_| {
                            reads.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok(7)
                        })
                        .await
                })
            })
            .collect();
        for asker in askers {
            assert_eq!(asker.await.ok(), Some(Ok(7)));
        }
        assert_eq!(reads.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn the_cache_stays_bounded_and_the_oldest_goes_first() {
        let fresh = Fresh::<usize, usize>::default();
        for key in 0..KEPT + 10 {
            fresh.answer(key, AT_1, async |k| Ok(*k)).await.ok();
        }
        assert_eq!(fresh.lock().len(), KEPT);
        let oldest = fresh.answer(0, AT_1, async |_| Ok(99)).await;
        assert_eq!(oldest, Ok(99), "read again");
        let newest = fresh.answer(KEPT + 9, AT_1, async |_| Ok(99)).await;
        assert_eq!(newest, Ok(KEPT + 9), "still kept");
    }

    #[tokio::test]
    async fn a_commit_counts_when_it_ends_or_is_cancelled() {
        let written = Written::default();
        drop(written.counting());
        assert_eq!(written.now(), 1);
        let committing = async {
            let _counted = written.counting();
            std::future::pending::<()>().await;
        };
        // The request is dropped while its commit is under way.
        let cancelled = tokio::time::timeout(Duration::from_millis(1), committing).await;
        assert!(cancelled.is_err());
        assert_eq!(written.now(), 2);
    }
}
