//! The org's labelled examples and its fitted adjustment.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{claims, detector_adjustments, detector_examples, stories};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = detector_examples)]
pub struct Example {
    pub id: String,
    pub org_id: String,
    pub story_id: String,
    pub normalized: String,
    pub text: String,
    pub language: String,
    pub is_claim: bool,
    pub source: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = detector_adjustments)]
pub struct Fitted {
    pub org_id: String,
    pub model: String,
    pub examples: i32,
    pub version: i64,
    pub fitted_at: NaiveDateTime,
}

/// Keeps `example` as the org's judgement of its sentence, replacing an earlier one.
pub fn put_example(conn: &mut DbConn, example: &Example) -> QueryResult<()> {
    diesel::delete(
        detector_examples::table
            .filter(detector_examples::org_id.eq(&example.org_id))
            .filter(detector_examples::normalized.eq(&example.normalized)),
    )
    .execute(conn)?;
    diesel::insert_into(detector_examples::table)
        .values(example)
        .execute(conn)
        .map(|_| ())
}

pub fn examples(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<Example>> {
    detector_examples::table
        .filter(detector_examples::org_id.eq(org_id))
        .order(detector_examples::created_at.asc())
        .select(Example::as_select())
        .load(conn)
}

/// Orgs with an example newer than their last fit, whose last fit (or, never fitted, whose
/// first example) is older than `before`: the schedule refits an org at most that often.
pub fn orgs_due_for_refit(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<Vec<String>> {
    let spans: Vec<(String, Option<NaiveDateTime>, Option<NaiveDateTime>)> =
        detector_examples::table
            .group_by(detector_examples::org_id)
            .select((
                detector_examples::org_id,
                diesel::dsl::min(detector_examples::created_at),
                diesel::dsl::max(detector_examples::created_at),
            ))
            .load(conn)?;
    let fitted: Vec<(String, NaiveDateTime)> = detector_adjustments::table
        .select((
            detector_adjustments::org_id,
            detector_adjustments::fitted_at,
        ))
        .load(conn)?;
    Ok(spans
        .into_iter()
        .filter_map(|(org, first, newest)| {
            let (first, newest) = (first?, newest?);
            let last_fit = fitted.iter().find(|(o, _)| *o == org).map(|(_, at)| *at);
            let due = match last_fit {
                Some(at) => newest > at && at < before,
                None => first < before,
            };
            due.then_some(org)
        })
        .collect())
}

pub fn fitted(conn: &mut DbConn, org_id: &str) -> QueryResult<Option<Fitted>> {
    detector_adjustments::table
        .find(org_id)
        .select(Fitted::as_select())
        .first(conn)
        .optional()
}

/// The stored adjustment's version, without its body (read on every detection).
pub fn fitted_version(conn: &mut DbConn, org_id: &str) -> QueryResult<Option<i64>> {
    detector_adjustments::table
        .find(org_id)
        .select(detector_adjustments::version)
        .first(conn)
        .optional()
}

pub fn put_fitted(conn: &mut DbConn, fitted: &Fitted) -> QueryResult<()> {
    diesel::delete(detector_adjustments::table.find(&fitted.org_id)).execute(conn)?;
    diesel::insert_into(detector_adjustments::table)
        .values(fitted)
        .execute(conn)
        .map(|_| ())
}

/// Forgets the examples taken from `author_id`'s stories (erasure).
pub fn forget_author(conn: &mut DbConn, author_id: &str) -> QueryResult<usize> {
    let theirs = stories::table
        .filter(stories::author_id.eq(author_id))
        .select(stories::id);
    diesel::delete(detector_examples::table.filter(detector_examples::story_id.eq_any(theirs)))
        .execute(conn)
}

/// Claims of the org's stories created in `[from, to)`: (origin, status) of each.
pub fn claims_created(
    conn: &mut DbConn,
    org_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    claims::table
        .inner_join(stories::table)
        .filter(stories::org_id.eq(org_id))
        .filter(claims::created_at.ge(from))
        .filter(claims::created_at.lt(to))
        .select((claims::origin, claims::status))
        .load(conn)
}
