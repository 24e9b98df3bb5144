//! Runs each service test against SQLite and PostgreSQL.
//!
//! PostgreSQL comes from `PIPEWRIGHT_TEST_POSTGRES` (default: the local trust-auth server).
//! Each test gets its own fresh database. If PostgreSQL is unreachable the test fails,
//! unless `PIPEWRIGHT_SKIP_POSTGRES=1` is set — which CI never does.

#![allow(dead_code)]

pub mod deals;

use sea_orm::{ConnectionTrait, Database};
use service::{connect, migrate, Crm, CrmSettings, SqliteMemory, SLOW_STATEMENT_MS};
use uuid::Uuid;

fn settings() -> CrmSettings {
    // Cheaper hashing keeps the suite quick; production keeps OWASP's 19 MiB.
    CrmSettings {
        password_memory_kib: 1024,
        // Kept in memory, so a test can read the reset link it was sent.
        mailer: service::Mailer::Outbox(std::sync::Arc::default()),
        ..CrmSettings::default()
    }
}

/// How many statements a `Crm` ran: every one is a round trip to the database.
pub type Statements = std::sync::Arc<std::sync::atomic::AtomicUsize>;

/// Counts every statement run on `db` from now on.
pub fn count_statements(db: &mut sea_orm::DatabaseConnection) -> Statements {
    let counter = Statements::default();
    let seen = counter.clone();
    db.set_metric_callback(move |_| {
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    counter
}

/// A SQLite `Crm` whose statements are counted, writes included: it has no writer
/// connection of its own, so every statement runs on the one counted pool.
pub async fn counted_sqlite() -> (Crm, Statements) {
    let path = std::env::temp_dir().join(format!("pipewright-test-{}.db", Uuid::new_v4()));
    let mut db = connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("open sqlite");
    migrate(&db).await.expect("migrate sqlite");
    let statements = count_statements(&mut db);
    (Crm::new(db, settings()), statements)
}

pub async fn sqlite() -> Crm {
    let path = std::env::temp_dir().join(format!("pipewright-test-{}.db", Uuid::new_v4()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = connect(&url).await.expect("open sqlite");
    migrate(&db).await.expect("migrate sqlite");
    // As the server runs: write batches on a connection of their own.
    Crm::new(db, settings())
        .with_sqlite_writer(&url, SqliteMemory::default(), SLOW_STATEMENT_MS)
        .await
        .expect("open the writer")
}

/// A fresh, migrated PostgreSQL database; `None` only when skipping PostgreSQL was
/// asked for explicitly.
async fn postgres_db() -> Option<sea_orm::DatabaseConnection> {
    if std::env::var("PIPEWRIGHT_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("PostgreSQL skipped: PIPEWRIGHT_SKIP_POSTGRES=1");
        return None;
    }
    let server = std::env::var("PIPEWRIGHT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap_or_else(|err| {
            panic!("PostgreSQL at {server} is required for service tests: {err}")
        });
    let name = format!("pipewright_test_{}", Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let db = connect(&format!("{server}/{name}"))
        .await
        .expect("open postgres");
    migrate(&db).await.expect("migrate postgres");
    Some(db)
}

/// Another `Crm` on `crm`'s database, as a second server process or the CLI would be:
/// nothing in memory is shared.
pub fn another_process(crm: &Crm) -> Crm {
    Crm::new(crm.db().clone(), settings())
}

/// `None` only when skipping PostgreSQL was asked for explicitly.
pub async fn postgres() -> Option<Crm> {
    Some(Crm::new(postgres_db().await?, settings()))
}

/// A PostgreSQL `Crm` whose statements are counted.
pub async fn counted_postgres() -> Option<(Crm, Statements)> {
    let mut db = postgres_db().await?;
    let statements = count_statements(&mut db);
    Some((Crm::new(db, settings()), statements))
}

/// Declares `$case` as two tests: `$case::sqlite` and `$case::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($case:ident),+ $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case($crate::common::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(crm) = $crate::common::postgres().await {
                        super::$case(crm).await;
                    }
                }
            }
        )+
    };
}

/// Rows in `table`, to prove a refused command wrote nothing.
pub async fn count(crm: &Crm, table: &str) -> i64 {
    use sea_orm::Statement;
    let db = crm.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count query")
        .expect("one row");
    row.try_get::<i64>("", "n").expect("count column")
}

/// Moves every invitation's expiry into the past.
pub async fn expire_all_invites(crm: &Crm) {
    use sea_orm::sea_query::{Expr, Query};
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    let update = Query::update()
        .table("invites")
        .value("expires_at", Expr::value(past))
        .to_owned();
    crm.db().execute(&update).await.expect("expire invites");
}

pub fn sign_up(workspace: &str, email: &str) -> domain::account::SignUp {
    domain::account::SignUp {
        workspace_name: workspace.into(),
        name: "Dana Whitfield".into(),
        email: email.into(),
        password: "correct horse battery".into(),
    }
}

pub fn origin(ip: &str) -> service::SignInOrigin {
    service::SignInOrigin {
        ip: ip.into(),
        previous_session: None,
        user_agent: String::new(),
    }
}
