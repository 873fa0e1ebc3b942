//! Queries on orgs and users. Every user read takes the org id, so a caller cannot reach
//! another tenant's rows by accident.

use diesel::prelude::*;

use super::model::{Org, Role, User, UserStatus};
use crate::db::schema::{orgs, users};
use crate::db::{DbConn, MultiBackend};

pub fn insert_org(conn: &mut DbConn, org: &Org) -> QueryResult<()> {
    diesel::insert_into(orgs::table)
        .values(org)
        .execute(conn)
        .map(|_| ())
}

pub fn find_org(conn: &mut DbConn, id: &str) -> QueryResult<Option<Org>> {
    orgs::table.find(id).first(conn).optional()
}

pub fn find_org_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Org>> {
    orgs::table
        .filter(orgs::slug.eq(slug))
        .first(conn)
        .optional()
}

pub fn insert_user(conn: &mut DbConn, user: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(|_| ())
}

/// By id, without an org: only for the token subject, which we signed ourselves.
pub fn find_user(conn: &mut DbConn, id: &str) -> QueryResult<Option<User>> {
    users::table.find(id).first(conn).optional()
}

pub fn find_user_in_org(conn: &mut DbConn, org_id: &str, id: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::id.eq(id))
        .first(conn)
        .optional()
}

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .first(conn)
        .optional()
}

/// One page of an org's users in id (= creation) order, after `cursor`.
pub fn list_users(
    conn: &mut DbConn,
    org_id: &str,
    role: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    list_users_query(org_id, role, cursor, limit).load(conn)
}

pub fn list_users_query(
    org_id: &str,
    role: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> users::BoxedQuery<'static, MultiBackend> {
    let mut query = users::table
        .filter(users::org_id.eq(org_id.to_string()))
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(role) = role {
        query = query.filter(users::role.eq(role.to_string()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(users::id.gt(cursor.to_string()));
    }
    query
}

/// Addresses of the org's active moderators and admins.
pub fn staff_emails(conn: &mut DbConn, org_id: &str) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::role.eq_any(["moderator", "admin"]))
        .filter(users::status.eq("active"))
        .order(users::id.asc())
        .select(users::email)
        .load(conn)
}

pub fn mark_signed_in(
    conn: &mut DbConn,
    user_id: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::last_login_at.eq(at), users::status.eq("active")))
        .filter(users::status.ne("disabled"))
        .execute(conn)
        .map(|_| ())
}

pub fn update_role_and_status(
    conn: &mut DbConn,
    user_id: &str,
    role: &str,
    status: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::role.eq(role), users::status.eq(status)))
        .execute(conn)
        .map(|_| ())
}

/// Writes the user's own profile fields (display name and what the careers page shows).
pub fn save_profile(conn: &mut DbConn, user: &User) -> QueryResult<()> {
    diesel::update(users::table.find(&user.id))
        .set((
            users::display_name.eq(&user.display_name),
            users::job_title.eq(&user.job_title),
            users::photo_url.eq(&user.photo_url),
            users::team.eq(&user.team),
            users::location.eq(&user.location),
            users::show_job_title.eq(user.show_job_title),
            users::show_photo.eq(user.show_photo),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks the org's content changed, in the caller's transaction. On PostgreSQL this holds
/// the org row until commit, so every transaction that changes stories takes it first,
/// before any story row (see `stories::command`): one order, no deadlock.
pub fn bump_content_version(conn: &mut DbConn, org_id: &str) -> QueryResult<()> {
    crate::freshness::touched();
    diesel::update(orgs::table.find(org_id))
        .set(orgs::content_version.eq(orgs::content_version + 1))
        .execute(conn)
        .map(|_| ())
}

pub fn set_policy(
    conn: &mut DbConn,
    org_id: &str,
    policy: &str,
    disclosure: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(orgs::table.find(org_id))
        .set((
            orgs::policy.eq(policy),
            orgs::disclosure.eq(disclosure),
            orgs::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a sign-in; an invited user becomes active by signing in.
pub fn signed_in(
    conn: &mut DbConn,
    user: User,
    at: chrono::NaiveDateTime,
) -> diesel::QueryResult<User> {
    mark_signed_in(conn, &user.id, at)?;
    Ok(User {
        status: UserStatus::Active.as_str().into(),
        last_login_at: Some(at),
        ..user
    })
}

/// Makes a seeded user active with `role` at once (demo data, tests): no invite to accept.
pub fn activate(conn: &mut DbConn, user: User, role: Role) -> diesel::QueryResult<User> {
    update_role_and_status(conn, &user.id, role.as_str(), UserStatus::Active.as_str())?;
    Ok(User {
        role: role.as_str().into(),
        status: UserStatus::Active.as_str().into(),
        ..user
    })
}

/// Locks a user's row for the rest of the transaction (PostgreSQL; SQLite serialises every
/// write anyway): what one person does with their consent, their erasure and their shares
/// happens one at a time. Taken before the org row, a story or a share.
pub fn lock_user(conn: &mut DbConn, id: &str) -> QueryResult<Option<User>> {
    let query = users::table.find(id);
    match conn {
        DbConn::Postgresql(pg) => query.for_update().first(pg).optional(),
        DbConn::Sqlite(_) => query.first(conn).optional(),
    }
}
