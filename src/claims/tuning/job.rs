//! The refit as a job on the queue: asked for by an admin (`POST /api/v1/detector/retrain`,
//! `vouch detector retrain --org S`) or by the periodic upkeep for orgs with examples newer
//! than their last fit.

use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::AppResult;
use crate::jobs::{self, Handle, Job};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize)]
pub struct Retrain {
    pub org_id: String,
}

impl Job for Retrain {
    const KIND: &'static str = "detector.retrain";
}

impl Handle<AppState> for Retrain {
    async fn run(self, state: AppState) -> anyhow::Result<()> {
        let fit = super::refit(&state, &self.org_id).await?;
        tracing::info!(
            org_id = %self.org_id,
            version = fit.version,
            examples = fit.examples,
            "detector refitted"
        );
        Ok(())
    }
}

/// Queues a refit of the org unless one is already waiting; returns the job's id, or `None`
/// when one was waiting.
pub fn queue(conn: &mut DbConn, state: &AppState, org_id: &str) -> AppResult<Option<String>> {
    if jobs::repo::has_queued(conn, org_id, Retrain::KIND)? {
        return Ok(None);
    }
    let job = Retrain {
        org_id: org_id.to_string(),
    };
    Ok(Some(jobs::enqueue(
        conn,
        &state.outbox,
        Some(org_id),
        &job,
    )?))
}

/// The schedule: a refit for every org whose moderators judged a sentence since its last
/// fit, at most every `claims.retrain_every_secs` (an org's first fit comes that long after
/// its first judgement). Returns how many were queued.
pub fn queue_due(conn: &mut DbConn, state: &AppState) -> AppResult<usize> {
    let every = chrono::Duration::seconds(
        i64::try_from(state.settings.claims.retrain_every_secs).unwrap_or(i64::MAX / 1000),
    );
    let before = crate::ids::now() - every;
    let mut queued = 0;
    for org in super::repo::orgs_due_for_refit(conn, before)? {
        if queue(conn, state, &org)?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
