//! Rows of login links and refresh tokens; secrets are stored only as hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::User;
use crate::db::schema::{login_links, orgs, refresh_tokens, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_links)]
pub struct LoginLink {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub purpose: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_login_link(conn: &mut DbConn, link: &LoginLink) -> QueryResult<()> {
    diesel::insert_into(login_links::table)
        .values(link)
        .execute(conn)
        .map(|_| ())
}

pub fn find_login_link(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<LoginLink>> {
    login_links::table
        .filter(login_links::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Marks a link used if nobody used it first; true when this call won.
pub fn consume_login_link(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(login_links::table.find(id))
        .filter(login_links::used_at.is_null())
        .set(login_links::used_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn insert_refresh_token(conn: &mut DbConn, token: &RefreshToken) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
        .map(|_| ())
}

pub fn find_refresh_token(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Marks a token rotated if it was not already; true when this call won the race.
pub fn rotate_refresh_token(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(refresh_tokens::table.find(id))
        .filter(refresh_tokens::rotated_at.is_null())
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::rotated_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn revoke_family(conn: &mut DbConn, family_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(at))
        .execute(conn)
}

pub fn revoke_all_for_user(
    conn: &mut DbConn,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(at))
        .execute(conn)
}

/// The user `user_id` of `org_id`, their org's content version, and whether the session
/// `family_id` is alive: what every authenticated request needs, in one round trip.
pub fn caller(
    conn: &mut DbConn,
    org_id: &str,
    user_id: &str,
    family_id: &str,
) -> QueryResult<Option<(User, i64, bool)>> {
    let alive = diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id.to_string()))
            .filter(refresh_tokens::revoked_at.is_null()),
    );
    users::table
        .inner_join(orgs::table)
        .filter(users::id.eq(user_id))
        .filter(users::org_id.eq(org_id))
        .select((User::as_select(), orgs::content_version, alive))
        .first(conn)
        .optional()
}

/// Whether a session (a refresh-token family) is still alive: some token of it not revoked.
pub fn family_alive(conn: &mut DbConn, family_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    ))
    .get_result(conn)
}
