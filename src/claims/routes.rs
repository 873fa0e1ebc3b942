//! HTTP for claims: the live check clients call while a user types, manual claims, and the
//! moderator's verdicts. Verdicts answer with the whole story, so the gate's new state shows.

use crate::dates::Instant;
use crate::ids::PathId;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::detector::{ClaimKind, Language};
use super::gate::CheckAnswer;
use super::service::{self, Verdict};
use crate::auth::{role, AuthUser, Authorized};
use crate::error::{AppError, AppResult, Problem};
use crate::http::json::ApiJson;
use crate::http::preconditions::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{self, IdempotencyKey, IdempotencyKeyHeader};
use crate::moderation::RequiredReason;
use crate::state::AppState;
use crate::stories::view::StoryView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(check)
        .service(add_claim)
        .service(verify)
        .service(dismiss)
        .service(dispute)
        .service(refute)
        .service(retrain);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetrainQueued {
    /// The refit job (`GET /admin/jobs` shows it); when one was already waiting, its id is
    /// not repeated and `already_queued` is true.
    pub job_id: Option<String>,
    pub already_queued: bool,
}

/// Queues a refit of the org's claim detector from its moderators' judgements (admins). The
/// worker runs it; texts saved or checked afterwards are judged by the new fit.
#[utoipa::path(tag = "claims", security(("bearer" = ["admin"])),
    responses((status = 202, body = RetrainQueued)))]
#[post("/detector/retrain")]
pub async fn retrain(
    state: web::Data<AppState>,
    caller: Authorized<role::Admin>,
) -> AppResult<HttpResponse> {
    let st = state.clone();
    let org = caller.user.org_id.clone();
    let job_id = crate::db::run(&state.pool, move |conn| {
        super::tuning::job::queue(conn, &st, &org)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(RetrainQueued {
        already_queued: job_id.is_none(),
        job_id,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    #[schema(max_length = 20000)]
    pub text: String,
    /// Guessed when absent.
    pub language: Option<Language>,
    /// Match against this story's verified and dismissed claims.
    pub story_id: Option<String>,
}

/// The claims in a text and whether it could go out: any signed-in user, as they type.
#[utoipa::path(tag = "claims", security(("bearer" = [])), request_body = CheckRequest,
    responses((status = 200, body = CheckAnswer), (status = 404, body = Problem, description = "`story_id` names no story of the caller's org"),
        (status = 422, body = Problem), (status = 429, body = Problem, description = "too many checks; see Retry-After")))]
#[post("/authenticity/check")]
pub async fn check(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: ApiJson<CheckRequest>,
) -> AppResult<web::Json<CheckAnswer>> {
    let body = body.0;
    if body.text.chars().count() > 20_000 {
        return Err(AppError::validation("text", "at most 20000 characters"));
    }
    Ok(web::Json(
        service::check(&state, &caller, body.text, body.language, body.story_id).await?,
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualClaimRequest {
    /// Text as it appears in the story's title, body or a caption.
    pub text: String,
    pub kind: Option<ClaimKind>,
}

/// Marks text the detector missed as a claim (moderators).
#[utoipa::path(tag = "claims", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IdempotencyKeyHeader), request_body = ManualClaimRequest,
    responses((status = 201, body = StoryView), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/stories/{id}/claims")]
pub async fn add_claim(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    key: IdempotencyKey,
    body: ApiJson<ManualClaimRequest>,
) -> AppResult<HttpResponse> {
    let (id, body) = (id.into_inner(), body.0);
    let user_id = caller.id.clone();
    let fingerprint = idempotency::fingerprint(&format!("POST /stories/{id}/claims"), &body)?;
    let create =
        crate::app::judge_claim::add_manual(&state, caller.user, id, body.text, body.kind)?;
    idempotency::once(
        &state,
        &user_id,
        key,
        fingerprint,
        StatusCode::CREATED,
        create,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// Where the evidence is (a public http(s) URL).
    pub evidence_url: Option<String>,
    /// What the evidence is. At least one of `evidence_url` and `evidence_note` is required.
    pub evidence_note: Option<String>,
    /// After this, the claim counts as unverified again.
    pub expires_at: Option<Instant>,
}

async fn apply(
    state: &AppState,
    caller: Authorized<role::Moderator>,
    claim_id: String,
    verdict: Verdict,
    expected: IfMatch,
) -> AppResult<Tagged<StoryView>> {
    Ok(Tagged(
        crate::app::judge_claim::decide(state, caller.user, claim_id, verdict, expected).await?,
    ))
}

fn reason(body: RequiredReason) -> AppResult<String> {
    crate::moderation::required_reason(Some(&body.reason))
}

/// Verifies a claim with evidence (moderators).
#[utoipa::path(tag = "claims", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = VerifyRequest,
    responses((status = 200, body = StoryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/claims/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: ApiJson<VerifyRequest>,
) -> AppResult<Tagged<StoryView>> {
    let body = body.0;
    let verdict = Verdict::verify(
        body.evidence_url,
        body.evidence_note,
        body.expires_at.map(Instant::utc),
        state.settings.security.allow_private_urls,
    )?;
    apply(&state, caller, id.into_inner(), verdict, expected).await
}

/// Marks a detected sentence as "not a claim", with the reason (moderators).
#[utoipa::path(tag = "claims", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = RequiredReason,
    responses((status = 200, body = StoryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/claims/{id}/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: ApiJson<RequiredReason>,
) -> AppResult<Tagged<StoryView>> {
    let reason = reason(body.0)?;
    apply(
        &state,
        caller,
        id.into_inner(),
        Verdict::Dismiss { reason },
        expected,
    )
    .await
}

/// Marks a claim disputed: the story stops being publishable at once.
#[utoipa::path(tag = "claims", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = RequiredReason,
    responses((status = 200, body = StoryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/claims/{id}/dispute")]
pub async fn dispute(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: ApiJson<RequiredReason>,
) -> AppResult<Tagged<StoryView>> {
    let reason = reason(body.0)?;
    apply(
        &state,
        caller,
        id.into_inner(),
        Verdict::Dispute { reason },
        expected,
    )
    .await
}

/// Marks a claim refuted: the story leaves the feed and every public read at once.
#[utoipa::path(tag = "claims", security(("bearer" = ["moderator"])), params(("id" = uuid::Uuid, Path), IfMatchHeader), request_body = RequiredReason,
    responses((status = 200, body = StoryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/claims/{id}/refute")]
pub async fn refute(
    state: web::Data<AppState>,
    caller: Authorized<role::Moderator>,
    id: PathId,
    expected: IfMatch,
    body: ApiJson<RequiredReason>,
) -> AppResult<Tagged<StoryView>> {
    let reason = reason(body.0)?;
    apply(
        &state,
        caller,
        id.into_inner(),
        Verdict::Refute { reason },
        expected,
    )
    .await
}
