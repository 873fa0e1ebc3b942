//! `Idempotency-Key` on every POST that creates something: a retried request (a flaky mobile
//! network, a double tap) gets the first answer again instead of creating a second object.
//! Keys are per user, remembered for 24 hours, and bound to the request they came with. The
//! key's record is written in the same transaction as what the request creates, with its
//! answer: a request that fails or a process that crashes leaves no record behind, and two
//! concurrent requests with one key create one object (the second waits, then replays).

pub mod repo;

use std::future::{ready, Ready};

use actix_web::http::StatusCode;
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::auth::secrets::hash_token;
use crate::db::{self, is_unique_violation, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;
use repo::StoredKey;

const HEADER: &str = "idempotency-key";
const KEEP_HOURS: i64 = 24;

/// The `Idempotency-Key` header as the OpenAPI document shows it.
#[derive(utoipa::IntoParams)]
#[into_params(names("Idempotency-Key"), parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKeyHeader(
    /// A retry with the same key and body returns the first answer; 1 to 255 visible ASCII
    /// characters.
    #[param(min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$")]
    Option<String>,
);

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

/// Runs `create` once per (user, key), in one transaction with the key's record: a repeat
/// with the same request replays the first answer; the same key with a different request
/// is refused; without a key it just runs.
pub async fn once<F, T>(
    state: &AppState,
    user_id: &str,
    key: IdempotencyKey,
    hash: String,
    status: StatusCode,
    create: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let user = user_id.to_string();
    let code = i32::from(status.as_u16());
    let outcome = db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<(bool, u16, String)> {
            if let Some(key) = &key.0 {
                if let Reservation::Answered { status, body } = reserve(conn, &user, key, &hash)? {
                    return Ok((true, status, body));
                }
            }
            let body = serde_json::to_string(&create(conn)?).map_err(anyhow::Error::from)?;
            if let Some(key) = &key.0 {
                repo::complete(conn, &user, key, code, &body)?;
            }
            Ok((false, status.as_u16(), body))
        })
    })
    .await?;
    let (replayed, status, body) = outcome;
    let mut response = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
    if replayed {
        response.insert_header(("idempotency-replayed", "true"));
    }
    Ok(response.content_type("application/json").body(body))
}

/// Inserts the key's record, or finds the one a committed request left. The insert runs in
/// a savepoint: on PostgreSQL a concurrent request with the same key waits on the unique
/// index until the first commits, then fails here and replays its answer.
fn reserve(conn: &mut DbConn, user: &str, key: &str, hash: &str) -> AppResult<Reservation> {
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
        match db::transaction(conn, |conn| repo::insert(conn, &row)) {
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
        return Ok(Reservation::Answered {
            status: u16::try_from(existing.status_code).unwrap_or(200),
            body: existing.response_body,
        });
    }
    Err(AppError::conflict("this Idempotency-Key is busy; retry"))
}

/// Forgets keys older than a day (the periodic task); returns how many.
pub async fn sweep(state: &AppState) -> AppResult<usize> {
    let before = ids::now() - chrono::Duration::hours(KEEP_HOURS);
    db::run(&state.pool, move |conn| {
        repo::delete_older_than(conn, before)
    })
    .await
}
