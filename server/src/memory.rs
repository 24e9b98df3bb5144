//! The server's memory: SQLite allocates from mimalloc, and mimalloc hands freed
//! pages back to the system promptly.
//!
//! SQLite allocates its page caches and prepared statements with the C library's
//! `malloc`, not through Rust's global allocator. Measured after load at 1,000,000
//! deals (bench/README.md, issue 18): glibc's arenas held 164 MiB for the 83 MiB SQLite
//! had in use. Each pooled connection runs on its own thread, glibc gives threads
//! their own arenas, and a page freed in one arena is never given back to the system or
//! reused by another thread. mimalloc, the server's allocator, hands freed pages back.
//!
//! mimalloc keeps freed pages for a second before handing them back (its default
//! `purge_delay`), and only purges when the thread that owns them allocates again, so
//! the pages of a burst of renders stayed resident: 275 MiB peak and 193 MiB after five
//! pages under load at 1,000,000 deals, against 181 and 154 MiB with 10 ms, at the same
//! speed (bench/README.md).
//!
//! This module and `plans` are the places the server calls C directly.

use libmimalloc_sys as mi;
use libsqlite3_sys as sqlite;
use std::ffi::{c_int, c_void};

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h, the same
/// in versions 2 and 3; the Rust bindings do not name it). The test below checks it
/// against the option's documented default.
const PURGE_DELAY: mi::mi_option_t = 15;

/// How long mimalloc keeps a freed page before handing it back, in milliseconds.
const PURGE_AFTER_MS: std::ffi::c_long = 10;

/// Freed memory goes back to the system after `PURGE_AFTER_MS`, unless the operator
/// chose otherwise with mimalloc's own `MIMALLOC_PURGE_DELAY`.
pub fn purge_freed_pages_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is thread-safe and takes effect on the next purge.
        unsafe { mi::mi_option_set(PURGE_DELAY, PURGE_AFTER_MS) }
    }
}

/// Routes SQLite's allocations to mimalloc. Must run before the first connection is
/// opened (SQLite refuses to change allocators once initialised, with the error code
/// returned here); SQLite copies the table of functions.
///
/// # Errors
/// SQLite's result code when it refused.
pub fn use_server_allocator() -> Result<(), c_int> {
    let methods = sqlite::sqlite3_mem_methods {
        xMalloc: Some(allocate),
        xFree: Some(release),
        xRealloc: Some(reallocate),
        xSize: Some(size),
        xRoundup: Some(round_up),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: SQLITE_CONFIG_MALLOC takes a pointer to a `sqlite3_mem_methods`, which
    // it copies before returning; the functions in it follow the contract below.
    let code = unsafe { sqlite::sqlite3_config(sqlite::SQLITE_CONFIG_MALLOC, &raw const methods) };
    if code == sqlite::SQLITE_OK {
        Ok(())
    } else {
        Err(code)
    }
}

/// SQLite never asks for a negative size; if it did, the null pointer is its "out of
/// memory".
unsafe extern "C" fn allocate(bytes: c_int) -> *mut c_void {
    match usize::try_from(bytes) {
        // SAFETY: mimalloc's malloc has no preconditions.
        Ok(bytes) => unsafe { mi::mi_malloc(bytes) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// SQLite frees only what `allocate` or `reallocate` returned.
unsafe extern "C" fn release(block: *mut c_void) {
    // SAFETY: `block` came from mimalloc (see above).
    unsafe { mi::mi_free(block) }
}

unsafe extern "C" fn reallocate(block: *mut c_void, bytes: c_int) -> *mut c_void {
    match usize::try_from(bytes) {
        // SAFETY: `block` came from mimalloc; SQLite never passes a null block here.
        Ok(bytes) => unsafe { mi::mi_realloc(block, bytes) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// The usable size of a block: SQLite counts its memory with it (the soft heap limit
/// and `sqlite3_memory_used`), so it must be what the block really holds.
unsafe extern "C" fn size(block: *mut c_void) -> c_int {
    // SAFETY: `block` came from mimalloc.
    let bytes = unsafe { mi::mi_usable_size(block) };
    c_int::try_from(bytes).unwrap_or(c_int::MAX)
}

/// The size mimalloc would really give for a request, so SQLite can use the slack.
unsafe extern "C" fn round_up(bytes: c_int) -> c_int {
    let Ok(asked) = usize::try_from(bytes) else {
        return bytes;
    };
    // SAFETY: a pure function of its argument.
    let given = unsafe { mi::mi_good_size(asked) };
    c_int::try_from(given).unwrap_or(bytes)
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    sqlite::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_mimalloc_defaults_to_a_second() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option has no preconditions.
        let default = unsafe { mi::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000, "option {PURGE_DELAY} is not purge_delay");
        purge_freed_pages_promptly();
        // SAFETY: as above.
        assert_eq!(unsafe { mi::mi_option_get(PURGE_DELAY) }, PURGE_AFTER_MS);
    }
}
