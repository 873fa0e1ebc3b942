//! The review queue: what waits for the comms team, oldest first, with waiting times.
//! (Their decisions are a use case: `app::moderate_story`.)

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::repo;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::paging::{Page, PageParams};
use crate::state::AppState;
use crate::stories::model::ALL_STATUSES;
use crate::stories::query::{load, views};
use crate::stories::view::StoryView;

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    /// Seconds since the story entered review.
    pub waiting_secs: i64,
    pub story: StoryView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueue {
    /// Oldest submission first.
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
    /// Stories of the org per status.
    pub counts: std::collections::BTreeMap<String, i64>,
    pub oldest_waiting_secs: Option<i64>,
}

pub async fn queue(state: &AppState, caller: AuthUser, page: PageParams) -> AppResult<ReviewQueue> {
    let (cursor, limit) = page.checked()?;
    let first_page = cursor.is_none();
    db::run(&state.pool, move |conn| -> AppResult<_> {
        let after = match cursor {
            Some(c) => {
                let s = load(conn, &caller.org_id, &c).map_err(|_| {
                    AppError::validation("cursor", "is not a cursor this API returned")
                })?;
                s.submitted_at.map(|at| (at, s.id))
            }
            None => None,
        };
        let rows = repo::review_queue(conn, &caller.org_id, after, limit + 1)?;
        let page = Page::from_rows(rows, limit, |s| s.id.clone(), |s| s);
        let now = ids::now();
        let waits: Vec<i64> = page
            .items
            .iter()
            .map(|s| waited(s.submitted_at, now))
            .collect();
        // The first page starts with the oldest; later pages ask for it.
        let oldest = if first_page {
            waits.first().copied()
        } else {
            repo::review_queue(conn, &caller.org_id, None, 1)?
                .first()
                .map(|s| waited(s.submitted_at, now))
        };
        let next_cursor = page.next_cursor.clone();
        let items = views(conn, page.items)?
            .into_iter()
            .zip(waits)
            .map(|(story, waiting_secs)| QueueItem {
                story,
                waiting_secs,
            })
            .collect();
        let mut counts: std::collections::BTreeMap<String, i64> = ALL_STATUSES
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        for (status, n) in repo::count_by_status(conn, &caller.org_id)? {
            counts.insert(status, n);
        }
        Ok(ReviewQueue {
            items,
            next_cursor,
            counts,
            oldest_waiting_secs: oldest,
        })
    })
    .await
}

fn waited(since: Option<NaiveDateTime>, now: NaiveDateTime) -> i64 {
    since.map(|at| (now - at).num_seconds().max(0)).unwrap_or(0)
}
