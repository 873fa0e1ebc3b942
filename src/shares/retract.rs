//! Taking a published share down after its story was withdrawn, as a job: the careers page
//! drops it at once; a network post is deleted where the network allows it (a post already
//! gone counts as deleted). The share's `post` says how it ended: `removed`, `kept_by_network`
//! (the network refused) or `removal_failed` (nobody could ask it, or every attempt failed).

use serde::{Deserialize, Serialize};

use super::model::{Channel, PostState, Share, ShareStatus};
use super::repo;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::jobs::{Defer, Handle, Job};
use crate::networks::NetworkError;
use crate::social::tokens;
use crate::social::{self, SocialAccount};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct RetractShare {
    pub share_id: String,
}

impl Job for RetractShare {
    const KIND: &'static str = "share.retract";
}

impl Handle<AppState> for RetractShare {
    async fn run(self, state: AppState) -> anyhow::Result<()> {
        retract(&state, self.share_id).await
    }

    async fn give_up(self, state: AppState, error: String) -> anyhow::Result<()> {
        kept(
            &state,
            self.share_id,
            PostState::RemovalFailed,
            format!("withdrawn, but the post could not be deleted: every attempt failed ({error})"),
        )
        .await?;
        Ok(())
    }
}

enum Step {
    Nothing,
    Delete(Box<Share>, Box<SocialAccount>),
}

async fn retract(state: &AppState, share_id: String) -> anyhow::Result<()> {
    let id = share_id.clone();
    let step = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<Step> {
            let Some(share) = repo::lock(conn, &id)? else {
                return Ok(Step::Nothing);
            };
            match share.status() {
                ShareStatus::Publishing => Err(AppError::conflict(format!(
                    "share {id} is still being published; retracting it next time"
                ))),
                ShareStatus::Published if share.channel() == Some(Channel::CareersPage) => {
                    mark(conn, share)?;
                    Ok(Step::Nothing)
                }
                ShareStatus::Published => {
                    let account = social::repo::usable(conn, share.account_id.as_deref())?;
                    match account {
                        Some(a) => Ok(Step::Delete(Box::new(share), Box::new(a))),
                        None => {
                            // Nobody holds a key to it any more: say so on the share.
                            let note = format!(
                                "withdrawn, but the {} post could not be deleted: the account is no longer connected",
                                share.channel
                            );
                            let kept = Share { error: Some(note.clone()), ..share }
                                .with_post(PostState::RemovalFailed, Some(note));
                            repo::save(conn, &kept)?;
                            Ok(Step::Nothing)
                        }
                    }
                }
                _ => Ok(Step::Nothing),
            }
        })
    })
    .await?;
    let Step::Delete(share, row) = step else {
        return Ok(());
    };
    let kind = row
        .network()
        .ok_or_else(|| anyhow::anyhow!("unknown network {}", row.network))?;
    let network = state.networks.get(kind);
    let external = share.external_id.clone().unwrap_or_default();
    let external = &external;
    let outcome = tokens::with_refresh(state, *row, |account| {
        Box::pin(async move { network.delete(&account, external).await })
    })
    .await?;
    match outcome.into_answer(kind)? {
        Ok(()) => {}
        Err(NetworkError::RateLimited { retry_at }) => {
            return Err(Defer(retry_at.naive_utc()).into())
        }
        Err(e @ (NetworkError::Transient(_) | NetworkError::Unknown(_))) => {
            anyhow::bail!("{kind}: {e}")
        }
        Err(e) => {
            // A refusal by the network itself keeps the post there; a refused token or a
            // network this server no longer reaches means nobody could ask.
            let (state_of_post, note) = match &e {
                NetworkError::Rejected(_) | NetworkError::Duplicate(_) => (
                    PostState::KeptByNetwork,
                    format!("withdrawn, but {kind} refused to delete the post: {e}"),
                ),
                _ => (
                    PostState::RemovalFailed,
                    format!("withdrawn, but the {kind} post could not be deleted: {e}"),
                ),
            };
            kept(state, share_id, state_of_post, note).await?;
            return Ok(());
        }
    }
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            if let Some(s) = repo::lock(conn, &share_id)? {
                if s.status() == ShareStatus::Published {
                    mark(conn, s)?;
                }
            }
            Ok(())
        })
    })
    .await?;
    Ok(())
}

/// The post is gone: the share is `retracted`, its post `removed`.
fn mark(conn: &mut db::DbConn, share: Share) -> AppResult<()> {
    let status = share.status().retract()?;
    repo::save(
        conn,
        &Share {
            status: status.as_str().into(),
            ..share.with_post(PostState::Removed, None)
        },
    )?;
    Ok(())
}

/// The post stays up (`state` says why: refused, or nobody could ask); the note says so on
/// the share, for its owner and the comms team.
async fn kept(
    state: &AppState,
    share_id: String,
    state_of_post: PostState,
    note: String,
) -> AppResult<()> {
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            if let Some(s) = repo::lock(conn, &share_id)? {
                if s.status() == ShareStatus::Published {
                    let kept = Share {
                        error: Some(note.clone()),
                        ..s
                    }
                    .with_post(state_of_post, Some(note));
                    repo::save(conn, &kept)?;
                }
            }
            Ok(())
        })
    })
    .await
}
