//! Rows and views of connected accounts.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::social_accounts;
use crate::ids;
use crate::stories::captions::Network;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = social_accounts)]
pub struct SocialAccount {
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub network: String,
    /// The Mastodon instance or Bluesky service the account lives on.
    pub base_url: Option<String>,
    pub external_user_id: String,
    pub handle: String,
    pub status: String,
    /// Sealed (`crypto::Sealer`): never stored or logged in clear.
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub token_expires_at: Option<NaiveDateTime>,
    pub scope: Option<String>,
    pub token_generation: i32,
    pub refresh_lease_until: Option<NaiveDateTime>,
    pub rate_limited_until: Option<NaiveDateTime>,
    pub expiry_warned_at: Option<NaiveDateTime>,
    pub connected_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Tokens held and working.
    Connected,
    /// The network refused our tokens; the ambassador must connect again.
    NeedsReconnect,
    /// Disconnected or consent withdrawn: no tokens held.
    Revoked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Connected => "connected",
            AccountStatus::NeedsReconnect => "needs_reconnect",
            AccountStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> AccountStatus {
        match s {
            "connected" => AccountStatus::Connected,
            "needs_reconnect" => AccountStatus::NeedsReconnect,
            _ => AccountStatus::Revoked,
        }
    }
}

impl SocialAccount {
    pub fn status(&self) -> AccountStatus {
        AccountStatus::parse(&self.status)
    }

    pub fn network(&self) -> Option<Network> {
        crate::stories::captions::Network::parse(&self.network)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub network: Network,
    pub handle: String,
    pub status: AccountStatus,
    pub connected_at: DateTime<Utc>,
    /// When the access token runs out (networks that refresh renew it before then).
    pub expires_at: Option<DateTime<Utc>>,
}

impl AccountView {
    pub fn of(a: SocialAccount) -> Option<AccountView> {
        Some(AccountView {
            network: a.network()?,
            status: a.status(),
            id: a.id,
            handle: a.handle,
            connected_at: ids::utc(a.connected_at),
            expires_at: a.token_expires_at.map(ids::utc),
        })
    }
}
