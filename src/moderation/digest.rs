//! Moderators hear of new submissions in batches: every interval, one mail per moderator
//! lists what entered review since the last mail, instead of one mail per edit. Stories are
//! marked notified in the transaction that queues the mails (the outbox), so a notice is
//! neither lost when the relay is down nor sent twice by two instances.

use std::collections::BTreeMap;

use super::repo;
use crate::accounts;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::mail::{self, templates};
use crate::state::AppState;

/// Queues the pending notices once; returns how many mails were queued.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let state = state.clone();
    db::run(&state.pool.clone(), move |conn| {
        db::transaction(conn, |conn| -> AppResult<_> {
            let now = ids::now();
            let mut by_org: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
            for story in repo::awaiting_review_notice(conn)? {
                if repo::mark_review_notified(conn, &story.id, now)? {
                    let author = accounts::query::user(conn, &story.org_id, &story.author_id)
                        .map(|u| u.display_name)
                        .unwrap_or_default();
                    by_org
                        .entry(story.org_id.clone())
                        .or_default()
                        .push((story.title, author));
                }
            }
            let mut queued = 0;
            for (org_id, entries) in by_org {
                for email in accounts::query::staff_emails(conn, &org_id)? {
                    mail::queue(
                        conn,
                        &state.outbox,
                        Some(&org_id),
                        templates::review_digest(&email, &entries),
                    )?;
                    queued += 1;
                }
            }
            Ok(queued)
        })
    })
    .await
}
