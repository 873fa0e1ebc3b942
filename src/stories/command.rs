//! The story aggregate's one command path. A story and its claims change together: every
//! edit, transition, claim verdict and manual claim runs through [`apply`], which locks the
//! story row, applies the rule on the committed state, recomputes the gate's verdict and
//! stores it with the row, on the caller's connection (inside the caller's transaction).
//! Each of these bumps the org's content version first (see `touch`).
//!
//! What follows for the story's shares is not this domain's business: the use case that
//! changed the story (`app::story_change`) acts on them in the same transaction.

use super::model::{Story, StoryStatus};
use super::repo;
use crate::accounts;
use crate::audit;
use crate::claims::{self, gate};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::text::search_key;
use crate::versions::IfMatch;

/// A story as it was under its lock, and as it was stored.
pub struct Changed<T> {
    pub before: Story,
    pub after: Story,
    pub value: T,
}

/// Runs `rule` on the story `id` of `org_id` under its lock and stores the result, in the
/// caller's transaction. `rule` gets the story as committed and returns it as it should be;
/// it may change the story's claims and write audit events and jobs on the same connection.
/// A stale `If-Match` is a 412 before anything runs.
pub fn apply<T>(
    conn: &mut DbConn,
    org_id: &str,
    id: &str,
    expected: &IfMatch,
    actor: Option<&str>,
    rule: impl FnOnce(&mut DbConn, Story) -> AppResult<(Story, T)>,
) -> AppResult<Changed<T>> {
    if !ids::is_id(id) {
        return Err(AppError::NotFound);
    }
    touch(conn, org_id)?;
    let story = repo::lock_in_org(conn, org_id, id)?.ok_or(AppError::NotFound)?;
    expected.check(story.version)?;
    let (mut updated, value) = rule(conn, story.clone())?;
    updated.updated_at = ids::now();
    settle(conn, &mut updated, actor)?;
    save(conn, &updated)?;
    updated.version += 1;
    Ok(Changed {
        before: story,
        after: updated,
        value,
    })
}

/// Inserts a new story with its topics and detected claims, its verdict computed.
pub fn create(conn: &mut DbConn, story: Story, topics: &[String]) -> AppResult<Story> {
    db::transaction(conn, |conn| {
        touch(conn, &story.org_id)?;
        repo::insert(conn, &story)?;
        repo::set_topics(conn, &story.id, topics)?;
        claims::sync::sync(conn, &story)?;
        let mut stored = story;
        settle(conn, &mut stored, None)?;
        save(conn, &stored)?;
        stored.version += 1;
        Ok(stored)
    })
}

/// Recomputes a story's stored verdict (a verification expired, the org's policy changed,
/// a row predates stored verdicts) in the caller's transaction; writes only when something
/// changed, and then returns the story as it was and as it is.
pub fn recheck(conn: &mut DbConn, org_id: &str, id: &str) -> AppResult<Option<(Story, Story)>> {
    touch(conn, org_id)?;
    let Some(story) = repo::lock_in_org(conn, org_id, id)? else {
        return Ok(None);
    };
    let mut updated = story.clone();
    settle(conn, &mut updated, None)?;
    let unchanged = story.gate_checked_at.is_some()
        && story.status == updated.status
        && same_verdict(&story, &updated);
    if unchanged {
        return Ok(None);
    }
    save(conn, &updated)?;
    Ok(Some((story, updated)))
}

/// Bumps the org's content version in this transaction, so every cached rendering of its
/// stories (the feed's pages, in any process) stops being served once the change commits.
/// It comes before the story's lock: PostgreSQL then holds the org row, then the story, in
/// the order a policy change takes them, so the two cannot deadlock.
fn touch(conn: &mut DbConn, org_id: &str) -> AppResult<()> {
    accounts::repo::bump_content_version(conn, org_id)?;
    Ok(())
}

fn same_verdict(a: &Story, b: &Story) -> bool {
    a.publishable == b.publishable
        && a.blocking_claims == b.blocking_claims
        && a.verified_until == b.verified_until
        && a.policy_violations == b.policy_violations
}

/// Writes a story read earlier in this transaction; 409 if someone wrote it in between.
fn save(conn: &mut DbConn, story: &Story) -> AppResult<()> {
    if repo::save(conn, story)? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "the story changed while you were working on it; reload it and try again",
        ))
    }
}

/// Judges the story as it now stands and stores the verdict with it. An approved story
/// never keeps a blocking claim or a policy breach: it goes back to review, so it leaves
/// every feed and shows up in the moderators' queue instead of waiting unseen.
fn settle(conn: &mut DbConn, story: &mut Story, actor: Option<&str>) -> AppResult<()> {
    let now = ids::now();
    let policy = accounts::query::policy_of(conn, &story.org_id)?;
    let story_claims = claims::query::of_story(conn, &story.id)?;
    let verdict = gate::verdict(
        &story_claims,
        gate::violations(&policy, &story.texts()),
        now,
    );
    if story.status() == StoryStatus::Approved && !verdict.content_clear {
        story.status = StoryStatus::InReview.as_str().into();
        story.submitted_at = Some(now);
        story.review_notified_at = None;
        audit::record(
            conn,
            audit::Entry {
                org_id: &story.org_id,
                actor_id: actor,
                action: "story.sent_back_to_review",
                object_type: "story",
                object_id: &story.id,
                detail: serde_json::json!({
                    "blocking_claims": verdict.blocking,
                    "policy_violations": verdict.policy_violations.len(),
                }),
            },
        )?;
    }
    story.publishable = story.status() == StoryStatus::Approved && verdict.content_clear;
    story.blocking_claims = i32::try_from(verdict.blocking).unwrap_or(i32::MAX);
    story.verified_until = verdict.verified_until;
    story.policy_violations =
        serde_json::to_string(&verdict.policy_violations).map_err(anyhow::Error::from)?;
    story.gate_checked_at = Some(now);
    story.search_text = search_key(&format!("{}\n{}", story.title, story.body));
    Ok(())
}
