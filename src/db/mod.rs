//! The data layer: one connection enum over PostgreSQL and SQLite, its r2d2 pool, embedded
//! migrations, and the `run` / `transaction` helpers every repository goes through.

mod manager;
pub mod schema;

use crate::error::AppError;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use manager::{Backend, ConnectionManager};

/// One connection type for both databases, so every query is written once.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Builds the pool for `url`; the scheme decides the backend (see [`Backend::from_url`]).
pub fn pool(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let manager = ConnectionManager::new(url)?;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)?;
    Ok(pool)
}

/// Applies the pending migrations of the pool's dialect.
pub fn migrate(pool: &Pool) -> anyhow::Result<Vec<String>> {
    let mut conn = pool.get()?;
    let applied = match &mut *conn {
        DbConn::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Runs blocking diesel work on actix's blocking pool. The pooled connection is taken inside
/// the closure so a request never holds a connection while waiting for a thread.
pub async fn run<T, E, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(DbError::Pool)?;
        f(&mut conn).map_err(Into::into)
    })
    .await
    .map_err(|e| DbError::Blocking(e.to_string()))?
}

/// `run` in one transaction: for a change whose answer must show what was committed, not
/// what a concurrent writer made of it after the lock was let go.
pub async fn run_atomic<T, E, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<AppError> + From<diesel::result::Error> + Send + 'static,
{
    run(pool, move |conn| transaction(conn, f)).await
}

/// Runs `f` in one transaction. On SQLite it begins `IMMEDIATE`, taking the write lock up
/// front: a deferred transaction that reads and then writes can fail with "database is
/// locked" without waiting on `busy_timeout`.
pub fn transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = DbConn::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    match conn {
        // Nested calls become savepoints; only the outermost takes the write lock.
        DbConn::Sqlite(c) if !nested => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => DbConn::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            DbConn::commit_transaction(conn)?;
            if !nested {
                // What the transaction changed is visible now: caches that noted the change
                // while it was under way (and may have re-read the old state) check again.
                crate::freshness::committed();
            }
            Ok(value)
        }
        Err(e) => {
            if !nested {
                crate::freshness::committed();
            }
            // The caller's error is the one worth reporting; a failed rollback also marks
            // the connection broken, so r2d2 will not hand it out again.
            if let Err(rollback) = DbConn::rollback_transaction(conn) {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Whether the database answers, for `/readyz`.
pub async fn ping(pool: &Pool) -> Result<(), AppError> {
    run(pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("blocking task failed: {0}")]
    Blocking(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

// The kernel's error knows nothing of the database; the database says how its errors
// become one (a 500, logged with its cause).
impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::Unexpected(anyhow::Error::new(e).context("database"))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(DbError::from(e))
    }
}

/// Whether a diesel error is a unique-constraint violation (a duplicate insert).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
