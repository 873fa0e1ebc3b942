//! What happens when a story that may have gone out stops being publishable (a claim
//! disputed or refuted, the story retracted), inside the transaction that decided it: the
//! audited event, its waiting shares cancelled, its published shares taken down (a job each),
//! and a mail to every ambassador concerned.

use crate::audit;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::state::AppState;
use crate::stories::{Story, StoryStatus};

pub fn story_withdrawn(
    conn: &mut DbConn,
    state: &AppState,
    story: &Story,
    actor: Option<&str>,
    cause: &str,
) -> AppResult<()> {
    // Only a story that was approved can have reached anyone.
    if !matches!(
        story.status(),
        StoryStatus::Approved | StoryStatus::Archived
    ) {
        return Ok(());
    }
    audit::record(
        conn,
        audit::Entry {
            org_id: &story.org_id,
            actor_id: actor,
            action: "story.withdrawn",
            object_type: "story",
            object_id: &story.id,
            detail: serde_json::json!({ "cause": cause }),
        },
    )?;
    crate::shares::service::story_withdrawn(conn, state, story, cause)
}
