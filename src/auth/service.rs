//! The sign-in rules: single-use links, token pairs, refresh rotation with reuse detection.

use std::net::IpAddr;

use chrono::Duration;

use super::access::{create_link, LinkPurpose};
use super::repo::{self, RefreshToken};
use super::secrets::{hash_token, random_token};
use crate::accounts::{self, Email, User};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::mail::{self, templates};
use crate::state::AppState;

const REFRESH_PREFIX: &str = "vrt_";

/// An access token and the refresh token that renews it.
#[derive(Debug)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Mails a sign-in link if the address belongs to an account that may sign in. The answer
/// and its timing are the same either way, so the endpoint tells nobody who has an account.
#[tracing::instrument(skip(state, email))]
pub async fn request_login_link(
    state: &AppState,
    email: Email,
    ip: Option<IpAddr>,
) -> AppResult<()> {
    state.login_limiter.check(email.as_str(), ip)?;
    let ttl_secs = state.settings.auth.login_link_ttl_secs;
    let state = state.clone();
    // The link and its mail are committed together (the outbox): no link without its mail.
    db::run(&state.pool.clone(), move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let Some(user) = accounts::query::by_email(conn, &email)? else {
                return Ok(());
            };
            if !user.may_sign_in() {
                return Ok(());
            }
            let token = create_link(
                conn,
                &user.id,
                LinkPurpose::Login,
                Duration::seconds(ttl_secs),
            )?;
            let link = state.login_link(&token);
            mail::queue(
                conn,
                &state.outbox,
                Some(&user.org_id),
                templates::login_link(&user.email, &user.display_name, &link, ttl_secs / 60),
            )
        })
    })
    .await
}

/// Trades a link's secret for a token pair; the link is spent whatever happens next.
#[tracing::instrument(skip(state, token))]
pub async fn exchange_link(state: &AppState, token: String) -> AppResult<(TokenPair, User)> {
    let refresh_ttl = Duration::days(state.settings.auth.refresh_ttl_days);
    let (user, session) = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<_> {
            let invalid = || AppError::unauthorized("the sign-in link is invalid, used or expired");
            let link = repo::find_login_link(conn, &hash_token(&token))?.ok_or_else(invalid)?;
            let now = ids::now();
            if link.used_at.is_some() || link.expires_at <= now {
                return Err(invalid());
            }
            if !repo::consume_login_link(conn, &link.id, now)? {
                return Err(invalid());
            }
            let user = accounts::query::by_id(conn, &link.user_id)?.ok_or_else(invalid)?;
            if !user.may_sign_in() {
                return Err(AppError::forbidden("this account is disabled"));
            }
            let user = accounts::repo::signed_in(conn, user, now)?;
            let session = ids::new_id();
            let refresh = new_refresh_token(conn, &user.id, &session, refresh_ttl)?;
            Ok((user, (session, refresh)))
        })
    })
    .await?;
    let (session, refresh_token) = session;
    Ok((pair(state, &user, &session, refresh_token)?, user))
}

fn pair(
    state: &AppState,
    user: &User,
    session: &str,
    refresh_token: String,
) -> AppResult<TokenPair> {
    Ok(TokenPair {
        access_token: state
            .jwt
            .issue(&user.id, &user.org_id, &user.role, session)?,
        refresh_token,
        expires_in: state.jwt.ttl_secs,
    })
}

/// Opens a session for `user` without a link (the operator's `admin token`, tests): a
/// refresh-token family like any sign-in, so logging out ends it the same way.
pub fn open_session(conn: &mut DbConn, state: &AppState, user: &User) -> AppResult<TokenPair> {
    let session = ids::new_id();
    let ttl = Duration::days(state.settings.auth.refresh_ttl_days);
    let refresh = new_refresh_token(conn, &user.id, &session, ttl)?;
    pair(state, user, &session, refresh)
}

/// Whether the session an access token names is still alive (not logged out, not revoked
/// after a refresh token was reused).
/// The caller of a request: their user row, their org's content version, and whether the
/// session of their token is alive.
pub fn caller(
    conn: &mut DbConn,
    claims: &crate::auth::jwt::Claims,
) -> diesel::QueryResult<Option<(crate::accounts::User, i64, bool)>> {
    repo::caller(conn, &claims.org, &claims.sub, &claims.sid)
}

pub fn session_alive(conn: &mut DbConn, session_id: &str) -> diesel::QueryResult<bool> {
    repo::family_alive(conn, session_id)
}

fn new_refresh_token(
    conn: &mut DbConn,
    user_id: &str,
    family_id: &str,
    ttl: Duration,
) -> diesel::QueryResult<String> {
    let token = random_token(REFRESH_PREFIX);
    let now = ids::now();
    repo::insert_refresh_token(
        conn,
        &RefreshToken {
            id: ids::new_id(),
            user_id: user_id.to_string(),
            family_id: family_id.to_string(),
            token_hash: hash_token(&token),
            created_at: now,
            expires_at: now + ttl,
            rotated_at: None,
            revoked_at: None,
        },
    )?;
    Ok(token)
}

enum Rotation {
    Rotated {
        user: Box<User>,
        session: String,
        token: String,
    },
    /// A token that was already rotated came back: it was stolen or replayed, so the whole
    /// family is revoked (committed) and the caller must sign in again.
    Reused,
    Invalid,
}

/// Rotates a refresh token: the old one is spent, a new one of the same family is issued.
#[tracing::instrument(skip(state, token))]
pub async fn refresh(state: &AppState, token: String) -> AppResult<TokenPair> {
    let ttl = Duration::days(state.settings.auth.refresh_ttl_days);
    let rotation = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<Rotation> {
            let Some(stored) = repo::find_refresh_token(conn, &hash_token(&token))? else {
                return Ok(Rotation::Invalid);
            };
            let now = ids::now();
            if stored.revoked_at.is_some() || stored.expires_at <= now {
                return Ok(Rotation::Invalid);
            }
            if stored.rotated_at.is_some() || !repo::rotate_refresh_token(conn, &stored.id, now)? {
                repo::revoke_family(conn, &stored.family_id, now)?;
                return Ok(Rotation::Reused);
            }
            let user = match accounts::query::by_id(conn, &stored.user_id)? {
                Some(user) if user.may_sign_in() => user,
                _ => return Ok(Rotation::Invalid),
            };
            let token = new_refresh_token(conn, &user.id, &stored.family_id, ttl)?;
            Ok(Rotation::Rotated {
                user: Box::new(user),
                session: stored.family_id,
                token,
            })
        })
    })
    .await?;
    match rotation {
        Rotation::Rotated {
            user,
            session,
            token,
        } => pair(state, &user, &session, token),
        Rotation::Reused => {
            tracing::warn!("refresh token reused: its family is revoked");
            Err(AppError::unauthorized(
                "this refresh token was already used; sign in again",
            ))
        }
        Rotation::Invalid => Err(AppError::unauthorized(
            "the refresh token is invalid, revoked or expired",
        )),
    }
}

/// Ends the session the refresh token belongs to (its whole family). Unknown tokens are
/// accepted silently: logging out twice is not an error.
#[tracing::instrument(skip(state, token))]
pub async fn logout(state: &AppState, token: String) -> AppResult<()> {
    db::run(&state.pool, move |conn| -> AppResult<()> {
        if let Some(stored) = repo::find_refresh_token(conn, &hash_token(&token))? {
            repo::revoke_family(conn, &stored.family_id, ids::now())?;
        }
        Ok(())
    })
    .await
}
