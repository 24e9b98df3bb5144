//! Hand-written SQL for reports the query builder says less clearly: `?` placeholders,
//! numbered for PostgreSQL, values bound (never spliced into the text).

use crate::db::OrInternal;
use domain::AppError;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, TryGetable, Value};

/// A statement under construction: SQL with `?` placeholders and their values.
pub(crate) struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(mut self, text: &str) -> Sql {
        self.text.push_str(text);
        self
    }

    pub(crate) fn bind(mut self, text: &str, value: impl Into<Value>) -> Sql {
        self.text.push_str(text);
        self.values.push(value.into());
        self
    }

    /// ` AND column IN (?, …)`; an empty list matches nothing (not everything).
    pub(crate) fn any_of(self, column: &str, ids: &[uuid::Uuid]) -> Sql {
        if ids.is_empty() {
            return self.push(" AND 1 = 0");
        }
        let mut sql = self.push(&format!(" AND {column} IN ("));
        for (i, id) in ids.iter().enumerate() {
            sql = sql.bind(if i == 0 { "?" } else { ", ?" }, *id);
        }
        sql.push(")")
    }

    /// PostgreSQL numbers its placeholders.
    pub(crate) fn statement(self, backend: DbBackend) -> Statement {
        let text = if backend == DbBackend::Postgres {
            let mut numbered = String::with_capacity(self.text.len() + 16);
            for (i, part) in self.text.split('?').enumerate() {
                if i > 0 {
                    numbered.push_str(&format!("${i}"));
                }
                numbered.push_str(part);
            }
            numbered
        } else {
            self.text
        };
        Statement::from_sql_and_values(backend, text, self.values)
    }
}

pub(crate) async fn rows<C: ConnectionTrait>(
    conn: &C,
    sql: Sql,
) -> Result<Vec<QueryResult>, AppError> {
    conn.query_all_raw(sql.statement(conn.get_database_backend()))
        .await
        .or_internal()
}

pub(crate) fn get<T: TryGetable>(row: &QueryResult, at: usize) -> Result<T, AppError> {
    row.try_get_by_index(at).or_internal()
}

pub(crate) fn count(row: &QueryResult, at: usize) -> Result<u64, AppError> {
    Ok(u64::try_from(get::<i64>(row, at)?).unwrap_or(0))
}
