//! A moderator judges a story's claims: marks text the detector missed as a claim, or
//! verifies, dismisses, disputes or refutes one. Each runs through the story's change path,
//! so the gate is judged on what is committed and the story's posts follow the verdict (a
//! disputed or refuted claim of a story that was out takes it down) in one transaction.

use super::story_change;
use crate::accounts;
use crate::audit;
use crate::auth::AuthUser;
use crate::claims::detector;
use crate::claims::model::{Claim, ClaimStatus, Found};
use crate::claims::repo::{self, Decision};
use crate::claims::service::Verdict;
use crate::claims::sync::locate;
use crate::claims::tuning;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;
use crate::stories::view::StoryView;
use crate::stories::{self, Story};
use crate::versions::IfMatch;

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
        let (story, ()) = story_change::change(
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
        stories::query::view_one(conn, story)
    })
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
        stories::query::view_one(conn, story)
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
    let (story, ()) = story_change::change(
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
    let policy = accounts::query::policy_of(conn, &caller.org_id)?;
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
