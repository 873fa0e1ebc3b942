//! Claim rows and statuses. A verification can expire: the *effective* status, not the
//! stored one, is what the gate reads, so expiry needs no job to take effect.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::claims;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claims)]
pub struct Claim {
    pub id: String,
    pub story_id: String,
    pub field: String,
    pub text: String,
    pub normalized: String,
    pub kind: String,
    pub origin: String,
    pub status: String,
    pub span_start: i32,
    pub span_end: i32,
    pub evidence_url: Option<String>,
    pub evidence_note: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub verification_expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Who marked it by hand (manual claims); detected claims were written by the story's writers.
    pub created_by: Option<String>,
    /// Why the detector flagged it: a JSON array of short reasons (none for manual claims).
    pub why: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Unverified,
    Verified,
    Disputed,
    Refuted,
    /// A moderator judged the sentence not to be a claim (with a reason).
    Dismissed,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Unverified => "unverified",
            ClaimStatus::Verified => "verified",
            ClaimStatus::Disputed => "disputed",
            ClaimStatus::Refuted => "refuted",
            ClaimStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> ClaimStatus {
        match s {
            "verified" => ClaimStatus::Verified,
            "disputed" => ClaimStatus::Disputed,
            "refuted" => ClaimStatus::Refuted,
            "dismissed" => ClaimStatus::Dismissed,
            _ => ClaimStatus::Unverified,
        }
    }

    /// Whether a claim in this status lets its story go out.
    pub fn is_clear(self) -> bool {
        matches!(self, ClaimStatus::Verified | ClaimStatus::Dismissed)
    }
}

/// Where a claim was found: which text, its words, and its char span there.
pub struct Found<'a> {
    pub field: &'a str,
    pub text: String,
    pub normalized: String,
    pub kind: &'a str,
    pub start: usize,
    pub end: usize,
    /// Why the detector flagged it; empty for manual claims.
    pub why: Vec<String>,
}

impl Claim {
    /// A claim nobody has judged yet: every claim starts here, detected or added by hand.
    pub fn unverified(story_id: &str, origin: &str, found: Found<'_>) -> Claim {
        let now = crate::ids::now();
        Claim {
            id: crate::ids::new_id(),
            story_id: story_id.to_string(),
            field: found.field.to_string(),
            text: found.text,
            normalized: found.normalized,
            kind: found.kind.to_string(),
            origin: origin.to_string(),
            status: ClaimStatus::Unverified.as_str().into(),
            span_start: i32::try_from(found.start).unwrap_or(i32::MAX),
            span_end: i32::try_from(found.end).unwrap_or(i32::MAX),
            evidence_url: None,
            evidence_note: None,
            reason: None,
            decided_by: None,
            decided_at: None,
            verification_expires_at: None,
            created_at: now,
            updated_at: now,
            created_by: None,
            why: (!found.why.is_empty())
                .then(|| serde_json::to_string(&found.why).unwrap_or_default()),
        }
    }

    /// The detector's reasons, as stored.
    pub fn reasons(&self) -> Vec<String> {
        self.why
            .as_deref()
            .and_then(|w| serde_json::from_str(w).ok())
            .unwrap_or_default()
    }

    pub fn stored_status(&self) -> ClaimStatus {
        ClaimStatus::parse(&self.status)
    }

    pub fn verification_expired(&self, now: NaiveDateTime) -> bool {
        self.stored_status() == ClaimStatus::Verified
            && self.verification_expires_at.is_some_and(|at| at <= now)
    }

    /// The status as of `now`: a verification past its expiry counts as unverified again.
    pub fn status_at(&self, now: NaiveDateTime) -> ClaimStatus {
        if self.verification_expired(now) {
            ClaimStatus::Unverified
        } else {
            self.stored_status()
        }
    }
}
