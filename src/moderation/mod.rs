//! Moderation: submitting for review, the comms team's decisions (each with a reason and a
//! mail to the author), the review queue with waiting times, and the batched review digest.

pub mod cascade;
pub mod digest;
pub mod housekeeping;
pub mod routes;
pub mod service;

use std::time::Duration;

use crate::state::AppState;

/// Runs the review digest and the status upkeep every `interval` until the process ends;
/// a failed round is logged and the loop goes on.
pub fn spawn_periodic(state: AppState, interval: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = housekeeping::archive_expired(&state).await {
                tracing::error!(error = %e, "archiving expired stories failed");
            }
            if let Err(e) = digest::run_once(&state).await {
                tracing::error!(error = %e, "review digest failed");
            }
        }
    });
}
