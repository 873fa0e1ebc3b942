//! Publishing one share, as a job on the durable queue.
//!
//! 1. Under the share's lock: re-read it (a cancellation or rejection just before the due
//!    time wins), respect the account's rate-limit pause, mark it `publishing` and commit
//!    before any call to the network.
//! 2. Call the network. A share found already `publishing` (a crash, a timeout) is first
//!    looked for at the network ([`publish_again`]); Mastodon's `Idempotency-Key` and
//!    Bluesky's `rkey` make the retry itself safe too, which is what a failed look-up falls
//!    back on. Never a blind re-post, and a failed look-up is never a refusal.
//! 3. Record the outcome in its own transaction: `published` with the external id, or the
//!    account paused until the network's reset (the job deferred), or a retry with back-off,
//!    or `failed` with a readable error and a mail. Anything after `published` that fails
//!    cannot re-post: a re-run finds the share published and does nothing.

use serde::{Deserialize, Serialize};

use super::model::{tracked_url, Channel, Share, ShareStatus};
use super::repo;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::jobs::{Defer, Handle, Job};
use crate::mail::{self, templates};
use crate::networks::{publish_again, NetworkError, Post, Published};
use crate::social::tokens;
use crate::social::{self, SocialAccount};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct PublishShare {
    pub share_id: String,
}

impl Job for PublishShare {
    const KIND: &'static str = "share.publish";
}

impl Handle<AppState> for PublishShare {
    async fn run(self, state: AppState) -> anyhow::Result<()> {
        publish(&state, self.share_id).await
    }

    async fn give_up(self, state: AppState, error: String) -> anyhow::Result<()> {
        fail(
            &state,
            &self.share_id,
            format!("gave up after repeated failures: {error}"),
        )
        .await?;
        Ok(())
    }
}

/// What the claimed job found under the lock.
enum Step {
    Nothing,
    Wait(chrono::NaiveDateTime),
    Fail(String),
    Post {
        share: Box<Share>,
        account: Box<SocialAccount>,
        resume: bool,
        language: String,
    },
}

async fn publish(state: &AppState, share_id: String) -> anyhow::Result<()> {
    let id = share_id.clone();
    let step = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<Step> {
            // A careers-page share changes what the careers page shows: the org's content
            // version is bumped before the share is locked (org, then share: the order of
            // the story command path and of a withdrawal).
            if let Some(row) = repo::find(conn, &id)? {
                if row.channel() == Some(Channel::CareersPage) {
                    crate::accounts::repo::bump_content_version(conn, &row.org_id)?;
                }
            }
            let Some(share) = repo::lock(conn, &id)? else {
                return Ok(Step::Nothing);
            };
            let now = ids::now();
            let status = share.status();
            let due = share.scheduled_at <= now;
            if !matches!(status, ShareStatus::Scheduled | ShareStatus::Publishing) {
                return Ok(Step::Nothing);
            }
            if !due {
                return Ok(Step::Wait(share.scheduled_at));
            }
            // Its story stopped being publishable before this share's time, and nothing took
            // it down yet (a verification lapsed, the window closed, before the upkeep ran):
            // it does not go out. (A share already `publishing` may be out: it goes on, and
            // a take-down queued meanwhile deletes it.)
            if status == ShareStatus::Scheduled {
                let story = crate::stories::query::load(conn, &share.org_id, &share.story_id)?;
                if !story.publishable_at(now) {
                    let why = "not published: the story stopped being publishable before its time";
                    let cancelled = Share {
                        status: status.cancel()?.as_str().into(),
                        error: Some(why.into()),
                        post_reason: Some(why.into()),
                        post_changed_at: Some(now),
                        updated_at: now,
                        ..share
                    };
                    repo::save(conn, &cancelled)?;
                    return Ok(Step::Nothing);
                }
            }
            if share.channel() == Some(Channel::CareersPage) {
                let published = Share {
                    status: ShareStatus::Published.as_str().into(),
                    published_at: Some(now),
                    updated_at: now,
                    ..share
                };
                repo::save(conn, &published)?;
                return Ok(Step::Nothing);
            }
            let Some(account) = social::repo::usable(conn, share.account_id.as_deref())? else {
                return Ok(Step::Fail(format!(
                    "the {} account is not connected any more; connect it again and share anew",
                    share.channel
                )));
            };
            if let Some(until) = account.rate_limited_until.filter(|t| *t > now) {
                return Ok(Step::Wait(until));
            }
            let resume = status == ShareStatus::Publishing;
            let marked = Share {
                status: status.start_publishing()?.as_str().into(),
                updated_at: now,
                ..share
            };
            if !repo::save(conn, &marked)? {
                return Ok(Step::Nothing);
            }
            let language =
                crate::stories::query::load(conn, &marked.org_id, &marked.story_id)?.language;
            Ok(Step::Post {
                share: Box::new(Share {
                    version: marked.version + 1,
                    ..marked
                }),
                account: Box::new(account),
                resume,
                language,
            })
        })
    })
    .await?;
    match step {
        Step::Nothing => Ok(()),
        Step::Wait(until) => Err(Defer(until).into()),
        Step::Fail(why) => {
            fail(state, &share_id, why).await?;
            Ok(())
        }
        Step::Post {
            share,
            account,
            resume,
            language,
        } => post(state, *share, *account, resume, &language).await,
    }
}

async fn post(
    state: &AppState,
    share: Share,
    row: SocialAccount,
    resume: bool,
    language: &str,
) -> anyhow::Result<()> {
    let kind = row
        .network()
        .ok_or_else(|| anyhow::anyhow!("unknown network {}", row.network))?;
    let network = state.networks.get(kind);
    let link = tracked_url(&state.settings.server.public_url, &share.tracked_code);
    let post = Post {
        text: &share.text,
        link: &link,
        language: Some(language),
        key: &share.id,
    };
    let account_id = row.id.clone();
    let post = &post;
    // No attempt can have been made before the share was due.
    let first_attempt_not_before = share.scheduled_at.and_utc();
    let outcome = tokens::with_refresh(state, row, |account| {
        Box::pin(async move {
            if resume {
                return publish_again(network, &account, post, first_attempt_not_before).await;
            }
            network.publish(&account, post).await
        })
    })
    .await?;
    let answer = outcome.into_answer(kind)?;
    let refused =
        |why: String| format!("{kind} refused the account's tokens ({why}); reconnect it");
    match answer {
        Ok(published) => Ok(done(state, &share.id, published).await?),
        Err(NetworkError::RateLimited { retry_at }) => {
            let until = retry_at.naive_utc();
            pause(state, &account_id, &share.id, until, resume).await?;
            Err(Defer(until).into())
        }
        Err(NetworkError::Unauthorized(why)) => Ok(fail(state, &share.id, refused(why)).await?),
        Err(NetworkError::Rejected(why)) => {
            Ok(fail(state, &share.id, format!("{kind} refused the post: {why}")).await?)
        }
        Err(NetworkError::Duplicate(why)) => Ok(fail(
            state,
            &share.id,
            format!("{kind} refused the post as a duplicate of an earlier one: {why}"),
        )
        .await?),
        Err(NetworkError::Unavailable) => Ok(fail(
            state,
            &share.id,
            format!("{kind} is not configured on this server"),
        )
        .await?),
        // The share stays `publishing`: the next attempt looks for the post first.
        Err(e @ (NetworkError::Unknown(_) | NetworkError::Transient(_))) => {
            anyhow::bail!("{kind}: {e}")
        }
    }
}

async fn done(state: &AppState, share_id: &str, published: Published) -> AppResult<()> {
    let id = share_id.to_string();
    let state2 = state.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let Some(share) = repo::lock(conn, &id)? else {
                return Ok(());
            };
            if share.status() != ShareStatus::Publishing {
                return Ok(());
            }
            let now = ids::now();
            let published = Share {
                status: ShareStatus::Published.as_str().into(),
                published_at: Some(now),
                external_id: Some(published.external_id),
                external_url: published.external_url,
                error: None,
                updated_at: now,
                ..share
            };
            repo::save(conn, &published)?;
            crate::reach::metrics::schedule(conn, &state2, &published)?;
            Ok(())
        })
    })
    .await
}

/// Every job of the account waits until the network's reset. A share refused on its first
/// attempt is certainly not out, so it is `scheduled` again (and may still be cancelled
/// meanwhile); one that was resuming stays `publishing`, since the refusal may have been its
/// look-up's and its post may be out: the next attempt looks again.
async fn pause(
    state: &AppState,
    account_id: &str,
    share_id: &str,
    until: chrono::NaiveDateTime,
    resuming: bool,
) -> AppResult<()> {
    use crate::db::schema::social_accounts;
    use diesel::prelude::*;
    let (account, share) = (account_id.to_string(), share_id.to_string());
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            diesel::update(social_accounts::table.find(&account))
                .set(social_accounts::rate_limited_until.eq(Some(until)))
                .execute(conn)?;
            if let Some(row) = repo::lock(conn, &share)? {
                if row.status() == ShareStatus::Publishing && !resuming {
                    repo::save(
                        conn,
                        &Share {
                            status: ShareStatus::Scheduled.as_str().into(),
                            updated_at: ids::now(),
                            ..row
                        },
                    )?;
                }
            }
            Ok(())
        })
    })
    .await
}

/// `failed` with a readable error, and a mail to the ambassador (once).
async fn fail(state: &AppState, share_id: &str, why: String) -> AppResult<()> {
    let (state2, id) = (state.clone(), share_id.to_string());
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<()> {
            let Some(share) = repo::lock(conn, &id)? else {
                return Ok(());
            };
            if !matches!(
                share.status(),
                ShareStatus::Scheduled | ShareStatus::Publishing
            ) {
                return Ok(());
            }
            let failed = Share {
                status: ShareStatus::Failed.as_str().into(),
                error: Some(why.clone()),
                updated_at: ids::now(),
                ..share
            };
            if !repo::save(conn, &failed)? {
                return Err(AppError::conflict("the share changed meanwhile"));
            }
            let owner = crate::accounts::query::user(conn, &failed.org_id, &failed.user_id)?;
            mail::queue(
                conn,
                &state2.outbox,
                Some(&failed.org_id),
                templates::share_failed(&owner.email, &failed.channel, &why),
            )?;
            Ok(())
        })
    })
    .await
}
