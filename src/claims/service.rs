//! Claim rules: the live check, manual claims, and the moderator's decisions
//! (verify with evidence, dismiss as "not a claim", dispute, refute), each audited.

use chrono::NaiveDateTime;

use super::detector::learned::Adjustment;
use super::detector::{self, Language};
use super::gate::{self, Authenticity, CheckAnswer, ClaimView, Hint};
use super::model::{Claim, ClaimStatus, Found};
use super::policy::Policy;
use super::repo::{self, Decision};
use super::sync::locate;
use super::tuning;
use crate::accounts;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult, FieldError};
use crate::http::preconditions::IfMatch;
use crate::ids;
use crate::state::AppState;
use crate::stories::view::StoryView;
use crate::stories::{self, Story};
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
        let policy = accounts::service::policy_of(conn, &reader.org_id)?;
        let tuned = tuning::adjustment(conn, &reader.org_id)?;
        let stored = match story_id {
            Some(id) => {
                let story = stories::service::load_visible(conn, &reader, &id)?;
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

/// A moderator marks text the detector missed as a claim; returns what writes it, to run in
/// the request's transaction (with its `Idempotency-Key` record).
pub fn add_manual(
    state: &AppState,
    caller: AuthUser,
    story_id: String,
    text: String,
    kind: Option<detector::ClaimKind>,
) -> AppResult<impl FnOnce(&mut DbConn) -> AppResult<StoryView>> {
    let text = text.trim().to_string();
    if text.chars().count() < 3 || text.chars().count() > 1000 {
        return Err(AppError::validation("text", "must be 3 to 1000 characters"));
    }
    let state = state.clone();
    Ok(move |conn: &mut DbConn| {
        let org_id = caller.org_id.clone();
        let (story, ()) = stories::command::change(
            conn,
            &state,
            &org_id,
            &story_id,
            &IfMatch::any(),
            Some(&caller.id),
            |conn, story| {
                let at = locate(&story.texts(), &text).ok_or_else(|| {
                    AppError::validation(
                        "text",
                        "does not appear in the story's title, body or captions",
                    )
                })?;
                let normalized = detector::normalize(&at.quoted);
                if repo::for_story(conn, &story.id)?
                    .iter()
                    .any(|c| c.normalized == normalized)
                {
                    return Err(AppError::conflict(
                        "this text is already a claim of the story",
                    ));
                }
                let claim = Claim {
                    decided_by: Some(caller.id.clone()),
                    decided_at: Some(ids::now()),
                    created_by: Some(caller.id.clone()),
                    ..Claim::unverified(
                        &story.id,
                        "manual",
                        Found {
                            field: &at.field,
                            text: at.quoted,
                            normalized,
                            kind: kind.map(|k| k.as_str()).unwrap_or("manual"),
                            start: at.start,
                            end: at.end,
                            why: Vec::new(),
                        },
                    )
                };
                repo::insert(conn, &claim)?;
                tuning::record(conn, &story, &claim.text, true, tuning::MANUAL)?;
                audit::by_user(
                    conn,
                    &caller,
                    "claim.added",
                    ("claim", &claim.id),
                    serde_json::json!({ "text": claim.text }),
                )?;
                Ok((story, ()))
            },
        )?;
        stories::service::view_one(conn, story)
    })
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

    fn status(&self) -> ClaimStatus {
        match self {
            Verdict::Verify { .. } => ClaimStatus::Verified,
            Verdict::Dismiss { .. } => ClaimStatus::Dismissed,
            Verdict::Dispute { .. } => ClaimStatus::Disputed,
            Verdict::Refute { .. } => ClaimStatus::Refuted,
        }
    }
}

/// Applies a verdict; answers the story as it now stands (the gate's new verdict shows).
pub async fn decide(
    state: &AppState,
    caller: AuthUser,
    claim_id: String,
    verdict: Verdict,
    expected: IfMatch,
) -> AppResult<StoryView> {
    let state = state.clone();
    db::run_atomic(&state.pool.clone(), move |conn| {
        let story = decide_in(conn, &state, &caller, &claim_id, verdict, &expected)?;
        stories::service::view_one(conn, story)
    })
    .await
}

/// `decide` inside the caller's transaction, through the story's command path: the claim
/// is read again under the story's lock, so a verdict never lands on a claim that a
/// concurrent edit removed (409), and the gate is judged on what is committed. Disputing or
/// refuting a claim of a story that was out withdraws it (the command path's cascade).
pub fn decide_in(
    conn: &mut DbConn,
    state: &AppState,
    caller: &AuthUser,
    claim_id: &str,
    verdict: Verdict,
    expected: &IfMatch,
) -> AppResult<Story> {
    if !ids::is_id(claim_id) {
        return Err(AppError::NotFound);
    }
    let story_id = repo::find(conn, claim_id)?
        .ok_or(AppError::NotFound)?
        .story_id;
    let (story, ()) = stories::command::change(
        conn,
        state,
        &caller.org_id,
        &story_id,
        expected,
        Some(&caller.id),
        |conn, story| {
            let claim = repo::find(conn, claim_id)?
                .filter(|c| c.story_id == story.id)
                .ok_or_else(|| {
                    AppError::conflict(
                        "this claim is no longer part of the story (it was edited meanwhile); reload it",
                    )
                })?;
            separate_verifier(conn, caller, &story, &claim)?;
            apply_verdict(conn, caller, &story, &claim, &verdict)?;
            Ok((story, ()))
        },
    )?;
    Ok(story)
}

/// The org's four-eyes rule (`policy.separate_verifier`): whoever wrote the story or the
/// claim may not judge it.
fn separate_verifier(
    conn: &mut DbConn,
    caller: &AuthUser,
    story: &Story,
    claim: &Claim,
) -> AppResult<()> {
    let policy = accounts::service::policy_of(conn, &caller.org_id)?;
    if policy.separate_verifier
        && (story.written_by(&caller.id) || claim.created_by.as_deref() == Some(&caller.id))
    {
        return Err(AppError::forbidden(
            "this org requires four eyes: someone who did not write the story or the claim must judge it",
        ));
    }
    Ok(())
}

fn apply_verdict(
    conn: &mut DbConn,
    caller: &AuthUser,
    story: &Story,
    claim: &Claim,
    verdict: &Verdict,
) -> AppResult<()> {
    let now = ids::now();
    let status = verdict.status();
    let (evidence_url, evidence_note, reason, expires) = match verdict {
        Verdict::Verify {
            evidence_url,
            evidence_note,
            expires_at,
        } => (
            evidence_url.as_deref(),
            evidence_note.as_deref(),
            None,
            *expires_at,
        ),
        Verdict::Dismiss { reason } | Verdict::Dispute { reason } | Verdict::Refute { reason } => (
            claim.evidence_url.as_deref(),
            claim.evidence_note.as_deref(),
            Some(reason.as_str()),
            None,
        ),
    };
    repo::decide(
        conn,
        &claim.id,
        &Decision {
            status: status.as_str(),
            evidence_url,
            evidence_note,
            reason,
            decided_by: &caller.id,
            at: now,
            verification_expires_at: expires,
        },
    )?;
    let detail = serde_json::json!({
        "from": claim.status_at(now).as_str(),
        "to": status.as_str(),
        "text": claim.text,
        "reason": reason,
        "evidence_url": evidence_url,
        "evidence_note": evidence_note,
    });
    audit::by_user(
        conn,
        caller,
        &format!("claim.{}", status.as_str()),
        ("claim", &claim.id),
        detail,
    )?;
    // The judgement teaches the org's detector: a dismissal says the sentence is no claim,
    // any other verdict that it is one.
    let is_claim = status != ClaimStatus::Dismissed;
    let source = if is_claim {
        tuning::VERDICT
    } else {
        tuning::DISMISSAL
    };
    tuning::record(conn, story, &claim.text, is_claim, source)?;
    Ok(())
}

/// The claims of a story, for the gate.
pub fn of_story(conn: &mut DbConn, story_id: &str) -> diesel::QueryResult<Vec<Claim>> {
    repo::for_story(conn, story_id)
}

/// The claims of several stories at once, for building their views.
pub fn of_stories(conn: &mut DbConn, story_ids: &[String]) -> diesel::QueryResult<Vec<Claim>> {
    repo::for_stories(conn, story_ids)
}

/// The gate over a loaded story and its stored policy verdict, for views.
pub fn assess(story: &Story, claims: &[Claim], now: NaiveDateTime) -> Authenticity {
    gate::assess(
        &gate::StoryFacts {
            approved: story.status() == stories::StoryStatus::Approved,
            status: &story.status,
            publish_from: story.publish_from,
            expires_at: story.expires_at,
        },
        claims,
        story.policy_violations(),
        now,
    )
}

/// Whether the content of a story would pass approval: its claims and the policy, judged
/// afresh on the locked story (the approval itself must not trust a stored verdict).
pub fn approvability(
    story: &Story,
    claims: &[Claim],
    policy: &Policy,
    now: NaiveDateTime,
) -> Authenticity {
    let views = claims.iter().map(|c| ClaimView::of(c, now)).collect();
    gate::judge(views, gate::violations(policy, &story.texts()))
}
