//! Connecting an account. LinkedIn, X and Mastodon: OAuth 2.0 authorization code with a
//! `state` bound to the user (stored hashed, single use, ten minutes) and PKCE S256 where the
//! network takes it; Mastodon first gets an app registered on the instance (kept and reused).
//! Bluesky: a session made from an app password. The browser comes back to
//! `/oauth/callback/{network}`, which authenticates by `state`, not by a bearer token.

use chrono::Duration;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{AccountStatus, AccountView, SocialAccount};
use super::{repo, tokens};
use crate::audit;
use crate::auth::secrets::{hash_token, random_token};
use crate::auth::AuthUser;
use crate::db::schema::{mastodon_apps, oauth_states};
use crate::db::{self, is_unique_violation, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::networks::{
    new_pkce_verifier, AppCredentials, Identity, NetworkError, NetworkKind, TokenSet,
};
use crate::state::AppState;

const STATE_TTL_MINUTES: i64 = 10;

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectInput {
    /// Mastodon: the instance, e.g. `https://mastodon.social`.
    pub instance_url: Option<String>,
    /// Bluesky: the handle, e.g. `amara.bsky.social`.
    pub handle: Option<String>,
    /// Bluesky: an app password (Settings → App passwords), never the account's password.
    pub app_password: Option<String>,
    /// Bluesky: the service (PDS) if not `https://bsky.social`.
    pub service_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectAnswer {
    /// LinkedIn, X, Mastodon: send the browser here; it comes back to Vouch's callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    /// Bluesky: the account, connected at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountView>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_states)]
struct OAuthState {
    state_hash: String,
    user_id: String,
    network: String,
    instance_url: Option<String>,
    pkce_verifier: Option<String>,
    created_at: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
    used_at: Option<chrono::NaiveDateTime>,
}

pub fn parse_network(raw: &str) -> AppResult<NetworkKind> {
    NetworkKind::parse(raw).ok_or_else(|| {
        AppError::validation(
            "network",
            format!("`{raw}` is not a network: use linkedin, x, mastodon or bluesky"),
        )
    })
}

fn redirect_uri(state: &AppState, kind: NetworkKind) -> String {
    format!(
        "{}/oauth/callback/{}",
        state.settings.server.public_url.trim_end_matches('/'),
        kind.as_str()
    )
}

/// A network's refusal while connecting, as the client should see it.
fn refused(kind: NetworkKind, field: &str, e: NetworkError) -> AppError {
    match e {
        NetworkError::Unavailable => AppError::validation(
            "network",
            format!(
                "{kind} is not available on this server (no client credentials are configured)"
            ),
        ),
        NetworkError::Rejected(m) | NetworkError::Unauthorized(m) => {
            AppError::validation(field, format!("{kind} refused: {m}"))
        }
        other => AppError::Upstream(format!(
            "{kind} did not answer as expected ({other}); try again"
        )),
    }
}

pub async fn connect(
    state: &AppState,
    caller: AuthUser,
    network: String,
    input: ConnectInput,
) -> AppResult<ConnectAnswer> {
    let kind = parse_network(&network)?;
    {
        let caller = caller.clone();
        db::run(&state.pool, move |conn| {
            crate::consent::query::require(conn, &caller.id, &caller.org_id)
        })
        .await?;
    }
    match kind {
        NetworkKind::Bluesky => connect_bluesky(state, caller, input).await,
        _ => start_oauth(state, caller, kind, input).await,
    }
}

async fn start_oauth(
    state: &AppState,
    caller: AuthUser,
    kind: NetworkKind,
    input: ConnectInput,
) -> AppResult<ConnectAnswer> {
    let network = state.networks.get(kind);
    if !network.available() {
        return Err(refused(kind, "network", NetworkError::Unavailable));
    }
    let redirect = redirect_uri(state, kind);
    let (app, instance) = if kind == NetworkKind::Mastodon {
        let raw = input
            .instance_url
            .as_deref()
            .ok_or_else(|| AppError::validation("instance_url", "is required for Mastodon"))?;
        let instance = crate::urls::parse_origin(raw, state.settings.security.allow_private_urls)
            .map_err(|m| AppError::validation("instance_url", m))?;
        (
            Some(mastodon_app(state, &instance, &redirect).await?),
            Some(instance),
        )
    } else {
        (None, None)
    };
    // X requires PKCE and Mastodon ≥ 4.3 takes it; LinkedIn's web flow has none.
    let verifier = (kind != NetworkKind::Linkedin).then(new_pkce_verifier);
    let secret = random_token("vst_");
    let url = network
        .authorize_url(app.as_ref(), &redirect, &secret, verifier.as_deref())
        .map_err(|e| refused(kind, "network", e))?;
    let now = ids::now();
    let row = OAuthState {
        state_hash: hash_token(&secret),
        user_id: caller.id.clone(),
        network: kind.as_str().into(),
        instance_url: instance,
        pkce_verifier: verifier.map(|v| state.sealer.seal(&v)).transpose()?,
        created_at: now,
        expires_at: now + Duration::minutes(STATE_TTL_MINUTES),
        used_at: None,
    };
    db::run(&state.pool, move |conn| {
        diesel::insert_into(oauth_states::table)
            .values(&row)
            .execute(conn)
    })
    .await?;
    Ok(ConnectAnswer {
        authorize_url: Some(url.to_string()),
        account: None,
    })
}

/// The instance's app: the one registered before, or a new registration kept for next time.
async fn mastodon_app(
    state: &AppState,
    instance: &str,
    redirect: &str,
) -> AppResult<AppCredentials> {
    let (state2, key) = (state.clone(), instance.to_string());
    if let Some(app) = db::run(&state.pool, move |conn| {
        tokens::mastodon_app(&state2, conn, &key)
    })
    .await?
    {
        return Ok(app);
    }
    let app = state
        .networks
        .mastodon()
        .register_app(instance, redirect)
        .await
        .map_err(|e| refused(NetworkKind::Mastodon, "instance_url", e))?;
    let sealed = state
        .sealer
        .seal(secrecy::ExposeSecret::expose_secret(&app.client_secret))?;
    let (state2, key, client_id, redirect) = (
        state.clone(),
        instance.to_string(),
        app.client_id.clone(),
        redirect.to_string(),
    );
    db::run(&state.pool, move |conn| -> AppResult<AppCredentials> {
        let inserted = diesel::insert_into(mastodon_apps::table)
            .values((
                mastodon_apps::instance_url.eq(&key),
                mastodon_apps::client_id.eq(&client_id),
                mastodon_apps::client_secret.eq(&sealed),
                mastodon_apps::redirect_uri.eq(&redirect),
                mastodon_apps::created_at.eq(ids::now()),
            ))
            .execute(conn);
        match inserted {
            // Registered twice at once: keep the first, as every state already issued uses it.
            Err(e) if is_unique_violation(&e) => {
                tokens::mastodon_app(&state2, conn, &key)?.ok_or(AppError::NotFound)
            }
            Err(e) => Err(e.into()),
            Ok(_) => Ok(app),
        }
    })
    .await
}

async fn connect_bluesky(
    state: &AppState,
    caller: AuthUser,
    input: ConnectInput,
) -> AppResult<ConnectAnswer> {
    let handle = input
        .handle
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty());
    let password = input.app_password.as_deref().filter(|p| !p.is_empty());
    let (Some(handle), Some(password)) = (handle, password) else {
        let mut errors = Vec::new();
        if handle.is_none() {
            errors.push(crate::error::FieldError::new(
                "handle",
                "is required for Bluesky",
            ));
        }
        if password.is_none() {
            errors.push(crate::error::FieldError::new(
                "app_password",
                "is required for Bluesky",
            ));
        }
        return Err(AppError::Validation(errors));
    };
    let service = input
        .service_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| crate::urls::parse_origin(s, state.settings.security.allow_private_urls))
        .transpose()
        .map_err(|m| AppError::validation("service_url", m))?;
    let (identity, tokens) = state
        .networks
        .bluesky()
        .create_session(service.as_deref(), handle, password)
        .await
        .map_err(|e| refused(NetworkKind::Bluesky, "app_password", e))?;
    let base = service.unwrap_or_else(|| {
        let default = state.networks.bluesky().default_service_url();
        default.trim_end_matches('/').to_string()
    });
    let state2 = state.clone();
    let account = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| {
            save_account(
                &state2,
                conn,
                &caller,
                NetworkKind::Bluesky,
                Some(base),
                identity,
                tokens,
            )
        })
    })
    .await?;
    Ok(ConnectAnswer {
        authorize_url: None,
        account: AccountView::of(account),
    })
}

/// The callback's query: a code and our state, or the network's error.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Finishes an OAuth connection: the state is spent whatever happens next.
pub async fn finish(state: &AppState, network: String, query: Callback) -> AppResult<AccountView> {
    let kind = parse_network(&network)?;
    let secret = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| AppError::validation("state", "is missing"))?;
    let hash = hash_token(secret);
    let spent = db::run(&state.pool, move |conn| -> AppResult<OAuthState> {
        db::transaction(conn, |conn| {
            let row: OAuthState = oauth_states::table
                .find(&hash)
                .first(conn)
                .optional()?
                .ok_or_else(|| {
                    AppError::validation("state", "is unknown: start the connection again")
                })?;
            let now = ids::now();
            if row.used_at.is_some() {
                return Err(AppError::validation(
                    "state",
                    "was used already: start the connection again",
                ));
            }
            if row.expires_at <= now {
                return Err(AppError::validation(
                    "state",
                    "has expired: start the connection again",
                ));
            }
            let taken = diesel::update(
                oauth_states::table
                    .find(&hash)
                    .filter(oauth_states::used_at.is_null()),
            )
            .set(oauth_states::used_at.eq(now))
            .execute(conn)?;
            if taken != 1 {
                return Err(AppError::validation(
                    "state",
                    "was used already: start the connection again",
                ));
            }
            Ok(row)
        })
    })
    .await?;
    if spent.network != kind.as_str() {
        return Err(AppError::validation(
            "state",
            "belongs to another network's connection",
        ));
    }
    if let Some(error) = query.error.as_deref() {
        let detail = query.error_description.as_deref().unwrap_or("");
        return Err(AppError::validation(
            "error",
            format!("{kind} answered `{error}` {detail}")
                .trim()
                .to_string(),
        ));
    }
    let code = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::validation("code", "is missing"))?;
    let verifier = spent
        .pkce_verifier
        .as_deref()
        .map(|v| state.sealer.open(v))
        .transpose()?;
    let app = match &spent.instance_url {
        Some(instance) => {
            let (state2, key) = (state.clone(), instance.clone());
            db::run(&state.pool, move |conn| {
                tokens::mastodon_app(&state2, conn, &key)
            })
            .await?
        }
        None => None,
    };
    let network = state.networks.get(kind);
    let redirect = redirect_uri(state, kind);
    let tokens = network
        .exchange(app.as_ref(), code, &redirect, verifier.as_deref())
        .await
        .map_err(|e| refused(kind, "code", e))?;
    let identity = network
        .identify(spent.instance_url.as_deref(), &tokens)
        .await
        .map_err(|e| refused(kind, "code", e))?;
    let state2 = state.clone();
    let account = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<SocialAccount> {
            let user =
                crate::accounts::query::by_id(conn, &spent.user_id)?.ok_or(AppError::NotFound)?;
            let caller = AuthUser::from_user(user);
            save_account(
                &state2,
                conn,
                &caller,
                kind,
                spent.instance_url,
                identity,
                tokens,
            )
        })
    })
    .await?;
    AccountView::of(account).ok_or(AppError::NotFound)
}

/// Stores a connection: a new row, or the user's existing row for that network reconnected
/// (its id stays, so its shares follow; a refresh token the new grant lacks is kept).
fn save_account(
    state: &AppState,
    conn: &mut DbConn,
    caller: &AuthUser,
    kind: NetworkKind,
    base_url: Option<String>,
    identity: Identity,
    tokens: TokenSet,
) -> AppResult<SocialAccount> {
    let now = ids::now();
    let existing = repo::by_network(conn, &caller.id, kind.as_str())?;
    let refresh = match (&tokens.refresh_token, &existing) {
        (Some(t), _) => Some(state.sealer.seal(t)?),
        (None, Some(old)) if old.external_user_id == identity.external_user_id => {
            old.refresh_token.clone()
        }
        (None, _) => None,
    };
    let account = SocialAccount {
        id: existing
            .as_ref()
            .map(|a| a.id.clone())
            .unwrap_or_else(ids::new_id),
        org_id: caller.org_id.clone(),
        user_id: caller.id.clone(),
        network: kind.as_str().into(),
        base_url,
        external_user_id: identity.external_user_id,
        handle: identity.handle,
        status: AccountStatus::Connected.as_str().into(),
        access_token: Some(state.sealer.seal(&tokens.access_token)?),
        refresh_token: refresh,
        token_expires_at: tokens.expires_at,
        scope: tokens.scope,
        token_generation: 0,
        refresh_lease_until: None,
        rate_limited_until: None,
        expiry_warned_at: None,
        connected_at: now,
        updated_at: now,
    };
    match existing {
        Some(_) => {
            repo::replace(conn, &account)?;
        }
        None => repo::insert(conn, &account)?,
    }
    audit::by_user(
        conn,
        caller,
        "account.connected",
        ("social_account", &account.id),
        serde_json::json!({ "network": account.network, "handle": account.handle }),
    )?;
    Ok(account)
}
