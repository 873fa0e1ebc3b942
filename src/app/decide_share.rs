//! A moderator decides on a share held for review: approved, it is scheduled only if its
//! story is still publishable (it may have lost its verdict while the share waited), and its
//! publication queued; rejected, its owner is told why. One transaction.

use super::create_share::{queue_publish, refuse_unpublishable};
use crate::audit;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::mail::{self, templates};
use crate::shares::model::{Share, ShareStatus, ShareView};
use crate::shares::service::change;
use crate::state::AppState;
use crate::stories;

/// A moderator's decision on a share held for review.
pub enum Decision {
    Approve,
    Reject(String),
}

pub async fn decide(
    state: &AppState,
    caller: AuthUser,
    id: String,
    decision: Decision,
) -> AppResult<ShareView> {
    if let Decision::Reject(reason) = &decision {
        if reason.trim().is_empty() {
            return Err(AppError::validation("reason", "is required"));
        }
    }
    let state2 = state.clone();
    let public_url = state.settings.server.public_url.clone();
    db::run(&state.pool, move |conn| {
        db::transaction(conn, |conn| -> AppResult<ShareView> {
            let policy = crate::accounts::query::policy_of(conn, &caller.org_id)?;
            let now = ids::now();
            let share = change(conn, &caller, &id, |s| {
                if policy.separate_verifier && s.user_id == caller.id {
                    return Err(AppError::forbidden(
                        "the org asks for four eyes: someone else decides on your share",
                    ));
                }
                let (status, reason) = match &decision {
                    Decision::Approve => (s.status().approve()?, None),
                    Decision::Reject(r) => (s.status().reject()?, Some(r.trim().to_string())),
                };
                Ok(Share {
                    status: status.as_str().into(),
                    review_reason: reason,
                    decided_by: Some(caller.id.clone()),
                    decided_at: Some(now),
                    scheduled_at: s.scheduled_at.max(now),
                    ..s
                })
            })?;
            let approved = share.status() == ShareStatus::Scheduled;
            if approved {
                // The story may have lost its verdict while the share waited.
                let story = stories::query::load(conn, &share.org_id, &share.story_id)?;
                refuse_unpublishable(conn, &story, now)?;
                queue_publish(conn, &state2, &share)?;
            }
            let (action, word) = if approved {
                ("share.approved", "approved")
            } else {
                ("share.rejected", "rejected")
            };
            audit::by_user(
                conn,
                &caller,
                action,
                ("share", &share.id),
                serde_json::json!({ "reason": share.review_reason }),
            )?;
            let owner = crate::accounts::query::user(conn, &share.org_id, &share.user_id)?;
            mail::queue(
                conn,
                &state2.outbox,
                Some(&share.org_id),
                templates::share_decision(
                    &owner.email,
                    &share.channel,
                    word,
                    share.review_reason.as_deref(),
                ),
            )?;
            Ok(ShareView::of(share, &public_url))
        })
    })
    .await
}
