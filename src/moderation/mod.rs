//! Moderation: submitting for review, the comms team's decisions (each with a reason and a
//! mail to the author), the review queue with waiting times, and the batched review digest.

pub mod digest;
pub mod repo;
pub mod routes;
pub mod service;

use crate::error::{AppError, AppResult};

/// A reason the other side of a verdict or decision is told: required, at most 2000
/// characters once trimmed. The pattern asks for a character `str::trim` keeps: the class is
/// exactly Rust's `White_Space`, which the JSON Schema `\s` does not quite match.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredReason {
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub reason: String,
}

/// A moderator's reason, trimmed: at most 2000 characters; `None` when empty.
pub fn optional_reason(raw: Option<&str>) -> AppResult<Option<String>> {
    // The limit counts the reason as sent (what the document's maxLength counts).
    if raw.is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::validation("reason", "at most 2000 characters"));
    }
    let reason = raw.map(str::trim).unwrap_or("");
    Ok(Some(reason.to_string()).filter(|r| !r.is_empty()))
}

/// A reason that must be given: the person on the other side of the decision deserves one.
pub fn required_reason(raw: Option<&str>) -> AppResult<String> {
    optional_reason(raw)?.ok_or_else(|| AppError::validation("reason", "is required: say why"))
}
