//! What grants access, as other domains and use cases create or end it: a single-use link
//! (sign-in, invite) and a user's sessions.

use chrono::Duration;

use super::repo::{self, LoginLink};
use super::secrets::{hash_token, random_token};
use crate::db::DbConn;
use crate::ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Login,
    Invite,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Login => "login",
            LinkPurpose::Invite => "invite",
        }
    }
}

/// Stores a fresh single-use link for `user` and returns its secret (only the hash is kept).
pub fn create_link(
    conn: &mut DbConn,
    user_id: &str,
    purpose: LinkPurpose,
    ttl: Duration,
) -> diesel::QueryResult<String> {
    let token = random_token("");
    let now = ids::now();
    repo::insert_login_link(
        conn,
        &LoginLink {
            id: ids::new_id(),
            user_id: user_id.to_string(),
            token_hash: hash_token(&token),
            purpose: purpose.as_str().to_string(),
            created_at: now,
            expires_at: now + ttl,
            used_at: None,
        },
    )?;
    Ok(token)
}

/// Ends every session of a user (their account was disabled).
pub fn end_sessions(conn: &mut DbConn, user_id: &str) -> diesel::QueryResult<usize> {
    repo::revoke_all_for_user(conn, user_id, ids::now())
}
