//! Consent rules: the current text, agreeing to it, withdrawing (with everything that follows),
//! and the check every share makes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::{current, standing, MyConsentView};
use super::repo::{self, Consent, ConsentText};
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;

const MAX_TEXT_CHARS: usize = 20_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentTextView {
    /// Name it when agreeing (`POST /me/consent`).
    pub version: i32,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

impl From<ConsentText> for ConsentTextView {
    fn from(t: ConsentText) -> Self {
        ConsentTextView {
            version: t.version,
            text: t.text,
            updated_at: ids::utc(t.created_at),
        }
    }
}

pub async fn text(state: &AppState, caller: AuthUser) -> AppResult<ConsentTextView> {
    db::run(&state.pool, move |conn| {
        current(conn, &caller.org_id).map(Into::into)
    })
    .await
}

/// A new version of the text (admins); agreements to earlier versions stay on record but no
/// longer let anyone share.
pub async fn set_text(
    state: &AppState,
    caller: AuthUser,
    text: String,
) -> AppResult<ConsentTextView> {
    // The limit is on the text as sent (what the document's maxLength counts).
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::validation(
            "text",
            format!("is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(AppError::validation("text", "is required"));
    }
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<ConsentTextView> {
            let previous = current(conn, &caller.org_id)?;
            if previous.text == text {
                return Ok(previous.into());
            }
            let next = ConsentText {
                org_id: caller.org_id.clone(),
                version: previous.version + 1,
                text,
                created_by: Some(caller.id.clone()),
                created_at: ids::now(),
            };
            repo::insert_text(conn, &next)?;
            audit::by_user(
                conn,
                &caller,
                "consent.text_changed",
                ("org", &caller.org_id),
                serde_json::json!({ "version": next.version }),
            )?;
            Ok(next.into())
        })
    })
    .await
}

pub async fn mine(state: &AppState, caller: AuthUser) -> AppResult<MyConsentView> {
    db::run(&state.pool, move |conn| {
        standing(conn, &caller.id, &caller.org_id)
    })
    .await
}

/// Opts in to the current version (naming it proves the caller saw that text).
pub async fn agree(state: &AppState, caller: AuthUser, version: i32) -> AppResult<MyConsentView> {
    db::run_atomic(&state.pool, move |conn| agree_in(conn, &caller, version)).await
}

/// `agree` inside the caller's transaction.
pub fn agree_in(conn: &mut DbConn, caller: &AuthUser, version: i32) -> AppResult<MyConsentView> {
    let current = current(conn, &caller.org_id)?;
    if version != current.version {
        return Err(AppError::validation(
            "version",
            format!(
                "the current consent text is version {}; read it and agree to that one",
                current.version
            ),
        ));
    }
    let before = standing(conn, &caller.id, &caller.org_id)?;
    if before.active {
        return Ok(before);
    }
    // The author's testimonials come back on the careers page: its cached answers go.
    crate::accounts::repo::bump_content_version(conn, &caller.org_id)?;
    let now = ids::now();
    repo::withdraw_all(conn, &caller.id, now)?;
    repo::insert(
        conn,
        &Consent {
            id: ids::new_id(),
            user_id: caller.id.clone(),
            text_version: version.to_string(),
            granted_at: now,
            withdrawn_at: None,
        },
    )?;
    audit::by_user(
        conn,
        caller,
        "consent.granted",
        ("user", &caller.id),
        serde_json::json!({ "version": version }),
    )?;
    standing(conn, &caller.id, &caller.org_id)
}
