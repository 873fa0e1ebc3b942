//! Claim rules: the live check, manual claims, and the moderator's decisions
//! (verify with evidence, dismiss as "not a claim", dispute, refute), each audited.

use chrono::NaiveDateTime;

use super::detector::learned::Adjustment;
use super::detector::{self, Language};
use super::gate::{self, CheckAnswer, ClaimView, Hint};
use super::model::{Claim, ClaimStatus, Found};
use super::policy::Policy;
use super::repo::{self};
use super::tuning;
use crate::accounts;
use crate::auth::AuthUser;
use crate::db::{self};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids;
use crate::state::AppState;
use crate::stories::{self};
use crate::urls::parse_public_url;

/// `POST /authenticity/check`: the claims and policy breaches of a free text, matched
/// against a story's decisions when one is named (a story the caller may read). Called as
/// people type, so it is throttled per user and detection runs on the blocking pool, never
/// on the async workers that answer everyone else.
pub async fn check(
    state: &AppState,
    caller: &AuthUser,
    text: String,
    language: Option<Language>,
    story_id: Option<String>,
) -> AppResult<CheckAnswer> {
    state.check_limiter.check(&caller.id)?;
    let reader = caller.clone();
    let (stored, policy, tuned) = db::run(&state.pool, move |conn| -> AppResult<_> {
        let policy = accounts::query::policy_of(conn, &reader.org_id)?;
        let tuned = tuning::adjustment(conn, &reader.org_id)?;
        let stored = match story_id {
            Some(id) => {
                let story = stories::query::load_visible(conn, &reader, &id)?;
                repo::for_story(conn, &story.id)?
            }
            None => Vec::new(),
        };
        Ok((stored, policy, tuned))
    })
    .await?;
    actix_web::web::block(move || judge_text(&text, language, &stored, &policy, tuned.as_deref()))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("claim check: {e}")))
}

fn judge_text(
    text: &str,
    language: Option<Language>,
    stored: &[Claim],
    policy: &Policy,
    tuned: Option<&Adjustment>,
) -> CheckAnswer {
    let language = language.unwrap_or_else(|| detector::guess_language(text));
    let now = ids::now();
    let judged = detector::judge(text, language, tuned);
    let hints = judged
        .hints
        .into_iter()
        .map(|close| Hint {
            field: "text".into(),
            start: close.start,
            end: close.end,
            text: close.text,
            score: close.score,
            why: close.why,
        })
        .collect();
    let views = judged
        .claims
        .into_iter()
        .map(
            |found| match stored.iter().find(|c| c.normalized == found.normalized) {
                Some(claim) => ClaimView {
                    field: "text".into(),
                    start: found.start,
                    end: found.end,
                    text: found.text,
                    why: found.why,
                    ..ClaimView::of(claim, now)
                },
                None => {
                    let claim = Claim::unverified(
                        "",
                        "detected",
                        Found {
                            field: "text",
                            text: found.text,
                            normalized: found.normalized,
                            kind: found.kind.as_str(),
                            start: found.start,
                            end: found.end,
                            why: found.why,
                        },
                    );
                    // Not stored: there is no id to act on.
                    ClaimView {
                        id: None,
                        ..ClaimView::of(&claim, now)
                    }
                }
            },
        )
        .collect();
    let texts = [("text".to_string(), text.to_string())];
    CheckAnswer {
        authenticity: gate::judge(views, gate::violations(policy, &texts)),
        hints,
    }
}

/// What a moderator decides about a claim.
pub enum Verdict {
    Verify {
        evidence_url: Option<String>,
        evidence_note: Option<String>,
        expires_at: Option<NaiveDateTime>,
    },
    Dismiss {
        reason: String,
    },
    Dispute {
        reason: String,
    },
    Refute {
        reason: String,
    },
}

impl Verdict {
    /// A verification needs evidence: a public URL, a note, or both; an expiry must lie ahead.
    pub fn verify(
        evidence_url: Option<String>,
        evidence_note: Option<String>,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
        allow_private_urls: bool,
    ) -> AppResult<Verdict> {
        let evidence_url = match evidence_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(raw) => Some(
                parse_public_url(raw, allow_private_urls)
                    .map_err(|m| AppError::validation("evidence_url", m))?,
            ),
            None => None,
        };
        let evidence_note = evidence_note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if evidence_url.is_none() && evidence_note.is_none() {
            let missing = "give evidence: a URL, a note, or both";
            return Err(AppError::Validation(vec![
                FieldError::new("evidence_url", missing),
                FieldError::new("evidence_note", missing),
            ]));
        }
        if evidence_note
            .as_ref()
            .is_some_and(|n| n.chars().count() > 2000)
        {
            return Err(AppError::validation(
                "evidence_note",
                "at most 2000 characters",
            ));
        }
        let expires_at = expires_at.map(|t| t.naive_utc());
        if expires_at.is_some_and(|t| t <= ids::now()) {
            return Err(AppError::validation("expires_at", "must be in the future"));
        }
        Ok(Verdict::Verify {
            evidence_url,
            evidence_note,
            expires_at,
        })
    }

    pub fn status(&self) -> ClaimStatus {
        match self {
            Verdict::Verify { .. } => ClaimStatus::Verified,
            Verdict::Dismiss { .. } => ClaimStatus::Dismissed,
            Verdict::Dispute { .. } => ClaimStatus::Disputed,
            Verdict::Refute { .. } => ClaimStatus::Refuted,
        }
    }
}
