//! The workers: each loop claims one due job under a lease, runs it while renewing the lease,
//! then deletes it, or schedules a retry with exponential back-off and jitter, or parks it
//! as failed once its attempts run out. A worker that dies holds its job only until the
//! lease expires (about a minute), then another takes it.
//!
//! No job can stop the queue: a handler that panics is a failed attempt like any other, and
//! a job claimed once more than its attempts allow (each run ended with its process: an
//! abort, an OOM kill) is parked without running, so it cannot take the next worker down.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;

use futures_util::FutureExt;
use rand::Rng;

use super::repo::{self, JobRow};
use super::{Context, Defer, Handle, Ledger};
use crate::db;
use crate::error::AppResult;
use crate::ids;

type Run = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// How to run a kind, and how to tell it that it failed for good.
pub struct Kind<C> {
    run: fn(C, String) -> Run,
    give_up: fn(C, String, String) -> Run,
}

/// What runs each kind stored in `jobs.kind`; a kind nobody knows fails for good (it cannot
/// succeed by waiting). The assembly builds it (`app::jobs::registry`): the queue knows no job.
pub type Registry<C> = fn(&str) -> Option<Kind<C>>;

/// The runner of one job type, for a registry.
pub fn typed<C: Context, J: Handle<C>>() -> Kind<C> {
    Kind {
        run: |ctx, payload| {
            Box::pin(async move {
                let job: J = serde_json::from_str(&payload)?;
                job.run(ctx).await
            })
        },
        give_up: |ctx, payload, error| {
            Box::pin(async move {
                let job: J = serde_json::from_str(&payload)?;
                job.give_up(ctx, error).await
            })
        },
    }
}

/// Starts `worker.concurrency` workers on the current runtime; they run until it stops.
pub fn spawn<C: Context>(state: &C, registry: Registry<C>) {
    for _ in 0..state.worker_settings().concurrency.max(1) {
        let state = state.clone();
        tokio::spawn(async move {
            let idle = Duration::from_millis(state.worker_settings().poll_interval_ms.max(10));
            loop {
                // Handlers are guarded in `run_next`; this guards the loop itself, so that a
                // bug anywhere in the queue's own code costs one turn, never the loop.
                match AssertUnwindSafe(run_next(&state, registry))
                    .catch_unwind()
                    .await
                {
                    Ok(Ok(true)) => {}
                    Ok(Ok(false)) => tokio::time::sleep(idle).await,
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "job queue unavailable");
                        tokio::time::sleep(idle).await;
                    }
                    Err(panic) => {
                        tracing::error!(panic = %panic_text(&*panic), "the job queue panicked");
                        tokio::time::sleep(idle).await;
                    }
                }
            }
        });
    }
}

/// Runs the due jobs of `ledger` (what this process queued, and what those jobs queue in
/// turn) until none is left or `within` has passed: the CLI delivers the mail it queued this
/// way. Returns how many ran; jobs that fail, and every other job, stay for the workers.
pub async fn drain<C: Context>(
    state: &C,
    registry: Registry<C>,
    ledger: &Ledger,
    within: Duration,
) -> AppResult<usize> {
    let deadline = tokio::time::Instant::now() + within;
    let mut ran = 0;
    while tokio::time::Instant::now() < deadline
        && run_one(state, registry, Some(ledger.ids())).await?
    {
        ran += 1;
    }
    Ok(ran)
}

/// Claims and runs one due job; false when none was due.
pub async fn run_next<C: Context>(state: &C, registry: Registry<C>) -> AppResult<bool> {
    run_one(state, registry, None).await
}

/// `run_next` among `only` the jobs with these ids, when given.
async fn run_one<C: Context>(
    state: &C,
    registry: Registry<C>,
    only: Option<Vec<String>>,
) -> AppResult<bool> {
    let lease = lease(state);
    let token = ids::new_id();
    let claimed = {
        let token = token.clone();
        db::run(state.pool(), move |conn| -> AppResult<Option<JobRow>> {
            let now = ids::now();
            let only = only.as_deref();
            if !repo::any_due(conn, now, only)? {
                return Ok(None);
            }
            Ok(repo::claim(conn, &token, now, now + lease, only)?)
        })
        .await?
    };
    let Some(job) = claimed else {
        return Ok(false);
    };
    let kind = registry(&job.kind);
    let outcome = match &kind {
        // Each claim counts an attempt; one past the last means no run ever recorded its
        // outcome: the worker ended with it every time.
        Some(_) if job.attempts > job.max_attempts => Err(anyhow::anyhow!(
            "claimed {} times and never finished: its worker stopped while running it",
            job.attempts
        )),
        Some(kind) => {
            let run = guarded((kind.run)(state.clone(), job.payload.clone()));
            with_lease(state, &job.id, &token, run).await
        }
        None => Err(anyhow::anyhow!("unknown job kind `{}`", job.kind)),
    };
    let retry_base = state.worker_settings().retry_base_ms;
    let payload = job.payload.clone();
    let gave_up = db::run(state.pool(), move |conn| -> AppResult<Option<String>> {
        match outcome {
            Ok(()) => repo::complete(conn, &job.id, &token)?,
            Err(e) if e.downcast_ref::<Defer>().is_some() => {
                let Some(Defer(until)) = e.downcast_ref::<Defer>() else {
                    unreachable!()
                };
                repo::defer(conn, &job.id, &token, *until, ids::now())?;
            }
            Err(e) => {
                let now = ids::now();
                let known = registry(&job.kind).is_some();
                let retry_at = (known && job.attempts < job.max_attempts)
                    .then(|| now + backoff(job.attempts, retry_base));
                if retry_at.is_some() {
                    tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed; will retry");
                } else {
                    tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed for good");
                }
                repo::fail(conn, &job.id, &token, &format!("{e:#}"), retry_at, now)?;
                if retry_at.is_none() {
                    return Ok(Some(format!("{e:#}")));
                }
            }
        }
        Ok(None)
    })
    .await?;
    if let (Some(error), Some(kind)) = (gave_up, kind) {
        if let Err(e) = guarded((kind.give_up)(state.clone(), payload, error)).await {
            tracing::error!(error = %e, "a failed job's follow-up failed");
        }
    }
    Ok(true)
}

/// `work`, with a panic turned into its error: the attempt fails, the worker goes on.
fn guarded(work: Run) -> Run {
    Box::pin(AssertUnwindSafe(work).catch_unwind().map(|ran| {
        ran.unwrap_or_else(|panic| Err(anyhow::anyhow!("panicked: {}", panic_text(&*panic))))
    }))
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

fn lease<C: Context>(state: &C) -> chrono::Duration {
    chrono::Duration::seconds(state.worker_settings().lease_secs.max(1) as i64)
}

/// Runs `work` while renewing the job's lease every third of it, so a long job is not taken
/// by a second worker; a lease lost anyway (the database was away too long) is logged.
async fn with_lease<C: Context>(state: &C, id: &str, token: &str, work: Run) -> anyhow::Result<()> {
    let lease = lease(state);
    let every = Duration::from_millis((lease.num_milliseconds() / 3).max(100) as u64);
    let renew = async {
        loop {
            tokio::time::sleep(every).await;
            let (job, token) = (id.to_string(), token.to_string());
            let kept = db::run(state.pool(), move |conn| {
                repo::renew(conn, &job, &token, ids::now() + lease)
            })
            .await;
            if !matches!(kept, Ok(true)) {
                tracing::warn!(job = %id, "lease not renewed; another worker may run this job");
            }
        }
    };
    tokio::select! {
        outcome = work => outcome,
        _ = renew => Ok(()),
    }
}

/// The delay before attempt `attempts + 1`: `base × 2^(attempts-1)`, at most an hour, times a
/// random factor in [0.5, 1.5) so that jobs failing together do not retry together.
pub fn backoff(attempts: i32, base_ms: u64) -> chrono::Duration {
    let exp = attempts.clamp(1, 30) as u32 - 1;
    let raw = base_ms.saturating_mul(1u64 << exp.min(40)).min(3_600_000);
    let jitter = rand::thread_rng().gen_range(0.5..1.5);
    chrono::Duration::milliseconds((raw as f64 * jitter) as i64)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_with_jitter_and_a_ceiling() {
        for attempt in 1..8 {
            let d = backoff(attempt, 1000).num_milliseconds();
            let nominal = 1000 * (1 << (attempt - 1));
            assert!(d >= nominal / 2 && d < nominal * 3 / 2, "{attempt}: {d}");
        }
        assert!(backoff(40, 2000).num_milliseconds() < 3_600_000 * 3 / 2);
    }
}
