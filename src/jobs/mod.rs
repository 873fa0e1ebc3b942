//! The durable job queue, used as an outbox: anything that leaves the process (a mail, later
//! a post or a deletion at a network) is a row in `jobs`, written in the transaction that
//! caused it, and run by a worker (`worker.rs`) inside `vouch serve` or alone in
//! `vouch worker`. A crash or an outage delays a job; it never loses one. Delivery is at
//! least once: a job's effect must tolerate a repeat after a crash mid-run.

pub mod repo;
pub mod routes;
pub mod worker;

#[cfg(test)]
mod poison_tests;

use std::future::Future;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::crypto::Sealer;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::ids;
use repo::JobRow;

/// What writing to the outbox needs, and nothing more: how many attempts a job gets, and the
/// sealer for what a job must not carry in clear (a mail's body). Use cases take this handle
/// rather than the whole app state, so what they can reach is what they may do.
#[derive(Clone)]
pub struct Outbox {
    pub max_attempts: i32,
    pub sealer: Sealer,
    /// Set in a process that runs only the jobs it queued itself (see [`Ledger`]).
    pub queued_here: Option<Ledger>,
}

/// A kind of job: its payload is the type itself, serialised as JSON. Queueing one needs
/// only this; running it needs a [`Handle`] for the worker's context.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// Stored in `jobs.kind`; never rename one that may still be queued.
    const KIND: &'static str;
}

/// How a job runs, given the context the worker was started with (the app's state, in the
/// server): the queue knows nothing of what a job touches.
pub trait Handle<C>: Job {
    fn run(self, ctx: C) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Called once when the job has failed for good (its attempts ran out), with the last
    /// error: where its effect must say so (a share marked failed, a mail to its owner).
    fn give_up(self, _ctx: C, _error: String) -> impl Future<Output = anyhow::Result<()>> + Send {
        async { Ok(()) }
    }
}

/// What a worker needs of its context: the pool it claims jobs from and its settings.
pub trait Context: Clone + Send + Sync + 'static {
    fn pool(&self) -> &crate::db::Pool;
    fn worker_settings(&self) -> &crate::config::WorkerSettings;
}

/// Returned (as the error) by a job that must wait until a time without spending an attempt:
/// a network's rate-limit reset, a share rescheduled later.
#[derive(Debug, thiserror::Error)]
#[error("deferred until {0}")]
pub struct Defer(pub chrono::NaiveDateTime);

/// Queues `job` in the caller's transaction, due now.
pub fn enqueue<J: Job>(
    conn: &mut DbConn,
    outbox: &Outbox,
    org_id: Option<&str>,
    job: &J,
) -> AppResult<String> {
    enqueue_at(conn, outbox, org_id, job, ids::now())
}

/// Queues `job` in the caller's transaction, due at `run_at`.
pub fn enqueue_at<J: Job>(
    conn: &mut DbConn,
    outbox: &Outbox,
    org_id: Option<&str>,
    job: &J,
    run_at: chrono::NaiveDateTime,
) -> AppResult<String> {
    let now = ids::now();
    let row = JobRow {
        id: ids::new_id(),
        org_id: org_id.map(str::to_string),
        kind: J::KIND.to_string(),
        payload: serde_json::to_string(job).map_err(anyhow::Error::from)?,
        status: repo::QUEUED.into(),
        run_at,
        attempts: 0,
        max_attempts: outbox.max_attempts.max(1),
        locked_by: None,
        locked_until: None,
        last_error: None,
        created_at: now,
        updated_at: now,
    };
    repo::insert(conn, &row)?;
    if let Some(ledger) = &outbox.queued_here {
        ledger.note(&row.id);
    }
    Ok(row.id)
}

/// The ids of the jobs this process queued, for a process that runs only its own (an
/// operator's command, see [`worker::drain`]): it must not run, from the operator's shell,
/// what the server queued for any org, posts to user-given hosts included.
#[derive(Clone, Default)]
pub struct Ledger(Arc<Mutex<Vec<String>>>);

impl Ledger {
    fn note(&self, id: &str) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(id.to_string());
    }

    pub fn ids(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}
