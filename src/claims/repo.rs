//! Queries on claims. Claims are reached through their story, whose org the caller checks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::Claim;
use crate::db::schema::claims;
use crate::db::DbConn;

pub fn for_story(conn: &mut DbConn, story_id: &str) -> QueryResult<Vec<Claim>> {
    claims::table
        .filter(claims::story_id.eq(story_id))
        .order((claims::field, claims::span_start, claims::id))
        .load(conn)
}

pub fn for_stories(conn: &mut DbConn, story_ids: &[String]) -> QueryResult<Vec<Claim>> {
    claims::table
        .filter(claims::story_id.eq_any(story_ids))
        .order((
            claims::story_id,
            claims::field,
            claims::span_start,
            claims::id,
        ))
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Claim>> {
    claims::table.find(id).first(conn).optional()
}

pub fn insert(conn: &mut DbConn, claim: &Claim) -> QueryResult<()> {
    diesel::insert_into(claims::table)
        .values(claim)
        .execute(conn)
        .map(|_| ())
}

/// Where a kept claim now stands in the edited text.
pub fn move_span(
    conn: &mut DbConn,
    id: &str,
    field: &str,
    text: &str,
    start: i32,
    end: i32,
) -> QueryResult<()> {
    diesel::update(claims::table.find(id))
        .set((
            claims::field.eq(field),
            claims::text.eq(text),
            claims::span_start.eq(start),
            claims::span_end.eq(end),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The detector's reasons for a detected claim, as it last found them.
pub fn set_why(conn: &mut DbConn, id: &str, why: Option<&str>) -> QueryResult<()> {
    diesel::update(claims::table.find(id))
        .set(claims::why.eq(why))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConn, ids: &[String]) -> QueryResult<usize> {
    diesel::delete(claims::table.filter(claims::id.eq_any(ids))).execute(conn)
}

/// A moderator's decision on a claim.
pub struct Decision<'a> {
    pub status: &'a str,
    pub evidence_url: Option<&'a str>,
    pub evidence_note: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub decided_by: &'a str,
    pub at: NaiveDateTime,
    pub verification_expires_at: Option<NaiveDateTime>,
}

pub fn decide(conn: &mut DbConn, id: &str, d: &Decision<'_>) -> QueryResult<()> {
    diesel::update(claims::table.find(id))
        .set((
            claims::status.eq(d.status),
            claims::evidence_url.eq(d.evidence_url),
            claims::evidence_note.eq(d.evidence_note),
            claims::reason.eq(d.reason),
            claims::decided_by.eq(d.decided_by),
            claims::decided_at.eq(d.at),
            claims::verification_expires_at.eq(d.verification_expires_at),
            claims::updated_at.eq(d.at),
        ))
        .execute(conn)
        .map(|_| ())
}
