//! HTTP for moderation: submit, the decisions, and the review queue.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::service::{self, ReviewQueue};
use crate::app::moderate_story::{self, Decision, TakeDown};
use crate::auth::{role, AuthUser, Authorized};
use crate::error::{AppResult, Problem};
use crate::http::json::MaybeJson;
use crate::http::preconditions::{IfMatch, IfMatchHeader, Tagged};
use crate::ids::PathId;
use crate::paging::PageParams;
use crate::state::AppState;
use crate::stories::view::StoryView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(submit)
        .service(approve)
        .service(reject)
        .service(request_changes)
        .service(archive)
        .service(retract)
        .service(take_down)
        .service(review_queue);
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// A note for the record; at most 2000 characters.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Sends a draft (or a story sent back for changes) into review.
#[utoipa::path(tag = "moderation", security(("bearer" = [])), params(("id" = uuid::Uuid, Path), IfMatchHeader),
    responses((status = 200, body = StoryView), (status = 403, body = Problem, description = "only the author may submit it"),
        (status = 409, body = Problem), (status = 412, body = Problem)))]
#[post("/stories/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
    expected: IfMatch,
) -> AppResult<Tagged<StoryView>> {
    Ok(Tagged(
        moderate_story::submit(&state, caller, id.into_inner(), expected).await?,
    ))
}

async fn decide(
    state: &AppState,
    caller: Authorized<role::Moderator>,
    id: String,
    decision: Decision,
    expected: IfMatch,
) -> AppResult<Tagged<StoryView>> {
    Ok(Tagged(
        moderate_story::decide(state, caller.user, id, decision, expected).await?,
    ))
}

fn reason(body: MaybeJson<ReasonBody>) -> Option<String> {
    body.0.and_then(|b| b.reason)
}

/// Approves a story in review. 409 lists the claims (unverified, disputed, refuted) and
/// policy breaches that block it.
#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body(content = Option<ReasonBody>, description = "Optional: no body is no reason"),
    responses((status = 200, body = StoryView), (status = 409, body = Problem), (status = 412, body = Problem)))]
#[post("/stories/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: MaybeJson<ReasonBody>,
) -> AppResult<Tagged<StoryView>> {
    decide(
        &state,
        caller,
        id.into_inner(),
        Decision::Approve { note: reason(body) },
        expected,
    )
    .await
}

#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = crate::moderation::RequiredReason,
    responses((status = 200, body = StoryView), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/stories/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: MaybeJson<ReasonBody>,
) -> AppResult<Tagged<StoryView>> {
    decide(
        &state,
        caller,
        id.into_inner(),
        Decision::Reject {
            reason: reason(body).unwrap_or_default(),
        },
        expected,
    )
    .await
}

#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = crate::moderation::RequiredReason,
    responses((status = 200, body = StoryView), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/stories/{id}/request-changes")]
pub async fn request_changes(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: MaybeJson<ReasonBody>,
) -> AppResult<Tagged<StoryView>> {
    decide(
        &state,
        caller,
        id.into_inner(),
        Decision::RequestChanges {
            reason: reason(body).unwrap_or_default(),
        },
        expected,
    )
    .await
}

#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body(content = Option<ReasonBody>, description = "Optional: no body is no reason"),
    responses((status = 200, body = StoryView), (status = 409, body = Problem), (status = 412, body = Problem)))]
#[post("/stories/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: MaybeJson<ReasonBody>,
) -> AppResult<Tagged<StoryView>> {
    decide(
        &state,
        caller,
        id.into_inner(),
        Decision::Archive {
            reason: reason(body),
        },
        expected,
    )
    .await
}

/// Retracts a story, whatever its status (a retracted one: 409): it leaves every feed and
/// public read at once, its waiting shares are cancelled and every post of it is taken down
/// (whatever the org's `when_unpublishable`).
#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = crate::moderation::RequiredReason,
    responses((status = 200, body = StoryView), (status = 409, body = Problem, description = "The story is already retracted"), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/stories/{id}/retract")]
pub async fn retract(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: MaybeJson<ReasonBody>,
) -> AppResult<Tagged<StoryView>> {
    decide(
        &state,
        caller,
        id.into_inner(),
        Decision::Retract {
            reason: reason(body).unwrap_or_default(),
        },
        expected,
    )
    .await
}

/// Takes every post of a story that is not publishable down at once, whatever the org's
/// `when_unpublishable` (the one click after posts were held for review): its waiting shares
/// are cancelled and each post's deletion at its network is queued, those whose removal
/// failed before included. Idempotent: a repeat answers 202 with nothing more to do. Each
/// share's `post` tells how its post ended.
#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path)),
    responses((status = 202, body = TakeDown, description = "Done, or nothing left to do: the removals are queued as jobs"),
        (status = 409, body = Problem, description = "The story is publishable: retract it to take its posts down")))]
#[post("/stories/{id}/take-down")]
pub async fn take_down(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
) -> AppResult<HttpResponse> {
    let done = moderate_story::take_down(&state, caller.user, id.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(done))
}

/// Stories in review, oldest first, with how long each has waited and counts per status.
#[utoipa::path(tag = "moderation", security(("bearer" = ["moderator"])), params(PageParams),
    responses((status = 200, body = ReviewQueue), (status = 403, body = Problem)))]
#[get("/review-queue")]
pub async fn review_queue(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<ReviewQueue>> {
    Ok(web::Json(
        service::queue(&state, caller.user, page.into_inner()).await?,
    ))
}
