//! Queries of the tracked links: the rows the in-memory table is built from (all of them at
//! start, then what changed), one code on a miss, the click batches and the totals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::table::LinkRow;
use crate::db::schema::{link_clicks, orgs, shares, stories};
use crate::db::{DbConn, MultiBackend};

type LinkColumns = (
    shares::id,
    shares::org_id,
    shares::channel,
    shares::status,
    shares::tracked_code,
    stories::status,
    stories::link_url,
    stories::title,
);

const LINK_COLUMNS: LinkColumns = (
    shares::id,
    shares::org_id,
    shares::channel,
    shares::status,
    shares::tracked_code,
    stories::status,
    stories::link_url,
    stories::title,
);

type LinkQuery = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::Select<diesel::dsl::InnerJoin<shares::table, stories::table>, LinkColumns>,
    MultiBackend,
>;

fn links() -> LinkQuery {
    shares::table
        .inner_join(stories::table)
        .select(LINK_COLUMNS)
        .into_boxed()
}

/// Every share's link (at start).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<LinkRow>> {
    links().load(conn)
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<LinkRow>> {
    links()
        .filter(shares::tracked_code.eq(code.to_string()))
        .first(conn)
        .optional()
}

/// Shares written since `since` (created, cancelled, published, retracted).
pub fn shares_changed_since_query(since: NaiveDateTime) -> LinkQuery {
    links().filter(shares::updated_at.gt(since))
}

/// Shares of stories written since `since` (title, link or status changed).
pub fn stories_changed_since_query(since: NaiveDateTime) -> LinkQuery {
    links().filter(stories::updated_at.gt(since))
}

pub fn changed_since(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<Vec<LinkRow>> {
    let mut rows = shares_changed_since_query(since).load(conn)?;
    rows.extend(stories_changed_since_query(since).load::<LinkRow>(conn)?);
    Ok(rows)
}

/// (org id, policy JSON) of the orgs written since `since` (the policy holds the fallback).
pub fn orgs_changed_since_query(
    since: NaiveDateTime,
) -> orgs::BoxedQuery<'static, MultiBackend, (diesel::sql_types::Text, diesel::sql_types::Text)> {
    orgs::table
        .filter(orgs::updated_at.gt(since))
        .select((orgs::id, orgs::policy))
        .into_boxed()
}

pub fn orgs_changed_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    orgs_changed_since_query(since).load(conn)
}

pub fn all_org_policies(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    orgs::table.select((orgs::id, orgs::policy)).load(conn)
}

pub fn org_policy(conn: &mut DbConn, org_id: &str) -> QueryResult<Option<String>> {
    orgs::table
        .find(org_id)
        .select(orgs::policy)
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = link_clicks)]
pub struct ClickRow {
    pub share_id: String,
    pub day: NaiveDate,
    pub referrer_host: String,
    pub device: String,
    pub clicks: i64,
    pub previews: i64,
}

/// Rows per statement: 6 parameters each, under SQLite's oldest limit of 999.
const CHUNK: usize = 150;

/// Adds the counts to the stored ones: an upsert per dialect (the enum has none), so a
/// batch is a few statements whatever its size, never one update per click.
pub fn add(conn: &mut DbConn, rows: &[ClickRow]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    use link_clicks::dsl as c;
    for chunk in rows.chunks(CHUNK) {
        let target = (c::share_id, c::day, c::referrer_host, c::device);
        let sums = (
            c::clicks.eq(c::clicks + excluded(c::clicks)),
            c::previews.eq(c::previews + excluded(c::previews)),
        );
        match conn {
            DbConn::Postgresql(pg) => diesel::insert_into(link_clicks::table)
                .values(chunk)
                .on_conflict(target)
                .do_update()
                .set(sums)
                .execute(pg)?,
            // diesel has no batch upsert for SQLite; a statement per row in one local
            // transaction costs microseconds.
            DbConn::Sqlite(lite) => {
                for row in chunk {
                    diesel::insert_into(link_clicks::table)
                        .values(row)
                        .on_conflict(target)
                        .do_update()
                        .set(sums)
                        .execute(lite)?;
                }
                chunk.len()
            }
        };
    }
    Ok(())
}

/// The distinct (share id, referrer host) pairs stored for these shares.
pub fn stored_hosts(conn: &mut DbConn, share_ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    link_clicks::table
        .filter(link_clicks::share_id.eq_any(share_ids))
        .select((link_clicks::share_id, link_clicks::referrer_host))
        .distinct()
        .load(conn)
}

/// (share id, clicks, previews) summed over every stored row of each share.
pub fn totals(conn: &mut DbConn, share_ids: &[String]) -> QueryResult<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, i64, i64)> = link_clicks::table
        .filter(link_clicks::share_id.eq_any(share_ids))
        .select((
            link_clicks::share_id,
            link_clicks::clicks,
            link_clicks::previews,
        ))
        .load(conn)?;
    let mut sums: Vec<(String, i64, i64)> = Vec::new();
    for (id, clicks, previews) in rows {
        match sums.iter_mut().find(|(s, _, _)| *s == id) {
            Some(sum) => {
                sum.1 += clicks;
                sum.2 += previews;
            }
            None => sums.push((id, clicks, previews)),
        }
    }
    Ok(sums)
}

/// Every stored row of a share (tests and exports).
pub fn rows_of(conn: &mut DbConn, share_id: &str) -> QueryResult<Vec<ClickRow>> {
    link_clicks::table
        .filter(link_clicks::share_id.eq(share_id))
        .order((
            link_clicks::day,
            link_clicks::referrer_host,
            link_clicks::device,
        ))
        .load(conn)
}
