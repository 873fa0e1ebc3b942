//! A fresh database per test: a temp SQLite file by default, or a new PostgreSQL database
//! when `VOUCH_TEST_DATABASE_URL` points at a server (dropped again when the test ends).

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::sync::Once;

pub enum TestDb {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
}

static SWEEP: Once = Once::new();

/// The admin URL of the PostgreSQL server under test, if this run targets PostgreSQL.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("VOUCH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

impl TestDb {
    pub fn new(dir: tempfile::TempDir) -> TestDb {
        match postgres_admin_url() {
            Some(admin_url) => {
                let mut admin = PgConnection::establish(&admin_url).expect("connect to postgres");
                // Databases left by a crashed earlier run are swept once per process.
                SWEEP.call_once(|| sweep(&mut admin));
                let name = format!("vouch_t_{}", uuid::Uuid::new_v4().simple());
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = with_database(&admin_url, &name);
                TestDb::Postgres {
                    url,
                    admin_url,
                    name,
                }
            }
            None => {
                let url = format!("sqlite://{}", dir.path().join("vouch.db").display());
                TestDb::Sqlite { url, _dir: dir }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
        {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn sweep(admin: &mut PgConnection) {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let leftovers: Vec<Name> = diesel::sql_query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'vouch_t_%' \
         AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)",
    )
    .load(admin)
    .unwrap_or_default();
    for db in leftovers {
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            db.datname
        ));
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}
