//! The moderation rules: transitions through the status machine, the authenticity gate on
//! approval, audit and author mail for every decision, and the review queue.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::cascade;
use super::repo;
use crate::accounts::{self, Role};
use crate::audit;
use crate::auth::AuthUser;
use crate::claims;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http::pagination::{Page, PageParams};
use crate::ids;
use crate::mail::templates;
use crate::state::AppState;
use crate::stories::model::ALL_STATUSES;
use crate::stories::service::{load, save, view_one, views};
use crate::stories::view::StoryView;
use crate::stories::{Story, StoryKind};

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
            | Decision::Retract { .. } => super::required_reason(self.reason()).map(Some),
            _ => super::optional_reason(self.reason()),
        }
    }
}

/// Sends a story into review: its author, or the comms team for company stories.
pub async fn submit(state: &AppState, caller: AuthUser, id: String) -> AppResult<StoryView> {
    db::run(&state.pool, move |conn| -> AppResult<_> {
        db::transaction(conn, |conn| -> AppResult<_> {
            let story = load(conn, &caller.org_id, &id)?;
            let team =
                story.kind == StoryKind::Company.as_str() && caller.is_at_least(Role::Moderator);
            if story.author_id != caller.id && !team {
                return Err(AppError::forbidden("only the author may submit this story"));
            }
            let from = story.status();
            let next = from.submit()?;
            let now = ids::now();
            let updated = Story {
                status: next.as_str().into(),
                submitted_at: Some(now),
                review_notified_at: None,
                updated_at: now,
                ..story
            };
            save(conn, &updated)?;
            audit::by_user(
                conn,
                &caller,
                "story.submitted",
                ("story", &updated.id),
                serde_json::json!({ "from": from.as_str() }),
            )?;
            view_one(conn, &caller.org_id, updated)
        })
    })
    .await
}

/// Applies a moderator's decision. Approval passes the authenticity gate first: a 409 lists
/// every claim and policy breach that blocks it.
pub async fn decide(
    state: &AppState,
    caller: AuthUser,
    id: String,
    decision: Decision,
) -> AppResult<StoryView> {
    let reason = decision.checked_reason()?;
    let d = decision.clone();
    let why = reason.clone();
    let (view, author_email, title) = db::run(&state.pool, move |conn| -> AppResult<_> {
        db::transaction(conn, |conn| -> AppResult<_> {
            let story = load(conn, &caller.org_id, &id)?;
            let from = story.status();
            let next = match &d {
                Decision::Approve { .. } => from.approve()?,
                Decision::Reject { .. } => from.reject()?,
                Decision::RequestChanges { .. } => from.request_changes()?,
                Decision::Archive { .. } => from.archive()?,
                Decision::Retract { .. } => from.retract()?,
            };
            let now = ids::now();
            if matches!(d, Decision::Approve { .. }) {
                let policy = accounts::service::policy_of(conn, &caller.org_id)?;
                let story_claims = claims::service::of_story(conn, &story.id)?;
                let gate = claims::service::approvability(&story, &story_claims, &policy, now);
                if !gate.approvable {
                    return Err(AppError::conflict_with(
                        format!("cannot approve: {}", gate.reasons.join("; ")),
                        serde_json::json!({
                            "current_status": from.as_str(),
                            "blocking": gate.blocking,
                            "policy_violations": gate.policy_violations,
                        }),
                    ));
                }
            }
            if matches!(d, Decision::Retract { .. }) {
                cascade::story_withdrawn(
                    conn,
                    &story,
                    Some(&caller.id),
                    &format!("retracted: {}", why.as_deref().unwrap_or("")),
                )?;
            }
            let updated = Story {
                status: next.as_str().into(),
                decided_at: Some(now),
                decided_by: Some(caller.id.clone()),
                decision_reason: why.clone(),
                updated_at: now,
                ..story
            };
            save(conn, &updated)?;
            audit::by_user(
                conn,
                &caller,
                &format!("story.{}", next.as_str()),
                ("story", &updated.id),
                serde_json::json!({ "from": from.as_str(), "to": next.as_str(), "reason": why }),
            )?;
            let author = accounts::service::user(conn, &caller.org_id, &updated.author_id)?;
            let title = updated.title.clone();
            Ok((
                view_one(conn, &caller.org_id, updated)?,
                author.email,
                title,
            ))
        })
    })
    .await?;
    state.mailer.send_in_background(templates::decision(
        &author_email,
        &title,
        decision.name(),
        reason.as_deref(),
    ));
    Ok(view)
}

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
        let items = views(conn, &caller.org_id, page.items)?
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
