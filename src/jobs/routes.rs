//! HTTP for admins: the org's job queue and its failures.

use actix_web::{get, post, web};

use crate::app::queue_admin::{self as service, JobQuery, JobView};
use crate::auth::{role, Authorized};
use crate::error::{AppResult, Problem};
use crate::ids::PathId;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_jobs).service(retry_job);
}

/// The org's jobs (mails, later posts): `queued` ones, or `failed` ones that ran out of
/// attempts, newest first.
#[utoipa::path(tag = "admin", security(("bearer" = ["admin"])), params(JobQuery, PageParams),
    responses((status = 200, body = Page<JobView>), (status = 403, body = Problem)))]
#[get("/admin/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    query: web::Query<JobQuery>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<JobView>>> {
    Ok(web::Json(
        service::list(&state, caller.user, query.into_inner(), page.into_inner()).await?,
    ))
}

/// Retries a failed job now, with a fresh count of attempts.
#[utoipa::path(tag = "admin", security(("bearer" = ["admin"])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = JobView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/admin/jobs/{id}/retry")]
pub async fn retry_job(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    id: PathId,
) -> AppResult<web::Json<JobView>> {
    Ok(web::Json(
        service::retry(&state, caller.user, id.into_inner()).await?,
    ))
}
