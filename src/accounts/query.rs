//! Reads of orgs and users that other domains and the use cases rely on.

use super::model::{Email, Org, User};
use super::repo;
use crate::claims::policy::Policy;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// The org row, for other domains (policy, disclosure).
pub fn org(conn: &mut DbConn, org_id: &str) -> AppResult<Org> {
    repo::find_org(conn, org_id)?.ok_or(AppError::NotFound)
}

/// The user behind an address, whatever their org (sign-in, the CLI).
pub fn by_email(conn: &mut DbConn, email: &Email) -> diesel::QueryResult<Option<User>> {
    repo::find_user_by_email(conn, email.as_str())
}

/// The user a token or link names; their org comes with them.
pub fn by_id(conn: &mut DbConn, id: &str) -> diesel::QueryResult<Option<User>> {
    repo::find_user(conn, id)
}

/// A user of this org, if there is one (the token's subject, checked against its org).
pub fn in_org(conn: &mut DbConn, org_id: &str, id: &str) -> diesel::QueryResult<Option<User>> {
    repo::find_user_in_org(conn, org_id, id)
}

pub fn org_by_slug(conn: &mut DbConn, slug: &str) -> diesel::QueryResult<Option<Org>> {
    repo::find_org_by_slug(conn, slug)
}

/// A user of the org, or 404.
pub fn user(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<User> {
    repo::find_user_in_org(conn, org_id, id)?.ok_or(AppError::NotFound)
}

/// Addresses of the org's active comms team (moderators and admins), for review notices.
pub fn staff_emails(conn: &mut DbConn, org_id: &str) -> AppResult<Vec<String>> {
    Ok(repo::staff_emails(conn, org_id)?)
}

/// The org's editorial policy, as the gate applies it.
/// The org's policy; its `disclosure` is the org's (kept in its own column, shown in `/me`).
pub fn policy_of(conn: &mut DbConn, org_id: &str) -> AppResult<Policy> {
    let org = org(conn, org_id)?;
    Ok(Policy {
        disclosure: org.disclosure,
        ..Policy::from_json(&org.policy)
    })
}

/// A user of the org, or 404, their row locked for the rest of the transaction: the first
/// lock of every use case about one person (consent, erasure, shares), so those happen one at
/// a time for them. See `app/mod.rs` for the order of the locks after it.
pub fn locked_user(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<User> {
    repo::lock_user(conn, id)?
        .filter(|u| u.org_id == org_id)
        .ok_or(AppError::NotFound)
}
