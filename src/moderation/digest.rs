//! Moderators hear of new submissions in batches: every interval, one mail per moderator
//! lists what entered review since the last mail, instead of one mail per edit. Each story
//! is claimed with a conditional update first, so two instances never announce it twice.

use std::collections::BTreeMap;

use super::repo;
use crate::accounts;
use crate::db;
use crate::error::AppResult;
use crate::ids;
use crate::mail::templates;
use crate::state::AppState;

/// Sends the pending notices once; returns how many mails went out.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let batches = db::run(&state.pool, |conn| {
        db::transaction(conn, |conn| -> AppResult<_> {
            let now = ids::now();
            let mut by_org: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
            for story in repo::awaiting_review_notice(conn)? {
                if repo::mark_review_notified(conn, &story.id, now)? {
                    let author = accounts::service::user(conn, &story.org_id, &story.author_id)
                        .map(|u| u.display_name)
                        .unwrap_or_default();
                    by_org
                        .entry(story.org_id.clone())
                        .or_default()
                        .push((story.title, author));
                }
            }
            let mut mails = Vec::new();
            for (org_id, entries) in by_org {
                for email in accounts::service::staff_emails(conn, &org_id)? {
                    mails.push(templates::review_digest(&email, &entries));
                }
            }
            Ok(mails)
        })
    })
    .await?;
    let count = batches.len();
    for mail in batches {
        state.mailer.send_in_background(mail);
    }
    Ok(count)
}
