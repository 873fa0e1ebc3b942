//! The rows analytics add up: published shares of a period, their latest network readings,
//! and the names they are grouped under. Every read is bounded by the org and the period.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{consents, share_metrics, shares, stories, story_topics, users};
use crate::db::{DbConn, MultiBackend};
use crate::reach::repo::Snapshot;

/// A share that went out, as analytics sees it.
#[derive(Debug, Clone, Queryable)]
pub struct Published {
    pub id: String,
    pub user_id: String,
    pub story_id: String,
    pub channel: String,
    pub published_at: NaiveDateTime,
}

/// Shares of `org_id` published in `[from, to)` (taken down since or not: they went out),
/// of `user_id` only when given.
pub fn published(
    conn: &mut DbConn,
    org_id: &str,
    user_id: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Published>> {
    published_query(org_id, user_id, from, to).load(conn)
}

type PublishedQuery = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::Select<
        shares::table,
        (
            shares::id,
            shares::user_id,
            shares::story_id,
            shares::channel,
            diesel::dsl::AssumeNotNull<shares::published_at>,
        ),
    >,
    MultiBackend,
>;

pub fn published_query(
    org_id: &str,
    user_id: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> PublishedQuery {
    let mut query = shares::table
        .select((
            shares::id,
            shares::user_id,
            shares::story_id,
            shares::channel,
            shares::published_at.assume_not_null(),
        ))
        .into_boxed()
        .filter(shares::org_id.eq(org_id.to_string()))
        .filter(shares::published_at.ge(from))
        .filter(shares::published_at.lt(to))
        .filter(shares::status.eq_any(["published", "retracted"]));
    if let Some(user) = user_id {
        query = query.filter(shares::user_id.eq(user.to_string()));
    }
    query.order(shares::published_at.asc())
}

/// The latest reading of each share that has one.
pub fn latest_readings(
    conn: &mut DbConn,
    share_ids: &[String],
) -> QueryResult<HashMap<String, Snapshot>> {
    let mut latest: HashMap<String, Snapshot> = HashMap::new();
    for chunk in share_ids.chunks(500) {
        let rows: Vec<Snapshot> = share_metrics::table
            .filter(share_metrics::share_id.eq_any(chunk))
            .select(Snapshot::as_select())
            .load(conn)?;
        for row in rows {
            let newer = latest
                .get(&row.share_id)
                .is_none_or(|seen| (row.taken_at, &row.id) > (seen.taken_at, &seen.id));
            if newer {
                latest.insert(row.share_id.clone(), row);
            }
        }
    }
    Ok(latest)
}

pub fn story_titles(
    conn: &mut DbConn,
    story_ids: &[String],
) -> QueryResult<HashMap<String, String>> {
    let mut titles = HashMap::new();
    for chunk in story_ids.chunks(500) {
        let rows: Vec<(String, String)> = stories::table
            .filter(stories::id.eq_any(chunk))
            .select((stories::id, stories::title))
            .load(conn)?;
        titles.extend(rows);
    }
    Ok(titles)
}

pub fn story_topics(
    conn: &mut DbConn,
    story_ids: &[String],
) -> QueryResult<HashMap<String, Vec<String>>> {
    let mut topics: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in story_ids.chunks(500) {
        let rows: Vec<(String, String)> = story_topics::table
            .filter(story_topics::story_id.eq_any(chunk))
            .select((story_topics::story_id, story_topics::topic))
            .load(conn)?;
        for (story, topic) in rows {
            topics.entry(story).or_default().push(topic);
        }
    }
    Ok(topics)
}

/// Display names of the org's members.
pub fn member_names(conn: &mut DbConn, org_id: &str) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::org_id.eq(org_id))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Active ambassadors of the org who have agreed to share (a consent not withdrawn).
pub fn opted_in_ambassadors(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<String>> {
    users::table
        .inner_join(consents::table)
        .filter(users::org_id.eq(org_id))
        .filter(users::role.eq("ambassador"))
        .filter(users::status.eq("active"))
        .filter(consents::withdrawn_at.is_null())
        .select(users::id)
        .distinct()
        .load(conn)
}
