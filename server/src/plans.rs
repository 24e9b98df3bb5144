//! Every SQLite connection plans a statement once, when it is prepared.
//!
//! The bundled SQLite is built with STAT4 (histograms from ANALYZE, which the server
//! gathers after a seed, an import and a migration). With it, a statement whose WHERE
//! compares an indexed column with a bound value is planned for that value, so binding a
//! different value (the next deal's id) marks the statement expired and the next step
//! compiles it again. Profiled under stage moves (bench/README.md, issue 18): a quarter
//! of the server's CPU samples were in `sqlite3Reprepare` under `sqlite3_step`, so the
//! pool's statement cache saved nothing. SQLite's query planner stability guarantee
//! turns that off: a statement keeps the plan it was prepared with, estimated from the
//! per-index averages of ANALYZE (STAT4 still serves constants written in the SQL).
//! Measured with it at 10,000 and 1,000,000 deals, no page measured got slower.

use libsqlite3_sys as sqlite;
use std::ffi::{c_char, c_int};

/// Registers, for the whole process, a hook SQLite runs on every connection it opens
/// from now on. Call it before the first connection.
///
/// # Errors
/// SQLite's result code when it refused (out of memory).
pub fn plan_each_statement_once() -> Result<(), c_int> {
    // SAFETY: `stable_plans` has the signature SQLite calls an automatic extension with;
    // registering the same function twice is a no-op.
    let code = unsafe { sqlite::sqlite3_auto_extension(Some(stable_plans)) };
    if code == sqlite::SQLITE_OK {
        Ok(())
    } else {
        Err(code)
    }
}

/// Runs inside `sqlite3_open_v2` for each new connection; a non-zero result would fail
/// the open, so a refusal here (there is none for a valid handle) only leaves that
/// connection re-planning as before.
unsafe extern "C" fn stable_plans(
    db: *mut sqlite::sqlite3,
    _error: *mut *mut c_char,
    _api: *const sqlite::sqlite3_api_routines,
) -> c_int {
    let on: c_int = 1;
    let no_readback: *mut c_int = std::ptr::null_mut();
    // SAFETY: `db` is the connection being opened; ENABLE_QPSG takes an int (1 turns it
    // on) and an int pointer it may write the new setting to, which may be null.
    unsafe { sqlite::sqlite3_db_config(db, sqlite::SQLITE_DBCONFIG_ENABLE_QPSG, on, no_readback) };
    sqlite::SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pooled_connections_keep_their_plans() {
        plan_each_statement_once().expect("registered");
        let db = service::connect("sqlite::memory:").await.expect("opened");
        let mut pooled = db
            .get_sqlite_connection_pool()
            .acquire()
            .await
            .expect("a connection");
        let mut handle = pooled.lock_handle().await.expect("its handle");
        let mut setting: c_int = -1;
        let ask: c_int = -1;
        // SAFETY: the handle is locked for this thread; a negative value only reads the
        // setting into `setting`.
        unsafe {
            sqlite::sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                sqlite::SQLITE_DBCONFIG_ENABLE_QPSG,
                ask,
                &raw mut setting,
            );
        }
        assert_eq!(setting, 1, "the connection still re-plans per bound value");
    }
}
