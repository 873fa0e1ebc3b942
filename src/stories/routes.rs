//! HTTP for stories: write, edit, read, list, and the ambassadors' feed.

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};

use super::input::{StoryInput, StoryPatch};
use super::service::{self, StoryQuery};
use super::view::StoryView;
use crate::auth::AuthUser;
use crate::error::{AppResult, Problem};
use crate::http::json::ApiJson;
use crate::http::preconditions::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{self, IdempotencyKey, IdempotencyKeyHeader};
use crate::ids::PathId;
use crate::paging::{Page, PageParams};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_story)
        .service(list_stories)
        .service(feed)
        .service(get_story)
        .service(update_story);
}

/// Writes a story as a draft. Ambassadors write testimonials; the comms team company
/// stories. Claims are detected at once and shown in `authenticity`.
#[utoipa::path(
    tag = "stories",
    security(("bearer" = [])),
    request_body = StoryInput,
    params(IdempotencyKeyHeader),
    responses((status = 201, body = StoryView), (status = 422, body = Problem), (status = 403, body = Problem))
)]
#[post("/stories")]
pub async fn create_story(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    body: ApiJson<StoryInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let user = caller.id.clone();
    let fingerprint = idempotency::fingerprint("POST /stories", &input)?;
    let create = service::create(&state, caller, input)?;
    idempotency::once(&state, &user, key, fingerprint, StatusCode::CREATED, create).await
}

/// The comms team: every story of the org. Ambassadors: their own. Newest first.
#[utoipa::path(
    tag = "stories",
    security(("bearer" = [])),
    params(StoryQuery, PageParams),
    responses((status = 200, body = Page<StoryView>))
)]
#[get("/stories")]
pub async fn list_stories(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<StoryQuery>,
    page: web::Query<PageParams>,
) -> AppResult<web::Json<Page<StoryView>>> {
    Ok(web::Json(
        service::list(&state, caller, query.into_inner(), page.into_inner()).await?,
    ))
}

/// Stories an ambassador may share now: approved, in their window, every claim verified.
#[utoipa::path(
    tag = "stories",
    security(("bearer" = [])),
    params(StoryQuery, PageParams),
    responses((status = 200, body = Page<StoryView>))
)]
#[get("/feed")]
pub async fn feed(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<StoryQuery>,
    page: web::Query<PageParams>,
) -> AppResult<HttpResponse> {
    let body = service::feed(&state, caller, query.into_inner(), page.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

#[utoipa::path(
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, body = StoryView, headers(("ETag" = String, description = "The story's version"))),
        (status = 304, description = "Unchanged since the `If-None-Match` version"),
        (status = 404, body = Problem)
    )
)]
#[get("/stories/{id}")]
pub async fn get_story(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
) -> AppResult<Tagged<StoryView>> {
    Ok(Tagged(service::get(&state, caller, id.into_inner()).await?))
}

/// Edits a story. Editing the content of an approved story sends it back to review;
/// topics and expiry can change without review. With `If-Match`, only if the story is
/// still at that version (412 otherwise).
#[utoipa::path(
    tag = "stories",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), IfMatchHeader),
    request_body = StoryPatch,
    responses(
        (status = 200, body = StoryView),
        (status = 403, body = Problem, description = "only the author (or the comms team, for company stories) may edit it"),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)
    )
)]
#[patch("/stories/{id}")]
pub async fn update_story(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: PathId,
    expected: IfMatch,
    body: ApiJson<StoryPatch>,
) -> AppResult<Tagged<StoryView>> {
    Ok(Tagged(
        crate::app::edit_story::update(&state, caller, id.into_inner(), body.0, expected).await?,
    ))
}
