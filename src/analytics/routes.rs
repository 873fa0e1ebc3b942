//! `GET /analytics`, `/analytics/participation` (moderators, admins) and `/me/analytics`
//! (anyone, their own), each as JSON or, with `Accept: text/csv`, as CSV.

use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::csv;
use super::service::{self, Analytics, Grouping, Leaderboard, Participation, Period};
use crate::auth::{role, AuthUser, Authorized};
use crate::claims::tuning::DetectorFigures;
use crate::error::{AppResult, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(analytics)
        .service(chart)
        .service(participation)
        .service(detector)
        .service(leaderboard)
        .service(my_analytics);
}

/// JSON, or CSV when the client asks for it first.
fn answer<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    name: &str,
    as_csv: impl FnOnce(&T) -> anyhow::Result<String>,
) -> AppResult<HttpResponse> {
    let wants_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .next()
                .is_some_and(|t| t.trim().starts_with("text/csv"))
        });
    if !wants_csv {
        return Ok(HttpResponse::Ok().json(value));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(as_csv(value)?))
}

/// The org's shares, clicks and network figures for a period, grouped (moderators, admins).
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = ["moderator"])),
    params(Period, Grouping),
    responses(
        (status = 200, content(
            (Analytics = "application/json"),
            (String = "text/csv", example = "channel,label,shares,...")
        )),
        (status = 422, body = Problem)
    )
)]
#[get("/analytics")]
pub async fn analytics(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    period: web::Query<Period>,
    grouping: web::Query<Grouping>,
) -> AppResult<HttpResponse> {
    let figures =
        service::analytics(&state, caller.user, period.into_inner(), grouping.group_by).await?;
    answer(&req, &figures, "analytics", csv::analytics)
}

/// How many opted-in ambassadors shared in the period (moderators, admins).
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = ["moderator"])),
    params(Period),
    responses(
        (status = 200, content(
            (Participation = "application/json"),
            (String = "text/csv", example = "from,to,opted_in,shared,rate")
        )),
        (status = 422, body = Problem)
    )
)]
#[get("/analytics/participation")]
pub async fn participation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    period: web::Query<Period>,
) -> AppResult<HttpResponse> {
    let figures = service::participation(&state, caller.user, period.into_inner()).await?;
    answer(&req, &figures, "participation", csv::participation)
}

/// How the claim detector did for the org in the period (moderators, admins): the share of
/// its flags that moderators dismissed as no claim, and the claims they marked by hand.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = ["moderator"])),
    params(Period),
    responses(
        (status = 200, content(
            (DetectorFigures = "application/json"),
            (String = "text/csv", example = "from,to,detected,dismissed,dismissal_rate,manual,adjustment_version")
        )),
        (status = 422, body = Problem)
    )
)]
#[get("/analytics/detector")]
pub async fn detector(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    period: web::Query<Period>,
) -> AppResult<HttpResponse> {
    let figures = service::detector(&state, caller.user, period.into_inner()).await?;
    answer(&req, &figures, "detector", csv::detector)
}

/// The caller's own shares and what they achieved, by channel.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(Period),
    responses(
        (status = 200, content(
            (Analytics = "application/json"),
            (String = "text/csv", example = "channel,label,shares,...")
        )),
        (status = 422, body = Problem)
    )
)]
#[get("/me/analytics")]
pub async fn my_analytics(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    period: web::Query<Period>,
) -> AppResult<HttpResponse> {
    let figures = service::mine(&state, caller, period.into_inner()).await?;
    answer(&req, &figures, "my-analytics", csv::analytics)
}

/// Clicks and reported impressions per day over the period, as an SVG line chart
/// (moderators, admins).
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = ["moderator"])),
    params(Period),
    responses(
        (status = 200, content((String = "image/svg+xml"))),
        (status = 422, body = Problem)
    )
)]
#[get("/analytics/chart.svg")]
pub async fn chart(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    period: web::Query<Period>,
) -> AppResult<HttpResponse> {
    let svg = service::chart(&state, caller.user, period.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}

/// The members who shared most in the period, among those who chose to be listed.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(Period),
    responses((status = 200, body = Leaderboard), (status = 422, body = Problem))
)]
#[get("/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    caller: AuthUser,
    period: web::Query<Period>,
) -> AppResult<web::Json<Leaderboard>> {
    Ok(web::Json(
        service::leaderboard(&state, caller, period.into_inner()).await?,
    ))
}
