//! The social networks a share goes out to: one [`Network`] trait, one connector per network
//! (LinkedIn, X, Mastodon, Bluesky), each following the HTTP contract in `networks.md`.
//!
//! Connectors only *classify* what a network answered ([`NetworkError`], [`RefreshError`]);
//! the publishing pipeline decides when to retry, so no connector sleeps or loops. The
//! outcomes that matter to the pipeline:
//!
//! - [`NetworkError::RateLimited`] carries the time the network said to come back
//!   ([`rate_limit_from`] reads every network's signal); delay every job of that account.
//! - [`NetworkError::Unauthorized`]: refresh once ([`Network::refresh`]), then needs_reconnect.
//! - [`NetworkError::Unknown`] (timeout, reset or 5xx while *creating*): the post may exist.
//!   Retry with [`publish_again`], which asks [`Network::find`] first; Mastodon
//!   (`Idempotency-Key`, for an hour) and Bluesky (a client-chosen `rkey`) make a retry with
//!   the same [`Post::key`] safe on their own, which is what a failed look-up falls back on.
//! - [`NetworkError::Transient`]: an idempotent call failed (5xx, timeout): retry later.
//! - [`RefreshError::Rejected`] only for an explicit `invalid_grant` (or Bluesky's expired or
//!   invalid refresh token); anything else leaves the account connected.
//!
//! Secrets (client secrets, tokens) never appear in `Debug` output.

mod bluesky;
mod egress;
mod http;
mod linkedin;
mod mastodon;
mod oauth;
mod pages;
mod registry;
mod resume;
pub mod text;
mod times;
mod x;

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;

pub use bluesky::Bluesky;
pub use http::rate_limit_from;
pub use linkedin::Linkedin;
pub use mastodon::Mastodon;
pub use oauth::new_pkce_verifier;
pub use registry::Networks;
pub use resume::publish_again;
pub use x::X;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = Network)]
pub enum NetworkKind {
    Linkedin,
    X,
    Mastodon,
    Bluesky,
}

impl NetworkKind {
    pub const ALL: [NetworkKind; 4] = [Self::Linkedin, Self::X, Self::Mastodon, Self::Bluesky];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linkedin => "linkedin",
            Self::X => "x",
            Self::Mastodon => "mastodon",
            Self::Bluesky => "bluesky",
        }
    }

    pub fn parse(s: &str) -> Option<NetworkKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for NetworkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NetworkKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a network (linkedin, x, mastodon, bluesky)"))
    }
}

/// The tokens of one connected account. Bluesky: the session's access and refresh JWTs.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub scope: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// What a connector needs to act for one connected account.
#[derive(Clone, Debug)]
pub struct Account {
    /// The Mastodon instance or the Bluesky service (PDS); `None` for LinkedIn and X.
    pub base_url: Option<String>,
    /// LinkedIn person id (`sub`), X user id, Mastodon account id, Bluesky DID.
    pub external_user_id: String,
    pub handle: String,
    pub tokens: TokenSet,
    /// The instance's registered app (Mastodon: revoking needs it); `None` elsewhere.
    pub app: Option<AppCredentials>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub external_user_id: String,
    pub handle: String,
}

/// The OAuth client an authorization goes through: from config for LinkedIn and X, registered
/// per instance for Mastodon ([`Mastodon::register_app`]).
#[derive(Clone, Debug)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: SecretString,
    /// The Mastodon instance the app is registered on; `None` for LinkedIn and X.
    pub base_url: Option<String>,
}

/// One share, as the network will receive it.
#[derive(Clone, Copy, Debug)]
pub struct Post<'a> {
    /// The final text: the disclosure and the tracked link are already in it.
    pub text: &'a str,
    /// The tracked URL, also inside `text`; unique per share, so [`Network::find`] looks for it.
    pub link: &'a str,
    /// BCP 47 language, e.g. `en`.
    pub language: Option<&'a str>,
    /// Stable per share (the share id): Mastodon's `Idempotency-Key`, Bluesky's `rkey` source.
    pub key: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// LinkedIn `urn:li:share:…`, X tweet id, Mastodon status id, Bluesky `at://` URI.
    pub external_id: String,
    pub external_url: Option<String>,
}

/// What the network reports; `None` where it has no such figure (never an estimate).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub impressions: Option<i64>,
    pub reactions: Option<i64>,
    pub comments: Option<i64>,
    pub reshares: Option<i64>,
    pub clicks: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// Delay every job of this account until then.
    #[error("rate limited until {retry_at}")]
    RateLimited { retry_at: DateTime<Utc> },
    /// The token was rejected: refresh once, then the account needs reconnecting.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A create timed out, was reset or got a 5xx: the post may exist, check before re-posting.
    #[error("unknown outcome: {0}")]
    Unknown(String),
    /// An idempotent call (refresh, delete, metrics, find) failed: retry later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// A permanent refusal, with the network's own message.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The network refused the text as a duplicate (LinkedIn 422 DUPLICATE_POST, X 403).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// No client credentials are configured for this network.
    #[error("this network is not configured on this server")]
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefreshError {
    /// The network explicitly refused the grant (`invalid_grant`): the account needs reconnecting.
    #[error("refresh rejected: {0}")]
    Rejected(String),
    /// 5xx, 429, timeout, garbage: the account stays connected, try again later.
    #[error("refresh failed for now: {0}")]
    Transient(String),
}

/// One social network. Object safe: the registry hands out `&dyn Network`.
#[async_trait]
pub trait Network: Send + Sync {
    fn kind(&self) -> NetworkKind;
    /// Client credentials are configured (always true for Mastodon and Bluesky).
    fn available(&self) -> bool;
    /// The text limit, in the network's own unit (see [`Network::length`]).
    fn max_len(&self) -> usize;
    /// The length of `text` as the network counts it (URL weights, CJK weights, graphemes).
    fn length(&self, text: &str) -> usize;
    /// Where to send the user. `app` is `None` for the configured app (LinkedIn, X) and the
    /// instance's registered app for Mastodon. `pkce_verifier` (see [`new_pkce_verifier`]) is
    /// kept by the caller for [`Network::exchange`]; the S256 challenge is derived here.
    fn authorize_url(
        &self,
        app: Option<&AppCredentials>,
        redirect_uri: &str,
        state: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<Url, NetworkError>;
    async fn exchange(
        &self,
        app: Option<&AppCredentials>,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: Option<&str>,
    ) -> Result<TokenSet, NetworkError>;
    /// Who the tokens belong to. `base_url`: the Mastodon instance or Bluesky service.
    async fn identify(
        &self,
        base_url: Option<&str>,
        tokens: &TokenSet,
    ) -> Result<Identity, NetworkError>;
    /// New tokens; a missing refresh token in the answer keeps the previous one.
    async fn refresh(&self, account: &Account) -> Result<TokenSet, RefreshError>;
    async fn publish(&self, account: &Account, post: &Post<'_>) -> Result<Published, NetworkError>;
    /// For how long after the first attempt a repeated [`Network::publish`] with the same
    /// [`Post::key`] gets the first post back instead of making a second: Mastodon keeps an
    /// `Idempotency-Key` about an hour, Bluesky's record key collides for ever. `None` (the
    /// default): a repeat posts again. See [`publish_again`].
    fn repeat_is_safe_for(&self) -> Option<chrono::TimeDelta> {
        None
    }
    /// After an unknown outcome or a crash: is this share's post already at the network?
    async fn find(
        &self,
        account: &Account,
        post: &Post<'_>,
    ) -> Result<Option<Published>, NetworkError>;
    /// Deleting what is already gone is `Ok`.
    async fn delete(&self, account: &Account, external_id: &str) -> Result<(), NetworkError>;
    /// Revokes the tokens where the network allows it (Mastodon); `Ok` elsewhere.
    async fn revoke(&self, account: &Account) -> Result<(), NetworkError>;
    async fn metrics(&self, account: &Account, external_id: &str) -> Result<Metrics, NetworkError>;
}
