//! The comms team's decisions on a story, and its submission for review: each runs through
//! the story's change path (`story_change`), so it is judged on the committed story and its
//! claims, and the story's shares follow in the same transaction.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::{story_change, withdraw_story};
use crate::accounts::{self, Role};
use crate::audit;
use crate::auth::AuthUser;
use crate::claims;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::mail::{self, templates};
use crate::moderation::{optional_reason, required_reason};
use crate::state::AppState;
use crate::stories::query::view_one;
use crate::stories::view::StoryView;
use crate::stories::{Story, StoryKind};
use crate::versions::IfMatch;

/// A moderator's decision on a story.
#[derive(Debug, Clone)]
pub enum Decision {
    Approve { note: Option<String> },
    Reject { reason: String },
    RequestChanges { reason: String },
    Archive { reason: Option<String> },
    Retract { reason: String },
}

impl Decision {
    fn name(&self) -> &'static str {
        match self {
            Decision::Approve { .. } => "approved",
            Decision::Reject { .. } => "rejected",
            Decision::RequestChanges { .. } => "sent back for changes",
            Decision::Archive { .. } => "archived",
            Decision::Retract { .. } => "retracted",
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Decision::Approve { note } | Decision::Archive { reason: note } => note.as_deref(),
            Decision::Reject { reason }
            | Decision::RequestChanges { reason }
            | Decision::Retract { reason } => Some(reason.as_str()),
        }
    }

    /// The reason as it is stored, audited and mailed. Refusals and retractions must say
    /// why: the author deserves a reason.
    fn checked_reason(&self) -> AppResult<Option<String>> {
        match self {
            Decision::Reject { .. }
            | Decision::RequestChanges { .. }
            | Decision::Retract { .. } => required_reason(self.reason()).map(Some),
            _ => optional_reason(self.reason()),
        }
    }
}

/// Sends a story into review: its author, or the comms team for company stories.
pub async fn submit(
    state: &AppState,
    caller: AuthUser,
    id: String,
    expected: IfMatch,
) -> AppResult<StoryView> {
    let state = state.clone();
    db::run_atomic(&state.pool.clone(), move |conn| -> AppResult<_> {
        let org_id = caller.org_id.clone();
        let (story, ()) = story_change::change(
            conn,
            &state,
            &org_id,
            &id,
            &expected,
            Some(&caller.id),
            |conn, story| {
                let team = story.kind == StoryKind::Company.as_str()
                    && caller.is_at_least(Role::Moderator);
                if story.author_id != caller.id && !team {
                    return Err(AppError::forbidden("only the author may submit this story"));
                }
                let from = story.status();
                let next = from.submit()?;
                audit::by_user(
                    conn,
                    &caller,
                    "story.submitted",
                    ("story", &story.id),
                    serde_json::json!({ "from": from.as_str() }),
                )?;
                Ok((
                    Story {
                        status: next.as_str().into(),
                        submitted_at: Some(ids::now()),
                        review_notified_at: None,
                        ..story
                    },
                    (),
                ))
            },
        )?;
        view_one(conn, story)
    })
    .await
}

/// Applies a moderator's decision through the story's command path, so it is judged on the
/// committed story and its claims. Approval passes the authenticity gate first: a 409 lists
/// every claim and policy breach that blocks it. The author's mail is queued in the same
/// transaction (the outbox), so it is sent even if the relay is down right now. A decision
/// that leaves the story unpublishable takes its posts down (or holds them) on that path.
pub async fn decide(
    state: &AppState,
    caller: AuthUser,
    id: String,
    decision: Decision,
    expected: IfMatch,
) -> AppResult<StoryView> {
    let why = decision.checked_reason()?;
    let state = state.clone();
    db::run_atomic(&state.pool.clone(), move |conn| -> AppResult<_> {
        let org_id = caller.org_id.clone();
        let (story, ()) = story_change::change(conn, &state, &org_id, &id, &expected, Some(&caller.id), |conn, story| {
            let from = story.status();
            let next = match &decision {
                Decision::Approve { .. } => from.approve()?,
                Decision::Reject { .. } => from.reject()?,
                Decision::RequestChanges { .. } => from.request_changes()?,
                Decision::Archive { .. } => from.archive()?,
                Decision::Retract { .. } => from.retract()?,
            };
            let now = ids::now();
            if matches!(decision, Decision::Approve { .. }) {
                approvable(conn, &caller, &story, now)?;
            }
            audit::by_user(
                conn,
                &caller,
                &format!("story.{}", next.as_str()),
                ("story", &story.id),
                serde_json::json!({ "from": from.as_str(), "to": next.as_str(), "reason": why }),
            )?;
            let author = accounts::query::user(conn, &caller.org_id, &story.author_id)?;
            mail::queue(
                conn,
                &state.outbox,
                Some(&org_id),
                templates::decision(&author.email, &story.title, decision.name(), why.as_deref()),
            )?;
            Ok((
                Story {
                    status: next.as_str().into(),
                    decided_at: Some(now),
                    decided_by: Some(caller.id.clone()),
                    decision_reason: why.clone(),
                    ..story
                },
                (),
            ))
        })?;
        view_one(conn, story)
    })
    .await
}

/// What `POST /stories/{id}/take-down` did: counts of this call (a repeat finds nothing
/// left: both 0). The deletions themselves run as jobs; each share's `post` tells how each
/// ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct TakeDown {
    pub story_id: String,
    /// Shares that had not gone out, now cancelled.
    #[schema(minimum = 0)]
    pub cancelled: usize,
    /// Posts whose deletion at the network is now queued (held ones, and those whose
    /// removal failed or was refused before, included).
    #[schema(minimum = 0)]
    pub removals_queued: usize,
}

/// Takes every post of a story that is not publishable down, whatever the org's policy (the
/// one-click answer to posts held for review). The org row, then the story row, are locked,
/// in the command path's order, so no share of it is created or changed meanwhile.
pub async fn take_down(state: &AppState, caller: AuthUser, id: String) -> AppResult<TakeDown> {
    if !ids::is_id(&id) {
        return Err(AppError::NotFound);
    }
    let state = state.clone();
    db::run_atomic(&state.pool.clone(), move |conn| -> AppResult<_> {
        accounts::repo::bump_content_version(conn, &caller.org_id)?;
        let story = crate::stories::repo::lock_in_org(conn, &caller.org_id, &id)?
            .ok_or(AppError::NotFound)?;
        if story.publishable_at(ids::now()) {
            return Err(AppError::conflict_with(
                "the story is publishable: its posts stand; retract it to take them down",
                serde_json::json!({ "current_status": story.status }),
            ));
        }
        let done = withdraw_story::take_down_now(conn, &state, &story, &caller.id)?;
        Ok(TakeDown {
            story_id: story.id,
            cancelled: done.cancelled,
            removals_queued: done.removals_queued,
        })
    })
    .await
}

/// The gate on approval, judged afresh on the locked story, and the four-eyes rule.
fn approvable(
    conn: &mut DbConn,
    caller: &AuthUser,
    story: &Story,
    now: NaiveDateTime,
) -> AppResult<()> {
    let policy = accounts::query::policy_of(conn, &caller.org_id)?;
    let story_claims = claims::query::of_story(conn, &story.id)?;
    let wrote_a_claim = story_claims
        .iter()
        .any(|c| c.created_by.as_deref() == Some(&caller.id));
    if policy.separate_verifier && (story.written_by(&caller.id) || wrote_a_claim) {
        return Err(AppError::forbidden(
            "this org requires four eyes: someone who wrote neither the story nor one of its claims must approve it",
        ));
    }
    let gate = claims::query::approvability(story, &story_claims, &policy, now);
    if gate.approvable {
        return Ok(());
    }
    Err(AppError::conflict_with(
        format!("cannot approve: {}", gate.reasons.join("; ")),
        serde_json::json!({
            "current_status": story.status,
            "blocking": gate.blocking,
            "policy_violations": gate.policy_violations,
        }),
    ))
}
