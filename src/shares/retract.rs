//! Taking a published share down after its story was withdrawn, as a job: the careers page
//! drops it at once; a network post is deleted where the network allows it.

use serde::{Deserialize, Serialize};

use super::model::{Channel, Share, ShareStatus};
use super::repo;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::jobs::Job;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct RetractShare {
    pub share_id: String,
}

impl Job for RetractShare {
    const KIND: &'static str = "share.retract";

    async fn run(self, state: AppState) -> anyhow::Result<()> {
        retract(&state, self.share_id).await?;
        Ok(())
    }
}

async fn retract(state: &AppState, share_id: String) -> AppResult<()> {
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let Some(share) = repo::lock(conn, &share_id)? else {
                return Ok(());
            };
            match (share.status(), share.channel()) {
                // Still being posted: wait for the outcome, then take it down.
                (ShareStatus::Publishing, _) => Err(anyhow::anyhow!(
                    "share {share_id} is still being published; retracting it next time"
                )
                .into()),
                (ShareStatus::Published, Some(Channel::CareersPage)) => {
                    let now = ids::now();
                    repo::save(
                        conn,
                        &Share {
                            status: share.status().retract()?.as_str().into(),
                            updated_at: now,
                            ..share
                        },
                    )?;
                    Ok(())
                }
                (ShareStatus::Published, _) => Err(anyhow::anyhow!(
                    "deleting posts at {} is not wired yet",
                    share.channel
                )
                .into()),
                _ => Ok(()),
            }
        })
    })
    .await
}
