//! HTTP for accounts: `/me`, the org, and user management for the comms team.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Email, Role, UserStatus};
use super::preferences::Preferences;
use super::service::{self, ProfilePatch};
use super::view::{OrgView, UserView};
use crate::auth::{role, AuthUser, Authorized};
use crate::claims::policy::Policy;
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::idempotency::{self, IdempotencyKey, IdempotencyKeyHeader};
use crate::ids::PathId;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(me)
        .service(update_me)
        .service(list_users)
        .service(invite_user)
        .service(get_user)
        .service(update_user)
        .service(get_policy)
        .service(put_policy);
}

/// The org's editorial policy: forbidden terms and required hashtags.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = Policy))
)]
#[get("/org/policy")]
pub async fn get_policy(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> AppResult<web::Json<Policy>> {
    Ok(web::Json(service::policy(&state, caller).await?))
}

/// Replaces the org's editorial policy (admins). The gate applies it at once.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["admin"])),
    request_body = Policy,
    responses((status = 200, body = Policy), (status = 422, body = Problem))
)]
#[put("/org/policy")]
pub async fn put_policy(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    body: ApiJson<Policy>,
) -> AppResult<web::Json<Policy>> {
    Ok(web::Json(
        crate::app::change_policy::set_policy(&state, caller.user, body.0).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub org: OrgView,
    pub preferences: Preferences,
}

/// The signed-in user and their org.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = Problem))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> AppResult<web::Json<MeView>> {
    let (user, org, preferences) = service::me(&state, user).await?;
    Ok(web::Json(MeView {
        user: user.into(),
        org: org.into(),
        preferences,
    }))
}

/// Changes the caller's own profile and choices: display name, what the careers page shows
/// beside their testimonials (job title and photo only when `show_job_title` /
/// `show_photo`), the leaderboard and the weekly report. Absent fields stay as they are.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = ProfilePatch,
    responses((status = 200, body = MeView), (status = 422, body = Problem))
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<ProfilePatch>,
) -> AppResult<web::Json<MeView>> {
    let (user, org, preferences) = service::update_profile(&state, user, body.0).await?;
    Ok(web::Json(MeView {
        user: user.into(),
        org: org.into(),
        preferences,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only users with this role.
    pub role: Option<Role>,
}

/// The org's members, oldest first (moderators and admins).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["moderator"])),
    params(UserFilter, PageParams),
    responses((status = 200, body = Page<UserView>), (status = 403, body = Problem))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    filter: web::Query<UserFilter>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<UserView>>> {
    let page = service::list_users(&state, &caller, filter.role, page.into_inner()).await?;
    Ok(web::Json(page))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub email: Email,
    pub role: Role,
    /// Defaults to the part of the address before `@`.
    pub display_name: Option<String>,
}

/// Invites someone into the caller's org; they receive a single-use sign-in link (admins).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["admin"])),
    request_body = InviteRequest,
    params(IdempotencyKeyHeader),
    responses(
        (status = 201, body = UserView),
        (status = 409, body = Problem, description = "the address is already a member of this org"),
        (status = 422, body = Problem)
    )
)]
#[post("/users")]
pub async fn invite_user(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    key: IdempotencyKey,
    body: ApiJson<InviteRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let user_id = caller.id.clone();
    let fingerprint = idempotency::fingerprint("POST /users", &body)?;
    let org_id = caller.org_id.clone();
    let invite = service::invite(
        &state,
        Some(caller.user),
        org_id,
        body.email,
        body.role,
        body.display_name,
    );
    idempotency::once(
        &state,
        &user_id,
        key,
        fingerprint,
        StatusCode::CREATED,
        invite,
    )
    .await
}

/// One member of the caller's org (moderators and admins); other orgs' users are 404.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["moderator"])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = UserView), (status = 404, body = Problem))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
) -> AppResult<web::Json<UserView>> {
    let user = service::get_user(&state, &caller, id.into_inner()).await?;
    Ok(web::Json(user.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<Role>,
    /// Disabling ends the user's sessions; `invited` is not a status one can set.
    #[schema(value_type = Option<SettableStatus>)]
    pub status: Option<UserStatus>,
}

/// The statuses an admin may set (a user is `invited` only by an invitation).
#[derive(ToSchema)]
#[schema(as = SettableStatus)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SettableStatus {
    Active,
    Disabled,
}

/// Changes a member's role or status (admins).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("id" = uuid::Uuid, Path)),
    request_body = UpdateUserRequest,
    responses((status = 200, body = UserView), (status = 404, body = Problem), (status = 409, body = Problem))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
    id: PathId,
    body: ApiJson<UpdateUserRequest>,
) -> AppResult<web::Json<UserView>> {
    let body = body.0;
    let user =
        service::update_user(&state, caller.user, id.into_inner(), body.role, body.status).await?;
    Ok(web::Json(user.into()))
}
