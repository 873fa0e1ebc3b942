//! Queries on API keys and the origins they allow.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::ApiKey;
use crate::db::schema::{api_key_origins, api_keys, orgs};
use crate::db::{DbConn, MultiBackend};

pub fn insert(conn: &mut DbConn, key: &ApiKey, origins: &[String]) -> QueryResult<()> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .execute(conn)?;
    for origin in origins {
        diesel::insert_into(api_key_origins::table)
            .values((
                api_key_origins::origin.eq(origin),
                api_key_origins::key_id.eq(&key.id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table
        .filter(api_keys::org_id.eq(org_id))
        .filter(api_keys::id.eq(id))
        .first(conn)
        .optional()
}

/// The org's keys, newest first, after `cursor`.
pub fn list(
    conn: &mut DbConn,
    org_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ApiKey>> {
    list_query(org_id, cursor, limit).load(conn)
}

pub fn list_query(
    org_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> api_keys::BoxedQuery<'static, MultiBackend> {
    let mut query = api_keys::table
        .filter(api_keys::org_id.eq(org_id.to_string()))
        .order(api_keys::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(api_keys::id.lt(cursor.to_string()));
    }
    query
}

pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_keys::table.find(id))
        .filter(api_keys::revoked_at.is_null())
        .set(api_keys::revoked_at.eq(at))
        .execute(conn)
}

/// The active key with this hash, and its org's content version.
pub fn active_by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<(ApiKey, i64)>> {
    api_keys::table
        .inner_join(orgs::table)
        .filter(api_keys::key_hash.eq(hash))
        .filter(api_keys::revoked_at.is_null())
        .select((ApiKey::as_select(), orgs::content_version))
        .first(conn)
        .optional()
}

/// Whether some active key allows `origin` (a CORS preflight, which carries no key).
pub fn origin_allowed(conn: &mut DbConn, origin: &str) -> QueryResult<bool> {
    let found: Option<String> = api_key_origins::table
        .inner_join(api_keys::table)
        .filter(api_key_origins::origin.eq(origin))
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}
