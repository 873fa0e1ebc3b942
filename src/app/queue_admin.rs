//! What admins see of their org's jobs: the queue and the ones that gave up, and a retry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::jobs::repo::{self, JobRow};
use crate::paging::{Page, PageParams};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting to run, running, or waiting for a retry.
    #[default]
    Queued,
    /// Out of attempts: waits for an admin's retry.
    Failed,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => repo::QUEUED,
            JobStatus::Failed => repo::FAILED,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// `queued` (default) or `failed`.
    pub status: Option<JobStatus>,
}

/// A job as admins see it; the payload stays private (a mail's body holds a sign-in link).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    /// When it runs next (queued), or when it last failed (failed).
    pub run_at: DateTime<Utc>,
    /// Until when a worker holds it, while one runs it.
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<JobRow> for JobView {
    fn from(j: JobRow) -> Self {
        JobView {
            status: if j.status == repo::FAILED {
                JobStatus::Failed
            } else {
                JobStatus::Queued
            },
            id: j.id,
            kind: j.kind,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: ids::utc(j.run_at),
            locked_until: j.locked_until.map(ids::utc),
            last_error: j.last_error,
            created_at: ids::utc(j.created_at),
        }
    }
}

pub async fn list(
    state: &AppState,
    caller: AuthUser,
    query: JobQuery,
    page: PageParams,
) -> AppResult<Page<JobView>> {
    let (cursor, limit) = page.checked()?;
    let status = query.status.unwrap_or_default().as_str();
    let rows = db::run(&state.pool, move |conn| {
        repo::list(conn, &caller.org_id, status, cursor.as_deref(), limit + 1)
    })
    .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |j| j.id.clone(),
        JobView::from,
    ))
}

/// Gives a failed job a fresh set of attempts, due now (audited).
pub async fn retry(state: &AppState, caller: AuthUser, id: String) -> AppResult<JobView> {
    if !ids::is_id(&id) {
        return Err(AppError::NotFound);
    }
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<JobView> {
            let job = repo::find_in_org(conn, &caller.org_id, &id)?.ok_or(AppError::NotFound)?;
            if !repo::requeue(conn, &job.id, ids::now())? {
                return Err(AppError::conflict_with(
                    "only a failed job can be retried",
                    serde_json::json!({ "current_status": job.status }),
                ));
            }
            audit::by_user(
                conn,
                &caller,
                "job.retried",
                ("job", &job.id),
                serde_json::json!({ "kind": job.kind, "last_error": job.last_error }),
            )?;
            let job = repo::find_in_org(conn, &caller.org_id, &id)?.ok_or(AppError::NotFound)?;
            Ok(job.into())
        })
    })
    .await
}
