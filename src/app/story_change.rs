//! Anything that changes a story — an edit, a moderator's decision, a claim's verdict, an
//! expiry, a policy change — goes through here: the story's own command path stores the
//! change and its verdict, then the story's shares follow the verdict (`withdraw_story`),
//! in one transaction.
//!
//! Lock order, everywhere a story changes: the org row (its content version is bumped
//! first), then the story row, then the story's shares one by one. A policy change takes the
//! org row first too, so the two cannot deadlock on PostgreSQL.

use chrono::NaiveDateTime;

use super::withdraw_story;
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::state::AppState;
use crate::stories::command;
use crate::stories::{repo, Story};
use crate::versions::IfMatch;

/// Runs `rule` on the story `id` of `org_id` under its lock (see `stories::command::apply`),
/// stores it, and acts on its shares when it is no longer publishable.
pub fn change<T>(
    conn: &mut DbConn,
    state: &AppState,
    org_id: &str,
    id: &str,
    expected: &IfMatch,
    actor: Option<&str>,
    rule: impl FnOnce(&mut DbConn, Story) -> AppResult<(Story, T)>,
) -> AppResult<(Story, T)> {
    db::transaction(conn, |conn| {
        let done = command::apply(conn, org_id, id, expected, actor, rule)?;
        withdraw_story::settled(conn, state, &done.before, &done.after, actor)?;
        Ok((done.after, done.value))
    })
}

/// Recomputes one story's verdict; acts on its shares only when it changed.
pub fn refresh(conn: &mut DbConn, state: &AppState, org_id: &str, id: &str) -> AppResult<()> {
    db::transaction(conn, |conn| {
        if let Some((before, after)) = command::recheck(conn, org_id, id)? {
            withdraw_story::settled(conn, state, &before, &after, None)?;
        }
        Ok(())
    })
}

/// Refreshes the verdicts that are missing or lapsed, across orgs; returns how many.
pub fn refresh_stale(conn: &mut DbConn, state: &AppState, now: NaiveDateTime) -> AppResult<usize> {
    let stale = repo::stale_verdicts(conn, now, 500)?;
    for (org_id, id) in &stale {
        refresh(conn, state, org_id, id)?;
    }
    Ok(stale.len())
}

/// Refreshes every story of an org (its policy changed), in the caller's transaction.
pub fn refresh_org(conn: &mut DbConn, state: &AppState, org_id: &str) -> AppResult<()> {
    for id in repo::ids_in_org(conn, org_id)? {
        refresh(conn, state, org_id, &id)?;
    }
    Ok(())
}
