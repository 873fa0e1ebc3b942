//! Tokens of connected accounts: opening them for a connector, and refreshing them so that two
//! workers that find the same expired token cause one refresh (X refresh tokens are
//! single-use): whoever takes the row's refresh lease refreshes; the others wait for the new
//! token generation.

use chrono::Duration;
use diesel::prelude::*;

use super::model::{AccountStatus, SocialAccount};
use super::repo;
use crate::db::schema::{mastodon_apps, social_accounts};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::mail::{self, templates};
use crate::networks::{Account, AppCredentials, NetworkError, NetworkKind, RefreshError, TokenSet};
use crate::state::AppState;

/// The connector's view of an account, its tokens opened.
pub fn open(state: &AppState, conn: &mut DbConn, row: &SocialAccount) -> AppResult<Account> {
    let sealed = row
        .access_token
        .as_deref()
        .ok_or_else(|| AppError::conflict("the account holds no tokens; connect it again"))?;
    let tokens = TokenSet {
        access_token: state.sealer.open(sealed)?,
        refresh_token: match &row.refresh_token {
            Some(t) => Some(state.sealer.open(t)?),
            None => None,
        },
        expires_at: row.token_expires_at,
        scope: row.scope.clone(),
    };
    let app = match (row.network.as_str(), &row.base_url) {
        ("mastodon", Some(instance)) => mastodon_app(state, conn, instance)?,
        _ => None,
    };
    Ok(Account {
        base_url: row.base_url.clone(),
        external_user_id: row.external_user_id.clone(),
        handle: row.handle.clone(),
        tokens,
        app,
    })
}

/// The registered app of a Mastodon instance, if Vouch has one there.
pub fn mastodon_app(
    state: &AppState,
    conn: &mut DbConn,
    instance: &str,
) -> AppResult<Option<AppCredentials>> {
    let row: Option<(String, String)> = mastodon_apps::table
        .find(instance)
        .select((mastodon_apps::client_id, mastodon_apps::client_secret))
        .first(conn)
        .optional()?;
    match row {
        Some((client_id, secret)) => Ok(Some(AppCredentials {
            client_id,
            client_secret: state.sealer.open(&secret)?.into(),
            base_url: Some(instance.to_string()),
        })),
        None => Ok(None),
    }
}

/// Seals and stores new tokens; a set without a refresh token keeps the stored one.
pub fn store(
    state: &AppState,
    conn: &mut DbConn,
    account_id: &str,
    tokens: &TokenSet,
) -> AppResult<()> {
    let refresh = match &tokens.refresh_token {
        Some(t) => Some(state.sealer.seal(t)?),
        None => None,
    };
    let now = ids::now();
    let target = social_accounts::table.find(account_id);
    diesel::update(target)
        .set((
            social_accounts::access_token.eq(Some(state.sealer.seal(&tokens.access_token)?)),
            social_accounts::token_expires_at.eq(tokens.expires_at),
            social_accounts::token_generation.eq(social_accounts::token_generation + 1),
            social_accounts::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
            social_accounts::status.eq(AccountStatus::Connected.as_str()),
            social_accounts::updated_at.eq(now),
        ))
        .execute(conn)?;
    if let Some(refresh) = refresh {
        diesel::update(target)
            .set(social_accounts::refresh_token.eq(Some(refresh)))
            .execute(conn)?;
    }
    Ok(())
}

/// What a refresh attempt came to.
pub enum Refreshed {
    /// New tokens are stored (by us or by whoever held the lease).
    Fresh,
    /// The network refused the grant: the account now needs reconnecting (mail queued).
    Rejected(String),
    /// Not now (5xx, 429, timeout): try again later.
    Later(String),
    /// Another worker holds the refresh lease: its new tokens come within seconds.
    Busy,
}

/// Refreshes the account's tokens once, unless someone already did since `seen_generation`.
pub async fn refresh(
    state: &AppState,
    account_id: &str,
    seen_generation: i32,
) -> AppResult<Refreshed> {
    let id = account_id.to_string();
    let lease = db::run(
        &state.pool,
        move |conn| -> AppResult<Option<(i32, SocialAccount)>> {
            let now = ids::now();
            let taken = diesel::update(
                social_accounts::table
                    .filter(social_accounts::id.eq(&id))
                    .filter(social_accounts::token_generation.eq(seen_generation))
                    .filter(
                        social_accounts::refresh_lease_until
                            .is_null()
                            .or(social_accounts::refresh_lease_until.lt(now)),
                    ),
            )
            .set(social_accounts::refresh_lease_until.eq(now + Duration::seconds(60)))
            .execute(conn)?;
            let row = repo::find(conn, &id)?.ok_or(AppError::NotFound)?;
            Ok((taken == 1).then_some((row.token_generation, row)))
        },
    )
    .await?;
    let Some((_, row)) = lease else {
        // Someone else refreshed (generation moved) or is refreshing (lease held).
        let id = account_id.to_string();
        let now_generation = db::run(&state.pool, move |conn| -> AppResult<i32> {
            Ok(repo::find(conn, &id)?
                .ok_or(AppError::NotFound)?
                .token_generation)
        })
        .await?;
        return Ok(if now_generation != seen_generation {
            Refreshed::Fresh
        } else {
            Refreshed::Busy
        });
    };
    let kind = NetworkKind::parse(&row.network).ok_or(AppError::NotFound)?;
    let (state2, row2) = (state.clone(), row.clone());
    let account = db::run(&state.pool, move |conn| open(&state2, conn, &row2)).await?;
    let outcome = state.networks.get(kind).refresh(&account).await;
    let (state2, id) = (state.clone(), account_id.to_string());
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<Refreshed> {
            match outcome {
                Ok(tokens) => {
                    store(&state2, conn, &id, &tokens)?;
                    Ok(Refreshed::Fresh)
                }
                Err(RefreshError::Rejected(why)) => {
                    needs_reconnect(&state2, conn, &row, &why)?;
                    Ok(Refreshed::Rejected(why))
                }
                Err(RefreshError::Transient(why)) => {
                    diesel::update(social_accounts::table.find(&id))
                        .set(social_accounts::refresh_lease_until.eq(None::<chrono::NaiveDateTime>))
                        .execute(conn)?;
                    Ok(Refreshed::Later(why))
                }
            }
        })
    })
    .await
}

/// The network refused our tokens for good: the account waits for its owner, who is told.
pub fn needs_reconnect(
    state: &AppState,
    conn: &mut DbConn,
    row: &SocialAccount,
    why: &str,
) -> AppResult<()> {
    let changed = diesel::update(
        social_accounts::table
            .filter(social_accounts::id.eq(&row.id))
            .filter(social_accounts::status.eq(AccountStatus::Connected.as_str())),
    )
    .set((
        social_accounts::status.eq(AccountStatus::NeedsReconnect.as_str()),
        social_accounts::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
        social_accounts::updated_at.eq(ids::now()),
    ))
    .execute(conn)?;
    if changed == 1 {
        let user = crate::accounts::query::user(conn, &row.org_id, &row.user_id)?;
        mail::queue(
            conn,
            &state.outbox,
            Some(&row.org_id),
            templates::reconnect(&user.email, &row.network, &row.handle, why),
        )?;
    }
    Ok(())
}

/// How long before a token without a refresh token ends its owner hears of it (LinkedIn's
/// 60-day tokens, for members without LinkedIn's partner refresh tokens).
pub const EXPIRY_WARNING_DAYS: i64 = 7;

/// Mails each ambassador whose account's token ends within a week and cannot be refreshed,
/// once per connection (reconnecting clears the mark); returns how many were warned.
pub fn warn_expiring(conn: &mut DbConn, state: &AppState) -> AppResult<usize> {
    let now = ids::now();
    let mut warned = 0;
    for account in repo::expiring_unwarned(conn, now + Duration::days(EXPIRY_WARNING_DAYS))? {
        db::transaction(conn, |conn| -> AppResult<()> {
            if !repo::mark_warned(conn, &account.id, now)? {
                return Ok(());
            }
            let user = crate::accounts::query::user(conn, &account.org_id, &account.user_id)?;
            let ends = account.token_expires_at.unwrap_or(now);
            mail::queue(
                conn,
                &state.outbox,
                Some(&account.org_id),
                templates::access_ending(&user.email, &account.network, &account.handle, ends),
            )?;
            warned += 1;
            Ok(())
        })?;
    }
    Ok(warned)
}

/// One call to a network for an account (its tokens opened).
pub type NetworkCall<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, NetworkError>> + Send + 'a>>;

/// What a call to a network with an account's tokens came to.
pub enum Authed<T> {
    /// The network's answer (anything but a refused token).
    Answer(Result<T, NetworkError>),
    /// The network refuses the tokens for good: the account needs reconnecting (its owner
    /// was mailed).
    Reconnect(String),
    /// Another worker is refreshing the tokens: try again in a moment.
    Busy,
    /// The refresh failed for now (5xx, 429, timeout): try again later.
    Later(String),
}

impl<T> Authed<T> {
    /// For a job: the network's answer, a refusal for good as `Unauthorized`; a refresh
    /// another worker is making defers the job a moment (not a failed attempt), and one that
    /// must wait fails the attempt (the queue's back-off).
    pub fn into_answer(self, kind: NetworkKind) -> anyhow::Result<Result<T, NetworkError>> {
        match self {
            Authed::Answer(answer) => Ok(answer),
            Authed::Reconnect(why) => Ok(Err(NetworkError::Unauthorized(why))),
            Authed::Busy => Err(crate::jobs::Defer(ids::now() + Duration::seconds(2)).into()),
            Authed::Later(why) => anyhow::bail!("{kind}: the token's refresh must wait: {why}"),
        }
    }
}

/// Calls the network with `row`'s tokens; before a token that is about to end, and on a
/// refused token, refreshes once (or takes the tokens another worker just refreshed) and
/// calls again. The one place that decides between "refresh" and "reconnect", for
/// publishing, deleting and reading metrics alike.
pub async fn with_refresh<'c, T>(
    state: &AppState,
    mut row: SocialAccount,
    call: impl Fn(Account) -> NetworkCall<'c, T>,
) -> AppResult<Authed<T>> {
    let mut refreshed = false;
    loop {
        // A token that ends within the minute is refreshed first, where it can be.
        let ending = !refreshed
            && row.refresh_token.is_some()
            && row
                .token_expires_at
                .is_some_and(|t| t <= ids::now() + Duration::seconds(60));
        if !ending {
            let (state2, row2) = (state.clone(), row.clone());
            let account = db::run(&state.pool, move |conn| open(&state2, conn, &row2)).await?;
            match call(account).await {
                Err(NetworkError::Unauthorized(_)) if !refreshed => {}
                Err(NetworkError::Unauthorized(why)) => {
                    let (state2, row2, why2) = (state.clone(), row.clone(), why.clone());
                    db::run(&state.pool, move |conn| {
                        needs_reconnect(&state2, conn, &row2, &why2)
                    })
                    .await?;
                    return Ok(Authed::Reconnect(why));
                }
                answer => return Ok(Authed::Answer(answer)),
            }
        }
        match refresh(state, &row.id, row.token_generation).await? {
            Refreshed::Fresh => {
                refreshed = true;
                let id = row.id.clone();
                row = db::run(&state.pool, move |conn| -> AppResult<SocialAccount> {
                    repo::find(conn, &id)?.ok_or(AppError::NotFound)
                })
                .await?;
            }
            Refreshed::Rejected(why) => return Ok(Authed::Reconnect(why)),
            Refreshed::Busy => return Ok(Authed::Busy),
            Refreshed::Later(why) => return Ok(Authed::Later(why)),
        }
    }
}
