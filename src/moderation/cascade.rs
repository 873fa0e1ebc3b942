//! What happens when a story that may have gone out stops being publishable (a claim
//! disputed or refuted, the story retracted). Today: the audited event; the share and careers
//! steps hang on this same function, inside the same transaction.

use crate::audit;
use crate::db::DbConn;
use crate::stories::{Story, StoryStatus};

pub fn story_withdrawn(
    conn: &mut DbConn,
    story: &Story,
    actor: Option<&str>,
    cause: &str,
) -> diesel::QueryResult<()> {
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
    )
}
