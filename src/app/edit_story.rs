//! Editing a story: content edits re-run the claim check and send an approved story back to
//! review, through the story's change path, so its posts follow in the same transaction.

use super::story_change;
use crate::audit;
use crate::auth::AuthUser;
use crate::claims;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::state::AppState;
use crate::stories::input::StoryPatch;
use crate::stories::query::view_one;
use crate::stories::repo;
use crate::stories::service::{fill, may_edit};
use crate::stories::view::StoryView;
use crate::stories::{Story, StoryStatus};
use crate::versions::IfMatch;

/// Edits a story. Content edits re-run the claim check, and send an approved story back to
/// review; topic and expiry edits need no review.
#[tracing::instrument(skip(state, caller, patch, expected), fields(user = %caller.id))]
pub async fn update(
    state: &AppState,
    caller: AuthUser,
    id: String,
    patch: StoryPatch,
    expected: IfMatch,
) -> AppResult<StoryView> {
    let allow_private = state.settings.security.allow_private_urls;
    let state = state.clone();
    db::run_atomic(&state.pool.clone(), move |conn| -> AppResult<_> {
        let org_id = caller.org_id.clone();
        let (story, ()) = story_change::change(conn, &state, &org_id, &id, &expected, Some(&caller.id), |conn, story| {
            if !may_edit(&caller, &story) {
                return Err(AppError::forbidden("only the author (or the comms team, for company stories) may edit this story"));
            }
            let status = story.status();
            let metadata_only = patch.is_metadata_only();
            let next = if metadata_only { status.edit_metadata()? } else { status.edit_content()? };
            let topics = repo::topics_of(conn, std::slice::from_ref(&story.id))?
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            let now = ids::now();
            let clean = story.draft(topics).apply(patch).validate(allow_private, now)?;
            let back_to_review = next == StoryStatus::InReview && status != StoryStatus::InReview;
            let updated = Story {
                status: next.as_str().into(),
                submitted_at: if back_to_review { Some(now) } else { story.submitted_at },
                review_notified_at: if back_to_review { None } else { story.review_notified_at },
                last_editor_id: if metadata_only { story.last_editor_id.clone() } else { Some(caller.id.clone()) },
                ..fill(story.clone(), &clean)
            };
            repo::set_topics(conn, &updated.id, &clean.topics)?;
            claims::sync::sync(conn, &updated)?;
            audit::by_user(conn, &caller, if back_to_review { "story.resubmitted" } else { "story.edited" }, ("story", &updated.id), serde_json::json!({ "from": status.as_str(), "to": next.as_str(), "metadata_only": metadata_only }))?;
            Ok((updated, ()))
        })?;
        view_one(conn, story)
    })
    .await
}
