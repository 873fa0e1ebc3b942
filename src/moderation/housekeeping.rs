//! Periodic upkeep of story statuses: an approved story past its expiry becomes `archived`,
//! through the story's command path like any other change (so its posts come down, or are
//! held, as the org's policy says).

use super::repo;
use crate::audit;
use crate::db;
use crate::error::AppResult;
use crate::http::preconditions::IfMatch;
use crate::ids;
use crate::state::AppState;
use crate::stories::{command, Story};

/// Archives every approved story whose expiry has passed; returns how many.
pub async fn archive_expired(state: &AppState) -> AppResult<usize> {
    let st = state.clone();
    db::run(&state.pool, move |conn| -> AppResult<usize> {
        let now = ids::now();
        let mut archived = 0;
        for story in repo::expired_approved(conn, now)? {
            // Under the lock the story may have moved on (another instance archived it).
            let done = command::change(conn, &st, &story.org_id, &story.id, &IfMatch::any(), None, |conn, story| {
                if story.status().archive().is_err() || story.expires_at.is_none_or(|t| t > now) {
                    return Ok((story, false));
                }
                let next = story.status().archive()?;
                audit::record(
                    conn,
                    audit::Entry {
                        org_id: &story.org_id,
                        actor_id: None,
                        action: "story.archived",
                        object_type: "story",
                        object_id: &story.id,
                        detail: serde_json::json!({ "from": "approved", "to": "archived", "reason": "expired" }),
                    },
                )?;
                Ok((Story { status: next.as_str().into(), ..story }, true))
            })?;
            archived += usize::from(done.1);
        }
        Ok(archived)
    })
    .await
}
