//! Queries on metrics snapshots.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::share_metrics;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = share_metrics)]
pub struct Snapshot {
    pub id: String,
    pub share_id: String,
    pub org_id: String,
    pub taken_at: NaiveDateTime,
    pub impressions: Option<i64>,
    pub reactions: Option<i64>,
    pub comments: Option<i64>,
    pub reshares: Option<i64>,
    pub network_clicks: Option<i64>,
}

pub fn insert(conn: &mut DbConn, snapshot: &Snapshot) -> QueryResult<()> {
    diesel::insert_into(share_metrics::table)
        .values(snapshot)
        .execute(conn)
        .map(|_| ())
}

/// The share's latest snapshot, if the network was read yet.
pub fn latest(conn: &mut DbConn, share_id: &str) -> QueryResult<Option<Snapshot>> {
    share_metrics::table
        .filter(share_metrics::share_id.eq(share_id))
        .order((share_metrics::taken_at.desc(), share_metrics::id.desc()))
        .first(conn)
        .optional()
}
