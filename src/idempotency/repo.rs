//! Rows of `idempotency_keys`: the answer a request gave, written in its transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::{DbConn, MultiBackend};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredKey {
    pub user_id: String,
    pub idem_key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &StoredKey) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, user_id: &str, key: &str) -> QueryResult<Option<StoredKey>> {
    idempotency_keys::table
        .find((user_id, key))
        .first(conn)
        .optional()
}

pub fn complete(
    conn: &mut DbConn,
    user_id: &str,
    key: &str,
    status: i32,
    body: &str,
) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((user_id, key)))
        .set((
            idempotency_keys::status_code.eq(status),
            idempotency_keys::response_body.eq(body),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConn, user_id: &str, key: &str) -> QueryResult<()> {
    diesel::delete(idempotency_keys::table.find((user_id, key)))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_older_than(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    delete_older_than_query(before).execute(conn)
}

pub fn delete_older_than_query(
    before: NaiveDateTime,
) -> diesel::query_builder::BoxedDeleteStatement<'static, MultiBackend, idempotency_keys::table> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .into_boxed()
}
