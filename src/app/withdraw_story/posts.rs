//! A story's shares once it stopped being publishable: taken down, or held for review, as
//! the parent module decides. Each share is changed under its lock in the caller's
//! transaction: what waits is cancelled (a worker that claims it later finds it cancelled),
//! each post out is marked and its deletion queued as a job (the outbox; `retract` runs it),
//! and the people concerned are mailed, once each.

use std::collections::BTreeSet;

use crate::db::DbConn;
use crate::error::AppResult;
use crate::ids;
use crate::jobs;
use crate::mail::{self, templates, Mail};
use crate::shares::model::{PostState, Share};
use crate::shares::repo;
use crate::shares::retract::RetractShare;
use crate::state::AppState;
use crate::stories::Story;

/// The statuses in which a share may still reach, or be, out there.
const ACTIVE: [&str; 4] = ["pending_review", "scheduled", "publishing", "published"];

/// What one take-down or hold did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Waiting shares cancelled.
    pub cancelled: usize,
    /// Posts whose deletion was queued.
    pub removals_queued: usize,
    /// Posts newly held for review.
    pub held: usize,
}

impl Outcome {
    pub fn is_empty(&self) -> bool {
        *self == Outcome::default()
    }
}

/// Which posts a take-down reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Live and held posts.
    Live,
    /// Those too whose removal failed or was refused before: a moderator asks again.
    Retry,
}

/// Cancels the story's waiting shares and queues the deletion of each of its posts that
/// `reach` covers; mails every ambassador concerned.
pub fn take_down(
    conn: &mut DbConn,
    state: &AppState,
    story: &Story,
    cause: &str,
    reach: Reach,
) -> AppResult<Outcome> {
    let swept = sweep(conn, story, cause, |conn, share, swept| {
        let reachable = match share.post_mark() {
            None | Some(PostState::Held) => true,
            Some(PostState::RemovalFailed | PostState::KeptByNetwork) => reach == Reach::Retry,
            Some(_) => false,
        };
        if !reachable {
            return Ok(());
        }
        let job = RetractShare {
            share_id: share.id.clone(),
        };
        let (org_id, user) = (share.org_id.clone(), share.user_id.clone());
        if repo::save(
            conn,
            &share.with_post(PostState::RemovalQueued, Some(cause.to_string())),
        )? {
            jobs::enqueue(conn, &state.outbox, Some(&org_id), &job)?;
            swept.outcome.removals_queued += 1;
            swept.concerned.insert(user);
        }
        Ok(())
    })?;
    mail_concerned(conn, state, story, &swept.concerned, |email| {
        templates::story_withdrawn(email, &story.title, cause)
    })?;
    Ok(swept.outcome)
}

/// Cancels the story's waiting shares (their owners mailed) and marks its posts out as held;
/// when any newly is, the comms team gets one mail saying how to take them all down.
pub fn hold(conn: &mut DbConn, state: &AppState, story: &Story, cause: &str) -> AppResult<Outcome> {
    let swept = sweep(conn, story, cause, |conn, share, swept| {
        if share.post_mark().is_none()
            && repo::save(
                conn,
                &share.with_post(PostState::Held, Some(cause.to_string())),
            )?
        {
            swept.outcome.held += 1;
        }
        Ok(())
    })?;
    mail_concerned(conn, state, story, &swept.concerned, |email| {
        templates::story_on_hold(email, &story.title, cause)
    })?;
    let outcome = swept.outcome;
    if outcome.held > 0 {
        let base = state.settings.server.public_url.trim_end_matches('/');
        let take_down = format!("{base}/api/v1/stories/{}/take-down", story.id);
        let docs = format!("{base}/docs/");
        for email in crate::accounts::query::staff_emails(conn, &story.org_id)? {
            mail::queue(
                conn,
                &state.outbox,
                Some(&story.org_id),
                templates::posts_held(&email, &story.title, cause, outcome.held, &take_down, &docs),
            )?;
        }
    }
    Ok(outcome)
}

/// What a sweep over a story's shares did, and whose shares they were.
#[derive(Default)]
struct Swept {
    outcome: Outcome,
    concerned: BTreeSet<String>,
}

/// Cancels each of the story's waiting shares (its owner concerned) and hands each one that
/// went out, locked, to `out`.
fn sweep(
    conn: &mut DbConn,
    story: &Story,
    cause: &str,
    mut out: impl FnMut(&mut DbConn, Share, &mut Swept) -> AppResult<()>,
) -> AppResult<Swept> {
    let mut swept = Swept::default();
    for share in locked_active(conn, &story.id)? {
        if share.status().is_waiting() {
            let user = share.user_id.clone();
            if cancel(conn, share, cause)? {
                swept.outcome.cancelled += 1;
                swept.concerned.insert(user);
            }
        } else {
            out(conn, share, &mut swept)?;
        }
    }
    Ok(swept)
}

/// One mail to each ambassador concerned, in the caller's transaction.
fn mail_concerned(
    conn: &mut DbConn,
    state: &AppState,
    story: &Story,
    concerned: &BTreeSet<String>,
    mail: impl Fn(&str) -> Mail,
) -> AppResult<()> {
    for user_id in concerned {
        let user = crate::accounts::query::user(conn, &story.org_id, user_id)?;
        mail::queue(conn, &state.outbox, Some(&story.org_id), mail(&user.email))?;
    }
    Ok(())
}

/// The story is publishable again: the posts held for review are simply live again.
pub fn release(conn: &mut DbConn, story: &Story) -> AppResult<usize> {
    let mut released = 0;
    for share in locked_active(conn, &story.id)? {
        if share.post_mark() != Some(PostState::Held) {
            continue;
        }
        let live = Share {
            post_state: None,
            post_reason: None,
            post_changed_at: None,
            updated_at: ids::now(),
            ..share
        };
        if repo::save(conn, &live)? {
            released += 1;
        }
    }
    Ok(released)
}

/// The story's shares that may still be out there, each read again under its lock.
fn locked_active(conn: &mut DbConn, story_id: &str) -> AppResult<Vec<Share>> {
    let mut locked = Vec::new();
    for row in repo::of_story_in(conn, story_id, &ACTIVE)? {
        if let Some(share) = repo::lock(conn, &row.id)? {
            if ACTIVE.contains(&share.status.as_str()) {
                locked.push(share);
            }
        }
    }
    Ok(locked)
}

/// Cancels a waiting share because its story was withdrawn; false if it moved on meanwhile.
fn cancel(conn: &mut DbConn, share: Share, cause: &str) -> AppResult<bool> {
    let Ok(status) = share.status().cancel() else {
        return Ok(false);
    };
    let now = ids::now();
    let cancelled = Share {
        status: status.as_str().into(),
        error: Some(format!("the story was withdrawn: {cause}")),
        post_reason: Some(cause.to_string()),
        post_changed_at: Some(now),
        updated_at: now,
        ..share
    };
    Ok(repo::save(conn, &cancelled)?)
}
