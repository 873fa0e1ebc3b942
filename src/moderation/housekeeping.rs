//! Periodic upkeep of story statuses: an approved story past its expiry becomes `archived`.
//! The gate already stops expired stories at once; this makes the status say so too.

use super::repo;
use crate::audit;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::state::AppState;
use crate::stories::StoryStatus;

/// Archives every approved story whose expiry has passed; returns how many.
pub async fn archive_expired(state: &AppState) -> AppResult<usize> {
    db::run(&state.pool, |conn| {
        db::transaction(conn, |conn| -> AppResult<usize> {
            let now = ids::now();
            let mut archived = 0;
            for story in repo::expired_approved(conn, now)? {
                let next = story.status().archive()?;
                // Conditional: another instance may have archived it a moment ago.
                if !repo::move_status(conn, &story.id, StoryStatus::Approved.as_str(), next.as_str(), now)? {
                    continue;
                }
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
                archived += 1;
            }
            Ok(archived)
        })
    })
    .await
}
