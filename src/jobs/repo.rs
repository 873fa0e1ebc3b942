//! Queries on `jobs`. Claiming is the one place the dialects differ: PostgreSQL skips rows
//! another worker holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, so the
//! transaction alone makes the pick-and-lock atomic.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::schema::jobs;
use crate::db::{self, DbConn, MultiBackend};

pub const QUEUED: &str = "queued";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub org_id: Option<String>,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_by: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &JobRow) -> QueryResult<()> {
    diesel::insert_into(jobs::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Queued, due, and not held by a live lease (a worker that died lets go when it expires).
macro_rules! due {
    ($now:expr) => {
        jobs::table
            .filter(jobs::status.eq(QUEUED))
            .filter(jobs::run_at.le($now))
            .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt($now)))
    };
}

/// The next due jobs' ids, in the order workers take them. PostgreSQL runs the same query
/// with `FOR UPDATE SKIP LOCKED` (see `claim`).
pub fn due_query(now: NaiveDateTime) -> jobs::BoxedQuery<'static, MultiBackend, Text> {
    due!(now)
        .order((jobs::run_at, jobs::id))
        .select(jobs::id)
        .into_boxed()
}

/// Whether any job is due (among `only`, when given): a cheap read, so idle workers do not
/// take SQLite's write lock.
pub fn any_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    only: Option<&[String]>,
) -> QueryResult<bool> {
    match only {
        None => diesel::select(diesel::dsl::exists(due!(now))).get_result(conn),
        Some(ids) => diesel::select(diesel::dsl::exists(due!(now).filter(jobs::id.eq_any(ids))))
            .get_result(conn),
    }
}

/// Takes the next due job (among `only`, when given) for `token` until `until` and counts
/// the attempt.
pub fn claim(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    only: Option<&[String]>,
) -> QueryResult<Option<JobRow>> {
    db::transaction(conn, |conn| {
        let next = due!(now).order((jobs::run_at, jobs::id)).select(jobs::id);
        let picked: Option<String> = match (&mut *conn, only) {
            (DbConn::Postgresql(pg), None) => {
                next.for_update().skip_locked().first(pg).optional()?
            }
            (DbConn::Postgresql(pg), Some(ids)) => next
                .filter(jobs::id.eq_any(ids))
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
            (conn @ DbConn::Sqlite(_), None) => due_query(now).first(conn).optional()?,
            (conn @ DbConn::Sqlite(_), Some(ids)) => due_query(now)
                .filter(jobs::id.eq_any(ids.to_vec()))
                .first(conn)
                .optional()?,
        };
        let Some(id) = picked else {
            return Ok(None);
        };
        diesel::update(jobs::table.find(&id))
            .set((
                jobs::locked_by.eq(token),
                jobs::locked_until.eq(until),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
        jobs::table.find(&id).first(conn).optional()
    })
}

/// Extends a running job's lease; false when the lease was lost (it expired and another
/// worker took the job).
pub fn renew(conn: &mut DbConn, id: &str, token: &str, until: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(jobs::table.find(id))
        .filter(jobs::locked_by.eq(token))
        .set(jobs::locked_until.eq(until))
        .execute(conn)
        .map(|n| n == 1)
}

/// A job done is deleted: the table holds only what is still to do or needs a look.
pub fn complete(conn: &mut DbConn, id: &str, token: &str) -> QueryResult<()> {
    diesel::delete(jobs::table.find(id))
        .filter(jobs::locked_by.eq(token))
        .execute(conn)
        .map(|_| ())
}

/// A failed attempt: due again at `retry_at`, or parked as failed when there is none.
pub fn fail(
    conn: &mut DbConn,
    id: &str,
    token: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let status = if retry_at.is_some() { QUEUED } else { FAILED };
    diesel::update(jobs::table.find(id))
        .filter(jobs::locked_by.eq(token))
        .set((
            jobs::status.eq(status),
            jobs::run_at.eq(retry_at.unwrap_or(now)),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(error),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Not now, and not a failure: due again at `run_at` with the attempt given back (a network
/// said when to come back, or the share is not due yet).
pub fn defer(
    conn: &mut DbConn,
    id: &str,
    token: &str,
    run_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .filter(jobs::locked_by.eq(token))
        .set((
            jobs::run_at.eq(run_at),
            jobs::attempts.eq(jobs::attempts - 1),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// An org's jobs with a status, newest first, after `cursor`.
pub fn list(
    conn: &mut DbConn,
    org_id: &str,
    status: &str,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    list_query(org_id, status, cursor, limit).load(conn)
}

pub fn list_query(
    org_id: &str,
    status: &str,
    cursor: Option<&str>,
    limit: i64,
) -> jobs::BoxedQuery<'static, MultiBackend> {
    let mut query = jobs::table
        .filter(jobs::org_id.eq(org_id.to_string()))
        .filter(jobs::status.eq(status.to_string()))
        .order(jobs::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(jobs::id.lt(cursor.to_string()));
    }
    query
}

pub fn find_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<JobRow>> {
    jobs::table
        .filter(jobs::org_id.eq(org_id))
        .filter(jobs::id.eq(id))
        .first(conn)
        .optional()
}

/// Puts a failed job back in the queue with a fresh count of attempts; false if it was not
/// failed (any more).
pub fn requeue(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(jobs::table.find(id))
        .filter(jobs::status.eq(FAILED))
        .set((
            jobs::status.eq(QUEUED),
            jobs::attempts.eq(0),
            jobs::run_at.eq(now),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Every job of any org, for tests and the CLI's wait: how many are still to do.
pub fn count_queued(conn: &mut DbConn) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::status.eq(QUEUED))
        .count()
        .get_result(conn)
}

/// Whether the org has a job of `kind` waiting to run (so a schedule does not pile them up).
pub fn has_queued(conn: &mut DbConn, org_id: &str, kind: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        jobs::table
            .filter(jobs::org_id.eq(org_id))
            .filter(jobs::kind.eq(kind))
            .filter(jobs::status.eq(QUEUED)),
    ))
    .get_result(conn)
}
