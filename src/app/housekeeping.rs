//! The periodic upkeep, run by `vouch serve` (or `vouch worker`) every interval: the review
//! digest, archiving expired stories, verdicts whose verification lapsed, warnings of
//! account access that ends soon, the weekly report, the detector's refits, and expired
//! idempotency keys. An approved story past its expiry becomes `archived` through the
//! story's change path like any other change (so its posts come down, or are held, as the
//! org's policy says).

use std::time::Duration;

use super::story_change;
use crate::audit;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::moderation::{digest, repo};
use crate::state::AppState;
use crate::stories::Story;
use crate::versions::IfMatch;

/// Archives every approved story whose expiry has passed; returns how many.
pub async fn archive_expired(state: &AppState) -> AppResult<usize> {
    let st = state.clone();
    db::run(&state.pool, move |conn| -> AppResult<usize> {
        let now = ids::now();
        let mut archived = 0;
        for story in repo::expired_approved(conn, now)? {
            // Under the lock the story may have moved on (another instance archived it).
            let done = story_change::change(conn, &st, &story.org_id, &story.id, &IfMatch::any(), None, |conn, story| {
                if story.status().archive().is_err() || story.expires_at.is_none_or(|t| t > now) {
                    return Ok((story, false));
                }
                let next = story.status().archive()?;
                audit::record(
                    conn,
                    audit::Entry {
                        org_id: &story.org_id,
                        actor_id: None,
                        action: "story.archived",
                        object_type: "story",
                        object_id: &story.id,
                        detail: serde_json::json!({ "from": "approved", "to": "archived", "reason": "expired" }),
                    },
                )?;
                Ok((Story { status: next.as_str().into(), ..story }, true))
            })?;
            archived += usize::from(done.1);
        }
        Ok(archived)
    })
    .await
}

/// Runs the periodic upkeep every `interval` until the process ends: the review digest,
/// archiving, verdicts whose verification expired, warnings of account access that ends
/// soon, the weekly report, the claim detector's refits, and expired idempotency keys. A failed round is logged and the loop goes on.
pub fn spawn_periodic(state: AppState, interval: Duration) {
    tokio::spawn(async move {
        // The first round comes one interval after start, not at once: a digest fired at
        // start would race whoever drives it by hand (the tests), and the start already
        // refreshed the verdicts.
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = archive_expired(&state).await {
                tracing::error!(error = %e, "archiving expired stories failed");
            }
            if let Err(e) = digest::run_once(&state).await {
                tracing::error!(error = %e, "review digest failed");
            }
            let st = state.clone();
            let refreshed = db::run(&state.pool, move |conn| {
                story_change::refresh_stale(conn, &st, crate::ids::now())
            })
            .await;
            if let Err(e) = refreshed {
                tracing::error!(error = %e, "refreshing lapsed verdicts failed");
            }
            let st = state.clone();
            let warned = db::run(&state.pool, move |conn| {
                crate::social::tokens::warn_expiring(conn, &st)
            })
            .await;
            if let Err(e) = warned {
                tracing::error!(error = %e, "warning of ending account access failed");
            }
            let st = state.clone();
            let reported = db::run(&state.pool, move |conn| {
                crate::analytics::report::send_due(conn, &st, crate::ids::now().date())
            })
            .await;
            if let Err(e) = reported {
                tracing::error!(error = %e, "the weekly report failed");
            }
            let st = state.clone();
            let retrains = db::run(&state.pool, move |conn| {
                crate::claims::tuning::job::queue_due(conn, &st)
            })
            .await;
            if let Err(e) = retrains {
                tracing::error!(error = %e, "queueing detector refits failed");
            }
            if let Err(e) = crate::idempotency::sweep(&state).await {
                tracing::error!(error = %e, "sweeping idempotency keys failed");
            }
        }
    });
}
