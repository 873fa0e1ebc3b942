//! Queries on connected accounts. Reads take the user, so nobody reaches another's account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{AccountStatus, SocialAccount};
use crate::db::schema::social_accounts;
use crate::db::{DbConn, MultiBackend};

pub fn insert(conn: &mut DbConn, account: &SocialAccount) -> QueryResult<()> {
    diesel::insert_into(social_accounts::table)
        .values(account)
        .execute(conn)
        .map(|_| ())
}

pub fn of_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<SocialAccount>> {
    social_accounts::table
        .filter(social_accounts::user_id.eq(user_id))
        .order(social_accounts::id.asc())
        .load(conn)
}

pub fn find_of_user(
    conn: &mut DbConn,
    user_id: &str,
    id: &str,
) -> QueryResult<Option<SocialAccount>> {
    social_accounts::table
        .filter(social_accounts::user_id.eq(user_id))
        .filter(social_accounts::id.eq(id))
        .first(conn)
        .optional()
}

pub fn by_network(
    conn: &mut DbConn,
    user_id: &str,
    network: &str,
) -> QueryResult<Option<SocialAccount>> {
    social_accounts::table
        .filter(social_accounts::user_id.eq(user_id))
        .filter(social_accounts::network.eq(network))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<SocialAccount>> {
    social_accounts::table.find(id).first(conn).optional()
}

/// The account, if it is connected and holds tokens (what publishing and deleting need).
pub fn usable(conn: &mut DbConn, id: Option<&str>) -> QueryResult<Option<SocialAccount>> {
    let Some(id) = id else { return Ok(None) };
    Ok(find(conn, id)?
        .filter(|a| a.status() == AccountStatus::Connected && a.access_token.is_some()))
}

/// Drops the tokens and marks the account revoked.
pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(social_accounts::table.find(id))
        .set((
            social_accounts::status.eq(AccountStatus::Revoked.as_str()),
            social_accounts::access_token.eq(None::<String>),
            social_accounts::refresh_token.eq(None::<String>),
            social_accounts::token_expires_at.eq(None::<NaiveDateTime>),
            social_accounts::token_generation.eq(social_accounts::token_generation + 1),
            social_accounts::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Replaces the whole row (reconnecting an account keeps its id, so its shares follow it).
pub fn replace(conn: &mut DbConn, account: &SocialAccount) -> QueryResult<usize> {
    diesel::update(social_accounts::table.find(&account.id))
        .set((
            social_accounts::base_url.eq(&account.base_url),
            social_accounts::external_user_id.eq(&account.external_user_id),
            social_accounts::handle.eq(&account.handle),
            social_accounts::status.eq(&account.status),
            social_accounts::access_token.eq(&account.access_token),
            social_accounts::refresh_token.eq(&account.refresh_token),
            social_accounts::token_expires_at.eq(account.token_expires_at),
            social_accounts::scope.eq(&account.scope),
            social_accounts::token_generation.eq(social_accounts::token_generation + 1),
            social_accounts::refresh_lease_until.eq(None::<NaiveDateTime>),
            social_accounts::rate_limited_until.eq(None::<NaiveDateTime>),
            social_accounts::expiry_warned_at.eq(None::<NaiveDateTime>),
            social_accounts::connected_at.eq(account.connected_at),
            social_accounts::updated_at.eq(account.updated_at),
        ))
        .execute(conn)
}

/// Connected accounts whose token ends before `before` with no refresh token to renew it,
/// not yet warned about it, soonest first.
pub fn expiring_unwarned(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> QueryResult<Vec<SocialAccount>> {
    expiring_unwarned_query(before).load(conn)
}

pub fn expiring_unwarned_query(
    before: NaiveDateTime,
) -> social_accounts::BoxedQuery<'static, MultiBackend> {
    social_accounts::table
        .filter(social_accounts::status.eq(AccountStatus::Connected.as_str()))
        .filter(social_accounts::refresh_token.is_null())
        .filter(social_accounts::expiry_warned_at.is_null())
        .filter(social_accounts::token_expires_at.lt(before))
        .order((social_accounts::token_expires_at, social_accounts::id))
        .limit(500)
        .into_boxed()
}

/// Marks the warning sent; false when another instance sent it first.
pub fn mark_warned(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        social_accounts::table
            .filter(social_accounts::id.eq(id))
            .filter(social_accounts::expiry_warned_at.is_null()),
    )
    .set(social_accounts::expiry_warned_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}
