//! `Idempotency-Key` on every POST that creates something: a retried request (a flaky mobile
//! network, a double tap) gets the first answer again instead of creating a second object.
//! Keys are per user, remembered for 24 hours, and bound to the request they came with.

mod repo;

use std::future::{ready, Future, Ready};

use actix_web::http::StatusCode;
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::auth::secrets::hash_token;
use crate::db::{self, is_unique_violation};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;
use repo::StoredKey;

const HEADER: &str = "idempotency-key";
const KEEP_HOURS: i64 = 24;

/// The request's `Idempotency-Key` header, if any (1–255 visible ASCII characters).
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get(HEADER) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(v)
                    if (1..=255).contains(&v.len()) && v.chars().all(|c| c.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(v.to_string())))
                }
                _ => Err(AppError::validation(
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                )),
            },
        };
        ready(key)
    }
}

enum Reservation {
    Fresh,
    Answered { status: u16, body: String },
}

/// What binds a key to its request: the route and the parsed body.
pub fn fingerprint<T: Serialize>(route: &str, body: &T) -> AppResult<String> {
    let body = serde_json::to_string(body).map_err(anyhow::Error::from)?;
    Ok(hash_token(&format!("{route}\n{body}")))
}

/// Runs `create` once per (user, key): a repeat with the same request replays the first
/// answer; the same key with a different request is refused; without a key it just runs.
pub async fn once<F, Fut, T>(
    state: &AppState,
    user_id: &str,
    key: IdempotencyKey,
    hash: String,
    create: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<(StatusCode, T)>>,
    T: Serialize,
{
    let Some(key) = key.0 else {
        let (status, body) = create().await?;
        return Ok(HttpResponse::build(status).json(body));
    };
    let (user, k, h) = (user_id.to_string(), key.clone(), hash.clone());
    let reservation = db::run(&state.pool, move |conn| reserve(conn, &user, &k, &h)).await?;
    match reservation {
        Reservation::Answered { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Ok(HttpResponse::build(status)
                .insert_header(("idempotency-replayed", "true"))
                .content_type("application/json")
                .body(body))
        }
        Reservation::Fresh => {
            let outcome = create().await;
            let user = user_id.to_string();
            match outcome {
                Ok((status, body)) => {
                    let text = serde_json::to_string(&body).map_err(anyhow::Error::from)?;
                    let stored = text.clone();
                    db::run(&state.pool, move |conn| {
                        repo::complete(conn, &user, &key, i32::from(status.as_u16()), &stored)
                    })
                    .await?;
                    Ok(HttpResponse::build(status)
                        .content_type("application/json")
                        .body(text))
                }
                Err(e) => {
                    // A failed attempt leaves nothing behind: the client may retry the key.
                    db::run(&state.pool, move |conn| repo::delete(conn, &user, &key)).await?;
                    Err(e)
                }
            }
        }
    }
}

fn reserve(conn: &mut db::DbConn, user: &str, key: &str, hash: &str) -> AppResult<Reservation> {
    let now = ids::now();
    let row = StoredKey {
        user_id: user.to_string(),
        idem_key: key.to_string(),
        request_hash: hash.to_string(),
        status_code: 0,
        response_body: String::new(),
        created_at: now,
    };
    for _ in 0..2 {
        match repo::insert(conn, &row) {
            Ok(()) => return Ok(Reservation::Fresh),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(existing) = repo::find(conn, user, key)? else {
            continue;
        };
        if existing.created_at < now - chrono::Duration::hours(KEEP_HOURS) {
            repo::delete(conn, user, key)?;
            continue;
        }
        if existing.request_hash != hash {
            return Err(AppError::validation(
                "Idempotency-Key",
                "was already used with a different request",
            ));
        }
        if existing.status_code == 0 {
            return Err(AppError::conflict(
                "a request with this Idempotency-Key is still in progress",
            ));
        }
        return Ok(Reservation::Answered {
            status: u16::try_from(existing.status_code).unwrap_or(200),
            body: existing.response_body,
        });
    }
    Err(AppError::conflict("this Idempotency-Key is busy; retry"))
}
