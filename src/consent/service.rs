//! Consent rules: the current text, agreeing to it, withdrawing (with everything that follows),
//! and the check every share makes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::repo::{self, Consent, ConsentText};
use crate::accounts::model::User;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;

/// Version 1 of every org's text (the migration seeds existing orgs with the same words).
pub const DEFAULT_TEXT: &str = "I volunteer to share stories of my workplace under my own name. \
I may edit them, and every post I make through Vouch says that I work here. I can withdraw at \
any time: my scheduled posts are then cancelled and my testimonials leave the careers page.";

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

/// Gives a new org its first text (inside the org's creating transaction).
pub fn seed(conn: &mut DbConn, org_id: &str) -> AppResult<()> {
    repo::insert_text(
        conn,
        &ConsentText {
            org_id: org_id.into(),
            version: 1,
            text: DEFAULT_TEXT.into(),
            created_by: None,
            created_at: ids::now(),
        },
    )?;
    Ok(())
}

fn current(conn: &mut DbConn, org_id: &str) -> AppResult<ConsentText> {
    repo::current_text(conn, org_id)?.ok_or(AppError::NotFound)
}

fn standing(conn: &mut DbConn, user_id: &str, org_id: &str) -> AppResult<MyConsentView> {
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

/// Withdraws the caller's consent and everything it allowed, in one transaction.
pub async fn withdraw(state: &AppState, caller: AuthUser) -> AppResult<MyConsentView> {
    let state2 = state.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<MyConsentView> {
            let user = crate::accounts::service::user(conn, &caller.org_id, &caller.id)?;
            withdraw_in(conn, &state2, Some(&caller.id), &user)?;
            standing(conn, &caller.id, &caller.org_id)
        })
    })
    .await
}

/// What withdrawing did, for the audit event and the answer.
#[derive(Debug, Default, Serialize)]
pub struct Withdrawn {
    pub cancelled_shares: usize,
    pub revoked_accounts: usize,
}

/// Withdrawal inside the caller's transaction (also part of erasing a user): ends the
/// agreement, cancels the user's pending and scheduled shares, deletes their social tokens
/// (and queues their revocation at the networks), and audits it. Their testimonials leave
/// public reads because those filter on a live consent; the org's content version is bumped
/// first (before any share is locked, the order of the story command path), so the careers
/// page's cached answers stop being served when this commits.
pub fn withdraw_in(
    conn: &mut DbConn,
    state: &AppState,
    actor_id: Option<&str>,
    user: &User,
) -> AppResult<Withdrawn> {
    crate::accounts::repo::bump_content_version(conn, &user.org_id)?;
    let ended = repo::withdraw_all(conn, &user.id, ids::now())?;
    let cancelled_shares = crate::shares::service::cancel_for_withdrawal(conn, &user.id)?;
    let revoked_accounts = crate::social::service::revoke_all(conn, state, &user.id)?;
    let done = Withdrawn {
        cancelled_shares,
        revoked_accounts,
    };
    if ended > 0 || cancelled_shares > 0 || revoked_accounts > 0 {
        audit::record(
            conn,
            audit::Entry {
                org_id: &user.org_id,
                actor_id,
                action: "consent.withdrawn",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::to_value(&done).unwrap_or_default(),
            },
        )?;
    }
    Ok(done)
}
