//! Read models kept while nothing has been written: the board is read far more often
//! than anything on it changes (every phone that opens /pipeline, every reconnect), and
//! it costs a dozen statements and a few milliseconds of one core to build.
//!
//! An answer is reused only while its [`Stamp`] is unchanged: the workspace's newest
//! event id (a write from another process: the CLI, a second server on PostgreSQL) and
//! this process's count of committed writes (every write here, with an event or without
//! one, such as an accepted invitation). The stamp is read before the answer is built and
//! bumped after a write commits, so an answer is never kept under a stamp newer than
//! what it read. [`KEPT_FOR`] bounds what no stamp sees: a write from another process
//! that appends no event, and the clock (a card's rotting mark).

use crate::Crm;
use domain::{
    account::CurrentUser,
    board::{Board, DealDetail, DealFilter, DealPage, DealSort},
    ids::DealId,
    metrics::{Dashboard, MetricsFilter},
    AppError, WorkspaceId,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest an answer is reused, however quiet the workspace.
pub(crate) const KEPT_FOR: Duration = Duration::from_secs(2);

/// Answers kept at once: one per person and filter in use; the board is about 40 KB, so
/// this bounds the cache near 2.5 MB, whatever the number of people.
const KEPT: usize = 64;

/// What an answer was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The workspace's newest event id.
    pub head: i64,
    /// Writes committed by this process ([`Written`]).
    pub written: u64,
}

/// This process's count of committed writes.
#[derive(Debug, Default)]
pub(crate) struct Written(AtomicU64);

impl Written {
    /// Called after a write commits, never before: see the module's notes.
    pub(crate) fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn now(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

impl Crm {
    /// The stamp of what `workspace` reads now: take it before reading the answer.
    ///
    /// # Errors
    /// `Internal` when the database fails.
    pub(crate) async fn stamp(&self, workspace: WorkspaceId) -> Result<Stamp, AppError> {
        let written = self.written.now();
        let head = crate::live::head_of(&self.db, workspace.0).await?;
        Ok(Stamp { head, written })
    }

    /// `key`'s answer from `kept` if nothing was written since it was read, else `read`'s,
    /// which is then kept.
    ///
    /// # Errors
    /// `read`'s error (nothing is kept then), or `Internal` when the database fails.
    pub(crate) async fn kept_or<K: PartialEq, V: Clone>(
        &self,
        kept: &Fresh<K, V>,
        workspace: WorkspaceId,
        key: K,
        read: impl AsyncFnOnce(&K) -> Result<V, AppError>,
    ) -> Result<V, AppError> {
        // Before the answer: an answer is never kept under a newer stamp than it read.
        let stamp = self.stamp(workspace).await?;
        if let Some(value) = kept.get(&key, stamp) {
            return Ok(value);
        }
        let value = read(&key).await?;
        kept.put(key, stamp, value.clone());
        Ok(value)
    }
}

/// Answers kept per kind of read, each keyed by the person asking and what they asked.
#[derive(Default)]
pub(crate) struct Kept {
    pub boards: Fresh<(CurrentUser, DealFilter), Board>,
    pub lists: Fresh<(CurrentUser, DealFilter, DealSort, u64), DealPage>,
    pub deals: Fresh<(CurrentUser, DealId), DealDetail>,
    pub dashboards: Fresh<(CurrentUser, MetricsFilter), Dashboard>,
}

struct Entry<K, V> {
    key: K,
    stamp: Stamp,
    at: Instant,
    value: V,
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

impl<K: PartialEq, V: Clone> Fresh<K, V> {
    /// The answer kept for `key` if it was built at `stamp` and is recent enough.
    pub(crate) fn get(&self, key: &K, stamp: Stamp) -> Option<V> {
        let kept = self.kept.lock().ok()?;
        kept.iter()
            .find(|k| k.key == *key)
            .filter(|k| k.stamp == stamp && k.at.elapsed() < KEPT_FOR)
            .map(|k| k.value.clone())
    }

    /// Keeps `value` for `key`, replacing what was kept for it; when full, drops the
    /// oldest answer. A linear scan: [`KEPT`] entries compare faster than one statement.
    pub(crate) fn put(&self, key: K, stamp: Stamp, value: V) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        kept.retain(|k| k.key != key && k.at.elapsed() < KEPT_FOR);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push(Entry {
            key,
            stamp,
            at: Instant::now(),
            value,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT_1: Stamp = Stamp {
        head: 1,
        written: 0,
    };

    #[test]
    fn an_answer_is_reused_only_at_its_stamp() {
        let fresh = Fresh::<u8, &str>::default();
        fresh.put(1, AT_1, "board");
        assert_eq!(fresh.get(&1, AT_1), Some("board"));
        assert_eq!(fresh.get(&2, AT_1), None, "another key");
        let newer_event = Stamp { head: 2, ..AT_1 };
        assert_eq!(fresh.get(&1, newer_event), None);
        let written_here = Stamp { written: 1, ..AT_1 };
        assert_eq!(fresh.get(&1, written_here), None);
    }

    #[test]
    fn a_key_keeps_one_answer_and_the_cache_stays_bounded() {
        let fresh = Fresh::<usize, usize>::default();
        for key in 0..KEPT + 10 {
            fresh.put(key, AT_1, key);
            fresh.put(key, AT_1, key + 1);
        }
        let kept = fresh.kept.lock().map(|k| k.len()).unwrap_or_default();
        assert_eq!(kept, KEPT);
        assert_eq!(fresh.get(&0, AT_1), None, "the oldest went first");
        assert_eq!(fresh.get(&(KEPT + 9), AT_1), Some(KEPT + 10));
    }

    #[test]
    fn written_counts_up() {
        let written = Written::default();
        written.bump();
        written.bump();
        assert_eq!(written.now(), 2);
    }
}
