//! Moderation: submitting for review, the comms team's decisions (each with a reason and a
//! mail to the author), the review queue with waiting times, and the batched review digest.

pub mod cascade;
pub mod digest;
pub mod housekeeping;
pub mod repo;
pub mod routes;
pub mod service;

use std::time::Duration;

use crate::db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A reason the other side of a verdict or decision is told: required, at most 2000
/// characters once trimmed. The pattern asks for a character `str::trim` keeps: the class is
/// exactly Rust's `White_Space`, which the JSON Schema `\s` does not quite match.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredReason {
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub reason: String,
}

/// A moderator's reason, trimmed: at most 2000 characters; `None` when empty.
pub fn optional_reason(raw: Option<&str>) -> AppResult<Option<String>> {
    // The limit counts the reason as sent (what the document's maxLength counts).
    if raw.is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::validation("reason", "at most 2000 characters"));
    }
    let reason = raw.map(str::trim).unwrap_or("");
    Ok(Some(reason.to_string()).filter(|r| !r.is_empty()))
}

/// A reason that must be given: the person on the other side of the decision deserves one.
pub fn required_reason(raw: Option<&str>) -> AppResult<String> {
    optional_reason(raw)?.ok_or_else(|| AppError::validation("reason", "is required: say why"))
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
            if let Err(e) = housekeeping::archive_expired(&state).await {
                tracing::error!(error = %e, "archiving expired stories failed");
            }
            if let Err(e) = digest::run_once(&state).await {
                tracing::error!(error = %e, "review digest failed");
            }
            let st = state.clone();
            let refreshed = db::run(&state.pool, move |conn| {
                crate::stories::command::refresh_stale(conn, &st, crate::ids::now())
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
