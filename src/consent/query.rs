//! Where a user stands with their org's consent text: the check every share and every
//! connection makes, and what `/me/consent` shows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::repo::{self, ConsentText};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ids;

/// Where the caller stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyConsentView {
    /// Agreed to the current version and not withdrawn: the caller may share.
    pub active: bool,
    /// The version the caller agreed to, if their agreement is live.
    pub agreed_version: Option<i32>,
    pub current_version: i32,
    pub granted_at: Option<DateTime<Utc>>,
}

pub fn current(conn: &mut DbConn, org_id: &str) -> AppResult<ConsentText> {
    repo::current_text(conn, org_id)?.ok_or(AppError::NotFound)
}

pub fn standing(conn: &mut DbConn, user_id: &str, org_id: &str) -> AppResult<MyConsentView> {
    let current = current(conn, org_id)?;
    let live = repo::live(conn, user_id)?;
    let agreed: Option<i32> = live.as_ref().and_then(|c| c.text_version.parse().ok());
    Ok(MyConsentView {
        active: agreed == Some(current.version),
        agreed_version: agreed,
        current_version: current.version,
        granted_at: live.map(|c| ids::utc(c.granted_at)),
    })
}

/// Refuses unless the user has agreed to the org's current text: nobody shares without it.
pub fn require(conn: &mut DbConn, user_id: &str, org_id: &str) -> AppResult<()> {
    let standing = standing(conn, user_id, org_id)?;
    if standing.active {
        return Ok(());
    }
    let detail = match standing.agreed_version {
        Some(v) => format!(
            "the consent text changed (you agreed to version {v}, it is now version {}); \
             agree to it again with POST /api/v1/me/consent before sharing",
            standing.current_version
        ),
        None => "sharing needs your consent: read GET /api/v1/consent and agree with \
                 POST /api/v1/me/consent"
            .into(),
    };
    Err(AppError::ConsentRequired(detail))
}
