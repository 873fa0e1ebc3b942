//! Moderation's queries on stories: the review queue, counts, review notices and expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::stories;
use crate::db::{DbConn, MultiBackend};
use crate::stories::Story;

/// The review queue: stories in review, oldest submission first, after `cursor`.
pub fn review_queue(
    conn: &mut DbConn,
    org_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Story>> {
    review_queue_query(org_id, after, limit).load(conn)
}

pub fn review_queue_query(
    org_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> stories::BoxedQuery<'static, MultiBackend> {
    let mut query = stories::table
        .filter(stories::org_id.eq(org_id.to_string()))
        .filter(stories::status.eq("in_review"))
        .order((stories::submitted_at.asc(), stories::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        // `submitted_at >= at` bounds the index range; the OR alone is only a filter, which
        // would read the queue from its start on every page.
        query = query
            .filter(stories::submitted_at.ge(at))
            .filter(stories::submitted_at.gt(at).or(stories::id.gt(id)));
    }
    query
}

pub fn count_by_status(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<(String, i64)>> {
    stories::table
        .filter(stories::org_id.eq(org_id))
        .group_by(stories::status)
        .select((stories::status, diesel::dsl::count_star()))
        .load(conn)
}

/// Stories that entered review since the last digest, across orgs.
pub fn awaiting_review_notice(conn: &mut DbConn) -> QueryResult<Vec<Story>> {
    awaiting_review_notice_query().load(conn)
}

pub fn awaiting_review_notice_query() -> stories::BoxedQuery<'static, MultiBackend> {
    stories::table
        .filter(stories::status.eq("in_review"))
        .filter(stories::review_notified_at.is_null())
        .order(stories::submitted_at.asc())
        .limit(500)
        .into_boxed()
}

/// Claims the notice for one story; true when this instance won it.
pub fn mark_review_notified(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(stories::table.find(id))
        .filter(stories::review_notified_at.is_null())
        .set(stories::review_notified_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

/// Approved stories whose expiry has passed, across orgs.
pub fn expired_approved(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<Story>> {
    expired_approved_query(now).load(conn)
}

pub fn expired_approved_query(now: NaiveDateTime) -> stories::BoxedQuery<'static, MultiBackend> {
    stories::table
        .filter(stories::status.eq("approved"))
        .filter(stories::expires_at.le(now))
        .limit(500)
        .into_boxed()
}
