//! Publishing one share, as a job on the durable queue. The share is re-read under its lock
//! when the job runs, so a cancellation or a rejection just before the due time wins: nothing
//! goes out for a share that is no longer scheduled.

use serde::{Deserialize, Serialize};

use super::model::{Channel, Share, ShareStatus};
use super::repo;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::jobs::Job;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct PublishShare {
    pub share_id: String,
}

impl Job for PublishShare {
    const KIND: &'static str = "share.publish";

    async fn run(self, state: AppState) -> anyhow::Result<()> {
        publish(&state, self.share_id).await?;
        Ok(())
    }
}

/// What the claimed job found.
enum Step {
    /// Nothing to do: cancelled, already out, or not due (a later job covers a new time).
    Nothing,
    /// Ours (the careers page): published in the same transaction.
    Done,
}

async fn publish(state: &AppState, share_id: String) -> AppResult<()> {
    let step = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<Step> {
            let Some(share) = repo::lock(conn, &share_id)? else {
                return Ok(Step::Nothing);
            };
            let now = ids::now();
            if share.status() != ShareStatus::Scheduled || share.scheduled_at > now {
                return Ok(Step::Nothing);
            }
            match share.channel() {
                Some(Channel::CareersPage) => {
                    let published = Share {
                        status: ShareStatus::Published.as_str().into(),
                        published_at: Some(now),
                        updated_at: now,
                        ..share
                    };
                    repo::save(conn, &published)?;
                    Ok(Step::Done)
                }
                _ => {
                    Err(anyhow::anyhow!("publishing to {} is not wired yet", share.channel).into())
                }
            }
        })
    })
    .await?;
    match step {
        Step::Nothing | Step::Done => Ok(()),
    }
}
