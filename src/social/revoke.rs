//! Revoking an account's tokens at the network, as a job queued in the transaction that
//! deletes them here (a disconnect, a withdrawal of consent, an erasure): the network is told
//! even if it is down at that moment. The job carries the tokens sealed, as the row did.
//! Mastodon revokes the token; Bluesky deletes the session; LinkedIn and X document no
//! revocation for these tokens, so there the deletion here is all there is.

use serde::{Deserialize, Serialize};

use super::{repo, tokens, SocialAccount};
use crate::db;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::jobs::{self, Handle, Job};
use crate::networks::{NetworkError, NetworkKind};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct RevokeTokens {
    pub account_id: String,
    /// Sealed (`crypto::Sealer`): the queue holds no token in clear.
    pub access_token: String,
    pub refresh_token: Option<String>,
}

impl Job for RevokeTokens {
    const KIND: &'static str = "account.revoke";
}

impl Handle<AppState> for RevokeTokens {
    async fn run(self, state: AppState) -> anyhow::Result<()> {
        let state2 = state.clone();
        let (kind, account) = db::run(&state.pool, move |conn| -> AppResult<_> {
            let row = repo::find(conn, &self.account_id)?.ok_or(AppError::NotFound)?;
            let kind = NetworkKind::parse(&row.network).ok_or(AppError::NotFound)?;
            let sealed = SocialAccount {
                access_token: Some(self.access_token),
                refresh_token: self.refresh_token,
                ..row
            };
            Ok((kind, tokens::open(&state2, conn, &sealed)?))
        })
        .await?;
        match state.networks.get(kind).revoke(&account).await {
            Ok(()) => Ok(()),
            // Nothing left to try: the tokens are gone here and the network will not take them.
            Err(e @ (NetworkError::Rejected(_) | NetworkError::Unavailable)) => {
                tracing::warn!(network = %kind, error = %e, "the network did not revoke the tokens");
                Ok(())
            }
            Err(e) => anyhow::bail!("{kind}: {e}"),
        }
    }
}

/// Queues the revocation of `account`'s tokens, if it holds any, in the caller's transaction.
pub fn queue(conn: &mut DbConn, state: &AppState, account: &SocialAccount) -> AppResult<()> {
    let Some(access_token) = account.access_token.clone() else {
        return Ok(());
    };
    jobs::enqueue(
        conn,
        &state.outbox,
        Some(&account.org_id),
        &RevokeTokens {
            account_id: account.id.clone(),
            access_token,
            refresh_token: account.refresh_token.clone(),
        },
    )?;
    Ok(())
}
