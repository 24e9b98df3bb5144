//! What the fuzzer watches besides the answers: panics anywhere in the process (a
//! panic in a spawned render task never reaches the caller) and ERROR events in the
//! log (an `Internal` answer hides its cause there). Both are counted process-wide;
//! requests go one at a time, so a count that moved during a request is its doing.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    LazyLock, Mutex, Once,
};
use tracing::{field::Field, Event, Level, Subscriber};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

/// Panics and ERROR events so far, with the latest messages for the report.
#[derive(Default)]
pub struct Watch {
    panics: AtomicU64,
    errors: AtomicU64,
    last_panic: Mutex<String>,
    last_error: Mutex<String>,
}

/// Counts at one moment; `since` says what happened after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub panics: u64,
    pub errors: u64,
}

static WATCH: LazyLock<Watch> = LazyLock::new(Watch::default);

/// Installs the panic hook and the log counter, once per process.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            WATCH.panics.fetch_add(1, Ordering::SeqCst);
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            *lock(&WATCH.last_panic) = format!("{message}{place}");
            previous(info);
        }));
        // Only ERROR events reach the counter: the debug chatter of the database
        // drivers is never even formatted.
        let counter = ErrorCounter.with_filter(tracing_subscriber::filter::LevelFilter::ERROR);
        // Another subscriber already installed (none is today) would keep its place.
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter));
    });
}

pub fn mark() -> Mark {
    Mark {
        panics: WATCH.panics.load(Ordering::SeqCst),
        errors: WATCH.errors.load(Ordering::SeqCst),
    }
}

impl Mark {
    /// What went wrong after this mark, in words, or `None`.
    pub fn trouble_since(self) -> Option<String> {
        let now = mark();
        let mut trouble = Vec::new();
        if now.panics > self.panics {
            trouble.push(format!("panic: {}", lock(&WATCH.last_panic)));
        }
        if now.errors > self.errors {
            trouble.push(format!("ERROR log: {}", lock(&WATCH.last_error)));
        }
        (!trouble.is_empty()).then(|| trouble.join("; "))
    }
}

fn lock(text: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    text.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Peak resident memory of this process (server and fuzzer together) since the last
/// `reset_peak`, from `/proc/self/status`; `None` off Linux.
pub fn peak_memory_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

/// Starts measuring one request's memory: resets the peak (Linux's `clear_refs` 5)
/// and returns the memory resident now.
pub fn reset_peak() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// Memory resident now.
pub fn resident_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct ErrorCounter;

impl<S: Subscriber> Layer<S> for ErrorCounter {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let mut text = format!("{}:", event.metadata().target());
        event.record(&mut |field: &Field, value: &dyn std::fmt::Debug| {
            text.push_str(&format!(" {}={value:?}", field.name()));
        });
        *lock(&WATCH.last_error) = text;
        WATCH.errors.fetch_add(1, Ordering::SeqCst);
    }
}
