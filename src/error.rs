//! One error type for the whole API, answered as RFC 9457 `application/problem+json` with a
//! stable `type` per kind and per-field `errors` for validation.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub type AppResult<T> = Result<T, AppError>;

/// One invalid field: `field` is a dotted path into the request (`email`, `captions.x`).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{detail}")]
    Conflict {
        detail: String,
        /// Extra members merged into the problem body (e.g. the blocking claims).
        extra: Option<serde_json::Value>,
    },
    #[error(
        "the story is at version {current_version}, not the one you sent in If-Match; reload it"
    )]
    PreconditionFailed { current_version: i32 },
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Sharing without a live agreement to the org's current consent text.
    #[error("{0}")]
    ConsentRequired(String),
    /// A quota (e.g. shares per day) is used up until `retry_at`.
    #[error("{detail}")]
    QuotaExceeded {
        detail: String,
        retry_at: chrono::DateTime<chrono::Utc>,
    },
    /// A network we called for the client failed or answered nonsense (424: the request was
    /// fine, what it depends on was not).
    #[error("{0}")]
    Upstream(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict {
            detail: detail.into(),
            extra: None,
        }
    }

    pub fn conflict_with(detail: impl Into<String>, extra: serde_json::Value) -> Self {
        Self::Conflict {
            detail: detail.into(),
            extra: Some(extra),
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized(detail.into())
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(detail.into())
    }

    /// The stable, machine-readable kind; also the last segment of the problem `type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation",
            Self::BadRequest(_) => "bad-request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not-found",
            Self::Conflict { .. } => "conflict",
            Self::PreconditionFailed { .. } => "precondition-failed",
            Self::RateLimited { .. } => "rate-limited",
            Self::ConsentRequired(_) => "consent-required",
            Self::QuotaExceeded { .. } => "quota-exceeded",
            Self::Upstream(_) => "network-failed",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::Unexpected(_) => "internal",
        }
    }
}

/// The RFC 9457 body; `errors` only for validation, `extra` flattened in.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// More members for some kinds (a 409's blocking claims, a 412's `current_version`);
    /// the schema leaves them open rather than listing each.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub extra: Option<serde_json::Value>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

pub fn problem_type(kind: &str) -> String {
    format!("urn:vouch:problem:{kind}")
}

/// A problem response for a status with no richer error behind it (405, a bare 404 …).
pub fn problem_response(status: StatusCode, kind: &str, detail: &str) -> HttpResponse {
    let problem = Problem {
        kind: problem_type(kind),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail: detail.to_string(),
        errors: None,
        extra: None,
    };
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(problem)
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::ConsentRequired(_) => StatusCode::FORBIDDEN,
            Self::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream(_) => StatusCode::FAILED_DEPENDENCY,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            Self::Unexpected(e) => {
                // The cause goes to the log with the request id, never to the client.
                tracing::error!(error = ?e, "unexpected error");
                "something went wrong on our side; it has been logged".to_string()
            }
            other => other.to_string(),
        };
        let (errors, extra) = match self {
            Self::Validation(errors) => (Some(errors.clone()), None),
            Self::Conflict { extra, .. } => (None, extra.clone()),
            Self::PreconditionFailed { current_version } => (
                None,
                Some(serde_json::json!({ "current_version": current_version })),
            ),
            Self::ConsentRequired(_) => {
                (None, Some(serde_json::json!({ "requirement": "consent" })))
            }
            Self::QuotaExceeded { retry_at, .. } => {
                (None, Some(serde_json::json!({ "retry_at": retry_at })))
            }
            _ => (None, None),
        };
        let problem = Problem {
            kind: problem_type(self.kind()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
            extra,
        };
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        if let Self::RateLimited { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Self::QuotaExceeded { retry_at, .. } = self {
            let secs = (*retry_at - chrono::Utc::now()).num_seconds().max(1);
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Self::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(problem)
    }
}
