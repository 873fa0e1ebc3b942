//! Queries on stories and their topics. Every read takes the org id.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use super::model::Story;
use crate::db::schema::{stories, story_topics};
use crate::db::{DbConn, MultiBackend};
use crate::text::search_key;

pub fn insert(conn: &mut DbConn, story: &Story) -> QueryResult<()> {
    diesel::insert_into(stories::table)
        .values(story)
        .execute(conn)
        .map(|_| ())
}

pub fn find_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<Story>> {
    stories::table
        .filter(stories::org_id.eq(org_id))
        .filter(stories::id.eq(id))
        .first(conn)
        .optional()
}

/// The story row, locked until the transaction ends. PostgreSQL takes a row lock, so a
/// concurrent change waits and then sees what was committed; SQLite needs nothing more,
/// since `db::transaction` already holds its one write lock.
pub fn lock_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<Story>> {
    let query = stories::table
        .filter(stories::org_id.eq(org_id))
        .filter(stories::id.eq(id));
    match conn {
        DbConn::Postgresql(pg) => query.for_update().first(pg).optional(),
        DbConn::Sqlite(_) => query.first(conn).optional(),
    }
}

/// Ids of stories whose stored verdict is missing or has lapsed (a verification expired).
pub fn stale_verdicts(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    stale_verdicts_query(now, limit).load(conn)
}

pub fn stale_verdicts_query(
    now: NaiveDateTime,
    limit: i64,
) -> stories::BoxedQuery<'static, MultiBackend, (Text, Text)> {
    stories::table
        .filter(
            stories::gate_checked_at
                .is_null()
                .or(stories::verified_until.le(now)),
        )
        .select((stories::org_id, stories::id))
        .limit(limit)
        .into_boxed()
}

/// Ids of every story of an org (its policy changed).
pub fn ids_in_org(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<String>> {
    stories::table
        .filter(stories::org_id.eq(org_id))
        .select(stories::id)
        .load(conn)
}

/// Writes every column of `story` if the row is still at the version it was read at, and
/// bumps the version; false when someone wrote in between (the caller answers 409).
pub fn save(conn: &mut DbConn, story: &Story) -> QueryResult<bool> {
    diesel::update(stories::table.find(&story.id))
        .filter(stories::version.eq(story.version))
        .set((
            stories::title.eq(&story.title),
            stories::body.eq(&story.body),
            stories::link_url.eq(&story.link_url),
            stories::media_urls.eq(&story.media_urls),
            stories::language.eq(&story.language),
            stories::captions.eq(&story.captions),
            stories::status.eq(&story.status),
            stories::publish_from.eq(story.publish_from),
            stories::expires_at.eq(story.expires_at),
            stories::submitted_at.eq(story.submitted_at),
            stories::review_notified_at.eq(story.review_notified_at),
            stories::decided_at.eq(story.decided_at),
            stories::decided_by.eq(&story.decided_by),
            stories::decision_reason.eq(&story.decision_reason),
            stories::updated_at.eq(story.updated_at),
            stories::version.eq(story.version + 1),
            stories::publishable.eq(story.publishable),
            stories::blocking_claims.eq(story.blocking_claims),
            stories::verified_until.eq(story.verified_until),
            stories::policy_violations.eq(&story.policy_violations),
            stories::gate_checked_at.eq(story.gate_checked_at),
            stories::search_text.eq(&story.search_text),
            stories::last_editor_id.eq(&story.last_editor_id),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn set_topics(conn: &mut DbConn, story_id: &str, topics: &[String]) -> QueryResult<()> {
    diesel::delete(story_topics::table.filter(story_topics::story_id.eq(story_id)))
        .execute(conn)?;
    for topic in topics {
        diesel::insert_into(story_topics::table)
            .values((
                story_topics::story_id.eq(story_id),
                story_topics::topic.eq(topic),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn topics_of(conn: &mut DbConn, story_ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    story_topics::table
        .filter(story_topics::story_id.eq_any(story_ids))
        .order((story_topics::story_id, story_topics::topic))
        .select((story_topics::story_id, story_topics::topic))
        .load(conn)
}

/// Filters shared by the lists; `None` means "any".
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub author_id: Option<String>,
    pub topic: Option<String>,
    pub language: Option<String>,
    pub search: Option<String>,
    /// Only stories the stored verdict lets out at this time (approved, every claim clear,
    /// inside the publication window).
    pub publishable_at: Option<NaiveDateTime>,
}

/// Newest first, after `cursor` (an id).
pub fn list(
    conn: &mut DbConn,
    org_id: &str,
    filter: &Filter,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Story>> {
    list_query(org_id, filter, cursor, limit).load(conn)
}

/// The lists' query. Every bound is on a column of an index that also gives the order
/// (`status = ?` and `id < ?`, never `status IN (…)`, which would leave PostgreSQL to sort).
pub fn list_query(
    org_id: &str,
    filter: &Filter,
    cursor: Option<&str>,
    limit: i64,
) -> stories::BoxedQuery<'static, MultiBackend> {
    let mut query = stories::table
        .filter(stories::org_id.eq(org_id.to_string()))
        .order(stories::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(stories::status.eq(status.clone()));
    }
    if let Some(author) = &filter.author_id {
        query = query.filter(stories::author_id.eq(author.clone()));
    }
    if let Some(topic) = &filter.topic {
        let tagged = story_topics::table
            .filter(story_topics::topic.eq(topic.clone()))
            .select(story_topics::story_id);
        query = query.filter(stories::id.eq_any(tagged));
    }
    if let Some(language) = &filter.language {
        query = query.filter(stories::language.eq(language.clone()));
    }
    if let Some(search) = &filter.search {
        // Both sides are folded by the app: the databases' own LOWER() disagree on accents.
        let pattern = format!("%{}%", escape_like(&search_key(search)));
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("search_text LIKE ")
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\'"),
        );
    }
    if let Some(now) = filter.publishable_at {
        query = query
            .filter(stories::publishable.eq(true))
            .filter(
                stories::verified_until
                    .is_null()
                    .or(stories::verified_until.gt(now)),
            )
            .filter(
                stories::expires_at
                    .is_null()
                    .or(stories::expires_at.gt(now)),
            )
            .filter(
                stories::publish_from
                    .is_null()
                    .or(stories::publish_from.le(now)),
            );
    }
    if let Some(cursor) = cursor {
        query = query.filter(stories::id.lt(cursor.to_string()));
    }
    query
}

/// When the next story of the org that is publishable but scheduled enters its feed: no
/// write happens then, so whoever keeps a feed page must know when it stops being true.
pub fn next_scheduled(
    conn: &mut DbConn,
    org_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    next_scheduled_query(org_id, now)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .map(Option::flatten)
}

pub fn next_scheduled_query(
    org_id: &str,
    now: NaiveDateTime,
) -> stories::BoxedQuery<'static, MultiBackend, Nullable<Timestamp>> {
    stories::table
        .filter(stories::org_id.eq(org_id.to_string()))
        .filter(stories::publishable.eq(true))
        .filter(stories::publish_from.gt(now))
        .order(stories::publish_from.asc())
        .select(stories::publish_from)
        .limit(1)
        .into_boxed()
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
