//! Queries on shares. Every read takes the org (or the user), so nobody reaches another
//! tenant's rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::Share;
use crate::db::schema::shares;
use crate::db::{DbConn, MultiBackend};

pub fn insert(conn: &mut DbConn, share: &Share) -> QueryResult<()> {
    diesel::insert_into(shares::table)
        .values(share)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Share>> {
    shares::table.find(id).first(conn).optional()
}

pub fn find_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<Share>> {
    shares::table
        .filter(shares::org_id.eq(org_id))
        .filter(shares::id.eq(id))
        .first(conn)
        .optional()
}

/// The row under a lock (`FOR UPDATE` on PostgreSQL; SQLite's write transaction serialises).
pub fn lock(conn: &mut DbConn, id: &str) -> QueryResult<Option<Share>> {
    match conn {
        DbConn::Postgresql(pg) => shares::table.find(id).for_update().first(pg).optional(),
        DbConn::Sqlite(_) => find(conn, id),
    }
}

/// Saves a changed share if nobody changed it since it was read (its `version`).
pub fn save(conn: &mut DbConn, share: &Share) -> QueryResult<bool> {
    let n = diesel::update(
        shares::table
            .filter(shares::id.eq(&share.id))
            .filter(shares::version.eq(share.version)),
    )
    .set((
        shares::status.eq(&share.status),
        shares::text.eq(&share.text),
        shares::scheduled_at.eq(share.scheduled_at),
        shares::published_at.eq(share.published_at),
        shares::external_id.eq(&share.external_id),
        shares::external_url.eq(&share.external_url),
        shares::error.eq(&share.error),
        shares::review_reason.eq(&share.review_reason),
        shares::decided_by.eq(&share.decided_by),
        shares::decided_at.eq(share.decided_at),
        shares::updated_at.eq(share.updated_at),
        shares::version.eq(share.version + 1),
        shares::post_state.eq(&share.post_state),
        shares::post_reason.eq(&share.post_reason),
        shares::post_changed_at.eq(share.post_changed_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub user_id: Option<String>,
    pub story_id: Option<String>,
    pub status: Option<String>,
    pub channel: Option<String>,
}

/// Newest first, after `cursor`.
pub fn list(
    conn: &mut DbConn,
    org_id: &str,
    filter: &Filter,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Share>> {
    list_query(org_id, filter, cursor, limit).load(conn)
}

pub fn list_query(
    org_id: &str,
    filter: &Filter,
    cursor: Option<&str>,
    limit: i64,
) -> shares::BoxedQuery<'static, MultiBackend> {
    let mut query = shares::table
        .filter(shares::org_id.eq(org_id.to_string()))
        .order(shares::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(user) = &filter.user_id {
        query = query.filter(shares::user_id.eq(user.clone()));
    }
    if let Some(story) = &filter.story_id {
        query = query.filter(shares::story_id.eq(story.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(shares::status.eq(status.clone()));
    }
    if let Some(channel) = &filter.channel {
        query = query.filter(shares::channel.eq(channel.clone()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(shares::id.lt(cursor.to_string()));
    }
    query
}

/// When the user's shares since `since` were created (oldest first), cancelled ones aside:
/// the daily caps count these. `story_channel` narrows to one story on one channel.
pub fn created_since(
    conn: &mut DbConn,
    user_id: &str,
    since: NaiveDateTime,
    story_channel: Option<(&str, &str)>,
) -> QueryResult<Vec<NaiveDateTime>> {
    let mut query = shares::table
        .filter(shares::user_id.eq(user_id))
        .filter(shares::created_at.gt(since))
        .filter(shares::status.ne("cancelled"))
        .select(shares::created_at)
        .order(shares::created_at.asc())
        .into_boxed();
    if let Some((story, channel)) = story_channel {
        query = query
            .filter(shares::story_id.eq(story.to_string()))
            .filter(shares::channel.eq(channel.to_string()));
    }
    query.load(conn)
}

/// Other ambassadors' texts for the same story (the originality check).
pub fn texts_of_others(
    conn: &mut DbConn,
    story_id: &str,
    user_id: &str,
) -> QueryResult<Vec<String>> {
    shares::table
        .filter(shares::story_id.eq(story_id))
        .filter(shares::user_id.ne(user_id))
        .filter(shares::status.ne("cancelled"))
        .select(shares::text)
        .order(shares::id.desc())
        .limit(200)
        .load(conn)
}

/// Shares of a user in the given statuses.
pub fn of_user_in(conn: &mut DbConn, user_id: &str, statuses: &[&str]) -> QueryResult<Vec<Share>> {
    shares::table
        .filter(shares::user_id.eq(user_id))
        .filter(shares::status.eq_any(statuses))
        .load(conn)
}

/// Shares of a story in the given statuses.
pub fn of_story_in(
    conn: &mut DbConn,
    story_id: &str,
    statuses: &[&str],
) -> QueryResult<Vec<Share>> {
    shares::table
        .filter(shares::story_id.eq(story_id))
        .filter(shares::status.eq_any(statuses))
        .load(conn)
}

/// Every share of the user (the export).
pub fn of_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<Share>> {
    shares::table
        .filter(shares::user_id.eq(user_id))
        .order(shares::id.asc())
        .load(conn)
}
