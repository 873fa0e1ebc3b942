//! `GET /audit`: the org's audit log for admins, newest first, optionally for one object.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AuditEventView;
use crate::auth::{role, Authorized};
use crate::error::{AppResult, Problem};
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// `story`, `claim`, `user` or `org`; with `object_id` (one without the other is 422).
    pub object_type: Option<String>,
    pub object_id: Option<String>,
}

/// Who did what to which object, and when (admins).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(AuditFilter, PageParams),
    responses((status = 200, body = Page<AuditEventView>), (status = 403, body = Problem))
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    filter: web::Query<AuditFilter>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<AuditEventView>>> {
    let page =
        super::service::page(&state, &caller, filter.into_inner(), page.into_inner()).await?;
    Ok(web::Json(page))
}
