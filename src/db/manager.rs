//! Our own r2d2 manager: picks the backend from the URL scheme and refuses anything else,
//! because diesel's own `establish` would try each backend and SQLite accepts any string.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;

use super::DbConn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://path`, `sqlite:path` or a
    /// bare file path → SQLite (returned with the path to open). Other schemes are refused.
    pub fn from_url(url: &str) -> anyhow::Result<(Backend, String)> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Backend::Postgres, url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                anyhow::bail!("database url `{url}` names no SQLite file");
            }
            return Ok((Backend::Sqlite, path.to_string()));
        }
        if url.is_empty() {
            anyhow::bail!("database url is empty");
        }
        if url.contains("://") {
            anyhow::bail!(
                "database url `{url}`: unsupported scheme (use postgres://, sqlite:// or a file path)"
            );
        }
        Ok((Backend::Sqlite, url.to_string()))
    }
}

#[derive(Debug, Clone)]
pub struct ConnectionManager {
    backend: Backend,
    target: String,
}

impl ConnectionManager {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let (backend, target) = Backend::from_url(url)?;
        if backend == Backend::Sqlite && target != ":memory:" {
            if let Some(dir) = std::path::Path::new(&target).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            // WAL is a property of the file: set it once, before the pool opens connections
            // in parallel (switching needs an exclusive lock and does not wait on busy_timeout).
            let mut conn = SqliteConnection::establish(&target)?;
            conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")?;
        }
        Ok(Self { backend, target })
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConn::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Per connection: diesel leaves foreign keys off, and without a busy timeout
                // a second writer fails at once instead of waiting its turn.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn url_scheme_decides_the_backend() {
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap().0,
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("sqlite://./data/x.db").unwrap(),
            (Backend::Sqlite, "./data/x.db".to_string())
        );
        assert_eq!(
            Backend::from_url("data/vouch.db").unwrap(),
            (Backend::Sqlite, "data/vouch.db".to_string())
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
        assert!(Backend::from_url("").is_err());
        assert!(Backend::from_url("sqlite://").is_err());
    }
}
