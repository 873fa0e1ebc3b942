//! Both dialects' migrations must produce the same tables and columns.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::helpers::db::{postgres_admin_url, with_database};

#[derive(QueryableByName)]
struct Col {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn sqlite_columns(url: &str) -> BTreeSet<(String, String)> {
    let pool = vouch::db::pool(url, 1).unwrap();
    vouch::db::migrate(&pool).unwrap();
    let mut conn = pool.get().unwrap();
    diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         AND m.name <> '__diesel_schema_migrations'",
    )
    .load::<Col>(&mut *conn)
    .unwrap()
    .into_iter()
    .map(|c| (c.table_name, c.column_name))
    .collect()
}

fn postgres_columns(url: &str) -> BTreeSet<(String, String)> {
    let pool = vouch::db::pool(url, 1).unwrap();
    vouch::db::migrate(&pool).unwrap();
    let mut conn = pool.get().unwrap();
    diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name <> '__diesel_schema_migrations'",
    )
    .load::<Col>(&mut *conn)
    .unwrap()
    .into_iter()
    .map(|c| (c.table_name, c.column_name))
    .collect()
}

#[test]
fn sqlite_and_postgres_schemas_match() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_columns(&format!("sqlite://{}", dir.path().join("s.db").display()));
    assert!(sqlite.contains(&("users".into(), "email".into())));
    assert!(sqlite.contains(&("audit_events".into(), "actor_id".into())));

    // Compared against the server under test, or the local default one.
    let admin_url = postgres_admin_url()
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let Ok(mut admin) = PgConnection::establish(&admin_url) else {
        eprintln!("no PostgreSQL at {admin_url}: schema comparison runs in the PostgreSQL pass");
        return;
    };
    let name = format!("vouch_t_{}", uuid::Uuid::new_v4().simple());
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    let postgres = postgres_columns(&with_database(&admin_url, &name));
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();

    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in sqlite: {only_sqlite:?}\nonly in postgres: {only_postgres:?}"
    );
}

#[test]
fn unknown_database_urls_are_refused() {
    assert!(vouch::db::pool("mysql://root@localhost/vouch", 1).is_err());
    assert!(vouch::db::pool("redis://localhost", 1).is_err());
}
