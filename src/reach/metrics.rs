//! Reading a published share's figures from its network, as jobs queued when it is
//! published (after 1 h, 24 h, 7 d and 30 d by default: `shares.metrics_after_secs`). Rate
//! limits defer the job to the network's reset; 5xx and timeouts go through the queue's
//! back-off; a share taken down or whose account is gone stops being read.

use serde::{Deserialize, Serialize};

use super::repo::{self, Snapshot};
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::ids;
use crate::jobs::{self, Defer, Handle, Job};
use crate::networks::NetworkError;
use crate::shares::{self, Share, ShareStatus};
use crate::social::tokens;
use crate::social::{self, SocialAccount};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct ReadMetrics {
    pub share_id: String,
}

/// Queues the readings of a share just published, in the transaction that records it.
pub fn schedule(conn: &mut DbConn, state: &AppState, share: &Share) -> AppResult<()> {
    if share.external_id.is_none() {
        return Ok(());
    }
    let published = share.published_at.unwrap_or_else(ids::now);
    for secs in &state.settings.shares.metrics_after_secs {
        let at = published + chrono::Duration::seconds(*secs as i64);
        let job = ReadMetrics {
            share_id: share.id.clone(),
        };
        jobs::enqueue_at(conn, &state.outbox, Some(&share.org_id), &job, at)?;
    }
    Ok(())
}

enum Step {
    Stop,
    Wait(chrono::NaiveDateTime),
    Read(Box<Share>, Box<SocialAccount>),
}

impl Job for ReadMetrics {
    const KIND: &'static str = "share.metrics";
}

impl Handle<AppState> for ReadMetrics {
    async fn run(self, state: AppState) -> anyhow::Result<()> {
        let id = self.share_id.clone();
        let step = db::run(&state.pool, move |conn| -> AppResult<Step> {
            let Some(share) = shares::repo::find(conn, &id)? else {
                return Ok(Step::Stop);
            };
            if share.status() != ShareStatus::Published || share.external_id.is_none() {
                return Ok(Step::Stop);
            }
            let Some(account) = social::repo::usable(conn, share.account_id.as_deref())? else {
                return Ok(Step::Stop);
            };
            if let Some(until) = account.rate_limited_until.filter(|t| *t > ids::now()) {
                return Ok(Step::Wait(until));
            }
            Ok(Step::Read(Box::new(share), Box::new(account)))
        })
        .await?;
        let (share, row) = match step {
            Step::Stop => return Ok(()),
            Step::Wait(until) => return Err(Defer(until).into()),
            Step::Read(share, row) => (share, row),
        };
        let kind = row
            .network()
            .ok_or_else(|| anyhow::anyhow!("unknown network {}", row.network))?;
        let network = state.networks.get(kind);
        let external = share.external_id.clone().unwrap_or_default();
        let external = &external;
        let outcome = tokens::with_refresh(&state, *row, |account| {
            Box::pin(async move { network.metrics(&account, external).await })
        })
        .await?;
        let figures = match outcome.into_answer(kind)? {
            Ok(figures) => figures,
            Err(NetworkError::RateLimited { retry_at }) => {
                return Err(Defer(retry_at.naive_utc()).into())
            }
            Err(e @ (NetworkError::Transient(_) | NetworkError::Unknown(_))) => {
                anyhow::bail!("{kind}: {e}")
            }
            // The post is gone, the network will not say, or the account must be reconnected
            // (its owner was told): nothing to read now, nothing to retry.
            Err(e) => {
                tracing::info!(network = %kind, share = %share.id, error = %e, "no metrics for this share");
                return Ok(());
            }
        };
        let snapshot = Snapshot {
            id: ids::new_id(),
            share_id: share.id.clone(),
            org_id: share.org_id.clone(),
            taken_at: ids::now(),
            impressions: figures.impressions,
            reactions: figures.reactions,
            comments: figures.comments,
            reshares: figures.reshares,
            network_clicks: figures.clicks,
        };
        db::run(&state.pool, move |conn| repo::insert(conn, &snapshot)).await?;
        Ok(())
    }
}
